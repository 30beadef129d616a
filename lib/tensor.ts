import { inspect } from 'node:util';
import { allocate } from './alloc.js';
import { checkDType, dtypeOfArray, type DType, type TypedArray } from './dtype.js';
import { describe, formatShape, ShapeError } from './errors.js';
import {
  broadcastShapes,
  broadcastStrides,
  checkShape,
  contiguousStrides,
  normalizeAxes,
  normalizeAxis,
  shapesEqual,
  sizeOf,
} from './shape.js';
import * as ew from './elementwise.js';
import * as red from './reduce.js';
import * as blas from './blas.js';
import { format } from './format.js';

export type Scalar = number;
export type SliceSpec = number | null | readonly (number | null | undefined)[];
export interface OutOption {
  out?: Tensor;
}

const TRUSTED = Symbol('trusted');

/**
 * An N-D array over a typed array: (data, dtype, shape, strides, offset), strides in elements.
 * Views share `data`; operations return new tensors unless `{ out }` is given.
 */
export class Tensor {
  readonly data: TypedArray;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly size: number;

  /**
   * Wraps a typed array without copying. `strides` default to C order; every element the
   * shape/strides/offset can reach must lie inside `data`.
   */
  constructor(data: TypedArray, shape: readonly number[], strides?: readonly number[], offset?: number, token?: symbol) {
    if (token === TRUSTED) {
      this.data = data;
      this.dtype = dtypeOfArray(data)!;
      this.shape = shape;
      this.strides = strides!;
      this.offset = offset!;
      this.size = sizeOfTrusted(shape);
      return;
    }
    const dtype = dtypeOfArray(data);
    if (dtype === undefined) throw new TypeError(`Expected a Float64Array, Float32Array or Int32Array but received ${describe(data)}`);
    const shp = checkShape(shape);
    const str = strides === undefined ? contiguousStrides(shp) : checkStrides(strides, shp.length);
    const off = offset ?? 0;
    if (!Number.isInteger(off) || off < 0) throw new RangeError(`Expected a non-negative integer for offset but received ${describe(offset)}`);
    checkReach(data.length, shp, str, off);
    this.data = data;
    this.dtype = dtype;
    this.shape = shp;
    this.strides = str;
    this.offset = off;
    this.size = sizeOf(shp);
  }

  /** Internal: builds a tensor whose invariants the caller has already established. */
  static _trusted(data: TypedArray, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    return new Tensor(data, shape, strides, offset, TRUSTED);
  }

  /** A fresh C-contiguous tensor (zero-filled). */
  static _empty(shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(allocate(dtype, sizeOf(shape)), shape, contiguousStrides(shape), 0, TRUSTED);
  }

