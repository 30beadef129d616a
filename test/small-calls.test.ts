// The small-call fast paths (JS loops instead of a crossing into C++, and the lean BLAS dot) must
// give what the native loops give, bit for bit: every case is computed twice, once on small
// contiguous tensors (the fast path) and once on the same values as strided views (the native
// loops), and the results compared element by element with Object.is (so -0 and NaN count).
import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { Tensor, tensor } from '../lib/index.js';
import type { DType } from '../lib/index.js';
import { native } from '../lib/native.js';
import { jsExpAgrees } from '../lib/elementwise.js';

const SPECIAL = [0, -0, 1, -1, 0.1, -2.5, 1e308, -1e308, 1e-310, Infinity, -Infinity, NaN, 3.4028235e38, 2 ** 31 - 1, -(2 ** 31), 7, 65537];
const INT_SPECIAL = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 65537, -65537, 46341, 7, -3, 123456789, 2];

function values(dtype: DType, n: number, seed: number): number[] {
  const base = dtype === 'int32' ? INT_SPECIAL : SPECIAL;
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(i < base.length ? base[(i + seed) % base.length] : dtype === 'int32' ? (s % 2001) - 1000 : (s / 2147483648 - 0.5) * 10 ** ((s % 7) - 3));
  }
  return out;
}

/** A small contiguous tensor and a strided view (every other element of a buffer twice as long) with the same values. */
function pair(dtype: DType, n: number, seed: number): [Tensor, Tensor] {
  const v = values(dtype, n, seed);
  const fast = tensor(v, { dtype });
  const wide = tb.zeros([2 * n], dtype);
  for (let i = 0; i < n; i++) wide.data[2 * i] = v[i];
  const strided = wide.slice([0, 2 * n, 2]);
  expect(strided.isContiguous).toBe(n <= 1);
  return [fast, strided];
}

function sameBits(a: Tensor | number, b: Tensor | number): void {
  if (typeof a === 'number' || typeof b === 'number') {
    expect(Object.is(a, b), `${String(a)} vs ${String(b)}`).toBe(true);
    return;
  }
  expect(a.dtype).toBe(b.dtype);
  expect(a.shape).toEqual(b.shape);
  // clone(): a fresh array of exactly the tensor's elements (contiguous() keeps an offset view's buffer).
  const x = a.clone().data, y = b.clone().data;
  expect(x.length).toBe(a.size);
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) expect(`${i}: ${x[i]}`).toBe(`${i}: ${y[i]}`);
  }
}

const DTYPES: DType[] = ['float64', 'float32', 'int32'];

/** Runs `body` with a native elementwise entry wrapped to count its calls, to see which path ran. */
function withCrossings(entry: 'binary' | 'unary', body: (crossings: { n: number }) => void): void {
  const original = native[entry];
  const crossings = { n: 0 };
  native[entry] = ((...args: unknown[]) => {
    crossings.n++;
    return (original as (...a: unknown[]) => unknown)(...args);
  }) as typeof original;
  try {
    body(crossings);
  } finally {
    native[entry] = original;
  }
}
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;
const SCALARS = [0, -0, 0.1, 3, -7, 2.5, NaN, Infinity, 1e40, 2 ** 31 - 1];

