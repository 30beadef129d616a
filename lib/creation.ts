// Creating tensors: from JS data (zero copy for matching typed arrays), filled, ranges, random,
// joined, and the special matrices.
import { allocate } from './alloc.js';
import { ARRAY_TYPES, checkDType, dtypeOfArray, promote, type DType, type TypedArray } from './dtype.js';
import { describe, formatShape, ShapeError } from './errors.js';
import { Tensor, type ShapeArg } from './tensor.js';
import type { DTypeOf, DTypeOfTensor, NestedArray, NestedRank, Promote, RankOf, RankOfShape, RankPlus } from './typing.js';
import { copyInto } from './elementwise.js';
import { checkShape, contiguousStrides, normalizeAxis, sizeOf } from './shape.js';
import { Xoshiro128 } from './random.js';

export type { NestedArray };
/** Options of {@link tensor}. */
export interface TensorOptions<T extends DType = DType, S extends ShapeArg = ShapeArg> {
  /** Element type: float64 for numbers and nested arrays by default, the array's own type for a typed array. */
  dtype?: T | undefined;
  /** Shape to give the data (same number of elements); typed arrays are 1-D otherwise. */
  shape?: S | undefined;
}

/** The dtype {@link tensor} gives data `X` with options dtype `T` (`never` when not given). */
export type TensorDType<X, T extends DType> = [T] extends [never]
  ? X extends Tensor<infer D, number> ? D : X extends Float64Array | Float32Array | Int32Array ? DTypeOf<X> : 'float64'
  : T;
/** The rank {@link tensor} gives data `X` with options shape `S` (`never` when not given). */
export type TensorRank<X, S> = [S] extends [never]
  ? X extends Tensor ? RankOf<X> : X extends Float64Array | Float32Array | Int32Array ? 1 : NestedRank<X>
  : RankOfShape<S>;

/**
 * Builds a tensor from a number (0-d), nested arrays, a typed array or another Tensor, like
 * numpy.array. A typed array whose type matches the dtype is not copied: the tensor's `data` is that
 * array. A Tensor argument is always copied.
 *
 * @throws ShapeError for ragged nested arrays, or a `shape` whose size differs from the data's.
 * @throws TypeError for non-numbers, an unsupported typed array or an unknown dtype.
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]).shape;                  // [2, 2]
 * tensor([1, 2], { dtype: 'float32' }).dtype;      // 'float32'
 * const buf = new Float64Array([1, 2, 3, 4, 5, 6]);
 * const t = tensor(buf, { shape: [2, 3] });
 * t.data === buf;                                  // true: no copy
 * tensor(new Int32Array([1, 2])).dtype;            // 'int32'
 * ```
 */
export function tensor<X extends NestedArray | TypedArray | Tensor, T extends DType = never, S extends ShapeArg = never>(
  data: X, opts?: TensorOptions<T, S>,
): Tensor<TensorDType<X, T>, TensorRank<X, S>> {
  return tensorImpl(data, opts === undefined ? {} : opts) as never;
}

