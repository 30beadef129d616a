// The typed binding: every native entry point with its TypeScript signature. Nothing else in lib/
// touches the raw addon.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypedArray } from './dtype.js';
import type { Tensor } from './tensor.js';
import { LinAlgError } from './errors.js';
import type { LoadedBinary } from './runtime.js';
import { pinned } from './inflight.js';

export interface NativeConfig {
  blas: { name: string; config: string; corename: string; numThreads: number; parallel: string };
  loopThreads: number;
  hardwareConcurrency: number;
  configuredThreads: number;
  asyncInFlight: number;
}

/** An operand of the hot entry points: see {@link bufferOf}. */
type Operand = ArrayBuffer | TypedArray;

export interface Binding {
  /** Binds the array each call reads its layout from (META below); once per environment. */
  bindMeta(meta: Float64Array): void;
  /** Elementwise binary op; META = [a, b, out dtype codes, ndim, shape..., a layout, b layout, out layout]; operands as {@link bufferOf}. */
  binary(op: number, a: Operand, b: Operand, out: Operand, freshOut?: boolean): void;
  /** Elementwise unary op; META = [a, out dtype codes, ndim, shape..., a layout, out layout]; lo/hi for clip. */
  unary(op: number, a: Operand, out: Operand, lo?: number, hi?: number, freshOut?: boolean): void;
  /** Reduction; META = [a, out dtype codes, nkeep, keep..., nred, red..., a layout (keep+red), out layout (keep)]. */
  reduce(op: number, a: Operand, out: Operand, ddof?: number): void;
  /** Batched matrix product; META = [a, b, out dtype codes, nb, batch..., M, N, K, a layout, b layout, out layout]. */
  matmul(a: Operand, b: Operand, out: Operand): void;
  /** Operands copied so far because BLAS could not take their strides (tests assert on this). */
  packedOperands(): number;
  /** Advises transparent huge pages for a large, untouched typed array; returns the elements before its first 2 MiB boundary. */
  adviseHugePages(array: TypedArray): number;
  /** Detaches an ArrayBuffer (a retired slab; Node 20 has no ArrayBuffer#transfer); returns whether it is detached. */
  detachBuffer(buffer: ArrayBuffer): boolean;
  /**
   * Whether elements [xFirst, xEnd) of x and [yFirst, yEnd) of y share memory, by address (two
   * SharedArrayBuffer objects may be the same memory): 0 no, 1 yes, 2 yes and both start at the same byte.
   */
  memoryOverlap(x: TypedArray, xFirst: number, xEnd: number, y: TypedArray, yFirst: number, yEnd: number): 0 | 1 | 2;
  /** Registers the error class LAPACK failures are raised as; once per environment. */
  setErrorClasses(linAlgError: typeof LinAlgError): void;
  /** LAPACK families; META = [nb, batch..., then per operand: rows, cols, offset, batch strides..., rs, cs]. */
  solve(a: TypedArray, b: TypedArray, x: TypedArray): void;
  inv(a: TypedArray, x: TypedArray): void;
  slogdet(a: TypedArray, sign: TypedArray, logabsdet: TypedArray): void;
  lu(a: TypedArray, p: TypedArray, l: TypedArray, u: TypedArray): void;
  cholesky(a: TypedArray, out: TypedArray, upper: boolean): void;
  eigh(a: TypedArray, w: TypedArray, v: TypedArray | null, lower: boolean): void;
  /** The largest k eigenpairs of one symmetric matrix (syevr); META = [0, a (n x n), w (1 x k), v (n x k)]. */
  eighTop(a: TypedArray, w: TypedArray, v: TypedArray, lower: boolean, k: number): void;
  svd(a: TypedArray, s: TypedArray, u: TypedArray | null, vt: TypedArray | null, fullMatrices: boolean): void;
  qr(a: TypedArray, r: TypedArray, q: TypedArray | null): void;
  eig(a: TypedArray, wre: TypedArray, wim: TypedArray, vre: TypedArray | null, vim: TypedArray | null): void;
  lstsq(a: TypedArray, b: TypedArray, x: TypedArray, residuals: TypedArray, rank: TypedArray, s: TypedArray, rcond: number): void;
  /**
   * PCA's one-pass covariance pieces: gram = (X - shift)^T (X - shift), sums = column sums of
   * X - shift, shift = the mean of X's first rows (0 where not finite); X is rows x cols at
   * offset with non-negative strides.
   */
  shiftedGram(
    x: TypedArray, offset: number, rows: number, cols: number, rowStride: number, colStride: number,
    gram: TypedArray, sums: Float64Array, shift: Float64Array,
  ): void;
  /** cityblock (0), chebyshev (1), euclidean (2), sqeuclidean (3) distances; META = [x, y, out], each rows, cols, offset, rs, cs. */
  cdist(metric: number, x: TypedArray, y: TypedArray, out: TypedArray): void;
  config(): NativeConfig;
  setNumThreads(n: number): void;
}

