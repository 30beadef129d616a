// Matrix and vector products over BLAS (native/blas.cc), with NumPy's matmul/dot/inner/outer rules.
import { promote, type DType, type TypedArray } from './dtype.js';
import { allocate } from './alloc.js';
import type { JoinedDType } from './creation.js';
import type {
  BinaryDType, DotRank, DTypeOfTensor, FloatOf, MatmulRank, Operand, OutResult, Promote, RankOf, Reduced, ScalarOrStack,
} from './typing.js';
import { describe, formatShape, LinAlgError, ShapeError } from './errors.js';
import { argOf, baseOfTensor, bufferOf, DTYPE_CODE, META, native, nativeStep } from './native.js';
import { broadcastShapes, broadcastStrides } from './shape.js';
import { assertAttached, Tensor, type OutOption } from './tensor.js';
import { copyInto, finishInto, mul, prepareOut } from './elementwise.js';
import * as red from './reduce.js';
import { writesDirectly } from './out.js';
import { assertStackedSquare } from './linalg/common.js';
import { invSteps } from './linalg/solve.js';
import { svdNormSteps } from './linalg/svd.js';
import { runAsync, runSync, type Steps } from './steps.js';

function checkTensor(x: unknown, op: string, which: string): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${which} of ${op} but received ${describe(x)}`);
  return x;
}

/**
 * Matrix product `x @ y` (numpy.matmul): 1-D operands are promoted to a row (`x`) or a column (`y`)
 * and the added axis removed again; leading axes are a batch and broadcast. Runs on BLAS gemm;
 * mixed dtypes promote (float32 with float64 gives float64). Two vectors give a 0-d tensor.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws ShapeError if the inner dimensions differ or the batch axes cannot be broadcast.
 * @throws RangeError for a 0-d operand (use {@link mul}).
 * @throws TypeError for a non-Tensor operand.
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4]]);
 * matmul(a, a).toArray();                     // [[7, 10], [15, 22]]
 * matmul(a, tensor([1, 1])).toArray();        // [3, 7]
 * matmul(zeros([5, 2, 3]), zeros([3, 4])).shape; // [5, 2, 4]
 * ```
 */
export function matmul<A extends Tensor, B extends Tensor, P extends OutOption = {}>(
  a: A, b: B, opts?: P,
): MatmulResult<A, B, P> {
  // Matrix and vector-matrix products of one dtype skip the step machinery: small products are
  // dominated by call overhead. Anything else (batches, mixed dtypes, `out`, errors) takes the general path.
  if (opts === undefined && a instanceof Tensor && b instanceof Tensor && a.dtype === b.dtype) {
    const lean = leanMatmul(a, b);
    if (lean !== null) return lean as never;
  }
  return runSync(matmulSteps(a, b, opts)) as never;
}

/** What `matmul(a, b, { out })` returns: `out` when given, else a tensor of the promoted dtype and matmul's rank. */
export type MatmulResult<A extends Tensor, B extends Tensor, P extends OutOption = {}> = OutResult<P,
  Tensor<Promote<DTypeOfTensor<A>, DTypeOfTensor<B>>, MatmulRank<RankOf<A>, RankOf<B>>>
>;

/**
 * Async twin of {@link matmul}: same arguments, the product runs off the JS thread (on the libuv
 * pool) and returns a Promise; errors {@link matmul} would throw become rejections. Do not mutate the
 * operands until it settles.
 *
 * @example
 * ```ts
 * const c = await linalg.matmulAsync(randn([300, 300]), randn([300, 300]));
 * c.shape; // [300, 300]
 * ```
 */
export async function matmulAsync<A extends Tensor, B extends Tensor, P extends OutOption = {}>(
  a: A, b: B, opts?: P,
): Promise<MatmulResult<A, B, P>> {
  return runAsync(matmulSteps(a, b, opts)) as never;
}

