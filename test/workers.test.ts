// The addon is context-aware: it loads in several worker_threads at once, and a tensor over a
// SharedArrayBuffer is read by workers without a copy.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { linalg, tensor } from '../lib/index.js';
import { values } from './helpers.js';

const script = join(__dirname, 'workers', 'square-and-invert.mjs');

function run(workerData: unknown): Promise<{ sameMemory: boolean }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(script, { workerData });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
  });
}

describe('worker_threads', () => {
  it('four workers load the addon at once and share input memory without copies', async () => {
    const n = 12;
    const shared = new SharedArrayBuffer(n * n * 8);
    const a = tensor(new Float64Array(shared), { shape: [n, n] });
    a.data.set(values(tb.randn([n, n], { seed: 9 }).add(tb.eye(n).mul(5))));
    const outs = Array.from({ length: 4 }, () => new SharedArrayBuffer(2 * n * n * 8));
    const results = await Promise.all(outs.map((out) => run({ shared, n, out })));
    for (const r of results) expect(r.sameMemory).toBe(true);
    const wantProduct = values(a.matmul(a));
    const wantInverse = values(linalg.inv(a));
    // Up to rounding: concurrent async calls may run with another BLAS thread count (the policy).
    const worst = (got: number[], want: number[]): number =>
      got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]) / Math.max(1, Math.abs(want[i]))), 0);
    for (const out of outs) {
      const got = Array.from(new Float64Array(out));
      expect(worst(got.slice(0, n * n), wantProduct)).toBeLessThan(1e-12);
      expect(worst(got.slice(n * n), wantInverse)).toBeLessThan(1e-12);
    }
  });
});
