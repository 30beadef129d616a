// Parquet: numeric columns of a Parquet file as a 2-D tensor (rows x columns), and a 2-D tensor as
// a Parquet file, through the hyparquet family of packages (pure JavaScript, maintained by
// Hyperparam): hyparquet decodes, hyparquet-compressors adds the codecs beyond snappy (zstd, lz4;
// gzip and brotli go through node:zlib), hyparquet-writer encodes. They are optional peer
// dependencies, loaded (with require, which loads ES modules on Node >= 20.19) the first time a
// function here needs them; when one is missing the error names the package to install.
//
// Reading, sync and async, is one generator that asks its driver for byte ranges of the file and
// yields between column chunks: readParquet drives it with readSync, readParquetAsync with a
// FileHandle and a setImmediate turn of the event loop after every column chunk, so timers and I/O
// run while a large file is decoded on the main thread. Only the footer and the selected column
// chunks are read from disk. Before anything is decoded the footer is checked for consistency
// (row counts, chunk offsets, every page header of every selected chunk), each chunk's RLE/bit-packed
// hybrid runs are walked before hyparquet decodes it (hyparquet 1.33 writes an overlong RLE run
// into a growing array until V8 aborts the process), and before the result is returned every
// column is checked to have decoded to exactly its row count: a damaged file is an Error naming
// the problem, never a partial tensor or a crash.
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as zlib from 'node:zlib';
import type { FileMetaData, SchemaElement, SchemaTree, ColumnMetaData, CompressionCodec, DecodedArray, PageHeader } from 'hyparquet';
import { ARRAY_TYPES, checkDType, type DType, type TypedArray } from './dtype.js';
import { describe } from './errors.js';
import { checkPath, describePath, type FilePath } from './io.js';
import { MAX_SIZE } from './shape.js';
import { Tensor } from './tensor.js';

// ---------------------------------------------------------------------------------------------
// The optional packages
// ---------------------------------------------------------------------------------------------

const requireHere = createRequire(import.meta.url);

/** The parts of hyparquet (and its subpath modules, which its package.json exports) used here. */
interface Reader {
  parquetMetadata: typeof import('hyparquet').parquetMetadata;
  parquetSchema: typeof import('hyparquet').parquetSchema;
  readColumn: typeof import('hyparquet/src/column.js').readColumn;
  parquetHeader: typeof import('hyparquet/src/column.js').parquetHeader;
  DEFAULT_PARSERS: typeof import('hyparquet/src/convert.js').DEFAULT_PARSERS;
  decompressZstd: typeof import('hyparquet-compressors').decompressZstd;
  decompressLz4: typeof import('hyparquet-compressors').decompressLz4;
  decompressLz4Raw: typeof import('hyparquet-compressors').decompressLz4Raw;
  snappyUncompress: typeof import('hyparquet').snappyUncompress;
}
interface Writer {
  ParquetWriter: typeof import('hyparquet-writer').ParquetWriter;
  ByteWriter: typeof import('hyparquet-writer').ByteWriter;
}

/**
 * @internal Loads an optional package with require (so the synchronous functions can load it too).
 * A missing package is an Error that names it and the npm command that installs `install`.
 */
export function requireOptional<T>(name: string, fn: string, install: string): T {
  try {
    return requireHere(name) as T;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const root = name.replace(/^((?:@[^/]+\/)?[^/]+).*$/, '$1');
    if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String((e as Error).message).includes(root)) {
      throw new Error(`${fn} needs the npm package '${root}', which is not installed: npm install ${install}`, { cause: e });
    }
    throw e;
  }
}

let reader: Reader | undefined;
let writer: Writer | undefined;

/** @internal Forgets the loaded packages, so that a test can see what a missing one does. */
export function forgetPackages(): void {
  reader = undefined;
  writer = undefined;
}

function loadReader(fn: string): Reader {
  if (reader) return reader;
  const install = 'hyparquet hyparquet-compressors';
  const main = requireOptional<typeof import('hyparquet')>('hyparquet', fn, install);
  const column = requireOptional<typeof import('hyparquet/src/column.js')>('hyparquet/src/column.js', fn, install);
  const convert = requireOptional<typeof import('hyparquet/src/convert.js')>('hyparquet/src/convert.js', fn, install);
  const comp = requireOptional<typeof import('hyparquet-compressors')>('hyparquet-compressors', fn, install);
  const r = {
    parquetMetadata: main.parquetMetadata, parquetSchema: main.parquetSchema,
    readColumn: column.readColumn, parquetHeader: column.parquetHeader, DEFAULT_PARSERS: convert.DEFAULT_PARSERS,
    decompressZstd: comp.decompressZstd, decompressLz4: comp.decompressLz4, decompressLz4Raw: comp.decompressLz4Raw,
    snappyUncompress: main.snappyUncompress,
  };
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined) throw new Error(`${fn}: the installed hyparquet or hyparquet-compressors has no '${k}'; tensorblas needs hyparquet ^1.33 and hyparquet-compressors ^1.1`);
  }
  return (reader = r);
}

function loadWriter(fn: string): Writer {
  if (writer) return writer;
  const w = requireOptional<typeof import('hyparquet-writer')>('hyparquet-writer', fn, 'hyparquet-writer');
  if (typeof w.ParquetWriter !== 'function' || typeof w.ByteWriter !== 'function') {
    throw new Error(`${fn}: the installed hyparquet-writer has no ParquetWriter/ByteWriter; tensorblas needs hyparquet-writer ^0.17`);
  }
  return (writer = { ParquetWriter: w.ParquetWriter, ByteWriter: w.ByteWriter });
}

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/** Options of {@link readParquet} and {@link readParquetAsync}. */
export interface ReadParquetOptions {
  /**
   * The columns to read, in this order: names, or 0-based indices among the file's top-level
   * columns (negative ones count from the end). Every column when omitted; a column that is not
   * numeric (text, dates, nested data) must then be left out by listing the others.
   */
  columns?: readonly (string | number)[];
  /** The row groups to read, by 0-based index, in this order (all of them when omitted). */
  rowGroups?: readonly number[];
  /**
   * The result's dtype instead of the promoted one (see {@link readParquet}): 'float64' always,
   * 'float32' (rounding as `astype`), or 'int32' when every column is an integer or boolean
   * column that int32 holds exactly.
   */
  dtype?: DType;
  /**
   * The number stored for a null. Default: NaN for a float result; an int32 result has no
   * default, so a null is an Error unless this is given (an integer in int32's range).
   */
  missing?: number;
}

/** A compression codec {@link writeParquet} can write. */
export type ParquetCompression = 'snappy' | 'gzip' | 'brotli' | 'zstd' | 'uncompressed';