export function* matmulSteps(x: Tensor, y: Tensor, opts?: OutOption): Steps<Tensor> {
  checkTensor(x, 'matmul', 'the first operand');
  checkTensor(y, 'matmul', 'the second operand');
  if (x.ndim === 0 || y.ndim === 0) {
    throw new RangeError(`matmul: Input operand ${x.ndim === 0 ? 0 : 1} does not have enough dimensions (a 0-d tensor); use mul for scalars`);
  }
  const dtype = promote(x.dtype, y.dtype);
  // BLAS needs one dtype: a mixed pair casts the narrower operand once.
  const a = x.dtype === dtype ? x : x.astype(dtype);
  const b = y.dtype === dtype ? y : y.astype(dtype);
  const an = a.ndim;
  const bn = b.ndim;
  const aVec = an === 1;
  const bVec = bn === 1;
  const M = aVec ? 1 : a.shape[an - 2];
  const K = a.shape[an - 1];
  const bK = bVec ? b.shape[0] : b.shape[bn - 2];
  const N = bVec ? 1 : b.shape[bn - 1];
  if (K !== bK) {
    throw new ShapeError(
      `matmul: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} are not aligned: ${K} (dim ${an - 1}) != ${bK} (dim ${bVec ? 0 : bn - 2})`,
    );
  }
  const aBatch = aVec ? [] : a.shape.slice(0, -2);
  const bBatch = bVec ? [] : b.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = aBatch.length === 0 ? bBatch : bBatch.length === 0 ? aBatch : broadcastShapes(aBatch, bBatch);
  } catch {
    throw new ShapeError(`matmul: batch dimensions of shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} could not be broadcast together`);
  }
  const outShape = [...batch];
  if (!aVec) outShape.push(M);
  if (!bVec) outShape.push(N);
  let out = prepareOut(opts, outShape, dtype, 'matmul');
  const target = out;
  // An `out` of a wider dtype, or one sharing memory with an operand (gemm reads whole rows and
  // columns while it writes): compute into fresh memory, then copy once.
  if (opts?.out !== undefined && !writesDirectly(out, [a, b], { dtype })) {
    out = Tensor._output(outShape, dtype);
  }
  const nb = batch.length;
  let p = 0;
  META[p++] = DTYPE_CODE[a.dtype];
  META[p++] = DTYPE_CODE[b.dtype];
  META[p++] = DTYPE_CODE[out.dtype];
  META[p++] = nb;
  for (let i = 0; i < nb; i++) META[p++] = batch[i];
  META[p++] = M;
  META[p++] = N;
  META[p++] = K;
  p = writeMatrixLayout(p, a, aBatch, batch, aVec ? 0 : a.strides[an - 2], a.strides[an - 1]);
  p = writeMatrixLayout(p, b, bBatch, batch, bVec ? b.strides[0] : b.strides[bn - 2], bVec ? 1 : b.strides[bn - 1]);
  const on = out.ndim;
  const ors = aVec ? 0 : out.strides[on - (bVec ? 1 : 2)];
  const ocs = bVec ? 1 : out.strides[on - 1];
  writeMatrixLayout(p, out, batch, batch, ors, ocs);
  yield nativeStep('matmul', argOf(a), argOf(b), argOf(out));
  if (out !== target) finishInto(out, target);
  return target;
}

/** a @ b for a matrix or vector a and a matrix or vector b (not both vectors), or null for the general path. */
function leanMatmul(a: Tensor, b: Tensor): Tensor | null {
  const an = a.ndim, bn = b.ndim;
  if (an < 1 || an > 2 || bn < 1 || bn > 2 || (an === 1 && bn === 1)) return null;
  // A vector operand is a 1 x K row (a) or a K x 1 column (b); its other stride never matters.
  const M = an === 2 ? a.shape[0] : 1;
  const K = a.shape[an - 1];
  const N = bn === 2 ? b.shape[1] : 1;
  if (b.shape[0] !== K) return null; // the general path words the error
  const ars = an === 2 ? a.strides[0] : 0, acs = a.strides[an - 1];
  const brs = b.strides[0], bcs = bn === 2 ? b.strides[1] : 0;
  const shape = an === 1 ? [N] : bn === 1 ? [M] : [M, N];
  if (M * N * K <= JS_MAX_PRODUCT && !(M === 1 && N === 1)) return smallMatmul(a, b, shape, M, N, K, ars, acs, brs, bcs);
  const out = Tensor._output(shape, a.dtype);
  product(a.dtype, M, N, K, argOf(a), a.offset + baseOfTensor(a), ars, acs, argOf(b), b.offset + baseOfTensor(b), brs, bcs, argOf(out), baseOfTensor(out));
  return out;
}

/**
 * One native product of an M x K and a K x N operand (element (i, k) of a at ao + i rs + k cs in
 * argA, offsets counted from the start of the memory native code is passed) into a row-major
 * M x N out at outBase, without matmul's shape and batch logic.
 */
function product(
  dtype: DType, M: number, N: number, K: number,
  argA: ArrayBuffer | TypedArray, ao: number, ars: number, acs: number,
  argB: ArrayBuffer | TypedArray, bo: number, brs: number, bcs: number,
  argOut: ArrayBuffer | TypedArray, outBase: number,
): void {
  const m = META;
  const code = DTYPE_CODE[dtype];
  m[0] = code;
  m[1] = code;
  m[2] = code;
  m[3] = 0; // no batch
  m[4] = M;
  m[5] = N;
  m[6] = K;
  m[7] = ao;
  m[8] = ars;
  m[9] = acs;
  m[10] = bo;
  m[11] = brs;
  m[12] = bcs;
  m[13] = outBase;
  m[14] = N;
  m[15] = 1;
  native.matmul(argA, argB, argOut);
}

