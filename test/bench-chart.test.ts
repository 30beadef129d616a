// The benchmark's chart (bench/chart.mjs) draws a valid SVG from a fixed results object: no timing
// is run here, only the drawing of what `npm run bench -- --json` writes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import * as vega from 'vega';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without type declarations
import { chartData, chartSpec, renderChart } from '../bench/chart.mjs';

const root = join(__dirname, '..');
const t = (s: number) => ({ seconds_per_op: s });

const results = {
  config: {
    tensorblas: {
      version: '0.1.0',
      node: 'v20.0.0',
      blas: { name: 'OpenBLAS', version: '0.3.21', corename: 'Zen', numThreads: 2 },
    },
    numpy: { numpy: '2.4.6', blas: 'scipy-openblas', blas_version: '0.3.31', corename: 'Haswell', threads: 2 },
    machine: { platform: 'linux-x64', cpus: 2, cpu: 'Test CPU' },
  },
  date: '2026-12-06T00:00:00.000Z',
  quick: true,
  budget: 0.2,
  repeat: 1,
  summary: {
    small_calls: {
      cases: 3, of: 3, geomean_tb_over_numpy: 0.5, max_tb_over_numpy: 1.25, max_case: 'exp 16',
      target: { geomean: 0.5, max: 1 }, meets_target: false,
      all_cases: { cases: 4, of: 4, geomean_tb_over_numpy: 0.6, max_tb_over_numpy: 1.5, max_case: 'mul 768 * scalar' },
    },
  },
  rows: [
    { name: 'add 16 + 16', group: 'small calls', tensorblas: t(200e-9), reference: t(20e-9), numpy: t(400e-9) },
    { name: 'exp 16', group: 'small calls', tensorblas: t(250e-9), reference: { skipped: 'the reference has no such op (its usage message)' }, numpy: t(200e-9) },
    {
      name: 'matmul 4x4 f64 <a & b>', group: 'small calls', peerName: 'ml-matrix',
      tensorblas: t(300e-9), reference: t(30e-9), numpy: t(1.2e-6), peer: { impl: 'ml-matrix', version: '6.15.1', seconds_per_op: 450e-9 },
    },
    { name: 'inv 512x512', group: 'larger work', tensorblas: t(10e-3), reference: t(9.5e-3), numpy: t(13e-3) },
    { name: 'PCA 10000x100 -> 10', group: 'larger work', tensorblas: { na: 'PCA is not exported' }, reference: t(6e-3), numpy: t(6.5e-3) },
    { name: 'cholesky 512x512, { out } reused', group: 'larger work', tensorblas: t(2e-3), reference: t(1.9e-3) },
  ],
};

describe('bench/chart.mjs', () => {
  it('has one ratio per case and comparison that both sides measured, and the parity and target rules', () => {
    const { values, groups } = chartData(results);
    expect(groups).toEqual(['small calls', 'larger work']);
    const ratios = values.filter((v: { kind: string }) => v.kind === 'ratio');
    expect(ratios.map((v: { case: string; series: string }) => `${v.case} | ${v.series}`)).toEqual([
      'add 16 + 16 | vs NumPy',
      'add 16 + 16 | vs C++ reference (OpenBLAS called directly)',
      'exp 16 | vs NumPy',
      'matmul 4x4 f64 <a & b> | vs NumPy',
      'matmul 4x4 f64 <a & b> | vs C++ reference (OpenBLAS called directly)',
      'matmul 4x4 f64 <a & b> | vs ml-matrix (pure JS)',
      'inv 512x512 | vs NumPy',
      'inv 512x512 | vs C++ reference (OpenBLAS called directly)',
      'cholesky 512x512, { out } reused | vs C++ reference (OpenBLAS called directly)',
    ]);
    expect(ratios[0].ratio).toBeCloseTo(0.5, 12);
    expect(ratios[5].ratio).toBeCloseTo(300 / 450, 12);
    expect(values.filter((v: { kind: string }) => v.kind === 'parity').map((v: { group: string }) => v.group)).toEqual(['small calls', 'larger work']);
    expect(values.filter((v: { kind: string }) => v.kind === 'target')).toEqual([{ kind: 'target', group: 'small calls', ratio: 0.5 }]);
    const spec = chartSpec(results);
    expect(spec.vconcat).toHaveLength(2);
    expect(spec.title.subtitle.join('\n')).toContain('OpenBLAS 0.3.21 (Zen kernel, 2 threads)');
    expect(spec.title.subtitle.join('\n')).toContain('small calls, tb/numpy over the 3 cases the targets were set on: geometric mean 0.50x');
    // A results file saved before cases were marked `added` judged every case, and says nothing of added ones.
    const { all_cases: _, ...before } = results.summary.small_calls;
    const old = chartSpec({ ...results, summary: { small_calls: before } }).title.subtitle.join('\n');
    expect(old).toContain('small calls, tb/numpy: geometric mean 0.50x');
    expect(old).not.toContain('added');
  });

  it('renders a well-formed SVG document with the cases, groups and title, and leaves vega as it found it', async () => {
    const width = vega.textMetrics.width;
    const svg: string = await renderChart(results);
    expect(vega.textMetrics.width).toBe(width);
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
    expect(XMLValidator.validate(svg)).toBe(true);
    for (const text of [
      'add 16 + 16', 'matmul 4x4 f64 &lt;a &amp; b&gt;', 'inv 512x512', 'small calls', 'larger work', '0.50x', '0.67x',
      'vs ml-matrix (pure JS)', 'NumPy 2.4.6 on scipy-openblas 0.3.31', 'geometric mean 0.50x',
      'with the 1 added case: geometric mean 0.60x, largest 1.50x on mul 768 * scalar',
    ]) {
      expect(svg).toContain(text);
    }
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    // The text widths are Helvetica's, not vega's 0.8 em per character: the chart is not padded
    // out to twice its width.
    const w = Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
    expect(w).toBeGreaterThan(560);
    expect(w).toBeLessThan(900);
  });

  it('redraws from a saved --json file on the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-chart-'));
    try {
      writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
      const r = spawnSync(process.execPath, [join(root, 'bench', 'chart.mjs'), join(dir, 'results.json'), join(dir, 'out.svg')], {
        cwd: root, encoding: 'utf8', timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const svg = readFileSync(join(dir, 'out.svg'), 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg).toContain('cholesky 512x512, { out } reused');
      const usage = spawnSync(process.execPath, [join(root, 'bench', 'chart.mjs')], { cwd: root, encoding: 'utf8' });
      expect(usage.status).toBe(2);
      expect(usage.stderr).toContain('usage: node bench/chart.mjs results.json out.svg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
