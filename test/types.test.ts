// The public types say what comes back. Each case checks the static type (expectTypeOf, checked by
// `vitest --typecheck`, which `npm test` runs on this file) and the value at run time, so the types
// cannot drift from what the code returns.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  arange, concat, distance, eye, linalg, load, matmul, ones, parseCsv, PCA, rand, randn, readCsvAsync, save, stack, sum, tensor, Tensor, zeros,
  type DType, type LabeledCsv, type TypedArray,
} from '../lib/index.js';
import * as A from 'apache-arrow';
import { fromArrow, fromArrowIPC, toArrow, type ArrowTableLike, type ArrowVectorLike } from '../lib/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Asserts a tensor's dtype and rank at run time (the static side is asserted by the caller). */
function is(t: Tensor, dtype: DType, ndim: number): void {
  expect(t).toBeInstanceOf(Tensor);
  expect(t.dtype).toBe(dtype);
  expect(t.ndim).toBe(ndim);
}

const m = tensor([[4, 1], [1, 3]]);
const v = tensor([1, 2]);
const f32 = tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });
const i32 = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
const stackOf = stack([m, m]);

describe('types: creation knows dtype and rank', () => {
  it('tensor() from nested arrays, typed arrays, numbers and options', () => {
    expectTypeOf(m).toEqualTypeOf<Tensor<'float64', 2>>();
    is(m, 'float64', 2);
    expectTypeOf(v).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(tensor(5)).toEqualTypeOf<Tensor<'float64', 0>>();
    is(tensor(5), 'float64', 0);
    const w = tensor(new Float32Array(4));
    expectTypeOf(w).toEqualTypeOf<Tensor<'float32', 1>>();
    expectTypeOf(w.data).toEqualTypeOf<Float32Array>();
    expect(w.data).toBeInstanceOf(Float32Array);
    expectTypeOf(f32).toEqualTypeOf<Tensor<'float32', 2>>();
    is(f32, 'float32', 2);
    expectTypeOf(i32).toEqualTypeOf<Tensor<'int32', 2>>();
    expectTypeOf(i32.data).toEqualTypeOf<Int32Array>();
    is(i32, 'int32', 2);
    expectTypeOf(tensor(new Int32Array(6), { shape: [1, 2, 3], dtype: 'float64' })).toEqualTypeOf<Tensor<'float64', 3>>();
    is(tensor(new Int32Array(6), { shape: [1, 2, 3], dtype: 'float64' }), 'float64', 3);
    expectTypeOf(tensor(f32)).toEqualTypeOf<Tensor<'float32', 2>>();
  });
  it('zeros, ones, full, eye, arange, rand, randn, stack, concat', () => {
    expectTypeOf(zeros([2, 3])).toEqualTypeOf<Tensor<'float64', 2>>();
    is(zeros([2, 3]), 'float64', 2);
    expectTypeOf(zeros(3, 'float32')).toEqualTypeOf<Tensor<'float32', 1>>();
    is(zeros(3, 'float32'), 'float32', 1);
    expectTypeOf(ones([2, 2, 2], 'int32')).toEqualTypeOf<Tensor<'int32', 3>>();
    expectTypeOf(eye(3)).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(eye(3, null, { dtype: 'float32' })).toEqualTypeOf<Tensor<'float32', 2>>();
    is(eye(3, null, { dtype: 'float32' }), 'float32', 2);
    expectTypeOf(arange(5)).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(randn([4, 4], { seed: 1, dtype: 'float32' })).toEqualTypeOf<Tensor<'float32', 2>>();
    is(randn([4, 4], { seed: 1, dtype: 'float32' }), 'float32', 2);
    expectTypeOf(rand([2])).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(stackOf).toEqualTypeOf<Tensor<'float64', 3>>();
    is(stackOf, 'float64', 3);
    expectTypeOf(concat([m, m])).toEqualTypeOf<Tensor<'float64', 2>>();
    // A list of mixed dtypes: each alike or promoted to float64.
    expectTypeOf(concat([f32, i32])).toEqualTypeOf<Tensor<'float32' | 'int32' | 'float64', 2>>();
    is(concat([f32, i32]), 'float64', 2);
    const dims: number[] = [2, 2];
    expectTypeOf(zeros(dims)).toEqualTypeOf<Tensor<'float64', number>>();
  });
});

