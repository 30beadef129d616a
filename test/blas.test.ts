import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { linalg, LinAlgError, ShapeError, tensor, Tensor, zeros } from '../lib/index.js';
import { native } from '../lib/native.js';
import { expectClose, fixture, fromFixture, values } from './helpers.js';

const core = fixture('core');

/** Plain triple loop: the reference for random-layout checks. */
function naiveMatmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

describe('matmul (NumPy fixtures)', () => {
  for (const c of core.matmul) {
    it(`${JSON.stringify(c.a.shape)} @ ${JSON.stringify(c.b.shape)}`, () => {
      const r = fromFixture(c.a).matmul(fromFixture(c.b));
      expectClose(r, c.matmul, 1e-12);
      expect(tb.matmul(fromFixture(c.a), fromFixture(c.b)).shape).toEqual(c.matmul.shape);
    });
  }
  it('rejects mismatched core or batch dimensions with both shapes named', () => {
    for (const [sa, sb] of core.matmulBad as number[][][]) {
      const f = (): Tensor => zeros(sa).matmul(zeros(sb));
      expect(f).toThrow(ShapeError);
      expect(f).toThrow(`[${sa.join(',')}]`);
    }
    expect(() => zeros([2, 3]).matmul(tensor(1))).toThrow(RangeError);
  });
  it('transposed operands (views) give the right answer', () => {
    const c = core.matmulTransposed;
    const a = fromFixture(c.a);
    const b = fromFixture(c.b);
    expectClose(a.T.matmul(a), c.aT_b, 1e-12);
    expectClose(a.matmul(b.T), c.a_bT, 1e-12);
    expectClose(b.T.T.matmul(a.T), c.bT_aT, 1e-12);
  });
  it('hands transposed and row-strided operands to BLAS without copying them', () => {
    const a = tb.randn([64, 48], { seed: 3 });
    const b = tb.randn([48, 40], { seed: 4 });
    const wide = tb.randn([64, 96], { seed: 5 });
    const before = native.packedOperands();
    a.T.T.matmul(b);
    a.matmul(b.T.T);
    b.T.matmul(a.T); // both transposed: trans flags
    wide.slice(null, [0, 48]).matmul(b); // a row stride of 96 is a leading dimension
    tb.stack([a, a]).matmul(b); // a batch
    a.matmul(b.slice(null, 0)); // gemv with a strided vector
    expect(native.packedOperands()).toBe(before);
    a.slice(null, [null, null, -1]).matmul(b); // a negative column step cannot be described to BLAS
    expect(native.packedOperands()).toBe(before + 1);
  });
  it('X^T X and X X^T (the syrk path) equal the general product and are exactly symmetric', () => {
    const x = tb.randn([120, 70], { seed: 31 });
    for (const [p, q] of [[x.T, x], [x, x.T]] as const) {
      const fast = p.matmul(q);
      const general = p.contiguous().matmul(q.contiguous()); // different buffers: plain gemm
      const a = values(fast);
      const b = values(general);
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(b[i]))));
      expect(values(fast.T)).toEqual(a);
    }
    const f = x.astype('float32');
    const g = f.T.matmul(f);
    expect(g.dtype).toBe('float32');
    expect(values(g.T)).toEqual(values(g));
  });
  it('int32 and float32 keep their dtype', () => {
    const ri = fromFixture(core.matmulInt.a).matmul(fromFixture(core.matmulInt.b));
    expect(ri.dtype).toBe('int32');
    expectClose(ri, core.matmulInt.r);
    const rf = fromFixture(core.matmulFloat32.a).matmul(fromFixture(core.matmulFloat32.b));
    expect(rf.dtype).toBe('float32');
    expectClose(rf, core.matmulFloat32.r, 1e-5);
    const mixed = fromFixture(core.matmulFloat32.a).matmul(fromFixture(core.matmulFloat32.b).astype('float64'));
    expect(mixed.dtype).toBe('float64');
  });
  it('strided layouts BLAS cannot take (negative steps, step 2, broadcast) match a naive product', () => {
    const base = tb.randn([9, 8], { seed: 11 });
    const other = tb.randn([8, 12], { seed: 12 });
    const layouts: [Tensor, Tensor][] = [
      [base.slice([null, null, -1]), other],
      [base.slice([null, null, 2]), other.slice(null, [null, null, 2])],
      [base.slice(null, [null, null, -1]), other.slice([null, null, -1])],
      [base.T.slice([null, null, -1]).T, other.T.T],
      [tensor([1, 2, 3, 4, 5, 6, 7, 8]).broadcastTo([3, 8]), other],
      [base.slice([0, 1]), other.slice(null, [0, 1])],
      [base, other.slice(null, 3)],
      [base.slice(4), other],
    ];
    for (const [a, b] of layouts) {
      const r = a.matmul(b);
      const a2 = a.ndim === 1 ? [a.toArray() as number[]] : (a.toArray() as number[][]);
      const b2 = b.ndim === 1 ? (b.toArray() as number[]).map((v) => [v]) : (b.toArray() as number[][]);
      const want = naiveMatmul(a2, b2).flat();
      const got = values(r);
      expect(got.length).toBe(want.length);
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(want[i]))));
    }
  });
  it('writes into out, including a transposed (column-major) out', () => {
    const a = tb.randn([4, 3], { seed: 1 });
    const b = tb.randn([3, 5], { seed: 2 });
    const want = a.matmul(b);
    const out = zeros([5, 4]).T;
    expect(a.matmul(b, { out })).toBe(out);
    expect(values(out)).toEqual(values(want));
    const wide = zeros([4, 5]);
    a.astype('float32').matmul(b.astype('float32'), { out: wide });
    expectClose(wide, { dtype: 'float64', shape: [4, 5], data: values(want) }, 1e-5);
    expect(() => a.matmul(b, { out: zeros([4, 4]) })).toThrow(ShapeError);
  });
  it('an out that is, or overlaps, an operand gets the product, not a half-overwritten mix', () => {
    const a = tb.rand([64, 64], { seed: 4 });
    const expected = tb.matmul(a, a);
    const same = a.clone();
    expect(tb.matmul(same, same, { out: same })).toBe(same);
    expectClose(same, { dtype: 'float64', shape: [64, 64], data: expected.toArray().flat() }, 1e-12);
    // out is the memory of the transposed second operand.
    const b = a.clone();
    tb.matmul(a, b.T, { out: b });
    expectClose(b, { dtype: 'float64', shape: [64, 64], data: tb.matmul(a, a.T).toArray().flat() }, 1e-12);
    // A stack times its own first matrix (broadcast over the batch), into the stack.
    const stack = tb.rand([3, 8, 8], { seed: 5 });
    const want = tb.matmul(stack, stack.slice([0, 1]));
    tb.matmul(stack, stack.slice([0, 1]), { out: stack });
    expectClose(stack, { dtype: 'float64', shape: [3, 8, 8], data: values(want) }, 1e-12);
  });
  it('batched matmul broadcasts batch dims over stride-0 views without copying the inputs', () => {
    const a = tb.randn([1, 3, 2, 4], { seed: 5 });
    const b = tb.randn([5, 1, 4, 3], { seed: 6 });
    const r = a.matmul(b);
    expect(r.shape).toEqual([5, 3, 2, 3]);
    for (const [i, j] of [[0, 0], [4, 2], [2, 1]]) {
      const ref = a.slice(0, j).matmul(b.slice(i, 0));
      expect(values(r.slice(i, j))).toEqual(values(ref));
    }
  });
});

