// Elementwise operations with NumPy broadcasting and promotion. JS decides shapes and dtypes and
// allocates the output; C++ (native/elementwise.cc) runs the strided loops.
import { canCast, floatOf, promote, promoteScalar, type DType, type TypedArray } from './dtype.js';
import { describe, formatShape, ShapeError } from './errors.js';
import { argOf, baseOfTensor, bufferOf, DTYPE_CODE, META, native } from './native.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, shapesEqual } from './shape.js';
import { allocate, isRecycled } from './alloc.js';
import { assertAttached, Tensor, type Axis, type OutOption } from './tensor.js';
import type { BinaryDType, FloatOf, MaxRank, Operand, OutResult, RankOf, Reduced, WithScalar } from './typing.js';
import * as red from './reduce.js';
import { selfOverlaps, writesDirectly } from './out.js';

const BINARY = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6 } as const;
const UNARY = {
  copy: 0, neg: 1, abs: 2, exp: 3, log: 4, sqrt: 5, square: 6, sin: 7, cos: 8, tanh: 9, sigmoid: 10, relu: 11, sign: 12, clip: 13,
} as const;
type BinaryName = keyof typeof BINARY;
type UnaryName = keyof typeof UNARY;

// Unary ops whose result is a float even for int32 input.
const FLOAT_RESULT: Readonly<Record<UnaryName, boolean>> = {
  copy: false, neg: false, abs: false, exp: true, log: true, sqrt: true, square: false, sin: true, cos: true, tanh: true, sigmoid: true,
  relu: false, sign: false, clip: false,
};

// A weak JS-number operand: one element, stride 0 on every axis; its own buffer, from byte 0.
const SCALAR = new Float64Array(1);
const SCALAR_ARG = bufferOf(SCALAR);
const NO_DIMS: number[] = [];

/** Writes [offset, strides broadcast to `shape`...] at META[pos]; returns the next position. */
function writeLayout(pos: number, shape: readonly number[], t: Tensor | null, target: readonly number[]): number {
  if (t === null) {
    META[pos++] = 0; // the weak scalar (SCALAR_ARG's first element), broadcast
    for (let i = 0; i < target.length; i++) META[pos++] = 0;
    return pos;
  }
  META[pos++] = t.offset + baseOfTensor(t);
  const strides = t.shape === target || shapesEqual(t.shape, target) ? t.strides : broadcastStrides(shape, t.strides, target);
  for (let i = 0; i < target.length; i++) META[pos++] = strides[i];
  return pos;
}

/** Writes [ndim, shape...] at META[pos]; returns the next position. */
function writeShape(pos: number, shape: readonly number[]): number {
  META[pos++] = shape.length;
  for (let i = 0; i < shape.length; i++) META[pos++] = shape[i];
  return pos;
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
  // A broadcast or sliding-window out would take several results in one element (NumPy refuses
  // such views as read-only).
  if (!out.isContiguous && selfOverlaps(out)) {
    throw new RangeError(`${op}: out reaches some elements more than once (a broadcast or overlapping view)`);
  }
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
  if (opts?.out === undefined && name !== 'pow') {
    const small = smallBinary(name, a, b, SCALAR[0], dtype);
    if (small !== null) return small;
  }
  const shapeA = a ? a.shape : NO_DIMS;
  const shapeB = b ? b.shape : NO_DIMS;
  const shape = a && b ? broadcastShapes(shapeA, shapeB) : (a ?? b)!.shape;
  const target = prepareOut(opts, shape, dtype, name);
  const out = opts?.out === undefined || writesDirectly(target, [a, b], ELEMENTWISE_AS[dtype]) ? target : Tensor._output(shape, dtype);
  // The caller's out itself (not a temporary: no overlap, the result's dtype): small ones in JS too.
  if (opts?.out !== undefined && out === target && name !== 'pow') {
    const small = smallBinary(name, a, b, SCALAR[0], dtype, out);
    if (small !== null) return small;
  }
  META[0] = DTYPE_CODE[a ? a.dtype : 'float64'];
  META[1] = DTYPE_CODE[b ? b.dtype : 'float64'];
  META[2] = DTYPE_CODE[out.dtype];
  const argA = a ? argOf(a) : SCALAR_ARG, argB = b ? argOf(b) : SCALAR_ARG, argOut = argOf(out);
  let pos = writeShape(3, shape);
  pos = writeLayout(pos, shapeA, a, shape);
  pos = writeLayout(pos, shapeB, b, shape);
  writeLayout(pos, shape, out, shape);
  // Fresh output memory is written with cache-bypassing stores (native does so from 2 MiB on);
  // recycled (disposed) memory is warm, and the caller's `out` may be.
  const fresh = out !== target || (opts?.out === undefined && (out.size < STREAM_MIN_ELEMENTS || !isRecycled(out.data)));
  native.binary(BINARY[name], argA, argB, argOut, fresh);
  if (out !== target) finishInto(out, target);
  return target;
}