describe('types: reductions are numbers without an axis, tensors with one', () => {
  it('sum, mean, max, argmax, std on a matrix', () => {
    const total = m.sum();
    expectTypeOf(total).toEqualTypeOf<number>();
    expect(total).toBe(9);
    expectTypeOf(m.mean()).toEqualTypeOf<number>();
    expectTypeOf(m.max()).toEqualTypeOf<number>();
    expectTypeOf(m.argmax()).toEqualTypeOf<number>();
    expect(m.argmax()).toBe(0);
    expectTypeOf(m.std()).toEqualTypeOf<number>();
    const cols = m.sum(0);
    expectTypeOf(cols).toEqualTypeOf<Tensor<'float64', 1>>();
    is(cols, 'float64', 1);
    expect(cols.toArray()).toEqual([5, 4]);
    expectTypeOf(m.sum(0, true)).toEqualTypeOf<Tensor<'float64', 2>>();
    is(m.sum(0, true), 'float64', 2);
    expectTypeOf(m.sum([0, 1])).toEqualTypeOf<number>();
    expect(m.sum([0, 1])).toBe(9);
    expectTypeOf(m.argmax(1)).toEqualTypeOf<Tensor<'int32', 1>>();
    is(m.argmax(1), 'int32', 1);
    expectTypeOf(v.sum(0)).toEqualTypeOf<number>();
    expect(v.sum(0)).toBe(3);
    expectTypeOf(sum(i32)).toEqualTypeOf<number>();
    expectTypeOf(i32.sum(1)).toEqualTypeOf<Tensor<'float64', 1>>();
    is(i32.sum(1), 'float64', 1);
    expectTypeOf(i32.max(1)).toEqualTypeOf<Tensor<'int32', 1>>();
    is(i32.max(1), 'int32', 1);
    expectTypeOf(f32.mean(0)).toEqualTypeOf<Tensor<'float32', 1>>();
    is(f32.mean(0), 'float32', 1);
    expectTypeOf(m.logSumExp()).toEqualTypeOf<number>();
    expect(typeof m.logSumExp(null)).toBe('number');
  });
  it('a keepdims or axis only known at run time gives the union', () => {
    const keep: boolean = Math.random() > 2;
    // keepdims true keeps the rank, false drops one: both tensors, since an axis is given.
    expectTypeOf(m.sum(0, keep)).toEqualTypeOf<Tensor<'float64', 2> | Tensor<'float64', 1>>();
    const unknown: Tensor = m;
    expectTypeOf(unknown.sum(0)).toEqualTypeOf<number | Tensor<'float64' | 'float32'>>();
    expectTypeOf(unknown.max(0)).toEqualTypeOf<number | Tensor<DType>>();
  });
});

describe('types: elementwise keeps dtype and broadcasts rank', () => {
  it('same-dtype arithmetic keeps the dtype; mixes promote', () => {
    expectTypeOf(f32.add(f32)).toEqualTypeOf<Tensor<'float32', 2>>();
    is(f32.add(f32), 'float32', 2);
    expectTypeOf(f32.add(2.5)).toEqualTypeOf<Tensor<'float32', 2>>();
    is(f32.add(2.5), 'float32', 2);
    expectTypeOf(f32.add(m)).toEqualTypeOf<Tensor<'float64', 2>>();
    is(f32.add(m), 'float64', 2);
    expectTypeOf(i32.add(1)).toEqualTypeOf<Tensor<'int32', 2>>();
    is(i32.add(1), 'int32', 2);
    expectTypeOf(i32.add(0.5)).toEqualTypeOf<Tensor<'float64', 2>>();
    is(i32.add(0.5), 'float64', 2);
    const n: number = 3;
    expectTypeOf(i32.mul(n)).toEqualTypeOf<Tensor<'int32' | 'float64', 2>>();
    expectTypeOf(i32.div(2)).toEqualTypeOf<Tensor<'float64', 2>>();
    is(i32.div(2), 'float64', 2);
    expectTypeOf(m.add(v)).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(stackOf.sub(v)).toEqualTypeOf<Tensor<'float64', 3>>();
    expectTypeOf(i32.exp()).toEqualTypeOf<Tensor<'float64', 2>>();
    is(i32.exp(), 'float64', 2);
    expectTypeOf(i32.abs()).toEqualTypeOf<Tensor<'int32', 2>>();
    is(i32.abs(), 'int32', 2);
    expectTypeOf(f32.relu().softmax()).toEqualTypeOf<Tensor<'float32', 2>>();
  });
  it('an { out } that may be undefined types the result as either', () => {
    const addOne = (out?: Tensor<'float64', 2>) => i32.add(1, { out });
    expectTypeOf(addOne()).toEqualTypeOf<Tensor<'float64', 2> | Tensor<'int32', 2>>();
    is(addOne(), 'int32', 2);
    is(addOne(zeros([2, 2])), 'float64', 2);
    const opts: { out?: Tensor<'float32', 2> } = {};
    expectTypeOf(f32.exp(opts)).toEqualTypeOf<Tensor<'float32', 2>>();
  });
  it('{ out } returns the out tensor, typed as itself', () => {
    const out = zeros([2, 2]);
    const r = f32.add(f32, { out });
    expectTypeOf(r).toEqualTypeOf<Tensor<'float64', 2>>();
    expect(r).toBe(out);
    expect(matmul(m, m, { out })).toBe(out);
    expectTypeOf(matmul(m, m, { out })).toEqualTypeOf<Tensor<'float64', 2>>();
  });
});