/** Options of {@link writeParquet} and {@link writeParquetAsync}. */
export interface WriteParquetOptions {
  /** Column names, one per column of the tensor, distinct and non-empty (default `c0`, `c1`, ...). */
  columns?: readonly string[];
  /**
   * The codec of every column chunk (default 'snappy', as DuckDB, Spark and pyarrow write). 'zstd'
   * needs Node.js >= 22.15 (node:zlib's zstd).
   */
  compression?: ParquetCompression;
  /** Rows per row group (default 122880, DuckDB's). */
  rowGroupSize?: number;
}

// ---------------------------------------------------------------------------------------------
// Column types and the result dtype
// ---------------------------------------------------------------------------------------------

/** @internal A numeric column's NumPy dtype code (what pyarrow's to_numpy gives it): b1, i1..i8, u1..u8, f2, f4, f8. */
export type NpCode = 'b1' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'f2' | 'f4' | 'f8';

/** How each NumPy dtype is read, as load() reads a .npy file of it (docs/io.md). */
const READ_AS: Record<NpCode, DType> = {
  f8: 'float64', f4: 'float32', f2: 'float32', i4: 'int32', i2: 'int32', i1: 'int32', u2: 'int32', u1: 'int32', b1: 'int32',
  u4: 'float64', i8: 'float64', u8: 'float64',
};

/** Bytes per value of a fixed-size physical type (for the dictionary page check). */
const PHYSICAL_BYTES: Record<string, number> = { INT32: 4, INT64: 8, FLOAT: 4, DOUBLE: 8, INT96: 12 };

/** The element's type as a reader would name it: `INT32`, `INT64 (TIMESTAMP)`, `BYTE_ARRAY (STRING)`. */
function typeName(e: SchemaElement): string {
  const lt = e.logical_type;
  let note: string | undefined;
  if (lt) {
    if (lt.type === 'INTEGER') note = `${lt.isSigned ? 'INT' : 'UINT'}(${lt.bitWidth})`;
    else if (lt.type === 'DECIMAL') note = `DECIMAL(${lt.precision},${lt.scale})`;
    else if (lt.type === 'TIMESTAMP' || lt.type === 'TIME') note = `${lt.type}(${lt.unit})`;
    else note = lt.type;
  } else if (e.converted_type) note = e.converted_type === 'UTF8' ? 'STRING' : e.converted_type;
  const physical = e.type ?? 'group';
  return note ? `${physical} (${note})` : physical;
}

/** The NumPy code of a numeric leaf column, or undefined when it is not numeric. */
function npCode(e: SchemaElement): NpCode | undefined {
  const lt = e.logical_type;
  const ct = e.converted_type;
  switch (e.type) {
    case 'BOOLEAN': return 'b1';
    case 'FLOAT': return 'f4';
    case 'DOUBLE': return 'f8';
    case 'FIXED_LEN_BYTE_ARRAY': return lt?.type === 'FLOAT16' && e.type_length === 2 ? 'f2' : undefined;
    case 'INT32':
    case 'INT64': {
      const wide = e.type === 'INT64';
      if (lt) {
        if (lt.type !== 'INTEGER') return undefined;
        const bits = lt.bitWidth;
        if (wide ? bits !== 64 : !(bits === 8 || bits === 16 || bits === 32)) return undefined;
        return `${lt.isSigned ? 'i' : 'u'}${bits / 8}` as NpCode;
      }
      if (ct === undefined) return wide ? 'i8' : 'i4';
      const m = /^(U?)INT_(8|16|32|64)$/.exec(ct);
      if (!m || (Number(m[2]) === 64) !== wide) return undefined;
      return `${m[1] ? 'u' : 'i'}${Number(m[2]) / 8}` as NpCode;
    }
    default: return undefined;
  }
}

/**
 * @internal NumPy 2's result_type of two of these dtypes (np.column_stack's dtype); checked against
 * NumPy for every pair by test/parquet.test.ts (test/fixtures/parquet/promotion.json).
 */
export function promoteCodes(a: NpCode, b: NpCode): NpCode {
  if (a === b || b === 'b1') return a;
  if (a === 'b1') return b;
  const ka = a[0];
  const kb = b[0];
  const sa = Number(a.slice(1));
  const sb = Number(b.slice(1));
  if (ka === kb) return (sa >= sb ? a : b);
  if (ka === 'f' || kb === 'f') {
    const [fs, is] = ka === 'f' ? [sa, sb] : [sb, sa];
    const need = is === 1 ? 2 : is === 2 ? 4 : 8; // the smallest float that holds every value of the integer
    return `f${Math.max(fs, need)}` as NpCode;
  }
  const [si, su] = ka === 'i' ? [sa, sb] : [sb, sa];
  if (si > su) return `i${si}` as NpCode;
  return su < 8 ? (`i${su * 2}` as NpCode) : 'f8'; // NumPy: uint64 with any signed integer is float64
}

/** Integer and boolean codes int32 holds exactly (the columns `dtype: 'int32'` accepts). */
const FITS_INT32 = new Set<NpCode>(['b1', 'i1', 'i2', 'i4', 'u1', 'u2']);

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** A request from the reading generator to its driver: bytes of the file, or a turn of the event loop. */
type IoRequest = { kind: 'read'; start: number; end: number } | { kind: 'yield' };
type ReadSteps<R> = Generator<IoRequest, R, Uint8Array | undefined>;

/** The smallest Parquet file: PAR1, a 4-byte metadata length and PAR1. */
const MIN_FILE = 12;
/** The footer is read with this much before it, so small files take one read. */
const FOOTER_GUESS = 64 * 1024;
const MAGIC = 0x31524150; // 'PAR1' little endian

interface Selected {
  name: string;
  /** Index among the top-level columns. */
  index: number;
  tree: SchemaTree;
  code: NpCode;
}

const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 2 ** 24;
const quote = (s: string): string => `'${s}'`;

function checkReadOptions(opts: unknown): ReadParquetOptions {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object') {
    throw new TypeError(`Expected an options object { columns?, rowGroups?, dtype?, missing? } but received ${describe(opts)}`);
  }
  const o = opts as ReadParquetOptions;
  if (o.columns !== undefined) {
    if (!Array.isArray(o.columns)) throw new TypeError(`Expected an array of column names or indices for columns but received ${describe(o.columns)}`);
    o.columns.forEach((c, j) => {
      if (!(typeof c === 'string' || Number.isSafeInteger(c))) throw new TypeError(`Expected a column name or an integer index for columns[${j}] but received ${describe(c)}`);
    });
  }
  if (o.rowGroups !== undefined) {
    if (!Array.isArray(o.rowGroups)) throw new TypeError(`Expected an array of row group indices for rowGroups but received ${describe(o.rowGroups)}`);
    o.rowGroups.forEach((g, j) => {
      if (!Number.isSafeInteger(g)) throw new TypeError(`Expected an integer for rowGroups[${j}] but received ${describe(g)}`);
    });
  }
  if (o.dtype !== undefined) checkDType(o.dtype);
  if (o.missing !== undefined && typeof o.missing !== 'number') throw new TypeError(`Expected a number (e.g. NaN) for missing but received ${describe(o.missing)}`);
  return o;
}

