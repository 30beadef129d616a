// The README's tour runs as users run it: `import ... from 'tensorblas'` from the repo root,
// which resolves through package.json's exports to the compiled dist/ that `npm install` built.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');

describe('examples', () => {
  it('examples/tour.mjs runs against the installed package', () => {
    const r = spawnSync(process.execPath, [join(root, 'examples', 'tour.mjs')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('row sums: [1. 1. 1.]');
    expect(r.stdout).toContain('m.T @ m =\n[[ 80.  92. 104. 116.]\n [ 92. 107. 122. 137.]');
    expect(r.stdout).toMatch(/frobenius norm: 22\.494443758403/);
    expect(r.stdout).toContain('m + 1 =\n[[ 1.  2.  3.  4.]');
    expect(r.stdout).toMatch(/BLAS: OpenBLAS \d/);
  });
});
