// The LAPACK half of linalg: JS checks shapes and dtypes and allocates outputs in the layout
// LAPACK writes (so results are not copied again); native/lapack/*.cc loops over stacked matrices.
import { formatShape, LinAlgError, ShapeError, describe } from '../errors.js';
import { META, nativeStep } from '../native.js';
import { twins, type Steps } from '../steps.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import { allocate } from '../alloc.js';
import { div, mul, abs as absT } from '../elementwise.js';
import * as red from '../reduce.js';
import { matmulSteps, normSteps } from '../blas.js';

// ---- shared helpers ----

/** A tensor LAPACK can take: float32 stays float32, int32 promotes to float64 (NumPy's rule). */
export function floatInput(a: unknown, op: string): Tensor {
  if (!(a instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${op} but received ${describe(a)}`);
  return a.dtype === 'int32' ? a.astype('float64') : a;
}

export function assertStacked(a: Tensor, op: string): void {
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
function* solveSteps(aIn: Tensor, bIn: Tensor): Steps<Tensor> {
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
  const x = fortranStack(batch, n, k, a.dtype);
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = vector ? writeMatrix(p, b, batch, n, 1, b.strides[0], 0) : writeStackedMatrix(p, b, batch);
  writeStackedMatrix(p, x, batch);
  yield nativeStep('solve', a.data, b.data, x.data);
  return vector ? x.reshape([...batch, n]) : x;
}

/** numpy.linalg.inv. */
export function* invSteps(aIn: Tensor): Steps<Tensor> {
  const a = floatInput(aIn, 'inv');
  assertStackedSquare(a, 'inv');
  const out = Tensor._output(a.shape.slice(), a.dtype);
  const batch = batchOf(a);
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  writeStackedMatrix(p, out, batch);
  yield nativeStep('inv', a.data, out.data);
  return out;
}

// ---- getrf: det, slogdet, lu ----

/** numpy.linalg.slogdet: sign and log|det|, computed without overflow. */
function* slogdetSteps(aIn: Tensor): Steps<{ sign: Tensor | number; logabsdet: Tensor | number }> {
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
function* detSteps(aIn: Tensor): Steps<Tensor | number> {
  const { sign, logabsdet } = yield* slogdetSteps(aIn);
  if (typeof sign === 'number') return sign * Math.exp(logabsdet as number);
  return mul(sign, (logabsdet as Tensor).exp());
}

/** LU with partial pivoting, SciPy's convention: a = p @ l @ u. */
function* luSteps(aIn: Tensor): Steps<{ p: Tensor; l: Tensor; u: Tensor }> {
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

export type QrMode = 'reduced' | 'complete' | 'r';

/** numpy.linalg.qr: a = q @ r ('reduced': q m x k; 'complete': q m x m; 'r': r only). */
function* qrSteps(aIn: Tensor, mode: QrMode = 'reduced'): Steps<{ q?: Tensor; r: Tensor }> {
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

export interface ComplexTensor {
  re: Tensor;
  im: Tensor;
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

/** numpy.linalg.eig of a real matrix: complex eigenvalues and eigenvectors (columns) as re/im parts. */
function* eigSteps(a: Tensor): Steps<{ values: ComplexTensor; vectors: ComplexTensor }> {
  return (yield* eigImpl(a, true, 'eig')) as { values: ComplexTensor; vectors: ComplexTensor };
}

/** numpy.linalg.eigvals. */
function* eigvalsSteps(a: Tensor): Steps<ComplexTensor> {
  return (yield* eigImpl(a, false, 'eigvals')).values;
}

// ---- gelsd ----

/** numpy.linalg.lstsq: the minimum-norm x minimising |a x - b|, via the SVD (gelsd). */
function* lstsqSteps(aIn: Tensor, bIn: Tensor, rcond?: number | null): Steps<{ x: Tensor; residuals: Tensor; rank: number; s: Tensor }> {
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

/** numpy.linalg.cholesky: the lower factor (a = l @ l.T), or the upper one with `{ upper: true }`. */
function* choleskySteps(aIn: Tensor, opts: { upper?: boolean } = {}): Steps<Tensor> {
  const a = floatInput(aIn, 'cholesky');
  assertStackedSquare(a, 'cholesky');
  const upper = opts.upper ?? false;
  if (typeof upper !== 'boolean') throw new TypeError(`Expected a boolean for upper but received ${describe(upper)}`);
  const out = Tensor._output(a.shape.slice(), a.dtype);
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

/** numpy.linalg.eigh: ascending eigenvalues and orthonormal eigenvectors (columns) of a symmetric matrix. */
function* eighSteps(a: Tensor, uplo: 'L' | 'U' = 'L'): Steps<{ values: Tensor; vectors: Tensor }> {
  return (yield* eighImpl(a, uplo, true, 'eigh')) as { values: Tensor; vectors: Tensor };
}

/** numpy.linalg.eigvalsh. */
function* eigvalshSteps(a: Tensor, uplo: 'L' | 'U' = 'L'): Steps<Tensor> {
  return (yield* eighImpl(a, uplo, false, 'eigvalsh')).values;
}

// ---- gesdd ----

export interface SvdOptions {
  fullMatrices?: boolean;
  computeUV?: boolean;
}

/** numpy.linalg.svd: a = u @ diag(s) @ vt, singular values descending. */
function* svdSteps(aIn: Tensor, opts: SvdOptions = {}): Steps<{ u?: Tensor; s: Tensor; vt?: Tensor }> {
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
export function* singularValuesSteps(a: Tensor): Steps<Tensor> {
  return (yield* svdSteps(a, { computeUV: false })).s;
}

const EPS: Record<DType, number> = { float64: 2.220446049250313e-16, float32: 1.1920928955078125e-7, int32: 2.220446049250313e-16 };

/** numpy.linalg.pinv: the Moore-Penrose pseudo-inverse, small singular values (<= rcond * max) cut. */
function* pinvSteps(aIn: Tensor, rcond?: number): Steps<Tensor> {
  const a = floatInput(aIn, 'pinv');
  assertStacked(a, 'pinv');
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const cut = rcond ?? Math.max(m, n) * EPS[a.dtype];
  if (typeof cut !== 'number' || Number.isNaN(cut)) throw new TypeError(`Expected a number for rcond but received ${describe(rcond)}`);
  const batch = batchOf(a);
  if (Math.min(m, n) === 0) return Tensor._empty([...batch, n, m], a.dtype);
  const { u, s, vt } = (yield* svdSteps(a, { fullMatrices: false })) as { u: Tensor; s: Tensor; vt: Tensor };
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
function* matrixRankSteps(aIn: Tensor, tol?: number): Steps<Tensor | number> {
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
function* condSteps(aIn: Tensor, p?: number | 'fro' | 'nuc' | null): Steps<Tensor | number> {
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

export const [solve, solveAsync] = twins(solveSteps);
export const [inv, invAsync] = twins(invSteps);
export const [slogdet, slogdetAsync] = twins(slogdetSteps);
export const [det, detAsync] = twins(detSteps);
export const [lu, luAsync] = twins(luSteps);
export const [qr, qrAsync] = twins(qrSteps);
export const [eig, eigAsync] = twins(eigSteps);
export const [eigvals, eigvalsAsync] = twins(eigvalsSteps);
export const [lstsq, lstsqAsync] = twins(lstsqSteps);
export const [cholesky, choleskyAsync] = twins(choleskySteps);
export const [eigh, eighAsync] = twins(eighSteps);
export const [eigvalsh, eigvalshAsync] = twins(eigvalshSteps);
export const [svd, svdAsync] = twins(svdSteps);
export const [pinv, pinvAsync] = twins(pinvSteps);
export const [matrixRank, matrixRankAsync] = twins(matrixRankSteps);
export const [cond, condAsync] = twins(condSteps);