// Up to native/blas.cc's kSmallProduct multiply-adds, C++ runs the plain loop below (a BLAS call
// costs more), so JS runs the same loop and saves the crossing: the same order, accumulating in the
// result's type (float32 rounds each product and sum, as float arithmetic does; int32 wraps), so the
// same bits. The addon is built with -ffp-contract=off, so no fused multiply-add there either. A
// 1 x K by K x 1 product is a BLAS dot in C++ and stays there.
const JS_MAX_PRODUCT = 2048;

function smallMatmul(a: Tensor, b: Tensor, shape: number[], M: number, N: number, K: number, ars: number, acs: number, brs: number, bcs: number): Tensor {
  assertAttached(a.data);
  assertAttached(b.data);
  const out = allocate(a.dtype, M * N, false);
  const kernel = a.dtype === 'float64' ? smallMatmulF64 : a.dtype === 'float32' ? smallMatmulF32 : smallMatmulI32;
  kernel(a.data, a.offset, ars, acs, b.data, b.offset, brs, bcs, out, M, N, K);
  return Tensor._trusted(out, shape, shape.length === 2 ? [N, 1] : [1], 0);
}

// One loop per dtype, so that each sees one typed-array kind (V8 then keeps its element loads monomorphic).
function smallMatmulF64(x: TypedArray, xo: number, xr: number, xc: number, y: TypedArray, yo: number, yr: number, yc: number, out: TypedArray, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    const row = xo + i * xr;
    let j = 0;
    // Four outputs at a time: four independent chains of additions (each still in k order) keep
    // the CPU's adders busy where one chain waits on each addition's latency.
    for (; j + 4 <= N; j += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = 0, pa = row, pb = yo + j * yc; k < K; k++, pa += xc, pb += yr) {
        const v = x[pa];
        a0 += v * y[pb];
        a1 += v * y[pb + yc];
        a2 += v * y[pb + 2 * yc];
        a3 += v * y[pb + 3 * yc];
      }
      const p = i * N + j;
      out[p] = a0;
      out[p + 1] = a1;
      out[p + 2] = a2;
      out[p + 3] = a3;
    }
    for (; j < N; j++) {
      let acc = 0;
      for (let k = 0, pa = row, pb = yo + j * yc; k < K; k++, pa += xc, pb += yr) acc += x[pa] * y[pb];
      out[i * N + j] = acc;
    }
  }
}

function smallMatmulF32(x: TypedArray, xo: number, xr: number, xc: number, y: TypedArray, yo: number, yr: number, yc: number, out: TypedArray, M: number, N: number, K: number): void {
  for (let i = 0, p = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0, pa = xo + i * xr, pb = yo + j * yc; k < K; k++, pa += xc, pb += yr) acc = Math.fround(acc + Math.fround(x[pa] * y[pb]));
      out[p++] = acc;
    }
  }
}

function smallMatmulI32(x: TypedArray, xo: number, xr: number, xc: number, y: TypedArray, yo: number, yr: number, yc: number, out: TypedArray, M: number, N: number, K: number): void {
  for (let i = 0, p = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0, pa = xo + i * xr, pb = yo + j * yc; k < K; k++, pa += xc, pb += yr) acc = (acc + Math.imul(x[pa], y[pb])) | 0;
      out[p++] = acc;
    }
  }
}

function writeMatrixLayout(p: number, t: Tensor, ownBatch: readonly number[], batch: readonly number[], rs: number, cs: number): number {
  META[p++] = t.offset + baseOfTensor(t);
  const bs = broadcastStrides(ownBatch, t.strides.slice(0, ownBatch.length), batch);
  for (let i = 0; i < bs.length; i++) META[p++] = bs[i];
  META[p++] = rs;
  META[p++] = cs;
  return p;
}

const DOT_RESULT = { float64: new Float64Array(1), float32: new Float32Array(1) } as const;
const DOT_ARG = { float64: bufferOf(DOT_RESULT.float64), float32: bufferOf(DOT_RESULT.float32) } as const;

/**
 * x . y as a number, for 1-D float tensors of one dtype and length (isFloatVectorPair): a 1 x n by
 * n x 1 product, which native code hands to BLAS's dot at any length, without matmul's shape
 * logic. For embeddings, norms and distances, where the call is most of the cost.
 */