/** Bytes read at a time while page headers are scanned (a header is usually under 100 bytes). */
const SCAN_WINDOW = 16 * 1024;

/**
 * Scans the page headers of the column chunk at bytes [start, end) without reading the pages:
 * hyparquet allocates what the headers say, so a damaged header must not reach it. The data pages
 * must hold exactly the row group's rows (a flat column has one value, or null, per row), each
 * page must lie inside the chunk, and no page may claim more bytes than its rows can need.
 */
function* scanPages(lib: Reader, start: number, end: number, groupRows: number, itemBytes: number | undefined, fail: (m: string) => never): ReadSteps<void> {
  // A data page stores at most a few bytes of levels and 8 of value per row; this leaves room for
  // any real writer and keeps a damaged size from allocating gigabytes.
  const maxPage = 24 * groupRows + (1 << 20);
  let values = 0;
  let pages = 0;
  let pos = start;
  let window: Uint8Array = new Uint8Array(0);
  let windowStart = start;
  let want = SCAN_WINDOW;
  while (values < groupRows) {
    if (pos >= end) fail(`its pages hold ${values} values but the row group has ${groupRows} rows`);
    const windowEnd = windowStart + window.length;
    let h: PageHeader | undefined;
    let headerLength = 0;
    if (pos >= windowStart && pos < windowEnd) {
      const r = { view: new DataView(window.buffer, window.byteOffset + (pos - windowStart), windowEnd - pos), offset: 0 };
      try {
        h = lib.parquetHeader(r);
        headerLength = r.offset;
      } catch (e) {
        // the header may run past the window: read more, unless the window reached the chunk's end
        if (windowEnd >= end) fail(`page header ${pages} cannot be read (${(e as Error).message})`);
      }
    }
    if (h === undefined) {
      want = pos === windowStart && window.length > 0 ? want * 4 : SCAN_WINDOW; // a header longer than the window
      windowStart = pos;
      window = (yield { kind: 'read', start: pos, end: Math.min(end, pos + want) }) as Uint8Array;
      continue;
    }
    want = SCAN_WINDOW;
    const size = h.compressed_page_size;
    const usize = h.uncompressed_page_size;
    const dataAt = pos + headerLength;
    if (!Number.isSafeInteger(size) || size < 0 || dataAt + size > end) fail(`page ${pages} claims ${size} bytes but the column chunk has ${end - dataAt} left`);
    if (!Number.isSafeInteger(usize) || usize < 0 || usize > maxPage) fail(`page ${pages} claims ${usize} bytes uncompressed, more than ${groupRows} rows can need`);
    const n = h.data_page_header?.num_values ?? h.data_page_header_v2?.num_values ?? h.dictionary_page_header?.num_values;
    if (h.type === 'DATA_PAGE' || h.type === 'DATA_PAGE_V2') {
      if (n === undefined) fail(`data page ${pages} has no data page header`);
      if (!Number.isSafeInteger(n) || n! < 0 || values + n! > groupRows) fail(`data page ${pages} claims ${n} values but the row group has ${groupRows - values} rows left`);
      values += n!;
    } else if (h.type === 'DICTIONARY_PAGE') {
      if (n === undefined || !Number.isSafeInteger(n) || n < 0 || (itemBytes !== undefined && n * itemBytes > usize)) {
        fail(`dictionary page ${pages} claims ${n} entries in ${usize} bytes`);
      }
    } else if (h.type !== 'INDEX_PAGE') fail(`page ${pages} has an unknown page type`);
    pos = dataAt + size;
    pages++;
  }
}

/** One column chunk to decode, checked. */
interface Chunk {
  /** Output column. */
  j: number;
  s: Selected;
  md: ColumnMetaData;
  start: number;
  end: number;
  groupRows: number;
  /** Output row of the row group's first row. */
  row: number;
  /** 'column 'x' in row group 2', for messages. */
  where: string;
}

