import { createRequire } from 'node:module';
import { describe } from './errors.js';
import { native, packageRoot } from './native.js';

export interface Config {
  /** tensorblas's own version. */
  version: string;
  blas: { name: string; version: string; corename: string; numThreads: number; parallel: string; config: string };
  /** Threads our own elementwise/reduction loops may use right now. */
  loopThreads: number;
  /**
   * The thread count set by setNumThreads / TENSORBLAS_NUM_THREADS (all cores by default). Sync
   * calls use it; while two or more async calls overlap, each runs single-threaded instead, so the
   * libuv pool and OpenBLAS never oversubscribe the cores.
   */
  numThreads: number;
}

const version = (createRequire(import.meta.url)(`${packageRoot}/package.json`) as { version: string }).version;

/** What is loaded: the BLAS library, its version, the CPU kernel it picked, thread counts. */
export function config(): Config {
  const c = native.config();
  const m = /OpenBLAS\s+([0-9][0-9.]*)/.exec(c.blas.config);
  return {
    version,
    blas: { ...c.blas, version: m ? m[1] : 'unknown' },
    loopThreads: c.loopThreads,
    numThreads: c.configuredThreads,
  };
}

/** Sets the threads OpenBLAS and tensorblas's own loops use (>= 1). */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`Expected a positive integer for numThreads but received ${describe(n)}`);
  }
  native.setNumThreads(n);
}

// TENSORBLAS_NUM_THREADS overrides the default (all cores) at load time.
const envThreads = process.env.TENSORBLAS_NUM_THREADS;
if (envThreads !== undefined && envThreads !== '') {
  const n = Number(envThreads);
  if (Number.isInteger(n) && n >= 1) native.setNumThreads(n);
}
