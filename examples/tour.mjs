// The README's tour, runnable: node examples/tour.mjs
import { tensor, arange, randn, linalg, config } from 'tensorblas';

const x = randn([1000, 64], { seed: 1 }); // float64 by default
const w = randn([64, 10], { seed: 2, dtype: 'float32' });
const b = tensor(new Float32Array(10)); // wraps the array: b.data is that Float32Array
const h = x.matmul(w).add(b).relu(); // f64 @ f32 -> f64; (1000,10) + (10,) broadcasts
const p = h.softmax(-1); // rows sum to 1
console.log('row sums:', p.sum(1).slice([0, 3]).toString());
const m = arange(12).reshape(3, 4);
console.log('m.T @ m =\n' + m.T.matmul(m).toString());
console.log('frobenius norm:', linalg.norm(m, 'fro'));
m.add(1, { out: m }); // in place
console.log('m + 1 =\n' + m.toString());
console.log('BLAS:', config().blas.config);
