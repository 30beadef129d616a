// solve and inv: LU factorisation and solve (getrf + getrs, getri); native/lapack/solve.cc.
import { formatShape, ShapeError } from '../errors.js';
import { nativeStep } from '../native.js';
import { runAsync, runSync, type Steps } from '../steps.js';
import { broadcastShapes } from '../shape.js';
import { Tensor, type OutOption } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { FloatOf, MaxRank, OutResult, Promote, RankMinus } from '../typing.js';
import { floatInput, assertStackedSquare, writeBatch, writeMatrix, writeStackedMatrix, fortranStack, lapackOut, batchOf } from './common.js';

/** The rank of {@link solve}'s result: a vector b gives a's batch plus one axis, a matrix b broadcasts. */
export type SolveRank<RA extends number, RB extends number> = RB extends 1 ? RankMinus<RA, 1> : MaxRank<RA, RB>;

/** numpy.linalg.solve: a x = b. A 1-D b is one right-hand side; otherwise b is (..., M, K). */
function* solveSteps(aIn: Tensor, bIn: Tensor, opts: OutOption = {}): Steps<Tensor> {
  let a = floatInput(aIn, 'solve');
  let b = floatInput(bIn, 'solve');
  assertStackedSquare(a, 'solve');
  if (a.dtype !== b.dtype) {
    a = a.astype('float64');
    b = b.astype('float64');
  }
  const n = a.shape[a.ndim - 1];
  const vector = b.ndim === 1;
  const bRows = vector ? b.shape[0] : b.shape[b.ndim - 2];
  if (bRows !== n || b.ndim === 0) {
    throw new ShapeError(`solve: shapes ${formatShape(aIn.shape)} and ${formatShape(bIn.shape)} are not aligned: ${n} != ${bRows}`);
  }
  const k = vector ? 1 : b.shape[b.ndim - 1];
  let batch: number[];
  try {
    batch = broadcastShapes(batchOf(a), vector ? [] : batchOf(b));
  } catch {
    throw new ShapeError(`solve: batch dimensions of shapes ${formatShape(aIn.shape)} and ${formatShape(bIn.shape)} could not be broadcast together`);
  }
  const out = opts.out === undefined ? null : lapackOut(opts.out, vector ? [...batch, n] : [...batch, n, k], a.dtype, 'solve', [a, b]);
  // The caller's out as (..., n, k) matrices (a trailing axis of 1 for a vector result), or a fresh
  // Fortran-ordered stack that getrs fills in place.
  const x = out ? (vector ? out.expandDims(-1) : out) : fortranStack(batch, n, k, a.dtype);
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = vector ? writeMatrix(p, b, batch, n, 1, b.strides[0], 0) : writeStackedMatrix(p, b, batch);
  writeStackedMatrix(p, x, batch);
  yield nativeStep('solve', a.data, b.data, x.data);
  return out ?? (vector ? x.reshape([...batch, n]) : x);
}

/** numpy.linalg.inv. */
export function* invSteps(aIn: Tensor, opts: OutOption = {}): Steps<Tensor> {
  const a = floatInput(aIn, 'inv');
  assertStackedSquare(a, 'inv');
  const out = opts.out === undefined ? Tensor._output(a.shape.slice(), a.dtype) : lapackOut(opts.out, a.shape, a.dtype, 'inv', [a]);
  const batch = batchOf(a);
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  writeStackedMatrix(p, out, batch);
  yield nativeStep('inv', a.data, out.data);
  return out;
}

/**
 * numpy.linalg.solve: x with `a @ x = b`, by LU factorisation (getrf/getrs), on stacks too. A 1-D `b`
 * is one right-hand side; otherwise `b` is (..., M, K) and its batch axes broadcast against `a`'s.
 * `{ out }` receives x instead of a new tensor (same shape and dtype; `out: b` solves in place).
 *
 * @param a - (..., M, M).
 * @param b - (M) or (..., M, K).
 * @param opts - `{ out }`: write x there and return it.
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `SINGULAR` if `a` is singular.
 * @throws ShapeError if `b` does not have M rows or the batch axes cannot be broadcast.
 * @example
 * ```ts
 * linalg.solve(tensor([[3, 1], [1, 2]]), tensor([9, 8])).toArray(); // [2, 3]
 * ```
 */
export function solve<DA extends DType, RA extends number, DB extends DType, RB extends number, P extends OutOption = {}>(
  a: Tensor<DA, RA>, b: Tensor<DB, RB>, opts?: P,
): OutResult<P, Tensor<FloatOf<Promote<DA, DB>>, SolveRank<RA, RB>>> {
  return runSync(solveSteps(a, b, opts)) as never;
}
/**
 * Async twin of {@link solve}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors solve would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const x = await linalg.solveAsync(tensor([[3, 1], [1, 2]]), tensor([9, 8]));
 * x.toArray(); // [2, 3]
 * ```
 */
export async function solveAsync<DA extends DType, RA extends number, DB extends DType, RB extends number, P extends OutOption = {}>(
  a: Tensor<DA, RA>, b: Tensor<DB, RB>, opts?: P,
): Promise<OutResult<P, Tensor<FloatOf<Promote<DA, DB>>, SolveRank<RA, RB>>>> {
  return runAsync(solveSteps(a, b, opts)) as never;
}
/**
 * numpy.linalg.inv: the inverse of a square matrix, or of each matrix in a stack. `{ out }`
 * receives it instead of a new tensor (same shape and dtype; `out: a` inverts in place).
 *
 * @throws LinAlgError `NOT_SQUARE` unless `a` has at least two axes and the last two are square.
 * @throws LinAlgError `SINGULAR` if a matrix is singular.
 * @example
 * ```ts
 * linalg.inv(tensor([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 * ```
 */
export function inv<D extends DType, R extends number, P extends OutOption = {}>(
  a: Tensor<D, R>, opts?: P,
): OutResult<P, Tensor<FloatOf<D>, R>> {
  return runSync(invSteps(a, opts)) as never;
}
/**
 * Async twin of {@link inv}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors inv would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const ai = await linalg.invAsync(tensor([[2, 0], [0, 4]]));
 * ai.toArray(); // [[0.5, 0], [0, 0.25]]
 * ```
 */
export async function invAsync<D extends DType, R extends number, P extends OutOption = {}>(
  a: Tensor<D, R>, opts?: P,
): Promise<OutResult<P, Tensor<FloatOf<D>, R>>> {
  return runAsync(invSteps(a, opts)) as never;
}