describe('types: views', () => {
  it('reshape, T, slice, ravel, expandDims, squeeze, diagonal', () => {
    const a = arange(12);
    expectTypeOf(a.reshape(3, 4)).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(a.reshape([2, 3, 2])).toEqualTypeOf<Tensor<'float64', 3>>();
    is(a.reshape([2, 3, 2]), 'float64', 3);
    const b = a.reshape(3, 4);
    expectTypeOf(b.T).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(b.slice(0)).toEqualTypeOf<Tensor<'float64', 1>>();
    is(b.slice(0), 'float64', 1);
    expectTypeOf(b.slice(null, [1, 3])).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(b.slice(1, 2)).toEqualTypeOf<Tensor<'float64', 0>>();
    is(b.slice(1, 2), 'float64', 0);
    expectTypeOf(b.ravel()).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(v.expandDims(0)).toEqualTypeOf<Tensor<'float64', 2>>();
    is(v.expandDims(0), 'float64', 2);
    expectTypeOf(b.expandDims(0).squeeze(0)).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(b.diagonal()).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(f32.astype('int32')).toEqualTypeOf<Tensor<'int32', 2>>();
    expectTypeOf(f32.astype('int32').data).toEqualTypeOf<Int32Array>();
    expectTypeOf(b.shape).toEqualTypeOf<readonly [number, number]>();
    const [rows, cols] = b.shape;
    expectTypeOf(rows).toEqualTypeOf<number>();
    expect([rows, cols]).toEqual([3, 4]);
    expectTypeOf(b.shape.length).toEqualTypeOf<2>();
    expectTypeOf(b.toArray()).toEqualTypeOf<number[][]>();
    expectTypeOf(v.toArray()).toEqualTypeOf<number[]>();
    expectTypeOf(tensor(1).toArray()).toEqualTypeOf<number>();
    expectTypeOf(b.get(0, 1)).toEqualTypeOf<number>();
    // @ts-expect-error a matrix takes two indices
    expect(() => b.get(0)).toThrow(RangeError);
  });
  it('expectRank and expectDType narrow a tensor of unknown type, checked at run time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensorblas-types-'));
    save(join(dir, 'w.npy'), f32);
    const loaded = load(join(dir, 'w.npy'));
    expectTypeOf(loaded).toEqualTypeOf<Tensor>();
    const w = loaded.expectRank(2).expectDType('float32');
    expectTypeOf(w).toEqualTypeOf<Tensor<'float32', 2>>();
    expectTypeOf(w.data).toEqualTypeOf<Float32Array>();
    expectTypeOf(linalg.det(w)).toEqualTypeOf<number>();
    expect(linalg.det(w)).toBeCloseTo(-2, 5);
    expect(() => loaded.expectRank(3)).toThrow(/axes/);
    expect(() => loaded.expectDType('float64')).toThrow(TypeError);
    const csv = parseCsv('a,b\n1,2\n3,4\n', { header: true });
    expectTypeOf(csv).toEqualTypeOf<Tensor<'float64', 2>>();
    is(csv, 'float64', 2);
    const labeled = parseCsv('x,kind\n1,b\n2,a\n', { header: true, labels: 'kind' });
    expectTypeOf(labeled.data).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(labeled.codes).toEqualTypeOf<Tensor<'int32', 1>>();
    expectTypeOf(labeled.classes).toEqualTypeOf<string[]>();
    is(labeled.codes, 'int32', 1);
    expect(labeled.classes).toEqual(['a', 'b']);
    const maybeLabels = (labels: boolean) => parseCsv('x,kind\n1,b\n', labels ? { header: true, labels: 'kind' } : { header: true });
    expectTypeOf(maybeLabels).returns.toEqualTypeOf<Tensor<'float64', 2> | LabeledCsv>();
    expect(maybeLabels(true)).toHaveProperty('classes', ['b']);
    const fromFile = readCsvAsync(join(__dirname, 'fixtures', 'npy', 'basic.csv'));
    expectTypeOf(fromFile).toEqualTypeOf<Promise<Tensor<'float64', 2>>>();
    is(await fromFile, 'float64', 2);
  });
  it('a tensor of known type is a Tensor, and unknown data stays the union', () => {
    const general: Tensor = f32;
    const list: Tensor[] = [m, f32, i32, v];
    expect(list).toHaveLength(4);
    expectTypeOf(general.data).toEqualTypeOf<TypedArray>();
    expectTypeOf<Tensor<'float32', 2>>().toMatchTypeOf<Tensor>();
    expectTypeOf<Tensor>().not.toMatchTypeOf<Tensor<'float32', 2>>();
    expectTypeOf<Tensor<'float64', 3>>().not.toMatchTypeOf<Tensor<'float64', 2>>();
  });
});

