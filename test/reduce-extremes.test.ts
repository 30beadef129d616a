// max, min, argmax and argmin of contiguous runs take a vector scan on CPUs with AVX2 (and a scalar
// loop otherwise), then locate the result again; reductions over a leading axis fold four rows at a
// time. Both must give what one element at a time gives: the first NaN if there is one, else the
// first extreme element (so the sign of a zero is the first zero's), and each column summed in row
// order. Each instruction set runs in a child process (TENSORBLAS_ISA=scalar lowers what native code
// picks; a machine without AVX2 runs its scalar loop twice over, which is harmless).
import { describe, expect, it } from 'vitest';
import { runIsaChild } from './helpers.js';

// ESM, importing the compiled package as users do. Prints the cases checked and the first mismatch.
const CHILD = `
import * as tb from 'tensorblas';
tb.setNumThreads(2); // the whole-array case below is split in two, whatever the machine
let s = 11;
const rand = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
const ARRAYS = { float64: Float64Array, float32: Float32Array, int32: Int32Array };
// One element at a time: the first NaN, else the first element beyond every earlier one.
function reference(x, max) {
  let best = 0, index = -1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) return { value: v, index: i };
    if (index < 0 || (max ? v > best : v < best)) { best = v; index = i; }
  }
  return { value: best, index };
}
function values(kind, n, dtype) {
  const x = new ARRAYS[dtype](n);
  for (let i = 0; i < n; i++) {
    const u = rand();
    // zerosBelow / zerosAbove: the maximum / minimum is a zero of either sign, found in any lane.
    const zero = rand() < 0.5 ? -0 : 0;
    x[i] = kind === 'spread' ? (u - 0.5) * 2000 : kind === 'ties' ? Math.floor(u * 4) : kind === 'zeros' ? zero
      : kind === 'zerosBelow' ? (u < 0.8 ? -1 : zero) : kind === 'zerosAbove' ? (u < 0.8 ? 1 : zero)
      : kind === 'infinite' ? (u < 0.5 ? -Infinity : Infinity) : (u - 0.5) * 8;
  }
  if (dtype !== 'int32' && kind === 'nan') {
    x[Math.floor(rand() * n)] = NaN;
    if (rand() < 0.5) x[Math.floor(rand() * n)] = NaN;
  }
  return x;
}
let checked = 0, bad = 0, first = '';
const expectSame = (what, got, want) => {
  checked++;
  if (!Object.is(got, want)) { bad++; if (!first) first = what + ': ' + got + ' vs ' + want; }
};
const LENGTHS = [1, 2, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257, 1000, 4099];
for (const dtype of ['float64', 'float32', 'int32']) {
  for (const kind of ['spread', 'ties', 'zeros', 'zerosBelow', 'zerosAbove', 'infinite', 'nan']) {
    for (const n of LENGTHS) {
      for (let rep = 0; rep < 3; rep++) {
        const x = values(kind, n, dtype);
        const t = tb.tensor(x);
        const name = dtype + ' ' + kind + ' n=' + n;
        for (const max of [true, false]) {
          const want = reference(x, max);
          expectSame(name + (max ? ' max' : ' min'), max ? t.max() : t.min(), want.value);
          expectSame(name + (max ? ' argmax' : ' argmin'), max ? t.argmax() : t.argmin(), want.index);
        }
      }
    }
    // All of a sliced block: runs of 70 out of rows of 77, each run's result folded into the last.
    {
      const y = values(kind, 6 * 77, dtype);
      const block = tb.tensor(y, { shape: [6, 77] }).slice(null, [0, 70]);
      const kept = Array.from({ length: 6 * 70 }, (_, i) => y[Math.floor(i / 70) * 77 + (i % 70)]);
      for (const max of [true, false]) {
        const want = reference(kept, max);
        expectSame(dtype + ' ' + kind + ' sliced ' + (max ? 'max' : 'min'), max ? block.max() : block.min(), want.value);
        expectSame(dtype + ' ' + kind + ' sliced arg' + (max ? 'max' : 'min'), max ? block.argmax() : block.argmin(), want.index);
      }
    }
    // Along the last axis: one run per output row.
    const rows = 5, n = 77, x = values(kind, rows * n, dtype);
    const m = tb.tensor(x, { shape: [rows, n] });
    const maxes = m.max(1).data, argmins = m.argmin(1).data;
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * n, (r + 1) * n);
      expectSame(dtype + ' ' + kind + ' max(1) row ' + r, maxes[r], reference(row, true).value);
      expectSame(dtype + ' ' + kind + ' argmin(1) row ' + r, argmins[r], reference(row, false).index);
    }
    // Over the leading axis (rows folded four at a time, then the rest): per column, in row order.
    for (const height of [3, 4, 9, 14]) {
      const cols = 37, y = values(kind, height * cols, dtype);
      const a = tb.tensor(y, { shape: [height, cols] });
      const [mx, mn, sm] = [a.max(0).data, a.min(0).data, a.sum(0).data];
      for (let c = 0; c < cols; c++) {
        const col = Array.from({ length: height }, (_, r) => y[r * cols + c]);
        // NaN wins: any NaN in the column gives NaN, whichever it is.
        const nanIn = col.some((v) => v !== v);
        expectSame(dtype + ' ' + kind + ' max(0) h=' + height + ' col ' + c, mx[c], nanIn ? NaN : reference(col, true).value);
        expectSame(dtype + ' ' + kind + ' min(0) h=' + height + ' col ' + c, mn[c], nanIn ? NaN : reference(col, false).value);
        let sum = 0;
        for (const v of col) sum += v;
        expectSame(dtype + ' ' + kind + ' sum(0) h=' + height + ' col ' + c, sm[c], dtype === 'float32' ? Math.fround(sum) : sum);
      }
    }
  }
}
// NaN at fixed places: the first element, inside the first four-vector load, only in the scalar
// tail, and in one lane with a larger value in another lane after it.
for (const dtype of ['float64', 'float32']) {
  for (const [n, nanAt, bigAt] of [[64, 0, 30], [64, 5, 3], [67, 66, 10], [200, 9, 20], [200, 150, 151]]) {
    const x = new ARRAYS[dtype](n);
    for (let i = 0; i < n; i++) x[i] = i / n;
    x[bigAt] = 1e9;
    x[nanAt] = NaN;
    const t = tb.tensor(x);
    const name = dtype + ' NaN at ' + nanAt + ' of ' + n;
    expectSame(name + ' max', t.max(), NaN);
    expectSame(name + ' min', t.min(), NaN);
    expectSame(name + ' argmax', t.argmax(), nanAt);
    expectSame(name + ' argmin', t.argmin(), nanAt);
  }
}
// Long enough to be split across two threads (a chunk each), the maximum once in each chunk, then
// a NaN in each.
const big = new Float64Array((1 << 20) + 3);
for (let i = 0; i < big.length; i++) big[i] = rand();
big[100001] = 2; big[900003] = 2;
const bt = tb.tensor(big);
expectSame('split max', bt.max(), 2);
expectSame('split argmax', bt.argmax(), 100001);
big[1000001] = NaN;
big[300007] = NaN;
expectSame('split max with NaN', tb.tensor(big).max(), NaN);
expectSame('split argmin with NaN', tb.tensor(big).argmin(), 300007);
console.log(JSON.stringify({ checked, bad, first }));
`;

describe('max, min, argmax, argmin and leading-axis reductions', () => {
  it.each(['default', 'scalar'] as const)('give one-element-at-a-time results on the %s path (NaN, ties, signed zeros, infinities)', (isa) => {
    const out = runIsaChild(CHILD, isa === 'default' ? undefined : isa);
    const { checked, bad, first } = JSON.parse(out) as { checked: number; bad: number; first: string };
    expect(checked).toBeGreaterThan(9_000);
    expect(bad, first).toBe(0);
  });
});
