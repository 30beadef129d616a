// Shared by the LAPACK families: input checks, the META layout writers, output allocation in
// the layout LAPACK writes (so results are not copied again).
import { formatShape, LinAlgError, describe } from '../errors.js';
import { META } from '../native.js';
import { broadcastStrides, contiguousStrides, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import { allocate } from '../alloc.js';
import { overlapOf } from '../out.js';
import { prepareOut } from '../elementwise.js';

/** A tensor LAPACK can take: float32 stays float32, int32 promotes to float64 (NumPy's rule). */
export function floatInput(a: unknown, op: string): Tensor {
  if (!(a instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${op} but received ${describe(a)}`);
  return a.dtype === 'int32' ? a.astype('float64') : a;
}

export function assertStacked(a: Tensor, op: string): void {
  if (a.ndim < 2) {
    throw new LinAlgError(`${op}: ${a.ndim}-dimensional tensor given. Tensor must be at least two-dimensional`, 'NOT_SQUARE');
  }
}

export function assertStackedSquare(a: Tensor, op: string): void {
  assertStacked(a, op);
  if (a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) {
    throw new LinAlgError(`${op}: last 2 dimensions of the tensor must be square, got shape ${formatShape(a.shape)}`, 'NOT_SQUARE');
  }
}

/** Writes [nb, batch...] at META[0]; returns the next position. */
export function writeBatch(batch: readonly number[]): number {
  META[0] = batch.length;
  for (let i = 0; i < batch.length; i++) META[1 + i] = batch[i];
  return 1 + batch.length;
}

/** Writes one matrix operand: [rows, cols, offset, batch strides (broadcast)..., rs, cs]. */
export function writeMatrix(
  p: number, t: Tensor, batch: readonly number[], rows: number, cols: number, rs: number, cs: number,
): number {
  META[p++] = rows;
  META[p++] = cols;
  META[p++] = t.offset;
  const own = t.shape.length - (t.ndim >= 2 ? 2 : t.ndim);
  const ownBatch = t.shape.slice(0, own);
  const bs = broadcastStrides(ownBatch, t.strides.slice(0, own), batch);
  for (let i = 0; i < batch.length; i++) META[p++] = bs[i];
  META[p++] = rs;
  META[p++] = cs;
  return p;
}

/** The last two axes of a stacked tensor as a matrix operand. */
export function writeStackedMatrix(p: number, t: Tensor, batch: readonly number[]): number {
  const n = t.ndim;
  return writeMatrix(p, t, batch, t.shape[n - 2], t.shape[n - 1], t.strides[n - 2], t.strides[n - 1]);
}

/** Per-matrix vector output of shape (...batch, k), written as a 1 x k matrix. */
export function writeVector(p: number, t: Tensor, batch: readonly number[], k: number): number {
  META[p++] = 1;
  META[p++] = k;
  META[p++] = t.offset;
  const bs = t.strides.slice(0, batch.length);
  for (let i = 0; i < batch.length; i++) META[p++] = bs[i];
  META[p++] = 0;
  META[p++] = t.ndim > batch.length ? t.strides[batch.length] : 1;
  return p;
}

/** A fresh stack of rows x cols matrices, each block column-major (Fortran order), as LAPACK writes. */
export function fortranStack(batch: readonly number[], rows: number, cols: number, dtype: DType): Tensor {
  const block = rows * cols;
  const shape = [...batch, rows, cols];
  const data = allocate(dtype, sizeOf(shape), false);
  const bstrides = contiguousStrides(batch).map((s) => s * block);
  return Tensor._trusted(data, shape, [...bstrides, 1, Math.max(rows, 1)], 0);
}

export const batchOf = (a: Tensor): number[] => a.shape.slice(0, -2);
export const asResult = (t: Tensor): Tensor | number => (t.ndim === 0 ? t.item() : t);

/**
 * The caller's `out` for a LAPACK result, which the routine writes directly: it must have the
 * result's shape and exactly its dtype, must not reach one element twice, and must not share
 * memory with an input, except by being exactly the same view of it (the routines read each input
 * matrix before writing that output matrix, so that computes in place).
 */
export function lapackOut(
  outIn: Tensor, shape: readonly number[], dtype: DType, op: string, inputs: readonly Tensor[],
): Tensor {
  // prepareOut checks the type, the shape and that no element is reached twice.
  const out = prepareOut({ out: outIn }, shape, dtype, op);
  if (out.dtype !== dtype) throw new TypeError(`${op}: out must be ${dtype} like the result, not ${out.dtype}`);
  for (const input of inputs) {
    if (overlapOf(out, input) === 'partial') throw new RangeError(`${op}: out overlaps an input; pass that input itself (in place) or separate memory`);
  }
  return out;
}

/** Machine epsilon per dtype (int32 input is computed in float64). */
export const EPS: Record<DType, number> = { float64: 2.220446049250313e-16, float32: 1.1920928955078125e-7, int32: 2.220446049250313e-16 };