describe('types: linalg returns numbers for a matrix and tensors for a stack', () => {
  it('det, trace, norm, cond, matrixRank, slogdet, vdot', () => {
    const d: number = linalg.det(m);
    expect(d).toBeCloseTo(11, 12);
    expectTypeOf(linalg.det(stackOf)).toEqualTypeOf<Tensor<'float64', 1>>();
    is(linalg.det(stackOf), 'float64', 1);
    expectTypeOf(linalg.det(f32)).toEqualTypeOf<number>();
    expectTypeOf(linalg.det(stack([f32, f32]))).toEqualTypeOf<Tensor<'float32', 1>>();
    is(linalg.det(stack([f32, f32])), 'float32', 1);
    expectTypeOf(linalg.trace(m)).toEqualTypeOf<number>();
    expect(linalg.trace(m)).toBe(7);
    expectTypeOf(linalg.trace(stackOf)).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(linalg.norm(m)).toEqualTypeOf<number>();
    expectTypeOf(linalg.norm(v)).toEqualTypeOf<number>();
    expectTypeOf(linalg.norm(m, 2, 1)).toEqualTypeOf<Tensor<'float64', 1>>();
    is(linalg.norm(m, 2, 1), 'float64', 1);
    expectTypeOf(linalg.norm(stackOf, 'fro', [1, 2])).toEqualTypeOf<Tensor<'float64', 1>>();
    is(linalg.norm(stackOf, 'fro', [1, 2]), 'float64', 1);
    expectTypeOf(m.norm()).toEqualTypeOf<number>();
    expectTypeOf(linalg.cond(m)).toEqualTypeOf<number>();
    expectTypeOf(linalg.matrixRank(m)).toEqualTypeOf<number>();
    expect(linalg.matrixRank(m)).toBe(2);
    expectTypeOf(linalg.matrixRank(v)).toEqualTypeOf<number>();
    expectTypeOf(linalg.matrixRank(stackOf)).toEqualTypeOf<Tensor<'int32', 1>>();
    is(linalg.matrixRank(stackOf), 'int32', 1);
    const { sign, logabsdet } = linalg.slogdet(m);
    expectTypeOf(sign).toEqualTypeOf<number>();
    expect(sign * Math.exp(logabsdet)).toBeCloseTo(11, 12);
    expectTypeOf(linalg.slogdet(stackOf).sign).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(linalg.vdot(m, m)).toEqualTypeOf<number>();
    expectTypeOf(distance.cosine(v, v)).toEqualTypeOf<number>();
    expectTypeOf(distance.euclidean(v, v)).toEqualTypeOf<number>();
    expectTypeOf(distance.cityblock(v, v)).toEqualTypeOf<number>();
    expectTypeOf(linalg.det(i32)).toEqualTypeOf<number>();
    const unknown: Tensor = m;
    expectTypeOf(linalg.det(unknown)).toEqualTypeOf<number | Tensor<'float64' | 'float32'>>();
  });
  it('async twins resolve to the same types', async () => {
    const d = await linalg.detAsync(m);
    expectTypeOf(d).toEqualTypeOf<number>();
    expect(d).toBeCloseTo(11, 12);
    expectTypeOf(await linalg.invAsync(f32)).toEqualTypeOf<Tensor<'float32', 2>>();
    is(await linalg.invAsync(f32), 'float32', 2);
    expectTypeOf(await linalg.svdAsync(m)).toEqualTypeOf<linalg.SvdResult<Tensor<'float64', 2>, Tensor<'float64', 1>>>();
    expectTypeOf(await m.matmulAsync(v)).toEqualTypeOf<Tensor<'float64', 1>>();
  });
  it('results are complete by their options: svd, qr', () => {
    const { u, s, vt } = linalg.svd(m);
    expectTypeOf(u).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(s).toEqualTypeOf<Tensor<'float64', 1>>();
    is(u, 'float64', 2);
    is(vt, 'float64', 2);
    is(s, 'float64', 1);
    const onlyS = linalg.svd(f32, { computeUV: false });
    expectTypeOf(onlyS).toEqualTypeOf<linalg.SingularValues<Tensor<'float32', 1>>>();
    expect(Object.keys(onlyS)).toEqual(['s']);
    expectTypeOf(linalg.svd(m, { fullMatrices: false }).u).toEqualTypeOf<Tensor<'float64', 2>>();
    const { q, r } = linalg.qr(m);
    expectTypeOf(q).toEqualTypeOf<Tensor<'float64', 2>>();
    is(q, 'float64', 2);
    is(r, 'float64', 2);
    const rOnly = linalg.qr(m, 'r');
    expectTypeOf(rOnly).toEqualTypeOf<linalg.QrROnly<Tensor<'float64', 2>>>();
    expect(Object.keys(rOnly)).toEqual(['r']);
    expectTypeOf(linalg.qr(m, 'complete').q).toEqualTypeOf<Tensor<'float64', 2>>();
  });
  it('solve, inv, eigh, eig, lstsq, cholesky, lu, pinv: dtype and rank', () => {
    expectTypeOf(linalg.solve(m, v)).toEqualTypeOf<Tensor<'float64', 1>>();
    is(linalg.solve(m, v), 'float64', 1);
    expectTypeOf(linalg.solve(stackOf, m)).toEqualTypeOf<Tensor<'float64', 3>>();
    expectTypeOf(linalg.inv(i32)).toEqualTypeOf<Tensor<'float64', 2>>();
    is(linalg.inv(i32), 'float64', 2);
    const { values, vectors } = linalg.eigh(m);
    expectTypeOf(values).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(vectors).toEqualTypeOf<Tensor<'float64', 2>>();
    is(values, 'float64', 1);
    expectTypeOf(linalg.eig(f32).values.re).toEqualTypeOf<Tensor<'float32', 1>>();
    is(linalg.eig(f32).values.re, 'float32', 1);
    const fit = linalg.lstsq(m, v);
    expectTypeOf(fit.x).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(fit.rank).toEqualTypeOf<number>();
    is(fit.x, 'float64', 1);
    expectTypeOf(linalg.cholesky(m)).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(linalg.lu(m).p).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(linalg.pinv(f32)).toEqualTypeOf<Tensor<'float32', 2>>();
    expectTypeOf(linalg.matmul(m, v)).toEqualTypeOf<Tensor<'float64', 1>>();
    expectTypeOf(m.matmul(m)).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(v.dot(v)).toEqualTypeOf<Tensor<'float64', 0>>();
    is(v.dot(v), 'float64', 0);
    expectTypeOf(i32.matmul(i32)).toEqualTypeOf<Tensor<'int32', 2>>();
    is(i32.matmul(i32), 'int32', 2);
    expectTypeOf(linalg.outer(v, v)).toEqualTypeOf<Tensor<'float64', 2>>();
    expectTypeOf(linalg.matrixPower(i32, 2)).toEqualTypeOf<Tensor<'int32', 2>>();
    expectTypeOf(linalg.matrixPower(i32, -1)).toEqualTypeOf<Tensor<'float64', 2>>();
    is(linalg.matrixPower(i32, -1), 'float64', 2);
    expectTypeOf(linalg.multiDot([f32, i32, f32])).toEqualTypeOf<Tensor<'float32' | 'int32' | 'float64', 2>>();
    is(linalg.multiDot([f32, i32, f32]), 'float64', 2);
    expect(() => tensor([1, 2], null as never)).toThrow(TypeError);
    expect(() => linalg.svd(m, null as never)).toThrow(TypeError);
    expectTypeOf(distance.cdist(f32, f32)).toEqualTypeOf<Tensor<'float32', 2>>();
    is(distance.cdist(f32, f32), 'float32', 2);
  });
  it('PCA attributes and projections', () => {
    const pca = new PCA({ nComponents: 1 });
    const z = pca.fitTransform(f32);
    expectTypeOf(z).toEqualTypeOf<Tensor<'float32', 2>>();
    is(z, 'float32', 2);
    expectTypeOf(pca.components).toEqualTypeOf<Tensor<'float64' | 'float32', 2>>();
    expectTypeOf(pca.explainedVarianceRatio.sum()).toEqualTypeOf<number>();
    const fitted64 = new PCA({ nComponents: 1 }).fit(m);
    expectTypeOf(fitted64.transform(f32)).toEqualTypeOf<Tensor<'float64' | 'float32', 2>>();
    is(fitted64.transform(f32), 'float64', 2);
  });
});