function* readSteps(path: FilePath, opts: ReadParquetOptions | undefined, fn: string, size: number): ReadSteps<Tensor> {
  const label = `${fn}(${describePath(path)})`;
  const fail = (m: string, cause?: unknown): never => {
    throw new Error(`${label}: ${m}`, cause === undefined ? undefined : { cause });
  };
  const o = checkReadOptions(opts);
  const lib = loadReader(fn);

  // The footer: ... metadata, its 4-byte length, 'PAR1'.
  if (size < MIN_FILE) fail(`not a Parquet file: ${size} bytes is too short (a Parquet file has at least ${MIN_FILE})`);
  const head = (yield { kind: 'read', start: 0, end: 4 }) as Uint8Array;
  if (u32(head, 0) !== MAGIC) fail('not a Parquet file: it does not start with the magic bytes PAR1');
  const tailStart = Math.max(4, size - FOOTER_GUESS);
  let tail = (yield { kind: 'read', start: tailStart, end: size }) as Uint8Array;
  if (u32(tail, tail.length - 4) !== MAGIC) fail('not a Parquet file (or a truncated one): it does not end with the magic bytes PAR1');
  const metaLength = u32(tail, tail.length - 8);
  const metaStart = size - 8 - metaLength;
  if (metaStart < 4) fail(`corrupt Parquet footer: it claims ${metaLength} bytes of metadata but the file has ${size} bytes`);
  if (metaStart < tailStart) {
    const rest = (yield { kind: 'read', start: metaStart, end: tailStart }) as Uint8Array;
    const all = new Uint8Array(size - metaStart);
    all.set(rest, 0);
    all.set(tail, rest.length);
    tail = all;
  }
  let meta: FileMetaData;
  let root: SchemaTree;
  try {
    meta = lib.parquetMetadata(tail.subarray(tail.length - 8 - metaLength));
    root = lib.parquetSchema(meta);
  } catch (e) {
    fail(`corrupt Parquet metadata (${(e as Error).message})`, e);
  }

  // Columns.
  const top = root!.children;
  const names = top.map((c) => c.element.name);
  const listed = (): string => names.map(quote).join(', ') || 'none';
  const spec = o.columns ?? names.map((_, i) => i);
  const selected: Selected[] = spec.map((c) => {
    let index: number;
    if (typeof c === 'string') {
      index = names.indexOf(c);
      if (index < 0) throw new RangeError(`${label}: no column ${JSON.stringify(c)}; the file's columns are ${listed()}`);
    } else {
      index = c < 0 ? c + names.length : c;
      if (index < 0 || index >= names.length) throw new RangeError(`${label}: column index ${c} is out of range for ${names.length} columns (${listed()})`);
    }
    const tree = top[index];
    const e = tree.element;
    const code = tree.children.length === 0 && e.repetition_type !== 'REPEATED' ? npCode(e) : undefined;
    if (code === undefined) {
      const what = tree.children.length ? 'a nested (group) column' : e.repetition_type === 'REPEATED' ? 'a repeated column' : typeName(e);
      const numeric = top.filter((t) => t.children.length === 0 && t.element.repetition_type !== 'REPEATED' && npCode(t.element)).map((t) => quote(t.element.name));
      throw new TypeError(`${label}: column '${e.name}' is ${what}, not numeric; choose numeric columns with { columns: [...] } (numeric columns: ${numeric.join(', ') || 'none'})`);
    }
    return { name: e.name, index, tree, code };
  });

  // The result dtype: NumPy's promotion of the columns' dtypes, read as load() reads that dtype.
  let dtype: DType = 'float64';
  if (selected.length) dtype = READ_AS[selected.map((s) => s.code).reduce(promoteCodes)];
  if (o.dtype !== undefined) {
    if (o.dtype === 'int32') {
      const bad = selected.find((s) => !FITS_INT32.has(s.code));
      if (bad) throw new TypeError(`${label}: column '${bad.name}' is ${typeName(bad.tree.element)}, which int32 does not hold exactly; read it as 'float64'`);
    }
    dtype = o.dtype;
  }
  let missing = o.missing;
  if (missing === undefined && dtype !== 'int32') missing = NaN;
  if (missing !== undefined && dtype === 'int32' && !(Number.isInteger(missing) && missing >= -(2 ** 31) && missing < 2 ** 31)) {
    throw new TypeError(`${label}: missing must be an integer in int32's range for an int32 result but is ${missing}`);
  }

  // Row groups, checked against the footer's row count before anything is allocated.
  const groups = meta!.row_groups;
  if (!Array.isArray(groups)) fail('corrupt Parquet metadata: no row groups');
  let total = 0n;
  for (const g of groups) {
    if (typeof g.num_rows !== 'bigint' || g.num_rows < 0n) fail('corrupt Parquet metadata: a row group has no row count');
    total += g.num_rows;
  }
  if (meta!.num_rows !== total) fail(`corrupt Parquet footer: it says the file has ${meta!.num_rows} rows but its row groups hold ${total}`);
  const which = o.rowGroups ?? groups.map((_, i) => i);
  let rows = 0;
  for (const [j, g] of which.entries()) {
    if (g < 0 || g >= groups.length) throw new RangeError(`${label}: rowGroups[${j}] = ${g} is out of range: the file has ${groups.length} row groups`);
    rows += Number(groups[g].num_rows);
  }
  const cols = selected.length;
  if (rows * cols > MAX_SIZE) throw new RangeError(`${label}: ${rows} rows x ${cols} columns is too large for a tensor`);

  // First pass: the metadata and the page headers of every chunk to read, so that a footer or a
  // page header that claims more rows than the file holds fails here, before the output exists.
  const chunks: Chunk[] = [];
  let base = 0;
  for (const g of which) {
    const group = groups[g];
    const groupRows = Number(group.num_rows);
    for (const [j, s] of selected.entries()) {
      const chunk = group.columns?.[s.index];
      const where = `column '${s.name}' in row group ${g}`;
      const md = chunk?.meta_data as ColumnMetaData | undefined;
      if (!md || chunk!.file_path) fail(`${where}: ${chunk?.file_path ? 'its data is in another file, which is not supported' : 'no column metadata'}`);
      if (md!.path_in_schema?.length !== 1 || md!.path_in_schema[0] !== s.name) fail(`corrupt Parquet metadata: ${where} is described as ${JSON.stringify(md!.path_in_schema)}`);
      if (md!.num_values !== group.num_rows) fail(`corrupt Parquet metadata: ${where} claims ${md!.num_values} values for ${groupRows} rows`);
      const start = Number(md!.dictionary_page_offset || md!.data_page_offset);
      const end = start + Number(md!.total_compressed_size);
      if (!(start >= 4 && end >= start && end <= metaStart)) fail(`corrupt Parquet metadata: ${where} claims bytes ${start} to ${end} of ${metaStart} data bytes`);
      if (groupRows === 0) continue;
      yield* scanPages(lib, start, end, groupRows, PHYSICAL_BYTES[s.tree.element.type ?? ''], (m) => fail(`corrupt Parquet data: ${where}: ${m}`));
      chunks.push({ j, s, md: md!, start, end, groupRows, row: base, where });
    }
    base += groupRows;
  }

  // Second pass: decode each chunk and copy it into its column (the async twin lets the event loop
  // turn after each).
  const out = Tensor._output([rows, cols], dtype);
  const data = out.data;
  const codecs = decompressors(lib);
  for (const { j, s, md, start, end, groupRows, row, where } of chunks) {
    const bytes = (yield { kind: 'read', start, end }) as Uint8Array;
    checkHybridRuns(lib, codecs, bytes, groupRows, md.codec, s.tree.element, (m) => fail(`corrupt Parquet data: ${where}: ${m}`));
    const q: DecodeRequest = {
      bytes, groupRows, pathInSchema: md.path_in_schema, type: md.type, codec: md.codec, element: s.tree.element, root: root!.element, missing,
    };
    const r = decodeChunk(lib, codecs, q, data, row * cols + j, cols);
    if (!r.ok) {
      if (r.kind === 'null') {
        throw new Error(`${label}: column '${s.name}' has a null at row ${row + r.at}, which an int32 result cannot hold; read it with { dtype: 'float64' } (nulls become NaN) or give { missing: <an integer> }`);
      }
      fail(`corrupt Parquet data: ${where} ${r.message}`);
    }
    yield { kind: 'yield' };
  }
  return out;
}

/** What {@link decodeChunk} is asked: one column chunk's bytes and how to decode them. */
interface DecodeRequest {
  bytes: Uint8Array;
  groupRows: number;
  pathInSchema: string[];
  type: ColumnMetaData['type'];
  codec: CompressionCodec;
  element: SchemaElement;
  /** The schema's root element. */
  root: SchemaElement;
  missing: number | undefined;
}

/**
 * Whether the chunk decoded, or why not: hyparquet failed ('decode'), the data decoded to the wrong number of
 * values ('count'), a null in an int32 result without `missing` ('null'), or a value that is not a
 * number ('value'); `at` is the row in the row group.
 */
type DecodeResult = { ok: true } | { ok: false; kind: 'decode' | 'count' | 'null' | 'value'; message: string; at: number };

type Decompressors = Partial<Record<CompressionCodec, (input: Uint8Array, length: number) => Uint8Array>>;

/** The codecs beyond hyparquet's built-in snappy; none gives more than the page's declared size. */
function decompressors(lib: Reader): Decompressors {
  const zstd = (zlib as { zstdDecompressSync?: (b: Uint8Array, o: zlib.ZlibOptions) => Buffer }).zstdDecompressSync;
  return {
    // unzipSync takes gzip and zlib streams (some old writers wrote zlib under GZIP)
    GZIP: (b, n) => zlib.unzipSync(b, { maxOutputLength: Math.max(n, 1) }),
    BROTLI: (b, n) => zlib.brotliDecompressSync(b, { maxOutputLength: Math.max(n, 1) }),
    ZSTD: zstd ? (b, n) => zstd(b, { maxOutputLength: Math.max(n, 1) }) : (b) => lib.decompressZstd(b),
    LZ4: lib.decompressLz4,
    LZ4_RAW: lib.decompressLz4Raw,
  };
}