describe('dot, vdot, inner, outer', () => {
  for (const c of core.dot) {
    it(`dot ${JSON.stringify(c.a.shape)} . ${JSON.stringify(c.b.shape)}`, () => {
      const r = linalg.dot(fromFixture(c.a), fromFixture(c.b));
      expectClose(r, c.dot, 1e-12);
    });
  }
  it('dot of two vectors is a 0-d tensor', () => {
    const r = tensor([1, 2, 3]).dot(tensor([4, 5, 6]));
    expect(r.ndim).toBe(0);
    expect(r.item()).toBe(32);
  });
  for (const c of core.inner) {
    it(`inner ${JSON.stringify(c.a.shape)} . ${JSON.stringify(c.b.shape)}`, () => {
      expectClose(linalg.inner(fromFixture(c.a), fromFixture(c.b)), c.inner, 1e-12);
    });
  }
  it('vdot flattens and returns a number', () => {
    const v = linalg.vdot(fromFixture(core.vdot.a), fromFixture(core.vdot.b));
    expect(typeof v).toBe('number');
    expectClose(v, core.vdot.vdot, 1e-12);
    expect(() => linalg.vdot(zeros([2]), zeros([3]))).toThrow(ShapeError);
  });
  it('outer', () => expectClose(linalg.outer(fromFixture(core.outer.a), fromFixture(core.outer.b)), core.outer.outer));
});

