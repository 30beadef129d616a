// geqrf + orgqr: qr; native/lapack/qr.cc.
import { nativeStep } from '../native.js';
import { runAsync, runSync, type Steps } from '../steps.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { FloatOf } from '../typing.js';
import { floatInput, assertStacked, writeBatch, writeStackedMatrix, fortranStack, batchOf } from './common.js';

/**
 * Mode of {@link qr}: `'reduced'` (Q is M x K, R is K x N, K = min(M, N)), `'complete'` (Q is M x M,
 * R is M x N) or `'r'` (R only, as reduced).
 */
export type QrMode = 'reduced' | 'complete' | 'r';

/** What {@link qr} returns in modes `'reduced'` and `'complete'`. */
export interface QrResult<T extends Tensor = Tensor> {
  /** Orthonormal columns, (..., M, K) ('reduced') or (..., M, M) ('complete'). */
  q: T;
  /** Upper triangular factor, (..., K, N) ('reduced') or (..., M, N) ('complete'). */
  r: T;
}

/** What {@link qr} returns in mode `'r'`: the triangular factor alone. */
export interface QrROnly<T extends Tensor = Tensor> {
  /** Upper triangular factor, (..., K, N). */
  r: T;
}

/** {@link qr}'s result for mode `M`: `{ r }` for `'r'`, `{ q, r }` otherwise (either when `M` is not known statically). */
export type QrResultOf<T extends Tensor, M extends QrMode> = M extends 'r' ? QrROnly<T> : QrResult<T>;

/** numpy.linalg.qr: a = q @ r ('reduced': q m x k; 'complete': q m x m; 'r': r only). */
function* qrSteps<D extends DType, R extends number, M extends QrMode = 'reduced'>(a: Tensor<D, R>, mode?: M): Steps<QrResultOf<Tensor<FloatOf<D>, R>, M>> {
  return (yield* qrImpl(a, mode === undefined ? 'reduced' : mode)) as never;
}

function* qrImpl(aIn: Tensor, mode: QrMode): Steps<QrResult | QrROnly> {
  const a = floatInput(aIn, 'qr');
  assertStacked(a, 'qr');
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new RangeError(`Unrecognized mode '${String(mode)}': expected 'reduced', 'complete' or 'r'`);
  }
  const batch = batchOf(a);
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const k = Math.min(m, n);
  const r = Tensor._output([...batch, mode === 'complete' ? m : k, n], a.dtype);
  const q = mode === 'r' ? null : fortranStack(batch, m, mode === 'complete' ? m : k, a.dtype);
  if (q && m > 0 && k === 0 && mode === 'complete') {
    // No reflectors: Q is the identity (NumPy).
    q.data.fill(0);
    const block = m * m;
    for (let b = 0; b < sizeOf(batch); b++) for (let i = 0; i < m; i++) q.data[b * block + i * m + i] = 1;
  }
  let p = writeBatch(batch);
  p = writeStackedMatrix(p, a, batch);
  p = writeStackedMatrix(p, r, batch);
  if (q) writeStackedMatrix(p, q, batch);
  yield nativeStep('qr', a.data, r.data, q ? q.data : null);
  return q ? { q, r } : { r };
}

/**
 * numpy.linalg.qr: `a = q @ r` with orthonormal columns in q and upper triangular r (Householder,
 * geqrf/orgqr); stacks too. See {@link QrMode}.
 *
 * @param a - (..., M, N).
 * @param mode - 'reduced' (default), 'complete' or 'r'.
 * @returns `{ q, r }`, or `{ r }` for mode 'r'.
 * @throws LinAlgError `NOT_SQUARE` if `a` has fewer than two axes.
 * @throws RangeError for an unknown mode.
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4], [5, 6]]);
 * const { q, r } = linalg.qr(a);
 * q!.shape;                                 // [3, 2]
 * r.shape;                                  // [2, 2]
 * linalg.qr(a, 'complete').q!.shape;        // [3, 3]
 * ```
 */
export function qr<D extends DType, R extends number, M extends QrMode = 'reduced'>(
  a: Tensor<D, R>, mode?: M,
): QrResultOf<Tensor<FloatOf<D>, R>, M> {
  return runSync(qrSteps(a, mode));
}
/**
 * Async twin of {@link qr}: same arguments, runs its BLAS/LAPACK work off the JS thread (on
 * the libuv pool) and returns a Promise; errors qr would throw become rejections. Do not
 * mutate the inputs until it settles.
 *
 * @example
 * ```ts
 * const { r } = await linalg.qrAsync(tensor([[3, 0], [4, 5]]), 'r');
 * r.shape; // [2, 2]
 * ```
 */
export async function qrAsync<D extends DType, R extends number, M extends QrMode = 'reduced'>(
  a: Tensor<D, R>, mode?: M,
): Promise<QrResultOf<Tensor<FloatOf<D>, R>, M>> {
  return runAsync(qrSteps(a, mode));
}
