// Reductions over any set of axes. The reduced axes are handed to C++ last (a permutation of the
// strides, no copy); C++ accumulates in double with pairwise summation.
import { floatOf, type DType } from './dtype.js';
import { describe } from './errors.js';
import { argOf, baseOfTensor, DTYPE_CODE, META, native } from './native.js';
import { contiguousStrides, normalizeAxes, normalizeAxis } from './shape.js';
import { assertAttached, Tensor, type Axis } from './tensor.js';
import type { TypedArray } from './dtype.js';
import type { FloatOf, Reduced } from './typing.js';

export type { Axis };
/** Options of {@link std} and {@link variance | var}. */
export interface DdofOption {
  /** Delta degrees of freedom: the divisor is `N - ddof` (0 by default; 1 for the unbiased sample variance). */
  ddof?: number | undefined;
}

const OPS = { sum: 0, prod: 1, max: 2, min: 3, mean: 4, var: 5, std: 6, argmax: 7, argmin: 8, norm2: 9 } as const;
type ReduceName = keyof typeof OPS;

function resultDType(name: ReduceName, d: DType): DType {
  switch (name) {
    case 'max':
    case 'min':
      return d;
    case 'argmax':
    case 'argmin':
      return 'int32';
    default:
      return floatOf(d); // int32 sums/products/means are float64 (there is no int64)
  }
}

// Up to this many elements, a whole-tensor sum or mean of contiguous data is added up here, in the
// order native/reduce.cc's PairwiseSum uses (a plain loop below 8, else 8 accumulators combined
// pairwise), so the result is the same double; crossing into C++ would cost more than the loop.
const JS_MAX_ELEMENTS = 128;

function smallSum(d: TypedArray, o: number, n: number): number {
  if (n < 8) {
    let r = 0;
    for (let i = 0; i < n; i++) r += d[o + i];
    return r;
  }
  let r0 = d[o], r1 = d[o + 1], r2 = d[o + 2], r3 = d[o + 3], r4 = d[o + 4], r5 = d[o + 5], r6 = d[o + 6], r7 = d[o + 7];
  let i = 8;
  for (; i + 8 <= n; i += 8) {
    r0 += d[o + i]; r1 += d[o + i + 1]; r2 += d[o + i + 2]; r3 += d[o + i + 3];
    r4 += d[o + i + 4]; r5 += d[o + i + 5]; r6 += d[o + i + 6]; r7 += d[o + i + 7];
  }
  let r = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
  for (; i < n; i++) r += d[o + i];
  return r;
}

