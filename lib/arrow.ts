// Interop with Apache Arrow (the `apache-arrow` package): Arrow columns and tables in, Arrow
// vectors and tables out, sharing memory wherever the layouts agree.
//
// Inputs are recognised by their structure, never by `instanceof`: a Vector is `{ type, data:
// Data[] }`, a Table `{ schema, batches }`, a RecordBatch `{ schema, data: Data<Struct> }`, and a
// Data chunk is read through `type.typeId` (+ `precision`, `bitWidth`, `isSigned`, `listSize`),
// `length`, `offset`, `nullCount`, `nullBitmap`, `values` and `children`. So fromArrow takes the
// objects of whichever copy or version of apache-arrow the caller has (9 and later lay chunks out
// this way: `values` starts at the chunk's first element, `offset` indexes only the validity and
// boolean bitmaps), and needs no Arrow library itself. Every chunk is checked before it is read
// (lengths, buffer sizes, bitmap sizes): a malformed object is an Error, never an out-of-bounds read.
//
// The public types are structural interfaces of our own, not apache-arrow's: importing its types
// into the published .d.ts would make every TypeScript consumer install apache-arrow, optional
// or not. apache-arrow's objects fit these interfaces, and its static type ids (Float64 is -12,
// FixedSizeList 16, ...) let the overloads give the dtype and rank of a typed column.
//
// toArrow and fromArrowIPC need the library to build Arrow objects. It is loaded on first use
// (about 150 ms; importing tensorblas does not load it) and it is an optional peer dependency.
// Which copy matters: a process can hold two, the ES module build (`import 'apache-arrow'`) and the
// CommonJS build (`require('apache-arrow')`), and they do not mix: the ES build's tableToIPC, given
// a table the CommonJS build made (or the other way round), writes a stream without its record
// batch, silently. tensorblas builds with the ES module build, loaded through require(esm), which
// is the very instance `import 'apache-arrow'` gives; CommonJS callers pass theirs as `{ arrow }`.
// When the CommonJS build is loaded too and no `arrow` was passed, a warning says so, once.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocate } from './alloc.js';
import { ARRAY_TYPES, promote, type DType, type TypedArray } from './dtype.js';
import { describe, formatShape } from './errors.js';
import { halfToNumber } from './io.js';
import { Tensor } from './tensor.js';
import type { FloatOf } from './typing.js';

// ---------------------------------------------------------------------------------------------
// Structural types
// ---------------------------------------------------------------------------------------------

/**
 * What tensorblas reads of an Arrow data type: its `typeId` (apache-arrow's `Type` enum: Int 2,
 * Float 3, Bool 6, FixedSizeList 16, ...). apache-arrow's `DataType` fits this interface.
 */
export interface ArrowTypeLike {
  /** The Arrow type id. */
  readonly typeId: number;
}

/** One chunk of an Arrow column (apache-arrow's `Data`): tensorblas reads it by structure. */
export interface ArrowDataLike {
  /** The chunk's data type. */
  readonly type: ArrowTypeLike;
  /** Number of elements (rows). */
  readonly length: number;
  /** Offset of the first element in the validity and boolean bitmaps. */
  readonly offset: number;
}

/** An Arrow column (apache-arrow's `Vector`): a type and one or more chunks. */
export interface ArrowVectorLike<T extends ArrowTypeLike = ArrowTypeLike> {
  /** The column's data type. */
  readonly type: T;
  /** The chunks, in order. */
  readonly data: readonly ArrowDataLike[];
  /** Number of elements (rows) over all chunks. */
  readonly length: number;
}

/** A field of an Arrow schema (apache-arrow's `Field`). */
export interface ArrowFieldLike<T extends ArrowTypeLike = ArrowTypeLike> {
  /** The column's name. */
  readonly name: string;
  /** The column's data type. */
  readonly type: T;
}

/** An Arrow schema (apache-arrow's `Schema`): the columns' names and types. */
export interface ArrowSchemaLike<T extends ArrowTypeLike = ArrowTypeLike> {
  /** One field per column, in order. */
  readonly fields: readonly ArrowFieldLike<T>[];
}

/** An Arrow record batch (apache-arrow's `RecordBatch`): a schema and one struct chunk whose children are the columns. */
export interface ArrowRecordBatchLike<T extends ArrowTypeLike = ArrowTypeLike> {
  /** The columns' names and types. */
  readonly schema: ArrowSchemaLike<T>;
  /** A struct chunk with one child per column. */
  readonly data: ArrowDataLike;
  /** Number of rows. */
  readonly numRows: number;
}

/** An Arrow table (apache-arrow's `Table`): a schema and record batches. */
export interface ArrowTableLike<T extends ArrowTypeLike = ArrowTypeLike> {
  /** The columns' names and types. */
  readonly schema: ArrowSchemaLike<T>;
  /** The record batches, in order (each column is chunked along them). */
  readonly batches: readonly ArrowRecordBatchLike[];
  /** Number of rows over all batches. */
  readonly numRows: number;
}

/**
 * `ArrowTypeDTypes[id]`: the tensor dtype of an Arrow type, keyed by apache-arrow's static type
 * ids (its TypeScript types name the exact type with negative ids: Float64 is -12, Int8 -2; the
 * plain ids Float 3 and Int 2 leave the width open).
 */
interface ArrowTypeDTypes {
  /** Float64. */ '-12': 'float64';
  /** Float32. */ '-11': 'float32';
  /** Float16. */ '-10': 'float32';
  /** Int8. */ '-2': 'int32';
  /** Int16. */ '-3': 'int32';
  /** Int32. */ '-4': 'int32';
  /** Uint8. */ '-6': 'int32';
  /** Uint16. */ '-7': 'int32';
  /** Int64. */ '-5': 'float64';
  /** Uint32. */ '-8': 'float64';
  /** Uint64. */ '-9': 'float64';
  /** Bool. */ '6': 'int32';
  /** Float of a precision not known statically. */ '3': 'float64' | 'float32';
  /** Int of a width not known statically. */ '2': 'int32' | 'float64';
}

/** The type id of a column's elements: a FixedSizeList's child's, otherwise the type's own. */
type ElementTypeId<T> = T extends { readonly typeId: 16 }
  ? T extends { readonly children: readonly { readonly type: { readonly typeId: infer C } }[] } ? C : number
  : T extends { readonly typeId: infer I } ? I : number;

/**
 * The tensor dtype {@link fromArrow} gives a column of Arrow type `T` (by the rule it documents:
 * Float64 -> float64, Float32 and Float16 -> float32, Int8/Int16/Int32/Uint8/Uint16/Bool -> int32,
 * Int64/Uint32/Uint64 -> float64; a FixedSizeList's by its child). Every dtype when not known statically.
 */
export type ArrowDType<T> = `${ElementTypeId<T> & number}` extends keyof ArrowTypeDTypes ? ArrowTypeDTypes[`${ElementTypeId<T> & number}`] : DType;

/** The dtype with the `nulls` option applied: `'nan'` makes every result floating point (int32 becomes float64). */
export type WithNulls<D extends DType, O> = O extends {
  /** Nulls read as NaN. */
  readonly nulls: 'nan';
} ? FloatOf<D> : D;

/** The dtype of a matrix of columns of dtypes `U`: theirs when they all agree, every dtype otherwise. */
export type UniformDType<U> = [U] extends [never] ? 'float64' : [U] extends ['float64'] ? 'float64' : [U] extends ['float32'] ? 'float32' : [U] extends ['int32'] ? 'int32' : DType;

/** The rank of {@link fromArrow} of a Vector of type `T`: 2 for a FixedSizeList, 1 for a numeric type, either when not known. */
export type ArrowVectorRank<T extends ArrowTypeLike> = T['typeId'] extends 16 ? 2 : `${T['typeId']}` extends keyof ArrowTypeDTypes ? 1 : 1 | 2;

/** How {@link fromArrow} treats nulls: `'nan'` reads them as NaN (int columns become float64), `'error'` refuses them. */
export type ArrowNulls = 'nan' | 'error';

