// Property-based tests: broadcasting, views, reductions and matmul on random shapes, strides and
// dtypes, each against a plain reference written here on top of get(); and a garbage-input run
// against every export, in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { Tensor } from '../lib/index.js';

type DType = 'float64' | 'float32' | 'int32';
const dtypeArb = fc.constantFrom<DType>('float64', 'float32', 'int32');
const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });

/** A tensor of small integers (exact in every dtype), then a random view of it. */
const tensorArb = (shapeA = shapeArb) =>
  fc.record({ shape: shapeA, dtype: dtypeArb, seed: fc.integer(), view: fc.integer({ min: 0, max: 3 }) }).map(({ shape, dtype, seed, view }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: size }, (_, i) => ((seed + i * 7919) % 11) - 5);
    let t = tb.tensor(data.length ? data : [0], { dtype }).slice([0, size]).reshape(shape);
    // Views with other strides over the same values (the reference reads through get()).
    if (view === 1 && t.ndim > 0) t = t.transpose().contiguous().transpose(); // Fortran layout
    if (view === 2 && t.ndim > 0) t = t.slice([null, null, -1]).contiguous().slice([null, null, -1]); // negative step
    if (view === 3 && t.ndim > 0) t = tb.concat([t, t], t.ndim - 1).slice(...new Array(t.ndim - 1).fill(null), [0, null, 2]).reshape(shape); // step 2 when size allows
    return t;
  });

function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const idx = new Array(shape.length).fill(0);
  if (shape.some((d) => d === 0)) return out;
  for (;;) {
    out.push(idx.slice());
    let d = shape.length - 1;
    while (d >= 0 && ++idx[d] === shape[d]) idx[d--] = 0;
    if (d < 0) return out;
  }
}

function refBroadcast(a: Tensor, b: Tensor, f: (x: number, y: number) => number): { shape: number[]; values: number[] } | null {
  const n = Math.max(a.ndim, b.ndim);
  const shape: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a.shape[i - (n - a.ndim)] ?? 1;
    const db = b.shape[i - (n - b.ndim)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    shape.push(da === 1 ? db : da);
  }
  const pick = (t: Tensor, idx: number[]): number => t.get(...idx.slice(n - t.ndim).map((v, i) => (t.shape[i] === 1 ? 0 : v)));
  return { shape, values: indices(shape).map((idx) => f(pick(a, idx), pick(b, idx))) };
}

const flat = (t: Tensor): number[] => indices(t.shape).map((i) => t.get(...i));

describe('property: broadcasting binary ops on random shapes, strides and dtypes', () => {
  test.prop([tensorArb(), tensorArb(), fc.constantFrom('add', 'sub', 'mul', 'maximum', 'minimum')], { numRuns: 300 })(
    'matches the reference or throws ShapeError',
    (a, b, op) => {
      const f = { add: (x: number, y: number) => x + y, sub: (x: number, y: number) => x - y, mul: (x: number, y: number) => x * y,
        maximum: Math.max, minimum: Math.min }[op];
      const want = refBroadcast(a, b, f);
      if (want === null) {
        expect(() => a[op](b)).toThrow(tb.ShapeError);
        return;
      }
      const r = a[op](b);
      expect(r.shape).toEqual(want.shape);
      expect(r.dtype).toBe(a.dtype === b.dtype ? a.dtype : 'float64');
      // int32 has no -0: the reference's JS arithmetic is cast to the result dtype like C++'s.
      const cast = r.dtype === 'int32' ? (v: number) => (v | 0) + 0 : r.dtype === 'float32' ? Math.fround : (v: number) => v;
      expect(flat(r)).toEqual(want.values.map(cast));
    },
  );
});

describe('property: reductions over random axes', () => {
  test.prop([tensorArb(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })), fc.integer(), fc.boolean()], { numRuns: 200 })(
    'sum and max match the reference',
    (t, axisSeed, keepdims) => {
      const axis = ((axisSeed % t.ndim) + t.ndim) % t.ndim;
      const keptShape = t.shape.filter((_, i) => i !== axis);
      const groups = new Map<string, number[]>();
      for (const idx of indices(t.shape)) {
        const key = idx.filter((_, i) => i !== axis).join(',');
        groups.set(key, [...(groups.get(key) ?? []), t.get(...idx)]);
      }
      const wantSum = indices(keptShape).map((k) => groups.get(k.join(','))!.reduce((x, y) => x + y, 0));
      const wantMax = indices(keptShape).map((k) => Math.max(...groups.get(k.join(','))!));
      const s = t.sum(axis, keepdims);
      const m = t.max(axis, keepdims);
      const sv = typeof s === 'number' ? [s] : flat(s);
      const mv = typeof m === 'number' ? [m] : flat(m);
      expect(sv).toEqual(wantSum.length ? wantSum : [0]);
      expect(mv).toEqual(wantMax.length ? wantMax : []);
    },
  );
});

describe('property: matmul on random shapes, layouts and dtypes', () => {
  const dims = fc.integer({ min: 1, max: 6 });
  test.prop([dims, dims, dims, fc.integer({ min: 0, max: 2 }), dtypeArb, dtypeArb, fc.integer({ min: 0, max: 3 })], { numRuns: 200 })(
    'matches a triple loop',
    (m, k, n, batch, da, db, layout) => {
      const bs = batch === 0 ? [] : batch === 1 ? [2] : [2, 1];
      let a = tb.arange(-7, -7 + m * k * (bs.reduce((x, y) => x * y, 1))).reshape([...bs, m, k]).astype(da);
      let b = tb.arange(3, 3 + k * n).reshape(k, n).astype(db);
      if (layout & 1) a = a.swapaxes(-1, -2).contiguous().swapaxes(-1, -2); // transposed storage: a trans flag
      if (layout & 2) b = b.slice([null, null, -1]).contiguous().slice([null, null, -1]); // negative stride: packed
      const r = a.matmul(b);
      expect(r.shape).toEqual([...bs, m, n]);
      for (const idx of indices(r.shape)) {
        const [i, j] = idx.slice(-2);
        const lead = idx.slice(0, -2);
        let want = 0;
        for (let p = 0; p < k; p++) want += a.get(...lead, i, p) * b.get(p, j);
        expect(r.get(...idx)).toBe(want);
      }
    },
  );
});

describe('garbage input to every export', () => {
  it('never crashes, aborts or hangs: every call returns or throws an Error (child process)', () => {
    const script = join(__dirname, 'fuzz', 'garbage.mjs');
    // In a scratch directory: save/saveAsync receive garbage strings as paths and may write files.
    const cwd = mkdtempSync(join(tmpdir(), 'tensorblas-garbage-'));
    const r = spawnSync(process.execPath, [script, '3000'], { cwd, encoding: 'utf8', timeout: 120_000 });
    rmSync(cwd, { recursive: true, force: true });
    expect(r.signal, r.stderr.slice(-2000)).toBeNull();
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const m = /cases (\d+) returned (\d+) threw (\d+) nonError (\d+)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const [cases, returned, threw, nonError] = m!.slice(1).map(Number);
    expect(cases).toBeGreaterThanOrEqual(3000);
    expect(returned + threw).toBe(cases);
    expect(threw).toBeGreaterThan(0);
    expect(nonError).toBe(0);
  }, 150_000);
});
