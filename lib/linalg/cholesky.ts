// potrf: cholesky; native/lapack/cholesky.cc.
import { describe } from '../errors.js';
import { nativeStep } from '../native.js';
import { runAsync, runSync, type Steps } from '../steps.js';
import { Tensor, type OutOption } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { FloatOf, OutResult } from '../typing.js';
import { floatInput, assertStackedSquare, writeBatch, writeStackedMatrix, lapackOut, batchOf } from './common.js';

/** Options of {@link cholesky}. */
export interface CholeskyOptions extends OutOption {
  /** Return the upper factor (a = u.T @ u) instead of the lower one (false, the default). */
  upper?: boolean | undefined;
}

/** numpy.linalg.cholesky: the lower factor (a = l @ l.T), or the upper one with `{ upper: true }`. */
function* choleskySteps(aIn: Tensor, opts: CholeskyOptions = {}): Steps<Tensor> {
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
 */
export function cholesky<D extends DType, R extends number, P extends CholeskyOptions = {}>(
  a: Tensor<D, R>, opts?: P,
): OutResult<P, Tensor<FloatOf<D>, R>> {
  return runSync(choleskySteps(a, opts)) as never;
}
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
 */
export async function choleskyAsync<D extends DType, R extends number, P extends CholeskyOptions = {}>(
  a: Tensor<D, R>, opts?: P,
): Promise<OutResult<P, Tensor<FloatOf<D>, R>>> {
  return runAsync(choleskySteps(a, opts)) as never;
}
