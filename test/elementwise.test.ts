import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { ShapeError, tensor, Tensor, zeros } from '../lib/index.js';
import { expectClose, fixture, fromFixture, values, type FixtureArray } from './helpers.js';
import { overlapOf, writesDirectly } from '../lib/out.js';

const core = fixture('core');
type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';

describe('broadcasting (NumPy fixtures)', () => {
  for (const c of core.broadcast.cases) {
    const label = `${JSON.stringify(c.a.shape)} with ${JSON.stringify(c.b.shape)}`;
    it(label, () => {
      const a = fromFixture(c.a);
      const b = fromFixture(c.b);
      for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as BinaryName[]) {
        expectClose(a[op](b), c.results[op]);
        expectClose(tb[op](a, b), c.results[op]);
      }
      expectClose(fromFixture(c.powA).pow(b), c.results.pow, 1e-12);
    });
  }

  it('rejects incompatible shapes with a ShapeError naming both', () => {
    for (const [sa, sb] of core.broadcast.bad as number[][][]) {
      const f = (): Tensor => zeros(sa).add(zeros(sb));
      expect(f).toThrow(ShapeError);
      expect(f).toThrow(`operands could not be broadcast together with shapes [${sa.join(',')}] [${sb.join(',')}]`);
    }
  });

  it('broadcasts a strided, negatively-stepped view', () => {
    const m = tb.arange(12).reshape(3, 4);
    const v = m.slice(null, [null, null, -1]); // columns reversed
    const r = v.add(tensor([100, 200, 300, 400]));
    expect(r.toArray()).toEqual([[103, 202, 301, 400], [107, 206, 305, 404], [111, 210, 309, 408]]);
    const t = m.T.mul(tensor([[1], [10], [100], [1000]]));
    expect(t.toArray()).toEqual([[0, 4, 8], [10, 50, 90], [200, 600, 1000], [3000, 7000, 11000]]);
  });
});

describe('dtype promotion (NumPy 2)', () => {
  for (const c of core.promotion) {
    it(`${c.a.dtype} with ${c.b.dtype}`, () => {
      const a = fromFixture(c.a);
      const b = fromFixture(c.b);
      const sum = a.add(b);
      expect(sum.dtype).toBe(c.add.dtype);
      expectClose(sum, c.add);
      expect(a.div(b).dtype).toBe(c.div.dtype === 'float64' ? 'float64' : c.div.dtype);
      expectClose(a.div(b), c.div, 1e-6);
      expectClose(a.mul(b), c.mul);
    });
  }
  for (const c of core.scalarPromotion) {
    it(`${c.a.dtype} with the weak scalar ${c.scalar}`, () => {
      const a = fromFixture(c.a);
      expect(a.add(c.scalar).dtype).toBe(c.add.dtype);
      expectClose(a.add(c.scalar), c.add, 1e-6);
      expectClose(a.mul(c.scalar), c.mul, 1e-6);
      expect(a.div(c.scalar).dtype).toBe(c.div.dtype);
      expectClose(a.div(c.scalar), c.div, 1e-6);
      expectClose(tb.sub(c.scalar, a), c.rsub, 1e-6);
    });
  }
  it('int32 arithmetic wraps like NumPy and int powers stay exact', () => {
    const w = fromFixture(core.intWrap.a);
    expectClose(w.add(1), core.intWrap.add1);
    expectClose(w.neg(), core.intWrap.neg);
    const p = fromFixture(core.intPow.a).pow(fromFixture(core.intPow.b));
    expect(p.dtype).toBe('int32');
    expectClose(p, core.intPow.pow);
  });
  it('int32 to a negative int32 power is a RangeError, as in NumPy', () => {
    const a = tensor(new Int32Array([2, 3]));
    expect(() => a.pow(-1)).toThrow(RangeError);
    expect(() => a.pow(tensor(new Int32Array([1, -1])))).toThrow(RangeError);
  });
  it('int32 plus an integer outside int32 range is a RangeError', () => {
    expect(() => tensor(new Int32Array([1])).add(2 ** 40)).toThrow(RangeError);
  });
});

