#!/usr/bin/env node
// The benchmark suite: tensorblas against a C++ OpenBLAS reference and NumPy (and, for the 4x4
// matmul, the pure-JS ml-matrix).
//   npm run bench                    all cases: the "small calls" group (per-call cost of small
//                                    inputs, in ns) and the larger work
//   npm run bench -- --quick         a subset, well under a minute
//   options: --budget SECONDS (timed seconds per measurement; default 1, 0.5 with --quick),
//            --filter TEXT[,TEXT...] (cases whose name, or group name "small calls"/"larger work",
//            contains one of them), --no-numpy, --json FILE (raw results; bench/chart.mjs redraws
//            a chart from it), --chart FILE.svg (tensorblas's time relative to NumPy and to the
//            reference per case, an SVG drawn by bench/chart.mjs with vega-lite),
//            --repeat N (N rounds per case, alternating the implementations; each cell is the
//            median of the N rounds, which a drifting shared machine skews less than one round),
//            --ref-alloc malloc|hugepage|reuse (how the reference allocates outputs; default malloc),
//            --yield (tensorblas returns to the event loop between samples; default: one synchronous loop)
// Every measurement runs in a fresh child process (bench/ops.js, bench/reference.cc's binary,
// bench/numpy_ops.py), one at a time. The environment is passed through unchanged. Under the table:
// the small calls' geometric mean and largest tb/numpy, and the timing loop's own cost per call.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

const SMALL = 'small calls';
const LARGE = 'larger work';

// Each case: name (the table's), op and args (the same for ops.js, numpy_ops.py and the reference),
// group, quick (in --quick), and optionally reference: false (reference.cc has no such op; its cell
// is '-'), refOp/refAlloc (what the reference runs instead), numpy: false, peer (a pure-JS library
// timed by ops.js as its own column).
const CASES = [
  // Small calls: what a server pays per call on small inputs, where the fixed cost of a call (JS
  // wrapper, argument checks, N-API, result allocation) is most of the time. Every call returns its
  // fresh result, as a user writes it (no { out }). The targets were set on the cases without
  // `added` (the per-call table of issue #12); `added` ones came later and are summarised apart.
  { name: 'add 16 + 16', op: 'add', args: ['16'], quick: true },
  { name: 'exp 16', op: 'exp', args: ['16'], quick: true, reference: false },
  { name: 'sum 16', op: 'sum', args: ['16'], quick: true },
  { name: 'mul 768 * scalar', op: 'mul_scalar', args: ['768'], quick: true, reference: false, added: true },
  // The same, each result disposed at once (`using r = ...`): its slab's memory is reused while
  // still cached, where fresh results wait for the collector; and into one `out` for every call.
  // Other ways of writing the call, so not in the group's summary (NumPy's column: its fresh result).
  { name: 'mul 768 * scalar, disposed', op: 'mul_scalar+dispose', npOp: 'mul_scalar', args: ['768'], reference: false, summary: false },
  { name: 'mul 768 * scalar, { out } reused', op: 'mul_scalar_out', npOp: 'mul_scalar', args: ['768'], reference: false, summary: false },
  { name: 'dot 768 . 768 f64', op: 'dot', args: ['768', 'float64'], quick: true, reference: false },
  { name: 'dot 768 . 768 f32', op: 'dot', args: ['768', 'float32'], reference: false, added: true },
  { name: 'vecmat (768,) @ (768,16)', op: 'vecmat', args: ['768', '16'], reference: false, added: true },
  { name: 'linalg.norm 768', op: 'norm', args: ['768'], quick: true, reference: false },
  { name: 'linalg.norm (16,768), axis 1', op: 'norm_rows', args: ['16', '768'], reference: false, added: true },
  { name: 'distance.cosine 768', op: 'cosine', args: ['768'], quick: true, reference: false },
  { name: 'view m.T[1:] of 4x4', op: 'view', args: ['4'], quick: true, reference: false },
  { name: 'matmul 4x4 f64', op: 'matmul', args: ['4', 'float64'], quick: true, peer: { name: 'ml-matrix', op: 'matmul_mlmatrix' } },
  { name: 'det 3x3', op: 'det', args: ['3'], quick: true },
  { name: 'inv 4x4', op: 'inv', args: ['4'], quick: true },
  { name: 'solve 4x4, b (4,)', op: 'solve', args: ['4'], quick: true },
].map((c) => ({ ...c, group: SMALL }));

