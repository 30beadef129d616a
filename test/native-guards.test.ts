// Hostile calls straight into the raw binding, in a child process: every one must come back as a
// JS TypeError/RangeError, never a crash. The child prints one line per case.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { tensor, Tensor } from '../lib/index.js';
import { expectTypeErrors } from './helpers.js';

const root = join(__dirname, '..');

const CHILD = `
const native = require('node-gyp-build')(${JSON.stringify(root)});
const f = (n) => new Float64Array(n);
const results = {};
try { native.binary(0, f(1), f(1), f(1)); results['before bindMeta'] = 'returned'; }
catch (e) { results['before bindMeta'] = e.constructor.name + ': ' + e.message; }
const META = new Float64Array(256);
native.bindMeta(META);
// Writes a layout into the bound meta array; NaN past it so a short layout reads garbage, not zeros.
const M = (...v) => { META.fill(NaN); META.set(v); };
const detached = new Float64Array(8); structuredClone(detached.buffer, { transfer: [detached.buffer] });
const cases = {
  'binary: reads past a buffer':            () => (M(0, 0, 0, 1, 5, 0, 1, 0, 1, 0, 1), native.binary(0, f(4), f(4), f(4))),
  'binary: negative stride below 0':        () => (M(0, 0, 0, 1, 4, 0, -1, 0, 1, 0, 1), native.binary(0, f(4), f(4), f(4))),
  'binary: offset past the end':            () => (M(0, 0, 0, 1, 1, 4, 1, 0, 1, 0, 1), native.binary(0, f(4), f(4), f(4))),
  'binary: huge stride overflow':           () => (M(0, 0, 0, 2, 3, 3, 0, 2**52, 2**52, 0, 0, 0, 0, 0, 0), native.binary(0, f(4), f(4), f(4))),
  'binary: NaN in meta':                    () => (M(0, 0, 0, 1, NaN, 0, 1, 0, 1, 0, 1), native.binary(0, f(4), f(4), f(4))),
  'binary: fractional dim':                 () => (M(0, 0, 0, 1, 1.5, 0, 1, 0, 1, 0, 1), native.binary(0, f(4), f(4), f(4))),
  'binary: meta too short':                 () => (M(0, 0, 0, 1, 4, 0), native.binary(0, f(4), f(4), f(4))),
  'binary: too many dims':                  () => (M(0, 0, 0, 99), native.binary(0, f(4), f(4), f(4))),
  'binary: unknown op':                     () => (M(0, 0, 0, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(99, f(4), f(4), f(4))),
  'binary: Uint8Array':                     () => (M(0, 0, 0, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(0, new Uint8Array(4), f(4), f(4))),
  'binary: plain array':                    () => (M(0, 0, 0, 1, 2, 0, 1, 0, 1, 0, 1), native.binary(0, [1, 2], f(4), f(4))),
  'binary: detached buffer':                () => (M(0, 0, 0, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(0, detached, f(4), f(4))),
  'binary: int32 out for div':              () => (M(0, 0, 0, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(3, f(4), f(4), new Int32Array(4))),
  'binary: int pow negative':               () => (M(0, 0, 0, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(4, new Int32Array(4).fill(2), new Int32Array(4).fill(-1), new Int32Array(4))),
  'bindMeta: a second time':                () => native.bindMeta(new Float64Array(256)),
  'unary: out too small':                   () => (M(0, 0, 1, 4, 0, 1, 0, 1), native.unary(0, f(4), f(3))),
  'reduce: reads past a buffer':            () => (M(0, 0, 0, 1, 8, 0, 1, 0), native.reduce(0, f(4), f(1))),
  'reduce: argmax into float64':            () => (M(0, 0, 0, 1, 4, 0, 1, 0), native.reduce(7, f(4), f(1))),
  'reduce: max of nothing':                 () => (M(0, 0, 0, 1, 0, 0, 1, 0), native.reduce(2, f(4), f(1))),
  'reduce: too many dims together':         () => (M(0, 0, 20, ...Array(20).fill(1), 20), native.reduce(0, f(4), f(1))),
  'matmul: a out of bounds':                () => (M(0, 0, 0, 0, 2, 2, 3, 0, 2, 1, 0, 2, 1, 0, 2, 1), native.matmul(f(4), f(4), f(4))),
  'matmul: mixed dtypes':                   () => (M(0, 0, 0, 0, 2, 2, 2, 0, 2, 1, 0, 2, 1, 0, 2, 1), native.matmul(f(4), new Float32Array(4), f(4))),
  'matmul: dims past int32':                () => (M(0, 0, 0, 0, 2**31, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1), native.matmul(f(4), f(4), f(4))),
  'matmul: out detached':                   () => (M(0, 0, 0, 0, 2, 2, 2, 0, 2, 1, 0, 2, 1, 0, 2, 1), native.matmul(f(4), f(4), detached)),
  // Operands passed as their ArrayBuffer, the dtype declared in META (the hot entry points' fast path).
  'binary: ArrayBuffer too short':          () => (M(0, 0, 0, 1, 5, 0, 1, 0, 1, 0, 1), native.binary(0, f(4).buffer, f(8).buffer, f(8).buffer)),
  'binary: offset past an ArrayBuffer':     () => (M(0, 0, 0, 1, 1, 4, 1, 0, 1, 0, 1), native.binary(0, f(4).buffer, f(4).buffer, f(4).buffer)),
  'binary: float32 claimed, 2 floats past': () => (M(1, 1, 1, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(0, new ArrayBuffer(12), new ArrayBuffer(16), new ArrayBuffer(16))),
  'binary: detached ArrayBuffer':           () => (M(0, 0, 0, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(0, detached.buffer, f(4).buffer, f(4).buffer)),
  'binary: unknown dtype code':             () => (M(3, 0, 0, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(0, f(4).buffer, f(4).buffer, f(4).buffer)),
  'binary: fractional dtype code':          () => (M(0.5, 0, 0, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(0, f(4).buffer, f(4).buffer, f(4).buffer)),
  'binary: array disagrees with its dtype': () => (M(1, 0, 0, 1, 4, 0, 1, 0, 1, 0, 1), native.binary(0, f(4), f(4), f(4))),
  'unary: ArrayBuffer out too small':       () => (M(0, 0, 1, 4, 0, 1, 0, 1), native.unary(0, f(4).buffer, f(3).buffer)),
  'reduce: ArrayBuffer read past':          () => (M(0, 0, 0, 1, 8, 0, 1, 0), native.reduce(0, f(4).buffer, f(1).buffer)),
  'matmul: ArrayBuffer out of bounds':      () => (M(0, 0, 0, 0, 2, 2, 3, 0, 2, 1, 0, 2, 1, 0, 2, 1), native.matmul(f(4).buffer, f(4).buffer, f(4).buffer)),
  'matmul: a plain object':                 () => (M(0, 0, 0, 0, 2, 2, 2, 0, 2, 1, 0, 2, 1, 0, 2, 1), native.matmul({ byteLength: 1e9 }, f(4).buffer, f(4).buffer)),
  'matmul: huge broadcast scratch':         () => (M(0, 0, 0, 0, 1, 1, 2**31 - 1, 0, 0, 0, 0, 0, 0, 0, 0, 0), native.matmul(f(1), f(1), f(1))),
  // LAPACK layouts: [nb, batch..., then per operand rows, cols, offset, batch strides..., rs, cs].
  'cholesky: out out of bounds':            () => (M(0, 3, 3, 0, 3, 1, 3, 3, 0, 3, 1), native.cholesky(f(9), f(4), false)),
  'solve: mixed dtypes':                    () => (M(0, 2, 2, 0, 2, 1, 2, 1, 0, 1, 1, 2, 1, 0, 1, 1), native.solve(f(4), new Float32Array(2), f(2))),
  'eighTop: k larger than n':               () => (M(0, 3, 3, 0, 3, 1, 1, 4, 0, 4, 1, 3, 4, 0, 4, 1), native.eighTop(f(9), f(4), f(12), true, 4)),
  'eighTop: k not a number':                () => (M(0, 3, 3, 0, 3, 1, 1, 1, 0, 1, 1, 3, 1, 0, 1, 1), native.eighTop(f(9), f(1), f(3), true, NaN)),
  'eighTop: a out of bounds':               () => (M(0, 4, 4, 0, 4, 1, 1, 2, 0, 2, 1, 4, 2, 0, 2, 1), native.eighTop(f(9), f(2), f(8), true, 2)),
  'eighTop: v too narrow for k':            () => (M(0, 3, 3, 0, 3, 1, 1, 2, 0, 2, 1, 3, 1, 0, 1, 1), native.eighTop(f(9), f(2), f(3), true, 2)),
  'eighTop: a stack':                       () => (M(1, 2, 3, 3, 0, 9, 3, 1, 1, 1, 0, 1, 1, 1, 3, 1, 0, 3, 1, 1), native.eighTopAsync(f(18), f(2), f(6), true, 1)),
  // shiftedGram(x, offset, rows, cols, rowStride, colStride, gram, sums, shift)
  'shiftedGram: rows past the buffer':     () => native.shiftedGram(f(12), 0, 4, 4, 4, 1, f(16), f(4), f(4)),
  'shiftedGram: offset past the end':      () => native.shiftedGram(f(12), 13, 0, 4, 4, 1, f(16), f(4), f(4)),
  'shiftedGram: strides past the end':     () => native.shiftedGram(f(12), 0, 3, 4, 1, 4, f(16), f(4), f(4)),
  'shiftedGram: huge strides overflow':    () => native.shiftedGram(f(12), 0, 3, 2, 12, 12, f(4), f(2), f(2)),
  'shiftedGram: gram too small':           () => native.shiftedGram(f(12), 0, 3, 4, 4, 1, f(15), f(4), f(4)),
  'shiftedGram: int32 x':                  () => native.shiftedGram(new Int32Array(12), 0, 3, 4, 4, 1, new Int32Array(16), f(4), f(4)),
  'shiftedGram: float32 sums':             () => native.shiftedGram(f(12), 0, 3, 4, 4, 1, f(16), new Float32Array(4), f(4)),
  'shiftedGram: gram dtype differs':       () => native.shiftedGram(f(12), 0, 3, 4, 4, 1, new Float32Array(16), f(4), f(4)),
  'shiftedGram: shift too short':          () => native.shiftedGram(f(12), 0, 3, 4, 4, 1, f(16), f(4), f(3)),
  'shiftedGram: cols past int32':          () => native.shiftedGram(f(12), 0, 0, 2**31, 1, 1, f(16), f(4), f(4)),
  'shiftedGram: negative stride':          () => native.shiftedGram(f(12), 11, 3, 4, -4, 1, f(16), f(4), f(4)),
  'memoryOverlap: range past the end':      () => native.memoryOverlap(f(4), 0, 5, f(4), 0, 1),
  'memoryOverlap: end before first':        () => native.memoryOverlap(f(4), 3, 1, f(4), 0, 1),
  'memoryOverlap: detached':                () => native.memoryOverlap(detached, 0, 0, f(4), 0, 1),
  'adviseHugePages: not a typed array':     () => native.adviseHugePages({ length: 1e12 }),
  'adviseHugePages: detached':              () => native.adviseHugePages(detached),
  'setNumThreads: zero':                    () => native.setNumThreads(0),
  'detachBuffer: a typed array':            () => native.detachBuffer(f(4)),
  'detachBuffer: a SharedArrayBuffer':      () => native.detachBuffer(new SharedArrayBuffer(8)),
  'detachBuffer: nothing':                  () => native.detachBuffer(),
  // Legitimate calls: they return whether the buffer is detached now (no error, no crash).
  'detachBuffer: already detached':         () => native.detachBuffer(detached.buffer),
  'detachBuffer: WebAssembly memory':       () => native.detachBuffer(new WebAssembly.Memory({ initial: 1 }).buffer),
};
for (const [name, fn] of Object.entries(cases)) {
  try { const v = fn(); results[name] = 'returned' + (typeof v === 'boolean' ? ' ' + v : ''); }
  catch (e) { results[name] = e.constructor.name + ': ' + e.message; }
}
for (const [name, r] of Object.entries(results)) console.log(name + ' => ' + r);
console.log('DONE');
`;