  /** A fresh C-contiguous tensor with unspecified contents: only for outputs native code fills whole. */
  static _output(shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(allocate(dtype, sizeOf(shape), false), shape, contiguousStrides(shape), 0, TRUSTED);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isContiguous(): boolean {
    let s = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i];
      if (d === 0) return true;
      if (d !== 1 && this.strides[i] !== s) return false;
      s *= d;
    }
    return true;
  }

  get T(): Tensor {
    return this.transpose();
  }

  // ---- conversion ----

  toArray(): number | unknown[] {
    if (this.ndim === 0) return this.data[this.offset];
    const build = (dim: number, off: number): unknown[] => {
      const n = this.shape[dim];
      const s = this.strides[dim];
      const out = new Array(n);
      if (dim === this.ndim - 1) for (let i = 0; i < n; i++) out[i] = this.data[off + i * s];
      else for (let i = 0; i < n; i++) out[i] = build(dim + 1, off + i * s);
      return out;
    };
    return build(0, this.offset);
  }

  item(): number {
    if (this.size !== 1) throw new RangeError(`can only convert a tensor of size 1 to a number, got size ${this.size}`);
    return this.data[this.offset]; // size 1: every index is 0
  }

  private indexOffset(idx: readonly number[]): number {
    if (idx.length !== this.ndim) {
      throw new RangeError(`Expected ${this.ndim} indices for a tensor of shape ${formatShape(this.shape)} but received ${idx.length}`);
    }
    let off = this.offset;
    for (let i = 0; i < idx.length; i++) {
      let k = idx[i];
      const n = this.shape[i];
      if (typeof k !== 'number' || !Number.isInteger(k)) throw new TypeError(`Expected an integer index but received ${describe(k)}`);
      if (k < 0) k += n;
      if (k < 0 || k >= n) throw new RangeError(`index ${idx[i]} is out of bounds for axis ${i} with size ${n}`);
      off += k * this.strides[i];
    }
    return off;
  }

  get(...idx: number[]): number {
    return this.data[this.indexOffset(idx)];
  }

  set(...args: number[]): this {
    const value = args.pop();
    if (typeof value !== 'number') throw new TypeError(`Expected a number for value but received ${describe(value)}`);
    this.data[this.indexOffset(args)] = value;
    return this;
  }

  astype(dtype: DType): Tensor {
    const d = checkDType(dtype);
    const out = Tensor._output(this.shape.slice(), d);
    ew.copyInto(this, out);
    return out;
  }

  clone(): Tensor {
    return this.astype(this.dtype);
  }

  /** This tensor if it is C-contiguous, else a C-contiguous copy. */
  contiguous(): Tensor {
    return this.isContiguous ? this : this.clone();
  }

  /** A contiguous typed array of the elements: `data` itself when the tensor is exactly its whole buffer. */
  toTypedArray(): TypedArray {
    if (this.isContiguous && this.offset === 0 && this.data.length === this.size) return this.data;
    return this.clone().data;
  }

  toString(): string {
    return format(this);
  }

  [inspect.custom](): string {
    const body = format(this, 'tensor(', ', ');
    return this.dtype === 'float64' ? `tensor(${body})` : `tensor(${body}, dtype=${this.dtype})`;
  }

  // ---- views ----

  reshape(...shape: (number | readonly number[])[]): Tensor {
    const spec = (shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : shape) as unknown[];
    const target = inferShape(spec, this.size, this.shape);
    const strides = reshapeStrides(this.shape, this.strides, target);
    if (strides) return Tensor._trusted(this.data, target, strides, this.offset);
    const c = this.clone();
    return Tensor._trusted(c.data, target, contiguousStrides(target), 0);
  }

  transpose(...axes: (number | readonly number[])[]): Tensor {
    const list = (axes.length === 1 && Array.isArray(axes[0]) ? axes[0] : axes) as number[];
    const n = this.ndim;
    let perm: number[];
    if (list.length === 0) perm = Array.from({ length: n }, (_, i) => n - 1 - i);
    else {
      if (list.length !== n) throw new RangeError(`axes don't match tensor: expected ${n} axes, received ${list.length}`);
      perm = list.map((a) => normalizeAxis(a, n));
      if (new Set(perm).size !== n) throw new RangeError('repeated axis in transpose');
    }
    return Tensor._trusted(this.data, perm.map((p) => this.shape[p]), perm.map((p) => this.strides[p]), this.offset);
  }

  /** Swaps two axes (a view). */
  swapaxes(a: number, b: number): Tensor {
    const perm = Array.from({ length: this.ndim }, (_, i) => i);
    const i = normalizeAxis(a, this.ndim);
    const j = normalizeAxis(b, this.ndim);
    [perm[i], perm[j]] = [perm[j], perm[i]];
    return this.transpose(perm);
  }

  /** NumPy basic indexing: an index drops the axis, `[start, stop, step]` slices it, null keeps it. */
  slice(...specs: SliceSpec[]): Tensor {
    if (specs.length > this.ndim) throw new RangeError(`too many indices for a tensor of dimension ${this.ndim}`);
    const shape: number[] = [];
    const strides: number[] = [];
    let offset = this.offset;
    for (let i = 0; i < this.ndim; i++) {
      const n = this.shape[i];
      const s = this.strides[i];
      const spec = i < specs.length ? specs[i] : null;
      if (spec === null || spec === undefined) {
        shape.push(n);
        strides.push(s);
      } else if (typeof spec === 'number') {
        if (!Number.isInteger(spec)) throw new TypeError(`Expected an integer index but received ${describe(spec)}`);
        const k = spec < 0 ? spec + n : spec;
        if (k < 0 || k >= n) throw new RangeError(`index ${spec} is out of bounds for axis ${i} with size ${n}`);
        offset += k * s;
      } else if (Array.isArray(spec)) {
        const [start, stop, step] = sliceIndices(spec as (number | null | undefined)[], n);
        const len = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((stop - start) / step));
        if (len > 0) offset += start * s;
        shape.push(len);
        strides.push(s * step);
      } else {
        throw new TypeError(`Expected an index, [start, stop, step] or null for axis ${i} but received ${describe(spec)}`);
      }
    }
    return Tensor._trusted(this.data, shape, strides, offset);
  }

  squeeze(axis?: number | readonly number[]): Tensor {
    let drop: Set<number>;
    if (axis === undefined || axis === null) drop = new Set(this.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
    else {
      drop = new Set(normalizeAxes(axis, this.ndim));
      for (const a of drop) {
        if (this.shape[a] !== 1) throw new RangeError(`cannot select an axis to squeeze out which has size not equal to one (axis ${a})`);
      }
    }
    const keep = this.shape.map((_, i) => i).filter((i) => !drop.has(i));
    return Tensor._trusted(this.data, keep.map((i) => this.shape[i]), keep.map((i) => this.strides[i]), this.offset);
  }

  expandDims(axis: number | readonly number[]): Tensor {
    const list = typeof axis === 'number' ? [axis] : axis;
    const nd = this.ndim + list.length;
    const axes = new Set(list.map((a) => normalizeAxis(a, nd)));
    if (axes.size !== list.length) throw new RangeError('repeated axis');
    const shape: number[] = [];
    const strides: number[] = [];
    let j = 0;
    for (let i = 0; i < nd; i++) {
      if (axes.has(i)) {
        shape.push(1);
        strides.push(0);
      } else {
        shape.push(this.shape[j]);
        strides.push(this.strides[j]);
        j++;
      }
    }
    return Tensor._trusted(this.data, shape, strides, this.offset);
  }

  broadcastTo(shape: number | readonly number[]): Tensor {
    const target = checkShape(shape);
    const b = broadcastShapes(this.shape, target);
    if (!shapesEqual(b, target) || target.length < this.ndim) {
      throw new ShapeError(`cannot broadcast a tensor of shape ${formatShape(this.shape)} to shape ${formatShape(target)}`);
    }
    return Tensor._trusted(this.data, target, broadcastStrides(this.shape, this.strides, target), this.offset);
  }

  ravel(): Tensor {
    return this.reshape(-1);
  }

  flatten(): Tensor {
    const c = this.clone();
    return Tensor._trusted(c.data, [this.size], [1], 0);
  }

  /** The diagonal of the last two axes as a view (numpy.diagonal(a, offset, -2, -1)). */
  diagonal(offset = 0): Tensor {
    if (this.ndim < 2) throw new RangeError('diagonal requires a tensor of at least two dimensions');
    if (!Number.isInteger(offset)) throw new TypeError(`Expected an integer for offset but received ${describe(offset)}`);
    const nd = this.ndim;
    const [rows, cols] = [this.shape[nd - 2], this.shape[nd - 1]];
    const [rs, cs] = [this.strides[nd - 2], this.strides[nd - 1]];
    const len = Math.max(0, offset >= 0 ? Math.min(rows, cols - offset) : Math.min(rows + offset, cols));
    const start = len > 0 ? (offset >= 0 ? offset * cs : -offset * rs) : 0;
    return Tensor._trusted(this.data, [...this.shape.slice(0, -2), len], [...this.strides.slice(0, -2), rs + cs], this.offset + start);
  }

  // ---- elementwise ----
  add(other: Tensor | Scalar, opts?: OutOption): Tensor { return ew.add(this, other, opts); }
  sub(other: Tensor | Scalar, opts?: OutOption): Tensor { return ew.sub(this, other, opts); }
  mul(other: Tensor | Scalar, opts?: OutOption): Tensor { return ew.mul(this, other, opts); }
  div(other: Tensor | Scalar, opts?: OutOption): Tensor { return ew.div(this, other, opts); }
  pow(other: Tensor | Scalar, opts?: OutOption): Tensor { return ew.pow(this, other, opts); }
  maximum(other: Tensor | Scalar, opts?: OutOption): Tensor { return ew.maximum(this, other, opts); }
  minimum(other: Tensor | Scalar, opts?: OutOption): Tensor { return ew.minimum(this, other, opts); }
  neg(opts?: OutOption): Tensor { return ew.neg(this, opts); }
  abs(opts?: OutOption): Tensor { return ew.abs(this, opts); }
  exp(opts?: OutOption): Tensor { return ew.exp(this, opts); }
  log(opts?: OutOption): Tensor { return ew.log(this, opts); }
  sqrt(opts?: OutOption): Tensor { return ew.sqrt(this, opts); }
  square(opts?: OutOption): Tensor { return ew.square(this, opts); }
  sin(opts?: OutOption): Tensor { return ew.sin(this, opts); }
  cos(opts?: OutOption): Tensor { return ew.cos(this, opts); }
  tanh(opts?: OutOption): Tensor { return ew.tanh(this, opts); }
  sigmoid(opts?: OutOption): Tensor { return ew.sigmoid(this, opts); }
  relu(opts?: OutOption): Tensor { return ew.relu(this, opts); }
  sign(opts?: OutOption): Tensor { return ew.sign(this, opts); }
  clip(min: number, max: number, opts?: OutOption): Tensor { return ew.clip(this, min, max, opts); }
  softmax(axis = -1): Tensor { return ew.softmax(this, axis); }
  logSumExp(axis?: number | number[], keepdims = false): Tensor | number { return ew.logSumExp(this, axis, keepdims); }

  // ---- reductions ----
  sum(axis?: red.Axis, keepdims = false): Tensor | number { return red.sum(this, axis, keepdims); }
  mean(axis?: red.Axis, keepdims = false): Tensor | number { return red.mean(this, axis, keepdims); }
  prod(axis?: red.Axis, keepdims = false): Tensor | number { return red.prod(this, axis, keepdims); }
  max(axis?: red.Axis, keepdims = false): Tensor | number { return red.max(this, axis, keepdims); }
  min(axis?: red.Axis, keepdims = false): Tensor | number { return red.min(this, axis, keepdims); }
  std(axis?: red.Axis, keepdims = false, opts?: red.DdofOption): Tensor | number { return red.std(this, axis, keepdims, opts); }
  var(axis?: red.Axis, keepdims = false, opts?: red.DdofOption): Tensor | number { return red.variance(this, axis, keepdims, opts); }
  argmax(axis?: number, keepdims = false): Tensor | number { return red.argmax(this, axis, keepdims); }
  argmin(axis?: number, keepdims = false): Tensor | number { return red.argmin(this, axis, keepdims); }

  // ---- products ----
  dot(other: Tensor | Scalar): Tensor { return blas.dot(this, other); }
  matmul(other: Tensor, opts?: OutOption): Tensor { return blas.matmul(this, other, opts); }
  /** matmul with the product computed on the libuv thread pool. */
  matmulAsync(other: Tensor, opts?: OutOption): Promise<Tensor> { return blas.matmulAsync(this, other, opts); }
  norm(ord?: blas.NormOrd, axis?: number | [number, number], keepdims = false): Tensor | number {
    return blas.norm(this, ord, axis, keepdims);
  }
}

