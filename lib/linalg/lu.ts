// getrf: slogdet, det and lu; native/lapack/lu.cc.
import { nativeStep } from '../native.js';
import { runAsync, runSync, type Steps } from '../steps.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { FloatOf, ScalarOrStack } from '../typing.js';
import { mul } from '../elementwise.js';
import { floatInput, assertStacked, assertStackedSquare, writeBatch, writeStackedMatrix, writeVector, batchOf, asResult } from './common.js';

/** What {@link slogdet} returns: numbers for one matrix (`X` = number), Tensors of the batch shape for a stack. */
export interface SlogdetResult<X = number | Tensor> {
  /** Sign of the determinant: 1, -1, or 0 for a singular matrix. */
  sign: X;
  /** Natural logarithm of its absolute value, -Infinity for a singular matrix. */
  logabsdet: X;
}

/** numpy.linalg.slogdet: sign and log|det|, computed without overflow. */
function* slogdetSteps(aIn: Tensor): Steps<SlogdetResult> {
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
  const { sign, logabsdet } = yield* slogdetSteps(a);
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
function* luSteps(aIn: Tensor): Steps<LuResult> {
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
 */
export function slogdet<D extends DType, R extends number>(
  a: Tensor<D, R>,
): SlogdetResult<ScalarOrStack<FloatOf<D>, R>> {
  return runSync(slogdetSteps(a)) as never;
}
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
 */
export async function slogdetAsync<D extends DType, R extends number>(
  a: Tensor<D, R>,
): Promise<SlogdetResult<ScalarOrStack<FloatOf<D>, R>>> {
  return runAsync(slogdetSteps(a)) as never;
}
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
 */
export function det<D extends DType, R extends number>(a: Tensor<D, R>): ScalarOrStack<FloatOf<D>, R> {
  return runSync(detSteps(a));
}
/**
 * Async twin of {@link det}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors det would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * await linalg.detAsync(tensor([[2, 0], [0, 4]])); // 7.999999999999998
 * ```
 */
export async function detAsync<D extends DType, R extends number>(
  a: Tensor<D, R>,
): Promise<ScalarOrStack<FloatOf<D>, R>> {
  return runAsync(detSteps(a));
}
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
 */
export function lu<D extends DType, R extends number>(a: Tensor<D, R>): LuResult<Tensor<FloatOf<D>, R>> {
  return runSync(luSteps(a)) as never;
}
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
 */
export async function luAsync<D extends DType, R extends number>(
  a: Tensor<D, R>,
): Promise<LuResult<Tensor<FloatOf<D>, R>>> {
  return runAsync(luSteps(a)) as never;
}