// writesDirectly's options for an elementwise result of each dtype. The loops compute in their
// output's dtype, so an `out` of a wider dtype (float64 for a float32 or int32 result) takes a
// temporary of the result's dtype and a cast copy: NumPy's result rounds (and int32 wraps) in the
// result's dtype before it is cast to out's.
const ELEMENTWISE_AS: Readonly<Record<DType, { dtype: DType; elementwise: true }>> = {
  float64: { dtype: 'float64', elementwise: true },
  float32: { dtype: 'float32', elementwise: true },
  int32: { dtype: 'int32', elementwise: true },
};

// Fewer elements than 2 MiB of float64: native code never streams such an output (kStreamMinBytes
// in native/elementwise.cc), so whether it is fresh need not be worked out.
const STREAM_MIN_ELEMENTS = 1 << 18;

// Small contiguous operands are computed here rather than in C++: up to ~100 elements the call's
// fixed cost is most of an op's time. Only what JS computes bit for bit as native/elementwise.cc
// does: IEEE +, -, *, / and comparisons in double; a Float32Array store rounds a double result of
// one float32 operation to what float arithmetic gives (double rounding is exact for these); an
// Int32Array store wraps like the uint32 arithmetic, and Math.imul multiplies as it does. pow and
// the other transcendental functions stay native (V8's fdlibm and glibc's libm differ in the last
// bit); float64 exp is fdlibm's on both sides (see jsExpAgrees).
const JS_MAX_ELEMENTS = 128;

/** A weak scalar as the native loops convert it to the result's dtype (promoteScalar keeps int32 ones integral). */
const scalarAs = (dtype: DType, v: number): number => (dtype === 'float32' ? Math.fround(v) : v);

