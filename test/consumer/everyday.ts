// Everyday calls as a strict TypeScript user writes them: no casts, no `as`, no `!`. Compiled
// against the package's published types (test/packaging.test.ts against dist/, and
// `npm run test:install` against the installed tarball); only compiled, never run.
import {
  tensor, zeros, ones, eye, arange, randn, diag, linalg, distance, PCA, load, readCsv, matmul, sum, LinAlgError, ShapeError,
  type Tensor,
} from 'tensorblas';

const a = tensor([[4, 1, 0], [1, 3, 1], [0, 1, 2]]);
const v = tensor([1, 2, 3]);
const f32 = tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });

// Reductions: numbers without an axis, tensors with one.
const total: number = a.sum();
const mean: number = a.mean();
const biggest: number = a.max();
const where: number = a.argmax();
const spread: number = a.std();
const colSums: Tensor = a.sum(0);
const firstCol: number = colSums.get(0);
const rowMax: number[] = a.max(1).toArray();

// Scalars of a matrix are numbers.
const d: number = linalg.det(a);
const n: number = linalg.norm(a);
const nv: number = linalg.norm(v);
const t: number = linalg.trace(a);
const c: number = linalg.cond(a);
const r: number = linalg.matrixRank(a);
const s1: number = linalg.slogdet(a).sign;
const dot: number = linalg.vdot(v, v);
const cos: number = distance.cosine(v, v);
const dist: number = distance.euclidean(v, tensor([0, 0, 0]));

// Results are complete by their options.
const { u, s, vt } = linalg.svd(a);
const rebuilt: Tensor<'float64', 2> = u.matmul(diag(s)).matmul(vt);
const onlyS: Tensor<'float64', 1> = linalg.svd(a, { computeUV: false }).s;
const { q, r: upper } = linalg.qr(a);
const qr: Tensor<'float64', 2> = q.matmul(upper);
const { values, vectors } = linalg.eigh(a);
const x: Tensor<'float64', 1> = linalg.solve(a, v);
const fit = linalg.lstsq(a, v);
const rank: number = fit.rank;

// dtype in the type.
const raw: Float32Array = f32.data;
const sameDtype: Float32Array = f32.add(f32).mul(2).data;
const ints: Int32Array = zeros([2, 2], 'int32').data;
const cast: Int32Array = f32.astype('int32').data;
const promoted: Float64Array = f32.add(eye(2)).data;

// Shapes and nested lists.
const [rows, cols] = a.shape;
const nested: number[][] = a.toArray();
const row: number[] = a.slice(0).toArray();

async function later(): Promise<number> {
  const det: number = await linalg.detAsync(a);
  const inv: Tensor<'float64', 2> = await linalg.invAsync(a);
  const prod: Tensor<'float64', 2> = await a.matmulAsync(inv);
  return det + prod.sum();
}

// Tensors of unknown type: checked narrowing, no casts.
function fromDisk(path: string): number {
  const w = load(path).expectRank(2).expectDType('float32');
  const data: Float32Array = w.data;
  return linalg.det(w) + data.length;
}
const csv: Tensor<'float64', 2> = readCsv('data.csv', { header: true });

try {
  linalg.inv(zeros([2, 2]));
} catch (e) {
  if (e instanceof LinAlgError) console.log(e.code);
  if (e instanceof ShapeError) console.log(e.message);
}

const pca = new PCA({ nComponents: 2 });
const projected: Tensor<'float32' | 'float64', 2> = pca.fitTransform(randn([50, 4]));
const ratio: number = pca.explainedVarianceRatio.sum();
const grand: number = sum(matmul(ones([2, 3]), arange(3)));

export {
  total, mean, biggest, where, spread, firstCol, rowMax, d, n, nv, t, c, r, s1, dot, cos, dist, rebuilt, onlyS, qr, values, vectors,
  x, rank, raw, sameDtype, ints, cast, promoted, rows, cols, nested, row, later, fromDisk, csv, projected, ratio, grand,
};
