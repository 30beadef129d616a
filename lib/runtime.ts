import { createRequire } from 'node:module';
import { describe } from './errors.js';
import { binary, native, packageRoot } from './native.js';

/** Which native addon was loaded, and from where ({@link config} reports it). */
export interface LoadedBinary {
  /** Absolute path of the `.node` file. */
  path: string;
  /**
   * `'build'`: compiled from source in this package's build/; `'prebuild'`: bundled in its
   * prebuilds/; `'platform package'`: from the optional `@tensorblas/<platform>-<arch>` package;
   * `'TENSORBLAS_ADDON'`: the file that environment variable names.
   */
  source: 'TENSORBLAS_ADDON' | 'build' | 'prebuild' | 'platform package';
}


/** What {@link config} reports. */
export interface Config {
  /** tensorblas's own version. */
  version: string;
  /** The BLAS library tensorblas is linked against. */
  blas: {
    /** The library, e.g. `'OpenBLAS'`. */
    name: string;
    /** Its version, from its build string (`'unknown'` if not found). */
    version: string;
    /** The CPU kernel it picked at load time, e.g. `'Haswell'`. */
    corename: string;
    /** Threads it uses now. */
    numThreads: number;
    /** Its threading model: `'sequential'`, `'pthreads'` or `'openmp'`. */
    parallel: string;
    /** Its full build string. */
    config: string;
  };
  /**
   * The native addon in use: its file, and whether it came from a local build, a bundled prebuild,
   * the `@tensorblas/<platform>` package or `$TENSORBLAS_ADDON`.
   */
  binary: LoadedBinary;
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

/**
 * What is loaded: the BLAS library, its version, the CPU kernel it picked, thread counts.
 *
 * @example
 * ```ts
 * const c = config();
 * c.blas.name;       // 'OpenBLAS'
 * typeof c.version;  // 'string'
 * ```
 */
export function config(): Config {
  const c = native.config();
  const m = /OpenBLAS\s+([0-9]+(?:\.[0-9]+)*)/.exec(c.blas.config);
  return {
    version,
    blas: { ...c.blas, version: m ? m[1] : 'unknown' },
    binary: { ...binary },
    loopThreads: c.loopThreads,
    numThreads: c.configuredThreads,
  };
}

/**
 * Sets the threads OpenBLAS and tensorblas's own loops use (>= 1); `TENSORBLAS_NUM_THREADS` sets
 * the default at load time (otherwise all cores).
 *
 * @throws RangeError unless `n` is a positive integer.
 * @example
 * ```ts
 * setNumThreads(1); // e.g. when running one process per core
 * ```
 */
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
