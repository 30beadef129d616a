// readParquet / readParquetAsync / writeParquet / writeParquetAsync (lib/parquet.ts).
// Fixtures: test/fixtures/gen_parquet.mjs wrote test/fixtures/parquet/*.parquet with DuckDB and,
// in types.json, what DuckDB reads back from them; gen_promotion.py wrote NumPy's promotion table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { arange, tensor, Tensor } from '../lib/index.js';
import {
  forgetPackages, promoteCodes, readParquet, readParquetAsync, requireOptional, writeParquet, writeParquetAsync,
  type NpCode, type ReadParquetOptions,
} from '../lib/parquet.js';

const DIR = join(__dirname, 'fixtures', 'parquet');
const fixture = (name: string): string => join(DIR, `${name}.parquet`);
interface TableJson {
  rows: number;
  names: string[];
  types: string[];
  columns?: (number | string | boolean | null)[][];
  files: Record<string, { rowGroups: number[]; encodings: Record<string, string[]> }>;
}
const types = JSON.parse(readFileSync(join(DIR, 'types.json'), 'utf8')) as TableJson;
const groups = JSON.parse(readFileSync(join(DIR, 'groups.json'), 'utf8')) as TableJson;
const TYPES_FILES = Object.keys(types.files);
const GROUPS_FILES = Object.keys(groups.files);
/** The columns of types.json that are numbers (not VARCHAR, DATE). */
const NUMERIC = ['d', 'f', 'i32', 'i64', 'i16', 'i8', 'u32', 'flag', 'cat', 'nullable'];

const tmp = mkdtempSync(join(tmpdir(), 'tensorblas-parquet-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let tmpCount = 0;
const tmpPath = (): string => join(tmp, `f${tmpCount++}.parquet`);
const tmpFile = (bytes: Uint8Array): string => {
  const p = tmpPath();
  writeFileSync(p, bytes);
  return p;
};

/** DuckDB's value (types.json encoding) as the number readParquet must give for it. */
function expected(v: number | string | boolean | null, column: string): number {
  if (v === null) return NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  if (typeof v === 'string') {
    if (column !== 'i64') throw new Error(`unexpected ${v} in ${column}`);
    return Number(BigInt(v)); // round to nearest, as numpy's astype(float64)
  }
  return v;
}

/** Column `j` of a 2-D tensor. */
const column = (t: Tensor, j: number): number[] => (t.toArray() as number[][]).map((r) => r[j]);

/** Same numbers, -0 and NaN included (Object.is). */
function expectSame(got: number[], want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    if (!Object.is(g, want[i])) expect.fail(`${what}[${i}]: ${g} != ${want[i]}`);
  });
}

/** The 4100-row table's values, from gen_parquet.mjs's SQL. */
const groupsColumns = (): number[][] => {
  const n = 4100;
  const x = Array.from({ length: n }, (_, i) => Math.fround(i / 8));
  const k = Array.from({ length: n }, (_, i) => (i % 16) / 4);
  const m = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? NaN : i % 100));
  return [x, k, m];
};