export function dotNumber(x: Tensor, y: Tensor): number {
  assertAttached(x.data);
  assertAttached(y.data);
  const dtype = x.dtype as 'float64' | 'float32';
  const out = DOT_RESULT[dtype];
  product(dtype, 1, 1, x.size, argOf(x), x.offset + baseOfTensor(x), 0, x.strides[0], argOf(y), y.offset + baseOfTensor(y), y.strides[0], 0, DOT_ARG[dtype], 0);
  return out[0];
}

/** Whether x and y are float vectors of one dtype and length: the lean dot's case. */
export function isFloatVectorPair(x: unknown, y: unknown): x is Tensor {
  return x instanceof Tensor && y instanceof Tensor && x.ndim === 1 && y.ndim === 1 && x.dtype === y.dtype && x.dtype !== 'int32' && x.size === y.size;
}

/** numpy.dot. */
function* dotSteps(x: Tensor | number, y: Tensor | number): Steps<Tensor> {
  if (typeof x === 'number' || typeof y === 'number' || x.ndim === 0 || y.ndim === 0) return mul(x, y);
  checkTensor(x, 'dot', 'the first operand');
  checkTensor(y, 'dot', 'the second operand');
  // Where dot and matmul agree (y at most 2-D, or x a vector), matmul it is.
  if (y.ndim <= 2 || x.ndim === 1) return yield* matmulSteps(x, y);
  // N-D . M-D: contract x's last axis with y's second-to-last (tensordot), through one gemm.
  const K = x.shape[x.ndim - 1];
  const yK = y.shape[y.ndim - 2];
  if (K !== yK) {
    throw new ShapeError(`dot: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} not aligned: ${K} (dim ${x.ndim - 1}) != ${yK} (dim ${y.ndim - 2})`);
  }
  const a2 = x.reshape(-1, K);
  const axes = [y.ndim - 2, ...Array.from({ length: y.ndim - 2 }, (_, i) => i), y.ndim - 1];
  const b2 = y.transpose(axes).reshape(K, -1);
  const r = yield* matmulSteps(a2, b2);
  return Tensor._handOver(r.reshape([...x.shape.slice(0, -1), ...y.shape.slice(0, -2), y.shape[y.ndim - 1]]), r);
}

/** numpy.vdot: the dot product of the flattened inputs, as a number. */
function* vdotSteps(x: Tensor, y: Tensor): Steps<number> {
  checkTensor(x, 'vdot', 'the first operand');
  checkTensor(y, 'vdot', 'the second operand');
  if (x.size !== y.size) throw new ShapeError(`vdot: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} have different sizes`);
  const r = yield* matmulSteps(x.ravel(), y.ravel());
  const value = r.item();
  Tensor._release(r);
  return value;
}

/** numpy.inner: contracts the last axes of both operands. */
function* innerSteps(x: Tensor | number, y: Tensor | number): Steps<Tensor> {
  if (typeof x === 'number' || typeof y === 'number' || x.ndim === 0 || y.ndim === 0) return mul(x, y);
  const K = x.shape[x.ndim - 1];
  if (y.shape[y.ndim - 1] !== K) {
    throw new ShapeError(`inner: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} not aligned: last dimensions ${K} != ${y.shape[y.ndim - 1]}`);
  }
  const r = yield* matmulSteps(x.reshape(-1, K), y.reshape(-1, K).T);
  return Tensor._handOver(r.reshape([...x.shape.slice(0, -1), ...y.shape.slice(0, -1)]), r);
}

/** numpy.outer: every product of the flattened inputs, as a matrix. */
// eslint-disable-next-line require-yield -- elementwise only, but an async twin all the same
function* outerSteps<DA extends DType, DB extends DType>(a: Tensor<DA>, b: Tensor<DB>): Steps<Tensor<Promote<DA, DB>, 2>> {
  checkTensor(a, 'outer', 'the first operand');
  checkTensor(b, 'outer', 'the second operand');
  return mul(a.reshape(-1, 1), b.reshape(1, -1)) as never;
}

/** {@link matrixPower}'s dtype: a negative power inverts, so int32 becomes float64 (either when `N` is not known statically). */
export type MatrixPowerDType<D extends DType, N extends number> = number extends N ? D | FloatOf<D> : `${N}` extends `-${string}` ? FloatOf<D> : D;

/** numpy.linalg.matrix_power for n >= 0 (by repeated squaring), on stacks too. */
function* matrixPowerSteps(a: Tensor, n: number): Steps<Tensor> {
  checkTensor(a, 'matrixPower', 'the first operand');
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`Expected an integer for n but received ${describe(n)}`);
  assertStackedSquare(a, 'matrixPower');
  if (n < 0) return yield* matrixPowerSteps(yield* invSteps(a), -n);
  if (n === 0) {
    const m = a.shape[a.ndim - 1];
    const eye = Tensor._empty([m, m], a.dtype);
    for (let i = 0; i < m; i++) eye.data[i * m + i] = 1;
    const out = Tensor._empty(a.shape.slice(), a.dtype);
    copyInto(eye, out);
    return out;
  }
  if (n === 1) return a.clone();
  let result: Tensor | null = null;
  let z = a;
  // Arithmetic, not bit operations: n may exceed 2^31.
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result = result === null ? z : yield* matmulSteps(result, z);
    if (k > 1) z = yield* matmulSteps(z, z);
  }
  return result!;
}

