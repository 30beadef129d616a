#!/usr/bin/env node
// Reading a Parquet file into memory: tensorblas's readParquet (hyparquet underneath) against
// DuckDB reading the same file.
//   node bench/parquet.mjs                      1e6 rows x 16 float64 columns, snappy, 5 rounds
//   node bench/parquet.mjs --rows 20000 --repeat 2   a quick check that it works
//   options: --rows N, --cols K, --codec snappy|zstd|gzip|uncompressed, --repeat R (rounds; each
//            cell is the median of R rounds), --reads N (timed reads per process, median taken;
//            default 3, after one warm-up read), --filter TEXT, --keep (keep the files), --json FILE
// The file is written once by DuckDB (COPY ... TO (FORMAT parquet), its default row groups of
// 122880 rows, every column nullable as DuckDB writes them), plus the same data written by
// tensorblas's writeParquet (REQUIRED columns). Each measurement runs in a fresh process, one at a
// time, the implementations alternating within a round. Needs the devDependencies @duckdb/node-api,
// hyparquet, hyparquet-compressors and hyparquet-writer, and a built dist/ (npm run prepare).
// The full size reads 128 MB several dozen times: do not run it beside a CI job on a small machine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const CASES = [
  { name: 'tensorblas readParquet, DuckDB file', impl: 'readParquet', file: 'duckdb' },
  { name: 'tensorblas readParquetAsync, DuckDB file', impl: 'readParquetAsync', file: 'duckdb' },
  { name: 'tensorblas readParquet, writeParquet file', impl: 'readParquet', file: 'tensorblas' },
  { name: 'hyparquet parquetRead alone (columns, no tensor)', impl: 'hyparquet', file: 'duckdb' },
  { name: 'DuckDB CREATE TABLE AS, 1 thread', impl: 'duckdb-table', threads: 1, file: 'duckdb' },
  { name: 'DuckDB CREATE TABLE AS, 2 threads', impl: 'duckdb-table', threads: 2, file: 'duckdb' },
  { name: 'DuckDB SELECT * -> Float64Array (vectors), 1 thread', impl: 'duckdb-vectors', threads: 1, file: 'duckdb' },
];
const REFERENCE = 'DuckDB CREATE TABLE AS, 1 thread';