function smallBinary(
  name: Exclude<BinaryName, 'pow'>, a: Tensor | null, b: Tensor | null, scalar: number, dtype: DType, into?: Tensor,
): Tensor | null {
  const t = (a ?? b)!;
  const n = t.size;
  if (n > JS_MAX_ELEMENTS || !t.isContiguous || (into !== undefined && !into.isContiguous)) return null;
  if (a !== null && b !== null && (!shapesEqual(a.shape, b.shape) || !b.isContiguous)) return null;
  if (a !== null) assertAttached(a.data);
  if (b !== null) assertAttached(b.data);
  const x = a === null ? null : a.data, xo = a === null ? 0 : a.offset;
  const y = b === null ? null : b.data, yo = b === null ? 0 : b.offset;
  const s = scalarAs(dtype, scalar);
  // `into`: the caller's out, of `dtype`, sharing no memory with an input unless it is that input
  // exactly (each element is read before the same one is written).
  if (into !== undefined) assertAttached(into.data);
  const out = into === undefined ? allocate(dtype, n, false) : into.data;
  const o = into === undefined ? 0 : into.offset;
  const int = dtype === 'int32';
  switch (name) {
    case 'add':
      if (x === null) for (let i = 0; i < n; i++) out[o + i] = s + y![yo + i];
      else if (y === null) for (let i = 0; i < n; i++) out[o + i] = x[xo + i] + s;
      else for (let i = 0; i < n; i++) out[o + i] = x[xo + i] + y[yo + i];
      break;
    case 'sub':
      if (x === null) for (let i = 0; i < n; i++) out[o + i] = s - y![yo + i];
      else if (y === null) for (let i = 0; i < n; i++) out[o + i] = x[xo + i] - s;
      else for (let i = 0; i < n; i++) out[o + i] = x[xo + i] - y[yo + i];
      break;
    case 'mul':
      if (int) {
        for (let i = 0; i < n; i++) out[o + i] = Math.imul(x === null ? s : x[xo + i], y === null ? s : y[yo + i]);
      } else if (x === null) for (let i = 0; i < n; i++) out[o + i] = s * y![yo + i];
      else if (y === null) for (let i = 0; i < n; i++) out[o + i] = x[xo + i] * s;
      else for (let i = 0; i < n; i++) out[o + i] = x[xo + i] * y[yo + i];
      break;
    case 'div': // dtype is a float here
      if (x === null) for (let i = 0; i < n; i++) out[o + i] = s / y![yo + i];
      else if (y === null) for (let i = 0; i < n; i++) out[o + i] = x[xo + i] / s;
      else for (let i = 0; i < n; i++) out[o + i] = x[xo + i] / y[yo + i];
      break;
    case 'maximum':
    case 'minimum': {
      // NumPy's NaN rule, as the native loops write it: a NaN in either operand wins, else the first of equals.
      const max = name === 'maximum';
      for (let i = 0; i < n; i++) {
        const p = scalarAs(dtype, x === null ? s : x[xo + i]);
        const q = scalarAs(dtype, y === null ? s : y[yo + i]);
        out[o + i] = (max ? p >= q : p <= q) || p !== p ? p : q;
      }
      break;
    }
  }
  return into ?? Tensor._trusted(out, t.shape, contiguousStrides(t.shape), 0);
}

// The unary ops JS computes exactly as C++ does (see smallBinary). exp: float64 only, and only once
// Math.exp is seen to agree with native code (jsExpAgrees).
const JS_UNARY: Readonly<Record<UnaryName, boolean>> = {
  copy: true, neg: true, abs: true, exp: true, log: false, sqrt: true, square: true, sin: false, cos: false, tanh: false, sigmoid: false,
  relu: true, sign: true, clip: false,
};

// Native float64 exp is fdlibm's algorithm (native/exp.h), which is what V8's Math.exp runs, to the
// bit; should an engine's Math.exp ever differ where the probe looks, small arrays stay native.
let jsExpChecked: boolean | undefined;
// Math.exp is a call into C++ per element (~6.5 ns here) where native code runs several lanes at
// once: from about 32 elements native is ahead despite its fixed cost (48: 437 ns in JS, 486 native).
const JS_EXP_MAX_ELEMENTS = 32;

/**
 * @internal Whether Math.exp gives native exp's bits: checked once, before JS computes any exp, on
 * inputs that take every branch of the algorithm and 4096 spread over its range (a one-time cost of
 * some 40 µs).
 */
export function jsExpAgrees(): boolean {
  if (jsExpChecked !== undefined) return jsExpChecked;
  const edges = [
    0, -0, 1, -1, 0.5, -0.5, 0.3, -0.34, 1.04, -1.03, 2, -2.5, 10.1, -20.7, 100.25, -300.5, 709.7, 709.78, -708.5, -744.9,
    -745.2, 710, 1e-9, -3e-9, 2 ** -30, Math.LN2 * 1024 - 1e-12, -Math.LN2 * 1022.5, Infinity, -Infinity, NaN, 0.7, -0.9,
  ];
  const probe = new Float64Array(edges.length + 4096);
  probe.set(edges);
  let s = 12345;
  for (let i = edges.length; i < probe.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const u = s / 2147483648;
    probe[i] = i % 2 === 0 ? (u - 0.5) * 1490 : (u - 0.5) * 3; // the whole range, and near 0 where most inputs are
  }
  const out = new Float64Array(probe.length);
  const vector = (a: Float64Array): Tensor => Tensor._trusted(a, [a.length], [1], 0);
  unaryInto('exp', vector(probe), vector(out));
  jsExpChecked = probe.every((v, i) => Object.is(Math.exp(v), out[i]));
  return jsExpChecked;
}