function tensorImpl(data: NestedArray | TypedArray | Tensor, opts: TensorOptions): Tensor {
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
    // A tensor this call made (from nested arrays, or a copy) is dropped for its reshaped view.
    t = Tensor._handOver(t.reshape(shape), t);
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

/**
 * A new tensor of zeros (numpy.zeros).
 *
 * @param shape - A length or a list of dimensions.
 * @throws RangeError for a negative or non-integer dimension; TypeError for an unknown dtype.
 * @example
 * ```ts
 * zeros([2, 3]).shape;         // [2, 3]
 * zeros(3, 'int32').toArray(); // [0, 0, 0]
 * ```
 */
export function zeros<S extends ShapeArg, T extends DType = 'float64'>(shape: S, dtype: T = 'float64' as T): Tensor<T, RankOfShape<S>> {
  return Tensor._empty(checkShape(shape), checkDType(dtype)) as never;
}

/**
 * A new tensor filled with `value` (numpy.full).
 *
 * @param shape - A length or a list of dimensions.
 * @throws TypeError if `value` is not a number or the dtype is unknown.
 * @throws RangeError for a negative or non-integer dimension.
 * @example
 * ```ts
 * full([2, 2], 7).toArray(); // [[7, 7], [7, 7]]
 * ```
 */
export function full<S extends ShapeArg, T extends DType = 'float64'>(shape: S, value: number, dtype: T = 'float64' as T): Tensor<T, RankOfShape<S>> {
  if (typeof value !== 'number') throw new TypeError(`Expected a number for value but received ${describe(value)}`);
  const t = zeros(shape, dtype);
  if (value !== 0) t.data.fill(value);
  return t;
}

/**
 * A new tensor of ones (numpy.ones).
 *
 * @param shape - A length or a list of dimensions.
 * @throws RangeError for a negative or non-integer dimension; TypeError for an unknown dtype.
 * @example
 * ```ts
 * ones(3, 'float32').toArray(); // [1, 1, 1]
 * ```
 */
export function ones<S extends ShapeArg, T extends DType = 'float64'>(shape: S, dtype: T = 'float64' as T): Tensor<T, RankOfShape<S>> {
  return full(shape, 1, dtype);
}

function checkInt(v: unknown, what: string, min = -Infinity): number {
  if (typeof v !== 'number') throw new TypeError(`Expected an integer for ${what} but received ${describe(v)}`);
  if (!Number.isInteger(v) || v < min) throw new RangeError(`Expected an integer >= ${min} for ${what} but received ${describe(v)}`);
  return v;
}

/**
 * An `n` x `m` matrix with ones on diagonal `k` and zeros elsewhere (numpy.eye).
 *
 * @param n - Rows.
 * @param m - Columns (`n` when omitted).
 * @param opts - `k`: the diagonal (0 main, > 0 above, < 0 below); `dtype`: float64 by default.
 * @throws RangeError for a negative or non-integer size or `k`.
 * @example
 * ```ts
 * eye(2).toArray();                 // [[1, 0], [0, 1]]
 * eye(2, 3, { k: 1 }).toArray();    // [[0, 1, 0], [0, 0, 1]]
 * ```
 */
export function eye<T extends DType = 'float64'>(n: number, m?: number | null, opts: { k?: number | undefined; dtype?: T | undefined } = {}): Tensor<T, 2> {
  const rows = checkInt(n, 'n', 0);
  const cols = m === undefined || m === null ? rows : checkInt(m, 'm', 0);
  const k = checkInt(opts.k ?? 0, 'k');
  const t = zeros([rows, cols], opts.dtype ?? 'float64');
  for (let i = Math.max(0, -k); i < rows && i + k < cols; i++) t.data[i * cols + i + k] = 1;
  return t as never;
}

/**
 * Evenly spaced values in `[start, stop)` with `step` (numpy.arange); `arange(n)` is 0..n-1.
 *
 * @throws TypeError if a bound or the step is not a finite number.
 * @throws RangeError if `step` is 0.
 * @example
 * ```ts
 * arange(4).toArray();            // [0, 1, 2, 3]
 * arange(1, 2, 0.25).toArray();   // [1, 1.25, 1.5, 1.75]
 * arange(3, 0, -1).toArray();     // [3, 2, 1]
 * ```
 */
export function arange<T extends DType = 'float64'>(start: number, stop?: number, step = 1, dtype: T = 'float64' as T): Tensor<T, 1> {
  return arangeImpl(start, stop, step, dtype) as never;
}

function arangeImpl(start: number, stop: number | undefined, step: number, dtype: DType): Tensor {
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

/**
 * `num` evenly spaced values from `start` to `stop`, both included (numpy.linspace).
 *
 * @throws TypeError if `start` or `stop` is not a number.
 * @throws RangeError if `num` is negative or not an integer.
 * @example
 * ```ts
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace<T extends DType = 'float64'>(start: number, stop: number, num = 50, dtype: T = 'float64' as T): Tensor<T, 1> {
  return linspaceImpl(start, stop, num, dtype) as never;
}

function linspaceImpl(start: number, stop: number, num: number, dtype: DType): Tensor {
  if (typeof start !== 'number' || typeof stop !== 'number') throw new TypeError('linspace: start and stop must be numbers');
  const n = checkInt(num, 'num', 0);
  const t = zeros([n], dtype);
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  if (n > 1) t.data[n - 1] = stop;
  return t;
}

/**
 * numpy.diag: a vector becomes a square matrix with it on diagonal `k`; a matrix gives a copy of its
 * diagonal `k`.
 *
 * @throws RangeError if `v` is not 1-D or 2-D, or `k` is not an integer.
 * @throws TypeError if `v` is not a Tensor.
 * @example
 * ```ts
 * diag(tensor([1, 2])).toArray();               // [[1, 0], [0, 2]]
 * diag(tensor([[1, 2], [3, 4]])).toArray();     // [1, 4]
 * diag(tensor([[1, 2], [3, 4]]), 1).toArray();  // [2]
 * ```
 */
export function diag<D extends DType, R extends number>(v: Tensor<D, R>, k = 0): Tensor<D, DiagRank[R]> {
  return diagImpl(v, k) as never;
}

/** `DiagRank[R]`: {@link diag} of a vector is a matrix and of a matrix its diagonal; other ranks are an error. */
export interface DiagRank {
  [rank: number]: number;
  /** A vector becomes a matrix. */
  1: 2;
  /** A matrix gives its diagonal. */
  2: 1;
}

function diagImpl(v: Tensor, k: number): Tensor {
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

/** Options of {@link rand} and {@link randn}. */
export interface RandomOptions<T extends 'float64' | 'float32' = 'float64' | 'float32'> {
  /** Seed of the generator: the same seed gives the same numbers on every platform. */
  seed?: number | undefined;
  /** float64 (the default) or float32. */
  dtype?: T | undefined;
}

function randomTensor(shape: ShapeArg, opts: RandomOptions, draw: (g: Xoshiro128) => number): Tensor {
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

/**
 * Uniform samples in [0, 1) (numpy.random.rand), float64 or float32. The same `seed` gives the same
 * numbers on every platform; without one the stream is seeded randomly.
 *
 * @param shape - A length or a list of dimensions.
 * @throws TypeError for an int32 dtype or a non-finite seed.
 * @example
 * ```ts
 * const a = rand([2, 3], { seed: 42 });
 * a.shape;                                        // [2, 3]
 * a.toArray().toString() === rand([2, 3], { seed: 42 }).toArray().toString(); // true
 * ```
 */
export function rand<S extends ShapeArg, T extends 'float64' | 'float32' = 'float64'>(shape: S, opts: RandomOptions<T> = {}): Tensor<T, RankOfShape<S>> {
  return randomTensor(shape, opts, (g) => g.nextDouble()) as never;
}

/**
 * Standard normal samples (numpy.random.randn), float64 or float32. The same `seed` gives the same
 * numbers on every platform; without one the stream is seeded randomly.
 *
 * @param shape - A length or a list of dimensions.
 * @throws TypeError for an int32 dtype or a non-finite seed.
 * @example
 * ```ts
 * const w = randn([64, 10], { seed: 1, dtype: 'float32' });
 * w.dtype; // 'float32'
 * ```
 */
export function randn<S extends ShapeArg, T extends 'float64' | 'float32' = 'float64'>(shape: S, opts: RandomOptions<T> = {}): Tensor<T, RankOfShape<S>> {
  return randomTensor(shape, opts, (g) => g.nextNormal()) as never;
}

/**
 * Joins tensors along an existing axis (numpy.concatenate); dtypes promote.
 *
 * @throws ShapeError if the shapes differ outside `axis`.
 * @throws RangeError for an empty list, 0-d tensors or an axis out of range.
 * @throws TypeError for a non-Tensor element.
 * @example
 * ```ts
 * concat([tensor([1, 2]), tensor([3])]).toArray();            // [1, 2, 3]
 * concat([zeros([2, 2]), ones([2, 1])], 1).shape;             // [2, 3]
 * ```
 */
export function concat<D extends DType, R extends number>(tensors: readonly Tensor<D, R>[], axis = 0): Tensor<JoinedDType<D>, R> {
  return concatImpl(tensors, axis) as never;
}

/**
 * The dtype of {@link concat} or {@link stack} of tensors whose dtypes are `D`: that dtype when it
 * is one; when the list's dtypes are a union, any of them (all alike) or float64 (a mix promotes).
 */
export type JoinedDType<D extends DType> = IsUnion<D> extends true ? D | 'float64' : D;
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

function concatImpl(tensors: readonly Tensor[], axis: number): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) throw new RangeError('concat: need at least one tensor');
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

/**
 * Joins same-shaped tensors along a new axis (numpy.stack).
 *
 * @throws ShapeError if the shapes differ.
 * @throws RangeError for an empty list or an axis out of range.
 * @throws TypeError for a non-Tensor element.
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]).toArray();    // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack<D extends DType, R extends number>(tensors: readonly Tensor<D, R>[], axis = 0): Tensor<JoinedDType<D>, RankPlus<R, 1>> {
  return stackImpl(tensors, axis) as never;
}

function stackImpl(tensors: readonly Tensor[], axis: number): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) throw new RangeError('stack: need at least one tensor');
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

/**
 * Upper triangle of the last two axes: a copy with elements below diagonal `k` zeroed (numpy.triu);
 * works on stacks of matrices.
 *
 * @throws RangeError if `a` has fewer than two axes or `k` is not an integer.
 * @example
 * ```ts
 * triu(tensor([[1, 2], [3, 4]])).toArray();     // [[1, 2], [0, 4]]
 * triu(tensor([[1, 2], [3, 4]]), 1).toArray();  // [[0, 2], [0, 0]]
 * ```
 */
export function triu<D extends DType, R extends number>(a: Tensor<D, R>, k = 0): Tensor<D, R> {
  return triangle(a, k, false) as never;
}
/**
 * Lower triangle of the last two axes: a copy with elements above diagonal `k` zeroed (numpy.tril);
 * works on stacks of matrices.
 *
 * @throws RangeError if `a` has fewer than two axes or `k` is not an integer.
 * @example
 * ```ts
 * tril(tensor([[1, 2], [3, 4]])).toArray();     // [[1, 0], [3, 4]]
 * tril(tensor([[1, 2], [3, 4]]), -1).toArray(); // [[0, 0], [3, 0]]
 * ```
 */
export function tril<D extends DType, R extends number>(a: Tensor<D, R>, k = 0): Tensor<D, R> {
  return triangle(a, k, true) as never;
}
