import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { tensor, Tensor } from '../lib/index.js';
import { expectClose, fixture, fromFixture, num, values } from './helpers.js';

const core = fixture('core');
const OPS = ['sum', 'mean', 'prod', 'max', 'min', 'std', 'var'] as const;

describe('reductions over axes (NumPy fixtures)', () => {
  for (const c of core.reduce) {
    it(`${c.a.dtype} axis=${JSON.stringify(c.axis)} keepdims=${c.keepdims}`, () => {
      const a = fromFixture(c.a);
      const axis = c.axis === null ? undefined : c.axis;
      for (const op of OPS) {
        const r = a[op](axis, c.keepdims);
        const expected = c.r[op];
        const rtol = a.dtype === 'float32' ? 1e-5 : 1e-12;
        if (expected.shape.length === 0 && !c.keepdims) {
          expect(typeof r, op).toBe('number');
          expectClose(r as number, num(expected.data[0]), rtol);
        } else {
          expectClose(r as Tensor, expected, rtol);
        }
        if (r instanceof Tensor) {
          const want = op === 'max' || op === 'min' ? a.dtype : a.dtype === 'int32' ? 'float64' : a.dtype;
          expect(r.dtype, op).toBe(want);
        }
      }
      const s1 = a.std(axis, c.keepdims, { ddof: 1 });
      if (typeof s1 === 'number') expectClose(s1, num(c.r.std_ddof1.data[0]), 1e-5);
      else expectClose(s1, c.r.std_ddof1, 1e-5);
      for (const op of ['argmax', 'argmin'] as const) {
        if (!c.r[op]) continue;
        const r = a[op](axis as number | undefined, c.keepdims);
        if (typeof r === 'number') expect(r).toBe(c.r[op].data[0]);
        else {
          expect(r.dtype).toBe('int32');
          expectClose(r, c.r[op]);
        }
      }
    });
  }

  it('propagates NaN like NumPy', () => {
    const x = fromFixture(core.reduceNaN.x);
    expect(x.max()).toBeNaN();
    expect(x.sum()).toBeNaN();
    expect(x.argmax()).toBe(core.reduceNaN.argmax);
    expect(x.argmin()).toBe(core.reduceNaN.argmin);
  });

  it('reductions over a leading axis (the row-streaming path) match the per-column ones', () => {
    const m = tb.randn([3000, 40], { seed: 12 });
    const cols = (op: 'sum' | 'mean' | 'max' | 'min' | 'prod'): number[] =>
      Array.from({ length: 40 }, (_, j) => m.slice(null, j).contiguous()[op]() as number);
    for (const op of ['sum', 'mean', 'max', 'min'] as const) {
      const got = (m[op](0) as Tensor).toArray() as number[];
      cols(op).forEach((v, j) => expect(Math.abs(got[j] - v)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v))));
    }
    const small = tb.randn([30, 5], { seed: 13 });
    expect(values(small.prod(0) as Tensor).every(Number.isFinite)).toBe(true);
    const withNaN = tensor([[1, 2], [NaN, 0], [3, 5]]);
    expect((withNaN.max(0) as Tensor).toArray()).toEqual([NaN, 5]);
    expect((withNaN.min(0) as Tensor).toArray()).toEqual([NaN, 0]);
    const ints = tensor(new Int32Array([5, -2, 7, 9, -8, 1]), { shape: [3, 2] });
    expect((ints.max(0) as Tensor).toArray()).toEqual([7, 9]);
    expect((ints.max(0) as Tensor).dtype).toBe('int32');
    expect((ints.sum(0) as Tensor).toArray()).toEqual([4, 8]);
  });

  it('sums 1e5 float32 values with float64-like accuracy', () => {
    const n = core.sumFloat32.n;
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = ((i % 7) / 7 + 0.1);
    const t = tensor(f);
    expect(Math.abs((t.sum() as number) - core.sumFloat32.sum) / core.sumFloat32.sum).toBeLessThan(1e-6);
    expect(Math.abs((t.mean() as number) - core.sumFloat32.mean) / core.sumFloat32.mean).toBeLessThan(1e-6);
  });

  it('reduces a large tensor across threads with the same answer', () => {
    const n = 2_000_001;
    const t = tb.arange(n);
    expect(t.sum()).toBe((n * (n - 1)) / 2);
    expect(t.max()).toBe(n - 1);
    expect(t.argmax()).toBe(n - 1);
    expect(t.argmin()).toBe(0);
    const rev = t.slice([null, null, -1]);
    expect(rev.argmax()).toBe(0);
    expect(rev.mean()).toBe((n - 1) / 2);
    const m = t.slice([0, 2_000_000]).reshape(2, 1_000_000);
    expect((m.sum(1) as Tensor).toArray()).toEqual([499999500000, 1499999500000]);
  });

  it('returns numbers for every axis and keeps 1-sized dims with keepdims', () => {
    const a = tb.arange(6).reshape(2, 3);
    expect(a.sum([0, 1])).toBe(15);
    const k = a.sum(undefined, true) as Tensor;
    expect(k.shape).toEqual([1, 1]);
    expect(k.item()).toBe(15);
  });

  it('empty reductions follow NumPy', () => {
    const e = tb.zeros([0, 3]);
    expect((e.sum(0) as Tensor).toArray()).toEqual([0, 0, 0]);
    expect((e.prod(0) as Tensor).toArray()).toEqual([1, 1, 1]);
    expect(e.mean()).toBeNaN();
    expect(() => e.max()).toThrow(RangeError);
    expect(() => e.argmax(0)).toThrow(RangeError);
    expect((e.max(1) as Tensor).shape).toEqual([0]);
  });

  it('rejects bad axes', () => {
    const a = tb.zeros([2, 3]);
    expect(() => a.sum(2)).toThrow(RangeError);
    expect(() => a.sum(-3)).toThrow(RangeError);
    expect(() => a.sum([0, 0])).toThrow(RangeError);
    expect(() => a.sum([1, -1])).toThrow(RangeError);
    expect(() => a.sum(0.5)).toThrow(TypeError);
  });
});