/** `into`: as for smallBinary, the caller's out, of `dtype`, x itself or sharing no memory with it. */
function smallUnary(name: UnaryName, x: Tensor, dtype: DType, into?: Tensor): Tensor | null {
  const n = x.size;
  if (n > JS_MAX_ELEMENTS || !JS_UNARY[name] || dtype !== x.dtype || !x.isContiguous || (into !== undefined && !into.isContiguous)) return null;
  if (name === 'exp' && (dtype !== 'float64' || n > JS_EXP_MAX_ELEMENTS || !jsExpAgrees())) return null;
  assertAttached(x.data);
  const d = x.data, o = x.offset;
  if (into !== undefined) assertAttached(into.data);
  const out = into === undefined ? allocate(dtype, n, false) : into.data;
  const p = into === undefined ? 0 : into.offset;
  const int = dtype === 'int32';
  switch (name) {
    case 'copy': for (let i = 0; i < n; i++) out[p + i] = d[o + i]; break;
    case 'neg': for (let i = 0; i < n; i++) out[p + i] = int ? -d[o + i] | 0 : -d[o + i]; break;
    case 'abs': for (let i = 0; i < n; i++) out[p + i] = Math.abs(d[o + i]); break; // int32: |INT_MIN| wraps on the store
    case 'square': for (let i = 0; i < n; i++) out[p + i] = int ? Math.imul(d[o + i], d[o + i]) : d[o + i] * d[o + i]; break;
    case 'sqrt': for (let i = 0; i < n; i++) out[p + i] = Math.sqrt(d[o + i]); break; // float dtypes only (FLOAT_RESULT)
    case 'exp': for (let i = 0; i < n; i++) out[p + i] = Math.exp(d[o + i]); break; // float64 only (above)
    case 'relu': for (let i = 0; i < n; i++) { const v = d[o + i]; out[p + i] = v > 0 ? v : v !== v ? v : 0; } break;
    case 'sign': for (let i = 0; i < n; i++) { const v = d[o + i]; out[p + i] = v > 0 ? 1 : v < 0 ? -1 : v; } break;
  }
  return into ?? Tensor._trusted(out, x.shape, contiguousStrides(x.shape), 0);
}

