// geev: eig and eigvals of real matrices (complex results as re/im parts); native/lapack/eig.cc.
import { nativeStep } from '../native.js';
import { runAsync, runSync, type Steps } from '../steps.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { FloatOf, RankMinus } from '../typing.js';
import { floatInput, assertStackedSquare, writeBatch, writeStackedMatrix, writeVector, batchOf } from './common.js';

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
 */
export function eig<D extends DType, R extends number>(
  a: Tensor<D, R>,
): EigResult<Tensor<FloatOf<D>, RankMinus<R, 1>>, Tensor<FloatOf<D>, R>> {
  return runSync(eigSteps(a));
}
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
 */
export async function eigAsync<D extends DType, R extends number>(
  a: Tensor<D, R>,
): Promise<EigResult<Tensor<FloatOf<D>, RankMinus<R, 1>>, Tensor<FloatOf<D>, R>>> {
  return runAsync(eigSteps(a));
}
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
 */
export function eigvals<D extends DType, R extends number>(
  a: Tensor<D, R>,
): ComplexTensor<Tensor<FloatOf<D>, RankMinus<R, 1>>> {
  return runSync(eigvalsSteps(a));
}
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
 */
export async function eigvalsAsync<D extends DType, R extends number>(
  a: Tensor<D, R>,
): Promise<ComplexTensor<Tensor<FloatOf<D>, RankMinus<R, 1>>>> {
  return runAsync(eigvalsSteps(a));
}