/** Options of {@link fromArrow} and {@link fromArrowIPC}. */
export interface FromArrowOptions {
  /**
   * For a Table or RecordBatch: the columns to read, in the order given, by name or 0-based index
   * (negative counts from the end); a column may be named twice. Default: every column. A name
   * that is not in the schema, or is in it twice, and an index outside it are a RangeError that
   * lists the schema's names.
   */
  columns?: readonly (string | number)[];
  /**
   * Nulls. Default: NaN where the result is floating point, an Error where it is int32.
   * `'nan'`: every result is floating point (int columns are read as float64) and nulls are NaN.
   * `'error'`: any null is an Error naming the column and the row.
   */
  nulls?: ArrowNulls;
}

/** Options of {@link toArrow}. */
export interface ToArrowOptions {
  /**
   * For a 2-D tensor: `'table'` (default) gives a Table with one column per tensor column;
   * `'list'` gives one FixedSizeList column (a Vector), a row per tensor row: the usual layout of
   * embeddings.
   */
  as?: 'table' | 'list';
  /** For `as: 'table'`: the column names, one per tensor column; default `'c0'`, `'c1'`, ... */
  columns?: readonly string[];
  /**
   * The apache-arrow module to build with: `require('apache-arrow')` in CommonJS code. Default:
   * the ES module build, the instance `import 'apache-arrow'` gives. Arrow objects of one build
   * are not usable by the other's functions (its tableToIPC silently drops their data).
   */
  arrow?: object;
}

/** Options of {@link fromArrowIPC}: {@link FromArrowOptions}, and the apache-arrow module to parse with. */
export interface FromArrowIPCOptions extends FromArrowOptions {
  /** The apache-arrow module whose tableFromIPC parses the bytes; default: the ES module build, as {@link ToArrowOptions.arrow}. */
  arrow?: object;
}

// ---------------------------------------------------------------------------------------------
// Reading Arrow data
// ---------------------------------------------------------------------------------------------

const T_INT = 2;
const T_FLOAT = 3;
const T_BOOL = 6;
const T_LIST = 12;
const T_STRUCT = 13;
const T_FIXED_SIZE_LIST = 16;
const T_LARGE_LIST = 21;
const T_LIST_VIEW = 25;
const T_LARGE_LIST_VIEW = 26;
const TYPE_NAMES: Record<number, string> = {
  0: 'NONE', 1: 'Null', 2: 'Int', 3: 'Float', 4: 'Binary', 5: 'Utf8', 6: 'Bool', 7: 'Decimal', 8: 'Date', 9: 'Time',
  10: 'Timestamp', 11: 'Interval', 12: 'List', 13: 'Struct', 14: 'Union', 15: 'FixedSizeBinary', 16: 'FixedSizeList',
  17: 'Map', 18: 'Duration', 19: 'LargeBinary', 20: 'LargeUtf8', 21: 'LargeList', 23: 'BinaryView', 24: 'Utf8View',
  25: 'ListView', 26: 'LargeListView', [-1]: 'Dictionary',
};
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A chunk as read: the structural fields, loosely typed until checked. */
interface Chunk {
  type?: unknown;
  length?: unknown;
  offset?: unknown;
  nullCount?: unknown;
  nullBitmap?: unknown;
  values?: unknown;
  children?: unknown;
}

type Kind = 'f64' | 'f32' | 'f16' | 'i8' | 'i16' | 'i32' | 'i64' | 'u8' | 'u16' | 'u32' | 'u64' | 'bool';
/** How a numeric Arrow type's values are stored and the dtype they are read as. */
interface Elem {
  kind: Kind;
  dtype: DType;
  /** Bytes per value (0 for bit-packed booleans). */
  bytes: number;
}
const ELEMS: Record<Kind, Elem> = {
  f64: { kind: 'f64', dtype: 'float64', bytes: 8 },
  f32: { kind: 'f32', dtype: 'float32', bytes: 4 },
  f16: { kind: 'f16', dtype: 'float32', bytes: 2 },
  i8: { kind: 'i8', dtype: 'int32', bytes: 1 },
  i16: { kind: 'i16', dtype: 'int32', bytes: 2 },
  i32: { kind: 'i32', dtype: 'int32', bytes: 4 },
  i64: { kind: 'i64', dtype: 'float64', bytes: 8 },
  u8: { kind: 'u8', dtype: 'int32', bytes: 1 },
  u16: { kind: 'u16', dtype: 'int32', bytes: 2 },
  u32: { kind: 'u32', dtype: 'float64', bytes: 4 },
  u64: { kind: 'u64', dtype: 'float64', bytes: 8 },
  bool: { kind: 'bool', dtype: 'int32', bytes: 0 },
};
/** The typed array each kind's values are viewed as (64-bit integers as 32-bit halves). */
const VIEW: Record<Kind, new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView & ArrayLike<number>> = {
  f64: Float64Array, f32: Float32Array, f16: Uint16Array, i8: Int8Array, i16: Int16Array, i32: Int32Array,
  i64: Uint32Array, u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, u64: Uint32Array, bool: Uint8Array,
};

/** A readable description of an Arrow type: its own toString (apache-arrow: 'Timestamp<MILLISECOND>'), else its id. */
function typeName(type: unknown): string {
  const t = type as { typeId?: unknown; toString?: () => string } | null;
  if (t && typeof t === 'object' && typeof t.toString === 'function' && t.toString !== Object.prototype.toString) {
    try {
      const s = t.toString();
      if (typeof s === 'string' && s.length > 0 && s.length < 200) return s;
    } catch {
      // fall through to the id
    }
  }
  const id = t?.typeId;
  return typeof id === 'number' ? (TYPE_NAMES[id] ?? `type id ${id}`) : describe(type);
}

function typeIdOf(type: unknown): number | undefined {
  const id = (type as { typeId?: unknown } | null)?.typeId;
  return typeof id === 'number' ? id : undefined;
}

/** The element layout of a numeric Arrow type, or undefined for any other type. */
function elemOf(type: unknown): Elem | undefined {
  const t = type as { typeId?: unknown; precision?: unknown; bitWidth?: unknown; isSigned?: unknown };
  switch (typeIdOf(type)) {
    case T_FLOAT:
      return t.precision === 2 ? ELEMS.f64 : t.precision === 1 ? ELEMS.f32 : t.precision === 0 ? ELEMS.f16 : undefined;
    case T_INT: {
      const signed = t.isSigned === true;
      if (t.isSigned !== true && t.isSigned !== false) return undefined;
      switch (t.bitWidth) {
        case 8: return signed ? ELEMS.i8 : ELEMS.u8;
        case 16: return signed ? ELEMS.i16 : ELEMS.u16;
        case 32: return signed ? ELEMS.i32 : ELEMS.u32;
        case 64: return signed ? ELEMS.i64 : ELEMS.u64;
        default: return undefined;
      }
    }
    case T_BOOL:
      return ELEMS.bool;
    default:
      return undefined;
  }
}

/** A column to read: a name for messages, its type, and its chunks. */
interface Column {
  name: string;
  type: unknown;
  chunks: readonly Chunk[];
}

/** Why a column cannot be read, as a TypeError naming it. */
function notNumeric(source: string, col: Column, inside?: string): TypeError {
  const id = typeIdOf(col.type);
  const what = `${source}: ${col.name} has Arrow type ${typeName(col.type)}`;
  if (id === T_LIST || id === T_LARGE_LIST || id === T_LIST_VIEW || id === T_LARGE_LIST_VIEW) {
    return new TypeError(`${what}: a variable-size list, whose rows may differ in length (ragged), cannot be a matrix; ` +
      'store fixed-length rows (embeddings) as a FixedSizeList column');
  }
  if (inside !== undefined) return new TypeError(`${what}, whose elements (${inside}) are not numeric: tensorblas reads Float16/32/64, Int8-64, Uint8-64 and Bool elements`);
  return new TypeError(`${what}, which is not numeric: tensorblas reads Float16/32/64, Int8-64, Uint8-64 and Bool columns (and a FixedSizeList of them alone)`);
}