/** numpy.linalg.multi_dot: picks the cheapest parenthesisation (matrix-chain order). */
function* multiDotSteps(arrays: readonly Tensor[]): Steps<Tensor> {
  if (!Array.isArray(arrays as unknown) || arrays.length < 2) throw new RangeError('multiDot: expecting at least two tensors');
  arrays.forEach((t, i) => checkTensor(t, 'multiDot', `operand ${i}`));
  const n = arrays.length;
  if (n === 2) return yield* dotSteps(arrays[0], arrays[1]);
  const first = arrays[0];
  const last = arrays[n - 1];
  const ms = arrays.slice();
  if (first.ndim === 1) ms[0] = first.reshape(1, -1);
  if (last.ndim === 1) ms[n - 1] = last.reshape(-1, 1);
  ms.forEach((t, i) => {
    if (t.ndim !== 2) throw new RangeError(`multiDot: operand ${i} has ${t.ndim} dimensions; 2 are required`);
  });
  const dims = [ms[0].shape[0], ...ms.map((t) => t.shape[1])];
  // DP over chain splits, as numpy's _multi_dot_matrix_chain_order.
  const cost = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const split = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let len = 1; len < n; len++) {
    for (let i = 0; i + len < n; i++) {
      const j = i + len;
      cost[i][j] = Infinity;
      for (let k = i; k < j; k++) {
        const c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1];
        if (c < cost[i][j]) {
          cost[i][j] = c;
          split[i][j] = k;
        }
      }
    }
  }
  function* chain(i: number, j: number): Steps<Tensor> {
    if (i === j) return ms[i];
    const left = yield* chain(i, split[i][j]);
    const right = yield* chain(split[i][j] + 1, j);
    return yield* matmulSteps(left, right);
  }
  let r = yield* chain(0, n - 1);
  if (first.ndim === 1 && last.ndim === 1) r = r.reshape([]);
  else if (first.ndim === 1) r = r.reshape(-1);
  else if (last.ndim === 1) r = r.reshape(-1);
  return r;
}

/** numpy.linalg.trace: the sum along the diagonal of the last two axes. */
// eslint-disable-next-line require-yield -- a reduction over a view, but an async twin all the same
function* traceSteps<D extends DType, R extends number>(a: Tensor<D, R>, offset = 0): Steps<ScalarOrStack<FloatOf<D>, R>> {
  checkTensor(a, 'trace', 'the operand');
  return red.sum(a.diagonal(offset) as Tensor, -1) as never;
}

/**
 * Order of a {@link norm}: a number (vectors: any p, including 0 and ±Infinity; matrices: 1, -1, 2, -2,
 * ±Infinity), `'fro'` or `'nuc'` (matrices), or undefined/null for the 2-norm / Frobenius norm.
 */
export type NormOrd = number | 'fro' | 'nuc' | undefined | null;

/** numpy.linalg.norm. */
export function* normSteps(x: Tensor, ord: NormOrd, axis: number | readonly number[] | null | undefined, keepdims: boolean = false): Steps<Tensor | number> {
  checkTensor(x, 'norm', 'the operand');
  const a = x.dtype === 'int32' ? x.astype('float64') : x;
  const nd = a.ndim;
  let axes: number[];
  if (axis === undefined || axis === null) {
    if (ord === undefined || ord === null) return red.norm2(a, undefined, keepdims); // Frobenius / 2-norm of everything
    if (nd !== 1 && nd !== 2) throw new RangeError('Improper number of dimensions to norm.');
    axes = nd === 1 ? [0] : [0, 1];
  } else {
    const list = typeof axis === 'number' ? [axis] : Array.from(axis);
    axes = list.map((v) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`Expected an integer axis but received ${describe(v)}`);
      if (v < -nd || v >= nd) throw new RangeError(`axis ${v} is out of bounds for a tensor of dimension ${nd}`);
      return v < 0 ? v + nd : v;
    });
  }
  if (axes.length === 1) return vectorNorm(a, ord, axes[0], keepdims);
  if (axes.length === 2) {
    if (axes[0] === axes[1]) throw new RangeError('Duplicate axes given.');
    return yield* matrixNorm(a, ord, axes[0], axes[1], keepdims);
  }
  throw new RangeError('Improper number of dimensions to norm.');
}

