// Reductions over any set of axes. The reduced axes are handed to C++ last (a permutation of the
// strides, no copy); C++ accumulates in double with pairwise summation.
import { floatOf, type DType } from './dtype.js';
import { describe } from './errors.js';
import { META, native } from './native.js';
import { contiguousStrides, normalizeAxes, normalizeAxis } from './shape.js';
import { Tensor } from './tensor.js';

export type Axis = number | number[] | undefined | null;
export interface DdofOption {
  ddof?: number;
}

const OPS = { sum: 0, prod: 1, max: 2, min: 3, mean: 4, var: 5, std: 6, argmax: 7, argmin: 8 } as const;
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

function reduce(name: ReduceName, a: Tensor, axis: Axis, keepdims: boolean, ddof = 0): Tensor | number {
  if (!(a instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${name} but received ${describe(a)}`);
  if (typeof keepdims !== 'boolean') throw new TypeError(`Expected a boolean for keepdims but received ${describe(keepdims)}`);
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
  META[p++] = keepShape.length;
  for (const d of keepShape) META[p++] = d;
  META[p++] = redShape.length;
  for (const d of redShape) META[p++] = d;
  META[p++] = a.offset;
  for (const s of keepStrides) META[p++] = s;
  for (const s of redStrides) META[p++] = s;
  META[p++] = 0;
  for (const s of out.strides) META[p++] = s;
  native.reduce(OPS[name], a.data, out.data, ddof);
  if (keepdims) {
    const shape = a.shape.map((d, i) => (reduced[i] ? 1 : d));
    return Tensor._trusted(out.data, shape, contiguousStrides(shape), 0);
  }
  // No axis, or every axis: a plain number, as the contract says.
  if (keepShape.length === 0) return out.data[0];
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

export const sum = (a: Tensor, axis?: Axis, keepdims = false): Tensor | number => reduce('sum', a, axis, keepdims);
export const prod = (a: Tensor, axis?: Axis, keepdims = false): Tensor | number => reduce('prod', a, axis, keepdims);
export const mean = (a: Tensor, axis?: Axis, keepdims = false): Tensor | number => reduce('mean', a, axis, keepdims);
export const max = (a: Tensor, axis?: Axis, keepdims = false): Tensor | number => reduce('max', a, axis, keepdims);
export const min = (a: Tensor, axis?: Axis, keepdims = false): Tensor | number => reduce('min', a, axis, keepdims);
export const variance = (a: Tensor, axis?: Axis, keepdims = false, opts?: DdofOption): Tensor | number =>
  reduce('var', a, axis, keepdims, checkDdof(opts));
export const std = (a: Tensor, axis?: Axis, keepdims = false, opts?: DdofOption): Tensor | number =>
  reduce('std', a, axis, keepdims, checkDdof(opts));
/** Index of the first maximum; over the flattened tensor when axis is omitted (NumPy's argmax). */
export const argmax = (a: Tensor, axis?: number, keepdims = false): Tensor | number =>
  reduce('argmax', a, singleAxis(axis, a.ndim), keepdims);
export const argmin = (a: Tensor, axis?: number, keepdims = false): Tensor | number =>
  reduce('argmin', a, singleAxis(axis, a.ndim), keepdims);
