// float64 exp is fdlibm's algorithm (native/exp.h), the one V8's Math.exp runs: native results must
// be Math.exp's to the bit (and float64 sigmoid the formula over them; float32 exp is Math.exp
// rounded to float) on every path native code can take (AVX-512, AVX2 and scalar loops,
// contiguous and strided), since small arrays are computed with Math.exp in JS. Each instruction
// set runs in a child process (TENSORBLAS_ISA lowers what native code picks; a machine without
// AVX-512 runs its best path for the default child twice over, which is harmless).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { tensor } from '../lib/index.js';
import { jsExpAgrees } from '../lib/elementwise.js';
import { runIsaChild } from './helpers.js';

const root = join(__dirname, '..');

// ESM, importing the compiled package as users do.
const CHILD = `
import * as tb from 'tensorblas';
// Every branch of the algorithm and its edges, then a deterministic spread over the finite range.
const edges = [0, -0, 1, -1, 0.5, -0.5, 0.34657359027997264, 0.3465735902799727, -0.34657359027997264,
  1.0397207708399179, 1.039720770839918, -1.0397207708399179, 709.782712893384, 709.7827128933839,
  709.78, 709.089565712824, -708.3964185322641, -708.4, -744.44007192138122, -745.1332191019411,
  -745.1332191019412, -746, 710, 1e-300, -1e-300, 2 ** -28, -(2 ** -28), 2 ** -29, 3.725290298461914e-9,
  Infinity, -Infinity, NaN, 1024 * Math.LN2, -1021 * Math.LN2, -1022 * Math.LN2, 1e308, -1e308, 5e-324];
// The vector loops take a shorter path for a vector whose lanes all lie in 2^-28 <= |x| < 708: its
// edges (|x| just either side of ln2 / 2, 1.5 ln2, 2^-28 and 708; x = 1), each in runs of its like.
const bits = (hex) => new Float64Array(new BigUint64Array([BigInt(hex)]).buffer)[0];
// (Just above ln2 / 2 with |x|'s high word at it, fdlibm takes k = 0; these four give other bits with k = +-1.)
const commonEdges = ['0x3FD62E42FEFAAECF', '0x3FD62E42FEFB4AA3', '0xBFD62E42FEFEA3B1', '0xBFD62E42FEFF3F85',
  '0x3FD62E42FFFFFFFF', '0x3FD62E4300000000', '0x3FD62E42FEFA39EF', '0x3FD62E42FEFA39F0',
  '0x3FF0A2B1FFFFFFFF', '0x3FF0A2B200000000', '0x3FF0A2B23F3BAB73', '0x3E30000000000000', '0x3E30000000000001',
  '0x40861FFFFFFFFFFF', '0x3FF0000000000000', '0x3FE0000000000000'].map(bits);
const commonRun = [...commonEdges, ...commonEdges.map((v) => -v), 1, 1, 1021 * Math.LN2, -1021 * Math.LN2, 707.5, -707.5, 2, 100];
const n = 400011; // not a multiple of 8: every path's tail runs too
const x = new Float64Array(n);
x.set(edges);
let s = 7;
for (let i = edges.length; i < n; i++) {
  s = (s * 1103515245 + 12345) % 2147483648;
  const u = s / 2147483648;
  // The first half mixes every kind in each vector; the second has runs of 64 of one kind, so
  // whole vectors of the common range (and vectors with one lane outside it) occur too.
  const kind = i < 200003 ? i % 4 : Math.floor(i / 64) % 7;
  x[i] = kind === 0 ? (u - 0.5) * 1490 : kind === 1 ? (u - 0.5) * 4 : kind === 2 ? (u - 0.5) * 1e-6 : kind === 3 ? -700 - u * 46
    : kind === 4 ? (u - 0.5) * 1416 : kind === 5 ? (i % 64 === 37 ? edges[i % edges.length] : u) : commonRun[i % commonRun.length];
}
const contiguous = tb.tensor(x).exp().data;
const wide = tb.zeros([2 * n]);
for (let i = 0; i < n; i++) wide.data[2 * i] = x[i];
const strided = wide.slice([0, 2 * n, 2]).exp().contiguous().data;
// sigmoid takes the same exp: with e = exp(-|x|), 1 / (1 + e) for x >= 0, else e / (1 + e).
const sigContiguous = tb.tensor(x).sigmoid().data;
const sigStrided = wide.slice([0, 2 * n, 2]).sigmoid().contiguous().data;
const inPlace = tb.tensor(x.slice()); tb.sigmoid(inPlace, { out: inPlace });
let bad = 0, first = '';
for (let i = 0; i < n; i++) {
  const want = Math.exp(x[i]);
  for (const got of [contiguous[i], strided[i]]) {
    if (!Object.is(got, want)) { if (!bad) first = x[i] + ': ' + got + ' vs Math.exp ' + want; bad++; }
  }
  const e = Math.exp(-Math.abs(x[i]));
  const sig = (x[i] >= 0 ? 1 : e) / (1 + e);
  for (const got of [sigContiguous[i], sigStrided[i], inPlace.data[i]]) {
    if (!Object.is(got, sig)) { if (!bad) first = 'sigmoid ' + x[i] + ': ' + got + ' vs ' + sig; bad++; }
  }
}
// float32: exp in double, rounded once to float; sigmoid's formula in float over that.
const x32 = Float32Array.from(x);
const wide32 = tb.zeros([2 * n], 'float32');
for (let i = 0; i < n; i++) wide32.data[2 * i] = x32[i];
const results32 = [tb.tensor(x32).exp().data, wide32.slice([0, 2 * n, 2]).exp().contiguous().data];
const sigmoid32 = [tb.tensor(x32).sigmoid().data, wide32.slice([0, 2 * n, 2]).sigmoid().contiguous().data];
for (let i = 0; i < n; i++) {
  const v = x32[i];
  const want = Math.fround(Math.exp(v));
  const e = Math.fround(Math.exp(-Math.abs(v)));
  const sig = Math.fround((v >= 0 ? 1 : e) / Math.fround(1 + e));
  for (const r of results32) if (!Object.is(r[i], want)) { if (!bad) first = 'float32 ' + v + ': ' + r[i] + ' vs ' + want; bad++; }
  for (const r of sigmoid32) if (!Object.is(r[i], sig)) { if (!bad) first = 'float32 sigmoid ' + v + ': ' + r[i] + ' vs ' + sig; bad++; }
}
console.log(JSON.stringify({ checked: 9 * n, bad, first }));
`;