describe('unary operations', () => {
  const u = core.unary;
  const x = fromFixture(u.x);
  const xp = fromFixture(u.xpos);
  for (const op of ['neg', 'abs', 'exp', 'square', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'sign'] as const) {
    it(op, () => expectClose(x[op](), u[op], 1e-15));
  }
  it('log and sqrt', () => {
    expectClose(xp.log(), u.log, 1e-15);
    expectClose(xp.sqrt(), u.sqrt, 1e-15);
  });
  it('clip', () => expectClose(x.clip(-1.5, 1.5), u.clip));
  it('clip passes NaN through and clamps infinities, contiguous and strided, in each float dtype (as numpy.clip)', () => {
    const pattern = [NaN, -Infinity, Infinity, -2, 0.25, 3, -0, 1];
    const data = Array.from({ length: 400 }, (_, i) => pattern[i % pattern.length]);
    const want = data.map((v) => (Number.isNaN(v) ? NaN : Math.min(1, Math.max(-1, v))));
    for (const dtype of ['float64', 'float32'] as const) {
      const t = tensor(data, { dtype });
      expect(t.clip(-1, 1).toArray(), dtype).toEqual(want);
      expect(t.slice([0, 400, 2]).clip(-1, 1).toArray(), dtype).toEqual(want.filter((_, i) => i % 2 === 0));
    }
  });
  it('float32 input stays float32', () => {
    const f = tensor(new Float32Array([0.5, 1, 2]));
    expect(f.exp().dtype).toBe('float32');
    expectClose(f.exp(), { dtype: 'float32', shape: [3], data: [Math.exp(0.5), Math.exp(1), Math.exp(2)] }, 1e-6);
  });
  it('int32 input: float functions give float64, the rest stay int32', () => {
    const c = core.unaryInt;
    const xi = fromFixture(c.x);
    expect(xi.exp().dtype).toBe('float64');
    expectClose(xi.exp(), c.exp, 1e-15);
    expectClose(xi.abs().sqrt(), c.sqrt, 1e-15);
    expect(xi.abs().dtype).toBe('int32');
    expectClose(xi.abs(), c.abs);
    expectClose(xi.square(), c.square);
    expect(xi.clip(-1, 5).dtype).toBe('int32');
    expectClose(xi.clip(-1, 5), c.clip);
    expect(xi.clip(-1.5, 5).dtype).toBe('float64');
  });
  it('softmax and logSumExp are stable', () => {
    const s = fromFixture(core.softmax.x);
    expectClose(s.softmax(), core.softmax['axis-1'], 1e-14);
    expectClose(s.softmax(0), core.softmax.axis0, 1e-14);
    const big = fromFixture(core.logSumExp.x);
    expectClose(big.logSumExp(1) as Tensor, core.logSumExp.axis1, 1e-14);
    expectClose(big.logSumExp() as number, core.logSumExp.all, 1e-14);
  });
});

