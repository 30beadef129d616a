#!/usr/bin/env node
// Apache Arrow interop: what fromArrow and toArrow cost against the memory copies they replace.
//   node bench/interop.mjs                 full sizes (needs apache-arrow installed and tensorblas built)
//   node bench/interop.mjs --quick         tiny sizes, to check that the script runs
//   options: --repeat N (rounds per case, alternating the implementations; each cell is the
//            median of the N rounds; default 5), --json FILE
// Every measurement runs in a fresh child process (this script with --child), one at a time;
// within a child, each timed sample is the median of several calls after warm-up.
//
// Cases:
//   fromArrow(vector)   a one-chunk Float64 column of 1e7 (and, for scale, 1e3) values: a view, so
//                       constant time; the child checks that the tensor's data is the column's buffer.
//   table -> matrix     a 1e6 x 16 float64 table (one batch): fromArrow(table), a (rows, 16) matrix
//                       with contiguous columns, against the copy it replaces: TypedArray.set of each
//                       column's bytes into a preallocated Float64Array (and into a fresh one, which
//                       also pays for first-touch page faults, as fromArrow's fresh result does).
//                       fromArrow(table).contiguous() (C order) is shown for reference.
//   toArrow(vector)     1e7 float64 values to an Arrow vector over the same memory: constant time.
// TENSORBLAS_MODULE overrides the module fromArrow/toArrow come from (default 'tensorblas');
// BENCH_RUNNER the command that runs a child (default this node), e.g. for a TypeScript loader.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Calls fn repeatedly: a few warm-up calls, then `samples` timed ones; the median in milliseconds. */
function time(fn, samples) {
  for (let i = 0; i < 2; i++) fn();
  const ts = [];
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ts);
}

// ---------------------------------------------------------------------------------------------
// Child: one measurement
// ---------------------------------------------------------------------------------------------

async function child(kind, impl, n, cols, samples) {
  const A = await import('apache-arrow');
  const tb = await import(process.env.TENSORBLAS_MODULE || 'tensorblas');
  const out = { kind, impl, n, cols };
  if (kind === 'vector') {
    const values = new Float64Array(n).map((_, i) => i * 0.5);
    const v = A.makeVector(values);
    const t = tb.fromArrow(v);
    const col = v.data[0].values;
    if (t.data.buffer !== col.buffer || t.data.byteOffset !== col.byteOffset || t.size !== n) throw new Error('fromArrow(vector) is not a view of the column');
    out.ms = time(() => tb.fromArrow(v), samples);
    out.view = true;
  } else if (kind === 'toArrow') {
    const t = tb.arange(n);
    const v = tb.toArrow(t);
    if (v.data[0].values.buffer !== t.data.buffer) throw new Error('toArrow(vector) is not over the tensor memory');
    out.ms = time(() => tb.toArrow(t), samples);
    out.view = true;
  } else if (kind === 'table') {
    const columns = {};
    for (let j = 0; j < cols; j++) columns[`c${j}`] = new Float64Array(n).map((_, i) => i + j / 100);
    const table = A.tableFromArrays(columns);
    const arrays = table.schema.fields.map((_, j) => table.getChildAt(j).data[0].values);
    const check = (m) => {
      if (m.shape[0] !== n || m.shape[1] !== cols || m.get(n - 1, cols - 1) !== n - 1 + (cols - 1) / 100) throw new Error('wrong matrix');
    };
    if (impl === 'fromArrow') {
      check(tb.fromArrow(table));
      out.ms = time(() => tb.fromArrow(table), samples);
    } else if (impl === 'fromArrow+contiguous') {
      check(tb.fromArrow(table).contiguous());
      out.ms = time(() => tb.fromArrow(table).contiguous(), samples);
    } else if (impl === 'set, preallocated') {
      const dst = new Float64Array(n * cols);
      out.ms = time(() => {
        for (let j = 0; j < cols; j++) dst.set(arrays[j], j * n);
      }, samples);
    } else if (impl === 'set, fresh') {
      out.ms = time(() => {
        const dst = new Float64Array(n * cols);
        for (let j = 0; j < cols; j++) dst.set(arrays[j], j * n);
        return dst;
      }, samples);
    } else throw new Error(`unknown impl ${impl}`);
  } else throw new Error(`unknown kind ${kind}`);
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------------------------

function runChild(args) {
  const runner = process.env.BENCH_RUNNER ? process.env.BENCH_RUNNER.split(' ') : [process.execPath];
  const r = spawnSync(runner[0], [...runner.slice(1), self, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) throw new Error(`child ${args.join(' ')} failed (status ${r.status}):\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(line.slice(7));
}

async function main() {
  if (argv[0] === '--child') {
    const [, kind, impl, n, cols, samples] = argv;
    await child(kind, impl, Number(n), Number(cols), Number(samples));
    return;
  }
  const quick = argv.includes('--quick');
  const repeat = Number(opt('--repeat', quick ? 1 : 5));
  const big = quick ? 1000 : 1e7;
  const rows = quick ? 1000 : 1e6;
  const cols = 16;
  const samples = quick ? 3 : 9;
  const cases = [
    { name: `fromArrow(Float64 vector of ${big})`, impls: [['vector', 'fromArrow', big, 1]] },
    { name: 'fromArrow(Float64 vector of 1000)', impls: [['vector', 'fromArrow', 1000, 1]] },
    { name: `toArrow(float64 tensor of ${big})`, impls: [['toArrow', 'toArrow', big, 1]] },
    {
      name: `table ${rows} x ${cols} float64 -> matrix`,
      impls: [['table', 'fromArrow', rows, cols], ['table', 'set, preallocated', rows, cols], ['table', 'set, fresh', rows, cols],
        ['table', 'fromArrow+contiguous', rows, cols]],
    },
  ];
  const results = [];
  for (const c of cases) {
    const rounds = c.impls.map(() => []);
    for (let r = 0; r < repeat; r++) {
      c.impls.forEach((args, k) => rounds[k].push(runChild([...args.map(String), String(samples)]).ms));
    }
    const meds = rounds.map(median);
    console.log(`\n${c.name}`);
    c.impls.forEach((args, k) => {
      const ratio = k === 0 ? '' : `   fromArrow / this = ${(meds[0] / meds[k]).toFixed(2)}`;
      console.log(`  ${args[1].padEnd(22)} ${meds[k].toFixed(4).padStart(10)} ms${ratio}`);
      results.push({ case: c.name, impl: args[1], ms: meds[k], rounds: rounds[k] });
    });
  }
  const json = opt('--json');
  if (json) fs.writeFileSync(json, JSON.stringify(results, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