/** Checks a chunk's length and offset; `rows` is what its column or batch says it holds (if known). */
function chunkShape(c: Chunk, source: string, col: Column, k: number): { length: number; offset: number } {
  const { length } = c;
  const offset = c.offset ?? 0; // (apache-arrow leaves it out of some empty chunks)
  if (!Number.isSafeInteger(length) || (length as number) < 0 || !Number.isSafeInteger(offset) || (offset as number) < 0) {
    throw new Error(`${source}: ${col.name}, chunk ${k}: malformed Arrow data (length ${describe(length)}, offset ${describe(offset)})`);
  }
  return { length: length as number, offset: offset as number };
}

/** The chunk's validity bitmap when it may hold nulls, checked to cover `offset + length` bits; else undefined. */
function validityOf(c: Chunk, length: number, offset: number, source: string, what: string): Uint8Array | undefined {
  const nc = c.nullCount;
  if (nc === 0 || length === 0) return undefined;
  const bm = c.nullBitmap;
  if (bm === undefined || bm === null || (ArrayBuffer.isView(bm) && bm.byteLength === 0)) {
    if (typeof nc === 'number' && nc > 0) throw new Error(`${source}: ${what}: malformed Arrow data: ${nc} nulls but no validity bitmap`);
    return undefined;
  }
  if (!(bm instanceof Uint8Array) && !ArrayBuffer.isView(bm)) throw new Error(`${source}: ${what}: malformed Arrow data: the validity bitmap is ${describe(bm)}`);
  const bytes = bm instanceof Uint8Array ? bm : new Uint8Array(bm.buffer, bm.byteOffset, bm.byteLength);
  if (bytes.length * 8 < offset + length) throw new Error(`${source}: ${what}: malformed Arrow data: a validity bitmap of ${bytes.length} bytes for ${offset + length} bits`);
  return bytes;
}

/** The index (0-based, within the chunk) of the first null, or -1. */
function firstNull(bm: Uint8Array, offset: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const b = offset + i;
    if (((bm[b >> 3] >> (b & 7)) & 1) === 0) return i;
  }
  return -1;
}

/** The values of a chunk as a typed array of `n` elements (`kind`'s view), checked against their buffer. */
function valuesOf(c: Chunk, e: Elem, n: number, offset: number, source: string, what: string): ArrayBufferView & ArrayLike<number> {
  const v = c.values;
  if (!ArrayBuffer.isView(v)) throw new Error(`${source}: ${what}: malformed Arrow data: values are ${describe(v)}`);
  const Ctor = VIEW[e.kind];
  const count = e.kind === 'bool' ? (offset + n + 7) >> 3 : e.kind === 'i64' || e.kind === 'u64' ? 2 * n : n;
  const width = e.kind === 'bool' ? 1 : e.bytes / (e.kind === 'i64' || e.kind === 'u64' ? 2 : 1);
  if (v.byteLength < count * width) {
    throw new Error(`${source}: ${what}: malformed Arrow data: ${n} values need ${count * width} bytes but the values buffer has ${v.byteLength}`);
  }
  if (v.byteOffset % width === 0) return new Ctor(v.buffer, v.byteOffset, count);
  // Misaligned raw bytes (not what apache-arrow makes): one aligned copy first.
  return new Ctor(new Uint8Array(v.buffer, v.byteOffset, count * width).slice().buffer, 0, count);
}


/** Converts `n` values into `dst[at ...]`: TypedArray.set where it converts exactly, a loop otherwise. */
function copyInto(src: ArrayLike<number> & ArrayBufferView, e: Elem, bitOffset: number, n: number, dst: TypedArray, at: number): void {
  switch (e.kind) {
    case 'f16':
      for (let i = 0; i < n; i++) dst[at + i] = halfToNumber(src[i]);
      return;
    case 'i64':
    case 'u64': {
      // hi * 2^32 is exact and the sum rounds once: the nearest double, as NumPy's astype(float64).
      const w = src as Uint32Array;
      const lo = LITTLE_ENDIAN_HOST ? 0 : 1;
      const hi = 1 - lo;
      if (e.kind === 'i64') for (let i = 0; i < n; i++) dst[at + i] = (w[2 * i + hi] | 0) * 4294967296 + w[2 * i + lo];
      else for (let i = 0; i < n; i++) dst[at + i] = w[2 * i + hi] * 4294967296 + w[2 * i + lo];
      return;
    }
    case 'bool':
      for (let i = 0; i < n; i++) {
        const b = bitOffset + i;
        dst[at + i] = (src[b >> 3] >> (b & 7)) & 1;
      }
      return;
    default:
      (dst as Float64Array).set(src as unknown as Float64Array, at); // converts between element types exactly
  }
}

type NullMode = 'default' | ArrowNulls;

/**
 * After a chunk's values are in `dst[at ...]`: nulls become NaN, or an Error. Each of the `n`
 * validity bits covers `width` elements; `where(i)` says where null `i` is, for the message.
 */
function applyNulls(bm: Uint8Array, bitOffset: number, n: number, width: number, dst: TypedArray, at: number, dtype: DType,
  mode: NullMode, source: string, what: string, where: (i: number) => string): void {
  const first = firstNull(bm, bitOffset, n);
  if (first < 0) return;
  if (mode === 'error' || dtype === 'int32') {
    const hint = mode === 'error' ? "(nulls: 'error')" : "as int32; pass { nulls: 'nan' } to read it as float64 with NaN for nulls";
    throw new Error(`${source}: ${what} has a null at ${where(first)}, which cannot be read ${hint}`);
  }
  for (let i = first; i < n; i++) {
    const b = bitOffset + i;
    if (((bm[b >> 3] >> (b & 7)) & 1) === 0) dst.fill(NaN, at + i * width, at + (i + 1) * width);
  }
}

/** The dtype a column of `e` is read as under `mode`. */
const readAs = (e: Elem, mode: NullMode): DType => (mode === 'nan' && e.dtype === 'int32' ? 'float64' : e.dtype);

/** A chunk's values as a tensor dtype view without a copy, when its layout already is one. */
function zeroCopyView(e: Elem, dtype: DType): boolean {
  return (e.kind === 'f64' && dtype === 'float64') || (e.kind === 'f32' && dtype === 'float32') || (e.kind === 'i32' && dtype === 'int32');
}

/** The non-empty chunks of a column with their lengths, checked; the total length. */
function chunksOf(col: Column, source: string): { list: { c: Chunk; length: number; offset: number }[]; rows: number } {
  const list: { c: Chunk; length: number; offset: number }[] = [];
  let rows = 0;
  col.chunks.forEach((c, k) => {
    if (c === null || typeof c !== 'object') throw new Error(`${source}: ${col.name}, chunk ${k}: malformed Arrow data: ${describe(c)}`);
    const s = chunkShape(c, source, col, k);
    rows += s.length;
    if (s.length > 0) list.push({ c, ...s });
  });
  return { list, rows };
}

/** A numeric column (no list) as a 1-D tensor: a view of its buffer when it can be, else one copy. */
function readVector(col: Column, mode: NullMode, source: string): Tensor {
  const e = elemOf(col.type)!;
  const dtype = readAs(e, mode);
  const { list, rows } = chunksOf(col, source);
  if (list.length === 1 && zeroCopyView(e, dtype)) {
    const { c, length, offset } = list[0];
    const bm = validityOf(c, length, offset, source, col.name);
    if (bm === undefined || firstNull(bm, offset, length) < 0) {
      const v = valuesOf(c, e, length, offset, source, col.name);
      return Tensor._trusted(new ARRAY_TYPES[dtype](v.buffer as ArrayBuffer, v.byteOffset, length), [rows], [1], 0);
    }
  }
  const out = allocate(dtype, rows, false);
  fillColumn(col, list, e, dtype, mode, out, 0, source);
  return Tensor._trusted(out, [rows], [1], 0);
}

/** Reads a column's chunks into `out[at ...]`, one after another. */
function fillColumn(col: Column, list: readonly { c: Chunk; length: number; offset: number }[], e: Elem, dtype: DType, mode: NullMode,
  out: TypedArray, at: number, source: string): void {
  let row = 0;
  for (const { c, length, offset } of list) {
    const what = col.name;
    copyInto(valuesOf(c, e, length, offset, source, what), e, offset, length, out, at + row);
    const bm = validityOf(c, length, offset, source, what);
    if (bm) applyNulls(bm, offset, length, 1, out, at + row, dtype, mode, source, what, (i) => `row ${row + i}`);
    row += length;
  }
}

