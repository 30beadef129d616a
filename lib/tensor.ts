import { allocate, claimedBase, claimRegion, disposeData, disposeRegion, isDetached, releaseRegion, type Slab } from './alloc.js';
import { checkDType, dtypeOfArray, type DType, type TypedArray } from './dtype.js';
import type {
  ArrayOf, DivDType, DotRank, ElementwiseDType, DTypeOfTensor, FloatOf, MatmulRank, MaxRank, Operand, OutResult, Promote, RankMinus, RankOf,
  RankOfShape, RankPlus, Reduced, ShapeOf, WithScalar,
} from './typing.js';
import type { IndexTuples, NestedLists } from './rank-tables.js';
import { describe, formatShape, ShapeError } from './errors.js';
import {
  broadcastShapes,
  broadcastStrides,
  checkShape,
  contiguousStrides,
  extentOf,
  normalizeAxes,
  normalizeAxis,
  shapesEqual,
  sizeOf,
} from './shape.js';
import * as ew from './elementwise.js';
import * as red from './reduce.js';
import * as blas from './blas.js';
import { format } from './format.js';

/**
 * One axis of a {@link Tensor.slice} call: an integer index (drops the axis), `[start, stop, step?]`
 * (NumPy's `start:stop:step`; a null or missing bound means "from the end that step runs from") or
 * `null` (the whole axis).
 */
export type SliceSpec = number | null | readonly (number | null | undefined)[];
/**
 * The `{ out }` option of elementwise operations and `matmul`: write the result into `out` and return it.
 * `out` must have the result's shape and a dtype the result casts to safely (same dtype, or float64).
 */
export interface OutOption {
  /** Tensor to write the result into (it is also what the call returns, typed as itself). */
  out?: Tensor | undefined;
}

/** A shape argument: one length, or an array of lengths (a literal array gives the result's rank). */
export type ShapeArg = number | readonly [] | readonly number[];
/** The axis argument of the reductions: one axis, several, or every axis when undefined or null. */
export type Axis = number | readonly [] | readonly number[] | null | undefined;

/** `toArray()`'s result for rank `R`: a number for 0-d, `number[]` for 1-D, `number[][]` for 2-D, and so on. */
export type NestedList<R extends number> = NestedLists[R];
/** The indices of one element of a rank-`R` tensor, one per axis. */
export type Index<R extends number> = IndexTuples[R];

// Counts the integer indices among slice specs, which drop their axes; unknown when a spec's kind is not known statically.
type DroppedAxes<S extends readonly unknown[], N extends unknown[] = []> = S extends readonly [infer H, ...infer T]
  ? [H] extends [number]
    ? DroppedAxes<T, [...N, 0]>
    : [H] extends [null | undefined | readonly unknown[]]
      ? DroppedAxes<T, N>
      : number
  : number extends S['length']
    ? number
    : N['length'];
/** The rank after {@link Tensor.slice} with specs `S` on a rank-`R` tensor. */
export type SliceRank<R extends number, S extends readonly unknown[]> = DroppedAxes<S> extends infer K extends number ? RankMinus<R, K> : number;
/** The rank {@link Tensor.reshape} gives for its arguments `S`. */
export type ReshapeRank<S extends readonly unknown[]> = S extends readonly [infer A extends readonly number[]] ? RankOfShape<A> : number extends S['length'] ? number : S['length'];

const TRUSTED = Symbol('trusted');
// util.inspect's hook, by its registered name: the published types then need nothing from node:util.
const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * An N-D array over a typed array: (data, dtype, shape, strides, offset), strides in elements.
 * Views share `data`; operations return new tensors unless `{ out }` is given. Make tensors with
 * {@link tensor}, {@link zeros}, {@link arange} and the other creation functions.
 *
 * @example
 * ```ts
 * import { tensor } from 'tensorblas';
 * const a = tensor([[1, 2, 3], [4, 5, 6]]);
 * a.shape;                     // [2, 3]
 * a.T.matmul(a).shape;         // [3, 3]
 * a.add(1).sum(0).toArray(); // [7, 9, 11]
 * ```
 */
export class Tensor<out D extends DType = DType, out R extends number = number> {
  /** The backing typed array, shared with every view of it (never a copy): `Float32Array` for a float32 tensor, and so on. */
  declare readonly data: ArrayOf<D>;
  /** Element type, given by the type of `data`. */
  declare readonly dtype: D;
  /** Length of each axis (a tuple type when the rank is known statically). */
  declare readonly shape: ShapeOf<R>;
  /** Elements (not bytes) to step in `data` along each axis: 0 on broadcast axes, negative on reversed ones. */
  declare readonly strides: readonly number[];
  /** Index in `data` of the first element. */
  declare readonly offset: number;
  /** Number of elements (the product of `shape`). */
  declare readonly size: number;
  /** @internal What native calls take for `data` (native.ts's argOf), once looked up: `data.buffer` is a slow getter. */
  declare _arg: ArrayBuffer | TypedArray | undefined;
  /** @internal Where `data` starts in `_arg`, in elements (native.ts's baseOfTensor), once looked up: `byteOffset` is a slow getter too. */
  declare _base: number | undefined;
  /** @internal The slab this tensor's small result was carved from, while the tensor owns that region (alloc.ts's claimRegion). */
  declare _region: Slab | undefined;

