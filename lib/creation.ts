// Creating tensors: from JS data (zero copy for matching typed arrays), filled, ranges, random,
// joined, and the special matrices.
import { allocate } from './alloc.js';
import { ARRAY_TYPES, checkDType, dtypeOfArray, promote, type DType, type TypedArray } from './dtype.js';
import { describe, formatShape, ShapeError } from './errors.js';
import { Tensor } from './tensor.js';
import { copyInto } from './elementwise.js';
import { checkShape, contiguousStrides, normalizeAxis, sizeOf } from './shape.js';
import { Xoshiro128 } from './random.js';

export type NestedArray = number | NestedArray[];
export interface TensorOptions {
  dtype?: DType;
  shape?: number | number[];
}

/** Builds a tensor from a number, nested arrays, a typed array (not copied when its type matches) or a Tensor. */
export function tensor(data: NestedArray | TypedArray | Tensor, opts: TensorOptions = {}): Tensor {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`Expected an options object but received ${describe(opts)}`);
  const wanted = opts.dtype === undefined ? undefined : checkDType(opts.dtype);
  let t: Tensor;
  if (data instanceof Tensor) {
    t = data.astype(wanted ?? data.dtype);
  } else if (ArrayBuffer.isView(data)) {
    const own = dtypeOfArray(data);
    if (own === undefined) throw new TypeError(`Expected a Float64Array, Float32Array or Int32Array but received ${describe(data)}`);
    const arr = wanted === undefined || wanted === own ? data : ARRAY_TYPES[wanted].from(data as ArrayLike<number>);
    t = new Tensor(arr, [arr.length]);
  } else if (typeof data === 'number') {
    const arr = allocate(wanted ?? 'float64', 1);
    arr[0] = data;
    t = Tensor._trusted(arr, [], [], 0);
  } else if (Array.isArray(data)) {
    t = fromNested(data, wanted ?? 'float64');
  } else {
    throw new TypeError(`Expected a number, nested arrays, a typed array or a Tensor but received ${describe(data)}`);
  }
  if (opts.shape !== undefined) {
    const shape = checkShape(opts.shape);
    if (sizeOf(shape) !== t.size) throw new ShapeError(`cannot reshape data of shape ${formatShape(t.shape)} into shape ${formatShape(shape)}`);
    t = t.reshape(shape);
  }
  return t;
}

function fromNested(data: NestedArray[], dtype: DType): Tensor {
  const shape: number[] = [];
  for (let level: unknown = data; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  checkShape(shape);
  const out = allocate(dtype, sizeOf(shape), false); // every element is written below
  let k = 0;
  const fill = (node: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof node !== 'number') {
        if (Array.isArray(node)) throw new ShapeError(`ragged nested arrays: element ${path} is deeper than shape ${formatShape(shape)}`);
        throw new TypeError(`Expected a number at ${path} but received ${describe(node)}`);
      }
      out[k++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      throw new ShapeError(`ragged nested arrays: ${path || 'data'} does not match shape ${formatShape(shape)}`);
    }
    for (let i = 0; i < node.length; i++) fill(node[i], dim + 1, `${path}[${i}]`);
  };
  fill(data, 0, '');
  return Tensor._trusted(out, shape, contiguousStrides(shape), 0);
}

export function zeros(shape: number | number[], dtype: DType = 'float64'): Tensor {
  return Tensor._empty(checkShape(shape), checkDType(dtype));
}

export function full(shape: number | number[], value: number, dtype: DType = 'float64'): Tensor {
  if (typeof value !== 'number') throw new TypeError(`Expected a number for value but received ${describe(value)}`);
  const t = zeros(shape, dtype);
  if (value !== 0) t.data.fill(value);
  return t;
}

export function ones(shape: number | number[], dtype: DType = 'float64'): Tensor {
  return full(shape, 1, dtype);
}

function checkInt(v: unknown, what: string, min = -Infinity): number {
  if (typeof v !== 'number') throw new TypeError(`Expected an integer for ${what} but received ${describe(v)}`);
  if (!Number.isInteger(v) || v < min) throw new RangeError(`Expected an integer >= ${min} for ${what} but received ${describe(v)}`);
  return v;
}

export function eye(n: number, m?: number | null, opts: { k?: number; dtype?: DType } = {}): Tensor {
  const rows = checkInt(n, 'n', 0);
  const cols = m === undefined || m === null ? rows : checkInt(m, 'm', 0);
  const k = checkInt(opts.k ?? 0, 'k');
  const t = zeros([rows, cols], opts.dtype ?? 'float64');
  for (let i = Math.max(0, -k); i < rows && i + k < cols; i++) t.data[i * cols + i + k] = 1;
  return t;
}

export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float64'): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  for (const [v, w] of [[start, 'start'], [stop, 'stop'], [step, 'step']] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`Expected a finite number for ${w} but received ${describe(v)}`);
  }
  if (step === 0) throw new RangeError('arange: step must not be zero');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const t = zeros([n], dtype);
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return t;
}

