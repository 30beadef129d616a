/**
 * The `distance` namespace: pairwise and vector distances with scipy.spatial.distance's names.
 *
 * @example
 * ```ts
 * import { tensor, distance } from 'tensorblas';
 * distance.cdist(tensor([[0, 0]]), tensor([[3, 4], [1, 0]])).toArray(); // [[5, 1]]
 * ```
 *
 * @module
 */
// euclidean and sqeuclidean run as one gemm plus one fused pass with |x|^2 + |y|^2 - 2 x.y, cosine
// through one gemm too; cityblock and chebyshev are exact loops in C++ (native/distance.cc).
import { promote, type DType } from './dtype.js';
import type { FloatOf, MaxRank, OutResult, Promote } from './typing.js';
import { describe, formatShape, ShapeError } from './errors.js';
import { META, native } from './native.js';
import { Tensor, type OutOption } from './tensor.js';
import { writesDirectly } from './out.js';
import { dotNumber, isFloatVectorPair, matmul } from './blas.js';
import { finishInto, mul, div, sub, prepareOut } from './elementwise.js';
import * as red from './reduce.js';

/** A distance of {@link cdist}, with scipy.spatial.distance's names. */
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

/**
 * scipy.spatial.distance.cdist: the distance between each row of `x` and each row of `y`.
 * 'euclidean' and 'sqeuclidean' use one gemm (`|x|^2 + |y|^2 - 2 x.y`, so rounding can differ from a
 * direct difference in the last bits), 'cosine' one gemm; 'cityblock' and 'chebyshev' are exact loops.
 * Where that identity cannot hold (a NaN or infinite coordinate, squares that overflow), the entry
 * comes from the differences, as in SciPy: NaN stays NaN, an infinite coordinate gives Infinity.
 * One difference from SciPy: its cdist 'chebyshev' skips a NaN difference, here it gives NaN (as
 * NumPy's `max` and `scipy.spatial.distance.chebyshev` do).
 *
 * @param x - Observations x features, (M, D).
 * @param y - Observations x features, (N, D).
 * @param opts - `{ out }` (SciPy's `out=`): an (M, N) tensor to write the distances into and
 *   return, so that a loop reuses one buffer instead of faulting in a fresh one each call. Any
 *   layout and any dtype the result casts to safely; one that shares memory with x or y is
 *   computed into a temporary first.
 * @returns An (M, N) tensor (or `out`); float32 if both inputs are float32, else float64.
 * @throws ShapeError if the numbers of columns differ.
 * @throws RangeError if an input is not 2-D or the metric is unknown.
 * @throws TypeError if an input is not a Tensor.
 * @example
 * ```ts
 * const x = tensor([[0, 0], [1, 1]]);
 * const y = tensor([[3, 4], [1, 0]]);
 * distance.cdist(x, y).toArray();              // [[5, 1], [3.605551275463989, 1]]
 * distance.cdist(x, y, 'cityblock').toArray(); // [[7, 1], [5, 1]]
 * const d = zeros([2, 2]);
 * distance.cdist(x, y, 'euclidean', { out: d }) === d; // true: written into d
 * ```
 */
export function cdist<DX extends DType, DY extends DType, P extends OutOption = {}>(
  x: Tensor<DX>, y: Tensor<DY>, metric: Metric = 'euclidean', opts?: P,
): OutResult<P, Tensor<FloatOf<Promote<DX, DY>>, 2>> {
  return cdistImpl(x, y, metric, opts) as never;
}