// ---------------------------------------------------------------------------------------------
// The RLE/bit-packed hybrid runs of each data page, checked before hyparquet decodes them
// ---------------------------------------------------------------------------------------------

/** Value encodings whose data is RLE/bit-packed hybrid runs. */
const HYBRID_ENCODINGS = new Set(['PLAIN_DICTIONARY', 'RLE_DICTIONARY', 'RLE']);

/**
 * Walks the RLE/bit-packed hybrid runs of bytes [pos, end) of `page` as hyparquet 1.33's
 * readRleBitPackedHybrid reads them (runs until `expected` values are seen), and fails unless every
 * run lies inside [pos, end) and no RLE run holds more values than are left: hyparquet writes an
 * RLE run into a plain array whatever its length, so an overlong run grows the array until V8
 * aborts the process. Returns how many of the values equal `count` (for definition levels: the
 * non-null values), or 0 when `count` is undefined.
 */
function walkHybrid(page: Uint8Array, pos: number, end: number, width: number, expected: number, what: string, count: number | undefined, fail: (m: string) => never): number {
  const valueBytes = (width + 7) >> 3;
  let seen = 0;
  let matches = 0;
  while (seen < expected) {
    const runAt = pos;
    // the run header: a ULEB128 varint of at most 5 bytes
    let header = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= end) fail(`${what}: the run at byte ${runAt} starts past its section, which ends at byte ${end} (${seen} of ${expected} values read)`);
      if (shift > 28) fail(`${what}: the run header at byte ${runAt} is longer than 5 bytes`);
      const b = page[pos++];
      header += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) break;
    }
    if (header > 0xffffffff) fail(`${what}: the run header at byte ${runAt} is out of range`);
    if (header % 2 === 1) {
      // bit-packed: groups of 8 values (DuckDB pads past the values left; hyparquet keeps what
      // fits). hyparquet counts the values in an int32 and loops over them, so a bit width of 0
      // (no bytes to bound the run) with a huge run would hang or never end; it also reads one
      // byte for an empty run.
      const groups = Math.floor(header / 2);
      if (groups > (width ? 2 ** 27 : 2 ** 20)) fail(`${what}: a bit-packed run of ${groups * 8} values at byte ${runAt}`);
      const bytes = groups * width || (pos < end ? 1 : 0);
      if (pos + bytes > end) fail(`${what}: a bit-packed run of ${groups * 8} values at byte ${runAt} needs ${bytes} bytes but ${end - pos} are left`);
      if (count !== undefined) {
        const n = Math.min(groups * 8, expected - seen);
        for (let i = 0; i < n; i++) {
          let v = 0;
          for (let k = 0, bit = i * width; k < width; k++, bit++) v |= ((page[pos + (bit >>> 3)] >>> (bit & 7)) & 1) << k;
          if (v === count) matches++;
        }
      }
      pos += bytes;
      seen += groups * 8;
    } else {
      const n = Math.floor(header / 2);
      if (n > expected - seen) fail(`${what}: an RLE run of ${n} values at byte ${runAt} but ${expected - seen} of its ${expected} values are left`);
      if (pos + valueBytes > end) fail(`${what}: an RLE run at byte ${runAt} needs ${valueBytes} bytes but ${end - pos} are left`);
      if (count !== undefined) {
        let v = 0;
        for (let k = 0; k < valueBytes; k++) v += page[pos + k] * 2 ** (8 * k);
        if (v === count) matches += n;
      }
      pos += valueBytes;
      seen += n;
    }
  }
  return matches;
}

/**
 * Checks the RLE/bit-packed hybrid sections (definition levels; dictionary indices and RLE
 * booleans) of every data page of a column chunk whose page headers {@link scanPages} checked,
 * reading them as hyparquet's readDataPage and readDataPageV2 do, so that a damaged run is an Error
 * naming the page instead of a process abort inside hyparquet. Pages without such sections (a
 * REQUIRED column's PLAIN, delta or byte-stream-split pages, what writeParquet writes) are skipped
 * without being decompressed. Only flat top-level columns come here: no repetition levels, and a
 * definition level of 1 at most.
 */