  /**
   * Wraps a typed array without copying. `strides` default to C order; every element the
   * shape/strides/offset can reach must lie inside `data`.
   *
   * @param data - The buffer; its type sets the dtype.
   * @param strides - Elements to step along each axis (C order when omitted).
   * @param offset - Index in `data` of the first element (0 when omitted).
   * @param shape - Length of each axis.
   * @throws TypeError if `data` is not a Float64Array, Float32Array or Int32Array, or a dimension or stride is not an integer.
   * @throws RangeError if a dimension is negative or the view reaches outside `data`.
   * @example
   * ```ts
   * const t = new Tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2]);
   * const col = new Tensor(t.data, [3], [2], 1); // a view of the second column
   * col.toArray(); // [2, 4, 6]
   * ```
   */
  constructor(data: ArrayOf<D>, shape: readonly number[], strides?: readonly number[], offset?: number);
  /** @internal The trusted path (a token only this module holds): invariants already established by the caller. */
  constructor(data: ArrayOf<D>, shape: readonly number[], strides: readonly number[] | undefined, offset: number | undefined, token: symbol);
  constructor(data: ArrayOf<D>, shape: readonly number[], strides?: readonly number[], offset?: number, token?: symbol) {
    // Fields are declared, not initialised (a class-field initialiser would define each one as
    // undefined first, on every view), and assigned once, in one order, so every tensor has one
    // hidden class. The checks of the public path live in a function of their own: a short
    // constructor is one V8 inlines into the view methods.
    if (token !== TRUSTED) {
      const layout = checkedLayout(data, shape, strides, offset);
      shape = layout.shape;
      strides = layout.strides;
      offset = layout.offset;
    }
    this.data = data;
    this.dtype = dtypeOfArray(data) as D;
    this.shape = shape as ShapeOf<R>;
    this.strides = strides!;
    this.offset = offset!;
    this.size = sizeOfTrusted(shape);
    // A fresh slab region's owner knows the buffer native calls take without asking `data`.
    const region = token === TRUSTED ? claimRegion(data) : undefined;
    this._arg = region?.buffer;
    this._base = region === undefined ? undefined : claimedBase();
    this._region = region;
  }

  /**
   * @internal Builds a tensor whose invariants the caller has already established.
   */
  static _trusted(data: TypedArray, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    assertAttached(data); // every view is made here: none of a detached buffer
    return new Tensor<DType, number>(data, shape, strides, offset, TRUSTED);
  }

  /**
   * @internal A fresh C-contiguous tensor (zero-filled).
   */
  static _empty(shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(allocate(dtype, sizeOf(shape)), shape, contiguousStrides(shape), 0, TRUSTED);
  }

  /**
   * @internal A fresh C-contiguous tensor with unspecified contents: only for outputs native code fills whole.
   */
  static _output(shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(allocate(dtype, sizeOf(shape), false), shape, contiguousStrides(shape), 0, TRUSTED);
  }

  /**
   * @internal `to` (a view of `from`'s data that is returned in its place) takes over the slab
   * region `from` owns, so that disposing what the caller got counts it. For internal tensors that
   * never reach the caller.
   */
  static _handOver<T extends Tensor>(to: T, from: Tensor): T {
    if (to !== from && from._region !== undefined && to.data === from.data) {
      to._region = from._region;
      from._region = undefined;
    }
    return to;
  }

  /**
   * @internal Counts the slab region of an internal tensor that is dropped here (nothing outside can
   * reach it), as if it had been disposed.
   */
  static _release(t: Tensor): void {
    const region = t._region;
    if (region !== undefined) {
      t._region = undefined;
      releaseRegion(region);
    }
  }

  /**
   * Number of axes.
   *
   * @example
   * ```ts
   * zeros([2, 3, 4]).ndim; // 3
   * ```
   */
  get ndim(): R {
    return this.shape.length as R;
  }

  /**
   * Whether the elements sit in C order without gaps (starting at `offset`), so `data` can be read linearly.
   *
   * @example
   * ```ts
   * const a = zeros([2, 3]);
   * a.isContiguous;   // true
   * a.T.isContiguous; // false
   * ```
   */
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

