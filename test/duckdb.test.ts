// tensorblas with DuckDB, a real embedded database (@duckdb/node-api, a devDependency): Parquet
// files go both ways bit for bit, and examples/duckdb-pca.mjs prints what NumPy computes
// (test/fixtures/parquet/gen_duckdb_pca.py).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arange, randn, tensor, Tensor, type DType } from '../lib/index.js';
import { readParquet, readParquetAsync, writeParquet, writeParquetAsync, type ParquetCompression } from '../lib/parquet.js';

const root = join(__dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'tensorblas-duckdb-'));
let db: DuckDBInstance;
let con: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:', { threads: '1' });
  con = await db.connect();
});
afterAll(() => {
  con?.closeSync();
  db?.closeSync();
  rmSync(tmp, { recursive: true, force: true });
});
let count = 0;
const tmpPath = (): string => join(tmp, `t${count++}.parquet`);
const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** DuckDB's SELECT * of a Parquet file: column names, types and values (one array per column). */
async function duckdbRead(path: string): Promise<{ names: string[]; types: string[]; columns: unknown[][] }> {
  const r = await con.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(path)})`);
  return { names: r.columnNames(), types: r.columnTypes().map(String), columns: r.getColumns() };
}

/** Bits of a number as DuckDB or a tensor holds it: float64 or float32 bits, NaN as one pattern. */
function bits(v: number, dtype: DType): string {
  if (Number.isNaN(v)) return 'NaN';
  if (dtype === 'float32') return new Uint32Array(new Float32Array([v]).buffer)[0].toString(16);
  return new BigUint64Array(new Float64Array([v]).buffer)[0].toString(16);
}

/** Every value of a 2-D tensor, column by column. */
const columnsOf = (t: Tensor): number[][] => Array.from({ length: t.shape[1] }, (_, j) => Array.from({ length: t.shape[0] }, (_, i) => t.get(i, j)));

describe('Parquet between tensorblas and DuckDB', () => {
  const specials = [0, -0, 1, -1.5, Math.PI, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, Infinity, -Infinity, NaN, 0.1, 1 / 3];
  const cases: [string, () => Tensor, string][] = [
    ['float64 with every special value', () => tensor(specials.map((v, i) => [v, -v, i * 0.1])), 'DOUBLE'],
    ['float64 random, several row groups', () => randn([5000, 3], { seed: 7 }), 'DOUBLE'],
    ['float32', () => randn([300, 2], { seed: 3, dtype: 'float32' }), 'FLOAT'],
    ['int32 including its extremes', () => tensor([[-(2 ** 31), 2 ** 31 - 1], [0, -1], [7, 42]], { dtype: 'int32' }), 'INTEGER'],
  ];
  for (const [what, make, sqlType] of cases) {
    it(`${what}: tensor -> writeParquet -> DuckDB SELECT * (bit for bit) -> DuckDB COPY -> readParquet (bit for bit)`, async () => {
      const t = make();
      const p = tmpPath();
      const names = Array.from({ length: t.shape[1] }, (_, j) => `col ${j}`); // a space: quoted in SQL
      writeParquet(p, t, { columns: names, rowGroupSize: 2048 });

      const seen = await duckdbRead(p);
      expect(seen.names).toEqual(names);
      expect(seen.types).toEqual(names.map(() => sqlType));
      const want = columnsOf(t);
      seen.columns.forEach((col, j) => {
        expect(col.map((v) => bits(v as number, t.dtype))).toEqual(want[j].map((v) => bits(v, t.dtype)));
      });
      const meta = await con.runAndReadAll(`SELECT DISTINCT row_group_id FROM parquet_metadata(${sqlString(p)})`);
      expect(meta.getRows().length).toBe(Math.max(1, Math.ceil(t.shape[0] / 2048)));

      for (const codec of ['snappy', 'zstd', 'gzip'] as const) {
        const back = tmpPath();
        await con.run(`COPY (SELECT * FROM read_parquet(${sqlString(p)})) TO ${sqlString(back)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048)`);
        for (const r of [readParquet(back), await readParquetAsync(back)]) {
          expect(r.dtype).toBe(t.dtype);
          expect(r.shape).toEqual(t.shape);
          expect(columnsOf(r).map((c) => c.map((v) => bits(v, t.dtype)))).toEqual(want.map((c) => c.map((v) => bits(v, t.dtype))));
        }
      }
    });
  }

  it('every codec writeParquet writes is one DuckDB reads', async () => {
    const t = arange(600).reshape(200, 3).astype('float64').div(7);
    const codecs: ParquetCompression[] = ['snappy', 'gzip', 'brotli', 'uncompressed'];
    if (typeof (await import('node:zlib') as { zstdCompressSync?: unknown }).zstdCompressSync === 'function') codecs.push('zstd');
    for (const compression of codecs) {
      const p = tmpPath();
      await writeParquetAsync(p, t, { compression, columns: ['a', 'b', 'c'] });
      const codec = await con.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata(${sqlString(p)})`);
      expect(codec.getRows()).toEqual([[compression.toUpperCase()]]);
      const sums = await con.runAndReadAll(`SELECT sum(a), sum(b), sum(c), count(*) FROM read_parquet(${sqlString(p)})`);
      const [a, b, c, n] = sums.getRows()[0];
      expect(n).toBe(200n);
      expect([a, b, c]).toEqual((t.sum(0) as Tensor).toArray());
    }
  });

  it('files DuckDB writes now (this DuckDB version), every codec, several row groups, nulls: readParquet equals DuckDB', async () => {
    const select = `SELECT (i * 0.37)::DOUBLE AS x, (i % 5)::DOUBLE AS k, CASE WHEN i % 11 = 3 THEN NULL ELSE i::DOUBLE / 3 END AS m,
      (i - 5000)::INTEGER AS n FROM range(10000) t(i)`;
    for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd']) {
      for (const version of ['v1', 'v2']) {
        const p = tmpPath();
        await con.run(`COPY (${select}) TO ${sqlString(p)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 4096, PARQUET_VERSION ${version})`);
        const want = await duckdbRead(p);
        const t = readParquet(p);
        expect(t.shape).toEqual([10000, 4]);
        expect(t.dtype).toBe('float64'); // INTEGER with DOUBLE
        columnsOf(t).forEach((col, j) => {
          expect(col.map((v) => bits(v, 'float64')), `${codec} ${version} ${want.names[j]}`).toEqual(
            want.columns[j].map((v) => bits(v === null ? NaN : (v as number), 'float64')),
          );
        });
      }
    }
  });
});

