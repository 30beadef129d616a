// The `linalg` namespace: numpy.linalg's names in camelCase. Every function has an `...Async` twin
// with the same arguments that does its numeric work on the libuv thread pool (lib/steps.ts).
import { twins, type Steps } from '../steps.js';
import { triu as triuSync, tril as trilSync } from '../creation.js';
import type { Tensor } from '../tensor.js';

export {
  matmul, matmulAsync, dot, dotAsync, vdot, vdotAsync, inner, innerAsync, outer, outerAsync, matrixPower, matrixPowerAsync,
  multiDot, multiDotAsync, trace, traceAsync, norm, normAsync, type NormOrd,
} from '../blas.js';
export {
  solve, solveAsync, inv, invAsync, det, detAsync, slogdet, slogdetAsync, lu, luAsync, cholesky, choleskyAsync,
  eigh, eighAsync, eigvalsh, eigvalshAsync, svd, svdAsync, pinv, pinvAsync, matrixRank, matrixRankAsync,
  cond, condAsync, qr, qrAsync, eig, eigAsync, eigvals, eigvalsAsync, lstsq, lstsqAsync,
  type SvdOptions, type QrMode, type ComplexTensor,
} from './lapack.js';

// triu/tril are plain copies; their twins exist so that every linalg name has one.
// eslint-disable-next-line require-yield
function* triuSteps(a: Tensor, k = 0): Steps<Tensor> {
  return triuSync(a, k);
}
// eslint-disable-next-line require-yield
function* trilSteps(a: Tensor, k = 0): Steps<Tensor> {
  return trilSync(a, k);
}
export const [triu, triuAsync] = twins(triuSteps);
export const [tril, trilAsync] = twins(trilSteps);
