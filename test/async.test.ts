// The ...Async twins: same results as the synchronous functions, errors as rejections, and the
// numeric work off the JS thread (the event loop keeps ticking).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { linalg, LinAlgError, Tensor, tensor } from '../lib/index.js';
import { values } from './helpers.js';

const spd = (n: number, seed: number): Tensor => {
  const a = tb.randn([n, n], { seed });
  return a.matmul(a.T).add(tb.eye(n).mul(n));
};

/**
 * Same numbers up to rounding: overlapping async calls run single-threaded (the thread policy),
 * and a different thread count changes BLAS's blocking, so the last bits may differ.
 */
function expectNear(got: number[], want: number[], rtol = 1e-11): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(want[i])) worst = Number.isNaN(got[i]) ? worst : Infinity;
    else worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  }
  expect(worst).toBeLessThanOrEqual(rtol);
}

/** Flattens any result (tensor, number, object of tensors) to numbers for comparison. */
function flat(r: unknown): number[] {
  if (typeof r === 'number') return [r];
  if (r instanceof Tensor) return values(r);
  if (r && typeof r === 'object') return Object.keys(r).sort().flatMap((k) => flat((r as Record<string, unknown>)[k]));
  throw new Error(`unexpected result ${String(r)}`);
}

const a = tb.randn([6, 6], { seed: 1 }).add(tb.eye(6).mul(4));
const s = spd(6, 2);
const rect = tb.randn([8, 5], { seed: 3 });
const v = tb.randn([6], { seed: 4 });
const stack = tb.randn([3, 4, 4], { seed: 5 }).add(tb.eye(4).mul(3));

// Every linalg function with arguments for it.
const CASES: [string, unknown[]][] = [
  ['matmul', [a, rect.slice([0, 6])]], ['dot', [a, v]], ['vdot', [v, v]], ['inner', [a, v]], ['outer', [v, v]],
  ['matrixPower', [a, 3]], ['matrixPower', [a, -2]], ['multiDot', [[a, a, rect.slice([0, 6])]]], ['trace', [a]],
  ['norm', [a]], ['norm', [a, 2]], ['norm', [rect, 'nuc']], ['norm', [v, 3]],
  ['det', [stack]], ['slogdet', [a]], ['inv', [stack]], ['pinv', [rect]], ['solve', [a, v]], ['lstsq', [rect, tb.randn([8], { seed: 6 })]],
  ['lu', [rect]], ['qr', [rect]], ['qr', [rect, 'complete']], ['cholesky', [s]], ['cholesky', [s, { upper: true }]],
  ['eig', [a]], ['eigvals', [a]], ['eigh', [s]], ['eigvalsh', [s, 'U']], ['svd', [rect]], ['svd', [rect, { fullMatrices: false }]],
  ['matrixRank', [rect]], ['cond', [a]], ['cond', [a, 1]], ['triu', [a, 1]], ['tril', [a]],
];