function checkHybridRuns(lib: Reader, codecs: Decompressors, chunk: Uint8Array, groupRows: number, codec: CompressionCodec, element: SchemaElement, fail: (m: string) => never): void {
  const maxDef = element.repetition_type === 'REQUIRED' ? 0 : 1;
  const isBoolean = element.type === 'BOOLEAN';
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const decompress = (b: Uint8Array, n: number, page: number): Uint8Array => {
    if (codec === 'UNCOMPRESSED') return b;
    let out: Uint8Array;
    try {
      const custom = codecs[codec];
      if (custom) out = custom(b, n);
      else if (codec === 'SNAPPY') lib.snappyUncompress(b, (out = new Uint8Array(n)));
      else throw new Error(`unsupported compression codec ${codec}`);
    } catch (e) {
      return fail(`page ${page} cannot be decompressed (${(e as Error)?.message ?? String(e)})`);
    }
    if (out.length !== n) fail(`page ${page} decompresses to ${out.length} bytes but its header says ${n}`);
    return out;
  };
  const u32le = (b: Uint8Array, at: number, what: string): number => {
    if (at + 4 > b.length) fail(`${what}: its 4-byte length at byte ${at} is past the end of the page's ${b.length} bytes`);
    return u32(b, at);
  };
  let pos = 0;
  let rows = 0;
  for (let page = 0; pos < chunk.length && rows < groupRows; page++) {
    const r = { view: new DataView(view.buffer, view.byteOffset + pos, view.byteLength - pos), offset: 0 };
    let h: PageHeader;
    try {
      h = lib.parquetHeader(r);
    } catch {
      return; // past the pages scanPages checked (hyparquet stops at the row count too)
    }
    const at = pos + r.offset;
    const size = h.compressed_page_size;
    pos = at + size;
    const data = chunk.subarray(at, at + size);
    const where = `data page ${page}`;
    if (h.type === 'DATA_PAGE') {
      const d = h.data_page_header!;
      rows += d.num_values;
      const hybrid = HYBRID_ENCODINGS.has(d.encoding);
      if (!maxDef && !hybrid) continue;
      const n = d.num_values;
      const bytes = decompress(data, h.uncompressed_page_size, page);
      let off = 0;
      let present = n;
      if (maxDef) {
        const len = u32le(bytes, 0, `${where}'s definition levels`);
        if (4 + len > bytes.length) fail(`${where}'s definition levels claim ${len} bytes but the page has ${bytes.length - 4} after their length`);
        present = walkHybrid(bytes, 4, 4 + len, 1, n, `${where}'s definition levels`, maxDef, fail);
        off = 4 + len;
      }
      if (!hybrid || present === 0) continue;
      if (isBoolean) {
        const len = u32le(bytes, off, `${where}'s values`);
        if (off + 4 + len > bytes.length) fail(`${where}'s values claim ${len} bytes but the page has ${bytes.length - off - 4} after their length`);
        walkHybrid(bytes, off + 4, off + 4 + len, 1, present, `${where}'s values`, undefined, fail);
      } else {
        if (off >= bytes.length) fail(`${where} ends before its values' bit width`);
        const width = bytes[off];
        if (width > 32) fail(`${where}'s values have a bit width of ${width}`);
        if (width) walkHybrid(bytes, off + 1, bytes.length, width, present, `${where}'s values`, undefined, fail);
      }
    } else if (h.type === 'DATA_PAGE_V2') {
      const d = h.data_page_header_v2!;
      const n = d.num_values;
      rows += n;
      const rl = d.repetition_levels_byte_length;
      const dl = d.definition_levels_byte_length;
      if (!Number.isSafeInteger(rl) || !Number.isSafeInteger(dl) || rl < 0 || dl < 0 || rl + dl > size) fail(`${where} claims ${rl} + ${dl} bytes of levels in ${size} bytes`);
      if (!Number.isSafeInteger(d.num_nulls) || d.num_nulls < 0 || d.num_nulls > n) fail(`${where} claims ${d.num_nulls} nulls among ${n} values`);
      if (maxDef) walkHybrid(data, rl, rl + dl, 1, n, `${where}'s definition levels`, undefined, fail);
      const present = n - d.num_nulls;
      if (!HYBRID_ENCODINGS.has(d.encoding) || present === 0) continue;
      const valuesAt = rl + (maxDef ? dl : 0);
      const usize = h.uncompressed_page_size - dl - rl;
      let values = data.subarray(valuesAt);
      if (d.is_compressed !== false && usize) values = decompress(values, usize, page);
      if (d.encoding === 'RLE') {
        const len = u32le(values, 0, `${where}'s values`);
        if (4 + len > values.length) fail(`${where}'s values claim ${len} bytes but the page has ${values.length - 4} after their length`);
        walkHybrid(values, 4, 4 + len, 1, present, `${where}'s values`, undefined, fail);
      } else {
        if (values.length < 1) fail(`${where} ends before its values' bit width`);
        const width = values[0];
        if (width > 32) fail(`${where}'s values have a bit width of ${width}`);
        walkHybrid(values, 1, values.length, width, present, `${where}'s values`, undefined, fail);
      }
    }
  }
}

/**
 * Decodes one column chunk with hyparquet straight into its column of the row-major output:
 * row i of the row group goes to `out[first + i * stride]`, a null as `missing`.
 */
function decodeChunk(lib: Reader, codecs: Decompressors, q: DecodeRequest, out: TypedArray, first: number, stride: number): DecodeResult {
  const rows = q.groupRows;
  let runs: DecodedArray[];
  try {
    runs = lib.readColumn(
      { view: new DataView(q.bytes.buffer, q.bytes.byteOffset, q.bytes.byteLength), offset: 0 },
      { groupStart: 0, selectStart: 0, selectEnd: rows, groupRows: rows },
      {
        pathInSchema: q.pathInSchema, type: q.type, element: q.element, codec: q.codec, compressors: codecs,
        schemaPath: [{ element: q.root, children: [], count: 1, path: [] }, { element: q.element, children: [], count: 1, path: q.pathInSchema }],
        parsers: lib.DEFAULT_PARSERS, utf8: false,
      },
    ).data;
  } catch (e) {
    return { ok: false, kind: 'decode', message: `cannot be decoded (${(e as Error)?.message ?? String(e)})`, at: -1 };
  }
  let n = 0;
  for (const d of runs) n += d.length;
  if (n !== rows) return { ok: false, kind: 'count', message: `decodes to ${n} values for ${rows} rows`, at: -1 };
  const missing = q.missing;
  let k = first;
  let row = 0;
  for (const d of runs) {
    const len = d.length;
    if (d instanceof Float64Array || d instanceof Float32Array || d instanceof Int32Array || d instanceof Uint32Array || d instanceof Uint8Array) {
      for (let i = 0; i < len; i++, k += stride) out[k] = d[i];
    } else if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
      for (let i = 0; i < len; i++, k += stride) out[k] = Number(d[i]);
    } else {
      // A plain array: a nullable column's values, nulls included, all of one kind (hyparquet
      // decodes a physical type to numbers, bigints or booleans; typed array stores make booleans 1/0).
      const a = d as readonly unknown[];
      for (let i = 0; i < len; i++, k += stride) {
        const v = a[i];
        if (typeof v === 'number' || typeof v === 'boolean') out[k] = v as number;
        else if (v == null) {
          if (missing === undefined) return { ok: false, kind: 'null', message: 'null', at: row + i };
          out[k] = missing;
        } else if (typeof v === 'bigint') out[k] = Number(v);
        else return { ok: false, kind: 'value', message: `decodes to a ${typeof v} at row ${row + i}`, at: row + i };
      }
    }
    row += len;
  }
  return { ok: true };
}

function readRangeSync(fd: number, start: number, end: number): Uint8Array {
  const b = Buffer.allocUnsafe(end - start);
  let got = 0;
  while (got < b.length) {
    const n = readSync(fd, b, got, b.length - got, start + got);
    if (n === 0) throw new Error(`the file ended at byte ${start + got} while bytes up to ${end} were read (was it truncated while being read?)`);
    got += n;
  }
  return b;
}

async function readRange(fh: FileHandle, start: number, end: number): Promise<Uint8Array> {
  const b = Buffer.allocUnsafe(end - start);
  let got = 0;
  while (got < b.length) {
    const { bytesRead } = await fh.read(b, got, b.length - got, start + got);
    if (bytesRead === 0) throw new Error(`the file ended at byte ${start + got} while bytes up to ${end} were read (was it truncated while being read?)`);
    got += bytesRead;
  }
  return b;
}