describe('matrixPower, multiDot, trace', () => {
  const mp = core.matrixPower;
  for (const k of [0, 1, 2, 3, 5, 8]) {
    it(`matrixPower n=${k}`, () => expectClose(linalg.matrixPower(fromFixture(mp.a), k), mp[`p${k}`], 1e-12));
  }
  it('matrixPower on a stack, and its errors', () => {
    expectClose(linalg.matrixPower(fromFixture(core.matrixPowerStack.a), 3), core.matrixPowerStack.p3, 1e-12);
    expect(() => linalg.matrixPower(zeros([2, 3]), 2)).toThrow(LinAlgError);
    expect(() => linalg.matrixPower(zeros([2, 2]), 1.5)).toThrow(TypeError);
    // exponents past 2^31 (bit operations would truncate them to 1): [[1,1],[0,1]]^k = [[1,k],[0,1]], exact
    expect(linalg.matrixPower(tensor([[1, 1], [0, 1]]), 2 ** 40 + 1).toArray()).toEqual([[1, 2 ** 40 + 1], [0, 1]]);
    const err = (() => {
      try {
        linalg.matrixPower(zeros([3]), 2);
      } catch (e) {
        return e as LinAlgError;
      }
    })();
    expect(err?.code).toBe('NOT_SQUARE');
  });
  it('multiDot picks an order and matches NumPy', () => {
    const m = core.multiDot;
    expectClose(linalg.multiDot(m.vec.map(fromFixture)), m.vecR, 1e-12);
    expectClose(linalg.multiDot(m.mat.map(fromFixture)), m.matR, 1e-12);
  });
  it('trace with offsets and on stacks', () => {
    const t = core.trace;
    const a = fromFixture(t.a);
    expectClose(linalg.trace(a) as number, t.t0);
    expectClose(linalg.trace(a, 1) as number, t.t1);
    expectClose(linalg.trace(a, -1) as number, t.tm1);
    expectClose(linalg.trace(fromFixture(t.stack)) as Tensor, t.stackT);
  });
});

describe('norm: every vector ord and the non-SVD matrix ords', () => {
  const v = core.vectorNorm;
  const x = fromFixture(v.x);
  const ords: [string, number | undefined][] = [['None', undefined], ['1', 1], ['2', 2], ['inf', Infinity], ['-inf', -Infinity], ['0', 0], ['3', 3], ['0.5', 0.5], ['-1', -1], ['-2', -2]];
  for (const [key, ord] of ords) {
    it(`vector ord ${key}`, () => expectClose(linalg.norm(x, ord) as number, v[key], 1e-14));
  }
  const m = core.matrixNorm;
  const mat = fromFixture(m.x);
  const mords: [string, number | 'fro' | undefined][] = [['None', undefined], ['fro', 'fro'], ['1', 1], ['-1', -1], ['inf', Infinity], ['-inf', -Infinity]];
  for (const [key, ord] of mords) {
    it(`matrix ord ${key}`, () => expectClose(mat.norm(ord) as number, m[key], 1e-14));
  }
  it('norms along axes, with keepdims', () => {
    const n = core.normAxis;
    const t = fromFixture(n.x);
    expectClose(linalg.norm(t, undefined, 2) as Tensor, n.ax2, 1e-14);
    expectClose(linalg.norm(t, 1, 0) as Tensor, n.ax0_ord1, 1e-14);
    expectClose(linalg.norm(t, Infinity, 1, true) as Tensor, n.ax1_inf_keep, 1e-14);
    expectClose(linalg.norm(t, 'fro', [1, 2]) as Tensor, n.ax12_fro, 1e-14);
    expectClose(linalg.norm(t, 1, [2, 1]) as Tensor, n.ax21_1, 1e-14);
    expectClose(linalg.norm(t, Infinity, [0, 2]) as Tensor, n.ax02_inf, 1e-14);
    expectClose(linalg.norm(t, -1, [1, 2], true) as Tensor, n.ax12_m1_keep, 1e-14);
    expectClose(linalg.norm(t, -Infinity, [1, 0]) as Tensor, n.ax10_minf, 1e-14);
    expectClose(linalg.norm(t) as number, n.all, 1e-14);
  });
  it('rejects bad ords and axes', () => {
    expect(() => linalg.norm(zeros([3]), 'fro')).toThrow(RangeError);
    expect(() => linalg.norm(zeros([2, 2]), 3)).toThrow(RangeError);
    expect(() => linalg.norm(zeros([2, 2, 2]), 1)).toThrow(RangeError);
    expect(() => linalg.norm(zeros([2, 2]), 1, [0, 0])).toThrow(RangeError);
    expect(() => linalg.norm(zeros([2, 2]), 1, 2)).toThrow(RangeError);
  });
});
