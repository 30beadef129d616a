import { describe, expect, it } from 'vitest';
import { PCA, ShapeError, Tensor } from '../lib/index.js';
import * as tb from '../lib/index.js';
import { expectClose, fixture, fromFixture, maxRelErr, values } from './helpers.js';
import { eighTopSteps } from '../lib/linalg/eigh.js';
import { runSync } from '../lib/steps.js';

const ml = fixture('ml');

describe('PCA (scikit-learn definitions)', () => {
  for (const c of ml.pca) {
    it(`${c.solver} with nComponents=${c.nComponents === null ? 'all' : c.nComponents}${c.whiten ? ', whitened' : ''}`, () => {
      const x = fromFixture(c.x);
      const opts = { ...(c.nComponents === null ? {} : { nComponents: c.nComponents }), whiten: c.whiten };
      const p = new PCA(opts).fit(x);
      expect(p.solver).toBe(c.solver);
      // The count the fit settled on: as asked, the smallest reaching a variance fraction, or all.
      expect(p.nComponents).toBe(c.nComponentsFitted);
      expectClose(p.mean, c.mean, 1e-12);
      expectClose(p.components, c.components, 1e-8);
      expectClose(p.explainedVariance, c.explainedVariance, 1e-9);
      expectClose(p.explainedVarianceRatio, c.explainedVarianceRatio, 1e-9);
      expectClose(p.singularValues, c.singularValues, 1e-9);
      expectClose(p.noiseVariance, c.noiseVariance, 1e-9);
      expectClose(p.transform(x), c.transform, 1e-8);
      expectClose(new PCA(opts).fitTransform(x), c.transform, 1e-8);
    });
  }
  it('inverseTransform reconstructs the data when every component is kept', () => {
    const x = tb.randn([40, 6], { seed: 5 });
    for (const whiten of [false, true]) {
      const p = new PCA({ whiten }).fit(x);
      const back = p.inverseTransform(p.transform(x));
      const err = values(back.sub(x).abs()).reduce((m, v) => Math.max(m, v), 0);
      expect(err).toBeLessThan(1e-10);
    }
  });
  it('both solvers agree', () => {
    const x = tb.randn([400, 8], { seed: 6 });
    const a = new PCA({ nComponents: 3, solver: 'covarianceEigh' }).fit(x);
    const b = new PCA({ nComponents: 3, solver: 'full' }).fit(x);
    const diff = (s: Tensor, t: Tensor): number => values(s.sub(t).abs()).reduce((m, v) => Math.max(m, v), 0);
    expect(diff(a.components, b.components)).toBeLessThan(1e-9);
    expect(diff(a.explainedVariance, b.explainedVariance)).toBeLessThan(1e-9);
    // covarianceEigh computed only the top 3 eigenpairs (syevr); the ratios and the noise
    // variance come from the trace, and must match the full SVD's whole spectrum.
    expect(diff(a.explainedVarianceRatio, b.explainedVarianceRatio)).toBeLessThan(1e-12);
    expect(Math.abs(a.noiseVariance - b.noiseVariance)).toBeLessThan(1e-12);
    const all = new PCA({ solver: 'covarianceEigh' }).fit(x);
    expect(diff(all.explainedVariance.slice([0, 3]), a.explainedVariance)).toBeLessThan(1e-12);
  });
  it('covarianceEigh keeps its digits when the features have a large mean', () => {
    // Columns around 1e6 with spreads 1, 0.1, 10: X^T X - n mean mean^T (scikit-learn's formula)
    // cancels about 12 digits here; the shifted one-pass covariance must match the SVD of the
    // centered data.
    const n = 3000;
    const scale = tb.tensor([1, 0.1, 10]);
    const x = tb.randn([n, 3], { seed: 11 }).mul(scale).add(tb.tensor([1e6, -2e6, 5e5]));
    const fast = new PCA({ solver: 'covarianceEigh' }).fit(x);
    const exact = new PCA({ solver: 'full' }).fit(x);
    expect(maxRelErr(fast.mean, exact.mean)).toBeLessThan(1e-14);
    expect(maxRelErr(fast.explainedVariance, exact.explainedVariance)).toBeLessThan(1e-9);
    expect(maxRelErr(fast.components.abs(), exact.components.abs())).toBeLessThan(1e-7);
    // The unshifted formula really does lose those digits on this data (so the test can fail).
    const m = exact.mean;
    const naive = x.T.matmul(x).sub(tb.outer(m, m).mul(n)).div(n - 1);
    const smallest = exact.explainedVariance.get(2);
    expect(Math.abs(naive.get(1, 1) - smallest) / smallest).toBeGreaterThan(1e-6);
  });
  it('the one-pass covariance splits across threads and blocks like one pass', () => {
    // 20000 x 12: several 256 KiB blocks per thread; a strided (non-contiguous) view too.
    for (const dtype of ['float64', 'float32'] as const) {
      const x = tb.randn([20000, 12], { seed: 12, dtype }).add(3);
      const c = x.sub(x.mean(0) as Tensor);
      const cov = c.T.matmul(c).div(19999);
      const expected = tb.linalg.eigvalsh(cov.astype('float64')).slice([null, null, -1]);
      const tol = dtype === 'float32' ? 1e-4 : 1e-12;
      for (const input of [x, tb.concat([x, x], 1).slice(null, [0, 12])]) {
        const p = new PCA({ solver: 'covarianceEigh' }).fit(input);
        expect(p.mean.dtype).toBe(dtype);
        expect(maxRelErr(p.mean, x.mean(0) as Tensor)).toBeLessThan(tol);
        expect(maxRelErr(p.explainedVariance, expected)).toBeLessThan(tol);
      }
    }
    // Fortran-ordered X is read down its columns in place; an Inf among the first rows (which
    // set the shift) still gives an Inf mean for that column, as x.mean(0) does, not NaN.
    const x = tb.randn([6000, 5], { seed: 13 }).add(tb.tensor([0, 1e3, -2, 5e4, 7]));
    const fortran = x.T.contiguous().T;
    const byRows = new PCA({ solver: 'covarianceEigh' }).fit(x);
    const byCols = new PCA({ solver: 'covarianceEigh' }).fit(fortran);
    expect(maxRelErr(byCols.explainedVariance, byRows.explainedVariance)).toBeLessThan(1e-12);
    expect(maxRelErr(byCols.mean, byRows.mean)).toBeLessThan(1e-14);
    for (const row of [0, 4000]) {
      const withInf = x.clone();
      withInf.set(row, 1, Infinity);
      const mean = new PCA({ solver: 'covarianceEigh' }).fit(withInf).mean;
      expect(mean.get(1)).toBe(Infinity);
      for (const j of [0, 2, 3, 4]) expect(Math.abs(mean.get(j) - (x.mean(0) as Tensor).get(j))).toBeLessThan(1e-9);
    }
    // float32: the mean is the float32 mean (the shift handed back is exactly the one subtracted).
    const x32 = tb.randn([3000, 4], { seed: 14 }).mul(0.01).add(tb.tensor([1e6 + 0.3, 12345.678, -7.77e5 + 0.11, 3.3])).astype('float32');
    const m32 = new PCA({ solver: 'covarianceEigh' }).fit(x32).mean;
    expect(maxRelErr(m32, x32.mean(0) as Tensor)).toBeLessThan(2e-7);
    // Wide X (more than 256 features: one threaded syrk). Without offsets it runs unshifted,
    // straight over X; with a 1e6 offset on some features it must shift, or lose ~12 digits.
    for (const offset of [0, 1e6]) {
      const wide = tb.randn([1500, 300], { seed: 15 }).add(tb.arange(300).astype('float64').mul(offset / 300));
      const centered = wide.sub(wide.mean(0) as Tensor);
      const want = tb.linalg.eigvalsh(centered.T.matmul(centered).div(1499)).slice([null, null, -1]);
      for (const input of [wide, wide.T.contiguous().T]) {
        const got = new PCA({ solver: 'covarianceEigh' }).fit(input);
        expect(maxRelErr(got.explainedVariance, want)).toBeLessThan(1e-9);
        expect(maxRelErr(got.mean, wide.mean(0) as Tensor)).toBeLessThan(1e-14);
      }
    }
    // A broadcast X (row stride 0: more rows than its buffer has elements) has zero variance,
    // and a single column may have any column stride.
    const same = tb.randn([5], { seed: 16 }).broadcastTo([1000, 5]);
    expect(values(new PCA({ solver: 'covarianceEigh', nComponents: 2 }).fit(same).explainedVariance)).toEqual([0, 0]);
    const column = tb.randn([300, 300], { seed: 17 }).slice(null, [0, 300, 100000]);
    expect(column.strides[1]).toBeGreaterThan(column.data.length);
    const pc = new PCA({ solver: 'covarianceEigh', nComponents: 1 }).fit(column);
    expect(maxRelErr(pc.explainedVariance, tb.tensor([column.var(null, false, { ddof: 1 }) as number]))).toBeLessThan(1e-12);
    // Two rows (fewer than any block) and one feature.
    const tiny = new PCA({ solver: 'covarianceEigh' }).fit(tb.tensor([[1], [3]]));
    expect(values(tiny.explainedVariance)).toEqual([2]);
    expect(values(tiny.mean)).toEqual([2]);
  });
  it('fitAsync, fitTransformAsync and transformAsync match their synchronous twins', async () => {
    const x = tb.randn([20000, 30], { seed: 18 }).add(5);
    for (const opts of [{ nComponents: 4 }, { nComponents: 3, solver: 'full' as const }, { nComponents: 0.9, whiten: true }]) {
      const sync = new PCA(opts).fit(x);
      const fitted = await new PCA(opts).fitAsync(x);
      expect(fitted).toBeInstanceOf(PCA);
      expect(fitted.solver).toBe(sync.solver);
      expect(fitted.nComponents).toBe(sync.nComponents);
      expect(maxRelErr(fitted.explainedVariance, sync.explainedVariance)).toBeLessThan(1e-12);
      expect(maxRelErr(fitted.components, sync.components)).toBeLessThan(1e-9);
      const z = await fitted.transformAsync(x.slice([0, 50]));
      expect(maxRelErr(z, sync.transform(x.slice([0, 50])))).toBeLessThan(1e-9);
      const zz = await new PCA(opts).fitTransformAsync(x);
      expect(maxRelErr(zz, new PCA(opts).fitTransform(x))).toBeLessThan(1e-9);
    }
    // The work is on the libuv pool: timers keep firing while a large fit runs.
    const big = tb.rand([200000, 40], { seed: 21 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    await new PCA({ nComponents: 2 }).fitAsync(big);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    if (elapsed > 5) expect(ticks).toBeGreaterThan(0); // ~25 ms here; a fit on the JS thread would leave 0
    // Bad input rejects (never throws synchronously), and a failed fit leaves the last one in place.
    const p = new PCA({ nComponents: 2 }).fit(x);
    await expect(p.fitAsync(tb.zeros([3]))).rejects.toThrow(RangeError);
    await expect(p.fitAsync(tb.zeros([1, 30]))).rejects.toThrow(RangeError);
    expect(p.nSamples).toBe(20000);
    await expect(new PCA().transformAsync(x)).rejects.toThrow(/not fitted/);
  });
  it("the covariance's own threads leave the configured thread counts in place, async work in flight or not", async () => {
    const before = tb.config();
    const x = tb.randn([30000, 20], { seed: 19 });
    const want = new PCA({ nComponents: 2 }).fit(x).explainedVariance;
    expect(tb.config().blas.numThreads).toBe(before.blas.numThreads);
    expect(tb.config().loopThreads).toBe(before.loopThreads);
    // A synchronous fit while async LAPACK and PCA work is on the pool (own threads refused then).
    const m = tb.randn([300, 300], { seed: 20 }).add(tb.eye(300).mul(30));
    const pending = Promise.all([tb.linalg.invAsync(m), new PCA({ nComponents: 2 }).fitAsync(x)]);
    const during = new PCA({ nComponents: 2 }).fit(x).explainedVariance;
    const [, asyncFit] = await pending;
    expect(maxRelErr(during, want)).toBeLessThan(1e-12);
    expect(maxRelErr(asyncFit.explainedVariance, want)).toBeLessThan(1e-12);
    const after = tb.config();
    expect(after.blas.numThreads).toBe(before.blas.numThreads);
    expect(after.loopThreads).toBe(before.loopThreads);
  });
  it('the top-k eigensolver (syevr) matches the last k of eigh, for float64 and float32', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const r = tb.randn([30, 12], { seed: 9, dtype });
      const c = r.T.matmul(r);
      const full = tb.linalg.eigh(c);
      for (const k of [0, 1, 4, 12]) {
        const top = runSync(eighTopSteps(c, k));
        expect(top.values.shape).toEqual([k]);
        expect(top.vectors.shape).toEqual([12, k]);
        expect(top.values.dtype).toBe(dtype);
        const tol = dtype === 'float32' ? 2e-3 : 1e-10;
        expect(maxRelErr(top.values, full.values.slice([12 - k]))).toBeLessThan(tol);
        // Each vector up to sign: |v . v_full| = 1.
        for (let j = 0; j < k; j++) {
          const dot = values(top.vectors.slice(null, [j, j + 1]).T.matmul(full.vectors.slice(null, [12 - k + j, 12 - k + j + 1])));
          expect(Math.abs(Math.abs(dot[0]) - 1)).toBeLessThan(dtype === 'float32' ? 1e-3 : 1e-10);
        }
      }
      // The transposed (Fortran-ordered) view of the same symmetric matrix gives the same values.
      expect(maxRelErr(runSync(eighTopSteps(c.T, 3)).values, full.values.slice([9]))).toBeLessThan(
        dtype === 'float32' ? 2e-3 : 1e-10,
      );
    }
    const nan = tb.eye(3).mul(NaN);
    expect(values(runSync(eighTopSteps(nan, 2)).values).every(Number.isNaN)).toBe(true);
    expect(() => runSync(eighTopSteps(tb.eye(3), 4))).toThrow(RangeError);
  });
  it('rejects bad options and input', () => {
    expect(() => new PCA({ nComponents: 0 })).toThrow(RangeError);
    expect(() => new PCA({ nComponents: 2.5 })).toThrow(RangeError);
    expect(() => new PCA({ nComponents: 10 }).fit(tb.zeros([5, 3]))).toThrow(RangeError);
    expect(() => new PCA().transform(tb.zeros([2, 2]))).toThrow(/not fitted/);
    const p = new PCA({ nComponents: 1 }).fit(tb.randn([10, 3], { seed: 1 }));
    expect(() => p.transform(tb.zeros([2, 4]))).toThrow(ShapeError);
    expect(() => p.fit(tb.zeros([3]))).toThrow(RangeError);
  });
});