/** A FixedSizeList column as a (rows, listSize) tensor: a view of the child's buffer when it can be, else one copy. */
function readList(col: Column, mode: NullMode, source: string): Tensor {
  const t = col.type as { listSize?: unknown; children?: readonly { type?: unknown }[] };
  const size = t.listSize;
  if (!Number.isSafeInteger(size) || (size as number) < 0) throw new Error(`${source}: ${col.name}: malformed FixedSizeList type (listSize ${describe(size)})`);
  const L = size as number;
  const childType = Array.isArray(t.children) ? t.children[0]?.type : undefined;
  const e = elemOf(childType);
  if (!e) throw notNumeric(source, col, typeName(childType));
  const dtype = readAs(e, mode);
  const { list, rows } = chunksOf(col, source);
  if (rows * L > 2 ** 32) throw new RangeError(`${source}: ${col.name}: ${rows} rows of ${L} elements are too many for one tensor`);
  const children = list.map(({ c, length }, k) => {
    const child = Array.isArray(c.children) ? (c.children[0] as Chunk | undefined) : undefined;
    if (!child || typeof child !== 'object') throw new Error(`${source}: ${col.name}, chunk ${k}: malformed Arrow data: a FixedSizeList chunk without its child`);
    const s = chunkShape(child, source, col, k);
    if (s.length < length * L) throw new Error(`${source}: ${col.name}, chunk ${k}: malformed Arrow data: ${length} lists of ${L} need ${length * L} child elements but the child has ${s.length}`);
    return { c: child, offset: s.offset };
  });
  if (list.length === 1 && zeroCopyView(e, dtype)) {
    const { c, length, offset } = list[0];
    const child = children[0];
    const rowNulls = validityOf(c, length, offset, source, col.name);
    const elemNulls = validityOf(child.c, length * L, child.offset, source, `${col.name} (elements)`);
    if ((rowNulls === undefined || firstNull(rowNulls, offset, length) < 0) && (elemNulls === undefined || firstNull(elemNulls, child.offset, length * L) < 0)) {
      const v = valuesOf(child.c, e, length * L, child.offset, source, col.name);
      return Tensor._trusted(new ARRAY_TYPES[dtype](v.buffer as ArrayBuffer, v.byteOffset, length * L), [rows, L], [L, 1], 0);
    }
  }
  const out = allocate(dtype, rows * L, false);
  let row = 0;
  list.forEach(({ c, length, offset }, k) => {
    const child = children[k];
    const n = length * L;
    copyInto(valuesOf(child.c, e, n, child.offset, source, col.name), e, child.offset, n, out, row * L);
    const rowNulls = validityOf(c, length, offset, source, col.name);
    if (rowNulls) applyNulls(rowNulls, offset, length, L, out, row * L, dtype, mode, source, col.name, (i) => `row ${row + i}`);
    const elemNulls = validityOf(child.c, n, child.offset, source, `${col.name} (elements)`);
    if (elemNulls) applyNulls(elemNulls, child.offset, n, 1, out, row * L, dtype, mode, source, col.name, (i) => `row ${row + Math.floor(i / L)}, element ${i % L}`);
    row += length;
  });
  return Tensor._trusted(out, [rows, L], [L, 1], 0);
}

/** Numeric columns as a (rows, columns) matrix with columns contiguous (Arrow's layout): one pass per column. */
function readMatrix(cols: readonly Column[], rows: number, mode: NullMode, source: string): Tensor {
  const elems = cols.map((c) => elemOf(c.type)!);
  const dtype = cols.length === 0 ? 'float64' : elems.map((e) => readAs(e, mode)).reduce(promote);
  const checked = cols.map((col) => {
    const r = chunksOf(col, source);
    if (r.rows !== rows) throw new Error(`${source}: ${col.name}: malformed Arrow data: ${r.rows} rows where the table has ${rows}`);
    return r.list;
  });
  if (rows * cols.length > 2 ** 32) throw new RangeError(`${source}: ${rows} rows x ${cols.length} columns are too many for one tensor`);
  if (cols.length === 1 && checked[0].length === 1 && zeroCopyView(elems[0], dtype)) {
    const v = readVector(cols[0], mode, source); // a view when the column allows one
    return Tensor._trusted(v.data, [rows, 1], [1, rows], 0);
  }
  const out = allocate(dtype, rows * cols.length, false);
  cols.forEach((col, j) => fillColumn(col, checked[j], elems[j], dtype, mode, out, j * rows, source));
  return Tensor._trusted(out, [rows, cols.length], [1, rows], 0);
}

type Kindof = 'table' | 'batch' | 'vector';

function kindOf(x: unknown, source: string): Kindof {
  if (x !== null && typeof x === 'object') {
    const o = x as { schema?: { fields?: unknown }; batches?: unknown; data?: unknown; type?: unknown };
    const hasSchema = o.schema !== null && typeof o.schema === 'object' && Array.isArray(o.schema.fields);
    if (hasSchema && Array.isArray(o.batches)) return 'table';
    if (hasSchema && o.data !== null && typeof o.data === 'object' && !Array.isArray(o.data)) return 'batch';
    if (typeIdOf(o.type) !== undefined && Array.isArray(o.data)) return 'vector';
  }
  throw new TypeError(`${source}: expected an Arrow Vector, Table or RecordBatch (apache-arrow) but received ${describe(x)}`);
}

/** The columns of a Table or RecordBatch, each with its chunks, and the row count. */
function columnsOf(x: unknown, kind: 'table' | 'batch', source: string): { names: string[]; cols: Column[]; rows: number } {
  const fields = (x as ArrowTableLike).schema.fields;
  const names = fields.map((f, i) => {
    if (f === null || typeof f !== 'object' || typeof f.name !== 'string') throw new Error(`${source}: malformed Arrow schema: field ${i} is ${describe(f)}`);
    return f.name;
  });
  const batches: unknown[] = kind === 'table' ? [...(x as ArrowTableLike).batches] : [x];
  const perColumn: Chunk[][] = fields.map(() => []);
  let rows = 0;
  batches.forEach((b, k) => {
    const d = (b as { data?: Chunk } | null)?.data;
    const children = d?.children;
    if (!d || typeof d !== 'object' || !Array.isArray(children) || children.length !== fields.length || (typeIdOf(d.type) !== undefined && typeIdOf(d.type) !== T_STRUCT)) {
      throw new Error(`${source}: malformed Arrow data: record batch ${k} does not hold one struct child per schema field (${fields.length})`);
    }
    const n = d.length;
    if (!Number.isSafeInteger(n) || (n as number) < 0) throw new Error(`${source}: malformed Arrow data: record batch ${k} has length ${describe(n)}`);
    children.forEach((c, i) => perColumn[i].push(c as Chunk));
    rows += n as number;
  });
  const cols = fields.map((f, i) => ({ name: `column '${f.name}'`, type: f.type, chunks: perColumn[i] }));
  return { names, cols, rows };
}

function select(names: readonly string[], cols: readonly Column[], spec: readonly (string | number)[], source: string): Column[] {
  const list = `(available: ${names.map((n) => `'${n}'`).join(', ') || 'none'})`;
  return spec.map((s, j) => {
    if (typeof s === 'string') {
      const i = names.indexOf(s);
      if (i < 0) throw new RangeError(`${source}: no column named '${s}' ${list}`);
      if (names.indexOf(s, i + 1) >= 0) throw new RangeError(`${source}: the column name '${s}' is ambiguous: the schema has it more than once ${list}`);
      return cols[i];
    }
    const i = s < 0 ? names.length + s : s;
    if (!(i >= 0 && i < names.length)) throw new RangeError(`${source}: column index ${s} (columns[${j}]) is outside the ${names.length} columns ${list}`);
    return cols[i];
  });
}