/**
 * Reads numeric columns of a Parquet file into a 2-D tensor of shape [rows, columns], row-major,
 * synchronously. Reads the files DuckDB, Spark, Polars, pyarrow and pandas write: plain,
 * dictionary, delta and byte-stream-split encodings, Parquet v1 and v2 data pages, uncompressed,
 * snappy, gzip, zstd, brotli, lz4 and lz4_raw, any number of row groups, nullable columns.
 * Only the footer and the chosen column chunks are read from disk.
 *
 * The dtype is NumPy's: each column has the dtype pyarrow's `to_numpy` gives it (DOUBLE f8, FLOAT
 * f4, INT32 i4, INT16 i2, INT8 i1, UINT8/16/32 u1/u2/u4, INT64 i8, UINT64 u8, BOOLEAN bool, FLOAT16
 * f2), the columns are promoted together as `np.column_stack` promotes them, and the result is read
 * as {@link load} reads a `.npy` file of that dtype: float64, float32 (FLOAT columns alone, or with
 * 8- and 16-bit integers), int32 (integer columns of up to 32 bits signed, 16 unsigned, and booleans
 * as 0/1), float64 for anything wider (INT64 exact up to 2^53, rounded to nearest beyond, as
 * `astype(np.float64)`). The dtype depends on the schema, never on the values. `dtype` overrides it.
 *
 * Nulls become NaN in a float result. An int32 result cannot hold NaN: a null there is an Error
 * unless `missing` gives the integer to store (or read with `dtype: 'float64'`).
 *
 * Needs the npm packages `hyparquet` and `hyparquet-compressors` (optional peer dependencies,
 * loaded on first use).
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @param opts - {@link ReadParquetOptions}: `columns`, `rowGroups`, `dtype`, `missing`.
 * @returns A `[rows, columns]` tensor, C-contiguous; `[rows, 0]` for `columns: []`.
 * @throws TypeError if `path` is not a {@link FilePath} or the options are malformed (before the
 * file is opened), or a selected column is not numeric (text, dates, decimals, nested data): the
 * message names the column and its type and lists the numeric ones.
 * @throws RangeError for a column name that is not in the file (the message lists the columns),
 * an index out of range, a row group out of range, or a result too large for a tensor.
 * @throws Error for a file that is not Parquet (no PAR1 magic), is truncated or damaged (a footer
 * whose row counts disagree, a metadata length past the file, page headers that do not add up, an
 * RLE/bit-packed run longer than its page's values or bytes, data that does not decode to its row
 * count), a null in an int32 result without `missing`, or a
 * missing package (the message says what to install). File-system errors pass through.
 * @example
 * ```ts
 * // DuckDB: COPY (SELECT x, y, z FROM t) TO 'points.parquet' (FORMAT parquet)
 * const p = readParquet('points.parquet');              // float64 [rows, 3]
 * const xy = readParquet('points.parquet', { columns: ['x', 'y'], rowGroups: [0] });
 * const f = readParquet('points.parquet', { dtype: 'float32' });
 * ```
 */
