#!/usr/bin/env node
// The benchmark suite: tensorblas against a C++ OpenBLAS reference and NumPy.
//   npm run bench                    all cases
//   npm run bench -- --quick         a subset, well under a minute
//   options: --budget SECONDS (timed seconds per measurement; default 1, 0.5 with --quick),
//            --filter TEXT[,TEXT...] (cases whose name contains one of them), --no-numpy, --json FILE,
//            --repeat N (N rounds per case, alternating the implementations; each cell is the
//            median of the N rounds, which a drifting shared machine skews less than one round),
//            --ref-alloc malloc|hugepage|reuse (how the reference allocates outputs; default malloc),
//            --yield (tensorblas returns to the event loop between samples; default: one synchronous loop)
// Every measurement runs in a fresh child process (bench/ops.js, bench/reference.cc's binary,
// bench/numpy_ops.py), one at a time. The environment is passed through unchanged.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

const CASES = [
  { name: 'matmul 4x4 f64', op: 'matmul', args: ['4', 'float64'], quick: true },
  { name: 'matmul 64x64 f64', op: 'matmul', args: ['64', 'float64'] },
  { name: 'matmul 256x256 f64', op: 'matmul', args: ['256', 'float64'], quick: true },
  { name: 'matmul 1024x1024 f64', op: 'matmul', args: ['1024', 'float64'] },
  { name: 'matmul 1024x1024 f32', op: 'matmul', args: ['1024', 'float32'] },
  { name: 'matvec 2000x2000 @ 2000', op: 'matvec', args: ['2000', '2000'] },
  { name: 'add 1e7 + 1e7', op: 'add', args: ['10000000'], quick: true },
  { name: 'add (1000,1000) + (1000,)', op: 'broadcast_add', args: ['1000', '1000'] },
  { name: 'sum 1e7', op: 'sum', args: ['10000000'], quick: true },
  { name: 'transpose 2000x2000 copy', op: 'transpose', args: ['2000', '2000'] },
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
];

function parseOptions(argv) {
  const o = { quick: false, budget: undefined, filter: '', numpy: true, json: '', refAlloc: 'malloc', yieldEach: false, repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--budget') o.budget = Number(argv[++i]);
    else if (a === '--filter') o.filter = argv[++i] ?? '';
    else if (a === '--no-numpy') o.numpy = false;
    else if (a === '--yield') o.yieldEach = true;
    else if (a === '--json') o.json = argv[++i] ?? '';
    else if (a === '--ref-alloc') o.refAlloc = argv[++i] ?? 'malloc';
    else if (a === '--repeat') o.repeat = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 10).join('\n'));
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
  if (!(o.budget > 0)) {
    console.error('bench: --budget must be a positive number of seconds');
    process.exit(2);
  }
  return o;
}

// The round with the median time (its own fields kept, every round's time listed), or the first
// failure.
function medianRound(results) {
  const failed = results.find((r) => r.error || r.na);
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

const fmtRatio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-');

// A measurement's cell: its time, "n/a" when the API is not there, "-" when it failed or was skipped.
const cell = (m) => (m?.na ? 'n/a' : fmtTime(m?.seconds_per_op));

function table(rows) {
  const head = ['case', 'tensorblas', 'reference', 'numpy', 'tb/ref', 'tb/numpy'];
  const body = rows.map((r) => [
    r.numpy?.variant ? `${r.name} [numpy: ${r.numpy.variant}]` : r.name,
    cell(r.tensorblas),
    cell(r.reference),
    cell(r.numpy),
    fmtRatio(r.tensorblas?.seconds_per_op, r.reference?.seconds_per_op),
    fmtRatio(r.tensorblas?.seconds_per_op, r.numpy?.seconds_per_op),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function main() {
  const o = parseOptions(process.argv.slice(2));
  const filters = o.filter.split(',');
  const cases = CASES.filter((c) => (!o.quick || c.quick) && filters.some((f) => c.name.includes(f)));
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
  if (ref) {
    const rc = runChild(ref.path, ['config']);
    if (rc.error) console.log(`  reference: ${ref.path} fails: ${rc.error}`);
    else
      console.log(`  reference (${ref.how}, outputs: ${o.refAlloc}): core ${rc.corename}, ${rc.threads} threads; ${rc.config}`);
  }

  let python = null;
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
    const nc = runChild(python, [path.join(here, 'numpy_ops.py'), 'config']);
    if (nc.error) console.log(`  numpy: config failed: ${nc.error}`);
    else
      console.log(
        `  numpy ${nc.numpy}: ${nc.blas ?? '?'} ${nc.blas_version ?? ''}` +
          (nc.corename ? `, core ${nc.corename}, ${nc.threads} threads` : '') +
          (nc.blas_config ? `; ${nc.blas_config}` : ''),
      );
  }
  console.log('');

  const rows = [];
  const budget = String(o.budget);
  for (const c of cases) {
    process.stdout.write(`  ${c.name} ...`);
    const row = { name: c.name, op: c.op, args: c.args };
    const tbArgs = [path.join(here, 'ops.js'), c.op, ...c.args, '--budget', budget];
    if (o.yieldEach) tbArgs.push('--yield');
    const rounds = { tensorblas: [], reference: [], numpy: [] };
    const npArgs = [path.join(here, 'numpy_ops.py'), c.op, ...c.args, '--budget', budget];
    if (python && c.numpy !== false) {
      // NumPy times tensorblas's own matrices (as the C++ reference does): eig's QR iterations and
      // gelsd's SVD depend on the data, not only on its distribution.
      const dir = path.join(here, '.build', 'inputs', c.op);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const saved = runChild(process.execPath, [path.join(here, 'ops.js'), '--save-inputs', dir, c.op, ...c.args]);
      if (saved.saved?.length) npArgs.push('--inputs', dir);
      else if (saved.error) process.stdout.write(`\n    numpy draws its own inputs (saving them failed: ${saved.error})`);
    }
    for (let round = 0; round < o.repeat; round++) {
      rounds.tensorblas.push(runChild(process.execPath, tbArgs));
      if (ref) rounds.reference.push(runChild(ref.path, [c.refOp ?? c.op, ...c.args, '--budget', budget, '--alloc', c.refAlloc ?? o.refAlloc]));
      if (python && c.numpy !== false) rounds.numpy.push(runChild(python, npArgs));
    }
    for (const [k, results] of Object.entries(rounds)) if (results.length) row[k] = medianRound(results);
    for (const k of ['tensorblas', 'reference', 'numpy']) {
      if (row[k]?.error) process.stdout.write(`\n    ${k} failed: ${row[k].error}`);
      else if (row[k]?.na) process.stdout.write(`\n    ${k}: n/a (${row[k].na})`);
    }
    process.stdout.write(' done\n');
    rows.push(row);
  }
  console.log('');
  console.log(table(rows));
  console.log('');
  console.log('tb/ref, tb/numpy: tensorblas time divided by the other (> 1 means tensorblas is slower).');
  console.log(`total ${((Date.now() - t0) / 1e3).toFixed(1)} s`);
  if (o.json) {
    fs.writeFileSync(o.json, JSON.stringify({ config: { tensorblas: tb }, budget: o.budget, rows }, null, 2) + '\n');
    console.log(`raw results written to ${o.json}`);
  }
}

main();