function reduce(name: ReduceName, a: Tensor, axis: Axis, keepdims: boolean, ddof = 0): Tensor | number {
  if (!(a instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${name} but received ${describe(a)}`);
  if (typeof keepdims !== 'boolean') throw new TypeError(`Expected a boolean for keepdims but received ${describe(keepdims)}`);
  if ((name === 'sum' || name === 'mean') && (axis === undefined || axis === null) && !keepdims && a.size <= JS_MAX_ELEMENTS && a.size > 0 && a.isContiguous) {
    assertAttached(a.data);
    const total = 0 + smallSum(a.data, a.offset, a.size); // 0 + : the native accumulator starts at +0
    const r = name === 'sum' ? total : total / a.size;
    return a.dtype === 'float32' ? Math.fround(r) : r; // a float32 result is stored as float32
  }
  const nd = a.ndim;
  const axes = normalizeAxes(axis, nd);
  const reduced = new Array<boolean>(nd).fill(false);
  for (const ax of axes) reduced[ax] = true;
  const keepShape: number[] = [];
  const keepStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  for (let i = 0; i < nd; i++) {
    if (reduced[i]) {
      redShape.push(a.shape[i]);
      redStrides.push(a.strides[i]);
    } else {
      keepShape.push(a.shape[i]);
      keepStrides.push(a.strides[i]);
    }
  }
  let redSize = 1;
  for (const d of redShape) redSize *= d;
  if (redSize === 0 && (name === 'max' || name === 'min' || name === 'argmax' || name === 'argmin')) {
    if (keepShape.every((d) => d > 0)) throw new RangeError(`zero-size array to reduction operation ${name} which has no identity`);
  }
  const dtype = resultDType(name, a.dtype);
  const out = Tensor._output(keepShape, dtype);
  let p = 0;
  META[p++] = DTYPE_CODE[a.dtype];
  META[p++] = DTYPE_CODE[dtype];
  META[p++] = keepShape.length;
  for (const d of keepShape) META[p++] = d;
  META[p++] = redShape.length;
  for (const d of redShape) META[p++] = d;
  const argA = argOf(a), argOut = argOf(out);
  META[p++] = a.offset + baseOfTensor(a);
  for (const s of keepStrides) META[p++] = s;
  for (const s of redStrides) META[p++] = s;
  META[p++] = baseOfTensor(out);
  for (const s of out.strides) META[p++] = s;
  native.reduce(OPS[name], argA, argOut, ddof);
  if (keepdims) {
    const shape = a.shape.map((d, i) => (reduced[i] ? 1 : d));
    return Tensor._handOver(Tensor._trusted(out.data, shape, contiguousStrides(shape), 0), out);
  }
  // No axis, or every axis: a plain number, as the contract says.
  if (keepShape.length === 0) {
    const value = out.data[0];
    Tensor._release(out);
    return value;
  }
  return out;
}

function checkDdof(opts: DdofOption | undefined): number {
  const ddof = opts?.ddof ?? 0;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) throw new TypeError(`Expected a number for ddof but received ${describe(ddof)}`);
  return ddof;
}

function singleAxis(axis: number | undefined | null, nd: number): Axis {
  if (axis === undefined || axis === null) return axis;
  return normalizeAxis(axis, nd);
}

/**
 * Sum over `axis` (all axes when omitted), as numpy.sum; pairwise summation in double. int32 input
 * gives float64 (there is no int64).
 *
 * @param keepdims - Keep reduced axes as length 1 (so the result broadcasts against `a`).
 * @returns A number when every axis is reduced (and `keepdims` is false), else a Tensor.
 * @throws RangeError if an axis is out of range or repeated.
 * @throws TypeError if `a` is not a Tensor.
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4]]);
 * sum(a);                   // 10
 * sum(a, 0).toArray();      // [4, 6]
 * sum(a, [0, 1], true).shape; // [1, 1]
 * ```
 */
export function sum<D extends DType, R extends number, A extends Axis = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K,
): Reduced<FloatOf<D>, R, A, K> {
  return reduce('sum', a, axis, keepdims) as never;
}
/**
 * Product over `axis` (all axes when omitted), as numpy.prod; int32 input gives float64.
 *
 * @param keepdims - Keep reduced axes as length 1.
 * @returns A number when every axis is reduced (and `keepdims` is false), else a Tensor.
 * @throws RangeError if an axis is out of range or repeated.
 * @throws TypeError if `a` is not a Tensor.
 * @example
 * ```ts
 * prod(tensor([[1, 2], [3, 4]]), 1).toArray(); // [2, 12]
 * ```
 */
export function prod<D extends DType, R extends number, A extends Axis = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K,
): Reduced<FloatOf<D>, R, A, K> {
  return reduce('prod', a, axis, keepdims) as never;
}
/**
 * Arithmetic mean over `axis` (all axes when omitted), as numpy.mean; int32 input gives float64,
 * float32 stays float32 (accumulated in double).
 *
 * @param keepdims - Keep reduced axes as length 1.
 * @returns A number when every axis is reduced (and `keepdims` is false), else a Tensor.
 * @throws RangeError if an axis is out of range or repeated.
 * @throws TypeError if `a` is not a Tensor.
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 0).toArray(); // [2, 3]
 * ```
 */
export function mean<D extends DType, R extends number, A extends Axis = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K,
): Reduced<FloatOf<D>, R, A, K> {
  return reduce('mean', a, axis, keepdims) as never;
}
/**
 * Largest element over `axis` (all axes when omitted), as numpy.max; NaN propagates, the dtype is kept.
 *
 * @param keepdims - Keep reduced axes as length 1.
 * @returns A number when every axis is reduced (and `keepdims` is false), else a Tensor.
 * @throws RangeError when reducing an empty axis, or an axis is out of range or repeated.
 * @example
 * ```ts
 * max(tensor([[1, 5], [3, 2]]));             // 5
 * max(tensor([[1, 5], [3, 2]]), 1).toArray(); // [5, 3]
 * ```
 */