export function readParquet<D extends DType>(path: FilePath, opts: ReadParquetOptions & { dtype: D }): Tensor<D, 2>;
export function readParquet(path: FilePath, opts?: ReadParquetOptions): Tensor<DType, 2>;
export function readParquet(path: FilePath, opts?: ReadParquetOptions): Tensor<DType, 2> {
  const p = checkPath(path, 'path');
  checkReadOptions(opts);
  const fd = openSync(p, 'r');
  try {
    const g = readSteps(path, opts, 'readParquet', fstatSync(fd).size);
    let r = g.next();
    while (!r.done) {
      const req = r.value;
      r = g.next(req.kind === 'read' ? readRangeSync(fd, req.start, req.end) : undefined);
    }
    return r.value as Tensor<DType, 2>;
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link readParquet} without blocking the event loop for long: the file is read with
 * `fs/promises`, and the decoding, which runs on the main thread in JavaScript, is done one column
 * chunk at a time with a turn of the event loop after each, so timers and I/O run in between (a
 * 1e6 x 16 float64 file, 9 row groups of 122880 rows, gives 144 turns). Same options, results
 * and errors (as rejections).
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @param opts - {@link ReadParquetOptions}: `columns`, `rowGroups`, `dtype`, `missing`.
 * @returns A promise of the `[rows, columns]` tensor.
 * @throws TypeError, RangeError, Error as {@link readParquet}, as rejections.
 * @example
 * ```ts
 * const x = await readParquetAsync('measurements.parquet', { columns: ['length', 'width'] });
 * x.shape; // [rows, 2]
 * ```
 */
export async function readParquetAsync<D extends DType>(path: FilePath, opts: ReadParquetOptions & { dtype: D }): Promise<Tensor<D, 2>>;
export async function readParquetAsync(path: FilePath, opts?: ReadParquetOptions): Promise<Tensor<DType, 2>>;
export async function readParquetAsync(path: FilePath, opts?: ReadParquetOptions): Promise<Tensor<DType, 2>> {
  const p = checkPath(path, 'path');
  checkReadOptions(opts);
  const fh = await open(p, 'r');
  try {
    const g = readSteps(path, opts, 'readParquetAsync', (await fh.stat()).size);
    let r = g.next();
    while (!r.done) {
      const req = r.value;
      if (req.kind === 'read') r = g.next(await readRange(fh, req.start, req.end));
      else {
        await nextTurn(); // after each column chunk: timers and I/O run in between
        r = g.next();
      }
    }
    return r.value as Tensor<DType, 2>;
  } finally {
    await fh.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

const CODECS: Record<ParquetCompression, CompressionCodec> = {
  snappy: 'SNAPPY', gzip: 'GZIP', brotli: 'BROTLI', zstd: 'ZSTD', uncompressed: 'UNCOMPRESSED',
};
const PHYSICAL: Record<DType, 'DOUBLE' | 'FLOAT' | 'INT32'> = { float64: 'DOUBLE', float32: 'FLOAT', int32: 'INT32' };
const DEFAULT_ROW_GROUP = 122880;

/** The schema type hyparquet-writer takes (its own copy of hyparquet's SchemaElement). */
type WriterSchema = ConstructorParameters<Writer['ParquetWriter']>[0]['schema'];

interface WritePlan {
  lib: Writer;
  schema: WriterSchema;
  columnData: { name: string; data: TypedArray }[];
  codec: CompressionCodec;
  compressors: Partial<Record<CompressionCodec, (b: Uint8Array) => Uint8Array>>;
  rowGroupSize: number;
}

/** Checks the arguments and gathers each column of `t` into its own typed array. */
function planWrite(tensor: unknown, opts: unknown, fn: string): WritePlan {
  if (!(tensor instanceof Tensor)) throw new TypeError(`Expected a Tensor for t but received ${describe(tensor)}`);
  const t = tensor as Tensor;
  if (t.ndim !== 2) throw new RangeError(`${fn}: expected a 2-D tensor (rows x columns) but received shape [${t.shape.join(', ')}]`);
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
    throw new TypeError(`Expected an options object { columns?, compression?, rowGroupSize? } but received ${describe(opts)}`);
  }
  const o = (opts ?? {}) as WriteParquetOptions;
  const [rows, cols] = t.shape as readonly number[];
  let names: string[];
  if (o.columns === undefined) names = Array.from({ length: cols }, (_, j) => `c${j}`);
  else {
    if (!Array.isArray(o.columns)) throw new TypeError(`Expected an array of column names for columns but received ${describe(o.columns)}`);
    o.columns.forEach((c, j) => {
      if (typeof c !== 'string' || c.length === 0) throw new TypeError(`Expected a non-empty string for columns[${j}] but received ${describe(c)}`);
    });
    if (o.columns.length !== cols) throw new RangeError(`${fn}: ${o.columns.length} column names for a tensor of ${cols} columns`);
    const seen = new Set<string>();
    for (const c of o.columns) {
      if (seen.has(c)) throw new RangeError(`${fn}: the column name ${JSON.stringify(c)} is given twice`);
      seen.add(c);
    }
    names = o.columns.slice();
  }
  const compression = o.compression ?? 'snappy';
  if (!Object.hasOwn(CODECS, compression)) {
    throw new TypeError(`Expected one of ${Object.keys(CODECS).map(quote).join(', ')} for compression but received ${describe(compression)}`);
  }
  const rowGroupSize = o.rowGroupSize ?? DEFAULT_ROW_GROUP;
  if (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1) throw new TypeError(`Expected a positive integer for rowGroupSize but received ${describe(rowGroupSize)}`);
  const compressors: WritePlan['compressors'] = {
    GZIP: (b) => zlib.gzipSync(b),
    BROTLI: (b) => zlib.brotliCompressSync(b),
  };
  const zstd = (zlib as { zstdCompressSync?: (b: Uint8Array) => Buffer }).zstdCompressSync;
  if (zstd) compressors.ZSTD = (b) => zstd(b);
  else if (compression === 'zstd') {
    throw new TypeError(`${fn}: compression 'zstd' needs Node.js >= 22.15 (node:zlib's zstd) but this is Node.js ${process.versions.node}; use 'snappy', 'gzip' or 'brotli'`);
  }
  const lib = loadWriter(fn);

  const Ctor = ARRAY_TYPES[t.dtype];
  const [s0, s1] = t.strides;
  const src = t.data;
  const columnData = names.map((name, j) => {
    const data = new Ctor(rows);
    for (let i = 0, k = t.offset + j * s1; i < rows; i++, k += s0) data[i] = src[k];
    return { name, data };
  });
  const schema: WriterSchema = [
    { name: 'schema', num_children: cols },
    ...names.map((name) => ({ name, type: PHYSICAL[t.dtype], repetition_type: 'REQUIRED' as const })),
  ];
  return { lib, schema, columnData, codec: CODECS[compression], compressors, rowGroupSize };
}

/** A hyparquet-writer ByteWriter that hands each row group's bytes to `sink` and then forgets them. */
function streamingWriter(lib: Writer, sink: (bytes: Uint8Array) => void | Promise<void>): InstanceType<Writer['ByteWriter']> & { flush(): void | Promise<void> } {
  const w = new lib.ByteWriter(1 << 20) as InstanceType<Writer['ByteWriter']> & { flush(): void | Promise<void> };
  w.flush = () => {
    const bytes = new Uint8Array(w.buffer.slice(0, w.index));
    w.index = 0;
    return sink(bytes);
  };
  w.finish = w.flush as () => void;
  return w;
}

/**
 * Writes a 2-D tensor to a Parquet file, one column per tensor column, synchronously: float64 as
 * DOUBLE, float32 as FLOAT, int32 as INT32, every column REQUIRED (no nulls; NaN is stored as
 * NaN), with min/max statistics. Readers get the values back bit for bit (DuckDB's
 * `SELECT * FROM 'file.parquet'` does). The file is written row group by row group.
 *
 * Needs the npm package `hyparquet-writer` (an optional peer dependency, loaded on first use).
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @param t - The tensor, `[rows, columns]`, any dtype and strides.
 * @param opts - {@link WriteParquetOptions}: `columns` (names), `compression`, `rowGroupSize`.
 * @throws TypeError if `path` is not a {@link FilePath}, `t` is not a Tensor, an option is
 * malformed, or 'zstd' is asked of a Node.js without it, before the file is opened.
 * @throws RangeError if `t` is not 2-D, or `columns` has the wrong length or a name twice.
 * @throws Error if `hyparquet-writer` is not installed. File-system errors pass through; a file
 * left half-written by one is removed.
 * @example
 * ```ts
 * const t = tensor([[1.5, 2], [3, 4]]);
 * writeParquet('t.parquet', t, { columns: ['a', 'b'], compression: 'zstd' });
 * // DuckDB: SELECT * FROM 't.parquet'  ->  a DOUBLE, b DOUBLE
 * readParquet('t.parquet').toArray(); // [[1.5, 2], [3, 4]]
 * ```
 */
export function writeParquet(path: FilePath, t: Tensor, opts?: WriteParquetOptions): void {
  const p = checkPath(path, 'path');
  const plan = planWrite(t, opts, 'writeParquet');
  const fd = openSync(p, 'w');
  let ok = false;
  try {
    const w = streamingWriter(plan.lib, (bytes) => {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    });
    const pw = new plan.lib.ParquetWriter({ writer: w, schema: plan.schema, codec: plan.codec, compressors: plan.compressors, createdBy: 'tensorblas (hyparquet-writer)' });
    pw.write({ columnData: plan.columnData, rowGroupSize: plan.rowGroupSize });
    pw.finish();
    ok = true;
  } finally {
    closeSync(fd);
    if (!ok) {
      try {
        unlinkSync(p);
      } catch {
        // the original error matters more
      }
    }
  }
}

/**
 * {@link writeParquet} without blocking the event loop for long: the tensor's columns are gathered
 * when it is called (so `t` may change right after), then each row group is encoded on the main
 * thread and written with `fs/promises`, with a turn of the event loop in between.
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @param t - The tensor, `[rows, columns]`.
 * @param opts - {@link WriteParquetOptions}.
 * @returns A promise that resolves when the file is written and closed.
 * @throws TypeError, RangeError, Error as {@link writeParquet}, as rejections.
 * @example
 * ```ts
 * await writeParquetAsync('scores.parquet', scores, { columns: ['pc1', 'pc2'] });
 * ```
 */
export async function writeParquetAsync(path: FilePath, t: Tensor, opts?: WriteParquetOptions): Promise<void> {
  const p = checkPath(path, 'path');
  const plan = planWrite(t, opts, 'writeParquetAsync');
  const fh = await open(p, 'w');
  let ok = false;
  try {
    const w = streamingWriter(plan.lib, async (bytes) => {
      for (let at = 0; at < bytes.length; ) at += (await fh.write(bytes, at, bytes.length - at)).bytesWritten;
      await nextTurn();
    });
    const pw = new plan.lib.ParquetWriter({ writer: w, schema: plan.schema, codec: plan.codec, compressors: plan.compressors, createdBy: 'tensorblas (hyparquet-writer)' });
    await pw.write({ columnData: plan.columnData, rowGroupSize: plan.rowGroupSize });
    await pw.finish();
    ok = true;
  } finally {
    await fh.close();
    if (!ok) await unlink(p).catch(() => undefined);
  }
}