const LEGITIMATE = ['detachBuffer: already detached', 'detachBuffer: WebAssembly memory'];

describe('native entry points check what they receive', () => {
  it('turns every hostile call into a JS error, in a child process', () => {
    const r = spawnSync(process.execPath, ['-e', CHILD], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.pop()).toBe('DONE');
    const byName = Object.fromEntries(lines.map((l) => l.split(' => ')));
    // Every case except the one legitimate call must be an error of the right kind.
    for (const [name, result] of Object.entries(byName)) {
      if (name === 'matmul: huge broadcast scratch' || LEGITIMATE.includes(name)) continue;
      expect(result, name).toMatch(/^(TypeError|RangeError): tensorblas: /);
    }
    expect(byName['binary: detached buffer']).toMatch(/^TypeError: .*detached/);
    expect(byName['binary: detached ArrayBuffer']).toMatch(/^TypeError: .*detached/);
    expect(byName['binary: array disagrees with its dtype']).toMatch(/^TypeError: .*declared float32/);
    expect(byName['binary: float32 claimed, 2 floats past']).toMatch(/^RangeError: .*outside its buffer of 3 elements/);
    expect(byName['binary: Uint8Array']).toMatch(/^TypeError/);
    expect(byName['binary: reads past a buffer']).toMatch(/^RangeError: .*outside its buffer/);
    expect(byName['shiftedGram: rows past the buffer']).toMatch(/^RangeError: .*too small/);
    expect(byName['shiftedGram: int32 x']).toMatch(/^TypeError/);
    expect(byName['before bindMeta']).toMatch(/^TypeError: .*bindMeta/);
    expect(byName['bindMeta: a second time']).toMatch(/^TypeError: .*once/);
    // A 1 x (2^31-1) broadcast operand passes the checks; it must either work or fail cleanly.
    expect(byName['matmul: huge broadcast scratch']).toMatch(/returned|RangeError/);
    // V8 refuses to detach a WebAssembly memory's buffer: reported, not a crash.
    expect(byName['detachBuffer: already detached']).toBe('returned true');
    expect(byName['detachBuffer: WebAssembly memory']).toBe('returned false');
    expect(byName['detachBuffer: a typed array']).toMatch(/^TypeError: .*ArrayBuffer/);
  });
});