function unary(name: UnaryName, x: Tensor, opts?: OutOption, lo = 0, hi = 0, dtypeOverride?: DType): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${name} but received ${describe(x)}`);
  const dtype = dtypeOverride ?? (FLOAT_RESULT[name] ? floatOf(x.dtype) : x.dtype);
  if (opts?.out === undefined) {
    const small = smallUnary(name, x, dtype);
    if (small !== null) return small;
    const out = Tensor._output(x.shape, dtype);
    unaryInto(name, x, out, lo, hi, true);
    return out;
  }
  const target = prepareOut(opts, x.shape, dtype, name);
  const out = writesDirectly(target, [x], ELEMENTWISE_AS[dtype]) ? target : Tensor._output(x.shape, dtype);
  if (out === target) {
    const small = smallUnary(name, x, dtype, out);
    if (small !== null) return small;
  }
  unaryInto(name, x, out, lo, hi);
  if (out !== target) finishInto(out, target);
  return target;
}

/** `fresh`: out was just allocated for this call (large fresh outputs are written bypassing the cache). */
function unaryInto(name: UnaryName, x: Tensor, out: Tensor, lo = 0, hi = 0, fresh = false): void {
  META[0] = DTYPE_CODE[x.dtype];
  META[1] = DTYPE_CODE[out.dtype];
  const argX = argOf(x), argOut = argOf(out);
  if (x.size === out.size && x.isContiguous && out.isContiguous) {
    // Both contiguous (same size, so no broadcast): one run of `size` elements whatever the
    // shape, the layout native code would coalesce it to, written directly.
    META[2] = 1;
    META[3] = x.size;
    META[4] = x.offset + baseOfTensor(x);
    META[5] = 1;
    META[6] = out.offset + baseOfTensor(out);
    META[7] = 1;
  } else {
    let pos = writeShape(2, out.shape);
    pos = writeLayout(pos, x.shape, x, out.shape);
    writeLayout(pos, out.shape, out, out.shape);
  }
  // Below the streaming size native code ignores `fresh`; leaving the optional arguments out saves converting them.
  if (name !== 'clip' && (!fresh || out.size < STREAM_MIN_ELEMENTS)) {
    native.unary(UNARY[name], argX, argOut);
    return;
  }
  native.unary(UNARY[name], argX, argOut, lo, hi, fresh && !isRecycled(out.data));
}

/**
 * Copies a temporary result into the caller's `out` (which the computation could not write
 * directly: it overlaps an operand, or has a wider dtype than the result) and drops the temporary,
 * counting its slab region disposed.
 */
export function finishInto(temporary: Tensor, target: Tensor): void {
  copyInto(temporary, target);
  Tensor._release(temporary);
}

/** Copies (and casts) `src`, broadcast to `dst`'s shape, into `dst` (`fresh`: dst was just allocated for this copy). */
export function copyInto(src: Tensor, dst: Tensor, fresh = false): void {
  broadcastShapes(src.shape, dst.shape);
  unaryInto('copy', src, dst, 0, 0, fresh);
}

/** An elementwise operand: a Tensor, or a JS number (a weak scalar that keeps the tensor's dtype where it can). */
export type { Operand };
/**
 * Elementwise `a + b` with NumPy broadcasting and promotion (numpy.add).
 *
 * @param a - A Tensor or a JS number (a weak scalar: it does not widen the tensor's dtype).
 * @param b - A Tensor or a JS number, broadcast against `a`.
 * @param opts - `{ out }`: write the result there and return it.
 * @throws ShapeError if the shapes cannot be broadcast together, or `out` has the wrong shape.
 * @throws TypeError for an operand that is neither a Tensor nor a number, or an `out` the result cannot be cast to.
 * @example
 * ```ts
 * add(tensor([[1], [2]]), tensor([10, 20])).toArray(); // [[11, 21], [12, 22]]
 * add(tensor([1, 2], { dtype: 'int32' }), 2.5).dtype;  // 'float64'
 * add(tensor([1, 2], { dtype: 'float32' }), 2.5).dtype; // 'float32'
 * const acc = zeros([2]);
 * add(acc, tensor([1, 2]), { out: acc }) === acc;       // true: acc now holds [1, 2]
 * ```
 */
export function add<A extends Operand, B extends Operand, P extends OutOption = {}>(
  a: A, b: B, opts?: P,
): OutResult<P, Tensor<BinaryDType<A, B>, MaxRank<RankOf<A>, RankOf<B>>>> {
  return binary('add', a, b, opts) as never;
}
/**
 * Elementwise `a - b` with NumPy broadcasting and promotion (numpy.subtract).
 *
 * @param a - A Tensor or a JS number (a weak scalar: it does not widen the tensor's dtype).
 * @param b - A Tensor or a JS number, broadcast against `a`.
 * @param opts - `{ out }`: write the result there and return it.
 * @throws ShapeError if the shapes cannot be broadcast together, or `out` has the wrong shape.
 * @throws TypeError for an operand that is neither a Tensor nor a number, or an `out` the result cannot be cast to.
 * @example
 * ```ts
 * sub(10, tensor([1, 2])).toArray(); // [9, 8]
 * ```
 */
export function sub<A extends Operand, B extends Operand, P extends OutOption = {}>(
  a: A, b: B, opts?: P,
): OutResult<P, Tensor<BinaryDType<A, B>, MaxRank<RankOf<A>, RankOf<B>>>> {
  return binary('sub', a, b, opts) as never;
}
/**
 * Elementwise `a * b` with NumPy broadcasting and promotion (numpy.multiply).
 *
 * @param a - A Tensor or a JS number (a weak scalar: it does not widen the tensor's dtype).
 * @param b - A Tensor or a JS number, broadcast against `a`.
 * @param opts - `{ out }`: write the result there and return it.
 * @throws ShapeError if the shapes cannot be broadcast together, or `out` has the wrong shape.
 * @throws TypeError for an operand that is neither a Tensor nor a number, or an `out` the result cannot be cast to.
 * @example
 * ```ts
 * mul(tensor([[1, 2], [3, 4]]), tensor([10, 100])).toArray(); // [[10, 200], [30, 400]]
 * ```
 */
export function mul<A extends Operand, B extends Operand, P extends OutOption = {}>(
  a: A, b: B, opts?: P,
): OutResult<P, Tensor<BinaryDType<A, B>, MaxRank<RankOf<A>, RankOf<B>>>> {
  return binary('mul', a, b, opts) as never;
}
/**
 * Elementwise `a / b` with broadcasting (numpy.true_divide); the result is always a float
 * (int32 operands give float64).
 *
 * @param a - A Tensor or a JS number (a weak scalar: it does not widen the tensor's dtype).
 * @param b - A Tensor or a JS number, broadcast against `a`.
 * @param opts - `{ out }`: write the result there and return it.
 * @throws ShapeError if the shapes cannot be broadcast together, or `out` has the wrong shape.
 * @throws TypeError for an operand that is neither a Tensor nor a number, or an `out` the result cannot be cast to.
 * @example
 * ```ts
 * div(tensor([1, 3], { dtype: 'int32' }), 2).toArray(); // [0.5, 1.5]
 * ```
 */
export function div<A extends Operand, B extends Operand, P extends OutOption = {}>(
  a: A, b: B, opts?: P,
): OutResult<P, Tensor<FloatOf<BinaryDType<A, B>>, MaxRank<RankOf<A>, RankOf<B>>>> {
  return binary('div', a, b, opts) as never;
}
/**
 * Elementwise `a ** b` with broadcasting (numpy.power); C's `pow`, so `pow(-1, Infinity)` is 1.
 *
 * @param a - A Tensor or a JS number (a weak scalar: it does not widen the tensor's dtype).
 * @param b - A Tensor or a JS number, broadcast against `a`.
 * @param opts - `{ out }`: write the result there and return it.
 * @throws ShapeError if the shapes cannot be broadcast together, or `out` has the wrong shape.
 * @throws TypeError for an operand that is neither a Tensor nor a number, or an `out` the result cannot be cast to.
 * @throws RangeError for an int32 tensor raised to a negative integer scalar, as in NumPy.
 * @example
 * ```ts
 * pow(tensor([1, 2, 3]), 2).toArray(); // [1, 4, 9]
 * pow(2, tensor([0, 1, 2])).toArray(); // [1, 2, 4]
 * ```
 */
export function pow<A extends Operand, B extends Operand, P extends OutOption = {}>(
  a: A, b: B, opts?: P,
): OutResult<P, Tensor<BinaryDType<A, B>, MaxRank<RankOf<A>, RankOf<B>>>> {
  return binary('pow', a, b, opts) as never;
}
/**
 * Elementwise larger of `a` and `b` with broadcasting; NaN propagates (numpy.maximum).
 *
 * @param a - A Tensor or a JS number (a weak scalar: it does not widen the tensor's dtype).
 * @param b - A Tensor or a JS number, broadcast against `a`.
 * @param opts - `{ out }`: write the result there and return it.
 * @throws ShapeError if the shapes cannot be broadcast together, or `out` has the wrong shape.
 * @throws TypeError for an operand that is neither a Tensor nor a number, or an `out` the result cannot be cast to.
 * @example
 * ```ts
 * maximum(tensor([1, 5, NaN]), tensor([3, 2, 0])).toArray(); // [3, 5, NaN]
 * ```
 */
export function maximum<A extends Operand, B extends Operand, P extends OutOption = {}>(
  a: A, b: B, opts?: P,
): OutResult<P, Tensor<BinaryDType<A, B>, MaxRank<RankOf<A>, RankOf<B>>>> {
  return binary('maximum', a, b, opts) as never;
}
/**
 * Elementwise smaller of `a` and `b` with broadcasting; NaN propagates (numpy.minimum).
 *
 * @param a - A Tensor or a JS number (a weak scalar: it does not widen the tensor's dtype).
 * @param b - A Tensor or a JS number, broadcast against `a`.
 * @param opts - `{ out }`: write the result there and return it.
 * @throws ShapeError if the shapes cannot be broadcast together, or `out` has the wrong shape.
 * @throws TypeError for an operand that is neither a Tensor nor a number, or an `out` the result cannot be cast to.
 * @example
 * ```ts
 * minimum(tensor([1, 5]), 3).toArray(); // [1, 3]
 * ```
 */
export function minimum<A extends Operand, B extends Operand, P extends OutOption = {}>(
  a: A, b: B, opts?: P,
): OutResult<P, Tensor<BinaryDType<A, B>, MaxRank<RankOf<A>, RankOf<B>>>> {
  return binary('minimum', a, b, opts) as never;
}

/**
 * Elementwise `-a` (numpy.negative).
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * ```
 */
