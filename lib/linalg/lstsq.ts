// gelsd: lstsq; native/lapack/lstsq.cc.
import { formatShape, LinAlgError, ShapeError, describe } from '../errors.js';
import { nativeStep } from '../native.js';
import { runAsync, runSync, type Steps } from '../steps.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { FloatOf, Promote } from '../typing.js';
import { floatInput, writeBatch, writeMatrix, writeStackedMatrix, writeVector, EPS } from './common.js';

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
function* lstsqSteps(aIn: Tensor, bIn: Tensor, rcond?: number | null): Steps<LstsqResult> {
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

/**
 * numpy.linalg.lstsq: the minimum-norm `x` minimising `|a @ x - b|`, via the SVD (gelsd); `a` is 2-D.
 * Singular values at or below `rcond * max(s)` count as zero; `rcond` defaults to `eps * max(M, N)`
 * (NumPy 2's default).
 *
 * @param a - (M, N).
 * @param b - (M) or (M, K).
 * @param rcond - Singular values below `rcond` times the largest count as zero (machine epsilon times max(M, N) by default).
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
 */
export function lstsq<DA extends DType, RA extends number, DB extends DType, RB extends number>(
  a: Tensor<DA, RA>, b: Tensor<DB, RB>, rcond?: number | null,
): LstsqResult<Tensor<FloatOf<Promote<DA, DB>>, RB>, Tensor<FloatOf<Promote<DA, DB>>, 1>> {
  return runSync(lstsqSteps(a, b, rcond)) as never;
}
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
 */
export async function lstsqAsync<DA extends DType, RA extends number, DB extends DType, RB extends number>(
  a: Tensor<DA, RA>, b: Tensor<DB, RB>, rcond?: number | null,
): Promise<LstsqResult<Tensor<FloatOf<Promote<DA, DB>>, RB>, Tensor<FloatOf<Promote<DA, DB>>, 1>>> {
  return runAsync(lstsqSteps(a, b, rcond)) as never;
}