function checkFromOptions(opts: unknown, source: string): { mode: NullMode; columns?: readonly (string | number)[] } {
  if (opts === undefined) return { mode: 'default' };
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${source}: expected an options object { columns?, nulls? } but received ${describe(opts)}`);
  const { columns, nulls } = opts as FromArrowOptions;
  if (nulls !== undefined && nulls !== 'nan' && nulls !== 'error') throw new TypeError(`${source}: expected 'nan' or 'error' for nulls but received ${describe(nulls)}`);
  if (columns !== undefined) {
    if (!Array.isArray(columns)) throw new TypeError(`${source}: expected an array of column names or indices for columns but received ${describe(columns)}`);
    columns.forEach((c, j) => {
      if (!(typeof c === 'string' || Number.isSafeInteger(c))) throw new TypeError(`${source}: expected a column name or an integer index for columns[${j}] but received ${describe(c)}`);
    });
  }
  return { mode: nulls ?? 'default', columns };
}

function fromArrowAny(x: unknown, opts: unknown, source: string): Tensor {
  const { mode, columns } = checkFromOptions(opts, source);
  const kind = kindOf(x, source);
  if (kind === 'vector') {
    if (columns !== undefined) throw new TypeError(`${source}: columns selects the columns of a Table or RecordBatch, not of a Vector`);
    const col: Column = { name: 'the vector', type: (x as ArrowVectorLike).type, chunks: (x as ArrowVectorLike).data as readonly Chunk[] };
    if (typeIdOf(col.type) === T_FIXED_SIZE_LIST) return readList(col, mode, source);
    if (!elemOf(col.type)) throw notNumeric(source, col);
    return readVector(col, mode, source);
  }
  const { names, cols, rows } = columnsOf(x, kind, source);
  const chosen = columns === undefined ? cols : select(names, cols, columns, source);
  const lists = chosen.filter((c) => typeIdOf(c.type) === T_FIXED_SIZE_LIST);
  if (lists.length > 0) {
    if (chosen.length === 1) return readList(chosen[0], mode, source);
    throw new TypeError(`${source}: ${lists[0].name} is a FixedSizeList: it becomes a (rows, listSize) matrix on its own; select it alone (columns: ['${lists[0].name.slice(8, -1)}'])`);
  }
  for (const c of chosen) if (!elemOf(c.type)) throw notNumeric(source, c);
  return readMatrix(chosen, rows, mode, source);
}

/**
 * A tensor from Arrow data (apache-arrow's objects, of any copy or version from 9 on, recognised
 * by structure):
 *
 * - a numeric **Vector** gives a 1-D tensor. dtypes follow NumPy's nearest-dtype rule, as
 *   `fromNpy` does: Float64 -> float64; Float32 and Float16 -> float32; Int32, Int16, Int8,
 *   Uint16, Uint8 and Bool (as 0/1) -> int32; Int64, Uint32, Uint64 -> float64 (Uint32 exactly;
 *   64-bit integers exactly up to 2^53, rounded to the nearest double beyond, as NumPy's
 *   `astype(float64)`). A Float64, Float32 or Int32 vector in one chunk without nulls is not
 *   copied: the tensor's `data` is a view of the column's own buffer (same ArrayBuffer, same
 *   byteOffset), so writing to one changes the other. Anything else is copied once.
 * - a **Table** or **RecordBatch** of numeric columns (all, or those named in `columns`) gives a
 *   (rows, columns) matrix whose columns are contiguous (Fortran order, strides `[1, rows]`, as
 *   Arrow keeps each column in one buffer and as `DataFrame.to_numpy()` gives it): each column
 *   is copied in one pass per chunk (`TypedArray.set` where the dtype allows), with no
 *   intermediate arrays. The dtype is the columns' promoted one (NumPy's rule: int32 with float32
 *   gives float64). Call `.contiguous()` for C order.
 * - a **FixedSizeList** column (the usual layout of embeddings), as a Vector or as the only
 *   column selected from a Table, gives a (rows, listSize) matrix in C order; not copied when it
 *   is one chunk without nulls and its child is Float64, Float32 or Int32.
 *
 * Nulls are NaN where the result is floating point, and an Error where it is int32; `nulls:
 * 'nan'` reads int columns as float64 so that nulls can be NaN, `nulls: 'error'` refuses any null.
 *
 * @param x - An Arrow Vector, Table or RecordBatch.
 * @param opts - `columns` to select (Table or RecordBatch), `nulls` to choose how nulls are read.
 * @returns A 1-D tensor for a numeric Vector; a 2-D tensor for a Table, a RecordBatch or a
 * FixedSizeList column.
 * @throws TypeError for `x` that is not Arrow data, a column that is not numeric (naming it and
 * its Arrow type: strings, timestamps, dictionaries, ...), a variable-size List column (ragged
 * rows), a FixedSizeList column selected with others, and malformed options.
 * @throws RangeError for a `columns` entry that names no column, an ambiguous one or an index
 * outside the schema (the message lists the available names).
 * @throws Error for a null that the result cannot hold (int32, or `nulls: 'error'`), naming the
 * column and row, and for malformed Arrow data (buffers shorter than their lengths, ...).
 * @example
 * ```ts
 * import { tableFromArrays, vectorFromArray, Float32 } from 'apache-arrow';
 * const table = tableFromArrays({ x: new Float64Array([1, 2, 3]), y: new Int32Array([4, 5, 6]) });
 * fromArrow(table).toArray();                        // [[1, 4], [2, 5], [3, 6]]
 * fromArrow(table, { columns: ['y'] }).dtype;        // 'int32'
 * fromArrow(table.getChild('x')!).data;              // the column's own Float64Array memory
 * fromArrow(vectorFromArray([1, null, 3], new Float32)).toArray(); // [1, NaN, 3]
 * ```
 */
export function fromArrow<T extends ArrowTypeLike, const O extends FromArrowOptions = {}>(
  x: ArrowTableLike<T> | ArrowRecordBatchLike<T>, opts?: O): Tensor<UniformDType<WithNulls<ArrowDType<T>, O>>, 2>;
export function fromArrow<T extends ArrowTypeLike, const O extends FromArrowOptions = {}>(
  x: ArrowVectorLike<T>, opts?: O): Tensor<WithNulls<ArrowDType<T>, O>, ArrowVectorRank<T>>;
export function fromArrow(x: ArrowTableLike | ArrowRecordBatchLike | ArrowVectorLike, opts?: FromArrowOptions): Tensor;
export function fromArrow(x: ArrowTableLike | ArrowRecordBatchLike | ArrowVectorLike, opts?: FromArrowOptions): Tensor {
  return fromArrowAny(x, opts, 'fromArrow');
}

// ---------------------------------------------------------------------------------------------
// The apache-arrow library (toArrow, fromArrowIPC)
// ---------------------------------------------------------------------------------------------

/** What tensorblas uses of apache-arrow, loosely typed (its own types are not imported). */
interface ArrowModule {
  makeData(props: Record<string, unknown>): unknown;
  makeVector(data: unknown): ArrowVectorLike;
  tableFromIPC(bytes: Uint8Array): ArrowTableLike;
  Table: new (batches: unknown[]) => ArrowTableLike;
  RecordBatch: new (schema: unknown, data: unknown) => unknown;
  Schema: new (fields: unknown[]) => unknown;
  Field: new (name: string, type: unknown, nullable?: boolean) => unknown;
  Struct: new (fields: unknown[]) => unknown;
  FixedSizeList: new (size: number, child: unknown) => unknown;
  Float64: new () => unknown;
  Float32: new () => unknown;
  Int32: new () => unknown;
}

const loaded = new Map<string, ArrowModule>();
let warnedTwoCopies = false;
const NEEDED = ['makeData', 'makeVector', 'tableFromIPC', 'Table', 'RecordBatch', 'Schema', 'Field', 'Struct', 'FixedSizeList', 'Float64', 'Float32', 'Int32'] as const;

/** The ES module entry of a package from its package.json `exports` (conditions node, import, default), or undefined. */
function esmEntry(cjsEntry: string, pkgName: string): string | undefined {
  const pick = (e: unknown): string | undefined => {
    if (typeof e === 'string') return e;
    if (Array.isArray(e)) {
      for (const x of e) {
        const r = pick(x);
        if (r !== undefined) return r;
      }
    } else if (e !== null && typeof e === 'object') {
      for (const [k, v] of Object.entries(e)) {
        if (k === 'node' || k === 'import' || k === 'default') {
          const r = pick(v);
          if (r !== undefined) return r;
        }
      }
    }
    return undefined;
  };
  for (let dir = dirname(cjsEntry), up = 0; up < 6; up++, dir = dirname(dir)) {
    let pkg: { name?: unknown; exports?: unknown };
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof pkg;
    } catch {
      continue;
    }
    if (pkg.name !== pkgName) return undefined;
    const ex = pkg.exports;
    const root = ex !== null && typeof ex === 'object' && !Array.isArray(ex) && '.' in ex ? (ex as Record<string, unknown>)['.'] : ex;
    const rel = pick(root);
    return rel === undefined ? undefined : join(dir, rel);
  }
  return undefined;
}

function checkModule(mod: unknown, what: string, caller: string): ArrowModule {
  if (mod === null || (typeof mod !== 'object' && typeof mod !== 'function')) throw new TypeError(`${caller}: expected the apache-arrow module for ${what} but received ${describe(mod)}`);
  const missing = NEEDED.filter((name) => typeof (mod as Record<string, unknown>)[name] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(`${caller}: ${what} is not apache-arrow 9 or later: it has no ${missing.join(', ')}`);
  }
  return mod as ArrowModule;
}

/**
 * @internal Loads apache-arrow (or `pkg`, for tests) on first use: the ES module build, through
 * require(esm), so that it is the instance `import 'apache-arrow'` gives (the CommonJS build only
 * if that fails); `given` (a caller's `arrow` option) wins.
 */
export function loadArrow(caller: string, given?: unknown, pkg = 'apache-arrow'): ArrowModule {
  if (given !== undefined) return checkModule(given, 'the arrow option', caller);
  const req = createRequire(import.meta.url);
  let cjs: string;
  try {
    cjs = req.resolve(pkg);
  } catch (e) {
    throw new Error(`${caller} needs the package '${pkg}', which is not installed (it is an optional peer dependency of tensorblas): npm install ${pkg}`, { cause: e });
  }
  let mod = loaded.get(pkg);
  if (!mod) {
    const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
    let esm: string | undefined;
    try {
      esm = typeof resolve === 'function' ? fileURLToPath(resolve(pkg)) : esmEntry(cjs, pkg);
    } catch {
      esm = undefined;
    }
    let m: unknown;
    if (esm !== undefined && esm !== cjs) {
      try {
        m = req(esm);
      } catch {
        m = undefined;
      }
    }
    mod = checkModule(m ?? req(cjs), `the installed '${pkg}'`, caller);
    loaded.set(pkg, mod);
  }
  const cjsCopy = req.cache[cjs]?.exports as unknown;
  if (cjsCopy !== undefined && cjsCopy !== mod && !warnedTwoCopies) {
    warnedTwoCopies = true;
    process.emitWarning(`${caller} builds Arrow objects with the ES module build of ${pkg}, but this process has also loaded its CommonJS build ` +
      `(require('${pkg}')). Objects of one build are not usable by the other's functions (tableToIPC writes a stream without their data). ` +
      `Code that uses require('${pkg}') should pass it: ${caller}(..., { arrow: require('${pkg}') }).`, { code: 'TENSORBLAS_ARROW_TWO_COPIES' });
  }
  return mod;
}

