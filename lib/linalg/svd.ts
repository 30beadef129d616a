// gesdd: svd, and what is built on singular values: pinv, matrixRank, cond, the 2/-2/nuc norms;
// native/lapack/svd.cc.
import * as red from '../reduce.js';
import { LinAlgError, describe } from '../errors.js';
import { nativeStep } from '../native.js';
import { runAsync, runSync, type Steps } from '../steps.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { FloatOf, RankMinus, ScalarOrStack } from '../typing.js';
import { div, mul, abs as absT } from '../elementwise.js';
import { matmulSteps, normSteps } from '../blas.js';
import { floatInput, assertStacked, assertStackedSquare, writeBatch, writeStackedMatrix, writeVector, EPS, batchOf, asResult } from './common.js';
import { invSteps } from './solve.js';

/** Options of {@link svd}. */
export interface SvdOptions<C extends boolean = boolean> {
  /** Square U and Vt (true, the default) or only the first K = min(M, N) columns / rows. */
  fullMatrices?: boolean | undefined;
  /** Compute U and Vt (true, the default); false returns only the singular values. */
  computeUV?: C | undefined;
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
  return (yield* svdImpl(a, opts === undefined ? {} : opts)) as never;
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

/** {@link matrixRank}'s result for a rank-`R` input: a number for a vector or matrix, an int32 Tensor for a stack. */
export type MatrixRankOf<R extends number> = R extends 0 | 1 ? number : ScalarOrStack<'int32', R>;

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

/**
 * numpy.linalg.svd: `a = u @ diag(s) @ vt` with singular values in descending order (gesdd); stacks
 * too. See {@link SvdOptions}. `u` and `vt` are typed optional because `computeUV: false` omits them.
 *
 * @param a - (..., M, N).
 * @param opts - `{ fullMatrices = true, computeUV = true }`.
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
 */
export function svd<D extends DType, R extends number, C extends boolean = true>(
  a: Tensor<D, R>, opts?: SvdOptions<C>,
): SvdResultOf<Tensor<FloatOf<D>, R>, Tensor<FloatOf<D>, RankMinus<R, 1>>, C> {
  return runSync(svdSteps(a, opts));
}
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
 */
export async function svdAsync<D extends DType, R extends number, C extends boolean = true>(
  a: Tensor<D, R>, opts?: SvdOptions<C>,
): Promise<SvdResultOf<Tensor<FloatOf<D>, R>, Tensor<FloatOf<D>, RankMinus<R, 1>>, C>> {
  return runAsync(svdSteps(a, opts));
}
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
 */
export function pinv<D extends DType, R extends number>(a: Tensor<D, R>, rcond?: number): Tensor<FloatOf<D>, R> {
  return runSync(pinvSteps(a, rcond)) as never;
}
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
 */
export async function pinvAsync<D extends DType, R extends number>(
  a: Tensor<D, R>, rcond?: number,
): Promise<Tensor<FloatOf<D>, R>> {
  return runAsync(pinvSteps(a, rcond)) as never;
}
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
 */
export function matrixRank<D extends DType, R extends number>(a: Tensor<D, R>, tol?: number): MatrixRankOf<R> {
  return runSync(matrixRankSteps(a, tol)) as never;
}
/**
 * Async twin of {@link matrixRank}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors matrixRank would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * await linalg.matrixRankAsync(eye(4)); // 4
 * ```
 */
export async function matrixRankAsync<D extends DType, R extends number>(
  a: Tensor<D, R>, tol?: number,
): Promise<MatrixRankOf<R>> {
  return runAsync(matrixRankSteps(a, tol)) as never;
}
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
 */
export function cond<D extends DType, R extends number>(
  a: Tensor<D, R>, p?: number | 'fro' | 'nuc' | null,
): ScalarOrStack<FloatOf<D>, R> {
  return runSync(condSteps(a, p)) as never;
}
/**
 * Async twin of {@link cond}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors cond would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * await linalg.condAsync(tensor([[1, 0], [0, 4]]), 'fro'); // 4.25
 * ```
 */
export async function condAsync<D extends DType, R extends number>(
  a: Tensor<D, R>, p?: number | 'fro' | 'nuc' | null,
): Promise<ScalarOrStack<FloatOf<D>, R>> {
  return runAsync(condSteps(a, p)) as never;
}
