// The `linalg` namespace: numpy.linalg's names in camelCase.
export { matmul, dot, vdot, inner, outer, matrixPower, multiDot, trace, norm, type NormOrd } from '../blas.js';
export {
  solve, inv, det, slogdet, lu, cholesky, eigh, eigvalsh, svd, pinv, matrixRank, cond, qr, eig, eigvals, lstsq,
  type SvdOptions, type QrMode, type ComplexTensor,
} from './lapack.js';
export { triu, tril } from '../creation.js';
