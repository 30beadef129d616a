import { describe, expect, it } from 'vitest';
import { PCA, ShapeError, Tensor } from '../lib/index.js';
import * as tb from '../lib/index.js';
import { expectClose, fixture, fromFixture, maxRelErr, values } from './helpers.js';
import { eighTopSteps } from '../lib/linalg/lapack.js';
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
