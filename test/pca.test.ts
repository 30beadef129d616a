import { describe, expect, it } from 'vitest';
import { PCA, ShapeError, Tensor } from '../lib/index.js';
import * as tb from '../lib/index.js';
import { expectClose, fixture, fromFixture, values } from './helpers.js';

const ml = fixture('ml');

describe('PCA (scikit-learn definitions)', () => {
  for (const c of ml.pca) {
    it(`${c.solver} with nComponents=${c.nComponents === null ? 'all' : c.nComponents}${c.whiten ? ', whitened' : ''}`, () => {
      const x = fromFixture(c.x);
      const opts = { ...(c.nComponents === null ? {} : { nComponents: c.nComponents }), whiten: c.whiten };
      const p = new PCA(opts).fit(x);
      expect(p.solver).toBe(c.solver);
      expect(p.nComponents).toBe(c.nComponents ?? p.nComponents);
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