export function neg<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<D, R>> {
  return unary('neg', a, opts) as never;
}
/**
 * Elementwise absolute value (numpy.abs).
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * abs(tensor([-1.5, 2])).toArray(); // [1.5, 2]
 * ```
 */
export function abs<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<D, R>> {
  return unary('abs', a, opts) as never;
}
/**
 * Elementwise `e ** a` (numpy.exp); int32 input gives float64.
 *
 * float64 results are exactly what `Math.exp` gives for each element (fdlibm's algorithm, within
 * 1 ulp of the true value), whatever the array's size, layout or the CPU's vector instructions;
 * float32 results are `Math.fround(Math.exp(x))`: the same computation in double, rounded once to
 * float (so nearly always the correctly rounded float).
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * exp(tensor([0, 1])).toArray(); // [1, 2.718281828459045]
 * ```
 */
export function exp<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> {
  return unary('exp', a, opts) as never;
}
/**
 * Elementwise natural logarithm (numpy.log); int32 input gives float64, `log(0)` is -Infinity.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * log(tensor([1, 0])).toArray(); // [0, -Infinity]
 * ```
 */
export function log<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> {
  return unary('log', a, opts) as never;
}
/**
 * Elementwise square root (numpy.sqrt); int32 input gives float64, negative input NaN.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * sqrt(tensor([4, 2])).toArray(); // [2, 1.4142135623730951]
 * ```
 */