CASES.push(...[
  { name: 'matmul 64x64 f64', op: 'matmul', args: ['64', 'float64'] },
  { name: 'matmul 256x256 f64', op: 'matmul', args: ['256', 'float64'], quick: true },
  { name: 'matmul 1024x1024 f64', op: 'matmul', args: ['1024', 'float64'] },
  { name: 'matmul 1024x1024 f32', op: 'matmul', args: ['1024', 'float32'] },
  { name: 'matvec 2000x2000 @ 2000', op: 'matvec', args: ['2000', '2000'] },
  { name: 'add 1e7 + 1e7', op: 'add', args: ['10000000'], quick: true },
  { name: 'add (1000,1000) + (1000,)', op: 'broadcast_add', args: ['1000', '1000'] },
  { name: 'sum 1e7', op: 'sum', args: ['10000000'], quick: true },
  { name: 'exp 1e6', op: 'exp', args: ['1000000'], reference: false },
  { name: 'exp 1e6 f32', op: 'exp', args: ['1000000', 'float32'], reference: false },
  { name: 'tanh 1e6', op: 'tanh', args: ['1000000'], reference: false },
  // Reductions along an axis (a row's max, its argmax, a column sum), as feature code and softmax use them.
  { name: 'max (1000,1000), axis 1', op: 'reduce_axis', args: ['max', '1000', '1000', '1'], reference: false },
  { name: 'argmax (1000,1000), axis 1', op: 'reduce_axis', args: ['argmax', '1000', '1000', '1'], reference: false },
  { name: 'sum (1000,1000), axis 0', op: 'reduce_axis', args: ['sum', '1000', '1000', '0'], reference: false },
  { name: 'transpose 2000x2000 copy', op: 'transpose', args: ['2000', '2000'] },
  // The fresh-result cases again, each result disposed at once (`using r = ...`): its memory serves
  // the next call warm, as malloc's does for NumPy, instead of waiting for a garbage collection.
  ...[
    ['add 1e7 + 1e7', 'add', ['10000000'], true],
    ['add (1000,1000) + (1000,)', 'broadcast_add', ['1000', '1000']],
    ['transpose 2000x2000 copy', 'transpose', ['2000', '2000']],
    ['cdist 2000x128 vs 2000x128', 'cdist', ['2000', '2000', '128']],
  ].map(([name, op, args, quick]) => ({ name: `${name}, disposed`, op: `${op}+dispose`, npOp: op, refOp: op, args, quick })),
  // LAPACK, float64
  { name: 'inv 512x512', op: 'inv', args: ['512'], quick: true },
  { name: 'solve 512x512, b (512,)', op: 'solve', args: ['512'] },
  { name: 'det 512x512', op: 'det', args: ['512'] },
  { name: 'qr 512x512 reduced', op: 'qr', args: ['512'] },
  { name: 'cholesky 512x512', op: 'cholesky', args: ['512'] },
  // The same factorisation into a reused { out }; the reference then reuses its buffer too (NumPy
  // has no out for cholesky). Beside the row above it shows what fresh output pages cost.
  { name: 'cholesky 512x512, { out } reused', op: 'cholesky_out', args: ['512'], refOp: 'cholesky', refAlloc: 'reuse', numpy: false },
  { name: 'svd 512x512 full, u+s+vt', op: 'svd', args: ['512'] },
  { name: 'eigh 512x512 + vectors', op: 'eigh', args: ['512'] },
  { name: 'eig 256x256 + vectors', op: 'eig', args: ['256'] },
  { name: 'lstsq 2000x100, b (2000,)', op: 'lstsq', args: ['2000', '100'] },
  { name: 'PCA 10000x100 -> 10', op: 'pca', args: ['10000', '100', '10'] },
  { name: 'cdist 2000x128 vs 2000x128', op: 'cdist', args: ['2000', '2000', '128'] },
  { name: 'cdist 2000x128 vs 2000x128, { out } reused', op: 'cdist_out', args: ['2000', '2000', '128'], refOp: 'cdist', refAlloc: 'reuse', numpy: false },
].map((c) => ({ ...c, group: LARGE })));

// The targets for the small calls (tensorblas time / NumPy time).
const SMALL_TARGET = { geomean: 0.5, max: 1.0 };

