// Elementwise operations with NumPy broadcasting and promotion. JS decides shapes and dtypes and
// allocates the output; C++ (native/elementwise.cc) runs the strided loops.
import { canCast, floatOf, promote, promoteScalar, type DType } from './dtype.js';
import { describe, formatShape, ShapeError } from './errors.js';
import { META, native } from './native.js';
import { broadcastShapes, broadcastStrides, shapesEqual } from './shape.js';
import { Tensor, type OutOption } from './tensor.js';
import * as red from './reduce.js';

const BINARY = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6 } as const;
const UNARY = {
  copy: 0, neg: 1, abs: 2, exp: 3, log: 4, sqrt: 5, square: 6, sin: 7, cos: 8, tanh: 9, sigmoid: 10, relu: 11, sign: 12, clip: 13,
} as const;
type BinaryName = keyof typeof BINARY;
type UnaryName = keyof typeof UNARY;

// Unary ops whose result is a float even for int32 input.
const FLOAT_RESULT = new Set<UnaryName>(['exp', 'log', 'sqrt', 'sin', 'cos', 'tanh', 'sigmoid']);

// A weak JS-number operand: one element, stride 0 on every axis.
const SCALAR = new Float64Array(1);
const NO_DIMS: number[] = [];

/** Writes [offset, strides broadcast to `shape`...] at META[pos]; returns the next position. */
function writeLayout(pos: number, shape: readonly number[], t: Tensor | null, target: readonly number[]): number {
  if (t === null) {
    META[pos++] = 0;
    for (let i = 0; i < target.length; i++) META[pos++] = 0;
    return pos;
  }
  META[pos++] = t.offset;
  const strides = shapesEqual(t.shape, target) ? t.strides : broadcastStrides(shape, t.strides, target);
  for (let i = 0; i < target.length; i++) META[pos++] = strides[i];
  return pos;
}

function writeShape(shape: readonly number[]): number {
  META[0] = shape.length;
  for (let i = 0; i < shape.length; i++) META[1 + i] = shape[i];
  return 1 + shape.length;
}

/** The caller's `out`, checked against the result, or a fresh tensor. */
export function prepareOut(opts: OutOption | undefined, shape: readonly number[], dtype: DType, op: string): Tensor {
  const out = opts?.out;
  if (out === undefined) return Tensor._output(shape, dtype);
  if (!(out instanceof Tensor)) throw new TypeError(`Expected a Tensor for out but received ${describe(out)}`);
  if (!shapesEqual(out.shape, shape)) {
    throw new ShapeError(`${op}: out has shape ${formatShape(out.shape)} but the result has shape ${formatShape(shape)}`);
  }
  if (!canCast(dtype, out.dtype)) throw new TypeError(`${op}: cannot cast the ${dtype} result to out's dtype ${out.dtype}`);
  return out;
}

function binary(name: BinaryName, x: Tensor | number, y: Tensor | number, opts?: OutOption): Tensor {
  let a: Tensor | null = null;
  let b: Tensor | null = null;
  let dtype: DType;
  if (x instanceof Tensor) {
    a = x;
    if (y instanceof Tensor) {
      b = y;
      dtype = promote(a.dtype, b.dtype);
    } else if (typeof y === 'number') {
      dtype = promoteScalar(a.dtype, y);
      SCALAR[0] = y;
    } else throw new TypeError(`Expected a Tensor or a number for the second operand of ${name} but received ${describe(y)}`);
  } else if (typeof x === 'number') {
    SCALAR[0] = x;
    if (y instanceof Tensor) {
      b = y;
      dtype = promoteScalar(b.dtype, x);
    } else if (typeof y === 'number') {
      // number op number: a 0-d float64 result, computed by the same loops.
      b = Tensor._trusted(new Float64Array([y]), NO_DIMS, NO_DIMS, 0);
      dtype = 'float64';
    } else throw new TypeError(`Expected a Tensor or a number for the second operand of ${name} but received ${describe(y)}`);
  } else {
    throw new TypeError(`Expected a Tensor or a number for the first operand of ${name} but received ${describe(x)}`);
  }
  if (name === 'div') dtype = floatOf(dtype);
  if (name === 'pow' && dtype === 'int32' && b === null && SCALAR[0] < 0) {
    throw new RangeError('Integers to negative integer powers are not allowed.');
  }
  const shapeA = a ? a.shape : NO_DIMS;
  const shapeB = b ? b.shape : NO_DIMS;
  const shape = a && b ? broadcastShapes(shapeA, shapeB) : (a ?? b)!.shape;
  const out = prepareOut(opts, shape, dtype, name);
  let pos = writeShape(shape);
  pos = writeLayout(pos, shapeA, a, shape);
  pos = writeLayout(pos, shapeB, b, shape);
  writeLayout(pos, shape, out, shape);
  native.binary(BINARY[name], a ? a.data : SCALAR, b ? b.data : SCALAR, out.data, opts?.out === undefined);
  return out;
}