  /**
   * The transpose (axes reversed) as a view, like NumPy's `a.T`.
   *
   * @example
   * ```ts
   * tensor([[1, 2, 3]]).T.shape; // [3, 1]
   * ```
   */
  get T(): Tensor<D, R> {
    // Written out rather than transpose(): a view should cost about what two small arrays do.
    const n = this.shape.length;
    if (n === 2) return Tensor._trusted(this.data, [this.shape[1], this.shape[0]], [this.strides[1], this.strides[0]], this.offset) as never;
    const shape = new Array<number>(n);
    const strides = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      shape[i] = this.shape[n - 1 - i];
      strides[i] = this.strides[n - 1 - i];
    }
    return Tensor._trusted(this.data, shape, strides, this.offset) as never;
  }

  /**
   * This tensor, typed as having `ndim` axes: for a tensor whose rank the types cannot know (one
   * read from a file, say), so that `linalg.det(t.expectRank(2))` is typed `number`. Checked at
   * run time, never a blind cast.
   *
   * @throws ShapeError if the tensor does not have `ndim` axes.
   * @example
   * ```ts
   * const m = load('weights.npy').expectRank(2); // Tensor<DType, 2>
   * const [rows, cols] = m.shape;
   * ```
   */
  expectRank<N extends number>(ndim: N): Tensor<D, N> {
    if (this.ndim !== (ndim as number)) {
      throw new ShapeError(`expected a tensor with ${describe(ndim)} axes but received one of shape ${formatShape(this.shape)}`);
    }
    return this as unknown as Tensor<D, N>;
  }

  /**
   * This tensor, typed as holding `dtype`: for a tensor whose dtype the types cannot know, so that
   * `.data` is the concrete typed array. Checked at run time, never a blind cast.
   *
   * @throws TypeError if the tensor's dtype is not `dtype`.
   * @example
   * ```ts
   * const w = load('weights.npy').expectDType('float32');
   * const raw: Float32Array = w.data;
   * ```
   */
  expectDType<T extends DType>(dtype: T): Tensor<T, R> {
    if (this.dtype !== checkDType(dtype)) throw new TypeError(`expected a ${dtype} tensor but received a ${this.dtype} one`);
    return this as unknown as Tensor<T, R>;
  }

  // ---- conversion ----

  /**
   * The elements as nested JS arrays (NumPy's `tolist()`); a number for a 0-d tensor.
   *
   * @example
   * ```ts
   * arange(4).reshape(2, 2).toArray(); // [[0, 1], [2, 3]]
   * tensor(5).toArray();                // 5
   * ```
   */
  toArray(): NestedList<R> {
    assertAttached(this.data);
    if (this.ndim === 0) return this.data[this.offset] as NestedList<R>;
    const build = (dim: number, off: number): unknown[] => {
      const n = this.shape[dim];
      const s = this.strides[dim];
      const out = new Array(n);
      if (dim === this.ndim - 1) for (let i = 0; i < n; i++) out[i] = this.data[off + i * s];
      else for (let i = 0; i < n; i++) out[i] = build(dim + 1, off + i * s);
      return out;
    };
    return build(0, this.offset) as NestedList<R>;
  }

  /**
   * The single element as a number (NumPy's `item()`).
   *
   * @throws RangeError unless the tensor has exactly one element.
   * @example
   * ```ts
   * tensor([1, 2]).dot(tensor([3, 4])).item(); // 11
   * ```
   */
  item(): number {
    assertAttached(this.data);
    if (this.size !== 1) throw new RangeError(`can only convert a tensor of size 1 to a number, got size ${this.size}`);
    return this.data[this.offset]; // size 1: every index is 0
  }

  private indexOffset(idx: readonly number[]): number {
    assertAttached(this.data);
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

  /**
   * The element at an index, one integer per axis; negative indices count from the end.
   *
   * @throws RangeError if the number of indices differs from `ndim` or an index is out of range.
   * @throws TypeError if an index is not an integer.
   * @example
   * ```ts
   * const a = tensor([[1, 2], [3, 4]]);
   * a.get(1, 0);  // 3
   * a.get(-1, -1); // 4
   * ```
   */
  get(...idx: Index<R>): number {
    return this.data[this.indexOffset(idx)];
  }

  /**
   * Writes one element: `set(...index, value)`, indices as in {@link Tensor.get}. Views write
   * through to the shared `data`; an int32 tensor stores the value as Int32Array does.
   *
   * @returns This tensor.
   * @throws RangeError if the number of indices differs from `ndim` or an index is out of range.
   * @throws TypeError if an index is not an integer or the value is not a number.
   * @example
   * ```ts
   * const a = zeros([2, 2]);
   * a.set(0, 1, 5).toArray(); // [[0, 5], [0, 0]]
   * ```
   */
  set(...args: [...index: Index<R>, value: number]): this {
    const value = (args as number[]).pop();
    if (typeof value !== 'number') throw new TypeError(`Expected a number for value but received ${describe(value)}`);
    this.data[this.indexOffset(args as number[])] = value;
    return this;
  }

  /**
   * A C-contiguous copy converted to `dtype` (NumPy's `astype`; float to int32 truncates toward zero).
   *
   * @throws TypeError for an unknown dtype.
   * @example
   * ```ts
   * tensor([1.7, -1.7]).astype('int32').toArray(); // [1, -1]
   * ```
   */
  astype<T extends DType>(dtype: T): Tensor<T, R> {
    const d = checkDType(dtype);
    const out = Tensor._output(this.shape.slice(), d);
    ew.copyInto(this, out, true);
    return out as Tensor<T, R>;
  }

  /**
   * A C-contiguous copy with the same dtype (NumPy's `copy()`).
   *
   * @example
   * ```ts
   * const a = tensor([1, 2]);
   * const b = a.clone();
   * b.set(0, 9);
   * a.get(0); // 1
   * ```
   */
  clone(): Tensor<D, R> {
    return this.astype(this.dtype);
  }

  /**
   * This tensor if it is C-contiguous, else a C-contiguous copy (NumPy's `ascontiguousarray`).
   *
   * @example
   * ```ts
   * const t = arange(6).reshape(2, 3).T;
   * t.contiguous().isContiguous; // true
   * ```
   */
  contiguous(): Tensor<D, R> {
    assertAttached(this.data);
    return this.isContiguous ? this : this.clone();
  }

  /**
   * A contiguous typed array of the elements in C order: `data` itself when the tensor is exactly its
   * whole buffer, otherwise a copy.
   *
   * @example
   * ```ts
   * const a = tensor(new Float32Array([1, 2, 3]));
   * a.toTypedArray() === a.data;         // true
   * a.slice([1, 3]).toTypedArray();      // Float32Array [2, 3] (a copy)
   * ```
   */
  toTypedArray(): ArrayOf<D> {
    if (this.isContiguous && this.offset === 0 && this.data.length === this.size) return this.data;
    return this.clone().data;
  }

  // ---- memory ----

  /**
   * Says that this tensor is no longer needed, so that its memory can serve the next result of the
   * same size at once (warm, without page faults) instead of waiting for a garbage collection.
   * `using r = a.add(b)` calls it (as `r[Symbol.dispose]()`) at the end of the block.
   *
   * Afterwards the tensor cannot be used: every method, and every function given it, throws a
   * TypeError. Its `shape`, `dtype`, `strides`, `ndim` and `size` stay readable. Calling `dispose()`
   * again does nothing. What happens to the memory depends on where it came from:
   *
   * - **A result tensorblas allocated** (of an operation, `clone()`, `zeros()`, `tensor([...])`, ...)
   *   above 16 KiB: its buffer is detached, so every view of it (`slice`, `T`, `reshape`, ...) and
   *   every typed array over `data.buffer` throws a TypeError too; the memory can then only be
   *   reached by the allocator, which recycles it (kept a few seconds at most).
   *   Disposing a view therefore disposes the tensor it views: dispose what you own.
   * - **A small result** (up to 16 KiB) shares a pooled buffer (a slab) with other results: only
   *   this tensor becomes unusable at once (its `data` is replaced by an empty detached array). When
   *   every result carved from a full slab has been disposed, as in a loop of `using` temporaries,
   *   the slab is detached (views of any of them then throw a TypeError) and its memory recycled.
   * - **Memory you supplied** (a typed array wrapped by `tensor(array)` or `new Tensor`, a
   *   `SharedArrayBuffer`, a tensor read from bytes or Arrow without a copy), and tensors read from
   *   files: left untouched, and usable through your array and other views; only this tensor
   *   becomes unusable.
   *
   * Disposing a tensor that an async call (`matmulAsync`, `linalg.invAsync`, ...) is still using is
   * safe: the tensor is unusable at once, and its buffer is detached and recycled when the call
   * settles.
   *
   * @example
   * ```ts
   * const a = randn([1000, 1000]);
   * const r = a.add(1);
   * const v = r.slice(0);
   * r.dispose();
   * r.shape;    // [1000, 1000]
   * r.sum();    // throws TypeError
   * v.toArray(); // throws TypeError
   * ```
   */
  dispose(): void {
    const region = this._region;
    if (region !== undefined) {
      this._region = undefined;
      (this as { data: TypedArray }).data = disposeRegion(this.data, region);
    } else (this as { data: TypedArray }).data = disposeData(this.data);
    this._arg = undefined; // else native calls would still reach a small tensor's slab
    this._base = undefined;
  }

  /**
   * The same as {@link Tensor.dispose}: what a `using` declaration calls at the end of its block.
   *
   * @example
   * ```ts
   * const a = randn([1000, 1000]);
   * let total = 0;
   * for (let i = 0; i < 100; i++) {
   *   using r = a.mul(2); // disposed at the end of each iteration: the next one reuses its memory
   *   total += r.sum();
   * }
   * ```
   */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * The elements printed like NumPy's `str()`.
   *
   * @example
   * ```ts
   * String(tensor([[1, 2], [3, 4.5]])); // '[[1.  2. ]\n [3.  4.5]]'
   * ```
   */
  toString(): string {
    assertAttached(this.data);
    return format(this);
  }

  /**
   * The `util.inspect` (and `console.log`) form, like NumPy's `repr()`:
   * `tensor([1., 2.])`, with `dtype=` when it is not float64.
   *
   * @example
   * ```ts
   * console.log(tensor([1, 2], { dtype: 'int32' })); // tensor([1, 2], dtype=int32)
   * ```
   */
  [inspectCustom](): string {
    assertAttached(this.data);
    const body = format(this, 'tensor(', ', ');
    return this.dtype === 'float64' ? `tensor(${body})` : `tensor(${body}, dtype=${this.dtype})`;
  }

  // ---- views ----

  /**
   * The same elements in a new shape (NumPy's `reshape`): a view when the strides allow it, otherwise
   * a copy. One dimension may be -1, inferred from the others.
   *
   * @param shape - The new dimensions, as separate numbers or one array.
   * @throws ShapeError if the number of elements differs.
   * @throws RangeError for a second -1 or a negative dimension.
   * @throws TypeError for a non-integer dimension.
   * @example
   * ```ts
   * arange(6).reshape(2, 3).shape;   // [2, 3]
   * arange(6).reshape([-1, 2]).shape; // [3, 2]
   * ```
   */
  reshape<S extends (number | readonly [] | readonly number[])[]>(...shape: S): Tensor<D, ReshapeRank<S>> {
    const spec = (shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : shape) as unknown[];
    const target = inferShape(spec, this.size, this.shape);
    const strides = reshapeStrides(this.shape, this.strides, target);
    if (strides) return Tensor._trusted(this.data, target, strides, this.offset) as never;
    const c = this.clone();
    return Tensor._handOver(Tensor._trusted(c.data, target, contiguousStrides(target), 0), c) as never;
  }

  /**
   * Permutes the axes (NumPy's `transpose`), a view; with no arguments the axes are reversed.
   *
   * @param axes - A permutation of the axes (negative ones count from the end), as separate numbers or one array.
   * @throws RangeError for the wrong number of axes or a repeated axis.
   * @example
   * ```ts
   * zeros([2, 3, 4]).transpose().shape;        // [4, 3, 2]
   * zeros([2, 3, 4]).transpose(1, 0, 2).shape; // [3, 2, 4]
   * ```
   */
  transpose(...axes: (number | readonly number[])[]): Tensor<D, R> {
    const list = (axes.length === 1 && Array.isArray(axes[0]) ? axes[0] : axes) as number[];
    const n = this.ndim;
    let perm: number[];
    if (list.length === 0) perm = Array.from({ length: n }, (_, i) => n - 1 - i);
    else {
      if (list.length !== n) throw new RangeError(`axes don't match tensor: expected ${n} axes, received ${list.length}`);
      perm = list.map((a) => normalizeAxis(a, n));
      if (new Set(perm).size !== n) throw new RangeError('repeated axis in transpose');
    }
    return Tensor._trusted(this.data, perm.map((p) => this.shape[p]), perm.map((p) => this.strides[p]), this.offset) as never;
  }

  /**
   * Swaps two axes (NumPy's `swapaxes`), a view.
   *
   * @throws RangeError if an axis is out of range.
   * @example
   * ```ts
   * zeros([2, 3, 4]).swapaxes(0, -1).shape; // [4, 3, 2]
   * ```
   */
  swapaxes(a: number, b: number): Tensor<D, R> {
    const perm = Array.from({ length: this.ndim }, (_, i) => i);
    const i = normalizeAxis(a, this.ndim);
    const j = normalizeAxis(b, this.ndim);
    [perm[i], perm[j]] = [perm[j], perm[i]];
    return this.transpose(perm);
  }

  /**
   * NumPy basic indexing, a view: an index drops the axis, `[start, stop, step]` slices it, null keeps
   * it whole; axes past the last spec are kept whole.
   *
   * @param specs - One {@link SliceSpec} per leading axis.
   * @throws RangeError for too many specs, an index out of range or a zero step.
   * @throws TypeError for a non-integer index or bound.
   * @example
   * ```ts
   * const a = arange(12).reshape(3, 4);
   * a.slice(0).toArray();                   // [0, 1, 2, 3]        (a[0])
   * a.slice(null, [1, 3]).shape;            // [3, 2]              (a[:, 1:3])
   * a.slice([null, null, -1], -1).toArray(); // [11, 7, 3]         (a[::-1, -1])
   * ```
   */
  slice<S extends SliceSpec[]>(...specs: S): Tensor<D, SliceRank<R, S>> {
    const ndim = this.shape.length;
    if (specs.length > ndim) throw new RangeError(`too many indices for a tensor of dimension ${ndim}`);
    // Sized up front, to the axes kept (an integer index drops its axis): growing the arrays by
    // push() was a third of a small view's cost, and trimming them after (length =) two thirds of
    // an indexed one's.
    let dropped = 0;
    for (let i = 0; i < specs.length; i++) if (typeof specs[i] === 'number') dropped++;
    const shape = new Array<number>(ndim - dropped);
    const strides = new Array<number>(ndim - dropped);
    let kept = 0;
    let offset = this.offset;
    for (let i = 0; i < ndim; i++) {
      const n = this.shape[i];
      const s = this.strides[i];
      const spec = i < specs.length ? specs[i] : null;
      if (spec === null || spec === undefined) {
        shape[kept] = n;
        strides[kept++] = s;
      } else if (typeof spec === 'number') {
        if (!Number.isInteger(spec)) throw new TypeError(`Expected an integer index but received ${describe(spec)}`);
        const k = spec < 0 ? spec + n : spec;
        if (k < 0 || k >= n) throw new RangeError(`index ${spec} is out of bounds for axis ${i} with size ${n}`);
        offset += k * s;
      } else if (Array.isArray(spec)) {
        const range = spec as readonly (number | null | undefined)[];
        const step = sliceStep(range[2]);
        const start = step > 0 ? sliceBound(range[0], 0, 0, n, n) : sliceBound(range[0], n - 1, -1, n - 1, n);
        const stop = step > 0 ? sliceBound(range[1], n, 0, n, n) : sliceBound(range[1], -1, -1, n - 1, n);
        const len = Math.max(0, Math.ceil((stop - start) / step));
        if (len > 0) offset += start * s;
        shape[kept] = len;
        strides[kept++] = s * step;
      } else {
        throw new TypeError(`Expected an index, [start, stop, step] or null for axis ${i} but received ${describe(spec)}`);
      }
    }
    return Tensor._trusted(this.data, shape, strides, offset) as never;
  }

  /**
   * Removes axes of length 1 (all of them, or only `axis`), a view (NumPy's `squeeze`).
   *
   * @throws RangeError if a given axis is out of range or not of length 1.
   * @example
   * ```ts
   * zeros([1, 3, 1]).squeeze().shape;  // [3]
   * zeros([1, 3, 1]).squeeze(0).shape; // [3, 1]
   * ```
   */
  squeeze<A extends number | readonly [] | readonly number[] | undefined = undefined>(axis?: A): Tensor<D, A extends number ? RankMinus<R, 1> : A extends readonly number[] ? RankMinus<R, A['length']> : number> {
    let drop: Set<number>;
    if (axis === undefined || axis === null) drop = new Set(this.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
    else {
      drop = new Set(normalizeAxes(axis, this.ndim));
      for (const a of drop) {
        if (this.shape[a] !== 1) throw new RangeError(`cannot select an axis to squeeze out which has size not equal to one (axis ${a})`);
      }
    }
    const keep = this.shape.map((_, i) => i).filter((i) => !drop.has(i));
    return Tensor._trusted(this.data, keep.map((i) => this.shape[i]), keep.map((i) => this.strides[i]), this.offset) as never;
  }

  /**
   * Inserts axes of length 1 at the given positions of the result (NumPy's `expand_dims`), a view.
   *
   * @throws RangeError if an axis is out of range or repeated.
   * @example
   * ```ts
   * zeros([3]).expandDims(0).shape;  // [1, 3]
   * zeros([3]).expandDims(-1).shape; // [3, 1]
   * ```
   */
  expandDims<A extends number | readonly [] | readonly number[]>(axis: A): Tensor<D, RankPlus<R, A extends readonly number[] ? A['length'] : 1>> {
    const list: readonly number[] = typeof axis === 'number' ? [axis] : axis;
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
    return Tensor._trusted(this.data, shape, strides, this.offset) as never;
  }

  /**
   * A view with shape `shape`, length-1 and missing leading axes stretched with stride 0
   * (NumPy's `broadcast_to`). Its elements alias each other: write to it with care.
   *
   * @throws ShapeError if the tensor cannot be broadcast to `shape`.
   * @example
   * ```ts
   * tensor([1, 2, 3]).broadcastTo([2, 3]).toArray(); // [[1, 2, 3], [1, 2, 3]]
   * ```
   */
  broadcastTo<S extends ShapeArg>(shape: S): Tensor<D, RankOfShape<S>> {
    const target = checkShape(shape);
    const b = broadcastShapes(this.shape, target);
    if (!shapesEqual(b, target) || target.length < this.ndim) {
      throw new ShapeError(`cannot broadcast a tensor of shape ${formatShape(this.shape)} to shape ${formatShape(target)}`);
    }
    return Tensor._trusted(this.data, target, broadcastStrides(this.shape, this.strides, target), this.offset) as never;
  }

  /**
   * The elements as a 1-D tensor in C order (NumPy's `ravel`): a view when possible, else a copy.
   *
   * @example
   * ```ts
   * arange(6).reshape(2, 3).ravel().shape; // [6]
   * ```
   */
  ravel(): Tensor<D, 1> {
    return this.reshape(-1);
  }

  /**
   * A 1-D copy of the elements in C order (NumPy's `flatten`).
   *
   * @example
   * ```ts
   * arange(4).reshape(2, 2).T.flatten().toArray(); // [0, 2, 1, 3]
   * ```
   */
  flatten(): Tensor<D, 1> {
    const c = this.clone();
    return Tensor._handOver(Tensor._trusted(c.data, [this.size], [1], 0), c) as never;
  }

  /**
   * The diagonal of the last two axes as a view (NumPy's `diagonal(a, offset, -2, -1)`); `offset` > 0
   * is above the main diagonal.
   *
   * @throws RangeError for fewer than two axes.
   * @throws TypeError for a non-integer offset.
   * @example
   * ```ts
   * arange(9).reshape(3, 3).diagonal().toArray();  // [0, 4, 8]
   * arange(9).reshape(3, 3).diagonal(1).toArray(); // [1, 5]
   * ```
   */
  diagonal(offset = 0): Tensor<D, RankMinus<R, 1>> {
    if (this.ndim < 2) throw new RangeError('diagonal requires a tensor of at least two dimensions');
    if (!Number.isInteger(offset)) throw new TypeError(`Expected an integer for offset but received ${describe(offset)}`);
    const nd = this.ndim;
    const [rows, cols] = [this.shape[nd - 2], this.shape[nd - 1]];
    const [rs, cs] = [this.strides[nd - 2], this.strides[nd - 1]];
    const len = Math.max(0, offset >= 0 ? Math.min(rows, cols - offset) : Math.min(rows + offset, cols));
    const start = len > 0 ? (offset >= 0 ? offset * cs : -offset * rs) : 0;
    return Tensor._trusted(this.data, [...this.shape.slice(0, -2), len], [...this.strides.slice(0, -2), rs + cs], this.offset + start) as never;
  }

  // ---- elementwise ----
  /**
   * `this + other`, elementwise with broadcasting; see {@link ew.add | add}.
   *
   * @example
   * ```ts
   * tensor([[1], [2]]).add(tensor([10, 20])).toArray(); // [[11, 21], [12, 22]]
   * ```
   */
  add<B extends Operand, P extends OutOption = {}>(other: B, opts?: P): OutResult<P, Tensor<ElementwiseDType<D, B>, MaxRank<R, RankOf<B>>>> {
    return ew.add(this, other, opts) as never;
  }
  /**
   * `this - other`, elementwise with broadcasting; see {@link ew.sub | sub}.
   *
   * @example
   * ```ts
   * tensor([5, 7]).sub(1).toArray(); // [4, 6]
   * ```
   */
  sub<B extends Operand, P extends OutOption = {}>(other: B, opts?: P): OutResult<P, Tensor<ElementwiseDType<D, B>, MaxRank<R, RankOf<B>>>> {
    return ew.sub(this, other, opts) as never;
  }
  /**
   * `this * other`, elementwise with broadcasting; see {@link ew.mul | mul}.
   *
   * @example
   * ```ts
   * tensor([1, 2]).mul(tensor([3, 4])).toArray(); // [3, 8]
   * ```
   */
  mul<B extends Operand, P extends OutOption = {}>(other: B, opts?: P): OutResult<P, Tensor<ElementwiseDType<D, B>, MaxRank<R, RankOf<B>>>> {
    return ew.mul(this, other, opts) as never;
  }
  /**
   * `this / other`, elementwise with broadcasting, always a float result; see {@link ew.div | div}.
   *
   * @example
   * ```ts
   * tensor([1, 2], { dtype: 'int32' }).div(2).toArray(); // [0.5, 1]
   * ```
   */
  div<B extends Operand, P extends OutOption = {}>(other: B, opts?: P): OutResult<P, Tensor<DivDType<D, B>, MaxRank<R, RankOf<B>>>> {
    return ew.div(this, other, opts) as never;
  }
  /**
   * `this ** other`, elementwise with broadcasting; see {@link ew.pow | pow}.
   *
   * @example
   * ```ts
   * tensor([2, 3]).pow(2).toArray(); // [4, 9]
   * ```
   */
  pow<B extends Operand, P extends OutOption = {}>(other: B, opts?: P): OutResult<P, Tensor<ElementwiseDType<D, B>, MaxRank<R, RankOf<B>>>> {
    return ew.pow(this, other, opts) as never;
  }
  /**
   * The larger of `this` and `other` elementwise (NaN wins); see {@link ew.maximum | maximum}.
   *
   * @example
   * ```ts
   * tensor([-1, 2]).maximum(0).toArray(); // [0, 2]
   * ```
   */
  maximum<B extends Operand, P extends OutOption = {}>(other: B, opts?: P): OutResult<P, Tensor<ElementwiseDType<D, B>, MaxRank<R, RankOf<B>>>> {
    return ew.maximum(this, other, opts) as never;
  }
  /**
   * The smaller of `this` and `other` elementwise (NaN wins); see {@link ew.minimum | minimum}.
   *
   * @example
   * ```ts
   * tensor([-1, 2]).minimum(0).toArray(); // [-1, 0]
   * ```
   */
  minimum<B extends Operand, P extends OutOption = {}>(other: B, opts?: P): OutResult<P, Tensor<ElementwiseDType<D, B>, MaxRank<R, RankOf<B>>>> {
    return ew.minimum(this, other, opts) as never;
  }
  /**
   * `-this`, elementwise; see {@link ew.neg | neg}.
   *
   * @example
   * ```ts
   * tensor([1, -2]).neg().toArray(); // [-1, 2]
   * ```
   */
  neg<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<D, R>> { return ew.neg(this, opts) as never; }
  /**
   * `|this|`, elementwise; see {@link ew.abs | abs}.
   *
   * @example
   * ```ts
   * tensor([-1, 2]).abs().toArray(); // [1, 2]
   * ```
   */
  abs<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<D, R>> { return ew.abs(this, opts) as never; }
  /**
   * `e ** this`, elementwise; see {@link ew.exp | exp}.
   *
   * @example
   * ```ts
   * tensor([0]).exp().toArray(); // [1]
   * ```
   */
  exp<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> { return ew.exp(this, opts) as never; }
  /**
   * Natural logarithm, elementwise; see {@link ew.log | log}.
   *
   * @example
   * ```ts
   * tensor([1, Math.E]).log().toArray(); // [0, 1]
   * ```
   */
  log<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> { return ew.log(this, opts) as never; }
  /**
   * Square root, elementwise; see {@link ew.sqrt | sqrt}.
   *
   * @example
   * ```ts
   * tensor([4, 9]).sqrt().toArray(); // [2, 3]
   * ```
   */
  sqrt<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> { return ew.sqrt(this, opts) as never; }
  /**
   * `this * this`, elementwise; see {@link ew.square | square}.
   *
   * @example
   * ```ts
   * tensor([-3, 2]).square().toArray(); // [9, 4]
   * ```
   */
  square<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<D, R>> { return ew.square(this, opts) as never; }
  /**
   * Sine (radians), elementwise; see {@link ew.sin | sin}.
   *
   * @example
   * ```ts
   * tensor([0]).sin().toArray(); // [0]
   * ```
   */
  sin<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> { return ew.sin(this, opts) as never; }
  /**
   * Cosine (radians), elementwise; see {@link ew.cos | cos}.
   *
   * @example
   * ```ts
   * tensor([0]).cos().toArray(); // [1]
   * ```
   */
  cos<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> { return ew.cos(this, opts) as never; }
  /**
   * Hyperbolic tangent, elementwise; see {@link ew.tanh | tanh}.
   *
   * @example
   * ```ts
   * tensor([0]).tanh().toArray(); // [0]
   * ```
   */
  tanh<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> { return ew.tanh(this, opts) as never; }
  /**
   * Logistic function `1 / (1 + e ** -this)`, elementwise; see {@link ew.sigmoid | sigmoid}.
   *
   * @example
   * ```ts
   * tensor([0]).sigmoid().toArray(); // [0.5]
   * ```
   */
  sigmoid<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> { return ew.sigmoid(this, opts) as never; }
  /**
   * `max(this, 0)`, elementwise; see {@link ew.relu | relu}.
   *
   * @example
   * ```ts
   * tensor([-1, 2]).relu().toArray(); // [0, 2]
   * ```
   */
  relu<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<D, R>> { return ew.relu(this, opts) as never; }
  /**
   * -1, 0 or 1 by the sign of each element (NaN stays NaN); see {@link ew.sign | sign}.
   *
   * @example
   * ```ts
   * tensor([-3, 0, 2]).sign().toArray(); // [-1, 0, 1]
   * ```
   */
  sign<P extends OutOption = {}>(opts?: P): OutResult<P, Tensor<D, R>> { return ew.sign(this, opts) as never; }
  /**
   * Limits each element to `[min, max]`; see {@link ew.clip | clip}.
   *
   * @example
   * ```ts
   * tensor([-2, 0.5, 3]).clip(0, 1).toArray(); // [0, 0.5, 1]
   * ```
   */
  clip<Lo extends number, Hi extends number, P extends OutOption = {}>(min: Lo, max: Hi, opts?: P): OutResult<P, Tensor<WithScalar<WithScalar<D, Lo>, Hi>, R>> {
    return ew.clip(this, min, max, opts) as never;
  }
  /**
   * Softmax along `axis` (the last by default); see {@link ew.softmax | softmax}.
   *
   * @example
   * ```ts
   * tensor([[0, 0], [1, 1]]).softmax().toArray(); // [[0.5, 0.5], [0.5, 0.5]]
   * ```
   */
  softmax(axis = -1): Tensor<FloatOf<D>, R> { return ew.softmax(this, axis) as never; }
  /**
   * `log(sum(exp(this)))` over `axis` (all axes when omitted), computed stably; see {@link ew.logSumExp | logSumExp}.
   *
   * @returns A number without `axis` (unless `keepdims`), else a Tensor.
   * @example
   * ```ts
   * tensor([1000, 1000]).logSumExp(); // 1000.6931471805599
   * ```
   */
  logSumExp<A extends Axis = undefined, K extends boolean = false>(axis?: A, keepdims?: K): Reduced<FloatOf<D>, R, A, K> {
    return ew.logSumExp(this, axis, keepdims) as never;
  }

  // ---- reductions ----
  /**
   * Sum over `axis` (all axes when omitted), NumPy's `sum`; see {@link red.sum | sum}.
   *
   * @returns A number when every axis is reduced (and not `keepdims`), else a Tensor.
   * @example
   * ```ts
   * const a = tensor([[1, 2], [3, 4]]);
   * a.sum();              // 10
   * a.sum(0).toArray();       // [4, 6]
   * a.sum(1, true).shape;     // [2, 1]
   * ```
   */
  sum<A extends Axis = undefined, K extends boolean = false>(axis?: A, keepdims?: K): Reduced<FloatOf<D>, R, A, K> {
    return red.sum(this, axis, keepdims) as never;
  }
  /**
   * Arithmetic mean over `axis` (all axes when omitted); see {@link red.mean | mean}.
   *
   * @returns A number when every axis is reduced (and not `keepdims`), else a Tensor.
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).mean(1).toArray(); // [1.5, 3.5]
   * ```
   */
  mean<A extends Axis = undefined, K extends boolean = false>(axis?: A, keepdims?: K): Reduced<FloatOf<D>, R, A, K> {
    return red.mean(this, axis, keepdims) as never;
  }
  /**
   * Product over `axis` (all axes when omitted); see {@link red.prod | prod}.
   *
   * @returns A number when every axis is reduced (and not `keepdims`), else a Tensor.
   * @example
   * ```ts
   * tensor([1, 2, 3, 4]).prod(); // 24
   * ```
   */
  prod<A extends Axis = undefined, K extends boolean = false>(axis?: A, keepdims?: K): Reduced<FloatOf<D>, R, A, K> {
    return red.prod(this, axis, keepdims) as never;
  }
  /**
   * Largest element over `axis` (all axes when omitted; NaN propagates); see {@link red.max | max}.
   *
   * @returns A number when every axis is reduced (and not `keepdims`), else a Tensor.
   * @throws RangeError when reducing an empty axis.
   * @example
   * ```ts
   * tensor([[1, 5], [3, 2]]).max(0).toArray(); // [3, 5]
   * ```
   */
  max<A extends Axis = undefined, K extends boolean = false>(axis?: A, keepdims?: K): Reduced<D, R, A, K> {
    return red.max(this, axis, keepdims) as never;
  }
  /**
   * Smallest element over `axis` (all axes when omitted; NaN propagates); see {@link red.min | min}.
   *
   * @returns A number when every axis is reduced (and not `keepdims`), else a Tensor.
   * @throws RangeError when reducing an empty axis.
   * @example
   * ```ts
   * tensor([[1, 5], [3, 2]]).min(); // 1
   * ```
   */
  min<A extends Axis = undefined, K extends boolean = false>(axis?: A, keepdims?: K): Reduced<D, R, A, K> {
    return red.min(this, axis, keepdims) as never;
  }
  /**
   * Standard deviation over `axis` (all axes when omitted), NumPy's `std`; `{ ddof }` as in NumPy
   * (0 by default, 1 for the sample estimate); see {@link red.std | std}.
   *
   * @returns A number when every axis is reduced (and not `keepdims`), else a Tensor.
   * @example
   * ```ts
   * tensor([1, 2, 3, 4]).std();                            // 1.118033988749895
   * tensor([1, 2, 3, 4]).std(undefined, false, { ddof: 1 }); // 1.2909944487358056
   * ```
   */
  std<A extends Axis = undefined, K extends boolean = false>(axis?: A, keepdims?: K, opts?: red.DdofOption): Reduced<FloatOf<D>, R, A, K> {
    return red.std(this, axis, keepdims, opts) as never;
  }
  /**
   * Variance over `axis` (all axes when omitted), NumPy's `var`, with `{ ddof }` as in {@link Tensor.std}.
   *
   * @returns A number when every axis is reduced (and not `keepdims`), else a Tensor.
   * @example
   * ```ts
   * tensor([1, 2, 3, 4]).var(); // 1.25
   * ```
   */
  var<A extends Axis = undefined, K extends boolean = false>(axis?: A, keepdims?: K, opts?: red.DdofOption): Reduced<FloatOf<D>, R, A, K> {
    return red.variance(this, axis, keepdims, opts) as never;
  }
  /**
   * Index of the first maximum along `axis`, or in the flattened tensor when `axis` is omitted
   * (NumPy's `argmax`); see {@link red.argmax | argmax}.
   *
   * @returns A number without `axis` (unless `keepdims`), else an int32 Tensor.
   * @throws RangeError for an empty tensor or axis.
   * @example
   * ```ts
   * const a = tensor([[1, 5], [7, 2]]);
   * a.argmax();            // 2
   * a.argmax(1).toArray(); // [1, 0]
   * ```
   */
  argmax<A extends number | null | undefined = undefined, K extends boolean = false>(axis?: A, keepdims?: K): Reduced<'int32', R, A, K> {
    return red.argmax(this, axis, keepdims) as never;
  }
  /**
   * Index of the first minimum along `axis`, or in the flattened tensor when `axis` is omitted
   * (NumPy's `argmin`); see {@link red.argmin | argmin}.
   *
   * @returns A number without `axis` (unless `keepdims`), else an int32 Tensor.
   * @throws RangeError for an empty tensor or axis.
   * @example
   * ```ts
   * tensor([[1, 5], [7, 0]]).argmin(0).toArray(); // [0, 1]
   * ```
   */
  argmin<A extends number | null | undefined = undefined, K extends boolean = false>(axis?: A, keepdims?: K): Reduced<'int32', R, A, K> {
    return red.argmin(this, axis, keepdims) as never;
  }

  // ---- products ----
  /**
   * NumPy's `dot` of this tensor and `other`; see {@link blas.dot | dot}.
   *
   * @example
   * ```ts
   * tensor([1, 2]).dot(tensor([3, 4])).item(); // 11
   * ```
   */
  dot<B extends Operand>(other: B): Tensor<ElementwiseDType<D, B>, DotRank<R, RankOf<B>>> { return blas.dot(this, other) as never; }
  /**
   * Matrix product `this @ other` (NumPy's `matmul`); see {@link blas.matmul | matmul}.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).matmul(tensor([1, 1])).toArray(); // [3, 7]
   * ```
   */
  matmul<B extends Tensor, P extends OutOption = {}>(other: B, opts?: P): OutResult<P, Tensor<Promote<D, DTypeOfTensor<B>>, MatmulRank<R, RankOf<B>>>> {
    return blas.matmul(this, other, opts) as never;
  }
  /**
   * Async twin of {@link Tensor.matmul}: same arguments, the product is computed off the JS thread
   * (on the libuv pool); returns a Promise. Do not mutate the operands until it settles.
   *
   * @example
   * ```ts
   * const c = await randn([500, 500]).matmulAsync(randn([500, 500]));
   * ```
   */
  matmulAsync<B extends Tensor, P extends OutOption = {}>(other: B, opts?: P): Promise<OutResult<P, Tensor<Promote<D, DTypeOfTensor<B>>, MatmulRank<R, RankOf<B>>>>> {
    return blas.matmulAsync(this, other, opts) as never;
  }
  /**
   * Vector or matrix norm, the same as {@link linalg.norm} with this tensor first.
   *
   * @example
   * ```ts
   * tensor([3, 4]).norm();                   // 5
   * tensor([[1, 2], [3, 4]]).norm(1);        // 6
   * tensor([[3, 4], [6, 8]]).norm(2, 1).toArray(); // [5, 10]
   * ```
   */
  norm<A extends number | readonly [number, number] | null | undefined = undefined, K extends boolean = false>(
    ord?: blas.NormOrd, axis?: A, keepdims?: K,
  ): Reduced<FloatOf<D>, R, A, K> {
    return blas.norm(this, ord, axis, keepdims) as never;
  }
}

/**
 * TypeError when `data`'s buffer is detached (transferred to a worker or by ArrayBuffer#transfer):
 * reads of a detached typed array give undefined and writes vanish, so nothing may touch it. Only
 * a zero-length array can be detached, so the common case costs one length read.
 */
export function assertAttached(data: TypedArray): void {
  // length, not byteLength: both read 0 once detached, but byteLength on a typed array of any of
  // three kinds costs V8 ~14 ns where length costs ~3 (a third of a view's cost, as every view checks).
  if (data.length !== 0) return;
  if (isDetached(data)) {
    throw new TypeError('Cannot use a tensor whose buffer is detached (transferred to a worker or by ArrayBuffer#transfer)');
  }
}

/** The public constructor's checks: a typed array of a supported dtype, attached, and a layout that stays inside it. */
function checkedLayout(data: unknown, shape: readonly number[], strides: readonly number[] | undefined, offset: number | undefined): {
  shape: number[]; strides: readonly number[]; offset: number;
} {
  if (dtypeOfArray(data) === undefined) throw new TypeError(`Expected a Float64Array, Float32Array or Int32Array but received ${describe(data)}`);
  const array = data as TypedArray;
  assertAttached(array);
  const shp = checkShape(shape);
  const str = strides === undefined ? contiguousStrides(shp) : checkStrides(strides, shp.length);
  const off = offset ?? 0;
  if (!Number.isInteger(off) || off < 0) throw new RangeError(`Expected a non-negative integer for offset but received ${describe(offset)}`);
  checkReach(array.length, shp, str, off);
  return { shape: shp, strides: str, offset: off };
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
  const [lo, hi] = extentOf(shape, strides, offset);
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

/** A slice's step: a non-zero integer, 1 when omitted. */
function sliceStep(step: number | null | undefined): number {
  if (step === undefined || step === null) return 1;
  if (!Number.isInteger(step) || step === 0) throw new RangeError(`slice step must be a non-zero integer, received ${describe(step)}`);
  return step;
}

/** A slice bound as Python normalises it: `dflt` when omitted, negative counted from `n`, clamped to [lo, hi]. */
function sliceBound(v: number | null | undefined, dflt: number, lo: number, hi: number, n: number): number {
  if (v === undefined || v === null) return dflt;
  if (!Number.isInteger(v)) throw new TypeError(`Expected an integer slice bound but received ${describe(v)}`);
  const k = v < 0 ? v + n : v;
  return k < lo ? lo : k > hi ? hi : k;
}

// Tensor#[Symbol.dispose] needs SymbolConstructor.dispose in the published types. @types/node and
// TypeScript's lib "esnext.disposable" both declare it (Node 20.19+ has it at run time); declared
// here too, identically, so that a project with neither still compiles against these types.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
