// The README's tour runs as users run it: `import ... from 'tensorblas'` from the repo root,
// which resolves through package.json's exports to the compiled dist/ that `npm install` built.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');

function run(name: string): string {
  const r = spawnSync(process.execPath, [join(root, 'examples', name)], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('examples', () => {
  it('examples/tour.mjs runs against the installed package', () => {
    const r = { stdout: run('tour.mjs') };
    expect(r.stdout).toContain('row sums: [1. 1. 1.]');
    expect(r.stdout).toContain('m.T @ m =\n[[ 80.  92. 104. 116.]\n [ 92. 107. 122. 137.]');
    expect(r.stdout).toMatch(/frobenius norm: 22\.494443758403/);
    expect(r.stdout).toContain('m + 1 =\n[[ 1.  2.  3.  4.]');
    expect(r.stdout).toMatch(/BLAS: OpenBLAS \d/);
  });
  it('examples/neural-network.mjs: a batched two-layer forward pass', () => {
    const out = run('neural-network.mjs');
    expect(out).toContain('hidden activations: shape [64,128]');
    expect(out).toContain('output probabilities: shape [64,10], each row sums to 1.000000');
    expect(out).toMatch(/predicted classes of the first 8 inputs: \[(\d,){7}\d\]/);
  });
  it('examples/linear-regression.mjs recovers the true weights', () => {
    const out = run('linear-regression.mjs');
    const m = /fitted \[w1, w2, intercept\]: \[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\]/.exec(out);
    expect(m, out).not.toBeNull();
    const [w1, w2, b] = m!.slice(1).map(Number);
    expect(Math.abs(w1 - 3)).toBeLessThan(0.02);
    expect(Math.abs(w2 + 2)).toBeLessThan(0.02);
    expect(Math.abs(b - 0.5)).toBeLessThan(0.02);
    expect(out).toContain('rank 3');
  });
  it("examples/pca-iris.mjs prints scikit-learn's explained variance ratio for Iris", () => {
    const out = run('pca-iris.mjs');
    expect(out).toContain('explained variance ratio: [0.92461872 0.05306648]');
    expect(out).toContain('[[ 0.36138659 -0.08452251  0.85667061  0.3582892 ]');
  });
  it('examples/iris-classify.mjs reads examples/data/iris.csv and classifies as NumPy does (test/fixtures/gen_iris.py)', () => {
    const want = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'iris.json'), 'utf8')) as {
      rows: number; classes: string[]; train: number; test: number; lstsqRight: number; centroidRight: number;
      centroidPetalsRight: number; lstsqWeights: { shape: number[]; data: number[] };
    };
    const out = run('iris-classify.mjs');
    const pct = (right: number): string => `${right}/${want.test} = ${((100 * right) / want.test).toFixed(1)}%`;
    expect(out).toContain(`read ${want.rows} flowers x 4 measurements; classes: ${want.classes.join(', ')}`);
    expect(out).toContain(`train ${want.train}, test ${want.test} (every fifth flower)`);
    expect(out).toContain(`least squares, one-vs-rest, 4 measurements: test accuracy ${pct(want.lstsqRight)}`);
    expect(out).toContain(`nearest centroid, 4 measurements: test accuracy ${pct(want.centroidRight)}`);
    expect(out).toContain(`nearest centroid, petal_length and petal_width: test accuracy ${pct(want.centroidPetalsRight)}`);
    // the printed weights (8 decimals) against NumPy's lstsq
    const m = /weights \(rows: 4 measurements and the bias; columns: classes\):\n(\[\[[^]*?\]\])/.exec(out);
    expect(m, out).not.toBeNull();
    const printed = m![1].replace(/[[\]]/g, ' ').trim().split(/\s+/).map(Number);
    expect(printed.length).toBe(want.lstsqWeights.data.length);
    printed.forEach((v, i) => expect(Math.abs(v - want.lstsqWeights.data[i]), `weight ${i}`).toBeLessThan(1e-7));
  });
});
