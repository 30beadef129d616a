import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as tb from '../lib/index.js';
import { linalg, LinAlgError, ShapeError, tensor, Tensor } from '../lib/index.js';
import { expectClose, fixture, fromFixture, maxRelErr, num, values, type FixtureArray } from './helpers.js';

const lp = fixture('lapack');
const tolFor = (t: Tensor | FixtureArray): number => ((t as Tensor).dtype ?? (t as FixtureArray).dtype) === 'float32' ? 2e-4 : 1e-10;

/** max |x - y| over all elements, relative to max(1, |y|). */
function linAlgCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LinAlgError);
    return (e as LinAlgError).code;
  }
  return undefined;
}

const eyeLike = (n: number, dtype: 'float64' | 'float32'): Tensor => tb.eye(n, null, { dtype });

describe('solve and inv (gesv)', () => {
  for (const c of lp.solve) {
    it(`solve ${JSON.stringify(c.a.shape)} x = ${JSON.stringify(c.b.shape)}`, () => {
      const x = linalg.solve(fromFixture(c.a), fromFixture(c.b));
      expect(x.dtype).toBe(c.x.dtype);
      expectClose(x, c.x, tolFor(c.x));
    });
  }
  for (const c of lp.inv) {
    it(`inv ${JSON.stringify(c.a.shape)} ${c.a.dtype}`, () => {
      const a = fromFixture(c.a);
      const r = linalg.inv(a);
      expect(r.dtype).toBe(c.a.dtype === 'int32' ? 'float64' : c.a.dtype);
      expect(r.isContiguous).toBe(true);
      expectClose(r, c.inv, c.a.dtype === 'float32' ? 1e-5 : 1e-10);
    });
  }
  it('a singular matrix is a LinAlgError SINGULAR', () => {
    const s = tensor([[1, 2], [2, 4]]);
    expect(linAlgCode(() => linalg.inv(s))).toBe('SINGULAR');
    expect(linAlgCode(() => linalg.solve(s, tensor([1, 2])))).toBe('SINGULAR');
    // one singular matrix in a stack fails the call, as in NumPy
    expect(linAlgCode(() => linalg.inv(tb.stack([tb.eye(2), s])))).toBe('SINGULAR');
  });
  it('non-square and mismatched shapes', () => {
    expect(linAlgCode(() => linalg.inv(tb.zeros([2, 3])))).toBe('NOT_SQUARE');
    expect(linAlgCode(() => linalg.inv(tb.zeros([3])))).toBe('NOT_SQUARE');
    expect(() => linalg.solve(tb.eye(3), tb.zeros([2]))).toThrow(ShapeError);
    expect(() => linalg.solve(tb.zeros([2, 3, 3]), tb.zeros([4, 3, 1]))).toThrow(ShapeError);
  });
  it('transposed and strided inputs give the same answer as contiguous ones', () => {
    const a = tb.randn([5, 5], { seed: 9 }).add(tb.eye(5).mul(5));
    const at = a.T.contiguous().T; // same values, Fortran layout
    expect(maxRelErr(linalg.inv(at), linalg.inv(a))).toBeLessThan(1e-14);
    const big = tb.randn([10, 10], { seed: 10 }).add(tb.eye(10).mul(10));
    const view = big.slice([null, null, 2], [null, null, -2]);
    expect(maxRelErr(linalg.inv(view), linalg.inv(view.clone()))).toBeLessThan(1e-14);
    const b = tb.randn([5, 3], { seed: 11 });
    expect(maxRelErr(linalg.solve(at, b.T.contiguous().T), linalg.solve(a, b))).toBeLessThan(1e-13);
  });
  it('{ out } receives inv and solve: reused, strided, stacked, vector right-hand sides, in place', () => {
    for (const c of lp.inv) {
      const a = fromFixture(c.a);
      const dtype = c.a.dtype === 'int32' ? 'float64' : c.a.dtype;
      const tol = c.a.dtype === 'float32' ? 1e-5 : 1e-10;
      const out = tb.zeros(a.shape, dtype);
      expect(linalg.inv(a, { out })).toBe(out);
      expectClose(out, c.inv, tol);
      const fortran = tb.zeros([...a.shape].reverse(), dtype).T; // reversed axes: Fortran layout
      if (a.ndim === 2) {
        linalg.inv(a, { out: fortran });
        expectClose(fortran, c.inv, tol);
      }
      if (c.a.dtype !== 'int32') {
        const inPlace = a.clone();
        expect(linalg.inv(inPlace, { out: inPlace })).toBe(inPlace);
        expectClose(inPlace, c.inv, tol);
      }
    }
    for (const c of lp.solve) {
      const a = fromFixture(c.a);
      const b = fromFixture(c.b);
      const out = tb.zeros(c.x.shape, c.x.dtype);
      expect(linalg.solve(a, b, { out })).toBe(out);
      expectClose(out, c.x, tolFor(c.x));
      if (b.dtype === c.x.dtype && b.shape.join() === c.x.shape.join()) {
        const inPlace = b.clone();
        expect(linalg.solve(a, inPlace, { out: inPlace })).toBe(inPlace);
        expectClose(inPlace, c.x, tolFor(c.x));
      }
    }
    // A strided 1-D out for a vector right-hand side.
    const a = tensor([[3, 1], [1, 2]]);
    const holder = tb.zeros([4]);
    linalg.solve(a, tensor([9, 8]), { out: holder.slice([null, null, 2]) });
    expect(values(holder)).toEqual([2, 0, 3, 0]);
  });
  it('{ out } that reaches an element twice, or aliases an input through another SharedArrayBuffer object, is refused', () => {
    // In place on a broadcast stack would feed matrix 0's result into matrix 1.
    const b = tensor([[4, 2], [2, 3]]).broadcastTo([2, 2, 2]);
    expect(() => linalg.cholesky(b, { out: b })).toThrow(RangeError);
    expect(() => linalg.inv(b, { out: b })).toThrow(RangeError);
    expect(() => linalg.cholesky(tb.stack([tb.eye(2), tb.eye(2).mul(4)]), { out: tb.zeros([2, 2]).broadcastTo([2, 2, 2]) })).toThrow(RangeError);
    // The same memory under two SharedArrayBuffer objects (as a worker hands it back).
    const sab = new SharedArrayBuffer(8 * 8);
    const stack = tensor(new Float64Array(sab), { shape: [2, 2, 2] });
    stack.data.set([4, 2, 2, 3, 9, 0, 0, 16]);
    const alias = new Float64Array(structuredClone(sab));
    const shifted = tensor(alias.subarray(1, 7)).reshape([2, 3]).slice(null, [0, 2]);
    expect(() => linalg.cholesky(stack.slice([0, 1]).squeeze(0), { out: shifted })).toThrow(RangeError);
    const sameMemory = tensor(alias, { shape: [2, 2, 2] });
    expect(linalg.cholesky(stack, { out: sameMemory })).toBe(sameMemory); // exactly in place: fine
    expect(values(stack)).toEqual([2, 0, 1, Math.SQRT2, 3, 0, 0, 4]);
  });
  it('{ out } for inv and solve: wrong shape or dtype, or a partial overlap, is refused before any write', () => {
    const a = tensor([[3, 1], [1, 2]]);
    expect(() => linalg.inv(a, { out: tb.zeros([3, 3]) })).toThrow(ShapeError);
    expect(() => linalg.inv(a, { out: tb.zeros([2, 2], 'float32') })).toThrow(TypeError);
    expect(() => linalg.inv(a, { out: a.T })).toThrow(RangeError);
    expect(() => linalg.solve(a, tensor([9, 8]), { out: tb.zeros([2, 1]) })).toThrow(ShapeError);
    const b = tensor([[9, 1], [8, 2]]);
    expect(() => linalg.solve(a, b, { out: b.T })).toThrow(RangeError);
    expect(values(a)).toEqual([3, 1, 1, 2]);
    expect(values(b)).toEqual([9, 1, 8, 2]);
  });
  it('empty matrices behave as in NumPy', () => {
    expect(linalg.inv(tb.zeros([0, 0])).shape).toEqual([0, 0]);
    expect(linalg.det(tb.zeros([0, 0]))).toBe(1);
  });
});