function parseOptions(argv) {
  const o = { quick: false, budget: undefined, filter: '', numpy: true, json: '', chart: '', refAlloc: 'malloc', yieldEach: false, repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--budget') o.budget = Number(argv[++i]);
    else if (a === '--filter') o.filter = argv[++i] ?? '';
    else if (a === '--no-numpy') o.numpy = false;
    else if (a === '--yield') o.yieldEach = true;
    else if (a === '--json') o.json = argv[++i] ?? '';
    else if (a === '--chart') o.chart = argv[++i] ?? '';
    else if (a === '--ref-alloc') o.refAlloc = argv[++i] ?? 'malloc';
    else if (a === '--repeat') o.repeat = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      const lines = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
      console.log(lines.slice(1, lines.findIndex((l) => l.startsWith('import '))).join('\n'));
      process.exit(0);
    } else {
      console.error(`bench: unknown option ${a} (see --help)`);
      process.exit(2);
    }
  }
  if (o.budget === undefined) o.budget = o.quick ? 0.5 : 1;
  if (!Number.isInteger(o.repeat) || o.repeat < 1) {
    console.error('bench: --repeat must be a positive integer');
    process.exit(2);
  }
  if ((o.json === '' && argv.includes('--json')) || (o.chart === '' && argv.includes('--chart'))) {
    console.error('bench: --json and --chart need a file name');
    process.exit(2);
  }
  if (!(o.budget > 0)) {
    console.error('bench: --budget must be a positive number of seconds');
    process.exit(2);
  }
  return o;
}

// The round with the median time (its own fields kept, every round's time listed), or the first
// failure.
function medianRound(results) {
  const failed = results.find((r) => r.error || r.na || r.skipped);
  if (failed) return failed;
  const sorted = [...results].sort((a, b) => a.seconds_per_op - b.seconds_per_op);
  const median = sorted[(sorted.length - 1) >> 1];
  return results.length === 1 ? median : { ...median, rounds: results.map((r) => r.seconds_per_op) };
}

// Runs one child; returns the JSON object on its last stdout line, or { error }.
function runChild(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.error) return { error: r.error.message };
  const lines = (r.stdout || '').trim().split('\n');
  if (r.status !== 0) {
    const err = (r.stderr || '').trim().split('\n');
    const line =
      err.find((l) => /^\s*\w*Error: /.test(l)) ?? err.find((l) => /error:/i.test(l)) ?? err.slice(-3).join(' | ');
    const msg = line.trim().slice(0, 400) || `exit ${r.status ?? r.signal}`;
    // The reference's usage message (exit 2): it has no such op. Not a failure, an empty cell.
    if (r.status === 2 && /^usage: blas_reference/m.test(r.stderr || '')) return { skipped: 'the reference has no such op (its usage message)' };
    return { error: msg };
  }
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    return { error: `unparsable output: ${lines[lines.length - 1]}` };
  }
}