function sizeOfTrusted(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

function checkStrides(strides: readonly number[], ndim: number): number[] {
  if (!Array.isArray(strides) || strides.length !== ndim) {
    throw new RangeError(`Expected ${ndim} strides but received ${describe(strides)}`);
  }
  return strides.map((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s)) throw new TypeError(`Expected an integer for strides[${i}] but received ${describe(s)}`);
    return s;
  });
}

/** Every element reachable through shape/strides/offset must lie inside the buffer. */
function checkReach(length: number, shape: readonly number[], strides: readonly number[], offset: number): void {
  if (shape.some((d) => d === 0)) return;
  let lo = offset;
  let hi = offset;
  for (let i = 0; i < shape.length; i++) {
    const span = strides[i] * (shape[i] - 1);
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || hi >= length) {
    throw new RangeError(
      `shape ${formatShape(shape)} with strides ${formatShape(strides)} and offset ${offset} reaches outside a buffer of ${length} elements`,
    );
  }
}

function inferShape(spec: unknown[], size: number, from: readonly number[]): number[] {
  let infer = -1;
  let known = 1;
  const out = spec.map((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d)) throw new TypeError(`Expected an integer for shape[${i}] but received ${describe(d)}`);
    if (d === -1) {
      if (infer >= 0) throw new RangeError('can only specify one unknown dimension');
      infer = i;
      return -1;
    }
    if (d < 0) throw new RangeError(`Expected a non-negative integer for shape[${i}] but received ${describe(d)}`);
    known *= d;
    return d;
  });
  if (infer >= 0) {
    if (known === 0 || size % known !== 0) throw new ShapeError(`cannot reshape tensor of shape ${formatShape(from)} into shape ${formatShape(spec as number[])}`);
    out[infer] = size / known;
  } else if (known !== size) {
    throw new ShapeError(`cannot reshape tensor of shape ${formatShape(from)} into shape ${formatShape(out)}`);
  }
  if (out.length > 32) throw new RangeError('too many dimensions');
  return out;
}

