/**
 * The `linalg` namespace: numpy.linalg's names in camelCase. Stacked `(..., M, N)` input works
 * wherever NumPy accepts it; int32 input is computed in float64, float32 stays float32. Every
 * function has an `...Async` twin with the same arguments that does its BLAS/LAPACK work on the
 * libuv thread pool (lib/steps.ts) and returns a Promise.
 *
 * @example
 * ```ts
 * import { tensor, linalg } from 'tensorblas';
 * const a = tensor([[2, 1], [1, 1]]);
 * linalg.det(a);                                  // 1
 * linalg.solve(a, tensor([1, 2])).toArray();      // [-1, 3]
 * const { s } = await linalg.svdAsync(a);
 * ```
 *
 * @module
 */
import { runAsync, runSync, type Steps } from '../steps.js';
import { triu as triuSync, tril as trilSync } from '../creation.js';
import type { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';

export {
  matmul, matmulAsync, dot, dotAsync, vdot, vdotAsync, inner, innerAsync, outer, outerAsync, matrixPower, matrixPowerAsync,
  multiDot, multiDotAsync, trace, traceAsync, norm, normAsync, type NormOrd, type MatmulResult, type MatrixPowerDType,
} from '../blas.js';
export { solve, solveAsync, inv, invAsync, type SolveRank } from './solve.js';
export { det, detAsync, slogdet, slogdetAsync, lu, luAsync, type SlogdetResult, type LuResult } from './lu.js';
export { qr, qrAsync, type QrMode, type QrResult, type QrROnly, type QrResultOf } from './qr.js';
export { cholesky, choleskyAsync, type CholeskyOptions } from './cholesky.js';
export { eig, eigAsync, eigvals, eigvalsAsync, type ComplexTensor, type EigResult } from './eig.js';
export { eigh, eighAsync, eigvalsh, eigvalshAsync, type EighResult } from './eigh.js';
export { lstsq, lstsqAsync, type LstsqResult } from './lstsq.js';
export {
  svd, svdAsync, pinv, pinvAsync, matrixRank, matrixRankAsync, cond, condAsync,
  type SvdOptions, type SvdResult, type SingularValues, type SvdResultOf, type MatrixRankOf,
} from './svd.js';

// triu/tril are plain copies; their twins exist so that every linalg name has one.
// eslint-disable-next-line require-yield
function* triuSteps<D extends DType, R extends number>(a: Tensor<D, R>, k = 0): Steps<Tensor<D, R>> {
  return triuSync(a, k);
}
// eslint-disable-next-line require-yield
function* trilSteps<D extends DType, R extends number>(a: Tensor<D, R>, k = 0): Steps<Tensor<D, R>> {
  return trilSync(a, k);
}
/**
 * The upper triangle of the last two axes, as {@link tensorblas!triu | the root triu} (numpy.triu): elements
 * below diagonal `k` zeroed; stacks too.
 *
 * @throws RangeError if `a` has fewer than two axes or `k` is not an integer.
 * @example
 * ```ts
 * linalg.triu(tensor([[1, 2], [3, 4]])).toArray(); // [[1, 2], [0, 4]]
 * ```
 */
export function triu<D extends DType, R extends number>(a: Tensor<D, R>, k?: number): Tensor<D, R> {
  return runSync(triuSteps(a, k));
}
/**
 * Async twin of {@link triu}: same arguments, returns a Promise. triu makes no BLAS or LAPACK
 * call, so the work is done on the JS thread before the Promise resolves; the twin exists so
 * that every `linalg` function has one. Errors become rejections.
 *
 * @example
 * ```ts
 * const u = await linalg.triuAsync(tensor([[1, 2], [3, 4]]));
 * u.toArray(); // [[1, 2], [0, 4]]
 * ```
 */
export async function triuAsync<D extends DType, R extends number>(a: Tensor<D, R>, k?: number): Promise<Tensor<D, R>> {
  return runAsync(triuSteps(a, k));
}
/**
 * The lower triangle of the last two axes, as {@link tensorblas!tril | the root tril} (numpy.tril): elements
 * above diagonal `k` zeroed; stacks too.
 *
 * @throws RangeError if `a` has fewer than two axes or `k` is not an integer.
 * @example
 * ```ts
 * linalg.tril(tensor([[1, 2], [3, 4]]), -1).toArray(); // [[0, 0], [3, 0]]
 * ```
 */
export function tril<D extends DType, R extends number>(a: Tensor<D, R>, k?: number): Tensor<D, R> {
  return runSync(trilSteps(a, k));
}
/**
 * Async twin of {@link tril}: same arguments, returns a Promise. tril makes no BLAS or LAPACK
 * call, so the work is done on the JS thread before the Promise resolves; the twin exists so
 * that every `linalg` function has one. Errors become rejections.
 *
 * @example
 * ```ts
 * const l = await linalg.trilAsync(tensor([[1, 2], [3, 4]]));
 * l.toArray(); // [[1, 0], [3, 4]]
 * ```
 */
export async function trilAsync<D extends DType, R extends number>(a: Tensor<D, R>, k?: number): Promise<Tensor<D, R>> {
  return runAsync(trilSteps(a, k));
}
