import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { ShapeError, tensor, Tensor, zeros } from '../lib/index.js';
import { fixture, fromFixture, values } from './helpers.js';

const core = fixture('core');

describe('creation', () => {
  it('wraps a matching typed array without copying', () => {
    const f = new Float64Array([1, 2, 3, 4]);
    const t = tensor(f, { shape: [2, 2] });
    expect(t.data).toBe(f);
    expect(t.dtype).toBe('float64');
    expect(tensor(new Float32Array(3)).dtype).toBe('float32');
    expect(tensor(new Int32Array(3)).dtype).toBe('int32');
    const conv = tensor(f, { dtype: 'float32' });
    expect(conv.data).not.toBe(f);
    expect(conv.dtype).toBe('float32');
    f[0] = 42;
    expect(t.get(0, 0)).toBe(42);
  });
  it('builds from nested arrays and numbers', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.strides).toEqual([3, 1]);
    expect(t.dtype).toBe('float64');
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const s = tensor(2.5);
    expect(s.ndim).toBe(0);
    expect(s.item()).toBe(2.5);
    expect(s.toArray()).toBe(2.5);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });
  it('rejects ragged and non-numeric data', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], 3] as never)).toThrow(ShapeError);
    expect(() => tensor([1, 'a'] as never)).toThrow(TypeError);
    expect(() => tensor('abc' as never)).toThrow(TypeError);
    expect(() => tensor([1], { dtype: 'float16' as never })).toThrow(TypeError);
    expect(() => tensor(new Uint8Array(2) as never)).toThrow(TypeError);
    expect(() => tensor(new Float64Array(6), { shape: [4, 2] })).toThrow(ShapeError);
  });
  it('zeros, ones, full, eye, arange, linspace, diag', () => {
    expect(tb.zeros([2, 2], 'int32').toArray()).toEqual([[0, 0], [0, 0]]);
    expect(tb.ones(3).toArray()).toEqual([1, 1, 1]);
    expect(tb.full([2], 7, 'float32').toArray()).toEqual([7, 7]);
    expect(tb.eye(3, 4, { k: 1 }).toArray()).toEqual([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    expect(tb.eye(2, null, { k: -1 }).toArray()).toEqual([[0, 0], [1, 0]]);
    expect(tb.arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(tb.arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(tb.arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(tb.arange(3, undefined, 1, 'int32').dtype).toBe('int32');
    expect(tb.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(tb.linspace(0, 1, 1).toArray()).toEqual([0]);
    expect(tb.diag(tensor([1, 2]), 1).toArray()).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(tb.diag(tensor([[1, 2, 3], [4, 5, 6]])).toArray()).toEqual([1, 5]);
    expect(tb.diag(tensor([[1, 2, 3], [4, 5, 6]]), -1).toArray()).toEqual([4]);
  });
  it('rejects bad dims and sizes that cannot be allocated', () => {
    expect(() => zeros([-1])).toThrow(RangeError);
    expect(() => zeros([1.5])).toThrow(RangeError);
    expect(() => zeros(['2'] as never)).toThrow(TypeError);
    expect(() => zeros([1e9, 1e9])).toThrow(RangeError);
    expect(() => zeros(new Array(40).fill(1))).toThrow(RangeError);
    expect(() => tb.arange(0, 1, 0)).toThrow(RangeError);
  });
  it('rand and randn are reproducible from a seed and look right', () => {
    const a = tb.rand([1000], { seed: 7 });
    const b = tb.rand([1000], { seed: 7 });
    expect(values(a)).toEqual(values(b));
    expect(values(tb.rand([5], { seed: 8 }))).not.toEqual(values(a.slice([0, 5])));
    expect(a.min()).toBeGreaterThanOrEqual(0);
    expect(a.max()).toBeLessThan(1);
    expect(Math.abs((a.mean() as number) - 0.5)).toBeLessThan(0.05);
    const n = tb.randn([20000], { seed: 3 });
    expect(Math.abs(n.mean() as number)).toBeLessThan(0.03);
    expect(Math.abs((n.std() as number) - 1)).toBeLessThan(0.03);
    expect(tb.randn([3], { seed: 1, dtype: 'float32' }).dtype).toBe('float32');
  });
  it('concat and stack, with promotion', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6]]);
    expect(tb.concat([a, b]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(tb.concat([a, a.T], 1).toArray()).toEqual([[1, 2, 1, 3], [3, 4, 2, 4]]);
    expect(() => tb.concat([a, tensor([[1, 2, 3]])])).toThrow(ShapeError);
    expect(tb.stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(tb.stack([tensor(new Int32Array([1])), tensor(new Float32Array([2]))]).dtype).toBe('float64');
  });
  it('triu and tril, on stacks too', () => {
    const m = tb.arange(1, 10).reshape(3, 3);
    expect(tb.triu(m).toArray()).toEqual([[1, 2, 3], [0, 5, 6], [0, 0, 9]]);
    expect(tb.tril(m, -1).toArray()).toEqual([[0, 0, 0], [4, 0, 0], [7, 8, 0]]);
    expect(tb.triu(m, 1).toArray()).toEqual([[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
    const s = tb.stack([m, m]);
    expect(tb.tril(s).toArray()).toEqual([[[1, 0, 0], [4, 5, 0], [7, 8, 9]], [[1, 0, 0], [4, 5, 0], [7, 8, 9]]]);
  });
});

describe('views share memory', () => {
  it('reshape, transpose, slice, squeeze, expandDims, broadcastTo', () => {
    const t = tb.arange(24).reshape(2, 3, 4);
    const views = [t.reshape(6, 4), t.reshape(-1), t.transpose(), t.T, t.transpose(1, 0, 2), t.slice(1), t.slice(null, [null, null, -1]),
      t.expandDims(0), t.expandDims(0).squeeze(), t.slice(null, 0, null).broadcastTo([5, 2, 4]), t.ravel()];
    for (const v of views) expect(v.data).toBe(t.data);
    t.set(0, 0, 0, -1);
    expect(t.reshape(-1).get(0)).toBe(-1);
    expect(t.T.shape).toEqual([4, 3, 2]);
    expect(t.T.strides).toEqual([1, 4, 12]);
    expect(t.flatten().data).not.toBe(t.data);
  });
  it('slices like NumPy, including negative steps and indices', () => {
    const a = tb.arange(10);
    expect(a.slice([2, 8, 2]).toArray()).toEqual([2, 4, 6]);
    expect(a.slice([null, null, -1]).toArray()).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(a.slice([-3]).toArray()).toEqual([7, 8, 9]);
    expect(a.slice([8, 2, -3]).toArray()).toEqual([8, 5]);
    expect(a.slice([5, 2]).toArray()).toEqual([]);
    expect(a.slice([-100, 100]).size).toBe(10);
    const m = tb.arange(12).reshape(3, 4);
    expect(m.slice(-1).toArray()).toEqual([8, 9, 10, 11]);
    expect(m.slice(null, -1).toArray()).toEqual([3, 7, 11]);
    expect(m.slice([null, null, -2], [1, 3]).toArray()).toEqual([[9, 10], [1, 2]]);
    expect(() => m.slice(3)).toThrow(RangeError);
    expect(() => m.slice(null, null, 0)).toThrow(RangeError);
    expect(() => a.slice([0, 5, 0])).toThrow(RangeError);
  });
  it('reshape copies only when it must', () => {
    const m = tb.arange(12).reshape(3, 4);
    const t = m.T;
    const r = t.reshape(12);
    expect(r.data).not.toBe(m.data);
    expect(r.toArray()).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(m.slice(null, [0, 2]).reshape(3, 2, 1).data).toBe(m.data);
    expect(t.reshape(4, 3, 1).data).toBe(m.data);
    expect(() => m.reshape(5, 2)).toThrow(ShapeError);
    expect(() => m.reshape(-1, -1)).toThrow(RangeError);
  });
  it('isContiguous, contiguous(), toTypedArray()', () => {
    const m = tb.arange(6).reshape(2, 3);
    expect(m.isContiguous).toBe(true);
    expect(m.T.isContiguous).toBe(false);
    expect(m.contiguous()).toBe(m);
    const c = m.T.contiguous();
    expect(c.isContiguous).toBe(true);
    expect(Array.from(c.toTypedArray())).toEqual([0, 3, 1, 4, 2, 5]);
    const f = new Float64Array(4);
    expect(tensor(f).toTypedArray()).toBe(f);
  });
  it('get/set with negative indices and range checks', () => {
    const m = zeros([2, 3]);
    m.set(-1, -1, 5);
    expect(m.get(1, 2)).toBe(5);
    expect(() => m.get(2, 0)).toThrow(RangeError);
    expect(() => m.get(0)).toThrow(RangeError);
    expect(() => m.set(0, -4, 1)).toThrow(RangeError);
  });
  it('squeeze/expandDims/broadcastTo errors', () => {
    const t = zeros([2, 1]);
    expect(t.squeeze().shape).toEqual([2]);
    expect(() => t.squeeze(0)).toThrow(RangeError);
    expect(t.expandDims(-1).shape).toEqual([2, 1, 1]);
    expect(() => t.broadcastTo([3, 1])).toThrow(ShapeError);
    expect(t.broadcastTo([4, 2, 5]).strides).toEqual([0, 1, 0]);
  });
  it('astype and clone', () => {
    const t = tensor([1.7, -2.2, 3.9]);
    expect(t.astype('int32').toArray()).toEqual([1, -2, 3]);
    expect(t.astype('float32').dtype).toBe('float32');
    expect(tensor([NaN, 1e20]).astype('int32').toArray()).toEqual([-2147483648, -2147483648]);
    const c = t.clone();
    c.set(0, 9);
    expect(t.get(0)).toBe(1.7);
  });
  it('the constructor checks that every reachable element is inside the buffer', () => {
    const d = new Float64Array(6);
    expect(new Tensor(d, [2, 3]).size).toBe(6);
    expect(() => new Tensor(d, [2, 4])).toThrow(RangeError);
    expect(new Tensor(d, [3], [2], 1).size).toBe(3);
    expect(() => new Tensor(d, [3], [2], 2)).toThrow(RangeError);
    expect(new Tensor(d, [3], [-2], 5).toArray()).toEqual([0, 0, 0]);
    expect(() => new Tensor(d, [3], [-2], 3)).toThrow(RangeError);
    expect(() => new Tensor([1, 2] as never, [2])).toThrow(TypeError);
  });
});

describe('printing like NumPy', () => {
  for (const p of core.print) {
    it(`str of ${JSON.stringify(p.a.shape)} ${p.a.dtype}`, () => {
      expect(fromFixture(p.a).toString()).toBe(p.str);
    });
  }
  it('util.inspect shows the tensor', () => {
    expect(inspect(tensor([1, 2]))).toBe('tensor([1., 2.])');
    expect(inspect(tensor(new Int32Array([1, 2])))).toBe('tensor([1, 2], dtype=int32)');
  });
});