/** Strides that view `shape/strides` as `target` without a copy, or null when a copy is needed. */
function reshapeStrides(shape: readonly number[], strides: readonly number[], target: number[]): number[] | null {
  const size = sizeOfTrusted(shape);
  if (size === 0 || size === 1) return contiguousStrides(target);
  // Drop size-1 dims, then match groups of old dims to groups of new dims (NumPy's _attempt_nocopy_reshape).
  const os: number[] = [];
  const ost: number[] = [];
  shape.forEach((d, i) => {
    if (d !== 1) {
      os.push(d);
      ost.push(strides[i]);
    }
  });
  const out = new Array<number>(target.length).fill(0);
  let oi = 0;
  let oj = 1;
  let ni = 0;
  let nj = 1;
  while (ni < target.length && oi < os.length) {
    let np = target[ni];
    let op = os[oi];
    while (np !== op) {
      if (np < op) np *= target[nj++];
      else op *= os[oj++];
    }
    for (let k = oi; k < oj - 1; k++) if (ost[k] !== ost[k + 1] * os[k + 1]) return null;
    out[nj - 1] = ost[oj - 1];
    for (let k = nj - 1; k > ni; k--) out[k - 1] = out[k] * target[k];
    ni = nj++;
    oi = oj++;
  }
  // Trailing size-1 dims of the target.
  for (let k = ni; k < target.length; k++) out[k] = 1;
  // Size-1 dims anywhere: give them a harmless stride.
  for (let k = 0; k < target.length; k++) if (target[k] === 1 && out[k] === 0) out[k] = 1;
  return out;
}

function sliceIndices(spec: (number | null | undefined)[], n: number): [number, number, number] {
  const step = spec[2] ?? 1;
  if (!Number.isInteger(step) || step === 0) throw new RangeError(`slice step must be a non-zero integer, received ${describe(spec[2])}`);
  const norm = (v: number | undefined | null, dflt: number, lo: number, hi: number): number => {
    if (v === undefined || v === null) return dflt;
    if (!Number.isInteger(v)) throw new TypeError(`Expected an integer slice bound but received ${describe(v)}`);
    let k = v < 0 ? v + n : v;
    if (k < lo) k = lo;
    if (k > hi) k = hi;
    return k;
  };
  if (step > 0) return [norm(spec[0], 0, 0, n), norm(spec[1], n, 0, n), step];
  return [norm(spec[0], n - 1, -1, n - 1), norm(spec[1], -1, -1, n - 1), step];
}