function options(argv) {
  const o = { rows: 1_000_000, cols: 16, codec: 'snappy', repeat: 5, reads: 3, filter: '', keep: false, json: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--rows') o.rows = Number(next());
    else if (a === '--cols') o.cols = Number(next());
    else if (a === '--codec') o.codec = next();
    else if (a === '--repeat') o.repeat = Number(next());
    else if (a === '--reads') o.reads = Number(next());
    else if (a === '--filter') o.filter = next() ?? '';
    else if (a === '--keep') o.keep = true;
    else if (a === '--json') o.json = next() ?? '';
    else throw new Error(`unknown option ${a}`);
  }
  if (!(Number.isInteger(o.rows) && o.rows > 0 && Number.isInteger(o.cols) && o.cols > 0)) throw new Error('--rows and --cols take positive integers');
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- child: one implementation, one file, `reads` timed reads after a warm-up ----
async function child([impl, file, threads, reads]) {
  let read;
  if (impl === 'readParquet' || impl === 'readParquetAsync') {
    const pq = await import('../dist/parquet.js');
    read = impl === 'readParquet' ? async () => pq.readParquet(file).shape[0] : async () => (await pq.readParquetAsync(file)).shape[0];
  } else if (impl === 'hyparquet') {
    const { parquetRead } = await import('hyparquet');
    const { compressors } = await import('hyparquet-compressors');
    read = async () => {
      const b = fs.readFileSync(file);
      let n = 0;
      await parquetRead({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.length), compressors, onChunk: (c) => { n += c.columnData.length; } });
      return n;
    };
  } else {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    const con = await db.connect();
    const q = `'${file.replaceAll("'", "''")}'`;
    if (impl === 'duckdb-table') {
      read = async () => {
        await con.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet(${q})`);
        return Number((await con.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
      };
    } else {
      read = async () => {
        const result = await con.run(`SELECT * FROM read_parquet(${q})`);
        const chunks = await result.fetchAllChunks();
        const rows = chunks.reduce((n, c) => n + c.rowCount, 0);
        const k = result.columnCount;
        const out = new Float64Array(rows * k);
        let r = 0;
        for (const c of chunks) {
          for (let j = 0; j < k; j++) {
            const v = c.getColumnVector(j);
            for (let i = 0, m = c.rowCount; i < m; i++) out[(r + i) * k + j] = v.getItem(i) ?? NaN;
          }
          r += c.rowCount;
        }
        return rows;
      };
    }
  }
  await read(); // warm-up: JIT, page cache, DuckDB's first scan
  const times = [];
  let rows = 0;
  for (let i = 0; i < Number(reads); i++) {
    const t0 = performance.now();
    rows = await read();
    times.push(performance.now() - t0);
  }
  process.stdout.write(JSON.stringify({ ms: median(times), rows, rssMb: process.memoryUsage().rss / 2 ** 20 }));
}

// ---- parent ----
async function main() {
  const o = options(process.argv.slice(2));
  const dist = path.join(here, '..', 'dist', 'parquet.js');
  if (!fs.existsSync(dist)) throw new Error('bench/parquet.mjs needs dist/parquet.js: run npm run prepare (tsc) first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tensorblas-bench-parquet-'));
  const files = { duckdb: path.join(dir, 'duckdb.parquet'), tensorblas: path.join(dir, 'tensorblas.parquet') };
  try {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:', { threads: '2' });
    const con = await db.connect();
    await con.run('SELECT setseed(0.25)');
    const cols = Array.from({ length: o.cols }, (_, j) => `random()::DOUBLE AS c${j}`).join(', ');
    await con.run(`COPY (SELECT ${cols} FROM range(${o.rows})) TO '${files.duckdb}' (FORMAT parquet, COMPRESSION ${o.codec})`);
    con.closeSync();
    db.closeSync();
    const pq = await import('../dist/parquet.js');
    const x = pq.readParquet(files.duckdb);
    pq.writeParquet(files.tensorblas, x, { compression: o.codec });
    const size = (f) => `${(fs.statSync(f).size / 2 ** 20).toFixed(1)} MiB`;
    console.log(`${o.rows} rows x ${o.cols} float64 columns, ${o.codec}: DuckDB's file ${size(files.duckdb)}, writeParquet's ${size(files.tensorblas)}`);
    console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}); ${o.repeat} rounds x ${o.reads} timed reads, each process after one warm-up read\n`);

    const cases = CASES.filter((c) => !o.filter || c.name.includes(o.filter));
    const samples = new Map(cases.map((c) => [c.name, []]));
    for (let round = 0; round < o.repeat; round++) {
      for (const c of cases) {
        const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', c.impl, files[c.file], String(c.threads ?? 1), String(o.reads)], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${c.name} failed:\n${r.stderr}`);
        const m = JSON.parse(r.stdout);
        if (m.rows !== o.rows && c.impl !== 'hyparquet') throw new Error(`${c.name} read ${m.rows} rows`);
        samples.get(c.name).push(m);
      }
    }
    const ref = samples.get(REFERENCE) ? median(samples.get(REFERENCE).map((m) => m.ms)) : undefined;
    const rowsOut = [];
    const w = Math.max(...cases.map((c) => c.name.length));
    console.log(`${'case'.padEnd(w)}  median ms   rows/s      vs DuckDB 1 thread   max RSS`);
    for (const c of cases) {
      const ms = median(samples.get(c.name).map((m) => m.ms));
      const rss = Math.max(...samples.get(c.name).map((m) => m.rssMb));
      const rate = o.rows / (ms / 1000);
      const ratio = ref ? `${(ms / ref).toFixed(2)}x the time` : '';
      console.log(`${c.name.padEnd(w)}  ${ms.toFixed(1).padStart(9)}   ${(rate / 1e6).toFixed(2).padStart(6)} M/s   ${ratio.padEnd(18)}   ${rss.toFixed(0)} MB`);
      rowsOut.push({ case: c.name, medianMs: ms, rowsPerSecond: rate, samplesMs: samples.get(c.name).map((m) => m.ms), maxRssMb: rss });
    }
    if (o.json) fs.writeFileSync(o.json, `${JSON.stringify({ rows: o.rows, cols: o.cols, codec: o.codec, node: process.version, results: rowsOut }, null, 1)}\n`);
  } finally {
    if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`\nfiles kept in ${dir}`);
  }
}

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await main();