describe('readParquet: files DuckDB writes', () => {
  it('the fixtures are what gen_parquet.mjs says: codecs, encodings, row groups', () => {
    const enc = (f: string, c: string): string => types.files[f].encodings[c].join(' | ');
    expect(enc('types_snappy', 'd')).toBe('DOUBLE PLAIN SNAPPY');
    expect(enc('types_gzip', 'cat')).toBe('DOUBLE PLAIN_DICTIONARY GZIP');
    expect(enc('types_zstd', 'f')).toBe('FLOAT PLAIN ZSTD');
    expect(enc('types_uncompressed', 'i32')).toBe('INT32 PLAIN UNCOMPRESSED');
    expect(enc('types_v2_zstd', 'd')).toBe('DOUBLE BYTE_STREAM_SPLIT ZSTD');
    expect(enc('types_v2_zstd', 'i64')).toBe('INT64 DELTA_BINARY_PACKED ZSTD');
    expect(enc('types_v2_zstd', 'cat')).toBe('DOUBLE RLE_DICTIONARY ZSTD');
    expect(groups.files.groups_snappy.rowGroups).toEqual([2048, 2048, 4]);
    expect(groups.files.groups_snappy.encodings.k).toEqual(['DOUBLE PLAIN_DICTIONARY SNAPPY', 'DOUBLE PLAIN SNAPPY']);
    expect(groups.files.groups_v2_gzip.encodings.x).toEqual(['FLOAT BYTE_STREAM_SPLIT GZIP']);
  });

  for (const name of TYPES_FILES) {
    it(`${name}: every numeric column equals what DuckDB reads, bit for bit, nulls as NaN`, () => {
      const t = readParquet(fixture(name), { columns: NUMERIC });
      expect(t.dtype).toBe('float64');
      expect(t.shape).toEqual([40, NUMERIC.length]);
      expect(t.isContiguous).toBe(true);
      NUMERIC.forEach((c, j) => {
        const want = types.columns![types.names.indexOf(c)].map((v) => expected(v, c));
        expectSame(column(t, j), want, `${name}.${c}`);
      });
    });
  }

  it('INT64 values beyond 2^53 round to the nearest double, as numpy astype(float64)', () => {
    const t = readParquet(fixture('types_snappy'), { columns: ['i64'] });
    expect(t.dtype).toBe('float64');
    expect(column(t, 0).slice(0, 3)).toEqual([-9007199254740992, 9007199254740992, 9223372036854775808]);
  });

  for (const name of GROUPS_FILES) {
    it(`${name}: three row groups (2048, 2048, 4) in order; nulls as NaN`, async () => {
      const t = readParquet(fixture(name));
      expect(t.shape).toEqual([4100, 3]);
      expect(t.dtype).toBe('float64'); // FLOAT with DOUBLE
      const want = groupsColumns();
      ['x', 'k', 'm'].forEach((c, j) => expectSame(column(t, j), want[j], `${name}.${c}`));
      expectSame(Array.from((await readParquetAsync(fixture(name))).data), Array.from(t.data), 'async');
    });
  }

  it('rowGroups picks row groups in the order given', () => {
    const t = readParquet(fixture('groups_snappy'), { rowGroups: [2, 0], columns: ['k', 'x'] });
    expect(t.shape).toEqual([4 + 2048, 2]);
    const [x, k] = groupsColumns();
    expectSame(column(t, 0), [...k.slice(4096), ...k.slice(0, 2048)], 'k');
    expectSame(column(t, 1), [...x.slice(4096), ...x.slice(0, 2048)], 'x');
    expect(readParquet(fixture('groups_v2_gzip'), { rowGroups: [] }).shape).toEqual([0, 3]);
    expect(readParquet(fixture('groups_v2_gzip'), { rowGroups: [1, 1] }).shape).toEqual([4096, 3]);
  });

  it('columns picks columns by name or index (negative from the end), in the order given', () => {
    const byName = readParquet(fixture('types_zstd'), { columns: ['cat', 'd'] });
    const byIndex = readParquet(fixture('types_zstd'), { columns: [8, 0] });
    expectSame(Array.from(byIndex.data), Array.from(byName.data), 'by index');
    const last = readParquet(fixture('groups_snappy'), { columns: [-1] });
    expectSame(column(last, 0), groupsColumns()[2], 'm');
    expect(readParquet(fixture('types_zstd'), { columns: [] }).shape).toEqual([40, 0]);
    expect(readParquet(fixture('types_zstd'), { columns: ['d', 'd'] }).shape).toEqual([40, 2]);
  });

  it('a file with no rows gives shape [0, columns]', () => {
    const t = readParquet(fixture('empty'));
    expect(t.shape).toEqual([0, 2]);
    expect(t.dtype).toBe('float64');
    expect(readParquet(fixture('empty'), { columns: ['f'] }).dtype).toBe('float32');
  });

  it('readParquetAsync gives the same tensors', async () => {
    for (const name of TYPES_FILES) {
      const a = readParquet(fixture(name), { columns: NUMERIC });
      const b = await readParquetAsync(fixture(name), { columns: NUMERIC });
      expect(b.shape).toEqual(a.shape);
      expectSame(Array.from(b.data), Array.from(a.data), name);
    }
  });

  it('paths: a file: URL and a Buffer work; a number, an empty string are TypeErrors before any file is opened', async () => {
    const p = fixture('types_snappy');
    expect(readParquet(pathToFileURL(p), { columns: ['d'] }).shape).toEqual([40, 1]);
    expect(readParquet(Buffer.from(p), { columns: ['d'] }).shape).toEqual([40, 1]);
    expect(() => readParquet(0 as never)).toThrow(TypeError);
    expect(() => readParquet('')).toThrow(TypeError);
    await expect(readParquetAsync(0 as never)).rejects.toThrow(TypeError);
    expect(() => readParquet(join(tmp, 'no-such.parquet'))).toThrow(/ENOENT/);
    expect(() => readParquet(tmp)).toThrow(/EISDIR/);
  });
});