describe('small elementwise calls computed in JS', () => {
  it.each(BINARY)('%s matches the native loops for every dtype pair and weak scalar', (op) => {
    for (const da of DTYPES) {
      for (const db of DTYPES) {
        for (const n of [1, 5, 16, 37]) {
          const [a, as] = pair(da, n, 1);
          const [b, bs] = pair(db, n, 2);
          sameBits(tb[op](a, b), tb[op](as, bs));
        }
      }
      const [a, as] = pair(da, 16, 3);
      for (const s of SCALARS) {
        // int32 with a fractional or out-of-range scalar is float64 or an error: the same either way.
        let fast: Tensor;
        try {
          fast = tb[op](a, s);
        } catch (e) {
          expect(() => tb[op](as, s)).toThrow((e as Error).constructor as never);
          continue;
        }
        sameBits(fast, tb[op](as, s));
        sameBits(tb[op](s, a), tb[op](s, as));
      }
    }
  });

  it.each(['neg', 'abs', 'square', 'sqrt', 'relu', 'sign'] as const)('%s matches the native loop', (op) => {
    for (const d of DTYPES) {
      const [a, as] = pair(d, 37, 4);
      sameBits(a[op](), as[op]());
    }
  });

  it('{ out } takes the JS path too: the native bits, into an offset view or in place, and NumPy\'s result where out overlaps an input', () => {
    withCrossings('binary', (crossings) => {
      for (const op of BINARY) {
        for (const da of DTYPES) {
          for (const db of DTYPES) {
            const [a, as] = pair(da, 16, 5);
            const [b, bs] = pair(db, 16, 6);
            const want = tb[op](as, bs);
            const out = tb.zeros([19], want.dtype).slice([2, 18]); // contiguous, at an offset
            crossings.n = 0;
            expect(tb[op](a, b, { out })).toBe(out);
            expect(crossings.n, `${op} ${da} ${db}`).toBe(0);
            sameBits(out, want);
          }
        }
        // In place: out is the first operand, the second, or both, for every dtype.
        for (const d of DTYPES) {
          if (op === 'div' && d === 'int32') continue; // a float64 result: no int32 out takes it
          const [a, as] = pair(d, 16, 7);
          const [b, bs] = pair(d, 16, 8);
          const wantAS = tb[op](as, 3), wantAB = tb[op](as, bs), wantAA = tb[op](as, as);
          const x = a.clone(), y = b.clone(), z = a.clone(), w = a.clone();
          crossings.n = 0;
          tb[op](x, 3, { out: x });
          tb[op](w, y, { out: y });
          tb[op](z, z, { out: z });
          expect(crossings.n, `${op} ${d}`).toBe(0);
          sameBits(x, wantAS);
          sameBits(y, wantAB);
          sameBits(z, wantAA);
        }
      }
      // Operands and out over one user ArrayBuffer at other byte offsets (no slab, no cached base):
      // apart, the JS path writes out and leaves the operand alone; shifted by one element, NumPy's
      // copy semantics through a temporary.
      const buffer = new ArrayBuffer(8 * 12);
      const user = new Float64Array(buffer, 8, 11);
      user.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const lo = new Tensor(new Float64Array(buffer, 8, 4), [4]);
      const hi = new Tensor(new Float64Array(buffer, 48, 4), [4]);
      crossings.n = 0;
      tb.add(lo, 100, { out: hi });
      expect(crossings.n).toBe(0);
      expect(Array.from(user)).toEqual([1, 2, 3, 4, 5, 101, 102, 103, 104, 10, 11]);
      const shifted = new Tensor(new Float64Array(buffer, 16, 4), [4]);
      tb.mul(lo, 2, { out: shifted });
      expect(Array.from(user.subarray(0, 5))).toEqual([1, 2, 4, 6, 8]);
      // A disposed out is refused on the JS path as on the native one.
      const gone = tensor([1, 2, 3]);
      gone.dispose();
      expect(() => tb.add(tensor([1, 2, 3]), 1, { out: gone })).toThrow(TypeError);
      // Overlapping out (shifted by one element): computed as into fresh memory, then copied.
      const buf = tensor([1, 2, 3, 4, 5, 6]);
      tb.add(buf.slice([0, 5]), 10, { out: buf.slice([1, 6]) });
      expect(buf.toArray()).toEqual([1, 11, 12, 13, 14, 15]);
      // A wider out than the result (float32 into float64) and a strided out go to native code, same values.
      const [f, fs] = pair('float32', 16, 8);
      const wide = tb.zeros([16]);
      crossings.n = 0;
      tb.mul(f, 3, { out: wide });
      expect(crossings.n).toBe(1);
      sameBits(wide, tb.mul(fs, 3).astype('float64'));
      const strided = tb.zeros([32]).slice([0, 32, 2]);
      crossings.n = 0;
      tb.sub(tb.tensor([1, 2]), 1, { out: strided.slice([0, 2]) });
      expect(crossings.n).toBe(1);
      expect(strided.slice([0, 2]).toArray()).toEqual([0, 1]);
    });
  });

  it('unary { out } takes the JS path too: the native bits, into an offset view and in place', () => {
    expect(jsExpAgrees()).toBe(true); // its one-time probe runs natively: before counting
    withCrossings('unary', (crossings) => {
      for (const op of ['neg', 'abs', 'square', 'sqrt', 'relu', 'sign', 'exp'] as const) {
        for (const d of DTYPES) {
          if (op === 'exp' && d !== 'float64') continue; // float64 exp only runs in JS
          const [a, as] = pair(d, 16, 9);
          const want = tb[op](as);
          const out = tb.zeros([19], want.dtype).slice([2, 18]);
          crossings.n = 0;
          expect(tb[op](a, { out })).toBe(out);
          if (want.dtype === d) expect(crossings.n, `${op} ${d}`).toBe(0); // else a cast: native
          sameBits(out, want);
          if (want.dtype !== d) continue;
          const x = a.clone();
          crossings.n = 0;
          tb[op](x, { out: x });
          expect(crossings.n).toBe(0);
          sameBits(x, want);
        }
      }
      // Overlapping by one element: NumPy's copy semantics, through a temporary.
      const buf = tensor([1, -2, 3, -4, 5]);
      tb.neg(buf.slice([0, 4]), { out: buf.slice([1, 5]) });
      expect(buf.toArray()).toEqual([1, -1, 2, -3, 4]);
      // A strided out goes to native code.
      const strided = tb.zeros([8]).slice([0, 8, 2]);
      crossings.n = 0;
      tb.neg(tensor([1, 2, 3, 4]), { out: strided });
      expect(crossings.n).toBe(1);
      expect(strided.toArray()).toEqual([-1, -2, -3, -4]);
    });
  });

  it('a copy and broadcasting still go through the general path', () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(a.add(tensor([10, 20])).toArray()).toEqual([[11, 22], [13, 24]]);
    expect(a.T.add(1).toArray()).toEqual([[2, 4], [3, 5]]);
    expect(tb.zeros([200]).add(1).sum()).toBe(200); // past the JS size limit
  });

  it('results are fresh, C-contiguous tensors that share nothing with the operands', () => {
    const a = tensor([1, 2, 3]);
    const r = a.add(a);
    expect(r.strides).toEqual([1]);
    r.data[r.offset] = 99;
    expect(a.toArray()).toEqual([1, 2, 3]);
  });
});

