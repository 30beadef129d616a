#!/usr/bin/env node
// The benchmark's chart: tensorblas's time relative to NumPy's, to the C++ reference's and (4x4
// matmul) to ml-matrix's, per case, as an SVG drawn by vega-lite (compiled to a vega spec and
// rendered in Node, no browser, no node-canvas: text widths are vega's estimates).
//   npm run bench -- --quick --chart out.svg        (run.js calls writeChart with its results)
//   node bench/chart.mjs results.json out.svg        redraws from a saved `npm run bench -- --json`
// Text widths: without node-canvas vega estimates 0.8 em per character, which leaves the chart far
// wider than its text; renderChart plugs in Helvetica's (= Arial's) character widths plus 10% instead, through
// vega's hook for user-defined text metrics (textMetrics.width, as vl-convert does).
// One dot per case and comparison on a log x axis, joined to the rule at 1.0 (parity); left of it
// tensorblas is faster. Cases are grouped as run.js groups them ("small calls", "larger work"), and
// the small calls' target (geometric mean tb/numpy <= 0.5x) is a dashed rule.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

const SMALL = 'small calls';
const LARGE = 'larger work';

// The comparisons: which measurement of a row, its legend label and colour.
const SERIES = [
  { key: 'numpy', label: 'vs NumPy', color: '#4c78a8' },
  { key: 'reference', label: 'vs C++ reference (OpenBLAS called directly)', color: '#f58518' },
  { key: 'peer', label: 'vs ml-matrix (pure JS)', color: '#54a24b' },
];

// Helvetica's advance widths (AFM, 1/1000 em) for ' ' .. '~'; other characters count as a digit.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

// vega's textMetrics.width(item, text): the width in px of one line of text in item's font.
function helveticaWidth(item, text) {
  const s = text == null ? '' : String(text).trim();
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  let em = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    em += c >= 32 && c <= 126 ? HELVETICA[c - 32] : 556;
  }
  const w = item.fontWeight;
  const bold = w === 'bold' || w === 'bolder' || Number(w) >= 600;
  // 20% of slack for viewers without Helvetica or Arial (DejaVu Sans runs 10-20% wider; a long
  // axis label was clipped at 10%).
  return 1.2 * (em / 1000) * size * (bold ? 1.06 : 1);
}

const secs = (m) => (m && Number.isFinite(m.seconds_per_op) ? m.seconds_per_op : undefined);
const fmtRatio = (x) => `${x < 0.1 ? x.toPrecision(2) : x.toFixed(2)}x`;

// 1-2-5 steps: the largest at or below x (down) or the smallest at or above it (up).
function step125(x, up) {
  const e = Math.floor(Math.log10(x));
  const cands = [];
  for (let k = e - 1; k <= e + 1; k++) for (const m of [1, 2, 5]) cands.push(m * 10 ** k);
  const fix = (v) => Number(v.toPrecision(6));
  return fix(up ? cands.find((c) => c >= x * (1 - 1e-9)) : cands.reverse().find((c) => c <= x * (1 + 1e-9)));
}

