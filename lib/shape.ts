import { describe, formatShape, ShapeError } from './errors.js';

export const MAX_DIMS = 32;
// Typed arrays cannot exceed this many elements; larger sizes are a RangeError, not a crash.
export const MAX_SIZE = 2 ** 32;

/** Checks and copies a shape given as a number or number[]. */
export function checkShape(shape: unknown, what = 'shape'): number[] {
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims)) {
    throw new TypeError(`Expected a number or an array of numbers for ${what} but received ${describe(shape)}`);
  }
  if (dims.length > MAX_DIMS) throw new RangeError(`${what} has ${dims.length} dimensions; at most ${MAX_DIMS} are supported`);
  const out = new Array<number>(dims.length);
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== 'number') throw new TypeError(`Expected a non-negative integer for ${what}[${i}] but received ${describe(d)}`);
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`Expected a non-negative integer for ${what}[${i}] but received ${describe(d)}`);
    out[i] = d;
  }
  sizeOf(out);
  return out;
}

/** Number of elements; RangeError when it cannot be allocated as one typed array. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  if (n > MAX_SIZE) throw new RangeError(`a tensor of shape ${formatShape(shape)} has ${n} elements: too large to allocate`);
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] || 1;
  }
  return strides;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  if (shapesEqual(a, b)) return a.slice();
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else throw new ShapeError(`operands could not be broadcast together with shapes ${formatShape(a)} ${formatShape(b)}`);
  }
  return out;
}

/** Strides of a tensor viewed at a broadcast shape (0 on stretched or added dims). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const n = target.length;
  const lead = n - shape.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (i < lead) out[i] = 0;
    else out[i] = shape[i - lead] === 1 && target[i] !== 1 ? 0 : strides[i - lead];
  }
  return out;
}

export function normalizeAxis(axis: unknown, ndim: number, what = 'axis'): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new TypeError(`Expected an integer for ${what} but received ${describe(axis)}`);
  }
  if (axis < -ndim || axis >= ndim) throw new RangeError(`${what} ${axis} is out of bounds for a tensor of dimension ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

/** Axes for a reduction: undefined = all; sorted; repeated axes are a RangeError. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new TypeError(`Expected a number or an array of numbers for axis but received ${describe(axis)}`);
  const out = list.map((a) => normalizeAxis(a, ndim));
  const sorted = out.slice().sort((x, y) => x - y);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) throw new RangeError('repeated axis');
  return sorted;
}

/** The lowest and highest element index a non-empty strided view reaches in its buffer. */
export function extentOf(shape: readonly number[], strides: readonly number[], offset: number): [number, number] {
  let lo = offset;
  let hi = offset;
  for (let i = 0; i < shape.length; i++) {
    const span = strides[i] * (shape[i] - 1);
    if (span < 0) lo += span;
    else hi += span;
  }
  return [lo, hi];
}