// ---------------------------------------------------------------------------------------------
// toArrow
// ---------------------------------------------------------------------------------------------

function arrowType(A: ArrowModule, dtype: DType): unknown {
  return dtype === 'float64' ? new A.Float64() : dtype === 'float32' ? new A.Float32() : new A.Int32();
}

/** A typed array as an Arrow chunk, without a copy. */
function dataOf(A: ArrowModule, dtype: DType, values: TypedArray): unknown {
  return A.makeData({ type: arrowType(A, dtype), offset: 0, length: values.length, nullCount: 0, data: values });
}

/** `t`'s elements in C order as a typed array: a view of `t.data` when contiguous, else one copy. */
function cOrderValues(t: Tensor): TypedArray {
  const c = t.contiguous();
  return c.data.subarray(c.offset, c.offset + c.size);
}

/**
 * Arrow data over a tensor's memory:
 *
 * - a **1-D** tensor gives an Arrow Vector (Float64, Float32 or Int32) over the same memory when
 *   its elements are contiguous (no copy: the vector's buffer is `t.data`'s ArrayBuffer); a
 *   strided tensor is copied once.
 * - a **2-D** tensor gives a Table with one column per tensor column, named by `columns` (default
 *   `'c0'`, `'c1'`, ...). Each column is a view of the tensor's memory when columns are
 *   contiguous (Fortran order, as {@link fromArrow} returns tables and as a transposed matrix
 *   is); otherwise the tensor is copied once into Fortran order and the columns are views of the
 *   copy.
 * - a **2-D** tensor with `as: 'list'` gives one FixedSizeList column (a Vector, one list per
 *   row, child field `'item'`): a view of the tensor's memory when it is C-contiguous, else one copy.
 *
 * Arrow treats its buffers as immutable: while the Arrow data is in use, do not write to a
 * tensor that shares memory with it. Fields are non-nullable (tensors have no nulls). The
 * objects are built with apache-arrow (an optional peer dependency, loaded on first use): its ES
 * module build, the instance `import 'apache-arrow'` gives, unless `arrow` passes another
 * (CommonJS code: `{ arrow: require('apache-arrow') }`; the two builds' objects do not mix). The
 * returned types are tensorblas's structural ones; cast to apache-arrow's (`as Table`,
 * `as Vector<Float64>`) to use its full typings.
 *
 * @param t - A 1-D or 2-D tensor.
 * @param opts - `as`: `'table'` or `'list'` for a 2-D tensor; `columns`: the table's column
 * names; `arrow`: the apache-arrow module to build with.
 * @returns An Arrow Vector (1-D, or 2-D with `as: 'list'`) or Table (2-D).
 * @throws TypeError if `t` is not a Tensor, the options are malformed, or `arrow` is not apache-arrow.
 * @throws RangeError for a tensor that is not 1-D or 2-D, `as: 'list'` on a 1-D tensor, or a
 * `columns` list whose length is not the number of columns.
 * @throws Error if apache-arrow is not installed (the message says what to install).
 * @example
 * ```ts
 * import { tableToIPC, Table } from 'apache-arrow';
 * const v = toArrow(arange(3));                       // Float64 vector over the tensor's memory
 * const table = toArrow(rand([100, 4]).T.T, { columns: ['a', 'b', 'c', 'd'] }) as Table;
 * const ipc = tableToIPC(table);                       // to Python: pyarrow.ipc.open_stream(ipc)
 * const emb = toArrow(rand([10, 384], { dtype: 'float32' }), { as: 'list' }); // FixedSizeList[384]<Float32>
 * ```
 */
