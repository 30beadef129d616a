// The `linalg` namespace: numpy.linalg's names in camelCase.
export { matmul, dot, vdot, inner, outer, matrixPower, multiDot, trace, norm, type NormOrd } from '../blas.js';
