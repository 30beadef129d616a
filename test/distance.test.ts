import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { distance, project, ShapeError } from '../lib/index.js';
import { expectClose, fixture, fromFixture, maxRelErr, runIsaChild, values } from './helpers.js';

const ml = fixture('ml');

describe('distance.cdist (SciPy fixtures)', () => {
  const x = fromFixture(ml.cdist.x);
  const y = fromFixture(ml.cdist.y);
  for (const metric of ['euclidean', 'sqeuclidean', 'cityblock', 'cosine', 'chebyshev'] as const) {
    it(metric, () => {
      // The gemm identity loses a little accuracy to cancellation: 1e-12 absolute is plenty here.
      expectClose(distance.cdist(x, y, metric), ml.cdist[metric], 1e-12);
      expectClose(distance.cdist(x.T.contiguous().T, y, metric), ml.cdist[metric], 1e-12); // strided input
    });
  }
  it('float32 stays float32', () => {
    const r = distance.cdist(fromFixture(ml.cdistFloat32.x), fromFixture(ml.cdistFloat32.y));
    expect(r.dtype).toBe('float32');
    expectClose(r, ml.cdistFloat32.euclidean, 1e-5);
  });
  it('identical points are exactly 0 apart (clamped), never NaN', () => {
    const p = tb.randn([50, 16], { seed: 2 }).mul(1e3);
    const d = distance.cdist(p, p);
    // |p| is ~4000: cancellation in the identity leaves at most ~1e-7 relative on the diagonal.
    for (let i = 0; i < 50; i++) expect(d.get(i, i)).toBeLessThan(1e-3);
    expect(d.min()).toBeGreaterThanOrEqual(0);
  });
  it('{ out } receives every metric, in any layout and wider dtype, and an aliasing out is handled', () => {
    for (const metric of ['euclidean', 'sqeuclidean', 'cityblock', 'cosine', 'chebyshev'] as const) {
      const expected = ml.cdist[metric];
      const out = tb.full([x.shape[0], y.shape[0]], NaN);
      expect(distance.cdist(x, y, metric, { out })).toBe(out);
      expectClose(out, expected, 1e-12);
      // A column-major out (the gemm kernels want rows of unit stride: computed, then copied).
      const colMajor = tb.full([y.shape[0], x.shape[0]], NaN).T;
      expectClose(distance.cdist(x, y, metric, { out: colMajor }), expected, 1e-12);
      // float32 inputs into a float64 out.
      const x32 = x.astype('float32'), y32 = y.astype('float32');
      const wide = tb.zeros([x.shape[0], y.shape[0]]);
      distance.cdist(x32, y32, metric, { out: wide });
      expectClose(wide, distance.cdist(x32, y32, metric).astype('float64'), 1e-6);
    }
    // out is x itself (a square problem): NumPy semantics, as if computed into fresh memory.
    const sq = tb.rand([6, 6], { seed: 3 });
    const want = distance.cdist(sq, sq);
    const alias = sq.clone();
    expect(distance.cdist(alias, alias, 'euclidean', { out: alias })).toBe(alias);
    expectClose(alias, { dtype: 'float64', shape: [6, 6], data: want.toArray().flat() }, 1e-12);
    // One column: its column stride is irrelevant, and a transposed (1, 4) buffer is a valid out.
    const one = tb.full([1, x.shape[0]], NaN).T;
    for (const metric of ['euclidean', 'sqeuclidean', 'cityblock'] as const) {
      expectClose(distance.cdist(x, y.slice([0, 1]), metric, { out: one }), {
        dtype: 'float64', shape: [x.shape[0], 1], data: values(distance.cdist(x, y.slice([0, 1]), metric)),
      }, 1e-12);
    }
    expect(() => distance.cdist(x, y, { out: tb.zeros([2, 2]) } as unknown as 'euclidean')).toThrow(/options fourth/);
    expect(() => distance.cdist(x, y, 'euclidean', { out: tb.zeros([2, 2]) })).toThrow(ShapeError);
    expect(() => distance.cdist(x, y, 'euclidean', { out: tb.zeros([x.shape[0], y.shape[0]], 'int32') })).toThrow(TypeError);
  });
  it('rejects bad input', () => {
    expect(() => distance.cdist(tb.zeros([2, 3]), tb.zeros([2, 4]))).toThrow(ShapeError);
    expect(() => distance.cdist(tb.zeros([2, 3]), tb.zeros([2, 3]), 'toString' as 'cosine')).toThrow(RangeError);
    expect(() => distance.cdist([[1, 2]] as unknown as tb.Tensor, tb.zeros([2, 2]))).toThrow(TypeError);
    expect(() => distance.cdist(tb.zeros([2, 2]), null as unknown as tb.Tensor)).toThrow(TypeError);
    expect(() => distance.cdist(tb.zeros([2, 2]), tb.zeros([2, 2]), 'euclidean', { out: [[0]] as unknown as tb.Tensor })).toThrow(TypeError);
  });
  it('mixed dtypes promote, int32 becomes float64, and strided or reversed y views are read correctly', () => {
    const x = tb.rand([5, 4], { seed: 7 });
    const y = tb.rand([6, 4], { seed: 8 });
    const want = distance.cdist(x, y);
    // float32 with float64 -> float64 (NumPy's promotion), within float32 input rounding.
    const mixed = distance.cdist(x.astype('float32'), y);
    expect(mixed.dtype).toBe('float64');
    expect(maxRelErr(mixed, want)).toBeLessThan(1e-6);
    const ints = distance.cdist(tb.tensor([[0, 0], [1, 1]], { dtype: 'int32' }), tb.tensor([[3, 4]], { dtype: 'int32' }));
    expect(ints.dtype).toBe('float64');
    expect(ints.toArray()).toEqual([[5], [Math.sqrt(13)]]);
    // y as every other row of a bigger matrix, and y reversed: same distances, columns permuted.
    const big = tb.concat([y, y], 1).reshape(12, 4);
    for (const metric of ['euclidean', 'cityblock', 'cosine'] as const) {
      const ref = distance.cdist(x, y, metric);
      expect(maxRelErr(distance.cdist(x, big.slice([null, null, 2]), metric), ref)).toBeLessThan(1e-12);
      const rev = distance.cdist(x, y.slice([null, null, -1]), metric);
      expect(maxRelErr(rev.slice(null, [null, null, -1]), ref)).toBeLessThan(1e-12);
    }
    expect(() => distance.cdist(tb.zeros([3]), tb.zeros([2, 3]))).toThrow(RangeError);
    expect(() => distance.cdist(tb.zeros([2, 3]), tb.zeros([2, 3]), 'hamming' as 'cosine')).toThrow(RangeError);
  });
  it('NaN, infinities and coordinates whose squares overflow give SciPy\'s distances, never a silent 0', () => {
    // The norms identity gives inf - inf or a clamped NaN there; those entries come from the differences.
    const f = ml.cdistNonFinite;
    const x = fromFixture(f.x);
    const y = fromFixture(f.y);
    for (const metric of ['euclidean', 'sqeuclidean', 'cityblock', 'cosine'] as const) {
      expectClose(distance.cdist(x, y, metric), f[metric]);
    }
    // float32 takes the same route: NaN rows stay NaN, an infinite coordinate gives inf.
    const f32 = distance.cdist(x.astype('float32'), y.astype('float32'));
    expect(values(f32.slice(0)).every(Number.isNaN)).toBe(true);
    expect([f32.get(1, 0), f32.get(2, 1), f32.get(2, 0)]).toEqual([Infinity, 0, Math.fround(Math.sqrt(14))]);
    // chebyshev: SciPy's cdist loop skips a NaN difference; here it makes the distance NaN, as
    // NumPy's max (and scipy.spatial.distance.chebyshev itself) would: the NaN row, and inf - inf
    // between x[1] and y[3] (euclidean is NaN there in SciPy too).
    const cheb = distance.cdist(x, y, 'chebyshev');
    expect(values(cheb.slice(0)).every(Number.isNaN)).toBe(true);
    expect(f.euclidean.data[1 * 5 + 3]).toBe('nan');
    const rest = f.chebyshev.data.slice(5);
    rest[3] = 'nan';
    expectClose(cheb.slice([1, 6]), { ...f.chebyshev, shape: [5, 5], data: rest });
  });
  it('float32 coordinates whose product overflows float (a -inf gemm entry) are recomputed, not clamped to 0', () => {
    // -2 x.y overflows to -inf in the float gemm while the squared norms, kept in double, do not.
    const ys = Array.from({ length: 9 }, (_, k) => [1.5e19 + k * 1e18, 0]); // 9 columns: AVX2 lanes and the tail
    const x = tb.tensor([[1.4e19, 0]], { dtype: 'float32' });
    const y = tb.tensor(ys, { dtype: 'float32' });
    const diff = ys.map(([v]) => Math.fround(v) - Math.fround(1.4e19));
    expect(values(distance.cdist(x, y))).toEqual(diff.map((d) => Math.fround(Math.sqrt(d * d))));
    expect(values(distance.cdist(x, y, 'sqeuclidean'))).toEqual(diff.map((d) => Math.fround(d * d)));
  });
  it('every instruction-set path of the euclidean pass gives the same bits (float64 and float32)', () => {
    // TENSORBLAS_ISA lowers what native code picks, in a child process; a machine without AVX2
    // compares its scalar path with itself.
    const child = `
      import * as tb from 'tensorblas';
      import { createHash } from 'node:crypto';
      const x = tb.randn([37, 19], { seed: 3 }).mul(10), y = tb.concat([x.slice([0, 5]), tb.randn([18, 19], { seed: 4 })]);
      x.data[7] = NaN; y.data[40] = Infinity; // rows that take the direct path
      const h = createHash('sha256');
      for (const dtype of ['float64', 'float32'])
        for (const metric of ['euclidean', 'sqeuclidean']) h.update(tb.distance.cdist(x.astype(dtype), y.astype(dtype), metric).data);
      console.log(h.digest('hex'));`;
    const scalar = runIsaChild(child, 'scalar');
    expect(scalar).toMatch(/^[0-9a-f]{64}$/);
    expect(runIsaChild(child, 'avx2')).toBe(scalar);
    expect(runIsaChild(child)).toBe(scalar);
  });
});

