// syevd / syevr: eigh, eigvalsh and the top-k eigenpairs PCA uses; native/lapack/eigh.cc.
import { describe } from '../errors.js';
import { nativeStep } from '../native.js';
import { runAsync, runSync, type Steps } from '../steps.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { FloatOf, RankMinus } from '../typing.js';
import { floatInput, assertStackedSquare, writeBatch, writeStackedMatrix, writeVector, fortranStack, batchOf } from './common.js';

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

/** What {@link eigh} returns. */
export interface EighResult<V extends Tensor = Tensor, W extends Tensor = Tensor> {
  /** Eigenvalues in ascending order, (..., N). */
  values: V;
  /** Orthonormal eigenvectors as columns, (..., N, N): column i belongs to value i. */
  vectors: W;
}

/** numpy.linalg.eigh: ascending eigenvalues and orthonormal eigenvectors (columns) of a symmetric matrix. */
export function* eighSteps<D extends DType, R extends number>(
  a: Tensor<D, R>, uplo: 'L' | 'U' = 'L',
): Steps<EighResult<Tensor<FloatOf<D>, RankMinus<R, 1>>, Tensor<FloatOf<D>, R>>> {
  return (yield* eighImpl(a, uplo, true, 'eigh')) as never;
}

/**
 * The k largest eigenvalues (ascending, like the last k of eigh) and their eigenvectors, (n, k), of
 * one symmetric matrix, by syevr: PCA needs its top components only.
 * @internal
 */
export function* eighTopSteps(a: Tensor, k: number): Steps<{ values: Tensor; vectors: Tensor }> {
  assertStackedSquare(a, 'eighTop');
  const n = a.shape[1];
  if (a.ndim !== 2 || !Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`eighTop: k=${k} must be an integer in [0, ${n}]`);
  const w = Tensor._output([k], a.dtype);
  const v = fortranStack([], n, k, a.dtype);
  let p = writeBatch([]);
  p = writeStackedMatrix(p, a, []);
  p = writeVector(p, w, [], k);
  writeStackedMatrix(p, v, []);
  yield nativeStep('eighTop', a.data, w.data, v.data, true, k);
  return { values: w, vectors: v };
}

/** numpy.linalg.eigvalsh. */
function* eigvalshSteps<D extends DType, R extends number>(a: Tensor<D, R>, uplo: 'L' | 'U' = 'L'): Steps<Tensor<FloatOf<D>, RankMinus<R, 1>>> {
  return (yield* eighImpl(a, uplo, false, 'eigvalsh')).values as never;
}

/**
 * numpy.linalg.eigh: eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix
 * (or stack), by syevd; only the triangle named by `uplo` ('L', the default, or 'U') is read.
 *
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `NO_CONVERGENCE` if the algorithm does not converge.
 * @throws RangeError if `uplo` is not 'L' or 'U'.
 * @example
 * ```ts
 * const { values, vectors } = linalg.eigh(tensor([[2, 1], [1, 2]]));
 * values.toArray(); // [1, 3]
 * vectors.shape;    // [2, 2]
 * ```
 */
export function eigh<D extends DType, R extends number>(
  a: Tensor<D, R>, uplo?: 'L' | 'U',
): EighResult<Tensor<FloatOf<D>, RankMinus<R, 1>>, Tensor<FloatOf<D>, R>> {
  return runSync(eighSteps(a, uplo));
}
/**
 * Async twin of {@link eigh}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors eigh would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const { values } = await linalg.eighAsync(tensor([[2, 1], [1, 2]]));
 * values.toArray(); // [1, 3]
 * ```
 */
export async function eighAsync<D extends DType, R extends number>(
  a: Tensor<D, R>, uplo?: 'L' | 'U',
): Promise<EighResult<Tensor<FloatOf<D>, RankMinus<R, 1>>, Tensor<FloatOf<D>, R>>> {
  return runAsync(eighSteps(a, uplo));
}
/**
 * numpy.linalg.eigvalsh: the eigenvalues (ascending) of a symmetric matrix or stack, without the
 * vectors; `uplo` as in {@link eigh}.
 *
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `NO_CONVERGENCE` if the algorithm does not converge.
 * @throws RangeError if `uplo` is not 'L' or 'U'.
 * @example
 * ```ts
 * linalg.eigvalsh(tensor([[2, 1], [1, 2]])).toArray(); // [1, 3]
 * ```
 */
export function eigvalsh<D extends DType, R extends number>(
  a: Tensor<D, R>, uplo?: 'L' | 'U',
): Tensor<FloatOf<D>, RankMinus<R, 1>> {
  return runSync(eigvalshSteps(a, uplo));
}
/**
 * Async twin of {@link eigvalsh}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors eigvalsh would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const w = await linalg.eigvalshAsync(tensor([[2, 1], [1, 2]]));
 * w.toArray(); // [1, 3]
 * ```
 */
export async function eigvalshAsync<D extends DType, R extends number>(
  a: Tensor<D, R>, uplo?: 'L' | 'U',
): Promise<Tensor<FloatOf<D>, RankMinus<R, 1>>> {
  return runAsync(eigvalshSteps(a, uplo));
}