describe('async twins', () => {
  it('every linalg function has one', () => {
    const names = Object.keys(linalg).filter((k) => typeof (linalg as Record<string, unknown>)[k] === 'function' && !k.endsWith('Async'));
    for (const name of names) expect(typeof (linalg as Record<string, unknown>)[`${name}Async`], name).toBe('function');
    expect(new Set(CASES.map(([n]) => n))).toEqual(new Set(names));
  });

  for (const [name, args] of CASES) {
    it(`${name}Async gives what ${name} gives`, async () => {
      const fns = linalg as unknown as Record<string, (...x: unknown[]) => unknown>;
      const sync = fns[name](...args);
      const promise = fns[`${name}Async`](...args);
      expect(promise).toBeInstanceOf(Promise);
      expectNear(flat(await promise), flat(sync));
    });
  }

  it('Tensor#matmulAsync', async () => {
    expect(values(await a.matmulAsync(a))).toEqual(values(a.matmul(a)));
  });

  it('argument errors reject instead of throwing', async () => {
    let thrown = false;
    let p: Promise<unknown> | undefined;
    try {
      p = linalg.invAsync(tb.zeros([2, 3]));
    } catch {
      thrown = true;
    }
    expect(thrown).toBe(false);
    await expect(p).rejects.toBeInstanceOf(LinAlgError);
    await expect(linalg.matmulAsync(tb.zeros([2, 3]), tb.zeros([4, 2]))).rejects.toThrow(tb.ShapeError);
    await expect(linalg.solveAsync('x' as unknown as Tensor, v)).rejects.toThrow(TypeError);
  });

  it('LAPACK failures reject with a LinAlgError and its code', async () => {
    const singular = tensor([[1, 2], [2, 4]]);
    await expect(linalg.invAsync(singular)).rejects.toMatchObject({ name: 'LinAlgError', code: 'SINGULAR' });
    await expect(linalg.choleskyAsync(tensor([[1, 2], [2, 1]]))).rejects.toMatchObject({ code: 'NOT_POSITIVE_DEFINITE' });
    await expect(linalg.svdAsync(tensor([[NaN, 1], [1, 1]]))).rejects.toMatchObject({ code: 'NO_CONVERGENCE' });
    // cond catches the singular inverse inside the async steps as it does synchronously
    expect(await linalg.condAsync(singular, 1)).toBe(Infinity);
  });

  it('the event loop keeps ticking during a 2000x2000 matmulAsync', async () => {
    const x = tb.randn([2000, 2000], { seed: 7 });
    const y = tb.randn([2000, 2000], { seed: 8 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    const started = performance.now();
    const r = await x.matmulAsync(y);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(r.shape).toEqual([2000, 2000]);
    // ~16 GFLOP: tens of milliseconds at least; a blocked loop would have ticked 0 times.
    expect(ticks).toBeGreaterThanOrEqual(Math.min(5, Math.floor(elapsed / 10)));
    expect(ticks).toBeGreaterThan(0);
    const row = x.slice([123, 124]).matmul(y);
    const err = values(r.slice([123, 124]).sub(row).abs()).reduce((m, q) => Math.max(m, q), 0);
    expect(err).toBeLessThan(1e-9);
  }, 60_000);

  it('thread policy: overlapping async calls run single-threaded, then the configured count returns', async () => {
    const before = tb.config();
    expect(before.numThreads).toBe(before.blas.numThreads);
    const m = tb.randn([300, 300], { seed: 3 }).add(tb.eye(300).mul(30));
    const results = await Promise.all(Array.from({ length: 6 }, () => linalg.invAsync(m)));
    const want = values(linalg.inv(m));
    for (const r of results) expectNear(values(r), want);
    const after = tb.config();
    expect(after.blas.numThreads).toBe(before.numThreads);
    expect(after.loopThreads).toBe(before.numThreads);
  });

  it('small LAPACK problems (single-threaded by the policy) leave the configured count in place', async () => {
    const before = tb.config();
    const small = spd(64, 5);
    const large = spd(400, 6);
    // Small sync and async calls interleaved with a large async one: each small call drops OpenBLAS
    // to one thread while it runs; afterwards every count is the configured one again.
    const pending = [linalg.choleskyAsync(large), linalg.eighAsync(small), linalg.invAsync(small)];
    const l = linalg.cholesky(small);
    const [bigL, eigSmall, invSmall] = (await Promise.all(pending)) as [Tensor, { values: Tensor }, Tensor];
    expectNear(values(l.matmul(l.T)), values(small), 1e-12);
    expectNear(values(bigL.matmul(bigL.T)), values(large), 1e-12);
    expectNear(values(eigSmall.values), values(linalg.eigvalsh(small)));
    expectNear(values(invSmall.matmul(small)), values(tb.eye(64)), 1e-10);
    const after = tb.config();
    expect(after.blas.numThreads).toBe(before.numThreads);
    expect(after.loopThreads).toBe(before.numThreads);
  });

  it('the default thread count is OpenBLAS\'s (OPENBLAS_NUM_THREADS), and small calls leave it alone', () => {
    const script = `
      import { config, linalg, eye } from 'tensorblas';
      const before = config();
      linalg.cholesky(eye(3));
      await linalg.choleskyAsync(eye(3));
      const after = config();
      console.log(JSON.stringify([before.numThreads, before.blas.numThreads, before.loopThreads, after.blas.numThreads, after.loopThreads]));`;
    // A child process (the count is read at load), importing the compiled package as users do.
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', TENSORBLAS_NUM_THREADS: '' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual([1, 1, 1, 1, 1]);
  });

  it('64 concurrent async calls of mixed kinds all return the right answers', async () => {
    const jobs: Promise<[number[], number[]]>[] = [];
    for (let i = 0; i < 64; i++) {
      const m = tb.randn([24, 24], { seed: 100 + i }).add(tb.eye(24).mul(6));
      const kind = i % 4;
      if (kind === 0) jobs.push(linalg.invAsync(m).then((r) => [values(r), values(linalg.inv(m))]));
      else if (kind === 1) jobs.push(m.matmulAsync(m).then((r) => [values(r), values(m.matmul(m))]));
      else if (kind === 2) jobs.push(linalg.svdAsync(m, { computeUV: false }).then((r) => [values(r.s), values(linalg.svd(m, { computeUV: false }).s)]));
      else jobs.push(linalg.solveAsync(m, v.slice([0, 6]).broadcastTo([4, 6]).reshape(24)).then((r) => [values(r), values(linalg.solve(m, v.slice([0, 6]).broadcastTo([4, 6]).reshape(24)))]));
    }
    for (const [got, want] of await Promise.all(jobs)) expectNear(got, want);
  });
});
