// The LAPACK half of linalg: JS checks shapes and dtypes and allocates outputs in the layout
// LAPACK writes (so results are not copied again); native/lapack/*.cc loops over stacked matrices.
import { formatShape, LinAlgError, ShapeError, describe } from '../errors.js';
import { META, nativeStep } from '../native.js';
import { syncOf, asyncOf, type Steps } from '../steps.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, shapesEqual, sizeOf } from '../shape.js';
import { Tensor, type OutOption } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { FloatOf, MaxRank, OutOr, Promote, RankMinus, ScalarOrStack } from '../typing.js';
import { allocate } from '../alloc.js';
import { overlapOf } from '../out.js';
import { div, mul, prepareOut, abs as absT } from '../elementwise.js';
import * as red from '../reduce.js';
import { matmulSteps, normSteps } from '../blas.js';

// ---- shared helpers ----

/** A tensor LAPACK can take: float32 stays float32, int32 promotes to float64 (NumPy's rule). */
function floatInput(a: unknown, op: string): Tensor {
  if (!(a instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${op} but received ${describe(a)}`);
  return a.dtype === 'int32' ? a.astype('float64') : a;
}

function assertStacked(a: Tensor, op: string): void {
  if (a.ndim < 2) {
    throw new LinAlgError(`${op}: ${a.ndim}-dimensional tensor given. Tensor must be at least two-dimensional`, 'NOT_SQUARE');
  }
}

export function assertStackedSquare(a: Tensor, op: string): void {
  assertStacked(a, op);
  if (a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) {
    throw new LinAlgError(`${op}: last 2 dimensions of the tensor must be square, got shape ${formatShape(a.shape)}`, 'NOT_SQUARE');
  }
}

/** Writes [nb, batch...] at META[0]; returns the next position. */
function writeBatch(batch: readonly number[]): number {
  META[0] = batch.length;
  for (let i = 0; i < batch.length; i++) META[1 + i] = batch[i];
  return 1 + batch.length;
}

/** Writes one matrix operand: [rows, cols, offset, batch strides (broadcast)..., rs, cs]. */
function writeMatrix(p: number, t: Tensor, batch: readonly number[], rows: number, cols: number, rs: number, cs: number): number {
  META[p++] = rows;
  META[p++] = cols;
  META[p++] = t.offset;
  const own = t.shape.length - (t.ndim >= 2 ? 2 : t.ndim);
  const ownBatch = t.shape.slice(0, own);
  const bs = broadcastStrides(ownBatch, t.strides.slice(0, own), batch);
  for (let i = 0; i < batch.length; i++) META[p++] = bs[i];
  META[p++] = rs;
  META[p++] = cs;
  return p;
}

/** The last two axes of a stacked tensor as a matrix operand. */
function writeStackedMatrix(p: number, t: Tensor, batch: readonly number[]): number {
  const n = t.ndim;
  return writeMatrix(p, t, batch, t.shape[n - 2], t.shape[n - 1], t.strides[n - 2], t.strides[n - 1]);
}

/** Per-matrix vector output of shape (...batch, k), written as a 1 x k matrix. */
function writeVector(p: number, t: Tensor, batch: readonly number[], k: number): number {
  META[p++] = 1;
  META[p++] = k;
  META[p++] = t.offset;
  const bs = t.strides.slice(0, batch.length);
  for (let i = 0; i < batch.length; i++) META[p++] = bs[i];
  META[p++] = 0;
  META[p++] = t.ndim > batch.length ? t.strides[batch.length] : 1;
  return p;
}

/** A fresh stack of rows x cols matrices, each block column-major (Fortran order), as LAPACK writes. */
function fortranStack(batch: readonly number[], rows: number, cols: number, dtype: DType): Tensor {
  const block = rows * cols;
  const shape = [...batch, rows, cols];
  const data = allocate(dtype, sizeOf(shape), false);
  const bstrides = contiguousStrides(batch).map((s) => s * block);
  return Tensor._trusted(data, shape, [...bstrides, 1, Math.max(rows, 1)], 0);
}

const batchOf = (a: Tensor): number[] => a.shape.slice(0, -2);
const asResult = (t: Tensor): Tensor | number => (t.ndim === 0 ? t.item() : t);

// ---- solve, inv ----

/** numpy.linalg.solve: a x = b. A 1-D b is one right-hand side; otherwise b is (..., M, K). */
function* solveSteps<DA extends DType, RA extends number, DB extends DType, RB extends number, O extends Tensor = never>(
  a: Tensor<DA, RA>, b: Tensor<DB, RB>, opts: OutOption<O> = {},
): Steps<OutOr<O, Tensor<FloatOf<Promote<DA, DB>>, SolveRank<RA, RB>>>> {
  return (yield* solveImpl(a, b, opts)) as never;
}

/** The rank of {@link solve}'s result: a vector b gives a's batch plus one axis, a matrix b broadcasts. */
export type SolveRank<RA extends number, RB extends number> = RB extends 1 ? RankMinus<RA, 1> : MaxRank<RA, RB>;

function* solveImpl(aIn: Tensor, bIn: Tensor, opts: OutOption): Steps<Tensor> {
  let a = floatInput(aIn, 'solve');
  let b = floatInput(bIn, 'solve');
  assertStackedSquare(a, 'solve');
  if (a.dtype !== b.dtype) {
    a = a.astype('float64');
    b = b.astype('float64');
  }
  const n = a.shape[a.ndim - 1];
  const vector = b.ndim === 1;
  const bRows = vector ? b.shape[0] : b.shape[b.ndim - 2];
  if (bRows !== n || b.ndim === 0) {
    throw new ShapeError(`solve: shapes ${formatShape(aIn.shape)} and ${formatShape(bIn.shape)} are not aligned: ${n} != ${bRows}`);
  }
  const k = vector ? 1 : b.shape[b.ndim - 1];
  let batch: number[];
  try {
    batch = broadcastShapes(batchOf(a), vector ? [] : batchOf(b));
  } catch {
    throw new ShapeError(`solve: batch dimensions of shapes ${formatShape(aIn.shape)} and ${formatShape(bIn.shape)} could not be broadcast together`);
  }
  const out = opts.out === undefined ? null : lapackOut(opts.out, vector ? [...batch, n] : [...batch, n, k], a.dtype, 'solve', [a, b]);
  // The caller's out as (..., n, k) matrices (a trailing axis of 1 for a vector result), or a fresh
  // Fortran-ordered stack that getrs fills in place.
  const x = out ? (vector ? out.expandDims(-1) : out) : fortranStack(batch, n, k, a.dtype);
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = vector ? writeMatrix(p, b, batch, n, 1, b.strides[0], 0) : writeStackedMatrix(p, b, batch);
  writeStackedMatrix(p, x, batch);
  yield nativeStep('solve', a.data, b.data, x.data);
  return out ?? (vector ? x.reshape([...batch, n]) : x);
}

/** numpy.linalg.inv. */
export function* invSteps<D extends DType, R extends number, O extends Tensor = never>(
  a: Tensor<D, R>, opts: OutOption<O> = {},
): Steps<OutOr<O, Tensor<FloatOf<D>, R>>> {
  return (yield* invImpl(a, opts)) as never;
}

function* invImpl(aIn: Tensor, opts: OutOption): Steps<Tensor> {
  const a = floatInput(aIn, 'inv');
  assertStackedSquare(a, 'inv');
  const out = opts.out === undefined ? Tensor._output(a.shape.slice(), a.dtype) : lapackOut(opts.out, a.shape, a.dtype, 'inv', [a]);
  const batch = batchOf(a);
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  writeStackedMatrix(p, out, batch);
  yield nativeStep('inv', a.data, out.data);
  return out;
}

// ---- getrf: det, slogdet, lu ----

/** What {@link slogdet} returns: numbers for one matrix (`X` = number), Tensors of the batch shape for a stack. */
export interface SlogdetResult<X = number | Tensor> {
  /** Sign of the determinant: 1, -1, or 0 for a singular matrix. */
  sign: X;
  /** Natural logarithm of its absolute value, -Infinity for a singular matrix. */
  logabsdet: X;
}

/** numpy.linalg.slogdet: sign and log|det|, computed without overflow. */
function* slogdetSteps<D extends DType, R extends number>(a: Tensor<D, R>): Steps<SlogdetResult<ScalarOrStack<FloatOf<D>, R>>> {
  return (yield* slogdetImpl(a)) as never;
}

function* slogdetImpl(aIn: Tensor): Steps<SlogdetResult> {
  const a = floatInput(aIn, 'slogdet');
  assertStackedSquare(a, 'slogdet');
  const batch = batchOf(a);
  const sign = Tensor._output(batch, a.dtype);
  const logabsdet = Tensor._output(batch, a.dtype);
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = writeVector(p, sign, batch, 1);
  writeVector(p, logabsdet, batch, 1);
  yield nativeStep('slogdet', a.data, sign.data, logabsdet.data);
  return { sign: asResult(sign), logabsdet: asResult(logabsdet) };
}

/** numpy.linalg.det (as sign * exp(logabsdet), like NumPy). */
function* detSteps<D extends DType, R extends number>(a: Tensor<D, R>): Steps<ScalarOrStack<FloatOf<D>, R>> {
  const { sign, logabsdet } = yield* slogdetImpl(a);
  if (typeof sign === 'number') return (sign * Math.exp(logabsdet as number)) as never;
  return mul(sign, (logabsdet as Tensor).exp()) as never;
}

/** What {@link lu} returns, with `a = p @ l @ u`. */
export interface LuResult<T extends Tensor = Tensor> {
  /** Permutation matrix, (..., M, M). */
  p: T;
  /** Unit lower triangular (trapezoidal) factor, (..., M, K) with K = min(M, N). */
  l: T;
  /** Upper triangular (trapezoidal) factor, (..., K, N). */
  u: T;
}

/** LU with partial pivoting, SciPy's convention: a = p @ l @ u. */
function* luSteps<D extends DType, R extends number>(a: Tensor<D, R>): Steps<LuResult<Tensor<FloatOf<D>, R>>> {
  return (yield* luImpl(a)) as never;
}

function* luImpl(aIn: Tensor): Steps<LuResult> {
  const a = floatInput(aIn, 'lu');
  assertStacked(a, 'lu');
  const batch = batchOf(a);
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const k = Math.min(m, n);
  const P = Tensor._output([...batch, m, m], a.dtype);
  const L = Tensor._output([...batch, m, k], a.dtype);
  const U = Tensor._output([...batch, k, n], a.dtype);
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = writeStackedMatrix(p, P, batch);
  p = writeStackedMatrix(p, L, batch);
  writeStackedMatrix(p, U, batch);
  yield nativeStep('lu', a.data, P.data, L.data, U.data);
  return { p: P, l: L, u: U };
}

// ---- geqrf + orgqr ----

/**
 * Mode of {@link qr}: `'reduced'` (Q is M x K, R is K x N, K = min(M, N)), `'complete'` (Q is M x M,
 * R is M x N) or `'r'` (R only, as reduced).
 */
export type QrMode = 'reduced' | 'complete' | 'r';

/** What {@link qr} returns in modes `'reduced'` and `'complete'`. */
export interface QrResult<T extends Tensor = Tensor> {
  /** Orthonormal columns, (..., M, K) ('reduced') or (..., M, M) ('complete'). */
  q: T;
  /** Upper triangular factor, (..., K, N) ('reduced') or (..., M, N) ('complete'). */
  r: T;
}

/** What {@link qr} returns in mode `'r'`: the triangular factor alone. */
export interface QrROnly<T extends Tensor = Tensor> {
  /** Upper triangular factor, (..., K, N). */
  r: T;
}

/** {@link qr}'s result for mode `M`: `{ r }` for `'r'`, `{ q, r }` otherwise (either when `M` is not known statically). */
export type QrResultOf<T extends Tensor, M extends QrMode> = M extends 'r' ? QrROnly<T> : QrResult<T>;

/** numpy.linalg.qr: a = q @ r ('reduced': q m x k; 'complete': q m x m; 'r': r only). */
function* qrSteps<D extends DType, R extends number, M extends QrMode = 'reduced'>(a: Tensor<D, R>, mode?: M): Steps<QrResultOf<Tensor<FloatOf<D>, R>, M>> {
  return (yield* qrImpl(a, mode ?? 'reduced')) as never;
}

function* qrImpl(aIn: Tensor, mode: QrMode): Steps<QrResult | QrROnly> {
  const a = floatInput(aIn, 'qr');
  assertStacked(a, 'qr');
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new RangeError(`Unrecognized mode '${String(mode)}': expected 'reduced', 'complete' or 'r'`);
  }
  const batch = batchOf(a);
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const k = Math.min(m, n);
  const r = Tensor._output([...batch, mode === 'complete' ? m : k, n], a.dtype);
  const q = mode === 'r' ? null : fortranStack(batch, m, mode === 'complete' ? m : k, a.dtype);
  if (q && m > 0 && k === 0 && mode === 'complete') {
    // No reflectors: Q is the identity (NumPy).
    q.data.fill(0);
    const block = m * m;
    for (let b = 0; b < sizeOf(batch); b++) for (let i = 0; i < m; i++) q.data[b * block + i * m + i] = 1;
  }
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = writeStackedMatrix(p, r, batch);
  if (q) writeStackedMatrix(p, q, batch);
  yield nativeStep('qr', a.data, r.data, q ? q.data : null);
  return q ? { q, r } : { r };
}

// ---- geev ----

/** A complex tensor as two real tensors of the same shape (results of {@link eig} and {@link eigvals}). */
export interface ComplexTensor<T extends Tensor = Tensor> {
  /** Real parts. */
  re: T;
  /** Imaginary parts. */
  im: T;
}

function* eigImpl(aIn: Tensor, vectors: boolean, op: string): Steps<{ values: ComplexTensor; vectors?: ComplexTensor }> {
  const a = floatInput(aIn, op);
  assertStackedSquare(a, op);
  const batch = batchOf(a);
  const n = a.shape[a.ndim - 1];
  const wre = Tensor._output([...batch, n], a.dtype);
  const wim = Tensor._output([...batch, n], a.dtype);
  const vre = vectors ? Tensor._output([...batch, n, n], a.dtype) : null;
  const vim = vectors ? Tensor._output([...batch, n, n], a.dtype) : null;
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = writeVector(p, wre, batch, n);
  p = writeVector(p, wim, batch, n);
  if (vre && vim) {
    p = writeStackedMatrix(p, vre, batch);
    writeStackedMatrix(p, vim, batch);
  }
  yield nativeStep('eig', a.data, wre.data, wim.data, vre ? vre.data : null, vim ? vim.data : null);
  const values = { re: wre, im: wim };
  return vre && vim ? { values, vectors: { re: vre, im: vim } } : { values };
}

/** What {@link eig} returns. */
export interface EigResult<V extends Tensor = Tensor, W extends Tensor = Tensor> {
  /** Eigenvalues, (..., N), in LAPACK's order (not sorted); conjugate pairs are adjacent. */
  values: ComplexTensor<V>;
  /** Unit eigenvectors as columns, (..., N, N): column i belongs to value i. */
  vectors: ComplexTensor<W>;
}

/** numpy.linalg.eig of a real matrix: complex eigenvalues and eigenvectors (columns) as re/im parts. */
function* eigSteps<D extends DType, R extends number>(a: Tensor<D, R>): Steps<EigResult<Tensor<FloatOf<D>, RankMinus<R, 1>>, Tensor<FloatOf<D>, R>>> {
  return (yield* eigImpl(a, true, 'eig')) as never;
}

/** numpy.linalg.eigvals. */
function* eigvalsSteps<D extends DType, R extends number>(a: Tensor<D, R>): Steps<ComplexTensor<Tensor<FloatOf<D>, RankMinus<R, 1>>>> {
  return (yield* eigImpl(a, false, 'eigvals')).values as never;
}

// ---- gelsd ----

/** What {@link lstsq} returns. */
export interface LstsqResult<X extends Tensor = Tensor, V extends Tensor = Tensor> {
  /** The solution, (N) for a 1-D b or (N, K). */
  x: X;
  /** Squared residual norm per column of b, (K); empty unless rank = N < M. */
  residuals: V;
  /** Effective rank of a. */
  rank: number;
  /** Singular values of a, descending. */
  s: V;
}

/** numpy.linalg.lstsq: the minimum-norm x minimising |a x - b|, via the SVD (gelsd). */
function* lstsqSteps<DA extends DType, RA extends number, DB extends DType, RB extends number>(
  a: Tensor<DA, RA>, b: Tensor<DB, RB>, rcond?: number | null,
): Steps<LstsqResult<Tensor<FloatOf<Promote<DA, DB>>, RB>, Tensor<FloatOf<Promote<DA, DB>>, 1>>> {
  return (yield* lstsqImpl(a, b, rcond)) as never;
}

function* lstsqImpl(aIn: Tensor, bIn: Tensor, rcond?: number | null): Steps<LstsqResult> {
  let a = floatInput(aIn, 'lstsq');
  let b = floatInput(bIn, 'lstsq');
  if (a.ndim !== 2) throw new LinAlgError(`lstsq: ${a.ndim}-dimensional tensor given. Tensor must be two-dimensional`, 'NOT_SQUARE');
  if (b.ndim !== 1 && b.ndim !== 2) throw new RangeError(`lstsq: b must be 1-D or 2-D, got ${b.ndim}-D`);
  if (a.dtype !== b.dtype) {
    a = a.astype('float64');
    b = b.astype('float64');
  }
  const [m, n] = a.shape;
  if (b.shape[0] !== m) throw new ShapeError(`lstsq: shapes ${formatShape(aIn.shape)} and ${formatShape(bIn.shape)} are incompatible: ${m} != ${b.shape[0]}`);
  const vector = b.ndim === 1;
  const k = vector ? 1 : b.shape[1];
  const rc = rcond ?? EPS[a.dtype] * Math.max(m, n);
  if (typeof rc !== 'number' || Number.isNaN(rc)) throw new TypeError(`Expected a number for rcond but received ${describe(rcond)}`);
  const x = Tensor._output([n, k], a.dtype);
  const residuals = Tensor._output([k], a.dtype);
  const rank = Tensor._output([], a.dtype);
  const s = Tensor._output([Math.min(m, n)], a.dtype);
  const none: number[] = [];
  let p = writeBatch(none);
  p = writeStackedMatrix(p, a, none);
  p = vector ? writeMatrix(p, b, none, m, 1, b.strides[0], 0) : writeStackedMatrix(p, b, none);
  p = writeStackedMatrix(p, x, none);
  p = writeVector(p, residuals, none, k);
  p = writeMatrix(p, rank, none, 1, 1, 0, 0);
  writeVector(p, s, none, Math.min(m, n));
  yield nativeStep('lstsq', a.data, b.data, x.data, residuals.data, rank.data, s.data, rc);
  const r = rank.item();
  // NumPy reports residuals only for a full-rank, overdetermined system.
  const res = r === n && m > n ? residuals : Tensor._empty([0], a.dtype);
  return { x: vector ? x.reshape(n) : x, residuals: res, rank: r, s };
}

// ---- potrf ----

/**
 * The caller's `out` for a LAPACK result, which the routine writes directly: it must have the
 * result's shape and exactly its dtype, must not reach one element twice, and must not share
 * memory with an input, except by being exactly the same view of it (the routines read each input
 * matrix before writing that output matrix, so that computes in place).
 */
function lapackOut(outIn: Tensor, shape: readonly number[], dtype: DType, op: string, inputs: readonly Tensor[]): Tensor {
  // prepareOut checks the type, the shape and that no element is reached twice.
  const out = prepareOut({ out: outIn }, shape, dtype, op);
  if (out.dtype !== dtype) throw new TypeError(`${op}: out must be ${dtype} like the result, not ${out.dtype}`);
  for (const input of inputs) {
    if (overlapOf(out, input) === 'partial') throw new RangeError(`${op}: out overlaps an input; pass that input itself (in place) or separate memory`);
  }
  return out;
}

/** numpy.linalg.cholesky: the lower factor (a = l @ l.T), or the upper one with `{ upper: true }`. */
function* choleskySteps<D extends DType, R extends number, O extends Tensor = never>(
  a: Tensor<D, R>, opts: CholeskyOptions<O> = {},
): Steps<OutOr<O, Tensor<FloatOf<D>, R>>> {
  return (yield* choleskyImpl(a, opts)) as never;
}

/** Options of {@link cholesky}. */
export interface CholeskyOptions<O extends Tensor = Tensor> extends OutOption<O> {
  /** Return the upper factor (a = u.T @ u) instead of the lower one (false, the default). */
  upper?: boolean;
}

function* choleskyImpl(aIn: Tensor, opts: CholeskyOptions): Steps<Tensor> {
  const a = floatInput(aIn, 'cholesky');
  assertStackedSquare(a, 'cholesky');
  const upper = opts.upper ?? false;
  if (typeof upper !== 'boolean') throw new TypeError(`Expected a boolean for upper but received ${describe(upper)}`);
  const out = opts.out === undefined ? Tensor._output(a.shape.slice(), a.dtype) : lapackOut(opts.out, a.shape, a.dtype, 'cholesky', [a]);
  const batch = batchOf(a);
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  writeStackedMatrix(p, out, batch);
  yield nativeStep('cholesky', a.data, out.data, upper);
  return out;
}

// ---- syevd ----

function checkUplo(uplo: unknown): boolean {
  if (uplo !== 'L' && uplo !== 'U') throw new RangeError(`UPLO argument must be 'L' or 'U', received ${describe(uplo)}`);
  return uplo === 'L';
}

function* eighImpl(aIn: Tensor, uplo: 'L' | 'U', vectors: boolean, op: string): Steps<{ values: Tensor; vectors?: Tensor }> {
  const a = floatInput(aIn, op);
  assertStackedSquare(a, op);
  const lower = checkUplo(uplo);
  const batch = batchOf(a);
  const n = a.shape[a.ndim - 1];
  const w = Tensor._output([...batch, n], a.dtype);
  const v = vectors ? fortranStack(batch, n, n, a.dtype) : null;
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = writeVector(p, w, batch, n);
  if (v) writeStackedMatrix(p, v, batch);
  yield nativeStep('eigh', a.data, w.data, v ? v.data : null, lower);
  return v ? { values: w, vectors: v } : { values: w };
}

/** What {@link eigh} returns. */
export interface EighResult<V extends Tensor = Tensor, W extends Tensor = Tensor> {
  /** Eigenvalues in ascending order, (..., N). */
  values: V;
  /** Orthonormal eigenvectors as columns, (..., N, N): column i belongs to value i. */
  vectors: W;
}

/** numpy.linalg.eigh: ascending eigenvalues and orthonormal eigenvectors (columns) of a symmetric matrix. */
export function* eighSteps<D extends DType, R extends number>(
  a: Tensor<D, R>, uplo: 'L' | 'U' = 'L',
): Steps<EighResult<Tensor<FloatOf<D>, RankMinus<R, 1>>, Tensor<FloatOf<D>, R>>> {
  return (yield* eighImpl(a, uplo, true, 'eigh')) as never;
}

/**
 * The k largest eigenvalues (ascending, like the last k of eigh) and their eigenvectors, (n, k), of
 * one symmetric matrix, by syevr: PCA needs its top components only.
 * @internal
 */
export function* eighTopSteps(a: Tensor, k: number): Steps<{ values: Tensor; vectors: Tensor }> {
  assertStackedSquare(a, 'eighTop');
  const n = a.shape[1];
  if (a.ndim !== 2 || !Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`eighTop: k=${k} must be an integer in [0, ${n}]`);
  const w = Tensor._output([k], a.dtype);
  const v = fortranStack([], n, k, a.dtype);
  let p = writeBatch([]);
  p = writeStackedMatrix(p, a, []);
  p = writeVector(p, w, [], k);
  writeStackedMatrix(p, v, []);
  yield nativeStep('eighTop', a.data, w.data, v.data, true, k);
  return { values: w, vectors: v };
}

/** numpy.linalg.eigvalsh. */
function* eigvalshSteps<D extends DType, R extends number>(a: Tensor<D, R>, uplo: 'L' | 'U' = 'L'): Steps<Tensor<FloatOf<D>, RankMinus<R, 1>>> {
  return (yield* eighImpl(a, uplo, false, 'eigvalsh')).values as never;
}

// ---- gesdd ----

/** Options of {@link svd}. */
export interface SvdOptions<C extends boolean = boolean> {
  /** Square U and Vt (true, the default) or only the first K = min(M, N) columns / rows. */
  fullMatrices?: boolean;
  /** Compute U and Vt (true, the default); false returns only the singular values. */
  computeUV?: C;
}

/** What {@link svd} returns with `computeUV` (the default): `a = u @ diag(s) @ vt`. */
export interface SvdResult<T extends Tensor = Tensor, S extends Tensor = Tensor> {
  /** Left singular vectors as columns, (..., M, M), or (..., M, K) without fullMatrices. */
  u: T;
  /** Singular values in descending order, (..., K) with K = min(M, N). */
  s: S;
  /** Right singular vectors as rows, (..., N, N), or (..., K, N) without fullMatrices. */
  vt: T;
}

/** What {@link svd} returns with `computeUV: false`: the singular values alone. */
export interface SingularValues<S extends Tensor = Tensor> {
  /** Singular values in descending order, (..., K) with K = min(M, N). */
  s: S;
}

/** {@link svd}'s result for a `computeUV` of type `C`: without it only `{ s }`; either when not known statically. */
export type SvdResultOf<T extends Tensor, S extends Tensor, C extends boolean> = C extends false ? SingularValues<S> : SvdResult<T, S>;

/** numpy.linalg.svd: a = u @ diag(s) @ vt, singular values descending. */
export function* svdSteps<D extends DType, R extends number, C extends boolean = true>(
  a: Tensor<D, R>, opts?: SvdOptions<C>,
): Steps<SvdResultOf<Tensor<FloatOf<D>, R>, Tensor<FloatOf<D>, RankMinus<R, 1>>, C>> {
  return (yield* svdImpl(a, opts ?? {})) as never;
}

function* svdImpl(aIn: Tensor, opts: SvdOptions): Steps<SvdResult | SingularValues> {
  const a = floatInput(aIn, 'svd');
  assertStacked(a, 'svd');
  const full = opts.fullMatrices ?? true;
  const uv = opts.computeUV ?? true;
  if (typeof full !== 'boolean' || typeof uv !== 'boolean') throw new TypeError('svd: fullMatrices and computeUV must be booleans');
  const batch = batchOf(a);
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const k = Math.min(m, n);
  const s = Tensor._output([...batch, k], a.dtype);
  if (uv && k === 0) {
    // NumPy: the empty decomposition has identity factors.
    const eyeStack = (r: number, c: number): Tensor => {
      const t = Tensor._empty([...batch, r, c], a.dtype);
      const block = r * c;
      for (let b = 0; b < sizeOf(batch); b++) for (let i = 0; i < Math.min(r, c); i++) t.data[b * block + i * c + i] = 1;
      return t;
    };
    return { u: eyeStack(m, full ? m : k), s, vt: eyeStack(full ? n : k, n) };
  }
  const u = uv ? Tensor._output([...batch, m, full ? m : k], a.dtype) : null;
  const vt = uv ? Tensor._output([...batch, full ? n : k, n], a.dtype) : null;
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = writeVector(p, s, batch, k);
  if (u && vt) {
    p = writeStackedMatrix(p, u, batch);
    writeStackedMatrix(p, vt, batch);
  }
  yield nativeStep('svd', a.data, s.data, u ? u.data : null, vt ? vt.data : null, full);
  return u && vt ? { u, s, vt } : { s };
}

/** Singular values only (the workhorse of norms, rank, cond and pinv's cutoff). */
function* singularValuesSteps(a: Tensor): Steps<Tensor> {
  return (yield* svdImpl(a, { computeUV: false })).s;
}

const EPS: Record<DType, number> = { float64: 2.220446049250313e-16, float32: 1.1920928955078125e-7, int32: 2.220446049250313e-16 };

/** numpy.linalg.pinv: the Moore-Penrose pseudo-inverse, small singular values (<= rcond * max) cut. */
function* pinvSteps<D extends DType, R extends number>(a: Tensor<D, R>, rcond?: number): Steps<Tensor<FloatOf<D>, R>> {
  return (yield* pinvImpl(a, rcond)) as never;
}

function* pinvImpl(aIn: Tensor, rcond?: number): Steps<Tensor> {
  const a = floatInput(aIn, 'pinv');
  assertStacked(a, 'pinv');
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const cut = rcond ?? Math.max(m, n) * EPS[a.dtype];
  if (typeof cut !== 'number' || Number.isNaN(cut)) throw new TypeError(`Expected a number for rcond but received ${describe(rcond)}`);
  const batch = batchOf(a);
  if (Math.min(m, n) === 0) return Tensor._empty([...batch, n, m], a.dtype);
  const { u, s, vt } = (yield* svdImpl(a, { fullMatrices: false })) as SvdResult;
  const smax = red.max(s, -1, true) as Tensor;
  const threshold = mul(smax, cut);
  // 1/s where s > threshold, else 0 (computed in place on s's copy).
  const sinv = s.clone();
  const th = threshold.broadcastTo(s.shape).contiguous();
  const sd = sinv.data;
  const td = th.data;
  for (let i = 0; i < sd.length; i++) sd[i] = sd[i] > td[i] ? 1 / sd[i] : 0;
  // pinv = vt^T diag(sinv) u^T
  const vScaled = mul(vt.swapaxes(-1, -2), sinv.expandDims(-2));
  return yield* matmulSteps(vScaled, u.swapaxes(-1, -2));
}

/** numpy.linalg.matrix_rank: singular values above tol (default S.max * max(M, N) * eps). */
function* matrixRankSteps<D extends DType, R extends number>(a: Tensor<D, R>, tol?: number): Steps<MatrixRankOf<R>> {
  return (yield* matrixRankImpl(a, tol)) as never;
}

/** {@link matrixRank}'s result for a rank-`R` input: a number for a vector or matrix, an int32 Tensor for a stack. */
export type MatrixRankOf<R extends number> = R extends 0 | 1 ? number : ScalarOrStack<'int32', R>;

function* matrixRankImpl(aIn: Tensor, tol?: number): Steps<Tensor | number> {
  const a = floatInput(aIn, 'matrixRank');
  if (a.ndim < 2) {
    const nonzero = a.size > 0 && (red.max(absT(a)) as number) !== 0;
    return nonzero ? 1 : 0;
  }
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const s = yield* singularValuesSteps(a);
  const batch = batchOf(a);
  const out = Tensor._empty(batch, 'int32');
  const k = Math.min(m, n);
  const sc = s.contiguous();
  for (let b = 0; b < out.size; b++) {
    let smax = 0;
    for (let i = 0; i < k; i++) smax = Math.max(smax, sc.data[b * k + i]);
    const t = tol ?? smax * Math.max(m, n) * EPS[a.dtype];
    let r = 0;
    for (let i = 0; i < k; i++) if (sc.data[b * k + i] > t) r++;
    out.data[b] = r;
  }
  return asResult(out);
}

/** numpy.linalg.cond for p = undefined/2/-2 (SVD) or 'fro', 'nuc', 1, -1, Infinity, -Infinity. */
function* condSteps<D extends DType, R extends number>(a: Tensor<D, R>, p?: number | 'fro' | 'nuc' | null): Steps<ScalarOrStack<FloatOf<D>, R>> {
  return (yield* condImpl(a, p)) as never;
}

function* condImpl(aIn: Tensor, p?: number | 'fro' | 'nuc' | null): Steps<Tensor | number> {
  const a = floatInput(aIn, 'cond');
  assertStacked(a, 'cond');
  if (a.shape[a.ndim - 1] === 0 || a.shape[a.ndim - 2] === 0) throw new LinAlgError('cond is not defined on empty arrays', 'EMPTY');
  let r: Tensor;
  if (p === undefined || p === null || p === 2 || p === -2) {
    const s = yield* singularValuesSteps(a);
    const first = s.slice(...new Array(s.ndim - 1).fill(null), [0, 1]);
    const last = s.slice(...new Array(s.ndim - 1).fill(null), [-1]);
    r = (p === -2 ? div(last, first) : div(first, last)).squeeze(-1);
  } else {
    assertStackedSquare(a, 'cond');
    // norm(a, p) * norm(inv(a), p); a singular matrix gives Infinity, as in NumPy.
    let ainv: Tensor;
    try {
      ainv = yield* invSteps(a);
    } catch (e) {
      if (e instanceof LinAlgError && e.code === 'SINGULAR') {
        const infs = Tensor._empty(batchOf(a), a.dtype);
        infs.data.fill(Infinity);
        return asResult(infs);
      }
      throw e;
    }
    r = mul(yield* matrixNormOf(a, p), yield* matrixNormOf(ainv, p));
  }
  // NaN from a singular matrix becomes Infinity, unless the input itself had NaN (NumPy's rule).
  const hasNaN = red.max(a.sub(a).abs(), [a.ndim - 2, a.ndim - 1]);
  const rc = r.contiguous();
  const nanIn = typeof hasNaN === 'number' ? [hasNaN] : Array.from((hasNaN as Tensor).contiguous().data);
  for (let i = 0; i < rc.size; i++) if (Number.isNaN(rc.data[i]) && !Number.isNaN(nanIn[i] ?? 0)) rc.data[i] = Infinity;
  return asResult(rc);
}

function* matrixNormOf(a: Tensor, ord: number | 'fro' | 'nuc'): Steps<Tensor> {
  const r = yield* normSteps(a, ord, [a.ndim - 2, a.ndim - 1]);
  return typeof r === 'number' ? Tensor._trusted(new Float64Array([r]), [], [], 0) : r;
}

/** Matrix norms that need singular values: 2 (largest), -2 (smallest), 'nuc' (their sum). */
export function* svdNormSteps(a: Tensor, ord: 2 | -2 | 'nuc', rowAxis: number, colAxis: number): Steps<Tensor | number> {
  // Move the two axes last (a view) and take singular values of the stack.
  const nd = a.ndim;
  const rest = Array.from({ length: nd }, (_, i) => i).filter((i) => i !== rowAxis && i !== colAxis);
  const s = yield* singularValuesSteps(a.transpose([...rest, rowAxis, colAxis]));
  return ord === 2 ? red.max(s, -1) : ord === -2 ? red.min(s, -1) : red.sum(s, -1);
}

/**
 * numpy.linalg.solve: x with `a @ x = b`, by LU factorisation (getrf/getrs), on stacks too. A 1-D `b`
 * is one right-hand side; otherwise `b` is (..., M, K) and its batch axes broadcast against `a`'s.
 * `{ out }` receives x instead of a new tensor (same shape and dtype; `out: b` solves in place).
 *
 * @param args - `aIn`: (..., M, M); `bIn`: (M) or (..., M, K).
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `SINGULAR` if `a` is singular.
 * @throws ShapeError if `b` does not have M rows or the batch axes cannot be broadcast.
 * @example
 * ```ts
 * linalg.solve(tensor([[3, 1], [1, 2]]), tensor([9, 8])).toArray(); // [2, 3]
 * ```
 *
 * @function
 */
export const solve = syncOf(solveSteps);
/**
 * Async twin of {@link solve}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors solve would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const x = await linalg.solveAsync(tensor([[3, 1], [1, 2]]), tensor([9, 8]));
 * x.toArray(); // [2, 3]
 * ```
 *
 * @function
 */
export const solveAsync = asyncOf(solveSteps);
/**
 * numpy.linalg.inv: the inverse of a square matrix, or of each matrix in a stack. `{ out }`
 * receives it instead of a new tensor (same shape and dtype; `out: a` inverts in place).
 *
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `SINGULAR` if a matrix is singular.
 * @example
 * ```ts
 * linalg.inv(tensor([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 * ```
 *
 * @function
 */
export const inv = syncOf(invSteps);
/**
 * Async twin of {@link inv}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors inv would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const ai = await linalg.invAsync(tensor([[2, 0], [0, 4]]));
 * ai.toArray(); // [[0.5, 0], [0, 0.25]]
 * ```
 *
 * @function
 */
export const invAsync = asyncOf(invSteps);
/**
 * numpy.linalg.slogdet: the sign and the natural log of the absolute value of the determinant,
 * which does not overflow where {@link det} would.
 *
 * @returns `{ sign, logabsdet }`: numbers for one matrix, Tensors of the batch shape for a stack.
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @example
 * ```ts
 * linalg.slogdet(tensor([[0, 1], [1, 0]])); // { sign: -1, logabsdet: 0 }
 * linalg.slogdet(tensor([[1, 2], [2, 4]])); // { sign: 0, logabsdet: -Infinity }
 * ```
 *
 * @function
 */
export const slogdet = syncOf(slogdetSteps);
/**
 * Async twin of {@link slogdet}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors slogdet would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const { logabsdet } = await linalg.slogdetAsync(eye(3).mul(10));
 * logabsdet; // 6.907755278982138
 * ```
 *
 * @function
 */
export const slogdetAsync = asyncOf(slogdetSteps);
/**
 * numpy.linalg.det: the determinant, computed as `sign * exp(logabsdet)` from {@link slogdet} as
 * NumPy does (so it can differ from exact integer arithmetic in the last bits).
 *
 * @returns A number for one matrix, a Tensor of the batch shape for a stack.
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @example
 * ```ts
 * linalg.det(tensor([[1, 2], [3, 4]]));                  // -2
 * (linalg.detstack([eye(2), eye(2).mul(3)])).toArray(); // [1, 9.000000000000002]
 * ```
 *
 * @function
 */
export const det = syncOf(detSteps);
/**
 * Async twin of {@link det}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors det would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * await linalg.detAsync(tensor([[2, 0], [0, 4]])); // 7.999999999999998
 * ```
 *
 * @function
 */
export const detAsync = asyncOf(detSteps);
/**
 * LU factorisation with partial pivoting, SciPy's convention (scipy.linalg.lu): `a = p @ l @ u`.
 * `a` may be rectangular (M x N) and stacked.
 *
 * @throws LinAlgError `NOT_SQUARE` if `a` has fewer than two axes.
 * @example
 * ```ts
 * const { p, l, u } = linalg.lu(tensor([[1, 2], [3, 4]]));
 * p.toArray(); // [[0, 1], [1, 0]]
 * u.toArray(); // [[3, 4], [0, 0.6666666666666667]]
 * ```
 *
 * @function
 */
export const lu = syncOf(luSteps);
/**
 * Async twin of {@link lu}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors lu would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const f = await linalg.luAsync(tensor([[1, 2], [3, 4]]));
 * f.p.matmul(f.l).matmul(f.u).toArray(); // [[1, 2], [3, 4]]
 * ```
 *
 * @function
 */
export const luAsync = asyncOf(luSteps);
/**
 * numpy.linalg.qr: `a = q @ r` with orthonormal columns in q and upper triangular r (Householder,
 * geqrf/orgqr); stacks too. See {@link QrMode}.
 *
 * @param args - `aIn`: (..., M, N); `mode`: 'reduced' (default), 'complete' or 'r'.
 * @returns `{ q, r }`, or `{ r }` for mode 'r'.
 * @throws LinAlgError `NOT_SQUARE` if `a` has fewer than two axes.
 * @throws RangeError for an unknown mode.
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4], [5, 6]]);
 * const { q, r } = linalg.qr(a);
 * q!.shape;                                 // [3, 2]
 * r.shape;                                  // [2, 2]
 * linalg.qr(a, 'complete').q!.shape;        // [3, 3]
 * ```
 *
 * @function
 */
export const qr = syncOf(qrSteps);
/**
 * Async twin of {@link qr}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors qr would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const { r } = await linalg.qrAsync(tensor([[3, 0], [4, 5]]), 'r');
 * r.shape; // [2, 2]
 * ```
 *
 * @function
 */
export const qrAsync = asyncOf(qrSteps);
/**
 * numpy.linalg.eig of a real square matrix (or stack): eigenvalues and right eigenvectors, complex
 * in general, returned as real and imaginary parts (geev). For a symmetric matrix use {@link eigh}.
 *
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `NO_CONVERGENCE` if the QR algorithm does not converge or `a` holds Infinity or NaN.
 * @example
 * ```ts
 * const { values, vectors } = linalg.eig(tensor([[0, -1], [1, 0]])); // a rotation
 * values.re.toArray(); // [0, 0]
 * values.im.toArray(); // [1, -1]
 * vectors.re.shape;    // [2, 2]
 * ```
 *
 * @function
 */
export const eig = syncOf(eigSteps);
/**
 * Async twin of {@link eig}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors eig would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const { values } = await linalg.eigAsync(tensor([[2, 0], [0, 3]]));
 * values.re.toArray(); // [2, 3]
 * ```
 *
 * @function
 */
export const eigAsync = asyncOf(eigSteps);
/**
 * numpy.linalg.eigvals: the eigenvalues of {@link eig} without the vectors.
 *
 * @returns `{ re, im }`, each (..., N).
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `NO_CONVERGENCE` if the QR algorithm does not converge or `a` holds Infinity or NaN.
 * @example
 * ```ts
 * linalg.eigvals(tensor([[2, 0], [0, 3]])).re.toArray(); // [2, 3]
 * ```
 *
 * @function
 */
export const eigvals = syncOf(eigvalsSteps);
/**
 * Async twin of {@link eigvals}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors eigvals would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const w = await linalg.eigvalsAsync(tensor([[0, -1], [1, 0]]));
 * w.im.toArray(); // [1, -1]
 * ```
 *
 * @function
 */
export const eigvalsAsync = asyncOf(eigvalsSteps);
/**
 * numpy.linalg.lstsq: the minimum-norm `x` minimising `|a @ x - b|`, via the SVD (gelsd); `a` is 2-D.
 * Singular values at or below `rcond * max(s)` count as zero; `rcond` defaults to `eps * max(M, N)`
 * (NumPy 2's default).
 *
 * @param args - `aIn`: (M, N); `bIn`: (M) or (M, K); `rcond`.
 * @throws LinAlgError `NOT_SQUARE` if `a` is not 2-D; `NO_CONVERGENCE` if the SVD does not converge (as for Infinity or NaN input).
 * @throws ShapeError if `b` does not have M rows.
 * @throws RangeError if `b` is not 1-D or 2-D.
 * @example
 * ```ts
 * // Fit y = c0 + c1 * t through (1, 1), (2, 2), (3, 2).
 * const { x, residuals, rank } = linalg.lstsq(tensor([[1, 1], [1, 2], [1, 3]]), tensor([1, 2, 2]));
 * x.toArray();         // [0.6666666666666663, 0.5000000000000002]
 * residuals.toArray(); // [0.16666666666666677]
 * rank;                // 2
 * ```
 *
 * @function
 */
export const lstsq = syncOf(lstsqSteps);
/**
 * Async twin of {@link lstsq}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors lstsq would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const { x } = await linalg.lstsqAsync(eye(2), tensor([1, 2]));
 * x.toArray(); // [1, 2]
 * ```
 *
 * @function
 */
export const lstsqAsync = asyncOf(lstsqSteps);
/**
 * numpy.linalg.cholesky: the lower triangular `l` with `a = l @ l.T` of a symmetric positive-definite
 * matrix (or stack), or the upper factor `u` with `a = u.T @ u` for `{ upper: true }` (potrf). Only
 * the lower (or upper) triangle of `a` is read. `{ out }` receives the factor instead of a new
 * tensor (same shape and dtype; `out: a` factors in place), so a loop can reuse one buffer.
 *
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `NOT_POSITIVE_DEFINITE` if a matrix is not positive definite.
 * @example
 * ```ts
 * linalg.cholesky(tensor([[4, 2], [2, 3]])).toArray(); // [[2, 0], [1, 1.4142135623730951]]
 * linalg.cholesky(tensor([[4, 2], [2, 3]]), { upper: true }).toArray(); // [[2, 1], [0, 1.4142135623730951]]
 * const a = tensor([[4, 2], [2, 3]]);
 * linalg.cholesky(a, { out: a }) === a;              // true: factored in place
 * ```
 *
 * @function
 */
export const cholesky = syncOf(choleskySteps);
/**
 * Async twin of {@link cholesky}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors cholesky would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const l = await linalg.choleskyAsync(tensor([[4, 0], [0, 9]]));
 * l.toArray(); // [[2, 0], [0, 3]]
 * ```
 *
 * @function
 */
export const choleskyAsync = asyncOf(choleskySteps);
/**
 * numpy.linalg.eigh: eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix
 * (or stack), by syevd; only the triangle named by `uplo` ('L', the default, or 'U') is read.
 *
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `NO_CONVERGENCE` if the algorithm does not converge.
 * @throws RangeError if `uplo` is not 'L' or 'U'.
 * @example
 * ```ts
 * const { values, vectors } = linalg.eigh(tensor([[2, 1], [1, 2]]));
 * values.toArray(); // [1, 3]
 * vectors.shape;    // [2, 2]
 * ```
 *
 * @function
 */
export const eigh = syncOf(eighSteps);
/**
 * Async twin of {@link eigh}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors eigh would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const { values } = await linalg.eighAsync(tensor([[2, 1], [1, 2]]));
 * values.toArray(); // [1, 3]
 * ```
 *
 * @function
 */
export const eighAsync = asyncOf(eighSteps);
/**
 * numpy.linalg.eigvalsh: the eigenvalues (ascending) of a symmetric matrix or stack, without the
 * vectors; `uplo` as in {@link eigh}.
 *
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `NO_CONVERGENCE` if the algorithm does not converge.
 * @throws RangeError if `uplo` is not 'L' or 'U'.
 * @example
 * ```ts
 * linalg.eigvalsh(tensor([[2, 1], [1, 2]])).toArray(); // [1, 3]
 * ```
 *
 * @function
 */
export const eigvalsh = syncOf(eigvalshSteps);
/**
 * Async twin of {@link eigvalsh}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors eigvalsh would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const w = await linalg.eigvalshAsync(tensor([[2, 1], [1, 2]]));
 * w.toArray(); // [1, 3]
 * ```
 *
 * @function
 */
export const eigvalshAsync = asyncOf(eigvalshSteps);
/**
 * numpy.linalg.svd: `a = u @ diag(s) @ vt` with singular values in descending order (gesdd); stacks
 * too. See {@link SvdOptions}. `u` and `vt` are typed optional because `computeUV: false` omits them.
 *
 * @param args - `aIn`: (..., M, N); `opts`: `{ fullMatrices = true, computeUV = true }`.
 * @returns `{ u, s, vt }`, or `{ s }` when `computeUV` is false.
 * @throws LinAlgError `NOT_SQUARE` if `a` has fewer than two axes.
 * @throws LinAlgError `NO_CONVERGENCE` if the SVD does not converge (as for Infinity or NaN input).
 * @throws TypeError if an option is not a boolean.
 * @example
 * ```ts
 * const { u, s, vt } = linalg.svd(tensor([[3, 0], [0, 4], [0, 0]]));
 * s.toArray();                 // [4, 3]
 * [u!.shape, vt!.shape];       // [[3, 3], [2, 2]]
 * linalg.svd(tensor([[3, 0], [0, 4], [0, 0]]), { fullMatrices: false }).u!.shape; // [3, 2]
 * ```
 *
 * @function
 */
export const svd = syncOf(svdSteps);
/**
 * Async twin of {@link svd}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors svd would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const { s } = await linalg.svdAsync(tensor([[3, 0], [0, 4]]), { computeUV: false });
 * s.toArray(); // [4, 3]
 * ```
 *
 * @function
 */
export const svdAsync = asyncOf(svdSteps);
/**
 * numpy.linalg.pinv: the Moore-Penrose pseudo-inverse via the SVD, singular values at or below
 * `rcond * max(s)` treated as zero (`rcond` defaults to `max(M, N) * eps`); stacks too.
 *
 * @throws LinAlgError `NOT_SQUARE` if `a` has fewer than two axes.
 * @throws LinAlgError `NO_CONVERGENCE` if the SVD does not converge (as for Infinity or NaN input).
 * @example
 * ```ts
 * linalg.pinv(tensor([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 * linalg.pinv(tensor([[1, 2], [3, 4], [5, 6]])).shape; // [2, 3]
 * ```
 *
 * @function
 */
export const pinv = syncOf(pinvSteps);
/**
 * Async twin of {@link pinv}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors pinv would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const pi = await linalg.pinvAsync(tensor([[2, 0], [0, 4]]));
 * pi.toArray(); // [[0.5, 0], [0, 0.25]]
 * ```
 *
 * @function
 */
export const pinvAsync = asyncOf(pinvSteps);
/**
 * numpy.linalg.matrix_rank: the number of singular values above `tol` (default
 * `max(s) * max(M, N) * eps`). A 1-D or 0-d input has rank 1 unless it is all zeros.
 *
 * @returns A number for one matrix, an int32 Tensor of the batch shape for a stack.
 * @throws LinAlgError `NO_CONVERGENCE` if the SVD does not converge (as for Infinity or NaN input).
 * @example
 * ```ts
 * linalg.matrixRank(tensor([[1, 2], [2, 4]])); // 1
 * linalg.matrixRank(eye(3));                   // 3
 * ```
 *
 * @function
 */
export const matrixRank = syncOf(matrixRankSteps);
/**
 * Async twin of {@link matrixRank}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors matrixRank would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * await linalg.matrixRankAsync(eye(4)); // 4
 * ```
 *
 * @function
 */
export const matrixRankAsync = asyncOf(matrixRankSteps);
/**
 * numpy.linalg.cond: the condition number of a matrix (or stack) in norm `p`: by default (or 2, -2)
 * the ratio of the extreme singular values; 'fro', 'nuc', 1, -1, Infinity, -Infinity use
 * `norm(a, p) * norm(inv(a), p)` and need square input (Infinity for a singular matrix).
 *
 * @returns A number for one matrix, a Tensor of the batch shape for a stack.
 * @throws LinAlgError `EMPTY` for an empty matrix; `NOT_SQUARE` for fewer than two axes, or non-square input with a norm other than 2/-2.
 * @example
 * ```ts
 * linalg.cond(tensor([[1, 0], [0, 2]]));    // 2
 * linalg.cond(tensor([[1, 0], [0, 2]]), 1); // 2
 * ```
 *
 * @function
 */
export const cond = syncOf(condSteps);
/**
 * Async twin of {@link cond}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors cond would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * await linalg.condAsync(tensor([[1, 0], [0, 4]]), 'fro'); // 4.25
 * ```
 *
 * @function
 */
export const condAsync = asyncOf(condSteps);