describe('out argument', () => {
  it('writes into the caller tensor and returns it', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const out = zeros([2, 2]);
    const r = a.add(tensor([10, 20]), { out });
    expect(r).toBe(out);
    expect(out.toArray()).toEqual([[11, 22], [13, 24]]);
    a.mul(2, { out: a }); // in place
    expect(a.toArray()).toEqual([[2, 4], [6, 8]]);
  });
  it('writes into a strided view of a larger tensor', () => {
    const big = zeros([3, 4]);
    tensor([1, 2, 3]).exp({ out: big.slice(null, 1) });
    expectClose(big.slice(null, 1), { dtype: 'float64', shape: [3], data: [Math.E, Math.exp(2), Math.exp(3)] }, 1e-15);
    expect(values(big.slice(null, 0))).toEqual([0, 0, 0]);
  });
  it('a float64 out takes a float32 or int32 result as NumPy does: rounded (or wrapped) in its dtype, then cast', () => {
    // np.multiply(np.float32(3e38), 3, out=np.zeros(1)) is inf; np.add(int32 max, 1, out=f64) is -2**31.
    for (const n of [1, 300]) { // a JS-sized and a native-sized result, each through a temporary
      const f = tb.full([n], 3e38, 'float32');
      const wide = zeros([n]);
      f.mul(3, { out: wide });
      expect(wide.get(0)).toBe(Infinity);
      tb.sqrt(tb.full([n], 2, 'float32'), { out: wide });
      expect(wide.get(n - 1)).toBe(Math.fround(Math.SQRT2));
      const i = tb.full([n], 2 ** 31 - 1, 'int32');
      i.add(tb.ones([n], 'int32'), { out: wide });
      expect(wide.get(n - 1)).toBe(-(2 ** 31));
    }
  });
  it('an out that overlaps an input gives what NumPy gives (as if computed into fresh memory)', () => {
    const m = tb.arange(9).astype('float64').reshape(3, 3);
    const expected = m.add(m.T).toArray();
    const a = m.clone();
    expect(a.add(a.T, { out: a })).toBe(a); // the classic m += m.T
    expect(a.toArray()).toEqual(expected);
    // A shifted view: out[1:] = -x[:-1] reads elements the loop has already written.
    const v = tb.arange(10).astype('float64');
    v.slice([0, 9]).neg({ out: v.slice([1, 10]) });
    expect(values(v)).toEqual([0, -0, -1, -2, -3, -4, -5, -6, -7, -8]);
    // Row 0 broadcast against the whole matrix it lives in.
    const b = m.clone();
    b.sub(b.slice([0, 1]), { out: b });
    expect(b.toArray()).toEqual([[0, 0, 0], [3, 3, 3], [6, 6, 6]]);
    // Reversed view of itself.
    const r = tb.arange(5).astype('float64');
    r.add(r.slice([null, null, -1]), { out: r });
    expect(values(r)).toEqual([4, 4, 4, 4, 4]);
    // Exactly the input (in place).
    const c = m.clone();
    c.mul(2, { out: c });
    expect(c.toArray()).toEqual([[0, 2, 4], [6, 8, 10], [12, 14, 16]]);
  });
  it('an out aliasing an input through another SharedArrayBuffer object over the same memory is detected', () => {
    const sab = new SharedArrayBuffer(8 * 4);
    const a = new Tensor(new Float64Array(sab), [4]);
    a.data.set([1, 2, 3, 4]);
    // structuredClone gives a second SharedArrayBuffer object over the same memory: only the
    // native address comparison can see that twin is a[1:].
    const twin = new Tensor(new Float64Array(structuredClone(sab), 8, 3), [3]);
    expect(twin.data.buffer).not.toBe(a.data.buffer);
    a.slice([0, 3]).neg({ out: twin });
    expect(values(a)).toEqual([1, -1, -2, -3]);
  });
  it('an out that reaches one element twice (broadcast, sliding window) is a RangeError', () => {
    const row = tensor([1, 2, 3]);
    const wide = row.broadcastTo([2, 3]);
    expect(() => tb.add(wide, 1, { out: wide })).toThrow(RangeError);
    expect(() => tb.mul(wide, wide, { out: wide })).toThrow(RangeError);
    const window = new Tensor(new Float64Array([1, 2, 3, 4]), [3, 2], [1, 1]);
    expect(() => window.mul(10, { out: window })).toThrow(/more than once/);
    expect(() => tb.matmul(tb.ones([2, 2]), tb.ones([2, 3]), { out: wide })).toThrow(RangeError);
    expect(values(row)).toEqual([1, 2, 3]); // untouched
  });
  it('overlapOf tells none, same and partial apart (the rule behind every out)', () => {
    const m = tb.arange(12).astype('float64').reshape(3, 4);
    expect(overlapOf(m, m)).toBe('same');
    expect(overlapOf(m, m.clone())).toBe('none');
    expect(overlapOf(m.slice([0, 1]), m.slice([1, 3]))).toBe('none'); // disjoint rows of one buffer
    expect(overlapOf(m.slice([0, 2]), m.slice([1, 3]))).toBe('partial');
    expect(overlapOf(m, m.slice([null, null, -1]))).toBe('partial'); // reversed rows
    expect(overlapOf(m.reshape(4, 3), m.reshape(3, 4).T)).toBe('partial'); // same start, other strides
    expect(overlapOf(m, m.slice([0, 1]), true)).toBe('partial'); // row 0 broadcast over m
    expect(overlapOf(m.slice([0, 1]), m.slice([0, 1]).reshape(4), true)).toBe('same'); // broadcast to itself
    expect(overlapOf(m.slice([0, 0]), m)).toBe('none'); // empty
    const f32 = new Tensor(new Float32Array(m.data.buffer, m.data.byteOffset, 24), [24]);
    expect(overlapOf(m.reshape(12), f32)).toBe('partial'); // another dtype over the same bytes
    expect(writesDirectly(m, [m], { elementwise: true })).toBe(true);
    expect(writesDirectly(m, [m], {})).toBe(false); // a product may not write over its operand
    expect(writesDirectly(m, [m.clone()], { dtype: 'float32' })).toBe(false);
  });
  it('rejects a wrong shape or an unsafe cast', () => {
    expect(() => tensor([1, 2]).add(1, { out: zeros([3]) })).toThrow(ShapeError);
    expect(() => tensor([1, 2]).add(1, { out: zeros([2], 'float32') })).toThrow(TypeError);
    expect(() => tensor([1, 2]).add(1, { out: zeros([2], 'int32') })).toThrow(TypeError);
    const wide = zeros([2]);
    tensor(new Float32Array([1.5, 2.5])).add(1, { out: wide });
    expect(values(wide)).toEqual([2.5, 3.5]);
  });
});

describe('large arrays take the parallel path and stay exact', () => {
  it('adds 3e6 elements with a broadcast row', () => {
    const n = 3_000_000;
    const a = tb.arange(n).reshape(1000, 3000);
    const r = a.add(tb.arange(3000));
    expect(r.get(0, 0)).toBe(0);
    expect(r.get(999, 2999)).toBe(999 * 3000 + 2999 + 2999);
    expect(r.get(500, 17)).toBe(500 * 3000 + 17 + 17);
    expect(r.sum()).toBe((n * (n - 1)) / 2 + 1000 * ((3000 * 2999) / 2));
  });
});

it('rejects non-tensor operands with TypeError', () => {
  expect(() => tb.add('x' as unknown as Tensor, 1)).toThrow(TypeError);
  expect(() => tensor([1]).add({} as unknown as Tensor)).toThrow(TypeError);
});

export type { FixtureArray };
