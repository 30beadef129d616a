import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tensor, Tensor, type DType } from '../lib/index.js';

export type Num = number | 'nan' | 'inf' | '-inf';
export interface FixtureArray {
  dtype: string;
  shape: number[];
  data: Num[];
}

export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as T;
}

export function num(v: Num): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

const DTYPE_OF: Record<string, DType> = { float64: 'float64', float32: 'float32', int32: 'int32', int64: 'float64', bool: 'int32' };

/** A fixture array as a tensor of its NumPy dtype (int64 results compare as float64). */
export function fromFixture(a: FixtureArray): Tensor {
  const dtype = DTYPE_OF[a.dtype];
  if (!dtype) throw new Error(`fixture dtype ${a.dtype}`);
  const data = a.data.map(num);
  if (a.shape.length === 0) return tensor(data[0], { dtype });
  return tensor(data, { dtype, shape: a.shape });
}

/** Flat values in C order, whatever the strides. */
export function values(t: Tensor): number[] {
  const v = t.toArray();
  return typeof v === 'number' ? [v] : (v.flat(Infinity) as number[]);
}

/** Elementwise closeness with NaN == NaN and exact infinities; tolerance scaled by dtype. */
export function expectClose(actual: Tensor | number, expected: FixtureArray | number, rtol?: number): void {
  const exp = typeof expected === 'number' ? [expected] : expected.data.map(num);
  const act = typeof actual === 'number' ? [actual] : values(actual);
  if (typeof expected !== 'number' && actual instanceof Tensor) {
    expect(actual.shape).toEqual(expected.shape);
  }
  const tol = rtol ?? (actual instanceof Tensor && actual.dtype === 'float32' ? 2e-6 : 1e-12);
  expect(act.length).toBe(exp.length);
  for (let i = 0; i < exp.length; i++) {
    const a = act[i];
    const e = exp[i];
    if (Number.isNaN(e)) {
      expect(a, `element ${i}`).toBeNaN();
    } else if (!Number.isFinite(e)) {
      expect(a, `element ${i}`).toBe(e);
    } else {
      expect(Math.abs(a - e), `element ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
    }
  }
}

/** The largest elementwise |x - y| / max(1, |y|) of two same-sized tensors. */
export function maxRelErr(x: Tensor, y: Tensor): number {
  const a = values(x);
  const b = values(y);
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return e;
}

/** Runs fn and returns what it threw (failing the test if it returned). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** Each call must throw a TypeError or return a promise that rejects with one (async twins). */
export async function expectTypeErrors(calls: readonly (readonly [string, () => unknown])[]): Promise<void> {
  for (const [name, call] of calls) {
    let result: unknown;
    try {
      result = call();
    } catch (e) {
      expect(e, name).toBeInstanceOf(TypeError);
      continue;
    }
    expect(result, `${name} returned instead of throwing`).toBeInstanceOf(Promise);
    await expect(result, name).rejects.toThrow(TypeError);
  }
}

/**
 * Runs an ES-module script in a child Node.js process that imports the built package, with native
 * code's instruction set capped by TENSORBLAS_ISA (`isa` undefined: the CPU's best), and returns
 * what it printed, trimmed. Fails the test if the child exits non-zero.
 */
export function runIsaChild(script: string, isa?: 'avx2' | 'scalar', timeout = 120_000): string {
  const env = { ...process.env };
  delete env.TENSORBLAS_ISA;
  if (isa) env.TENSORBLAS_ISA = isa;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8', env, timeout });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}
