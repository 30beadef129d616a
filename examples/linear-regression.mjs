// Least-squares linear regression with lstsq: recover y = 3 x1 - 2 x2 + 0.5 from noisy samples.
// node examples/linear-regression.mjs
import { concat, ones, randn, linalg } from 'tensorblas';

const n = 500;
const features = randn([n, 2], { seed: 7 });
const noise = randn([n], { seed: 8 }).mul(0.1);
const y = features.slice(null, 0).mul(3).add(features.slice(null, 1).mul(-2)).add(0.5).add(noise);

// The design matrix gets a column of ones for the intercept.
const design = concat([features, ones([n, 1])], 1);
const { x: w, residuals, rank, s } = linalg.lstsq(design, y);
console.log(`fitted [w1, w2, intercept]: ${w.toString()}`);
console.log(`rank ${rank}, residual sum of squares ${residuals.item().toFixed(4)}, singular values ${s.toString()}`);
const pred = design.matmul(w);
const r2 = 1 - pred.sub(y).square().sum() / y.sub(y.mean()).square().sum();
console.log(`R^2 = ${r2.toFixed(5)}`);