describe('public API errors for bad input', () => {
  it('detached buffers are a TypeError through the public API', () => {
    const data = new Float64Array(4);
    const t = tensor(data);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    expect(() => t.add(1)).toThrow(TypeError);
    expect(() => t.sum()).toThrow(TypeError);
    expect(() => t.matmul(tensor([1, 2, 3, 4]))).toThrow(TypeError);
  });
  // Arguments for the Tensor methods that need some; every other method is called with none.
  const methodArgs: Record<string, () => unknown[]> = {
    get: () => [0, 0], set: () => [0, 0, 1], reshape: () => [4], swapaxes: () => [0, 1], slice: () => [0],
    expandDims: () => [0], broadcastTo: () => [[3, 2, 2]], astype: () => ['float32'], clip: () => [0, 1],
    add: () => [1], sub: () => [1], mul: () => [1], div: () => [1], pow: () => [2], maximum: () => [0], minimum: () => [0],
    dot: () => [tensor([[1, 0], [0, 1]])], matmul: () => [tensor([[1, 0], [0, 1]])], matmulAsync: () => [tensor([[1, 0], [0, 1]])],
  };
  const detachedMatrix = (): Tensor => {
    const t = tensor(new Float64Array([4, 1, 1, 3])).reshape(2, 2);
    structuredClone(t.data.buffer, { transfer: [t.data.buffer] });
    return t;
  };
  // Metadata stays readable (as NumPy's shape of a freed array would be); everything that reads,
  // writes or views elements must refuse.
  // dispose() of a detached tensor does nothing (test/dispose.test.ts).
  const metadata = new Set<string | symbol>(['constructor', 'ndim', 'isContiguous', 'expectRank', 'expectDType', 'dispose', Symbol.dispose]);
  const methods = Reflect.ownKeys(Tensor.prototype).filter((n) => !metadata.has(n));

  it.each(methods.map((m) => [String(m), m] as const))('Tensor#%s on a detached buffer is a TypeError', async (_, name) => {
    const t = detachedMatrix();
    const d = Object.getOwnPropertyDescriptor(Tensor.prototype, name)!;
    const call = (): unknown => (d.get ? d.get.call(t) : (d.value as (...a: unknown[]) => unknown).apply(t, typeof name === 'string' && Object.hasOwn(methodArgs, name) ? methodArgs[name]() : []));
    let result: unknown;
    try {
      result = call();
    } catch (e) {
      expect(e, String(name)).toBeInstanceOf(TypeError);
      expect(String(e)).toMatch(/detached/);
      return;
    }
    expect(result, `${String(name)} returned instead of throwing`).toBeInstanceOf(Promise);
    await expect(result).rejects.toThrow(TypeError);
  });
  it('a size-1 and a 0-d detached tensor refuse item(), get() and toArray() (no undefined)', () => {
    for (const shape of [[1], []]) {
      const t = tensor(new Float64Array([5])).reshape(shape);
      structuredClone(t.data.buffer, { transfer: [t.data.buffer] });
      expect(() => t.item()).toThrow(TypeError);
      expect(() => t.toArray()).toThrow(TypeError);
      expect(() => t.get(...shape.map(() => 0))).toThrow(TypeError);
      expect(() => new Tensor(t.data, [0])).toThrow(TypeError);
    }
  });
  it('free functions refuse a detached tensor with a TypeError (or a rejection)', async () => {
    const calls: [string, () => unknown][] = [
      ['tensor', () => tensor(detachedMatrix().data)],
      ['sum', () => tb.sum(detachedMatrix())],
      ['argmax', () => tb.argmax(detachedMatrix())],
      ['exp', () => tb.exp(detachedMatrix())],
      ['concat', () => tb.concat([detachedMatrix(), tb.eye(2)])],
      ['triu', () => tb.triu(detachedMatrix())],
      ['vdot', () => tb.vdot(detachedMatrix(), tb.eye(2))],
      ['outer', () => tb.outer(tb.ones(2), detachedMatrix())],
      ['toNpy', () => tb.toNpy(detachedMatrix())],
      ['linalg.det', () => tb.linalg.det(detachedMatrix())],
      ['linalg.norm', () => tb.linalg.norm(detachedMatrix())],
      ['linalg.trace', () => tb.linalg.trace(detachedMatrix())],
      ['linalg.solve', () => tb.linalg.solve(tb.eye(2), detachedMatrix())],
      ['linalg.svd', () => tb.linalg.svd(detachedMatrix())],
      ['linalg.eighAsync', () => tb.linalg.eighAsync(detachedMatrix())],
      ['distance.cdist', () => tb.distance.cdist(detachedMatrix(), tb.eye(2))],
      ['distance.cosine', () => tb.distance.cosine(detachedMatrix().ravel(), tb.ones(4))],
      ['PCA.fit', () => new tb.PCA({ nComponents: 1 }).fit(detachedMatrix())],
    ];
    await expectTypeErrors(calls);
  });
  it('small tensors share a pooled slab that cannot be detached: transferring one copies it', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    expect(a.data.buffer).toBe(b.data.buffer);
    structuredClone(a.data.buffer, { transfer: [a.data.buffer] });
    expect(a.toArray()).toEqual([1, 2, 3]);
    expect(b.toArray()).toEqual([4, 5, 6]);
    expect(tensor([7, 8]).toArray()).toEqual([7, 8]);
  });
  it('a SharedArrayBuffer-backed tensor works like any other', () => {
    const shared = new Float64Array(new SharedArrayBuffer(32));
    shared.set([1, 2, 3, 4]);
    const t = tensor(shared);
    expect(t.data).toBe(shared);
    expect(t.add(1).toArray()).toEqual([2, 3, 4, 5]);
    expect(t.dot(t).item()).toBe(30);
  });
  it('config() reports the BLAS actually loaded and setNumThreads changes it', () => {
    const c = tb.config();
    expect(c.blas.name).toBe('OpenBLAS');
    expect(c.blas.version).toMatch(/^\d+\.\d+/);
    expect(c.blas.corename.length).toBeGreaterThan(0);
    const before = c.blas.numThreads;
    tb.setNumThreads(1);
    expect(tb.config().blas.numThreads).toBe(1);
    expect(tb.config().loopThreads).toBe(1);
    tb.setNumThreads(before);
    expect(tb.config().blas.numThreads).toBe(before);
    expect(() => tb.setNumThreads(0)).toThrow(RangeError);
    expect(() => tb.setNumThreads(1.5)).toThrow(RangeError);
  });
});