function unary(name: UnaryName, x: Tensor, opts?: OutOption, lo = 0, hi = 0, dtypeOverride?: DType): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${name} but received ${describe(x)}`);
  const dtype = dtypeOverride ?? (FLOAT_RESULT.has(name) ? floatOf(x.dtype) : x.dtype);
  const out = prepareOut(opts, x.shape, dtype, name);
  unaryInto(name, x, out, lo, hi);
  return out;
}

function unaryInto(name: UnaryName, x: Tensor, out: Tensor, lo = 0, hi = 0): void {
  let pos = writeShape(out.shape);
  pos = writeLayout(pos, x.shape, x, out.shape);
  writeLayout(pos, out.shape, out, out.shape);
  native.unary(UNARY[name], x.data, out.data, lo, hi);
}

/** Copies (and casts) `src`, broadcast to `dst`'s shape, into `dst`. */
export function copyInto(src: Tensor, dst: Tensor): void {
  broadcastShapes(src.shape, dst.shape);
  unaryInto('copy', src, dst);
}

type Operand = Tensor | number;
export const add = (a: Operand, b: Operand, opts?: OutOption): Tensor => binary('add', a, b, opts);
export const sub = (a: Operand, b: Operand, opts?: OutOption): Tensor => binary('sub', a, b, opts);
export const mul = (a: Operand, b: Operand, opts?: OutOption): Tensor => binary('mul', a, b, opts);
export const div = (a: Operand, b: Operand, opts?: OutOption): Tensor => binary('div', a, b, opts);
export const pow = (a: Operand, b: Operand, opts?: OutOption): Tensor => binary('pow', a, b, opts);
export const maximum = (a: Operand, b: Operand, opts?: OutOption): Tensor => binary('maximum', a, b, opts);
export const minimum = (a: Operand, b: Operand, opts?: OutOption): Tensor => binary('minimum', a, b, opts);

export const neg = (a: Tensor, opts?: OutOption): Tensor => unary('neg', a, opts);
export const abs = (a: Tensor, opts?: OutOption): Tensor => unary('abs', a, opts);
export const exp = (a: Tensor, opts?: OutOption): Tensor => unary('exp', a, opts);
export const log = (a: Tensor, opts?: OutOption): Tensor => unary('log', a, opts);
export const sqrt = (a: Tensor, opts?: OutOption): Tensor => unary('sqrt', a, opts);
export const square = (a: Tensor, opts?: OutOption): Tensor => unary('square', a, opts);
export const sin = (a: Tensor, opts?: OutOption): Tensor => unary('sin', a, opts);
export const cos = (a: Tensor, opts?: OutOption): Tensor => unary('cos', a, opts);
export const tanh = (a: Tensor, opts?: OutOption): Tensor => unary('tanh', a, opts);
export const sigmoid = (a: Tensor, opts?: OutOption): Tensor => unary('sigmoid', a, opts);
export const relu = (a: Tensor, opts?: OutOption): Tensor => unary('relu', a, opts);
export const sign = (a: Tensor, opts?: OutOption): Tensor => unary('sign', a, opts);

export function clip(a: Tensor, min: number, max: number, opts?: OutOption): Tensor {
  if (typeof min !== 'number' || typeof max !== 'number') {
    throw new TypeError(`Expected numbers for clip bounds but received ${describe(min)} and ${describe(max)}`);
  }
  if (a.dtype !== 'int32') return unary('clip', a, opts, min, max);
  // Fractional or infinite bounds promote int32 like any weak scalar; integer bounds are clamped
  // to int32's range so the native cast stays exact.
  if (!Number.isInteger(min) || !Number.isInteger(max)) return unary('clip', a, opts, min, max, 'float64');
  const clamp = (v: number): number => Math.min(2147483647, Math.max(-2147483648, v));
  return unary('clip', a, opts, clamp(min), clamp(max));
}

/** softmax along an axis, shifted by the max so exp never overflows. */
export function softmax(a: Tensor, axis = -1): Tensor {
  const m = red.max(a, axis, true) as Tensor;
  const e = exp(sub(a, m));
  const s = red.sum(e, axis, true) as Tensor;
  return div(e, s, { out: e });
}

/** log(sum(exp(a))) along axes, stable for large values (SciPy's logsumexp). */
export function logSumExp(a: Tensor, axis?: number | number[], keepdims = false): Tensor | number {
  const m = red.max(a, axis, true) as Tensor;
  const finite = m.data.map((v) => (Number.isFinite(v) ? v : 0));
  const shift = Tensor._trusted(finite, m.shape, m.strides, m.offset);
  const s = red.sum(exp(sub(a, shift)), axis, true) as Tensor;
  const r = add(log(s), shift);
  if (keepdims) return r;
  return axis === undefined ? r.item() : r.squeeze(axis);
}
