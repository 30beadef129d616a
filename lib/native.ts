// The typed binding: every native entry point with its TypeScript signature. Nothing else in lib/
// touches the raw addon.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypedArray } from './dtype.js';

export interface NativeConfig {
  blas: { name: string; config: string; corename: string; numThreads: number; parallel: string };
  loopThreads: number;
  hardwareConcurrency: number;
}

export interface Binding {
  /** Elementwise binary op; meta = [ndim, shape..., a layout, b layout, out layout]. */
  binary(op: number, a: TypedArray, b: TypedArray, out: TypedArray, meta: Float64Array): void;
  /** Elementwise unary op; meta = [ndim, shape..., a layout, out layout]; lo/hi for clip. */
  unary(op: number, a: TypedArray, out: TypedArray, meta: Float64Array, lo?: number, hi?: number): void;
  /** Reduction; meta = [nkeep, keep..., nred, red..., a layout (keep+red), out layout (keep)]. */
  reduce(op: number, a: TypedArray, out: TypedArray, meta: Float64Array, ddof?: number): void;
  /** Batched matrix product; meta = [nb, batch..., M, N, K, a layout, b layout, out layout]. */
  matmul(a: TypedArray, b: TypedArray, out: TypedArray, meta: Float64Array): void;
  /** A zero-filled, 2 MiB-aligned ArrayBuffer backed by transparent huge pages. */
  allocLarge(byteLength: number): ArrayBuffer;
  config(): NativeConfig;
  setNumThreads(n: number): void;
}

const here = dirname(fileURLToPath(import.meta.url));
// lib/ (sources run by vitest) and dist/ (compiled) both sit one level below the package root.
export const packageRoot = join(here, '..');

function load(): Binding {
  const require = createRequire(import.meta.url);
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => Binding;
  try {
    return nodeGypBuild(packageRoot);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `tensorblas: the native addon could not be loaded (${reason}).\n` +
        `  - From a clone: run \`npm install\` (it builds the addon; it needs OpenBLAS and LAPACKE,\n` +
        `    e.g. \`apt-get install -y libopenblas-dev liblapacke-dev pkg-config\` on Debian/Ubuntu).\n` +
        `  - As a dependency: reinstall tensorblas on this platform; see \`node node_modules/tensorblas/scripts/find-blas.cjs\`.`,
      { cause: err },
    );
  }
}

export const native: Binding = load();

/** Shared scratch for the meta argument of synchronous calls (never held past a call). */
export const META = new Float64Array(4 + 2 * 34 * 4);