function ticks125(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

// The machine and BLAS line for the title, from the results' config.
function configLines(results) {
  const c = results.config ?? {};
  const t = c.tensorblas;
  const n = c.numpy;
  const m = c.machine;
  const lines = [];
  lines.push(
    t
      ? `tensorblas ${t.version} on ${t.blas?.name ?? 'BLAS'} ${t.blas?.version ?? ''} (${t.blas?.corename ?? '?'} kernel, ` +
          `${t.blas?.numThreads ?? '?'} threads); the C++ reference on the same library`
      : 'tensorblas',
  );
  if (n) lines.push(`NumPy ${n.numpy} on ${n.blas ?? 'BLAS'} ${n.blas_version ?? ''}${n.corename ? ` (${n.corename} kernel, ${n.threads} threads)` : ''}`);
  const run = [
    m ? `${m.cpus} x ${m.cpu}, ${m.platform}` : null,
    t?.node ? `node ${t.node}` : null,
    results.date ? results.date.slice(0, 10) : null,
    results.budget !== undefined ? `${results.budget} s per measurement${results.repeat > 1 ? `, median of ${results.repeat} rounds` : ''}` : null,
    results.quick ? '--quick' : null,
  ].filter(Boolean);
  if (run.length) lines.push(run.join(' · '));
  const s = results.summary?.small_calls;
  if (s) {
    // Results saved before cases were marked `added` have no all_cases: every case was judged.
    const over = s.all_cases ? ` over the ${s.cases} cases the targets were set on` : '';
    lines.push(
      `small calls, tb/numpy${over}: geometric mean ${fmtRatio(s.geomean_tb_over_numpy)} ` +
        `(target ≤ ${fmtRatio(s.target?.geomean ?? 0.5)}, dashed), largest ${fmtRatio(s.max_tb_over_numpy)} on ${s.max_case} ` +
        `(target ≤ ${fmtRatio(s.target?.max ?? 1)})`,
    );
    const all = s.all_cases;
    if (all && all.of > s.of) {
      lines.push(
        `with the ${all.of - s.of} added case${all.of - s.of === 1 ? '' : 's'}: geometric mean ${fmtRatio(all.geomean_tb_over_numpy)}, ` +
          `largest ${fmtRatio(all.max_tb_over_numpy)} on ${all.max_case}`,
      );
    }
  }
  return lines;
}

/**
 * The chart's data: one value per case and comparison (kind "ratio"), plus the rules (kind
 * "parity" at 1.0 per group, "target" at the small calls' geometric-mean target).
 */
export function chartData(results) {
  const values = [];
  const groups = [];
  (results.rows ?? []).forEach((r, order) => {
    const group = r.group ?? LARGE;
    if (!groups.includes(group)) groups.push(group);
    const tb = secs(r.tensorblas);
    if (tb === undefined) return;
    for (const s of SERIES) {
      const other = secs(r[s.key]);
      if (other === undefined || !(other > 0)) continue;
      const ratio = tb / other;
      const label = s.key === 'peer' && r.peer?.impl ? `vs ${r.peer.impl} (pure JS)` : s.label;
      values.push({ kind: 'ratio', group, case: r.name, order, series: label, ratio, text: fmtRatio(ratio) });
    }
  });
  for (const group of groups) values.push({ kind: 'parity', group, ratio: 1 });
  const target = results.summary?.small_calls?.target?.geomean ?? 0.5;
  if (groups.includes(SMALL)) values.push({ kind: 'target', group: SMALL, ratio: target });
  return { values, groups };
}

/** The vega-lite spec of the chart for a run.js results object (what --json writes). */
export function chartSpec(results) {
  const { values, groups } = chartData(results);
  const ratios = values.map((v) => v.ratio).filter((x) => Number.isFinite(x) && x > 0);
  const lo = step125(Math.min(...ratios, 1) / 1.3, false);
  const hi = step125(Math.max(...ratios, 1) * 1.3, true);
  const seriesUsed = SERIES.map((s) => s.label).concat(
    [...new Set(values.filter((v) => v.kind === 'ratio').map((v) => v.series))].filter((l) => !SERIES.some((s) => s.label === l)),
  ).filter((l) => values.some((v) => v.series === l));
  const colorOf = (l) => SERIES.find((s) => s.label === l)?.color ?? '#54a24b';
  const x = {
    field: 'ratio',
    type: 'quantitative',
    scale: { type: 'log', domain: [lo, hi], nice: false },
    axis: {
      values: ticks125(lo, hi),
      labelExpr: "format(datum.value, '~g') + 'x'",
      title: "tensorblas's time / the other's (log scale; left of 1x tensorblas is faster)",
      grid: true,
    },
  };
  const y = { field: 'case', type: 'nominal', sort: { field: 'order', op: 'min' }, axis: { title: null, labelLimit: 260 } };
  const yOffset = { field: 'series', type: 'nominal', sort: seriesUsed, scale: { paddingInner: 0.15 } };
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: seriesUsed, range: seriesUsed.map(colorOf) },
    legend: { title: null, orient: 'top', direction: 'horizontal', columns: 2 },
  };
  // One layered panel per group, stacked (vconcat rather than a facet, so each panel's y scale
  // holds its own cases and its data needs no per-layer filtering across facets).
  const panel = (group) => {
    const rows = values.filter((v) => v.group === group && v.kind === 'ratio');
    const rules = values.filter((v) => v.group === group && v.kind !== 'ratio');
    const cases = new Set(rows.map((v) => v.case)).size;
    const side = (below) => ({
      data: { values: rows.filter((v) => (v.ratio < 1) === below) },
      mark: { type: 'text', align: below ? 'right' : 'left', dx: below ? -7 : 7, fontSize: 9, baseline: 'middle' },
      encoding: { x, y, yOffset, text: { field: 'text' }, color },
    });
    return {
      title: { text: group, anchor: 'start', fontSize: 12, fontWeight: 'bold', offset: 6 },
      width: 560,
      height: { step: 8 + 10 * seriesUsed.length, for: 'position' },
      layer: [
        {
          data: { values: rules.filter((v) => v.kind === 'parity') },
          mark: { type: 'rule', color: '#333', strokeWidth: 1.2 },
          encoding: { x },
        },
        ...(rules.some((v) => v.kind === 'target')
          ? [
              {
                data: { values: rules.filter((v) => v.kind === 'target') },
                mark: { type: 'rule', color: '#888', strokeDash: [5, 4], strokeWidth: 1 },
                encoding: { x },
              },
            ]
          : []),
        { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2, opacity: 0.6 }, encoding: { x, x2: { datum: 1 }, y, yOffset, color } },
        { data: { values: rows }, mark: { type: 'point', filled: true, size: 55, opacity: 1 }, encoding: { x, y, yOffset, color } },
        side(true),
        side(false),
      ],
      ...(cases ? {} : { height: 20 }),
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 12,
    title: {
      text: "tensorblas's time relative to NumPy's and to C++ calling OpenBLAS directly",
      subtitle: configLines(results),
      anchor: 'start',
      fontSize: 14,
      subtitleFontSize: 10,
      offset: 10,
    },
    vconcat: groups.map(panel),
    spacing: 18,
    resolve: { scale: { x: 'shared', color: 'shared' }, legend: { color: 'shared' } },
    config: {
      font: 'Helvetica, Arial, sans-serif',
      view: { stroke: '#ddd' },
      axis: { labelFontSize: 10, titleFontSize: 11 },
      legend: { labelFontSize: 10, labelLimit: 400, symbolOpacity: 1 },
    },
  };
}

/** The chart as an SVG document (a string). */
export async function renderChart(results) {
  const vg = vegaLite.compile(chartSpec(results)).spec;
  const saved = vega.textMetrics.width;
  vega.textMetrics.width = helveticaWidth;
  const view = new vega.View(vega.parse(vg), { renderer: 'none', logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    return svg.startsWith('<?xml') ? svg : `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
  } finally {
    view.finalize();
    vega.textMetrics.width = saved;
  }
}

/** Renders the chart and writes it to `file`. */
export async function writeChart(results, file) {
  const svg = await renderChart(results);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, svg);
  return svg;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: node bench/chart.mjs results.json out.svg   (results.json from `npm run bench -- --json FILE`)');
    process.exit(2);
  }
  await writeChart(JSON.parse(fs.readFileSync(input, 'utf8')), output);
  console.log(`chart written to ${output}`);
}