describe('exp (float64, and float32 through it)', () => {
  it.each(['default', 'avx2', 'scalar'] as const)('is Math.exp to the bit on the %s path (contiguous and strided; float32: rounded once), and sigmoid is built on it', (isa) => {
    const { checked, bad, first } = JSON.parse(runIsaChild(CHILD, isa === 'default' ? undefined : isa)) as { checked: number; bad: number; first: string };
    expect(checked).toBe(9 * 400011);
    expect(bad, first).toBe(0);
  });

  it('small float64 arrays (computed in JS) and large ones (native) give the same bits', () => {
    // The JS path is on: Math.exp passed the probe (V8's Math.exp is fdlibm's; should a platform's
    // differ, this says so, and small arrays there run natively).
    expect(jsExpAgrees()).toBe(true);
    const values = [0, -0, 1, -1, 0.5, 709.78, -745.2, 710, 1e-9, NaN, Infinity, -Infinity, 3.3, -20.25, 100, -0.7];
    const small = tensor(values).exp().data;
    const large = tensor([...values, ...new Array<number>(200).fill(0)]).exp().data;
    for (let i = 0; i < values.length; i++) expect(Object.is(small[i], large[i]), `${values[i]}`).toBe(true);
  });

  it('where Math.exp disagrees with native code, small arrays stay native (the probe turns the JS path off)', () => {
    // A child whose Math.exp is off by one bit for every input, patched before tensorblas loads.
    const script = `
      const exp = Math.exp;
      Math.exp = (v) => { const r = exp(v); return Number.isFinite(r) && r !== 0 ? r * (1 + Number.EPSILON) : r; };
      const tb = await import('tensorblas');
      const { jsExpAgrees } = await import(${JSON.stringify(new URL('../dist/elementwise.js', import.meta.url).href)});
      const x = [0.1, 0.5, 1.5, -2, 3.25, 10, -7.5, 0.3];
      const small = tb.tensor(x).exp().data; // 8 elements: JS if the probe passed
      const wide = tb.zeros([16]);
      x.forEach((v, i) => { wide.data[2 * i] = v; });
      const native = wide.slice([0, 16, 2]).exp().contiguous().data;
      console.log(JSON.stringify({ agrees: jsExpAgrees(), same: x.every((_, i) => Object.is(small[i], native[i])),
        patched: x.some((v, i) => !Object.is(small[i], Math.exp(v))) }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ agrees: false, same: true, patched: true });
  });

  it('special values follow IEEE and NumPy: exp(-inf) = 0, exp(inf) = inf, NaN stays NaN, overflow to inf', () => {
    expect(tensor([-Infinity, Infinity, NaN, 710, -746, 0, -0]).exp().toArray()).toEqual([0, Infinity, NaN, Infinity, 0, 1, 1]);
    expect(tb.exp(tensor([1])).toArray()).toEqual([Math.E]);
  });

  it('float32 and int32 inputs are unaffected in kind: float32 stays float32, int32 becomes float64', () => {
    expect(tensor([0, 1], { dtype: 'float32' }).exp().dtype).toBe('float32');
    const i = tensor([0, 1, 2], { dtype: 'int32' }).exp();
    expect(i.dtype).toBe('float64');
    expect(i.toArray()).toEqual([1, Math.E, Math.exp(2)]);
  });
});

// tanh runs through the same vector exp: 1 - 2 / (exp(2|x|) + 1) from |x| = 0.55, a polynomial
// below. Every path (AVX2 and scalar, contiguous, strided and in place, float64 and float32) must
// give the bits of a JS twin of the formula (JS has no fused multiply-add, and Math.exp is the same
// fdlibm exp): that pins the coefficients, the threshold and the operation order, not just the
// paths' agreement. Accuracy against mpmath is measured, not tested (1.42 ulp at worst over 1e5
// inputs; glibc's tanh 2.06); here only a loose bound against Math.tanh.
const TANH_CHILD = `
import * as tb from 'tensorblas';
import { createHash } from 'node:crypto';
const C = [-0.3333333333333333, 0.13333333333332714, -0.053968253967434016, 0.021869488493666944,
  -0.008863234397814355, 0.003592110378689024, -0.001455661830100716, 0.0005889360520074057,
  -0.0002346347410887237, 8.511313685577672e-05, -2.0602765376366344e-05];
function twin(v) {
  const a = Math.abs(v), z = a * a;
  let p = C[10];
  for (let c = 9; c >= 0; c--) p = p * z + C[c];
  const r = a < 0.55 ? a + (a * z) * p : 1 - 2 / (Math.exp(2 * a) + 1);
  return v < 0 || Object.is(v, -0) ? -Math.abs(r) : Math.abs(r);
}
const n = 100003;
const x = new Float64Array(n);
let s = 5;
for (let i = 0; i < n; i++) {
  s = (s * 1103515245 + 12345) % 2147483648;
  const u = s / 2147483648, k = i % 5;
  x[i] = k === 0 ? (u - 0.5) * 1.1 : k === 1 ? (u - 0.5) * 50 : k === 2 ? (u - 0.5) * 1e-9 : k === 3 ? 0.55 + (u - 0.5) * 1e-6 : (u - 0.5) * 4;
}
x.set([0, -0, NaN, Infinity, -Infinity, 22, -22, 400, -1e-300, 5e-324, 0.55, -0.55]);
const x32 = Float32Array.from(x);
const strided = (values, dtype) => {
  const wide = tb.zeros([2 * n], dtype);
  for (let i = 0; i < n; i++) wide.data[2 * i] = values[i];
  return wide.slice([0, 2 * n, 2]).tanh().contiguous().data;
};
const inPlace = tb.tensor(x.slice());
tb.tanh(inPlace, { out: inPlace });
const runs = [['float64', x, [tb.tensor(x).tanh().data, strided(x, 'float64'), inPlace.data], (v) => twin(v)],
  ['float32', x32, [tb.tensor(x32).tanh().data, strided(x32, 'float32')], (v) => Math.fround(twin(v))]];
const h = createHash('sha256');
let checked = 0, bad = 0, first = '', worst = 0;
for (const [dtype, input, results, want] of runs) {
  for (const r of results) {
    h.update(r);
    for (let i = 0; i < n; i++) {
      checked++;
      if (!Object.is(r[i], want(input[i]))) { if (!bad) first = dtype + ' ' + input[i] + ': ' + r[i] + ' vs ' + want(input[i]); bad++; }
    }
  }
}
for (let i = 0; i < n; i++) {
  const w = Math.tanh(x[i]), aw = Math.abs(w);
  if (!Number.isFinite(w) || w === 0) continue;
  let e = Math.floor(Math.log2(aw));
  if (2 ** e > aw) e--;
  if (2 ** (e + 1) <= aw) e++;
  worst = Math.max(worst, Math.abs(runs[0][2][0][i] - w) / Math.max(2 ** (e - 52), 5e-324));
}
console.log(JSON.stringify({ hash: h.digest('hex'), checked, bad, first, worst }));
`;

describe('tanh', () => {
  it('gives the bits of a JS twin on the AVX2 and scalar paths, contiguous, strided and in place, float64 and float32', () => {
    const results = (['scalar', 'avx2', undefined] as const).map((isa) => JSON.parse(runIsaChild(TANH_CHILD, isa)) as {
      hash: string; checked: number; bad: number; first: string; worst: number;
    });
    for (const r of results) {
      expect(r.checked).toBe(5 * 100003);
      expect(r.bad, r.first).toBe(0);
      expect(r.hash).toBe(results[0].hash); // NaN bits too
      expect(r.worst).toBeLessThan(3); // Math.tanh is fdlibm's, itself ~2 ulp off at worst
    }
  });
});
