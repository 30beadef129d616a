// Principal component analysis with scikit-learn's names and definitions (sklearn >= 1.5, PCA with
// svd_solver='auto', minus the randomized solver): explained variance with ddof = 1, components
// sign-fixed by svd_flip(u_based_decision=False) so results are deterministic.
import { describe, formatShape, ShapeError } from './errors.js';
import { Tensor } from './tensor.js';
import type { DType } from './dtype.js';
import type { FloatOf, Promote } from './typing.js';

/** The dtype of a fitted PCA's attributes and projections: float32 data stays float32, other data is float64. */
export type PCADType = 'float64' | 'float32';
import { matmul, matmulSteps } from './blas.js';
import { mul, sub } from './elementwise.js';
import * as red from './reduce.js';
import { eighSteps, eighTopSteps } from './linalg/eigh.js';
import { svdSteps } from './linalg/svd.js';
import { runAsync, runSync, type Steps } from './steps.js';
import { nativeStep } from './native.js';

/** Options of the {@link PCA} constructor. */
export interface PCAOptions {
  /** Components to keep: an integer, a variance fraction in (0, 1), or all when omitted. */
  nComponents?: number | undefined;
  /** Scale the projections to unit variance. */
  whiten?: boolean | undefined;
  /** 'auto' (scikit-learn's rule), 'covarianceEigh' or 'full'. */
  solver?: 'auto' | 'covarianceEigh' | 'full' | undefined;
}

/**
 * Principal component analysis with scikit-learn's names and definitions (sklearn.decomposition.PCA,
 * without the randomized solver): the data are centred, explained variances use ddof = 1, and the sign
 * of each component is fixed (svd_flip) so results are deterministic. Attributes are set by
 * {@link PCA.fit | fit}.
 *
 * @example
 * ```ts
 * const x = tensor([[2.5, 2.4], [0.5, 0.7], [2.2, 2.9], [1.9, 2.2], [3.1, 3.0],
 *                   [2.3, 2.7], [2.0, 1.6], [1.0, 1.1], [1.5, 1.6], [1.1, 0.9]]);
 * const pca = new PCA({ nComponents: 1 });
 * const z = pca.fitTransform(x);
 * z.shape;                               // [10, 1]
 * pca.explainedVarianceRatio.toArray();  // [0.9631813143486458]
 * pca.inverseTransform(z).shape;         // [10, 2]
 * ```
 */
export class PCA {
  /** The `nComponents` option as given (undefined: keep all). */
  readonly nComponentsRequested: number | undefined;
  /** Whether projections are scaled to unit variance. */
  readonly whiten: boolean;
  /** The `solver` option as given. */
  readonly solverRequested: 'auto' | 'covarianceEigh' | 'full';
  /** The solver the last fit used: 'covarianceEigh' (samples far outnumber features) or 'full' (SVD). */
  solver: 'covarianceEigh' | 'full' | undefined;
  /** Principal axes as rows, (nComponents, nFeatures), by decreasing explained variance (`components_`). */
  components!: Tensor<PCADType, 2>;
  /** Variance along each component, ddof = 1 (`explained_variance_`). */
  explainedVariance!: Tensor<PCADType, 1>;
  /** Fraction of the total variance along each component (`explained_variance_ratio_`). */
  explainedVarianceRatio!: Tensor<PCADType, 1>;
  /** Singular values of the centred data for each component (`singular_values_`). */
  singularValues!: Tensor<PCADType, 1>;
  /** Per-feature mean of the training data, (nFeatures) (`mean_`). */
  mean!: Tensor<PCADType, 1>;
  /** Mean variance of the discarded components, 0 when all are kept (`noise_variance_`). */
  noiseVariance = 0;
  /** Number of components kept by the last fit (`n_components_`). */
  nComponents = 0;
  /** Number of samples in the last fit (`n_samples_`). */
  nSamples = 0;
  /** Number of features in the last fit (`n_features_in_`). */
  nFeatures = 0;
  private fitted = false;