function vectorNorm(a: Tensor, ord: NormOrd, axis: number, keepdims: boolean): Tensor | number {
  const sumAxis = (t: Tensor): Tensor | number => red.sum(t, axis, keepdims);
  if (ord === undefined || ord === null || ord === 2) return red.norm2(a, axis, keepdims);
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new RangeError(`Invalid norm order '${String(ord)}' for vectors`);
  if (ord === Infinity) return red.max(a.abs(), axis, keepdims);
  if (ord === -Infinity) return red.min(a.abs(), axis, keepdims);
  if (ord === 0) return sumAxis(a.abs().sign()); // count of non-zeros
  if (ord === 1) return sumAxis(a.abs());
  const s = sumAxis(a.abs().pow(ord));
  return typeof s === 'number' ? s ** (1 / ord) : s.pow(1 / ord, { out: s });
}

function* matrixNorm(a: Tensor, ord: NormOrd, rowAxis: number, colAxis: number, keepdims: boolean): Steps<Tensor | number> {
  let r: Tensor | number;
  if (ord === undefined || ord === null || ord === 'fro') {
    const s = red.sum(a.mul(a), [rowAxis, colAxis]);
    r = typeof s === 'number' ? Math.sqrt(s) : s.sqrt({ out: s });
  } else if (ord === 1 || ord === -1) {
    const c = colAxis > rowAxis ? colAxis - 1 : colAxis;
    const s = red.sum(a.abs(), rowAxis) as Tensor;
    r = ord === 1 ? red.max(s, c) : red.min(s, c);
  } else if (ord === Infinity || ord === -Infinity) {
    const rr = rowAxis > colAxis ? rowAxis - 1 : rowAxis;
    const s = red.sum(a.abs(), colAxis) as Tensor;
    r = ord === Infinity ? red.max(s, rr) : red.min(s, rr);
  } else if (ord === 2 || ord === -2 || ord === 'nuc') {
    r = yield* svdNormSteps(a, ord, rowAxis, colAxis);
  } else {
    throw new RangeError(`Invalid norm order '${String(ord)}' for matrices`);
  }
  if (!keepdims) return r;
  const shape = a.shape.map((d, i) => (i === rowAxis || i === colAxis ? 1 : d));
  if (r instanceof Tensor) return r.reshape(shape);
  const t = Tensor._empty(shape, a.dtype); // a single matrix reduced to one value
  t.data[0] = r;
  return t;
}


/**
 * numpy.dot: for 1-D and 2-D operands the same as {@link matmul}; a scalar multiplies
 * elementwise; for N-D `x` and M-D `y` (M >= 2) it contracts the last axis of `x` with the
 * second-to-last of `y`.
 *
 * @throws ShapeError if the contracted dimensions differ.
 * @example
 * ```ts
 * dot(tensor([1, 2]), tensor([3, 4])).item();           // 11
 * dot(tensor([[1, 2], [3, 4]]), tensor([1, 1])).toArray(); // [3, 7]
 * dot(zeros([2, 3, 4]), zeros([5, 4, 6])).shape;        // [2, 3, 5, 6]
 * ```
 */
export function dot<A extends Operand, B extends Operand>(
  a: A, b: B,
): Tensor<BinaryDType<A, B>, DotRank<RankOf<A>, RankOf<B>>> {
  if (isFloatVectorPair(a, b)) {
    const r = dotNumber(a, b as Tensor);
    const out = allocate(a.dtype, 1, false);
    out[0] = r;
    return Tensor._trusted(out, NO_AXES, NO_AXES, 0) as never;
  }
  return runSync(dotSteps(a, b)) as never;
}
const NO_AXES: readonly number[] = [];
/**
 * Async twin of {@link dot}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors dot would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const d = await linalg.dotAsync(tensor([1, 2]), tensor([3, 4]));
 * d.item(); // 11
 * ```
 */
export async function dotAsync<A extends Operand, B extends Operand>(
  a: A, b: B,
): Promise<Tensor<BinaryDType<A, B>, DotRank<RankOf<A>, RankOf<B>>>> {
  return runAsync(dotSteps(a, b)) as never;
}
/**
 * numpy.vdot: the dot product of the two tensors flattened, as a number.
 *
 * @throws ShapeError if the sizes differ.
 * @example
 * ```ts
 * vdot(tensor([[1, 2], [3, 4]]), tensor([[1, 2], [3, 4]])); // 30
 * ```
 */
export function vdot(a: Tensor, b: Tensor): number {
  return runSync(vdotSteps(a, b)) as never;
}
/**
 * Async twin of {@link vdot}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors vdot would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * await linalg.vdotAsync(tensor([1, 2]), tensor([3, 4])); // 11
 * ```
 */