export function toArrow(t: Tensor<DType, 1>, opts?: ToArrowOptions & { as?: 'table' }): ArrowVectorLike;
export function toArrow(t: Tensor<DType, 2>, opts: ToArrowOptions & { as: 'list' }): ArrowVectorLike;
export function toArrow(t: Tensor<DType, 2>, opts?: ToArrowOptions & { as?: 'table' }): ArrowTableLike;
export function toArrow(t: Tensor, opts?: ToArrowOptions): ArrowVectorLike | ArrowTableLike;
export function toArrow(t: Tensor, opts?: ToArrowOptions): ArrowVectorLike | ArrowTableLike {
  const source = 'toArrow';
  if (!(t instanceof Tensor)) throw new TypeError(`${source}: expected a Tensor but received ${describe(t)}`);
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) throw new TypeError(`${source}: expected an options object { as?, columns?, arrow? } but received ${describe(opts)}`);
  const as = opts?.as ?? 'table';
  if (as !== 'table' && as !== 'list') throw new TypeError(`${source}: expected 'table' or 'list' for as but received ${describe(as)}`);
  const names = opts?.columns;
  if (names !== undefined && (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))) {
    throw new TypeError(`${source}: expected an array of strings for columns but received ${describe(names)}`);
  }
  if (t.ndim !== 1 && t.ndim !== 2) throw new RangeError(`${source}: expected a 1-D or 2-D tensor but received shape ${formatShape(t.shape)}`);
  if (t.ndim === 1 && as === 'list') throw new RangeError(`${source}: as: 'list' makes a list per row of a 2-D tensor; this one is 1-D (shape ${formatShape(t.shape)})`);
  if (names !== undefined && (t.ndim === 1 || as === 'list')) throw new TypeError(`${source}: columns names the columns of a Table; a ${t.ndim === 1 ? '1-D tensor' : "2-D tensor with as: 'list'"} gives a Vector`);
  const A = loadArrow(source, opts?.arrow);
  if (t.ndim === 1) return A.makeVector(dataOf(A, t.dtype, cOrderValues(t)));
  const [rows, cols] = t.shape as readonly number[];
  if (as === 'list') {
    const child = dataOf(A, t.dtype, cOrderValues(t));
    const type = new A.FixedSizeList(cols, new A.Field('item', arrowType(A, t.dtype), false));
    return A.makeVector(A.makeData({ type, offset: 0, length: rows, nullCount: 0, child }));
  }
  if (names !== undefined && names.length !== cols) {
    throw new RangeError(`${source}: columns has ${names.length} names for a tensor of ${cols} columns (shape ${formatShape(t.shape)})`);
  }
  // Columns as views: of the tensor when each column is contiguous, else of one Fortran-order copy.
  const f = rows <= 1 || t.strides[0] === 1 ? t : t.T.contiguous().T;
  const colStride = f === t ? t.strides[1] : rows;
  const fields = Array.from({ length: cols }, (_, j) => new A.Field(names?.[j] ?? `c${j}`, arrowType(A, t.dtype), false));
  const children = Array.from({ length: cols }, (_, j) => {
    const start = f.offset + j * colStride;
    return dataOf(A, t.dtype, f.data.subarray(start, start + rows));
  });
  const struct = A.makeData({ type: new A.Struct(fields), offset: 0, length: rows, nullCount: 0, children });
  return new A.Table([new A.RecordBatch(new A.Schema(fields), struct)]);
}

// ---------------------------------------------------------------------------------------------
// IPC
// ---------------------------------------------------------------------------------------------

// apache-arrow's tableFromIPC trusts the lengths inside the bytes: it loops over flatbuffer vector
// lengths as declared (record batch nodes and buffers, a file's record batch blocks) and, given a
// file whose first message is corrupt, loops without end. Single-byte corruptions of a 482-byte
// file made it run for minutes. So the framing is checked here first, in time linear in the bytes:
// every message's length prefix, its flatbuffer header (each table and vector inside the metadata,
// every vector apache-arrow iterates, nesting bounded), every body buffer inside its body, and a
// file's footer blocks. Data that passes can still be wrong (values are not checked), never endless.

/** A bounds-checked reader of one flatbuffer (Arrow's metadata), throwing `fail` on anything out of range. */
class FlatBuffer {
  constructor(private readonly b: Uint8Array, private readonly start: number, private readonly end: number, private readonly fail: (m: string) => never) {}
  private need(p: number, n: number): void {
    if (!(p >= this.start && p + n <= this.end)) this.fail('an offset in the metadata points outside it');
  }
  u8(p: number): number { this.need(p, 1); return this.b[p]; }
  u16(p: number): number { this.need(p, 2); return this.b[p] | (this.b[p + 1] << 8); }
  i32(p: number): number { this.need(p, 4); return this.b[p] | (this.b[p + 1] << 8) | (this.b[p + 2] << 16) | (this.b[p + 3] << 24); }
  u32(p: number): number { return this.i32(p) >>> 0; }
  /** An int64 as a number; past 2^53 (or negative) it is refused, as no length or offset is that large. */
  len64(p: number, what: string): number {
    const lo = this.u32(p);
    const hi = this.i32(p + 4);
    if (hi < 0 || hi >= 0x200000) this.fail(`${what} is ${hi < 0 ? 'negative' : 'larger than 2^53'}`);
    return hi * 4294967296 + lo;
  }
  root(): number { return this.table(this.start, 0); }
  /** The table an offset at `at` points to (its vtable checked); `at` itself for the root. */
  table(at: number, depth: number): number {
    if (depth > 64) this.fail('the metadata nests tables deeper than 64 levels');
    const t = at + this.u32(at);
    const vt = t - this.i32(t);
    const vtSize = this.u16(vt);
    if (vtSize < 4 || vtSize % 2 !== 0) this.fail('a flatbuffer vtable is malformed');
    this.need(vt, vtSize);
    this.need(t, this.u16(vt + 2));
    return t;
  }
  /** Where field `i` of table `t` is, or -1 when absent. */
  field(t: number, i: number): number {
    const vt = t - this.i32(t);
    const vtSize = this.u16(vt);
    if (4 + 2 * i + 2 > vtSize) return -1;
    const off = this.u16(vt + 4 + 2 * i);
    return off === 0 ? -1 : t + off;
  }
  /** The vector field `i` of `t` points to: its element count (checked to fit) and first element; undefined when absent. */
  vector(t: number, i: number, elemSize: number): { n: number; at: number } | undefined {
    const f = this.field(t, i);
    if (f < 0) return undefined;
    const v = f + this.u32(f);
    const n = this.u32(v);
    this.need(v + 4, n * elemSize);
    return { n, at: v + 4 };
  }
  /** Each table of a vector of tables (field `i` of `t`). */
  tables(t: number, i: number, depth: number, each: (table: number) => void): void {
    const v = this.vector(t, i, 4);
    if (v) for (let k = 0; k < v.n; k++) each(this.table(v.at + 4 * k, depth));
  }
  /** The table field `i` of `t` points to, or -1. */
  child(t: number, i: number, depth: number): number {
    const f = this.field(t, i);
    return f < 0 ? -1 : this.table(f, depth);
  }
}

const ARROW_UNION = 14;

function verifyField(fb: FlatBuffer, f: number, depth: number): void {
  const name = fb.field(f, 0);
  if (name >= 0) {
    const str = name + fb.u32(name);
    fb.u8(str + 4 + fb.u32(str)); // the string and its terminating 0 are inside
  }
  const typeType = fb.field(f, 2);
  const type = fb.child(f, 3, depth + 1);
  if (type >= 0 && typeType >= 0 && fb.u8(typeType) === ARROW_UNION) fb.vector(type, 1, 4); // Union.typeIds
  const dict = fb.child(f, 4, depth + 1);
  if (dict >= 0) fb.child(dict, 1, depth + 2); // DictionaryEncoding.indexType
  fb.tables(f, 5, depth + 1, (c) => verifyField(fb, c, depth + 1));
  fb.tables(f, 6, depth + 1, () => undefined); // custom_metadata
}

function verifySchema(fb: FlatBuffer, schema: number): void {
  fb.tables(schema, 1, 1, (f) => verifyField(fb, f, 1));
  fb.tables(schema, 2, 1, () => undefined);
  fb.vector(schema, 3, 8); // features
}

function verifyRecordBatch(fb: FlatBuffer, rb: number, bodyLength: number, fail: (m: string) => never): void {
  const length = fb.field(rb, 0);
  if (length >= 0) fb.len64(length, 'a record batch length');
  const nodes = fb.vector(rb, 1, 16);
  if (nodes) {
    for (let k = 0; k < nodes.n; k++) {
      fb.len64(nodes.at + 16 * k, 'a field node length');
      fb.len64(nodes.at + 16 * k + 8, 'a field node null count');
    }
  }
  const buffers = fb.vector(rb, 2, 16);
  if (buffers) {
    for (let k = 0; k < buffers.n; k++) {
      const off = fb.len64(buffers.at + 16 * k, 'a buffer offset');
      const len = fb.len64(buffers.at + 16 * k + 8, 'a buffer length');
      if (off + len > bodyLength) fail(`buffer ${k} (${len} bytes at ${off}) runs past its message body (${bodyLength} bytes)`);
    }
  }
  fb.vector(rb, 4, 8); // variadicBufferCounts
}

