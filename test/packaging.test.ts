// How the package loads, as users load it: from the repository root 'tensorblas' resolves through
// package.json's exports (a self-reference) to the compiled dist/ that `npm install` built.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');

function node(args: string[]): string {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe(''); // no ExperimentalWarning for require(esm), nothing else
  return r.stdout;
}

describe('packaging', () => {
  it("require('tensorblas') works from CommonJS and computes", () => {
    const out = node(['-e', `
      const tb = require('tensorblas');
      const a = tb.tensor([[4, 1], [2, 3]]);
      console.log(JSON.stringify([tb.linalg.det(a), tb.linalg.solve(a, tb.tensor([1, 2])).toArray(), typeof tb.linalg.svdAsync]));
    `]);
    const [det, x, twin] = JSON.parse(out) as [number, number[], string];
    expect(det).toBeCloseTo(10, 12);
    expect(x[0]).toBeCloseTo(0.1, 14);
    expect(x[1]).toBeCloseTo(0.6, 14);
    expect(twin).toBe('function');
  });
  it('CommonJS and ESM get one module: the same Tensor class, tensors pass between them', () => {
    const out = node(['-e', `
      const cjs = require('tensorblas');
      import('tensorblas').then((esm) => {
        const t = cjs.tensor([1, 2, 3]);
        console.log(JSON.stringify([cjs.Tensor === esm.Tensor, t instanceof esm.Tensor, esm.sum(t),
          Object.keys(cjs).sort().join() === Object.keys(esm).sort().join()]));
      });
    `]);
    expect(JSON.parse(out)).toEqual([true, true, 6, true]);
  });
  it('a strict TypeScript project (NodeNext, ESM and CJS files) compiles against the published types with no casts', () => {
    // A user's project: tensorblas in node_modules (this repository, whose exports point at dist/),
    // @types/node as any Node project has it, and test/consumer's files and strict tsconfig.
    const dir = mkdtempSync(join(tmpdir(), 'tensorblas-consumer-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
      symlinkSync(root, join(dir, 'node_modules', 'tensorblas'), 'dir');
      symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
      cpSync(join(root, 'test', 'consumer'), dir, { recursive: true });
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