export async function vdotAsync(a: Tensor, b: Tensor): Promise<number> {
  return runAsync(vdotSteps(a, b)) as never;
}
/**
 * numpy.inner: contracts the last axes of both operands; the result has shape
 * `[...x.shape[:-1], ...y.shape[:-1]]`. A scalar multiplies elementwise.
 *
 * @throws ShapeError if the last dimensions differ.
 * @example
 * ```ts
 * inner(tensor([1, 2]), tensor([3, 4])).item();          // 11
 * inner(tensor([[1, 0], [0, 1]]), tensor([[1, 2], [3, 4]])).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function inner<A extends Operand, B extends Operand>(
  a: A, b: B,
): Tensor<BinaryDType<A, B>, DotRank<RankOf<A>, RankOf<B>>> {
  return runSync(innerSteps(a, b)) as never;
}
/**
 * Async twin of {@link inner}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors inner would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const r = await linalg.innerAsync(tensor([1, 2]), tensor([3, 4]));
 * r.item(); // 11
 * ```
 */
export async function innerAsync<A extends Operand, B extends Operand>(
  a: A, b: B,
): Promise<Tensor<BinaryDType<A, B>, DotRank<RankOf<A>, RankOf<B>>>> {
  return runAsync(innerSteps(a, b)) as never;
}
/**
 * numpy.outer: every product `x[i] * y[j]` of the flattened inputs, as a matrix.
 *
 * @example
 * ```ts
 * outer(tensor([1, 2]), tensor([1, 2, 3])).toArray(); // [[1, 2, 3], [2, 4, 6]]
 * ```
 */
export function outer<DA extends DType, DB extends DType>(a: Tensor<DA>, b: Tensor<DB>): Tensor<Promote<DA, DB>, 2> {
  return runSync(outerSteps(a, b));
}
/**
 * Async twin of {@link outer}: same arguments, returns a Promise. outer makes no BLAS or LAPACK
 * call, so the work is done on the JS thread before the Promise resolves; the twin exists so
 * that every `linalg` function has one. Errors become rejections.
 *
 * @example
 * ```ts
 * const o = await linalg.outerAsync(tensor([1, 2]), tensor([3, 4]));
 * o.toArray(); // [[3, 4], [6, 8]]
 * ```
 */
export async function outerAsync<DA extends DType, DB extends DType>(
  a: Tensor<DA>, b: Tensor<DB>,
): Promise<Tensor<Promote<DA, DB>, 2>> {
  return runAsync(outerSteps(a, b));
}
/**
 * numpy.linalg.matrix_power: `a` multiplied by itself `n` times (by repeated squaring), on stacks
 * too; `n` = 0 gives the identity, `n` < 0 powers the inverse.
 *
 * @throws LinAlgError `NOT_SQUARE` unless the last two axes are square; `SINGULAR` for a negative power of a singular matrix.
 * @throws TypeError if `n` is not an integer.
 * @example
 * ```ts
 * linalg.matrixPower(tensor([[1, 1], [0, 1]]), 3).toArray(); // [[1, 3], [0, 1]]
 * linalg.matrixPower(tensor([[2, 0], [0, 4]]), -1).toArray(); // [[0.5, 0], [0, 0.25]]
 * ```
 */
export function matrixPower<D extends DType, R extends number, N extends number>(
  a: Tensor<D, R>, n: N,
): Tensor<MatrixPowerDType<D, N>, R> {
  return runSync(matrixPowerSteps(a, n)) as never;
}
/**
 * Async twin of {@link matrixPower}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors matrixPower would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const p = await linalg.matrixPowerAsync(tensor([[1, 1], [0, 1]]), 10);
 * p.toArray(); // [[1, 10], [0, 1]]
 * ```
 */
export async function matrixPowerAsync<D extends DType, R extends number, N extends number>(
  a: Tensor<D, R>, n: N,
): Promise<Tensor<MatrixPowerDType<D, N>, R>> {
  return runAsync(matrixPowerSteps(a, n)) as never;
}
/**
 * numpy.linalg.multi_dot: the product of a chain of matrices, multiplied in the cheapest order
 * (matrix-chain order). The first and last operands may be 1-D (a row and a column vector).
 *
 * @param arrays - The list of tensors (at least two).
 * @throws RangeError for fewer than two tensors, or a middle operand that is not 2-D.
 * @throws ShapeError if neighbouring dimensions differ.
 * @example
 * ```ts
 * linalg.multiDot([zeros([10, 100]), zeros([100, 5]), zeros([5, 50])]).shape; // [10, 50]
 * linalg.multiDot([tensor([1, 2]), tensor([[1, 2], [3, 4]]), tensor([1, 1])]).item(); // 17
 * ```
 */
