// Pairwise and vector distances (SciPy's scipy.spatial.distance names). euclidean and sqeuclidean
// run as one gemm plus one fused pass with |x|^2 + |y|^2 - 2 x.y, cosine through one gemm too;
// cityblock and chebyshev are exact loops in C++ (native/distance.cc).
import { promote } from './dtype.js';
import { describe, formatShape, ShapeError } from './errors.js';
import { META, native } from './native.js';
import { Tensor } from './tensor.js';
import { matmul } from './blas.js';
import { mul, div, sub } from './elementwise.js';
import * as red from './reduce.js';

export type Metric = 'euclidean' | 'sqeuclidean' | 'cityblock' | 'cosine' | 'chebyshev';

function asMatrix(t: unknown, what: string): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${what} but received ${describe(t)}`);
  if (t.ndim !== 2) throw new RangeError(`cdist: ${what} must be 2-D (observations x features), got shape ${formatShape(t.shape)}`);
  return t.dtype === 'int32' ? t.astype('float64') : t;
}

const METRIC_CODES = { cityblock: 0, chebyshev: 1, euclidean: 2, sqeuclidean: 3 } as const;

const rowContiguous = (t: Tensor): boolean => (t.shape[1] <= 1 || t.strides[1] === 1) && t.strides[0] >= Math.max(1, t.shape[1]);

/** Row norms squared, as a column (keepdims) or a row. */
const sqNorms = (t: Tensor): Tensor => red.sum(t.mul(t), 1) as Tensor;

/** scipy.spatial.distance.cdist: distances between each row of x and each row of y. */
export function cdist(xIn: Tensor, yIn: Tensor, metric: Metric = 'euclidean'): Tensor {
  let x = asMatrix(xIn, 'x');
  let y = asMatrix(yIn, 'y');
  if (x.shape[1] !== y.shape[1]) {
    throw new ShapeError(`cdist: x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must have the same number of columns`);
  }
  const dtype = promote(x.dtype, y.dtype);
  if (x.dtype !== dtype) x = x.astype(dtype);
  if (y.dtype !== dtype) y = y.astype(dtype);
  switch (metric) {
    case 'cosine': {
      const d = matmul(x, y.T);
      const nx = sqNorms(x).sqrt();
      const ny = sqNorms(y).sqrt();
      div(d, nx.reshape(-1, 1), { out: d });
      div(d, ny.reshape(1, -1), { out: d });
      return sub(1, d, { out: d }).maximum(0, { out: d });
    }
    case 'euclidean':
    case 'sqeuclidean':
    case 'cityblock':
    case 'chebyshev': {
      if (metric === 'euclidean' || metric === 'sqeuclidean') {
        // One gemm and one fused pass in C++; BLAS wants rows with unit column stride.
        if (!rowContiguous(x)) x = x.clone();
        if (!rowContiguous(y)) y = y.clone();
      }
      const out = Tensor._output([x.shape[0], y.shape[0]], dtype);
      let p = 0;
      for (const t of [x, y, out]) {
        META[p++] = t.shape[0];
        META[p++] = t.shape[1];
        META[p++] = t.offset;
        META[p++] = t.strides[0];
        META[p++] = t.strides[1];
      }
      native.cdist(METRIC_CODES[metric], x.data, y.data, out.data);
      return out;
    }
    default:
      throw new RangeError(`Unknown metric '${String(metric)}': expected euclidean, sqeuclidean, cityblock, cosine or chebyshev`);
  }
}

function asVectors(u: unknown, v: unknown, op: string): [Tensor, Tensor] {
  for (const [t, w] of [[u, 'u'], [v, 'v']] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${w} but received ${describe(t)}`);
    if (t.ndim !== 1) throw new RangeError(`${op}: ${w} must be 1-D, got shape ${formatShape(t.shape)}`);
  }
  const a = u as Tensor;
  const b = v as Tensor;
  if (a.size !== b.size) throw new ShapeError(`${op}: u ${formatShape(a.shape)} and v ${formatShape(b.shape)} differ in length`);
  return [a, b];
}

/** The Euclidean distance of two vectors. */
export function euclidean(u: Tensor, v: Tensor): number {
  const [a, b] = asVectors(u, v, 'euclidean');
  const d = sub(a, b);
  return Math.sqrt(red.sum(d.mul(d, { out: d })) as number);
}

/** The Manhattan (L1) distance of two vectors. */
export function cityblock(u: Tensor, v: Tensor): number {
  const [a, b] = asVectors(u, v, 'cityblock');
  const d = sub(a, b);
  return red.sum(d.abs({ out: d })) as number;
}

/** 1 - cos(angle) between two vectors. */
export function cosine(u: Tensor, v: Tensor): number {
  const [a, b] = asVectors(u, v, 'cosine');
  const dot = red.sum(mul(a, b)) as number;
  const na = Math.sqrt(red.sum(mul(a, a)) as number);
  const nb = Math.sqrt(red.sum(mul(b, b)) as number);
  return Math.max(0, 1 - dot / (na * nb));
}

/** The vector projection of `a` onto `onto` along the last axis: (a.onto / onto.onto) onto. */
export function project(a: Tensor, onto: Tensor): Tensor {
  for (const [t, w] of [[a, 'a'], [onto, 'onto']] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${w} but received ${describe(t)}`);
    if (t.ndim === 0) throw new RangeError(`project: ${w} must have at least one dimension`);
  }
  const scale = div(red.sum(mul(a, onto), -1, true) as Tensor, red.sum(mul(onto, onto), -1, true) as Tensor);
  return mul(scale, onto);
}