/**
 * Checks one message (length prefix, metadata, body) at `p`; returns where the next one starts,
 * or -1 at an end-of-stream marker. `end` is where the stream part ends.
 */
function verifyMessage(b: Uint8Array, p: number, end: number, fail: (m: string) => never): { next: number; header: number; bodyLength: number } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (p + 4 > end) fail(`truncated: a message at byte ${p} has no length prefix`);
  let len = dv.getInt32(p, true);
  let q = p + 4;
  if (len === -1) {
    if (q + 4 > end) fail(`truncated: a message at byte ${p} has no length after its continuation marker`);
    len = dv.getInt32(q, true);
    q += 4;
  }
  if (len === 0) return { next: -1, header: 0, bodyLength: 0 };
  if (len < 0 || q + len > end) fail(`truncated or corrupt: a message at byte ${p} declares ${len} metadata bytes but ${end - q} remain`);
  const mfail = (m: string): never => fail(`corrupt message metadata at byte ${q}: ${m}`);
  const fb = new FlatBuffer(b, q, q + len, mfail);
  const msg = fb.root();
  const bl = fb.field(msg, 3);
  const bodyLength = bl < 0 ? 0 : fb.len64(bl, 'the body length');
  if (q + len + bodyLength > end) fail(`truncated: a message at byte ${p} declares a ${bodyLength}-byte body but ${end - q - len} bytes remain`);
  const ht = fb.field(msg, 1);
  const header = ht < 0 ? 0 : fb.u8(ht);
  const h = fb.child(msg, 2, 1);
  if (h >= 0) {
    if (header === 1) verifySchema(fb, h);
    else if (header === 3) verifyRecordBatch(fb, h, bodyLength, mfail);
    else if (header === 2) {
      const data = fb.child(h, 1, 2);
      if (data >= 0) verifyRecordBatch(fb, data, bodyLength, mfail);
    }
  }
  fb.tables(msg, 4, 1, () => undefined);
  return { next: q + len + bodyLength, header, bodyLength };
}

const IPC_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // ARROW1

/** Checks the framing of an Arrow IPC stream or file (see above); throws an Error naming the problem. */
function verifyIPC(b: Uint8Array, source: string): void {
  const fail = (m: string): never => {
    throw new Error(`${source}: not a valid Arrow IPC stream or file: ${m}`);
  };
  const isMagic = (p: number): boolean => p >= 0 && p + 6 <= b.length && IPC_MAGIC.every((m, i) => b[p + i] === m);
  let end = b.length;
  let start = 0;
  if (isMagic(0)) {
    if (!isMagic(b.length - 6) || b.length < 18) fail(`truncated file: ${b.length} bytes start with the magic 'ARROW1' but do not end with it`);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const footerLen = dv.getInt32(b.length - 10, true);
    const footerStart = b.length - 10 - footerLen;
    if (footerLen <= 0 || footerStart < 8) fail(`corrupt file: a footer of ${footerLen} bytes does not fit`);
    const ffail = (m: string): never => fail(`corrupt file footer: ${m}`);
    const fb = new FlatBuffer(b, footerStart, b.length - 10, ffail);
    const footer = fb.root();
    const schema = fb.child(footer, 1, 1);
    if (schema < 0) fail('the file footer has no schema');
    verifySchema(fb, schema);
    for (const field of [2, 3]) {
      const blocks = fb.vector(footer, field, 24);
      if (!blocks) continue;
      for (let k = 0; k < blocks.n; k++) {
        const off = fb.len64(blocks.at + 24 * k, 'a block offset');
        const meta = fb.i32(blocks.at + 24 * k + 8);
        const body = fb.len64(blocks.at + 24 * k + 16, 'a block body length');
        if (off < 8 || meta < 0 || off + meta + body > footerStart) fail(`corrupt file: block ${k} (${meta} + ${body} bytes at ${off}) is not inside the file`);
        const m = verifyMessage(b, off, footerStart, fail);
        // (apache-arrow's file reader loops without end on a block that is not the footer's kind of message)
        if (m.next < 0 || m.bodyLength !== body || m.header !== (field === 2 ? 2 : 3)) fail(`corrupt file: block ${k} does not hold the message its footer describes`);
      }
    }
    start = 8;
    end = footerStart;
  }
  // A stream starts with its schema; a file's stream part may leave it to the footer (apache-arrow does).
  let first = start === 0;
  for (let p = start; p < end;) {
    const m = verifyMessage(b, p, end, fail);
    if (m.next < 0) break;
    if (first && m.header !== 1) fail(`the first message is not a schema (message header type ${m.header})`);
    first = false;
    p = m.next;
  }
  if (first) fail(`no schema message in ${b.length} bytes`);
}

/**
 * A matrix from Arrow IPC bytes (the stream or file format: `tableToIPC` in JavaScript,
 * `pyarrow.ipc.new_stream` / `new_file`, Feather v2): apache-arrow's `tableFromIPC`, then
 * {@link fromArrow} on the table. Columns may be views of `bytes` (an aligned, one-chunk,
 * null-free Float64/Float32/Int32 column read alone, or a FixedSizeList column).
 *
 * @param bytes - The IPC stream or file.
 * @param opts - As {@link fromArrow}: `columns` to select, `nulls` to choose how nulls are read;
 * `arrow`: the apache-arrow module to parse with (default: its ES module build).
 * @returns A 2-D tensor: (rows, columns), or (rows, listSize) for a FixedSizeList column.
 * @throws Error for bytes that are not Arrow IPC data (empty, truncated, corrupt: apache-arrow's
 * own error, whatever its class, is the `cause`; a stream without any schema, which apache-arrow
 * would read as an empty table), or if apache-arrow is not installed; otherwise as {@link fromArrow}.
 * A stream cut exactly between two record batches is a valid, shorter stream: its rows are read.
 * @throws TypeError for `bytes` that are not bytes or an `arrow` option that is not apache-arrow;
 * otherwise as {@link fromArrow}.
 * @throws RangeError as {@link fromArrow}.
 * @example
 * ```ts
 * // Python: pyarrow.ipc.new_stream(sink, table.schema).write_table(table)
 * const m = fromArrowIPC(readFileSync('features.arrows'), { columns: ['x', 'y'] });
 * ```
 */
export function fromArrowIPC(bytes: Uint8Array | ArrayBufferView | ArrayBuffer, opts?: FromArrowIPCOptions): Tensor<DType, 2> {
  const source = 'fromArrowIPC';
  let b: Uint8Array;
  if (bytes instanceof Uint8Array) b = bytes;
  else if (ArrayBuffer.isView(bytes)) b = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  else if (bytes instanceof ArrayBuffer) b = new Uint8Array(bytes);
  else throw new TypeError(`${source}: expected a Uint8Array, ArrayBufferView or ArrayBuffer but received ${describe(bytes)}`);
  checkFromOptions(opts, source);
  if (b.length === 0) throw new Error(`${source}: no Arrow IPC data (0 bytes)`);
  const A = loadArrow(source, (opts as FromArrowIPCOptions | undefined)?.arrow);
  verifyIPC(b, source);
  let table: ArrowTableLike;
  try {
    table = A.tableFromIPC(b);
  } catch (e) {
    const why = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    throw new Error(`${source}: the bytes are not a valid Arrow IPC stream or file (${why})`, { cause: e });
  }
  if (table === null || typeof table !== 'object' || !Array.isArray(table.batches) || table.schema?.fields?.length === undefined) {
    throw new Error(`${source}: the bytes are not a valid Arrow IPC stream or file (apache-arrow returned ${describe(table)})`);
  }
  // tableFromIPC takes bytes that end before the schema message (a truncated stream, or a few bytes
  // of anything) as a table without columns, and so some truncated files. Real data has columns.
  if (table.schema.fields.length === 0) {
    throw new Error(`${source}: no columns in ${b.length} bytes: not an Arrow IPC stream or file, or truncated before its schema`);
  }
  return fromArrowAny(table, opts, source) as Tensor<DType, 2>;
}