  /**
   * An unfitted PCA; call {@link PCA.fit | fit} or {@link PCA.fitTransform | fitTransform} next.
   *
   * @throws RangeError if `nComponents` is neither a positive integer nor a fraction in (0, 1), or the
   * solver is unknown.
   * @example
   * ```ts
   * const byCount = new PCA({ nComponents: 2 });
   * const byVariance = new PCA({ nComponents: 0.95 }); // enough components for 95% of the variance
   * ```
   */
  constructor(opts: PCAOptions = {}) {
    const n = opts.nComponents;
    if (n !== undefined && (typeof n !== 'number' || !(n > 0) || (n >= 1 && !Number.isInteger(n)))) {
      throw new RangeError(`Expected a positive integer or a fraction in (0, 1) for nComponents but received ${describe(n)}`);
    }
    this.nComponentsRequested = n;
    this.whiten = opts.whiten ?? false;
    const solver = opts.solver ?? 'auto';
    if (solver !== 'auto' && solver !== 'covarianceEigh' && solver !== 'full') {
      throw new RangeError(`Unknown solver ${describe(solver)}: expected 'auto', 'covarianceEigh' or 'full'`);
    }
    this.solverRequested = solver;
  }

  /**
   * Fits the model to `x` (samples x features) and sets the attributes.
   *
   * @returns This PCA.
   * @throws RangeError if `x` is not 2-D, has fewer than 2 samples, or `nComponents` exceeds min(samples, features).
   * @throws TypeError if `x` is not a Tensor.
   * @example
   * ```ts
   * const pca = new PCA({ nComponents: 2 }).fit(randn([100, 5], { seed: 0 }));
   * pca.components.shape; // [2, 5]
   * ```
   */
  fit(x: Tensor): this {
    runSync(this.fitSteps(x));
    return this;
  }

  /**
   * {@link PCA.fit | fit} with the covariance (or SVD) and the eigendecomposition on the libuv
   * thread pool, so that the event loop keeps running; resolves to this PCA. Checks run first, and
   * their errors become rejections. `x` must not be modified until the promise settles.
   *
   * @example
   * ```ts
   * const pca = await new PCA({ nComponents: 2 }).fitAsync(randn([100, 5], { seed: 0 }));
   * pca.explainedVarianceRatio.shape; // [2]
   * ```
   */
  async fitAsync(x: Tensor): Promise<this> {
    await runAsync(this.fitSteps(x));
    return this;
  }

  /**
   * Fits the model to `x` and returns its projection onto the components, (samples, nComponents);
   * the same as `fit(x).transform(x)` up to rounding.
   *
   * @throws RangeError if `x` is not 2-D, has fewer than 2 samples, or `nComponents` exceeds min(samples, features).
   * @throws TypeError if `x` is not a Tensor.
   * @example
   * ```ts
   * new PCA({ nComponents: 3 }).fitTransform(randn([50, 8], { seed: 0 })).shape; // [50, 3]
   * ```
   */
  fitTransform<D extends DType>(x: Tensor<D>): Tensor<FloatOf<D>, 2> {
    return runSync(this.fitTransformSteps(x)) as never;
  }

  /**
   * {@link PCA.fitTransform | fitTransform} with the heavy work on the libuv thread pool.
   *
   * @example
   * ```ts
   * (await new PCA({ nComponents: 3 }).fitTransformAsync(randn([50, 8], { seed: 0 }))).shape; // [50, 3]
   * ```
   */
  fitTransformAsync<D extends DType>(x: Tensor<D>): Promise<Tensor<FloatOf<D>, 2>> {
    return runAsync(this.fitTransformSteps(x)) as never;
  }

  private *fitTransformSteps(x: Tensor): Steps<Tensor> {
    const u = yield* this.fitSteps(x);
    if (u === null) return yield* this.transformSteps(x);
    // Full SVD: the projections are U S (U already sign-flipped with Vt).
    const k = this.nComponents;
    let z = mul(u.slice(null, [0, k]), this.singularValues);
    if (this.whiten) z = z.div(this.explainedVariance.sqrt(), { out: z });
    return z;
  }

  /**
   * Projects `x` onto the fitted components: `(x - mean) @ components.T`, divided by the component
   * standard deviations when whitening.
   *
   * @returns (samples, nComponents).
   * @throws Error if the model is not fitted.
   * @throws ShapeError if `x` has a different number of features than the training data.
   * @throws RangeError if `x` is not 2-D.
   * @example
   * ```ts
   * const pca = new PCA({ nComponents: 2 }).fit(randn([100, 4], { seed: 1 }));
   * pca.transform(randn([5, 4], { seed: 2 })).shape; // [5, 2]
   * ```
   */
  transform<D extends DType>(x: Tensor<D>): Tensor<Promote<FloatOf<D>, PCADType>, 2> {
    return runSync(this.transformSteps(x)) as never;
  }