export function max<D extends DType, R extends number, A extends Axis = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K,
): Reduced<D, R, A, K> {
  return reduce('max', a, axis, keepdims) as never;
}
/**
 * Smallest element over `axis` (all axes when omitted), as numpy.min; NaN propagates, the dtype is kept.
 *
 * @param keepdims - Keep reduced axes as length 1.
 * @returns A number when every axis is reduced (and `keepdims` is false), else a Tensor.
 * @throws RangeError when reducing an empty axis, or an axis is out of range or repeated.
 * @example
 * ```ts
 * min(tensor([[1, 5], [3, 2]]), 0).toArray(); // [1, 2]
 * ```
 */
export function min<D extends DType, R extends number, A extends Axis = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K,
): Reduced<D, R, A, K> {
  return reduce('min', a, axis, keepdims) as never;
}
/**
 * Variance over `axis` (all axes when omitted), as numpy.var: `sum((a - mean)^2) / (N - ddof)`.
 * Exported from the package as `var`; import it under another name, since `var` is a reserved word.
 *
 * @param keepdims - Keep reduced axes as length 1.
 * @param opts - `{ ddof }`, 0 by default.
 * @returns A number when every axis is reduced (and `keepdims` is false), else a Tensor.
 * @throws RangeError if an axis is out of range or repeated.
 * @throws TypeError if `a` is not a Tensor.
 * @example
 * ```ts
 * import { var as variance } from 'tensorblas';
 * variance(tensor([1, 2, 3, 4]));                          // 1.25
 * variance(tensor([1, 2, 3, 4]), undefined, false, { ddof: 1 }); // 1.6666666666666667
 * ```
 */
export function variance<D extends DType, R extends number, A extends Axis = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K, opts?: DdofOption,
): Reduced<FloatOf<D>, R, A, K> {
  return reduce('var', a, axis, keepdims, checkDdof(opts)) as never;
}
/**
 * Standard deviation over `axis` (all axes when omitted), as numpy.std: the square root of
 * {@link variance | var} with the same `{ ddof }`.
 *
 * @param keepdims - Keep reduced axes as length 1.
 * @param opts - `{ ddof }`, 0 by default.
 * @returns A number when every axis is reduced (and `keepdims` is false), else a Tensor.
 * @throws RangeError if an axis is out of range or repeated.
 * @throws TypeError if `a` is not a Tensor.
 * @example
 * ```ts
 * std(tensor([[1, 3], [5, 9]]), 1).toArray(); // [1, 2]
 * ```
 */
export function std<D extends DType, R extends number, A extends Axis = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K, opts?: DdofOption,
): Reduced<FloatOf<D>, R, A, K> {
  return reduce('std', a, axis, keepdims, checkDdof(opts)) as never;
}
/**
 * Index of the first maximum along `axis`, or in the flattened tensor when `axis` is omitted
 * (numpy.argmax); NaN counts as the maximum.
 *
 * @param keepdims - Keep the reduced axis as length 1.
 * @returns A number without `axis` (and `keepdims` false), else an int32 Tensor.
 * @throws RangeError for an empty tensor or axis, or an axis out of range.
 * @example
 * ```ts
 * argmax(tensor([[1, 5], [7, 2]]));             // 2
 * argmax(tensor([[1, 5], [7, 2]]), 0).toArray(); // [1, 0]
 * ```
 */
export function argmax<D extends DType, R extends number, A extends number | null | undefined = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K,
): Reduced<'int32', R, A, K> {
  return reduce('argmax', a, singleAxis(axis, a.ndim), keepdims) as never;
}
/**
 * Index of the first minimum along `axis`, or in the flattened tensor when `axis` is omitted
 * (numpy.argmin); NaN counts as the minimum.
 *
 * @param keepdims - Keep the reduced axis as length 1.
 * @returns A number without `axis` (and `keepdims` false), else an int32 Tensor.
 * @throws RangeError for an empty tensor or axis, or an axis out of range.
 * @example
 * ```ts
 * argmin(tensor([3, 1, 1])); // 1
 * ```
 */
export function argmin<D extends DType, R extends number, A extends number | null | undefined = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K,
): Reduced<'int32', R, A, K> {
  return reduce('argmin', a, singleAxis(axis, a.ndim), keepdims) as never;
}

/** @internal sqrt of the sum of squares over `axis` (linalg.norm's 2-norm along axes), in one native pass without a squared temporary. */
export function norm2(a: Tensor, axis: Axis, keepdims: boolean): Tensor | number {
  return reduce('norm2', a, axis, keepdims);
}