describe('readParquet: dtype (NumPy promotion of the columns)', () => {
  it("promoteCodes is numpy.result_type for every pair of the columns' dtypes", () => {
    const table = (JSON.parse(readFileSync(join(DIR, 'promotion.json'), 'utf8')) as { result_type: Record<string, string> }).result_type;
    expect(Object.keys(table)).toHaveLength(144);
    for (const [pair, want] of Object.entries(table)) {
      const [a, b] = pair.split(',') as NpCode[];
      expect(promoteCodes(a, b), pair).toBe(want);
    }
  });

  const cases: [string[], string][] = [
    [['d'], 'float64'],
    [['f'], 'float32'],
    [['f', 'i16', 'i8', 'flag'], 'float32'], // np.result_type(float32, int16) is float32
    [['f', 'i32'], 'float64'],
    [['f', 'd'], 'float64'],
    [['i32', 'i16', 'i8', 'flag'], 'int32'],
    [['flag'], 'int32'],
    [['u32'], 'float64'], // uint32 is read as float64, as load() reads u4
    [['i16', 'u32'], 'float64'], // int64 in NumPy
    [['i64'], 'float64'],
    [['cat'], 'float64'],
  ];
  for (const [columns, dtype] of cases) {
    it(`${columns.join(', ')} -> ${dtype}`, () => {
      const t = readParquet(fixture('types_snappy'), { columns });
      expect(t.dtype).toBe(dtype);
      columns.forEach((c, j) => {
        const want = types.columns![types.names.indexOf(c)].map((v) => expected(v, c));
        const cast = dtype === 'float32' ? want.map(Math.fround) : want;
        expectSame(column(t, j), cast, c);
      });
    });
  }

  it("dtype overrides: 'float64' always, 'float32' rounds, 'int32' only for columns it holds exactly", () => {
    const f64 = readParquet(fixture('types_snappy'), { columns: ['f', 'i16'], dtype: 'float64' });
    expect(f64.dtype).toBe('float64');
    const f32 = readParquet(fixture('types_snappy'), { columns: ['d'], dtype: 'float32' });
    expect(f32.dtype).toBe('float32');
    expectSame(column(f32, 0), types.columns![0].map((v) => Math.fround(expected(v, 'd'))), 'd as float32');
    const i32 = readParquet(fixture('types_snappy'), { columns: ['i16', 'flag'], dtype: 'int32' });
    expect(i32.dtype).toBe('int32');
    expect(() => readParquet(fixture('types_snappy'), { columns: ['i32', 'f'], dtype: 'int32' })).toThrow(/column 'f' is FLOAT, which int32 does not hold exactly/);
    expect(() => readParquet(fixture('types_snappy'), { columns: ['u32'], dtype: 'int32' })).toThrow(TypeError);
    expect(() => readParquet(fixture('types_snappy'), { dtype: 'int64' as never })).toThrow(TypeError);
  });

  it('nulls: NaN in a float result; an Error naming the column and row in an int32 result unless missing is given', () => {
    const p = fixture('types_gzip');
    const want = types.columns![types.names.indexOf('nullable_int')];
    expect(() => readParquet(p, { columns: ['nullable_int'] })).toThrow(/column 'nullable_int' has a null at row 2, which an int32 result cannot hold.*dtype: 'float64'/);
    const filled = readParquet(p, { columns: ['nullable_int'], missing: -1 });
    expect(filled.dtype).toBe('int32');
    expect(column(filled, 0)).toEqual(want.map((v) => (v === null ? -1 : v)));
    const asFloat = readParquet(p, { columns: ['nullable_int'], dtype: 'float64' });
    expectSame(column(asFloat, 0), want.map((v) => (v === null ? NaN : (v as number))), 'as float64');
    const zero = readParquet(p, { columns: ['nullable'], missing: 0 });
    expect(column(zero, 0).filter((v) => v === 0).length).toBe(1 + want.filter((_, i) => i % 3 === 1).length);
    expect(() => readParquet(p, { columns: ['nullable_int'], missing: 0.5 })).toThrow(/missing must be an integer/);
    expect(() => readParquet(p, { columns: ['nullable_int'], missing: NaN })).toThrow(TypeError);
  });
});