export function multiDot<D extends DType, R extends number>(
  arrays: readonly Tensor<D, R>[],
): Tensor<JoinedDType<D>, R extends 2 ? 2 : number> {
  return runSync(multiDotSteps(arrays)) as never;
}
/**
 * Async twin of {@link multiDot}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors multiDot would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const m = await linalg.multiDotAsync([eye(2), eye(2), tensor([1, 2])]);
 * m.toArray(); // [1, 2]
 * ```
 */
export async function multiDotAsync<D extends DType, R extends number>(
  arrays: readonly Tensor<D, R>[],
): Promise<Tensor<JoinedDType<D>, R extends 2 ? 2 : number>> {
  return runAsync(multiDotSteps(arrays)) as never;
}
/**
 * numpy.linalg.trace: the sum along diagonal `offset` of the last two axes.
 *
 * @returns A number for a single matrix, a Tensor for a stack.
 * @throws RangeError for fewer than two axes.
 * @example
 * ```ts
 * linalg.trace(tensor([[1, 2], [3, 4]]));    // 5
 * linalg.trace(tensor([[1, 2], [3, 4]]), 1); // 2
 * (linalg.tracestack([eye(2), eye(2)])).toArray(); // [2, 2]
 * ```
 */
export function trace<D extends DType, R extends number>(
  a: Tensor<D, R>, offset?: number,
): ScalarOrStack<FloatOf<D>, R> {
  return runSync(traceSteps(a, offset));
}
/**
 * Async twin of {@link trace}: same arguments, returns a Promise. trace makes no BLAS or LAPACK
 * call, so the work is done on the JS thread before the Promise resolves; the twin exists so
 * that every `linalg` function has one. Errors become rejections.
 *
 * @example
 * ```ts
 * await linalg.traceAsync(eye(3)); // 3
 * ```
 */
export async function traceAsync<D extends DType, R extends number>(
  a: Tensor<D, R>, offset?: number,
): Promise<ScalarOrStack<FloatOf<D>, R>> {
  return runAsync(traceSteps(a, offset));
}
/**
 * numpy.linalg.norm. Without `axis`: the 2-norm of a vector, a matrix norm of a matrix (Frobenius
 * by default), and with `ord` undefined the 2-norm of all elements of any tensor. With one axis:
 * vector norms along it; with two: matrix norms over them. See {@link NormOrd}.
 *
 * @param x - The tensor.
 * @param ord - The order ({@link NormOrd}).
 * @param axis - One axis (vector norms) or two (matrix norms); all of `x` when omitted.
 * @param keepdims - Keep the reduced axes as length 1.
 * @returns A number when the result is a single value (and `keepdims` is false), else a Tensor.
 * @throws RangeError for an invalid `ord`, an axis out of range or repeated, or `ord` without `axis` on a tensor that is not 1-D or 2-D.
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4]]);
 * linalg.norm(tensor([3, 4]));         // 5
 * linalg.norm(tensor([3, -4]), 1);     // 7
 * linalg.norm(a, 'fro');               // 5.477225575051661
 * linalg.norm(a, Infinity);            // 7
 * linalg.norm(a, 2);                   // 5.464985704219042
 * linalg.norm(a, undefined, 1).toArray(); // [2.23606797749979, 5]
 * ```
 */
export function norm<D extends DType, R extends number, A extends number | readonly [] | readonly number[] | null | undefined = undefined, K extends boolean = false>(
  x: Tensor<D, R>, ord?: NormOrd, axis?: A, keepdims?: K,
): Reduced<FloatOf<D>, R, A, K> {
  // NumPy's 2-norm of a whole vector: sqrt(x . x), one BLAS dot.
  if ((ord === undefined || ord === null) && (axis === undefined || axis === null) && !keepdims && isFloatVectorPair(x, x)) {
    const r = Math.sqrt(dotNumber(x, x));
    return (x.dtype === 'float32' ? Math.fround(r) : r) as never;
  }
  return runSync(normSteps(x, ord, axis, keepdims)) as never;
}
/**
 * Async twin of {@link norm}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors norm would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * await linalg.normAsync(tensor([[1, 2], [3, 4]]), 'nuc'); // 5.830951894845299
 * ```
 */
export async function normAsync<D extends DType, R extends number, A extends number | readonly [] | readonly number[] | null | undefined = undefined, K extends boolean = false>(
  x: Tensor<D, R>, ord?: NormOrd, axis?: A, keepdims?: K,
): Promise<Reduced<FloatOf<D>, R, A, K>> {
  return runAsync(normSteps(x, ord, axis, keepdims)) as never;
}