const mtime = (p) => {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

// The C++ reference: $TENSORBLAS_REFERENCE, the CMake build's (if not older than its source), or
// one compiled here with g++ into bench/.build/ using the same OpenBLAS resolver as the addon.
function findReference() {
  if (process.env.TENSORBLAS_REFERENCE) return { path: process.env.TENSORBLAS_REFERENCE, how: '$TENSORBLAS_REFERENCE' };
  const src = path.join(here, 'reference.cc');
  const cmakeBin = path.join(root, 'build-cmake', 'Release', 'blas_reference');
  if (mtime(cmakeBin) >= mtime(src)) return { path: cmakeBin, how: 'CMake build' };
  const out = path.join(here, '.build', 'blas_reference');
  if (mtime(out) >= mtime(src)) return { path: out, how: 'bench/.build (g++)' };
  const findBlas = (mode) =>
    execFileSync(process.execPath, [path.join(root, 'scripts', 'find-blas.cjs'), mode], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .filter(Boolean);
  try {
    const cflags = findBlas('--cflags').map((d) => `-I${d}`);
    const libs = findBlas('--libs');
    const rpath = findBlas('--rpath').join(':');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const cxx = process.env.CXX || 'g++';
    const args = ['-std=c++17', '-O3', '-pthread', ...cflags, src, '-o', out, ...libs];
    if (rpath && process.platform !== 'win32') args.push(`-Wl,-rpath,${rpath}`);
    console.log(`bench: compiling the C++ reference: ${cxx} ${args.join(' ')}`);
    execFileSync(cxx, args, { stdio: 'inherit' });
    return { path: out, how: 'bench/.build (g++, just built)' };
  } catch (err) {
    console.log(`bench: no C++ reference (${err.message.split('\n')[0]}); its column will be empty.`);
    return null;
  }
}

function fmtTime(s) {
  if (s === undefined || s === null || !Number.isFinite(s)) return '-';
  if (s < 1e-6) return `${(s * 1e9).toFixed(0)} ns`;
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${s.toPrecision(3)} s`;
}

// A measurement's cell: its time, "n/a" when the API is not there, "-" when it failed or was skipped.
const cell = (m) => (m?.na ? 'n/a' : fmtTime(m?.seconds_per_op));
const secs = (m) => m?.seconds_per_op;

// tensorblas's time over each other implementation's, per row (undefined where either is missing).
function ratios(r) {
  const q = (other) => {
    const a = secs(r.tensorblas), b = secs(other);
    return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : undefined;
  };
  return { tb_ref: q(r.reference), tb_numpy: q(r.numpy), tb_peer: q(r.peer) };
}

// The small calls' summary: geometric mean and largest tb/numpy over the cases the targets were set
// on (judged against them), and the same over every small case (reported, not judged).
function smallSummary(rows) {
  const inSummary = rows.filter((r) => r.group === SMALL && r.summary !== false);
  const measured = (rs) => rs.filter((r) => Number.isFinite(r.ratios.tb_numpy));
  const stats = (rs) => {
    if (!rs.length) return null;
    const worst = rs.reduce((w, r) => (r.ratios.tb_numpy > w.ratios.tb_numpy ? r : w));
    return {
      cases: rs.length,
      geomean_tb_over_numpy: Math.exp(rs.reduce((s, r) => s + Math.log(r.ratios.tb_numpy), 0) / rs.length),
      max_tb_over_numpy: worst.ratios.tb_numpy,
      max_case: worst.name,
    };
  };
  const targetCases = inSummary.filter((r) => !r.added);
  const judged = stats(measured(targetCases));
  if (!judged) return null;
  const peers = rows.filter((r) => r.group === SMALL && Number.isFinite(r.ratios.tb_peer));
  return {
    ...judged,
    of: targetCases.length,
    target: SMALL_TARGET,
    meets_target: judged.geomean_tb_over_numpy <= SMALL_TARGET.geomean && judged.max_tb_over_numpy <= SMALL_TARGET.max,
    all_cases: { ...stats(measured(inSummary)), of: inSummary.length },
    peers: peers.map((r) => ({ case: r.name, peer: r.peer.impl, tb_over_peer: r.ratios.tb_peer })),
  };
}

function table(rows) {
  const peerNames = [...new Set(rows.map((r) => r.peerName).filter(Boolean))];
  const peerHead = peerNames.join('/');
  const head = ['case', 'tensorblas', 'reference', 'numpy', ...(peerHead ? [peerHead] : []), 'tb/ref', 'tb/numpy', ...(peerHead ? [`tb/${peerHead}`] : [])];
  const fmt = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '-');
  const lines = [];
  let group = null;
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group;
      lines.push({ heading: group === SMALL ? `${SMALL} (per call, fresh result each call)` : group });
    }
    lines.push([
      r.numpy?.variant ? `${r.name} [numpy: ${r.numpy.variant}]` : r.name,
      cell(r.tensorblas),
      cell(r.reference),
      cell(r.numpy),
      ...(peerHead ? [cell(r.peer)] : []),
      fmt(r.ratios.tb_ref),
      fmt(r.ratios.tb_numpy),
      ...(peerHead ? [fmt(r.ratios.tb_peer)] : []),
    ]);
  }
  const body = lines.filter(Array.isArray);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const rule = (text) => `-- ${text} `.padEnd(total, '-');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map((l) => (Array.isArray(l) ? line(l) : rule(l.heading)))].join('\n');
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  const filters = o.filter.split(',');
  const cases = CASES.filter((c) => (!o.quick || c.quick) && filters.some((f) => c.name.includes(f) || c.group.includes(f)));
  const t0 = Date.now();

  // Header: what is loaded and how it is configured.
  console.log(`tensorblas bench${o.quick ? ' (--quick)' : ''}: median time per call, ${o.budget} s timed per measurement` +
      (o.yieldEach ? ', tensorblas yields to the event loop between samples' : ''));
  const envKeys = Object.keys(process.env)
    .filter((k) => /^(OPENBLAS_|GOTO_|OMP_|TENSORBLAS_|MKL_|NPY_)/.test(k))
    .sort();
  for (const k of envKeys) console.log(`  env ${k}=${process.env[k]}`);
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) {
    console.log('bench: dist/ is missing; run `npx tsc -p tsconfig.json` (or npm run build:addon) first.');
    process.exit(1);
  }
  const tb = runChild(process.execPath, [path.join(here, 'ops.js'), 'config']);
  if (tb.error) {
    console.log(`bench: tensorblas does not load: ${tb.error}`);
    process.exit(1);
  }
  console.log(
    `  tensorblas ${tb.version} (node ${tb.node}): ${tb.blas.name} ${tb.blas.version}, core ${tb.blas.corename}, ` +
      `${tb.blas.numThreads} BLAS threads (${tb.blas.parallel}), ${tb.loopThreads} loop threads`,
  );
  console.log(`    ${tb.blas.config}`);

  const ref = findReference();
  let rc = null;
  if (ref) {
    rc = runChild(ref.path, ['config']);
    if (rc.error) console.log(`  reference: ${ref.path} fails: ${rc.error}`);
    else
      console.log(`  reference (${ref.how}, outputs: ${o.refAlloc}): core ${rc.corename}, ${rc.threads} threads; ${rc.config}`);
  }

  let python = null;
  let nc = null;
  if (o.numpy) {
    for (const exe of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
      const r = spawnSync(exe, ['-c', 'import numpy'], { encoding: 'utf8' });
      if (!r.error && r.status === 0) {
        python = exe;
        break;
      }
    }
    if (!python) console.log('  numpy: not available (python3 -c "import numpy" failed); its column is skipped.');
  }
  if (python) {
    nc = runChild(python, [path.join(here, 'numpy_ops.py'), 'config']);
    if (nc.error) console.log(`  numpy: config failed: ${nc.error}`);
    else
      console.log(
        `  numpy ${nc.numpy}: ${nc.blas ?? '?'} ${nc.blas_version ?? ''}` +
          (nc.corename ? `, core ${nc.corename}, ${nc.threads} threads` : '') +
          (nc.blas_config ? `; ${nc.blas_config}` : ''),
      );
  }
  const cpus = os.cpus();
  const machine = { platform: `${process.platform}-${process.arch}`, cpus: cpus.length, cpu: cpus[0]?.model?.trim() ?? '?' };
  console.log(`  machine: ${machine.platform}, ${machine.cpus} x ${machine.cpu}`);
  console.log('');

  const rows = [];
  const budget = String(o.budget);
  const opsJs = path.join(here, 'ops.js');
  const npPy = path.join(here, 'numpy_ops.py');
  for (const c of cases) {
    process.stdout.write(`  ${c.name} ...`);
    const row = {
      name: c.name, group: c.group, op: c.op, args: c.args,
      ...(c.summary === false && { summary: false }),
      ...(c.added && { added: true }),
    };
    if (c.peer) row.peerName = c.peer.name;
    const tbArgs = [opsJs, c.op, ...c.args, '--budget', budget];
    if (o.yieldEach) tbArgs.push('--yield');
    const rounds = { tensorblas: [], reference: [], numpy: [], peer: [] };
    const npArgs = [npPy, c.npOp ?? c.op, ...c.args, '--budget', budget];
    const withRef = ref && !rc?.error && c.reference !== false;
    const withNumpy = python && c.numpy !== false;
    if (withNumpy) {
      // NumPy times tensorblas's own matrices (as the C++ reference does): eig's QR iterations and
      // gelsd's SVD depend on the data, not only on its distribution.
      const dir = path.join(here, '.build', 'inputs', c.op);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const saved = runChild(process.execPath, [opsJs, '--save-inputs', dir, c.op, ...c.args]);
      if (saved.saved?.length) npArgs.push('--inputs', dir);
      else if (saved.error) process.stdout.write(`\n    numpy draws its own inputs (saving them failed: ${saved.error})`);
    }
    for (let round = 0; round < o.repeat; round++) {
      rounds.tensorblas.push(runChild(process.execPath, tbArgs));
      if (withRef) rounds.reference.push(runChild(ref.path, [c.refOp ?? c.op, ...c.args, '--budget', budget, '--alloc', c.refAlloc ?? o.refAlloc]));
      if (withNumpy) rounds.numpy.push(runChild(python, npArgs));
      if (c.peer) rounds.peer.push(runChild(process.execPath, [opsJs, c.peer.op, ...c.args, '--budget', budget]));
    }
    for (const [k, results] of Object.entries(rounds)) if (results.length) row[k] = medianRound(results);
    for (const k of ['tensorblas', 'reference', 'numpy', 'peer']) {
      const label = k === 'peer' ? c.peer?.name : k;
      if (row[k]?.error) process.stdout.write(`\n    ${label} failed: ${row[k].error}`);
      else if (row[k]?.na) process.stdout.write(`\n    ${label}: n/a (${row[k].na})`);
      else if (row[k]?.skipped) process.stdout.write(`\n    ${label}: - (${row[k].skipped})`);
    }
    row.ratios = ratios(row);
    process.stdout.write(' done\n');
    rows.push(row);
  }

  // The timed loop's own cost per call (a call of nothing), for reading the small calls: it is part
  // of every per-call time above. Not a table row.
  let loopOverhead = null;
  if (cases.some((c) => c.group === SMALL)) {
    loopOverhead = { tensorblas: runChild(process.execPath, [opsJs, 'noop', '--budget', budget]) };
    if (python) loopOverhead.numpy = runChild(python, [npPy, 'noop', '--budget', budget]);
  }

  const summary = smallSummary(rows);
  console.log('');
  console.log(table(rows));
  console.log('');
  console.log('tb/ref, tb/numpy: tensorblas time divided by the other (> 1 means tensorblas is slower).');
  if (summary) {
    const x = (v) => `${v.toFixed(2)}x`;
    const all = summary.all_cases;
    console.log(
      `small calls, tb/numpy over the ${summary.cases} of ${summary.of} cases the targets were set on: geometric mean ` +
        `${x(summary.geomean_tb_over_numpy)} (target <= ${x(SMALL_TARGET.geomean)}), largest ${x(summary.max_tb_over_numpy)} ` +
        `on ${summary.max_case} (target <= ${x(SMALL_TARGET.max)}): ${summary.meets_target ? 'target met' : 'target not met'}`,
    );
    console.log(
      `  with the ${all.of - summary.of} added case${all.of - summary.of === 1 ? '' : 's'} (${all.cases} of ${all.of}): geometric mean ${x(all.geomean_tb_over_numpy)}, ` +
        `largest ${x(all.max_tb_over_numpy)} on ${all.max_case}`,
    );
  }
  if (loopOverhead) {
    const lo = (m) => (Number.isFinite(m?.seconds_per_op) ? `${(m.seconds_per_op * 1e9).toFixed(1)} ns` : `- (${m?.error ?? 'not run'})`);
    console.log(
      `timing loop's own cost per call (included above): tensorblas ${lo(loopOverhead.tensorblas)}` +
        (loopOverhead.numpy ? `, numpy ${lo(loopOverhead.numpy)}` : ''),
    );
  }
  console.log(`total ${((Date.now() - t0) / 1e3).toFixed(1)} s`);
  const results = {
    config: {
      tensorblas: tb,
      ...(rc && !rc.error ? { reference: { ...rc, how: ref.how, alloc: o.refAlloc } } : {}),
      ...(nc && !nc.error ? { numpy: nc } : {}),
      machine,
    },
    date: new Date().toISOString(),
    quick: o.quick,
    budget: o.budget,
    repeat: o.repeat,
    summary: { small_calls: summary },
    loop_overhead: loopOverhead,
    rows,
  };
  if (o.json) {
    fs.writeFileSync(o.json, JSON.stringify(results, null, 2) + '\n');
    console.log(`raw results written to ${o.json}`);
  }
  if (o.chart) {
    const { writeChart } = await import('./chart.mjs');
    await writeChart(results, o.chart);
    console.log(`chart written to ${o.chart}`);
  }
}

await main();