describe('readParquet: columns it cannot read, options it refuses', () => {
  it('a text column is a TypeError naming it and its type and listing the numeric columns', () => {
    expect(() => readParquet(fixture('types_snappy'))).toThrow(TypeError);
    expect(() => readParquet(fixture('types_snappy'))).toThrow(/column 'name' is BYTE_ARRAY \(STRING\), not numeric.*\{ columns: \[\.\.\.\] \}.*'d', 'f', 'i32'/);
    expect(() => readParquet(fixture('types_v2_zstd'), { columns: ['d', 'name'] })).toThrow(/column 'name'/);
    expect(() => readParquet(fixture('types_snappy'), { columns: ['day'] })).toThrow(/column 'day' is INT32 \(DATE\), not numeric/);
  });

  it('a column that is not there is a RangeError naming it and listing the columns', () => {
    expect(() => readParquet(fixture('types_snappy'), { columns: ['d', 'nope'] })).toThrow(RangeError);
    expect(() => readParquet(fixture('types_snappy'), { columns: ['nope'] })).toThrow(/no column "nope"; the file's columns are 'd', 'f', 'i32', 'i64', .*'name', 'day'/);
    expect(() => readParquet(fixture('types_snappy'), { columns: [13] })).toThrow(/column index 13 is out of range for 13 columns/);
    expect(() => readParquet(fixture('types_snappy'), { columns: [-14] })).toThrow(RangeError);
  });

  it('a row group that is not there is a RangeError', () => {
    expect(() => readParquet(fixture('groups_snappy'), { rowGroups: [3] })).toThrow(/rowGroups\[0\] = 3 is out of range: the file has 3 row groups/);
    expect(() => readParquet(fixture('groups_snappy'), { rowGroups: [-1] })).toThrow(RangeError);
  });

  it('malformed options are TypeErrors', async () => {
    const p = fixture('types_snappy');
    const bad: unknown[] = [
      null, 3, { columns: 'd' }, { columns: [1.5] }, { columns: [{}] }, { rowGroups: 0 }, { rowGroups: [0.5] },
      { dtype: 'float16' }, { missing: 'NaN' },
    ];
    for (const o of bad) {
      expect(() => readParquet(p, o as ReadParquetOptions), JSON.stringify(o)).toThrow(TypeError);
      await expect(readParquetAsync(p, o as ReadParquetOptions), JSON.stringify(o)).rejects.toThrow(TypeError);
    }
  });
});

describe('readParquet: damaged files are Errors, never a crash, a hang or a partial tensor', () => {
  const good = readFileSync(fixture('types_snappy'));
  const cols = { columns: NUMERIC };

  it('not Parquet: too short, wrong magic at either end', () => {
    expect(() => readParquet(tmpFile(new Uint8Array(0)))).toThrow(/not a Parquet file: 0 bytes is too short/);
    expect(() => readParquet(tmpFile(Buffer.from('PAR1PAR1')))).toThrow(/too short/);
    const head = Uint8Array.from(good);
    head.set(Buffer.from('PAR2'), 0);
    expect(() => readParquet(tmpFile(head), cols)).toThrow(/does not start with the magic bytes PAR1/);
    const tail = Uint8Array.from(good);
    tail.set(Buffer.from('PARX'), tail.length - 4);
    expect(() => readParquet(tmpFile(tail), cols)).toThrow(/does not end with the magic bytes PAR1/);
    expect(() => readParquet(tmpFile(Buffer.from('a,b\n1,2\n3,4\n5,6\n')))).toThrow(/not a Parquet file/);
  });

  it('truncated at any length: an Error', async () => {
    for (let n = 0; n < good.length; n += n < 64 ? 1 : 97) {
      const p = tmpFile(good.subarray(0, n));
      expect(() => readParquet(p, cols), `${n} bytes`).toThrow(Error);
      await expect(readParquetAsync(p, cols), `${n} bytes`).rejects.toThrow(Error);
    }
  });

  it('a footer claiming a huge metadata length', () => {
    const b = Uint8Array.from(good);
    new DataView(b.buffer).setUint32(b.length - 8, 0xfffffff0, true);
    expect(() => readParquet(tmpFile(b), cols)).toThrow(/corrupt Parquet footer: it claims 4294967280 bytes of metadata but the file has \d+ bytes/);
    new DataView(b.buffer).setUint32(b.length - 8, b.length - 8, true);
    expect(() => readParquet(tmpFile(b), cols)).toThrow(/corrupt Parquet footer/);
  });

  /** The file with its footer metadata rewritten by `edit` (thrift compact, field ids as in parquet.thrift). */
  function withFooter(bytes: Uint8Array, edit: (meta: Record<string, any>) => void): string {
    const require = createRequire(import.meta.url);
    const { deserializeTCompactProtocol } = require('hyparquet/src/thrift.js');
    const { serializeTCompactProtocol } = require('hyparquet-writer/src/thrift.js');
    const { ByteWriter } = require('hyparquet-writer');
    const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
    const metaStart = bytes.length - 8 - len;
    const meta = deserializeTCompactProtocol({ view: new DataView(bytes.buffer, bytes.byteOffset + metaStart, len), offset: 0 });
    edit(meta);
    const w = new ByteWriter();
    serializeTCompactProtocol(w, meta);
    const m = w.getBytes() as Uint8Array;
    const out = new Uint8Array(metaStart + m.length + 8);
    out.set(bytes.subarray(0, metaStart));
    out.set(m, metaStart);
    new DataView(out.buffer).setUint32(metaStart + m.length, m.length, true);
    out.set(Buffer.from('PAR1'), out.length - 4);
    return tmpFile(out);
  }

  it('a footer claiming 2^31 rows: an Error before anything is allocated', async () => {
    const src = tmpPath();
    writeParquet(src, arange(80).reshape(40, 2), { columns: ['a', 'b'] });
    const bytes = readFileSync(src);
    // the rewriting itself keeps the file readable
    expect(readParquet(withFooter(bytes, () => undefined)).toArray()).toEqual(arange(80).reshape(40, 2).toArray());
    const big = 2n ** 31n;
    // only the file's row count
    const p1 = withFooter(bytes, (m) => { m.field_3 = big; });
    expect(() => readParquet(p1)).toThrow(/corrupt Parquet footer: it says the file has 2147483648 rows but its row groups hold 40/);
    await expect(readParquetAsync(p1)).rejects.toThrow(/2147483648 rows/);
    // the file's, the row group's and each column chunk's: the page headers give it away
    const p2 = withFooter(bytes, (m) => {
      m.field_3 = big;
      m.field_4[0].field_3 = big;
      for (const c of m.field_4[0].field_1) c.field_3.field_5 = big;
    });
    expect(() => readParquet(p2)).toThrow(/column 'a' in row group 0: its pages hold 40 values but the row group has 2147483648 rows/);
    // a row count past what a tensor can hold
    const p3 = withFooter(bytes, (m) => {
      m.field_3 = 2n ** 40n;
      m.field_4[0].field_3 = 2n ** 40n;
    });
    expect(() => readParquet(p3)).toThrow(/1099511627776 rows x 2 columns is too large for a tensor/);
    // a column chunk pointing past the data
    const p4 = withFooter(bytes, (m) => { m.field_4[0].field_1[1].field_3.field_7 = 10n ** 9n; });
    expect(() => readParquet(p4)).toThrow(/column 'b' in row group 0 claims bytes \d+ to \d+ of \d+ data bytes/);
    // a page header that lies about its values
    const p5 = withFooter(bytes, (m) => {
      m.field_3 = 39n;
      m.field_4[0].field_3 = 39n;
      for (const c of m.field_4[0].field_1) c.field_3.field_5 = 39n;
    });
    expect(() => readParquet(p5)).toThrow(/data page 0 claims 40 values but the row group has 39 rows left/);
  });

  // Seeded, so the same 300 damaged files every run. (One kind of damage still aborts the process
  // inside hyparquet: see 'a known hyparquet bug' below; these seeds do not hit it.)
  it('random damage to the bytes: a tensor of the right shape or an Error, every time', async () => {
    let seed = 20240601;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const files: [string, ReadParquetOptions | undefined][] = [
      ['types_uncompressed', cols], ['types_snappy', cols], ['types_v2_zstd', cols], ['groups_v2_gzip', undefined], ['groups_snappy', undefined],
    ];
    const outcomes = { tensor: 0, error: 0 };
    for (const [name, opts] of files) {
      const bytes = readFileSync(fixture(name));
      const rows = name.startsWith('groups') ? 4100 : 40;
      for (let trial = 0; trial < 60; trial++) {
        const b = Uint8Array.from(bytes);
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips; f++) b[4 + Math.floor(rand() * (b.length - 12))] = Math.floor(rand() * 256);
        const p = tmpFile(b);
        for (const read of [(): Tensor => readParquet(p, opts), (): Promise<Tensor> => readParquetAsync(p, opts)]) {
          try {
            const t = await read();
            expect(t.shape[0]).toBe(rows);
            outcomes.tensor++;
          } catch (e) {
            expect(e, `${name} trial ${trial}`).toBeInstanceOf(Error);
            // errors a caller can act on: ours name the file; a TypeError/RangeError only for a schema the damage made
            if (!(e instanceof TypeError || e instanceof RangeError)) expect((e as Error).message).toMatch(/^readParquet(Async)?\('/);
            outcomes.error++;
          }
        }
      }
    }
    expect(outcomes.error).toBeGreaterThan(50);
  });
});

describe('a damaged RLE run length is an Error, not a process abort (a hyparquet 1.33 bug readParquet guards against)', () => {
  // hyparquet 1.33's readRle writes `count` values into a plain array whatever its length, so a
  // damaged run length grows the array until V8 aborts the process (heap limit or array size): not
  // an exception. readParquet walks every data page's RLE/bit-packed hybrid runs before hyparquet
  // decodes them. Each file here is a fixture with one byte changed (gen_parquet.mjs). Run in a
  // child process (vite-node runs lib/ itself) with a small heap, so a regression is a failed
  // test, not a dead test worker.
  const VITE_NODE = join(__dirname, '..', 'node_modules', 'vite-node', 'vite-node.mjs');
  const cases: [string, string, RegExp][] = [
    // a zstd page whose damaged byte garbles what it decompresses to: a definition-level length
    // past the page, and runs that hyparquet reads regardless of that length
    ['damaged_rle_v2', 'd', /corrupt Parquet data: column 'd' in row group 0: data page 0's definition levels claim \d+ bytes but the page has \d+ after their length/],
    // a snappy page whose dictionary indices have an RLE run of 100663341 values
    ['damaged_rle_v1', 'm', /corrupt Parquet data: column 'm' in row group 1: data page 1's values: an RLE run of 100663341 values at byte \d+ but \d+ of its \d+ values are left/],
  ];
  for (const [name, col, message] of cases) {
    it(`${name}.parquet: readParquet and readParquetAsync throw an Error naming the column and the page`, () => {
      const script = join(tmp, `${name}.mjs`);
      writeFileSync(script, `
        import { readParquet, readParquetAsync } from ${JSON.stringify(join(__dirname, '..', 'lib', 'parquet.ts'))};
        const path = ${JSON.stringify(fixture(name))};
        const show = (e) => console.log('error: ' + e.constructor.name + ': ' + e.message);
        try { readParquet(path, { columns: ['${col}'] }); console.log('read'); } catch (e) { show(e); }
        await readParquetAsync(path, { columns: ['${col}'] }).then(() => console.log('read'), show);`);
      const r = spawnSync(process.execPath, ['--max-old-space-size=128', VITE_NODE, script], {
        cwd: join(__dirname, '..'), encoding: 'utf8', timeout: 60_000,
      });
      expect(r.status, r.stderr.slice(0, 300)).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      const label = (fn: string): string => `error: Error: ${fn}('${fixture(name)}'): `;
      expect(lines[0].startsWith(label('readParquet')), lines[0]).toBe(true);
      expect(lines[0]).toMatch(message);
      expect(lines[1].startsWith(label('readParquetAsync')), lines[1]).toBe(true);
      expect(lines[1]).toMatch(message);
    });
  }

  it('an RLE run longer than the values left in its page is an Error (definition levels and dictionary indices)', async () => {
    // A small uncompressed file from hyparquet-writer (Parquet v2 data pages): 'x' is nullable
    // with no nulls, so its definition levels are one RLE run of 100 ones (header 0xc8 0x01, value
    // 1); 'k' is dictionary encoded, its indices two RLE runs of 50 (bit width 1, header 0x64).
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const { parquetMetadata } = await import('hyparquet');
    const { parquetHeader } = await import('hyparquet/src/column.js');
    const n = 100;
    const good = new Uint8Array(parquetWriteBuffer({
      codec: 'UNCOMPRESSED',
      columnData: [
        { name: 'x', type: 'DOUBLE', nullable: true, data: Array.from({ length: n }, (_, i) => i / 2) },
        { name: 'k', type: 'INT32', nullable: false, data: Array.from({ length: n }, (_, i) => (i < 50 ? 7 : 9)) },
      ],
    }));
    expect(readParquet(tmpFile(good)).toArray()).toEqual(Array.from({ length: n }, (_, i) => [i / 2, i < 50 ? 7 : 9]));
    /** Where the data of column `c`'s (last) data page starts. */
    const pageData = (c: number): number => {
      const md = parquetMetadata(good.buffer.slice(good.byteOffset, good.byteOffset + good.length)).row_groups[0].columns[c].meta_data!;
      let pos = Number(md.dictionary_page_offset || md.data_page_offset);
      for (;;) {
        const r = { view: new DataView(good.buffer, good.byteOffset + pos), offset: 0 };
        const h = parquetHeader(r);
        if (h.type !== 'DICTIONARY_PAGE') return pos + r.offset;
        pos += r.offset + h.compressed_page_size;
      }
    };
    // x: the definition levels' run of 100 becomes one of 8191 (the same two bytes: 0xfe 0x7f)
    const x = pageData(0);
    expect(Array.from(good.subarray(x, x + 3))).toEqual([0xc8, 0x01, 0x01]);
    const bad = Uint8Array.from(good);
    bad.set([0xfe, 0x7f], x);
    let p = tmpFile(bad);
    const levels = /corrupt Parquet data: column 'x' in row group 0: data page 0's definition levels: an RLE run of 8191 values at byte 0 but 100 of its 100 values are left$/;
    expect(() => readParquet(p)).toThrow(levels);
    await expect(readParquetAsync(p)).rejects.toThrow(levels);
    expect(readParquet(p, { columns: ['k'] }).shape).toEqual([n, 1]); // the other column is fine
    // k: the first index run of 50 becomes one of 51, so the second (50) overflows by one
    const k = pageData(1);
    expect(Array.from(good.subarray(k, k + 5))).toEqual([0x01, 0x64, 0x00, 0x64, 0x01]);
    const bad2 = Uint8Array.from(good);
    bad2[k + 1] = 0x66;
    p = tmpFile(bad2);
    const indices = /corrupt Parquet data: column 'k' in row group 0: data page 1's values: an RLE run of 50 values at byte 3 but 49 of its 100 values are left$/;
    expect(() => readParquet(p)).toThrow(indices);
    expect(() => readParquet(p)).toThrow(/^readParquet\('/);
    await expect(readParquetAsync(p)).rejects.toThrow(indices);
  });
});

describe('readParquetAsync keeps the event loop turning', () => {
  it('the event loop turns between column chunks while a multi-row-group file is decoded', async () => {
    const p = tmpPath();
    const rows = 200_000;
    writeParquet(p, arange(rows * 4).reshape(rows, 4).astype('float64'), { rowGroupSize: 25_000 }); // 8 row groups x 4 columns
    // A chain of setImmediate callbacks advances once per turn of the loop, however fast the machine.
    let turns = 0;
    let running = true;
    const spin = (): void => {
      turns++;
      if (running) setImmediate(spin);
    };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      setImmediate(spin);
      readParquet(p);
      expect(turns).toBe(0); // the synchronous read holds the loop, by definition
      const t = await readParquetAsync(p);
      expect(t.shape).toEqual([rows, 4]);
      expect(t.get(rows - 1, 3)).toBe(rows * 4 - 1);
      // at least one turn after each of the 32 column chunks (plus the file reads' own)
      expect(turns, `${turns} turns, ${ticks} timer callbacks`).toBeGreaterThanOrEqual(32);
    } finally {
      running = false;
      clearInterval(timer);
    }
  });
});

describe('writeParquet', () => {
  const specials = [0, -0, 1, -1.5, Math.PI, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, Infinity, -Infinity, NaN, 0.1, 1 / 3];

  it('float64 round trip: every bit of every value (NaN, -0, subnormals, infinities)', () => {
    const t = tensor(specials.map((v, i) => [v, -v, i]));
    for (const compression of ['snappy', 'gzip', 'brotli', 'uncompressed'] as const) {
      const p = tmpPath();
      writeParquet(p, t, { compression });
      const r = readParquet(p);
      expect(r.dtype).toBe('float64');
      expect(r.shape).toEqual(t.shape);
      expect(new BigUint64Array(r.data.buffer, r.data.byteOffset, r.size)).toEqual(new BigUint64Array(t.data.buffer, t.data.byteOffset, t.size));
    }
  });

  it('float32 and int32 keep their dtype; strided views are written by value', async () => {
    const f = tensor([[1.5, -2], [3.25, NaN]], { dtype: 'float32' });
    const p = tmpPath();
    writeParquet(p, f);
    const rf = readParquet(p);
    expect(rf.dtype).toBe('float32');
    expect(new Uint32Array(rf.data.buffer, rf.data.byteOffset, 4)).toEqual(new Uint32Array(f.data.buffer, f.data.byteOffset, 4));
    const i = tensor([[-(2 ** 31), 2 ** 31 - 1], [0, 7]], { dtype: 'int32' });
    writeParquet(p, i);
    expect(readParquet(p).dtype).toBe('int32');
    expect(readParquet(p).toArray()).toEqual(i.toArray());
    const view = arange(24).reshape(4, 6).T.slice([1, 6, 2]); // (3, 4), not contiguous
    await writeParquetAsync(p, view, { columns: ['w', 'x', 'y', 'z'] });
    expect(readParquet(p).toArray()).toEqual(view.toArray());
    expect(readParquet(p, { columns: ['z', 'w'] }).toArray()).toEqual((view.toArray() as number[][]).map((r) => [r[3], r[0]]));
  });

  it('column names default to c0, c1, ...; row groups as asked; empty tensors', () => {
    const p = tmpPath();
    const t = arange(30).reshape(10, 3).astype('float64');
    writeParquet(p, t, { rowGroupSize: 4 });
    expect(readParquet(p, { columns: ['c2'] }).toArray()).toEqual((t.toArray() as number[][]).map((r) => [r[2]]));
    expect(readParquet(p, { rowGroups: [2] }).toArray()).toEqual((t.toArray() as number[][]).slice(8));
    expect(() => readParquet(p, { rowGroups: [3] })).toThrow(/the file has 3 row groups/);
    writeParquet(p, new Tensor(new Float64Array(0), [0, 2]));
    expect(readParquet(p).shape).toEqual([0, 2]);
    writeParquet(p, new Tensor(new Float64Array(0), [5, 0]));
    expect(readParquet(p).shape).toEqual([0, 0]); // no columns: Parquet keeps no rows
  });

  it("compression 'zstd' needs node:zlib's zstd (Node.js >= 22.15)", () => {
    const p = tmpPath();
    if (typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function') {
      writeParquet(p, tensor([[1, 2]]), { compression: 'zstd' });
      expect(readParquet(p).toArray()).toEqual([[1, 2]]);
    } else {
      expect(() => writeParquet(p, tensor([[1, 2]]), { compression: 'zstd' })).toThrow(/compression 'zstd' needs Node.js >= 22.15/);
      expect(existsSync(p)).toBe(false);
    }
  });

  it('bad arguments are TypeErrors or RangeErrors before the file is created', async () => {
    const p = tmpPath();
    const t = tensor([[1, 2], [3, 4]]);
    const cases: [unknown, unknown, RegExp | ErrorConstructor][] = [
      [[[1, 2]], undefined, /Expected a Tensor for t/],
      [tensor([1, 2]), undefined, /expected a 2-D tensor \(rows x columns\) but received shape \[2\]/],
      [t, 'snappy', TypeError],
      [t, { columns: ['a'] }, /1 column names for a tensor of 2 columns/],
      [t, { columns: ['a', 'a'] }, /the column name "a" is given twice/],
      [t, { columns: ['a', ''] }, TypeError],
      [t, { columns: 'ab' }, TypeError],
      [t, { compression: 'lzo' }, /Expected one of 'snappy', 'gzip', 'brotli', 'zstd', 'uncompressed' for compression/],
      [t, { rowGroupSize: 0 }, TypeError],
      [t, { rowGroupSize: 2.5 }, TypeError],
    ];
    for (const [x, o, err] of cases) {
      expect(() => writeParquet(p, x as Tensor, o as never)).toThrow(err as RegExp);
      await expect(writeParquetAsync(p, x as Tensor, o as never)).rejects.toThrow(err as RegExp);
      expect(existsSync(p)).toBe(false);
    }
    expect(() => writeParquet(1 as never, t)).toThrow(TypeError);
    await expect(writeParquetAsync(1 as never, t)).rejects.toThrow(TypeError);
    expect(() => writeParquet(join(tmp, 'no-dir', 'x.parquet'), t)).toThrow(/ENOENT/);
  });

  it('writeParquetAsync writes the same bytes as writeParquet', async () => {
    const t = arange(3000).reshape(1000, 3).astype('float32');
    const a = tmpPath();
    const b = tmpPath();
    writeParquet(a, t, { rowGroupSize: 300, compression: 'gzip' });
    await writeParquetAsync(b, t, { rowGroupSize: 300, compression: 'gzip' });
    expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
  });
});

describe('the optional packages', () => {
  it('a missing package is an Error that says what to install', () => {
    expect(() => requireOptional('hyparquet-no-such-package', 'readParquet', 'hyparquet-no-such-package')).toThrow(
      "readParquet needs the npm package 'hyparquet-no-such-package', which is not installed: npm install hyparquet-no-such-package",
    );
  });

  it('readParquet and writeParquet name them when they are missing', async () => {
    // require() as it behaves when the packages are not installed
    const M = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = M._load;
    M._load = function (request: string, ...rest: unknown[]) {
      if (/^hyparquet/.test(request)) throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
      return load.call(this, request, ...rest);
    };
    forgetPackages();
    try {
      const fresh = { readParquet, readParquetAsync, writeParquet };
      expect(() => fresh.readParquet(fixture('types_snappy'), { columns: ['d'] })).toThrow(
        "readParquet needs the npm package 'hyparquet', which is not installed: npm install hyparquet hyparquet-compressors",
      );
      await expect(fresh.readParquetAsync(fixture('types_snappy'))).rejects.toThrow(/readParquetAsync needs the npm package 'hyparquet'/);
      const p = tmpPath();
      expect(() => fresh.writeParquet(p, tensor([[1]]))).toThrow("writeParquet needs the npm package 'hyparquet-writer', which is not installed: npm install hyparquet-writer");
      expect(existsSync(p)).toBe(false);
    } finally {
      M._load = load;
    }
    expect(readParquet(fixture('types_snappy'), { columns: ['d'] }).shape).toEqual([40, 1]);
  });
});