describe('types: Arrow columns know their dtype and rank', () => {
  it('fromArrow of a vector, a FixedSizeList and a table; toArrow by rank and options', () => {
    const v32 = fromArrow(A.makeVector(new Float32Array([1, 2])));
    expectTypeOf(v32).toEqualTypeOf<Tensor<'float32', 1>>();
    is(v32, 'float32', 1);
    const i8 = fromArrow(A.makeVector(new Int8Array([1, 2])));
    expectTypeOf(i8).toEqualTypeOf<Tensor<'int32', 1>>();
    is(i8, 'int32', 1);
    const table = fromArrow(A.tableFromArrays({ a: new Float64Array([1, 2]), b: new Float64Array([3, 4]) }));
    is(table, 'float64', 2);
    expectTypeOf(toArrow(table)).toEqualTypeOf<ArrowTableLike>();
    expectTypeOf(toArrow(v32)).toEqualTypeOf<ArrowVectorLike>();
    // Checked by the compiler only (never called): the types of inputs not built here.
    const compileOnly = (): void => {
      expectTypeOf(fromArrow(A.makeVector(new Int32Array(1)), { nulls: 'nan' })).toEqualTypeOf<Tensor<'float64', 1>>();
      expectTypeOf(fromArrow(A.makeVector(new BigInt64Array(1)))).toEqualTypeOf<Tensor<'float64', 1>>();
      expectTypeOf(fromArrow({} as A.Vector<A.FixedSizeList<A.Float32>>)).toEqualTypeOf<Tensor<'float32', 2>>();
      expectTypeOf(fromArrow({} as A.Table<{ a: A.Float32; b: A.Float32 }>)).toEqualTypeOf<Tensor<'float32', 2>>();
      expectTypeOf(fromArrow({} as A.RecordBatch<{ a: A.Float64 }>)).toEqualTypeOf<Tensor<'float64', 2>>();
      expectTypeOf(fromArrow({} as A.Table)).toEqualTypeOf<Tensor<'float64' | 'float32' | 'int32', 2>>();
      expectTypeOf(fromArrowIPC(new Uint8Array(0))).toEqualTypeOf<Tensor<'float64' | 'float32' | 'int32', 2>>();
      expectTypeOf(toArrow({} as Tensor<'float64', 2>, { as: 'list' })).toEqualTypeOf<ArrowVectorLike>();
    };
    void compileOnly; // its assertions are the type-check's, which fails the run on a mismatch
  });
});

describe('types: dispose() and `using`', () => {
  it('a Tensor is Disposable, and a `using` declaration keeps its dtype and rank', () => {
    const a = ones([3, 2], 'float32');
    expectTypeOf(a.dispose).returns.toBeVoid();
    expectTypeOf(a).toMatchTypeOf<Disposable>();
    let seen: Tensor<'float32', 2> | undefined;
    {
      using r = a.add(a);
      expectTypeOf(r).toEqualTypeOf<Tensor<'float32', 2>>();
      is(r, 'float32', 2);
      seen = r;
    }
    expect(() => seen.sum()).toThrow(TypeError);
  });
});