describe('small sums in JS', () => {
  it('sum and mean match the native pairwise order for every length up to the limit', () => {
    for (const d of DTYPES) {
      for (let n = 1; n <= 140; n++) {
        const [a, as] = pair(d, n, n);
        const finite = (t: Tensor): Tensor => (d === 'int32' ? t : t.clip(-1e6, 1e6)); // keep sums finite and order-sensitive
        sameBits(finite(a).sum(), finite(as).sum());
        sameBits(finite(a).mean(), finite(as).mean());
      }
    }
  });

  it('sums of special values', () => {
    expect(Object.is(tensor([-0]).sum(), 0)).toBe(true); // the accumulator starts at +0, as NumPy's does
    expect(tensor([1, NaN]).sum()).toBeNaN();
    expect(tensor([Infinity, -Infinity]).sum()).toBeNaN();
    expect(tensor([0.1, 0.2], { dtype: 'float32' }).sum()).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  });
});

describe('small matrix products in JS', () => {
  it('matmul matches the native loop (dtypes, shapes, transposed and offset operands)', () => {
    for (const d of DTYPES) {
      for (const [m, k, n] of [[4, 4, 4], [3, 5, 2], [1, 7, 6], [6, 7, 1], [12, 12, 12], [2, 1, 3]]) {
        const [a] = pair(d, m * k, 5);
        const [b] = pair(d, k * n, 6);
        const A = a.reshape(m, k), B = b.reshape(k, n);
        const fast = A.matmul(B);
        // Through a batch axis, the product takes the native path with the same layouts.
        const slow = A.expandDims(0).matmul(B).squeeze(0);
        sameBits(fast.clip(-Infinity, Infinity), slow.clip(-Infinity, Infinity));
        // Transposed operands: strides, not copies.
        sameBits(B.T.matmul(A.T), B.T.expandDims(0).matmul(A.T).squeeze(0));
      }
    }
  });

  it('vector @ matrix and matrix @ vector match the general path (JS loop and BLAS sizes)', () => {
    for (const d of DTYPES) {
      for (const [k, n] of [[4, 4], [7, 3], [768, 16], [300, 1], [1, 300]]) {
        const [x] = pair(d, k, 7);
        const [w] = pair(d, k * n, 8);
        const W = w.reshape(k, n);
        const finite = (t: Tensor): Tensor => t.clip(-Infinity, Infinity);
        // A batch axis sends the same product down the general path.
        sameBits(finite(x.matmul(W)), finite(x.expandDims(0).expandDims(0).matmul(W).squeeze(0).squeeze(0)));
        sameBits(finite(W.T.matmul(x)), finite(W.T.expandDims(0).matmul(x.expandDims(1)).squeeze(0).squeeze(1)));
      }
    }
    expect(tensor([1, 2]).matmul(tensor([[1, 2], [3, 4]])).toArray()).toEqual([7, 10]);
    expect(tensor([[1, 2], [3, 4]]).matmul(tensor([1, 1])).toArray()).toEqual([3, 7]);
    expect(() => tensor([1, 2, 3]).matmul(tensor([[1, 2], [3, 4]]))).toThrow(/not aligned/);
  });

  it('matmul of a 4x4 gives the textbook product', () => {
    const a = tensor([[1, 2, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [3, 0, 0, 1]]);
    expect(a.matmul(a).toArray()).toEqual([[1, 4, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [6, 6, 0, 1]]);
  });
});

describe('the lean vector dot (dot, norm, cosine)', () => {
  it('dot of vectors equals the native matmul of a row and a column', () => {
    for (const d of ['float64', 'float32'] as const) {
      for (const n of [0, 1, 3, 768, 5000]) {
        const a = tb.rand([n], { seed: 1, dtype: d }), b = tb.rand([n], { seed: 2, dtype: d });
        const viaMatmul = a.reshape(1, n).matmul(b.reshape(n, 1)).item();
        sameBits(tb.dot(a, b).item(), viaMatmul);
        // reversed and strided views go to BLAS as increments
        const r = a.slice([null, null, -1]), s = b.slice([null, null, -1]);
        expect(tb.dot(r, s).item()).toBeCloseTo(viaMatmul, d === 'float32' ? 2 : 9);
      }
    }
  });

  it('linalg.norm of a vector is sqrt(x . x), rounded to float32 for float32 input', () => {
    expect(tb.linalg.norm(tensor([3, 4]))).toBe(5);
    const x = tb.rand([768], { seed: 3, dtype: 'float32' });
    const dot = tb.dot(x, x).item();
    expect(tb.linalg.norm(x)).toBe(Math.fround(Math.sqrt(dot)));
    expect(tb.linalg.norm(tb.rand([5, 7], { seed: 4 }))).toBeCloseTo(Math.sqrt(tb.rand([5, 7], { seed: 4 }).square().sum()), 12);
  });

  it('cosine uses three dot products, as SciPy does', () => {
    const u = tb.rand([768], { seed: 5 }), v = tb.rand([768], { seed: 6 });
    const uv = tb.dot(u, v).item(), uu = tb.dot(u, u).item(), vv = tb.dot(v, v).item();
    expect(tb.distance.cosine(u, v)).toBe(Math.min(2, Math.max(0, 1 - uv / Math.sqrt(uu * vv))));
    expect(tb.distance.cosine(u, u)).toBe(0);
    expect(tb.distance.cosine(tensor([1, 0]), tensor([-1, 0]))).toBe(2);
  });
});

describe('views', () => {
  it('T reverses shape and strides without copying', () => {
    const a = tb.arange(24).reshape(2, 3, 4);
    const t = a.T;
    expect(t.shape).toEqual([4, 3, 2]);
    expect(t.strides).toEqual([1, 4, 12]);
    expect(t.data).toBe(a.data);
    expect(t.slice(1).toArray()).toEqual([[1, 13], [5, 17], [9, 21]]);
  });
});

describe('transposed copies (the tiled pass, streaming into fresh memory from 2 MiB)', () => {
  it.each([[37, 53], [1000, 300], [300, 1001]])('a %ix%i transposed, copied and cast, holds a[j, i]', (m, n) => {
    const a = tb.arange(m * n).reshape(m, n);
    for (const t of [a.T.contiguous(), a.T.astype('float32'), a.T.clone()]) {
      expect(t.shape).toEqual([n, m]);
      expect(t.isContiguous).toBe(true);
      for (const [i, j] of [[0, 0], [n - 1, m - 1], [n >> 1, m >> 1], [n - 1, 0], [0, m - 1], [n - 3, m - 7]]) {
        expect(t.get(i, j)).toBe(j * n + i);
      }
      if (t.dtype === 'float64') expect(t.sum()).toBe(((m * n - 1) * m * n) / 2); // float32 sums round
    }
  });
});

describe('unary ops on contiguous inputs of any shape (one run of elements)', () => {
  it('exp of a contiguous 2-D block, a row view with an offset, and a strided view agree', () => {
    const a = tb.arange(24).reshape(4, 6).div(10);
    const row = a.slice(2); // contiguous, offset 12
    expect(row.isContiguous).toBe(true);
    const viaStrided = a.T.exp().T; // the general strided path
    sameBits(a.exp(), viaStrided.contiguous());
    sameBits(row.exp(), a.T.slice(null, 2).exp());
    sameBits(a.reshape(2, 3, 4).tanh().reshape(4, 6), a.T.tanh().T.contiguous());
  });
});