describe('det, slogdet (getrf)', () => {
  for (const c of lp.det) {
    it(`det ${JSON.stringify(c.a.shape)} ${c.a.dtype}`, () => {
      const a = fromFixture(c.a);
      const tol = c.a.dtype === 'float32' ? 1e-5 : 1e-12;
      const d = linalg.det(a);
      const { sign, logabsdet } = linalg.slogdet(a);
      if (c.det.shape.length === 0) {
        expectClose(d as number, num(c.det.data[0]), tol);
        expect(sign).toBe(num(c.sign.data[0]));
        expectClose(logabsdet as number, num(c.logabsdet.data[0]), tol);
      } else {
        expectClose(d as Tensor, c.det, tol);
        expectClose(sign as Tensor, c.sign);
        expectClose(logabsdet as Tensor, c.logabsdet, tol);
      }
    });
  }
  it('slogdet of a 60x60 matrix whose determinant overflows', () => {
    const { sign, logabsdet } = linalg.slogdet(fromFixture(lp.slogdetLarge.a));
    expect(sign).toBe(lp.slogdetLarge.sign);
    expectClose(logabsdet as number, lp.slogdetLarge.logabsdet, 1e-12);
  });
});

describe('lu (getrf, SciPy convention)', () => {
  for (const c of lp.lu) {
    it(`lu ${JSON.stringify(c.a.shape)}`, () => {
      const a = fromFixture(c.a);
      const { p, l, u } = linalg.lu(a);
      expectClose(p, c.p);
      expectClose(l, c.l, 1e-12);
      expectClose(u, c.u, 1e-12);
      expect(maxRelErr(p.matmul(l).matmul(u), a)).toBeLessThan(1e-13);
    });
  }
  it('on a stack, P L U = A for each matrix', () => {
    const a = tb.randn([3, 4, 4], { seed: 21 });
    const { p, l, u } = linalg.lu(a);
    expect(maxRelErr(p.matmul(l).matmul(u), a)).toBeLessThan(1e-13);
    expect(values(tb.triu(l, 1))).toEqual(new Array(48).fill(0));
  });
});