  /**
   * {@link PCA.transform | transform} with the product on the libuv thread pool.
   *
   * @example
   * ```ts
   * const pca = new PCA({ nComponents: 2 }).fit(randn([100, 4], { seed: 1 }));
   * (await pca.transformAsync(randn([5, 4], { seed: 2 }))).shape; // [5, 2]
   * ```
   */
  transformAsync<D extends DType>(x: Tensor<D>): Promise<Tensor<Promote<FloatOf<D>, PCADType>, 2>> {
    return runAsync(this.transformSteps(x)) as never;
  }

  private *transformSteps(x: Tensor): Steps<Tensor> {
    this.checkFitted();
    const a = this.checkInput(x, this.nFeatures);
    // X C^T - mean C^T: no centered copy of X, as scikit-learn does. Components and mean are
    // read now, so a fit finishing meanwhile cannot mix two models into one projection.
    const ct = this.components.T;
    const shift = matmul(this.mean.reshape(1, -1), ct);
    const whiten = this.whiten ? this.explainedVariance.sqrt() : null;
    const z = yield* matmulSteps(a, ct);
    z.sub(shift, { out: z });
    if (whiten) z.div(whiten, { out: z });
    return z;
  }

  /**
   * Maps projections back to feature space: `z @ components + mean` (undoing whitening first).
   *
   * @returns (samples, nFeatures).
   * @throws Error if the model is not fitted.
   * @throws ShapeError if `z` does not have nComponents columns.
   * @throws RangeError if `z` is not 2-D.
   * @example
   * ```ts
   * const x = randn([20, 3], { seed: 3 });
   * const pca = new PCA().fit(x);                       // all components: a lossless rotation
   * pca.inverseTransform(pca.transform(x)).sub(x).abs().max() < 1e-12; // true
   * ```
   */
  inverseTransform(z: Tensor): Tensor<PCADType, 2> {
    this.checkFitted();
    const zz = this.checkInput(z, this.nComponents);
    const c = this.whiten ? mul(this.explainedVariance.sqrt().reshape(-1, 1), this.components) : this.components;
    const x = matmul(zz, c);
    return x.add(this.mean, { out: x }) as never;
  }

  private checkFitted(): void {
    if (!this.fitted) throw new Error('This PCA instance is not fitted yet: call fit() first');
  }

