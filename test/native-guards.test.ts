// Hostile calls straight into the raw binding, in a child process: every one must come back as a
// JS TypeError/RangeError, never a crash. The child prints one line per case.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { tensor } from '../lib/index.js';

const root = join(__dirname, '..');

const CHILD = `
const native = require('node-gyp-build')(${JSON.stringify(root)});
const M = (...v) => new Float64Array(v);
const f = (n) => new Float64Array(n);
const detached = new Float64Array(8); structuredClone(detached.buffer, { transfer: [detached.buffer] });
const cases = {
  'binary: reads past a buffer':            () => native.binary(0, f(4), f(4), f(4), M(1, 5, 0, 1, 0, 1, 0, 1)),
  'binary: negative stride below 0':        () => native.binary(0, f(4), f(4), f(4), M(1, 4, 0, -1, 0, 1, 0, 1)),
  'binary: offset past the end':            () => native.binary(0, f(4), f(4), f(4), M(1, 1, 4, 1, 0, 1, 0, 1)),
  'binary: huge stride overflow':           () => native.binary(0, f(4), f(4), f(4), M(2, 3, 3, 0, 2**52, 2**52, 0, 0, 0, 0, 0, 0)),
  'binary: NaN in meta':                    () => native.binary(0, f(4), f(4), f(4), M(1, NaN, 0, 1, 0, 1, 0, 1)),
  'binary: fractional dim':                 () => native.binary(0, f(4), f(4), f(4), M(1, 1.5, 0, 1, 0, 1, 0, 1)),
  'binary: meta too short':                 () => native.binary(0, f(4), f(4), f(4), M(1, 4, 0)),
  'binary: too many dims':                  () => native.binary(0, f(4), f(4), f(4), M(99)),
  'binary: unknown op':                     () => native.binary(99, f(4), f(4), f(4), M(1, 4, 0, 1, 0, 1, 0, 1)),
  'binary: Uint8Array':                     () => native.binary(0, new Uint8Array(4), f(4), f(4), M(1, 4, 0, 1, 0, 1, 0, 1)),
  'binary: plain array':                    () => native.binary(0, [1, 2], f(4), f(4), M(1, 2, 0, 1, 0, 1, 0, 1)),
  'binary: detached buffer':                () => native.binary(0, detached, f(4), f(4), M(1, 4, 0, 1, 0, 1, 0, 1)),
  'binary: int32 out for div':              () => native.binary(3, f(4), f(4), new Int32Array(4), M(1, 4, 0, 1, 0, 1, 0, 1)),
  'binary: int pow negative':               () => native.binary(4, new Int32Array(4).fill(2), new Int32Array(4).fill(-1), new Int32Array(4), M(1, 4, 0, 1, 0, 1, 0, 1)),
  'binary: meta of wrong type':             () => native.binary(0, f(4), f(4), f(4), new Float32Array(8)),
  'unary: out too small':                   () => native.unary(0, f(4), f(3), M(1, 4, 0, 1, 0, 1)),
  'reduce: reads past a buffer':            () => native.reduce(0, f(4), f(1), M(0, 1, 8, 0, 1, 0)),
  'reduce: argmax into float64':            () => native.reduce(7, f(4), f(1), M(0, 1, 4, 0, 1, 0)),
  'reduce: max of nothing':                 () => native.reduce(2, f(4), f(1), M(0, 1, 0, 0, 1, 0)),
  'reduce: too many dims together':         () => native.reduce(0, f(4), f(1), M(20, ...Array(20).fill(1), 20)),
  'matmul: a out of bounds':                () => native.matmul(f(4), f(4), f(4), M(0, 2, 2, 3, 0, 2, 1, 0, 2, 1, 0, 2, 1)),
  'matmul: mixed dtypes':                   () => native.matmul(f(4), new Float32Array(4), f(4), M(0, 2, 2, 2, 0, 2, 1, 0, 2, 1, 0, 2, 1)),
  'matmul: dims past int32':                () => native.matmul(f(4), f(4), f(4), M(0, 2**31, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1)),
  'matmul: out detached':                   () => native.matmul(f(4), f(4), detached, M(0, 2, 2, 2, 0, 2, 1, 0, 2, 1, 0, 2, 1)),
  'matmul: huge broadcast scratch':         () => native.matmul(f(1), f(1), f(1), M(0, 1, 1, 2**31 - 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
  'allocLarge: negative':                   () => native.allocLarge(-1),
  'allocLarge: absurd':                     () => native.allocLarge(2**46),
  'allocLarge: past physical memory':       () => native.allocLarge(2**35),
  'setNumThreads: zero':                    () => native.setNumThreads(0),
};
for (const [name, fn] of Object.entries(cases)) {
  try { fn(); console.log(name + ' => returned'); }
  catch (e) { console.log(name + ' => ' + e.constructor.name + ': ' + e.message); }
}
console.log('DONE');
`;

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
      if (name === 'matmul: huge broadcast scratch') continue;
      expect(result, name).toMatch(/^(TypeError|RangeError): tensorblas: /);
    }
    expect(byName['binary: detached buffer']).toMatch(/^TypeError: .*detached/);
    expect(byName['binary: Uint8Array']).toMatch(/^TypeError/);
    expect(byName['binary: reads past a buffer']).toMatch(/^RangeError: .*outside its buffer/);
    // A 1 x (2^31-1) broadcast operand passes the checks; it must either work or fail cleanly.
    expect(byName['matmul: huge broadcast scratch']).toMatch(/returned|RangeError/);
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