export function linspace(start: number, stop: number, num = 50, dtype: DType = 'float64'): Tensor {
  if (typeof start !== 'number' || typeof stop !== 'number') throw new TypeError('linspace: start and stop must be numbers');
  const n = checkInt(num, 'num', 0);
  const t = zeros([n], dtype);
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  if (n > 1) t.data[n - 1] = stop;
  return t;
}

/** A vector -> a matrix with it on diagonal k; a matrix -> a copy of its diagonal k. */
export function diag(v: Tensor, k = 0): Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`Expected a Tensor for diag but received ${describe(v)}`);
  checkInt(k, 'k');
  if (v.ndim === 1) {
    const n = v.shape[0] + Math.abs(k);
    const out = zeros([n, n], v.dtype);
    copyInto(v, out.diagonal(k));
    return out;
  }
  if (v.ndim === 2) return v.diagonal(k).clone();
  throw new RangeError(`diag: input must be 1-D or 2-D, got ${v.ndim}-D`);
}

function randomTensor(shape: number | number[], opts: { seed?: number; dtype?: DType }, draw: (g: Xoshiro128) => number): Tensor {
  if (opts.seed !== undefined && (typeof opts.seed !== 'number' || !Number.isFinite(opts.seed))) {
    throw new TypeError(`Expected a finite number for seed but received ${describe(opts.seed)}`);
  }
  const dtype = checkDType(opts.dtype ?? 'float64');
  if (dtype === 'int32') throw new TypeError('random tensors are float64 or float32');
  const t = zeros(shape, dtype);
  const g = new Xoshiro128(opts.seed);
  for (let i = 0; i < t.size; i++) t.data[i] = draw(g);
  return t;
}

/** Uniform samples in [0, 1). */
export function rand(shape: number | number[], opts: { seed?: number; dtype?: DType } = {}): Tensor {
  return randomTensor(shape, opts, (g) => g.nextDouble());
}

/** Standard normal samples. */
export function randn(shape: number | number[], opts: { seed?: number; dtype?: DType } = {}): Tensor {
  return randomTensor(shape, opts, (g) => g.nextNormal());
}

export function concat(tensors: Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('concat: need at least one tensor');
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`Expected a Tensor at index ${i} but received ${describe(t)}`);
  });
  const first = tensors[0];
  if (first.ndim === 0) throw new RangeError('concat: zero-dimensional tensors cannot be concatenated');
  const ax = normalizeAxis(axis, first.ndim);
  let total = 0;
  let dtype: DType = first.dtype;
  for (const t of tensors) {
    const ok = t.ndim === first.ndim && t.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!ok) throw new ShapeError(`concat: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ outside axis ${ax}`);
    total += t.shape[ax];
    dtype = promote(dtype, t.dtype);
  }
  const shape = first.shape.slice();
  shape[ax] = total;
  const out = zeros(shape, dtype);
  let at = 0;
  for (const t of tensors) {
    const spec = shape.map((_, i) => (i === ax ? ([at, at + t.shape[ax]] as const) : null));
    copyInto(t, out.slice(...spec));
    at += t.shape[ax];
  }
  return out;
}

export function stack(tensors: Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack: need at least one tensor');
  const first = tensors[0];
  for (const t of tensors) {
    if (!(t instanceof Tensor)) throw new TypeError(`Expected a Tensor but received ${describe(t)}`);
    if (t.ndim !== first.ndim || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError(`stack: all input tensors must have the same shape, got ${formatShape(first.shape)} and ${formatShape(t.shape)}`);
    }
  }
  const ax = normalizeAxis(axis, first.ndim + 1);
  return concat(tensors.map((t) => t.expandDims(ax)), ax);
}

function triangle(a: Tensor, k: number, keepLower: boolean): Tensor {
  if (!(a instanceof Tensor)) throw new TypeError(`Expected a Tensor but received ${describe(a)}`);
  checkInt(k, 'k');
  if (a.ndim < 2) throw new RangeError(`${keepLower ? 'tril' : 'triu'}: input must be at least 2-D`);
  const out = a.clone();
  const rows = a.shape[a.ndim - 2];
  const cols = a.shape[a.ndim - 1];
  const mats = rows * cols === 0 ? 0 : out.size / (rows * cols);
  for (let m = 0; m < mats; m++) {
    const base = m * rows * cols;
    for (let i = 0; i < rows; i++) {
      const row = base + i * cols;
      // tril keeps j <= i + k; triu keeps j >= i + k.
      if (keepLower) out.data.fill(0, row + Math.min(cols, Math.max(0, i + k + 1)), row + cols);
      else out.data.fill(0, row, row + Math.min(cols, Math.max(0, i + k)));
    }
  }
  return out;
}

/** Upper triangle of the last two axes (elements below diagonal k zeroed). */
export const triu = (a: Tensor, k = 0): Tensor => triangle(a, k, false);
/** Lower triangle of the last two axes (elements above diagonal k zeroed). */
export const tril = (a: Tensor, k = 0): Tensor => triangle(a, k, true);