  private checkInput(x: unknown, features: number | null): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`Expected a Tensor but received ${describe(x)}`);
    if (x.ndim !== 2) throw new RangeError(`PCA expects a 2-D tensor (samples x features), got shape ${formatShape(x.shape)}`);
    if (features !== null && x.shape[1] !== features) {
      throw new ShapeError(`PCA: input has ${x.shape[1]} features but ${features} were expected (shape ${formatShape(x.shape)})`);
    }
    return x.dtype === 'int32' ? x.astype('float64') : x;
  }

  /**
   * Fits; returns U (sign-flipped) for the full solver, null for covarianceEigh. The attributes are
   * set at the end, all at once, so an async fit that fails leaves the previous fit in place.
   */
  private *fitSteps(xIn: Tensor): Steps<Tensor | null> {
    const x = this.checkInput(xIn, null);
    const [n, p] = x.shape;
    if (n < 2) throw new RangeError(`PCA needs at least 2 samples, got ${n}`);
    const kMax = Math.min(n, p);
    const req = this.nComponentsRequested;
    if (req !== undefined && req >= 1 && req > kMax) {
      throw new RangeError(`nComponents=${req} must be between 1 and min(nSamples, nFeatures)=${kMax}`);
    }
    const solver: 'covarianceEigh' | 'full' =
      this.solverRequested === 'auto' ? (p <= 1000 && n >= 10 * p ? 'covarianceEigh' : 'full') : this.solverRequested;
    let mean: Tensor;
    let explained: Tensor;
    let singular: Tensor;
    let vt: Tensor;
    let u: Tensor | null = null;
    // Set when only the top components were computed: the full spectrum's sum and its remainder.
    let totalVariance: number | undefined;
    let restVariance = 0;
    if (solver === 'covarianceEigh') {
      let c: Tensor;
      ({ mean, covariance: c } = yield* covarianceSteps(x));
      // An integer nComponents needs only the top k eigenpairs (syevr); the total variance, for
      // the ratios and the noise variance, is the trace. A fraction needs the whole spectrum.
      const top = req !== undefined && req >= 1 && req < p ? req : p;
      const { values, vectors } = top < p ? yield* eighTopSteps(c, top) : ((yield* eighSteps(c)) as { values: Tensor; vectors: Tensor });
      explained = values.slice([null, null, -1]).maximum(0); // descending, tiny negatives clipped
      singular = explained.mul(n - 1).sqrt();
      vt = vectors.slice(null, [null, null, -1]).T; // a view of eigh's own output; flipped in place below
      if (top < p) {
        let trace = 0;
        for (let i = 0; i < p; i++) trace += Math.max(0, c.get(i, i));
        totalVariance = trace;
        restVariance = Math.max(0, trace - (red.sum(explained) as number));
      }
    } else {
      mean = red.mean(x, 0) as Tensor;
      const centered = sub(x, mean);
      const r = (yield* svdSteps(centered, { fullMatrices: false })) as { u: Tensor; s: Tensor; vt: Tensor };
      u = r.u;
      vt = r.vt;
      singular = r.s;
      explained = singular.mul(singular).div(n - 1);
    }
    const signs = svdFlipSigns(vt);
    vt.mul(signs.reshape(-1, 1), { out: vt });
    if (u) u.mul(signs.reshape(1, -1), { out: u });
    const total = totalVariance ?? (red.sum(explained) as number);
    const ratio = explained.div(total);
    let k = req === undefined ? kMax : req;
    if (req !== undefined && req < 1) {
      // Smallest k whose cumulative explained-variance ratio exceeds the fraction (searchsorted 'right').
      let acc = 0;
      k = kMax;
      for (let i = 0; i < ratio.size; i++) {
        acc += ratio.get(i);
        if (acc > req) {
          k = i + 1;
          break;
        }
      }
    }
    // The mean of the p - k eigenvalues past the kept ones, as the full spectrum gives it.
    if (totalVariance !== undefined) this.noiseVariance = k < kMax ? restVariance / (p - k) : 0;
    else this.noiseVariance = k < kMax ? (red.mean(explained.slice([k])) as number) : 0;
    this.solver = solver;
    this.nSamples = n;
    this.nFeatures = p;
    this.nComponents = k;
    this.mean = mean as Tensor<PCADType, 1>;
    this.components = vt.slice([0, k]).clone() as Tensor<PCADType, 2>;
    this.explainedVariance = explained.slice([0, k]).clone() as Tensor<PCADType, 1>;
    this.explainedVarianceRatio = ratio.slice([0, k]).clone() as Tensor<PCADType, 1>;
    this.singularValues = singular.slice([0, k]).clone() as Tensor<PCADType, 1>;
    this.fitted = true;
    return u;
  }
}

/**
 * The mean and the sample covariance (ddof 1) of x's columns from one pass over x, as
 * scikit-learn's covariance_eigh solver forms them without a centered copy, but shifted first
 * (see ShiftedGram in native/blas.cc) so that features with a large mean keep their digits.
 */
function* covarianceSteps(xIn: Tensor): Steps<{ mean: Tensor; covariance: Tensor }> {
  // Any non-negative strides are read in place (a Fortran-ordered X down its columns).
  const x = xIn.strides[0] >= 0 && xIn.strides[1] >= 0 ? xIn : xIn.contiguous();
  const [n, p] = x.shape;
  const gram = Tensor._output([p, p], x.dtype);
  const sums = new Float64Array(p);
  const shift = new Float64Array(p);
  yield nativeStep('shiftedGram', x.data, x.offset, n, p, x.strides[0], x.strides[1], gram.data, sums, shift);
  const mean = Tensor._output([p], x.dtype);
  for (let j = 0; j < p; j++) mean.data[j] = shift[j] + sums[j] / n;
  // C = (G - s s^T / n) / (n - 1), in place over the gram.
  const g = gram.data;
  for (let i = 0; i < p; i++) {
    const si = sums[i] / n;
    for (let j = 0; j < p; j++) g[i * p + j] = (g[i * p + j] - si * sums[j]) / (n - 1);
  }
  return { mean, covariance: gram };
}

/** scikit-learn's svd_flip(u_based_decision=False): the largest-|v| entry of each row becomes positive. */
function svdFlipSigns(vt: Tensor): Tensor {
  const rows = vt.shape[0];
  const idx = red.argmax(vt.abs(), 1) as Tensor;
  const signs = Tensor._empty([rows], vt.dtype);
  for (let i = 0; i < rows; i++) signs.data[i] = Math.sign(vt.get(i, idx.get(i))) || 1;
  return signs;
}