describe('examples/duckdb-pca.mjs', () => {
  it("prints NumPy's PCA of the flowers DuckDB selected, and DuckDB's summary of the scores", () => {
    const want = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'parquet', 'duckdb_pca.json'), 'utf8')) as {
      rows: number; explainedVarianceRatio: number[]; explainedVariance: number[];
      species: Record<string, { n: number; meanPc1: number; meanPc2: number }>; varPc: number[]; topPc1: number; topPetalLength: number;
    };
    // The example imports 'tensorblas', which resolves to the compiled dist/ (as in test/examples.test.ts).
    const r = spawnSync(process.execPath, [join(root, 'examples', 'duckdb-pca.mjs')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toContain(`DuckDB selected ${want.rows} flowers (versicolor and virginica) x 4 measurements`);
    const near = (text: string, value: number, tol = 2e-6): void => {
      expect(Math.abs(Number(text) - value), `${text} vs ${value}`).toBeLessThan(tol);
    };
    const ratio = /explained variance ratio: \[([-\d.e]+)\s+([-\d.e]+)\]/.exec(out);
    expect(ratio, out).not.toBeNull();
    near(ratio![1], want.explainedVarianceRatio[0], 1e-8);
    near(ratio![2], want.explainedVarianceRatio[1], 1e-8);
    for (const [name, s] of Object.entries(want.species)) {
      const m = new RegExp(`${name}: n=(\\d+) mean pc1=([-\\d.]+) mean pc2=([-\\d.]+)`).exec(out);
      expect(m, out).not.toBeNull();
      expect(Number(m![1])).toBe(s.n);
      near(m![2], s.meanPc1);
      near(m![3], s.meanPc2);
    }
    const v = /var_samp of the scores: pc1=([-\d.]+) pc2=([-\d.]+)/.exec(out);
    expect(v, out).not.toBeNull();
    near(v![1], want.varPc[0]);
    near(v![2], want.varPc[1]);
    near(v![1], want.explainedVariance[0]);
    const top = /largest pc1 ([-\d.]+): the flower with petal length ([\d.]+)/.exec(out);
    expect(top, out).not.toBeNull();
    near(top![1], want.topPc1);
    expect(Number(top![2])).toBe(want.topPetalLength);
  });
});