export function sqrt<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> {
  return unary('sqrt', a, opts) as never;
}
/**
 * Elementwise `a * a` (numpy.square); keeps the dtype.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * square(tensor([-3, 4], { dtype: 'int32' })).toArray(); // [9, 16]
 * ```
 */
export function square<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<D, R>> {
  return unary('square', a, opts) as never;
}
/**
 * Elementwise sine in radians (numpy.sin); int32 input gives float64.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * sin(tensor([0, Math.PI / 2])).toArray(); // [0, 1]
 * ```
 */
export function sin<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> {
  return unary('sin', a, opts) as never;
}
/**
 * Elementwise cosine in radians (numpy.cos); int32 input gives float64.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * cos(tensor([0, Math.PI])).toArray(); // [1, -1]
 * ```
 */
export function cos<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> {
  return unary('cos', a, opts) as never;
}
/**
 * Elementwise hyperbolic tangent (numpy.tanh); int32 input gives float64.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * tanh(tensor([0, Infinity])).toArray(); // [0, 1]
 * ```
 */
export function tanh<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> {
  return unary('tanh', a, opts) as never;
}
/**
 * Elementwise logistic function `1 / (1 + e ** -a)` (scipy.special.expit); int32 input gives float64.
 *
 * Computed as `1 / (1 + e)` for `a >= 0` and `e / (1 + e)` below, with `e = exp(-|a|)` (so nothing
 * overflows); for float64 that exp is {@link exp}'s, `Math.exp` to the bit.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * sigmoid(tensor([0, Infinity, -Infinity])).toArray(); // [0.5, 1, 0]
 * ```
 */