function cdistImpl(xIn: Tensor, yIn: Tensor, metric: Metric, opts?: OutOption): Tensor {
  let x = asMatrix(xIn, 'x');
  let y = asMatrix(yIn, 'y');
  if (x.shape[1] !== y.shape[1]) {
    throw new ShapeError(`cdist: x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must have the same number of columns`);
  }
  const dtype = promote(x.dtype, y.dtype);
  if (x.dtype !== dtype) x = x.astype(dtype);
  if (y.dtype !== dtype) y = y.astype(dtype);
  if (typeof metric === 'object' && metric !== null) {
    throw new TypeError("cdist's third argument is the metric; pass options fourth: cdist(x, y, 'euclidean', { out })");
  }
  if (typeof metric !== 'string' || (!Object.hasOwn(METRIC_CODES, metric) && metric !== 'cosine')) {
    throw new RangeError(`Unknown metric '${String(metric)}': expected euclidean, sqeuclidean, cityblock, cosine or chebyshev`);
  }
  const shape = [x.shape[0], y.shape[0]];
  const target = prepareOut(opts, shape, dtype, 'cdist');
  // The kernels write `out` while reading x and y, and the gemm ones want rows of unit stride.
  const direct =
    opts?.out === undefined ||
    (writesDirectly(target, [x, y], { dtype }) && (metric === 'cityblock' || metric === 'chebyshev' || rowContiguous(target)));
  const out = direct ? target : Tensor._output(shape, dtype);
  if (metric === 'cosine') {
    matmul(x, y.T, { out });
    const nx = sqNorms(x).sqrt();
    const ny = sqNorms(y).sqrt();
    div(out, nx.reshape(-1, 1), { out });
    div(out, ny.reshape(1, -1), { out });
    sub(1, out, { out }).maximum(0, { out });
  } else {
    if (metric === 'euclidean' || metric === 'sqeuclidean') {
      // One gemm and one fused pass in C++; BLAS wants rows with unit column stride.
      if (!rowContiguous(x)) x = x.clone();
      if (!rowContiguous(y)) y = y.clone();
    }
    let p = 0;
    for (const t of [x, y, out]) {
      META[p++] = t.shape[0];
      META[p++] = t.shape[1];
      META[p++] = t.offset;
      META[p++] = t.strides[0];
      META[p++] = t.strides[1];
    }
    native.cdist(METRIC_CODES[metric as keyof typeof METRIC_CODES], x.data, y.data, out.data);
  }
  if (out !== target) finishInto(out, target);
  return target;
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

/**
 * The Euclidean distance `|u - v|` of two vectors (scipy.spatial.distance.euclidean).
 *
 * @throws ShapeError if the lengths differ.
 * @throws RangeError if an input is not 1-D.
 * @throws TypeError if an input is not a Tensor.
 * @example
 * ```ts
 * distance.euclidean(tensor([0, 0]), tensor([3, 4])); // 5
 * ```
 */
export function euclidean(u: Tensor, v: Tensor): number {
  const [a, b] = asVectors(u, v, 'euclidean');
  const d = sub(a, b);
  return Math.sqrt(red.sum(d.mul(d, { out: d })) as number);
}

/**
 * The Manhattan (L1) distance `sum(|u - v|)` of two vectors (scipy.spatial.distance.cityblock).
 *
 * @throws ShapeError if the lengths differ.
 * @throws RangeError if an input is not 1-D.
 * @throws TypeError if an input is not a Tensor.
 * @example
 * ```ts
 * distance.cityblock(tensor([0, 0]), tensor([3, -4])); // 7
 * ```
 */
export function cityblock(u: Tensor, v: Tensor): number {
  const [a, b] = asVectors(u, v, 'cityblock');
  const d = sub(a, b);
  return red.sum(d.abs({ out: d })) as number;
}

/**
 * The cosine distance `1 - u.v / (|u| |v|)` of two vectors (scipy.spatial.distance.cosine),
 * clamped at 0.
 *
 * @throws ShapeError if the lengths differ.
 * @throws RangeError if an input is not 1-D.
 * @throws TypeError if an input is not a Tensor.
 * @example
 * ```ts
 * distance.cosine(tensor([1, 0]), tensor([0, 1]));  // 1
 * distance.cosine(tensor([1, 0]), tensor([-2, 0])); // 2
 * ```
 */
export function cosine(u: Tensor, v: Tensor): number {
  const [a, b] = asVectors(u, v, 'cosine');
  // SciPy's three dot products; BLAS dots for float vectors of one dtype.
  const lean = isFloatVectorPair(a, b);
  const dot = lean ? dotNumber(a, b) : (red.sum(mul(a, b)) as number);
  const uu = lean ? dotNumber(a, a) : (red.sum(mul(a, a)) as number);
  const vv = lean ? dotNumber(b, b) : (red.sum(mul(b, b)) as number);
  // SciPy's formula and clip: one sqrt of the product, so parallel vectors give exactly 0; the
  // product of the norms where that product would overflow or underflow.
  const prod = uu * vv;
  const denom = prod > 0 && Number.isFinite(prod) ? Math.sqrt(prod) : Math.sqrt(uu) * Math.sqrt(vv);
  return Math.min(2, Math.max(0, 1 - dot / denom));
}

/**
 * The vector projection of `a` onto `onto` along the last axis: `(a.onto / onto.onto) * onto`;
 * both broadcast, so a stack of vectors projects at once.
 *
 * @throws RangeError if an input is 0-d.
 * @throws TypeError if an input is not a Tensor.
 * @throws ShapeError if the shapes cannot be broadcast together.
 * @example
 * ```ts
 * project(tensor([2, 3]), tensor([1, 0])).toArray();           // [2, 0]
 * project(tensor([[1, 1], [2, 0]]), tensor([0, 2])).toArray(); // [[0, 1], [0, 0]]
 * ```
 */
export function project<DA extends DType, RA extends number, DB extends DType, RB extends number>(
  a: Tensor<DA, RA>, onto: Tensor<DB, RB>,
): Tensor<FloatOf<Promote<DA, DB>>, MaxRank<RA, RB>> {
  for (const [t, w] of [[a, 'a'], [onto, 'onto']] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`Expected a Tensor for ${w} but received ${describe(t)}`);
    if (t.ndim === 0) throw new RangeError(`project: ${w} must have at least one dimension`);
  }
  const scale: Tensor = div(red.sum(mul(a, onto), -1, true), red.sum(mul(onto, onto), -1, true));
  return mul(scale, onto) as never;
}