describe('cholesky (potrf)', () => {
  for (const c of lp.cholesky) {
    it(`cholesky ${JSON.stringify(c.a.shape)} ${c.a.dtype}`, () => {
      const a = fromFixture(c.a);
      const tol = c.a.dtype === 'float32' ? 1e-5 : 1e-12;
      expectClose(linalg.cholesky(a), c.l, tol);
      expectClose(linalg.cholesky(a, { upper: true }), c.u, tol);
    });
  }
  it('reads only the lower triangle', () => {
    expectClose(linalg.cholesky(fromFixture(lp.choleskyLowerOnly.a)), lp.choleskyLowerOnly.l, 1e-12);
  });
  it('a matrix that is not positive definite is NOT_POSITIVE_DEFINITE', () => {
    expect(linAlgCode(() => linalg.cholesky(tensor([[1, 2], [2, 1]])))).toBe('NOT_POSITIVE_DEFINITE');
    expect(linAlgCode(() => linalg.cholesky(tb.zeros([2, 3])))).toBe('NOT_SQUARE');
  });
  it('{ out } receives the factor: reused, Fortran-ordered, stacked, or the input itself (in place)', () => {
    for (const c of lp.cholesky) {
      const a = fromFixture(c.a);
      const tol = c.a.dtype === 'float32' ? 1e-5 : 1e-12;
      const out = tb.zeros(a.shape, a.dtype);
      expect(linalg.cholesky(a, { out })).toBe(out);
      expectClose(out, c.l, tol);
      expect(linalg.cholesky(a, { out, upper: true })).toBe(out); // reused: every element rewritten
      expectClose(out, c.u, tol);
      if (a.ndim === 2) {
        const fortran = tb.zeros(a.shape, a.dtype).T; // column-major storage
        linalg.cholesky(a, { out: fortran });
        expectClose(fortran, c.l, tol);
      }
      const inPlace = a.add(0);
      expect(linalg.cholesky(inPlace, { out: inPlace })).toBe(inPlace);
      expectClose(inPlace, c.l, tol);
    }
  });
  it('{ out } with the wrong shape or dtype, or overlapping the input, is refused before any write', () => {
    const a = tensor([[4, 2], [2, 3]]);
    expect(() => linalg.cholesky(a, { out: tb.zeros([3, 3]) })).toThrow(ShapeError);
    expect(() => linalg.cholesky(a, { out: tb.zeros([2, 2], 'float32') })).toThrow(TypeError);
    expect(() => linalg.cholesky(a, { out: a.T })).toThrow(RangeError);
    const big = tb.arange(20).reshape(4, 5).astype('float64');
    const window = big.slice([0, 2], [1, 3]); // a strided view into a larger tensor
    linalg.cholesky(tensor([[4, 2], [2, 3]]), { out: window });
    expect(values(big)).toEqual([0, 2, 0, 3, 4, 5, 1, Math.SQRT2, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(() => linalg.cholesky(big.slice([0, 2], [0, 2]), { out: big.slice([1, 3], [1, 3]) })).toThrow(RangeError);
    expect(values(a)).toEqual([4, 2, 2, 3]);
    expect(() => linalg.cholesky(a, { out: [[0, 0], [0, 0]] as unknown as Tensor })).toThrow(TypeError);
  });
});

describe('eigh, eigvalsh (syevd)', () => {
  for (const c of lp.eigh) {
    it(`eigh ${JSON.stringify(c.a.shape)} ${c.a.dtype}: values match NumPy, A V = V diag(w), V orthonormal`, () => {
      const a = fromFixture(c.a);
      const tol = c.a.dtype === 'float32' ? 1e-4 : 1e-10;
      expectClose(linalg.eigvalsh(a), c.w, tol);
      const { values: w, vectors: v } = linalg.eigh(a);
      expectClose(w, c.w, tol);
      const n = a.shape[a.ndim - 1];
      expect(maxRelErr(a.matmul(v), v.mul(w.expandDims(-2)))).toBeLessThan(tol);
      const vtv = v.swapaxes(-1, -2).matmul(v);
      expect(maxRelErr(vtv, eyeLike(n, a.dtype as 'float64').broadcastTo(vtv.shape))).toBeLessThan(tol);
    });
  }
  it('UPLO picks the triangle that is read', () => {
    const a = fromFixture(lp.eighUplo.a);
    expectClose(linalg.eigvalsh(a, 'L'), lp.eighUplo.wL, 1e-10);
    expectClose(linalg.eigvalsh(a, 'U'), lp.eighUplo.wU, 1e-10);
    expect(() => linalg.eigh(a, 'X' as 'L')).toThrow(RangeError);
  });
  it('NaN input gives NaN results, never a hang', () => {
    const r = linalg.eigh(tensor([[NaN, 1], [1, 1]]));
    expect(values(r.values).every(Number.isNaN)).toBe(true);
  });
});

describe('svd (gesdd)', () => {
  for (const c of lp.svd) {
    it(`svd ${JSON.stringify(c.a.shape)} ${c.a.dtype}: s matches NumPy, U S Vt = A, factors orthonormal`, () => {
      const a = fromFixture(c.a);
      const tol = c.a.dtype === 'float32' ? 1e-4 : 1e-10;
      expectClose(linalg.svd(a, { computeUV: false }).s, c.s, tol);
      const m = a.shape[a.ndim - 2];
      const n = a.shape[a.ndim - 1];
      for (const fullMatrices of [true, false]) {
        const { u, s, vt } = linalg.svd(a, { fullMatrices }) as { u: Tensor; s: Tensor; vt: Tensor };
        expectClose(s, c.s, tol);
        const k = Math.min(m, n);
        expect(u.shape.slice(-2)).toEqual([m, fullMatrices ? m : k]);
        expect(vt.shape.slice(-2)).toEqual([fullMatrices ? n : k, n]);
        const uk = u.slice(...new Array(u.ndim - 1).fill(null), [0, k]);
        const vk = vt.slice(...new Array(vt.ndim - 2).fill(null), [0, k]);
        expect(maxRelErr(uk.mul(s.expandDims(-2)).matmul(vk), a)).toBeLessThan(tol);
        const utu = u.swapaxes(-1, -2).matmul(u);
        expect(maxRelErr(utu, eyeLike(u.shape[u.ndim - 1], a.dtype as 'float64').broadcastTo(utu.shape))).toBeLessThan(tol);
        const vvt = vt.matmul(vt.swapaxes(-1, -2));
        expect(maxRelErr(vvt, eyeLike(vt.shape[vt.ndim - 2], a.dtype as 'float64').broadcastTo(vvt.shape))).toBeLessThan(tol);
      }
    });
  }
  it('NaN input is NO_CONVERGENCE, as in NumPy', () => {
    expect(linAlgCode(() => linalg.svd(tensor([[NaN, 1], [1, 1]])))).toBe('NO_CONVERGENCE');
  });
  it('empty matrices get identity factors, as in NumPy', () => {
    const r = linalg.svd(tb.zeros([0, 3])) as { u: Tensor; s: Tensor; vt: Tensor };
    expect(r.u.shape).toEqual([0, 0]);
    expect(r.s.shape).toEqual([0]);
    expect(r.vt.toArray()).toEqual(tb.eye(3).toArray());
  });
});

describe('pinv, matrixRank, cond, SVD norms, negative powers', () => {
  for (const c of lp.pinv) {
    it(`pinv ${JSON.stringify(c.a.shape)}`, () => expectClose(linalg.pinv(fromFixture(c.a)), c.pinv, 1e-10));
  }
  it('matrixRank', () => {
    const r = lp.matrixRank;
    expect(linalg.matrixRank(fromFixture(r.full))).toBe(r.fullR);
    expect(linalg.matrixRank(fromFixture(r.def))).toBe(r.defR);
    expectClose(linalg.matrixRank(fromFixture(r.stack)) as Tensor, r.stackR);
    expect(linalg.matrixRank(tensor([0, 0]))).toBe(0);
    expect(linalg.matrixRank(tensor([0, 3]))).toBe(1);
  });
  it('cond for every p', () => {
    const c = lp.cond;
    const a = fromFixture(c.a);
    const ps: [string, number | 'fro' | 'nuc' | undefined][] = [['None', undefined], ['2', 2], ['-2', -2], ['fro', 'fro'], ['nuc', 'nuc'], ['1', 1], ['-1', -1], ['inf', Infinity], ['-inf', -Infinity]];
    for (const [key, p] of ps) expectClose(linalg.cond(a, p) as number, c[key], 1e-10);
    expectClose(linalg.cond(fromFixture(c.rect)) as number, c.rectNone, 1e-10);
    expect(linalg.cond(tensor([[1, 2], [2, 4]]), 1)).toBe(num(c.singular1));
    expect(linAlgCode(() => linalg.cond(tb.zeros([0, 0])))).toBe('EMPTY');
  });
  it('norm ords 2, -2, nuc, with axes', () => {
    const s = lp.svdNorm;
    const m = fromFixture(s.m);
    expectClose(linalg.norm(m, 2) as number, s['2'], 1e-12);
    expectClose(linalg.norm(m, -2) as number, s['-2'], 1e-12);
    expectClose(linalg.norm(m, 'nuc') as number, s.nuc, 1e-12);
    const t3 = fromFixture(s.t3);
    expectClose(linalg.norm(t3, 2, [1, 2]) as Tensor, s.t3_2_12, 1e-12);
    expectClose(linalg.norm(t3, 'nuc', [2, 0], true) as Tensor, s.t3_nuc_20_keep, 1e-12);
  });
  it('matrixPower with negative exponents goes through inv', () => {
    const c = lp.matrixPowerNeg;
    expectClose(linalg.matrixPower(fromFixture(c.a), -1), c.m1, 1e-10);
    expectClose(linalg.matrixPower(fromFixture(c.a), -3), c.m3, 1e-10);
  });
});

describe('qr (geqrf + orgqr)', () => {
  for (const c of lp.qr) {
    it(`qr ${JSON.stringify(c.a.shape)} ${c.a.dtype}: Q R = A, Q orthonormal, |R| matches NumPy`, () => {
      const a = fromFixture(c.a);
      const tol = c.a.dtype === 'float32' ? 1e-4 : 1e-10;
      const m = a.shape[a.ndim - 2];
      const n = a.shape[a.ndim - 1];
      const k = Math.min(m, n);
      for (const mode of ['reduced', 'complete'] as const) {
        const { q, r } = linalg.qr(a, mode) as { q: Tensor; r: Tensor };
        expect(q.shape.slice(-2)).toEqual([m, mode === 'complete' ? m : k]);
        expect(r.shape.slice(-2)).toEqual([mode === 'complete' ? m : k, n]);
        expect(maxRelErr(q.matmul(r), a)).toBeLessThan(tol);
        const qtq = q.swapaxes(-1, -2).matmul(q);
        expect(maxRelErr(qtq, eyeLike(q.shape[q.ndim - 1], a.dtype as 'float64').broadcastTo(qtq.shape))).toBeLessThan(tol);
        expect(maxRelErr(tb.tril(r, -1), tb.zeros(r.shape))).toBe(0);
        expectClose(r.abs(), mode === 'complete' ? c.absRc : c.absR, tol);
      }
      const onlyR = linalg.qr(a, 'r');
      expect(onlyR.q).toBeUndefined();
      expectClose(onlyR.r.abs(), c.absR, tol);
    });
  }
  it('rejects an unknown mode', () => expect(() => linalg.qr(tb.eye(2), 'raw' as 'r')).toThrow(RangeError));
});

describe('eig, eigvals (geev)', () => {
  /** Eigenvalues as (re, im) pairs sorted, for an order-free comparison. */
  const sortedPairs = (re: number[], im: number[]): number[][] =>
    re.map((r, i) => [r, im[i]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (const c of lp.eig) {
    it(`eig ${JSON.stringify(c.a.shape)} ${c.a.dtype}: values match NumPy, A V = V diag(w) in complex arithmetic`, () => {
      const a = fromFixture(c.a);
      const tol = c.a.dtype === 'float32' ? 1e-4 : 1e-9;
      const { values: w, vectors: v } = linalg.eig(a);
      const n = a.shape[a.ndim - 1];
      const batches = a.size / (n * n);
      const wr = values(w.re);
      const wi = values(w.im);
      const er = c.re.data.map(num);
      const ei = c.im.data.map(num);
      for (let bi = 0; bi < batches; bi++) {
        const got = sortedPairs(wr.slice(bi * n, (bi + 1) * n), wi.slice(bi * n, (bi + 1) * n));
        const want = sortedPairs(er.slice(bi * n, (bi + 1) * n), ei.slice(bi * n, (bi + 1) * n));
        got.forEach((g, i) => {
          expect(Math.abs(g[0] - want[i][0])).toBeLessThan(tol * Math.max(1, Math.abs(want[i][0])));
          expect(Math.abs(g[1] - want[i][1])).toBeLessThan(tol * Math.max(1, Math.abs(want[i][1])));
        });
      }
      // A (Vr + i Vi) = (Vr + i Vi) diag(wr + i wi)
      const wre = w.re.expandDims(-2);
      const wim = w.im.expandDims(-2);
      const lhsRe = a.matmul(v.re);
      const lhsIm = a.matmul(v.im);
      const rhsRe = v.re.mul(wre).sub(v.im.mul(wim));
      const rhsIm = v.re.mul(wim).add(v.im.mul(wre));
      expect(maxRelErr(lhsRe, rhsRe)).toBeLessThan(tol);
      expect(maxRelErr(lhsIm, rhsIm)).toBeLessThan(tol);
      const ev = linalg.eigvals(a);
      expect(values(ev.re)).toEqual(wr);
    });
  }
  it('NaN input is a LinAlgError, as in NumPy', () => {
    expect(linAlgCode(() => linalg.eig(tensor([[NaN, 1], [1, 1]])))).toBe('NO_CONVERGENCE');
    expect(linAlgCode(() => linalg.eig(tb.zeros([2, 3])))).toBe('NOT_SQUARE');
  });
});

describe('lstsq (gelsd)', () => {
  for (const c of lp.lstsq) {
    it(`lstsq ${JSON.stringify(c.a.shape)} with b ${JSON.stringify(c.b.shape)} ${c.a.dtype}`, () => {
      const tol = c.a.dtype === 'float32' ? 1e-4 : 1e-10;
      const r = linalg.lstsq(fromFixture(c.a), fromFixture(c.b));
      expectClose(r.x, c.x, tol);
      expectClose(r.residuals, c.residuals, tol);
      expect(r.rank).toBe(c.rank);
      expectClose(r.s, c.s, tol);
    });
  }
  it('rejects mismatched rows and NaN', () => {
    expect(() => linalg.lstsq(tb.zeros([3, 2]), tb.zeros([4]))).toThrow(ShapeError);
    expect(linAlgCode(() => linalg.lstsq(tensor([[NaN, 1], [1, 1]]), tensor([1, 2])))).toBe('NO_CONVERGENCE');
  });
});

describe('LAPACK writes nothing to stdout', () => {
  // OpenBLAS's C translation of LAPACK (the C_LAPACK builds release binaries use) had debug prints
  // in sgelsd ("start of SGELSD", ...) that went to the process's stdout, which a server may be
  // using for its own output; scripts/build-openblas.sh removes them. This runs the float32 and
  // float64 least-squares paths, over- and underdetermined, in a child and requires silence.
  it('lstsq of every shape and dtype prints nothing', () => {
    const script = `
      const tb = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
      for (const dtype of ['float32', 'float64']) {
        for (const [m, n] of [[6, 3], [3, 6], [4, 4]]) {
          const a = tb.rand([m, n], { seed: 1, dtype });
          tb.linalg.lstsq(a, tb.rand([m], { seed: 2, dtype }));
          tb.linalg.lstsq(a.mul(0), tb.rand([m, 2], { seed: 3, dtype }));
        }
      }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
  });
});