const here = dirname(fileURLToPath(import.meta.url));
// lib/ (sources run by vitest) and dist/ (compiled) both sit one level below the package root.
export const packageRoot = join(here, '..');


// One loader for the install script and run time (lib/load-binding.cjs): $TENSORBLAS_ADDON, then
// build/ or prebuilds/ through node-gyp-build, then the @tensorblas/<platform> package. Its error
// lists what was tried and what to install.
const loaded = (createRequire(import.meta.url)(join(packageRoot, 'lib', 'load-binding.cjs')) as {
  loadBinding(root: string): LoadedBinary & { binding: Binding };
}).loadBinding(packageRoot);

export const binary: LoadedBinary = { path: loaded.path, source: loaded.source };

// A copy: the addon's exports object gets its 37 functions one by one through the N-API, which
// leaves it in V8's dictionary mode, so every `native.x` lookup took the slow path of a property
// load (~12% of a 16-element exp). An object literal's spread is a fast-mode object.
export const native: Binding & AsyncTwins = { ...(loaded.binding as Binding & AsyncTwins) };

/** The entry points that have an `...Async` twin: same arguments, work on the libuv pool. */
export type TwinName =
  'matmul' | 'solve' | 'inv' | 'slogdet' | 'lu' | 'cholesky' | 'eigh' | 'eighTop' | 'svd' | 'qr' | 'eig' | 'lstsq' | 'shiftedGram';
type AsyncTwins = {
  [K in TwinName as `${K}Async`]: (...args: Parameters<Binding[K]>) => Promise<void>;
};

/** A step that calls `name` now or its Async twin (see steps.ts). */
export function nativeStep<K extends TwinName>(name: K, ...args: Parameters<Binding[K]>): (async: boolean) => void | Promise<void> {
  return (async) => {
    if (!async) return (native[name] as (...a: Parameters<Binding[K]>) => void)(...args);
    // While a worker thread uses the operands' memory, dispose() must not detach or recycle it.
    return pinned(args, (native[`${name}Async` as const] as (...a: Parameters<Binding[K]>) => Promise<void>)(...args));
  };
}

/** The dtype codes of native/check.h's DType, as the hot entry points read them from META. */
export const DTYPE_CODE = { float64: 0, float32: 1, int32: 2 } as const;

/**
 * What the hot entry points (binary, unary, reduce, matmul) take for an operand's data: its
 * ArrayBuffer, which N-API reads in ~7 ns where a typed array costs ~70 ns; a SharedArrayBuffer's
 * typed array is passed as itself. Layout offsets then count from the buffer's start: add
 * {@link baseOf}.
 */
export function bufferOf(data: TypedArray): ArrayBuffer | TypedArray {
  const buffer = data.buffer;
  return buffer instanceof ArrayBuffer ? buffer : data;
}

/** {@link bufferOf} for a tensor's data, looked up once per tensor and kept on it. */
export function argOf(t: Tensor): ArrayBuffer | TypedArray {
  return t._arg ?? (t._arg = bufferOf(t.data));
}

/**
 * {@link baseOf} for a tensor's data and {@link argOf}, looked up once per tensor and kept on it (a
 * fresh slab result gets it from the allocator): `byteOffset` and `BYTES_PER_ELEMENT` are getters
 * V8 makes slow on code that sees typed arrays of several kinds (~20 ns each, per operand per call).
 */
export function baseOfTensor(t: Tensor): number {
  return t._base ?? (t._base = baseOf(t.data, argOf(t)));
}

/**
 * Elements between the start of `arg`, which {@link bufferOf}`(data)` returned, and `data[0]`.
 * Taking `arg` saves a second read of `data.buffer`, a getter that costs ~17 ns.
 */
export function baseOf(data: TypedArray, arg: ArrayBuffer | TypedArray): number {
  return arg === data ? 0 : data.byteOffset / data.BYTES_PER_ELEMENT;
}

/**
 * Where each synchronous call's shapes, strides and offsets go (a layout is [offset, strides...]).
 * Bound once to the addon: the native side reads it directly, saving a typed-array lookup per call.
 * Module-private: nothing outside lib/ can reach or detach it.
 */
export const META = new Float64Array(8 + 4 * (2 + 34));
native.bindMeta(META);
native.setErrorClasses(LinAlgError);