export function sigmoid<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<FloatOf<D>, R>> {
  return unary('sigmoid', a, opts) as never;
}
/**
 * Elementwise `max(a, 0)`; keeps the dtype.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * relu(tensor([-2, 0, 3])).toArray(); // [0, 0, 3]
 * ```
 */
export function relu<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<D, R>> {
  return unary('relu', a, opts) as never;
}
/**
 * Elementwise -1, 0 or 1 by sign, NaN for NaN (numpy.sign); keeps the dtype.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if `a` is not a Tensor, or the result cannot be cast to `out`.
 * @throws ShapeError if `out` has the wrong shape.
 * @example
 * ```ts
 * sign(tensor([-2, 0, 3])).toArray(); // [-1, 0, 1]
 * ```
 */
export function sign<D extends DType, R extends number, P extends OutOption = {}>(a: Tensor<D, R>, opts?: P): OutResult<P, Tensor<D, R>> {
  return unary('sign', a, opts) as never;
}

/**
 * Limits each element to `[min, max]` (numpy.clip). On int32 input, fractional or infinite bounds
 * promote the result to float64, like any weak scalar.
 *
 * @param opts - `{ out }`: write the result there and return it.
 * @throws TypeError if a bound is not a number, or the result cannot be cast to `out`.
 * @example
 * ```ts
 * clip(tensor([-2, 0.5, 3]), 0, 1).toArray(); // [0, 0.5, 1]
 * ```
 */
export function clip<D extends DType, R extends number, Lo extends number, Hi extends number, P extends OutOption = {}>(
  a: Tensor<D, R>, min: Lo, max: Hi, opts?: P,
): OutResult<P, Tensor<WithScalar<WithScalar<D, Lo>, Hi>, R>> {
  return clipImpl(a, min, max, opts) as never;
}

function clipImpl(a: Tensor, min: number, max: number, opts?: OutOption): Tensor {
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

/**
 * Softmax along `axis` (the last by default): `exp(a - max) / sum(exp(a - max))`, so large inputs do
 * not overflow (scipy.special.softmax).
 *
 * @returns A float tensor of `a`'s shape whose slices along `axis` sum to 1.
 * @throws RangeError if `axis` is out of range.
 * @example
 * ```ts
 * softmax(tensor([[0, 0], [1000, 1000]])).toArray(); // [[0.5, 0.5], [0.5, 0.5]]
 * ```
 */
export function softmax<D extends DType, R extends number>(a: Tensor<D, R>, axis = -1): Tensor<FloatOf<D>, R> {
  const m: Tensor = red.max(a, axis, true);
  const e: Tensor = exp(sub(a, m));
  const s: Tensor = red.sum(e, axis, true);
  return div(e, s, { out: e }) as never;
}

/**
 * `log(sum(exp(a)))` over `axis` (all axes when omitted), shifted by the maximum so large inputs do
 * not overflow (scipy.special.logsumexp).
 *
 * @returns A number when reducing over all axes without `keepdims`, else a Tensor.
 * @throws RangeError if an axis is out of range.
 * @example
 * ```ts
 * logSumExp(tensor([1000, 1000]));                   // 1000.6931471805599
 * logSumExp(tensor([[0, 0], [0, 0]]), 1).toArray(); // [0.6931471805599453, 0.6931471805599453]
 * ```
 */
export function logSumExp<D extends DType, R extends number, A extends Axis = undefined, K extends boolean = false>(
  a: Tensor<D, R>, axis?: A, keepdims: K = false as K,
): Reduced<FloatOf<D>, R, A, K> {
  const m: Tensor = red.max(a, axis, true);
  const finite = m.data.map((v) => (Number.isFinite(v) ? v : 0));
  const shift = Tensor._trusted(finite, m.shape, m.strides, m.offset);
  const s: Tensor = red.sum(exp(sub(a, shift)), axis, true);
  const r: Tensor = add(log(s), shift);
  if (keepdims) return r as never;
  // As the reductions: a number when every axis is reduced.
  const squeezed = r.squeeze(axis ?? undefined);
  return (squeezed.ndim === 0 ? squeezed.item() : squeezed) as never;
}