describe('vector distances and project', () => {
  const u = fromFixture(ml.vectors.u);
  const v = fromFixture(ml.vectors.v);
  it('euclidean, cityblock, cosine', () => {
    expectClose(distance.euclidean(u, v), ml.vectors.euclidean, 1e-14);
    expectClose(distance.cityblock(u, v), ml.vectors.cityblock, 1e-14);
    expectClose(distance.cosine(u, v), ml.vectors.cosine, 1e-14);
    expect(() => distance.euclidean(u, tb.zeros([5]))).toThrow(ShapeError);
  });
  it('cosine of parallel and opposite vectors is exactly 0 and 2, as SciPy gives', () => {
    // sqrt(uu * vv), not sqrt(uu) * sqrt(vv): the latter leaves 2.2e-16 for [1,1] vs [2,2].
    expect(distance.cosine(tb.tensor([1, 1]), tb.tensor([2, 2]))).toBe(0);
    expect(distance.cosine(tb.tensor([1, 1]), tb.tensor([-3, -3]))).toBe(2);
    // |u|^2 |v|^2 overflows here; the distance must not.
    expect(distance.cosine(tb.tensor([1e100, 1e100]), tb.tensor([2e100, 2e100]))).toBeLessThan(1e-15);
  });
  it('project along the last axis', () => {
    expectClose(project(fromFixture(ml.project.a), fromFixture(ml.project.onto)), ml.project.p, 1e-14);
  });
  it('project rejects shapes that do not broadcast, non-tensors and 0-d input', () => {
    expect(() => project(tb.zeros([2, 3]), tb.zeros([4]))).toThrow(ShapeError);
    expect(() => project(tb.zeros([3]), [1, 2, 3] as unknown as tb.Tensor)).toThrow(TypeError);
    expect(() => project(tb.tensor(1), tb.zeros([3]))).toThrow(RangeError);
    // A stack of vectors onto one direction broadcasts, as the last-axis rule says.
    expect(project(tb.tensor([[1, 2], [3, -4]]), tb.tensor([1, 0])).toArray()).toEqual([[1, 0], [3, 0]]);
  });
});
