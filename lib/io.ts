// I/O: NumPy's .npy format (read v1.0/2.0/3.0, write v1.0 like numpy.save) and CSV (numbers,
// RFC 4180 quotes, column selection, missing fields, a label column).
//
// .npy reading wraps the file's bytes without copying when they are already a native-endian,
// element-aligned f8/f4/i4 array (C or Fortran order: Fortran order becomes a view with Fortran
// strides); anything else is converted in one pass. The header is parsed as a small Python
// literal (no eval) and checked key by key, so a malformed file is an Error naming the problem,
// never a partial tensor.
//
// Every function that takes a path checks it with checkPath before node:fs sees it: only a
// string, a file: URL or a Buffer/Uint8Array is a path (node:fs would take a number as a file
// descriptor, so load(0) would read stdin and save(1, t) write into stdout).
import { closeSync, openSync, readFileSync, readSync, writeFileSync, createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { allocate } from './alloc.js';
import { ARRAY_TYPES, type DType, type TypedArray } from './dtype.js';
import { describe } from './errors.js';
import { copyInto } from './elementwise.js';
import { contiguousStrides, MAX_DIMS, MAX_SIZE } from './shape.js';
import { Tensor } from './tensor.js';

// ---------------------------------------------------------------------------------------------
// .npy
// ---------------------------------------------------------------------------------------------

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21; // numpy.lib.format pads the header so the shape can grow in place
const MAX_NESTING = 32;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const NATIVE_ORDER = LITTLE_ENDIAN_HOST ? '<' : '>';
const DESCR: Record<DType, string> = { float64: 'f8', float32: 'f4', int32: 'i4' };

/** A value of the Python literal subset .npy headers use. */
type Py =
  | { k: 'str'; v: string }
  | { k: 'int'; v: number; text: string }
  | { k: 'float'; text: string }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'tuple'; v: Py[] }
  | { k: 'list'; v: Py[] }
  | { k: 'dict'; v: [string, Py][] };

/** Python-style repr for error messages. */
function repr(p: Py): string {
  switch (p.k) {
    case 'str': return `'${p.v}'`;
    case 'int': return p.text;
    case 'float': return p.text;
    case 'bool': return p.v ? 'True' : 'False';
    case 'none': return 'None';
    case 'tuple': return p.v.length === 1 ? `(${repr(p.v[0])},)` : `(${p.v.map(repr).join(', ')})`;
    case 'list': return `[${p.v.map(repr).join(', ')}]`;
    case 'dict': return `{${p.v.map(([k, v]) => `'${k}': ${repr(v)}`).join(', ')}}`;
  }
}

class HeaderParser {
  private i = 0;
  constructor(private readonly s: string, private readonly allowLongSuffix: boolean, private readonly fail: (m: string) => never) {}

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) this.i++;
      else break;
    }
  }

  private where(): string {
    const near = this.s.slice(this.i, this.i + 12);
    return this.i >= this.s.length ? 'at the end of the header' : `at column ${this.i + 1} (near ${JSON.stringify(near)})`;
  }

  /** The whole header: one dict literal, then only whitespace. */
  parseHeader(): [string, Py][] {
    this.ws();
    if (this.s[this.i] !== '{') this.fail(`the header is not a Python dict literal: expected '{' ${this.where()}`);
    const d = this.value(0);
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected text after the header dict ${this.where()}`);
    return (d as { k: 'dict'; v: [string, Py][] }).v;
  }

  private value(depth: number): Py {
    if (depth > MAX_NESTING) this.fail(`the header nests deeper than ${MAX_NESTING} levels`);
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '{') return this.dict(depth);
    if (c === '(' || c === '[') return this.sequence(depth, c);
    if (c === "'" || c === '"') return { k: 'str', v: this.string() };
    if (c !== undefined && /[0-9+\-.]/.test(c)) return this.number();
    for (const [word, val] of [['True', { k: 'bool', v: true }], ['False', { k: 'bool', v: false }], ['None', { k: 'none' }]] as const) {
      if (s.startsWith(word, this.i) && !/[A-Za-z0-9_]/.test(s[this.i + word.length] ?? '')) {
        this.i += word.length;
        return val as Py;
      }
    }
    this.fail(`unexpected token in the header ${this.where()}`);
  }

  private dict(depth: number): Py {
    this.i++; // '{'
    const entries: [string, Py][] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') { this.i++; break; }
      const key = this.value(depth + 1);
      if (key.k !== 'str') this.fail(`header dict keys must be strings but found ${repr(key)}`);
      this.ws();
      if (this.s[this.i] !== ':') this.fail(`expected ':' after the key '${key.v}' ${this.where()}`);
      this.i++;
      const val = this.value(depth + 1);
      if (entries.some(([k]) => k === key.v)) this.fail(`the header repeats the key '${key.v}'`);
      entries.push([key.v, val]);
      this.ws();
      if (this.s[this.i] === ',') { this.i++; continue; }
      if (this.s[this.i] === '}') { this.i++; break; }
      this.fail(`expected ',' or '}' in the header dict ${this.where()}`);
    }
    return { k: 'dict', v: entries };
  }

  /** A tuple `(...)` (`(x)` is just x, as in Python) or a list `[...]`. */
  private sequence(depth: number, open: string): Py {
    const close = open === '(' ? ')' : ']';
    this.i++;
    const items: Py[] = [];
    let trailingComma = false;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) { this.i++; break; }
      items.push(this.value(depth + 1));
      this.ws();
      trailingComma = false;
      if (this.s[this.i] === ',') { this.i++; trailingComma = true; continue; }
      if (this.s[this.i] === close) { this.i++; break; }
      this.fail(`expected ',' or '${close}' ${this.where()}`);
    }
    if (open === '[') return { k: 'list', v: items };
    if (items.length === 1 && !trailingComma) return items[0]; // parenthesised expression
    return { k: 'tuple', v: items };
  }

  private string(): string {
    const s = this.s;
    const q = s[this.i++];
    let out = '';
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string in the header');
      const c = s[this.i++];
      if (c === q) return out;
      if (c === '\n') this.fail('unterminated string in the header');
      if (c === '\\') {
        const e = s[this.i++];
        if (e === '\\' || e === "'" || e === '"') out += e;
        else if (e === 'n') out += '\n';
        else if (e === 't') out += '\t';
        else out += '\\' + (e ?? '');
      } else out += c;
    }
  }

  private number(): Py {
    const s = this.s;
    const start = this.i;
    if (s[this.i] === '+' || s[this.i] === '-') this.i++;
    while (this.i < s.length && /[0-9A-Za-z_.]/.test(s[this.i])) {
      // exponent signs: 1e-5
      if ((s[this.i] === 'e' || s[this.i] === 'E') && (s[this.i + 1] === '+' || s[this.i + 1] === '-')) this.i++;
      this.i++;
    }
    let text = s.slice(start, this.i);
    if (this.allowLongSuffix && /^[+-]?\d+[lL]$/.test(text)) text = text.slice(0, -1); // Python 2 longs: 3L
    if (/^[+-]?\d+$/.test(text)) return { k: 'int', v: Number(text), text };
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { k: 'float', text };
    this.fail(`malformed number '${text}' in the header`);
  }
}

interface NpyDType {
  /** The tensor dtype the data is read as. */
  dtype: DType;
  kind: 'f' | 'i' | 'u' | 'b';
  itemsize: number;
  /** Byte order of the file's data: true = little endian. */
  little: boolean;
}

const KIND_NAMES: Record<string, string> = {
  c: 'complex', U: 'unicode string', S: 'byte string', a: 'byte string', O: 'Python object', M: 'datetime64',
  m: 'timedelta64', V: 'void/structured', f: 'float', i: 'signed integer', u: 'unsigned integer', b: 'bool',
};
const SUPPORTED = 'f8, f4, f2, i8, i4, i2, i1, u8, u4, u2, u1 and b1';
const READ_AS: Record<string, DType> = {
  f8: 'float64', f4: 'float32', f2: 'float32', i4: 'int32', i2: 'int32', i1: 'int32', u2: 'int32', u1: 'int32', b1: 'int32',
  u4: 'float64', i8: 'float64', u8: 'float64',
};

/**
 * The tensor dtype for a descr. f8/f4/i4 are read as themselves; everything else as the smallest
 * tensorblas dtype that holds every value exactly, except 64-bit integers:
 * i1/i2/u1/u2/b1 -> int32, f2 -> float32, u4 -> float64, i8/u8 -> float64 (exact up to 2^53,
 * rounded to nearest beyond, as NumPy's astype(float64)).
 */
function parseDescr(d: Py, source: string, fail: (m: string) => never): NpyDType {
  if (d.k === 'list') throw new TypeError(`${source}: unsupported .npy dtype: structured descr ${repr(d)}; only plain numeric descrs (${SUPPORTED}) can be read`);
  if (d.k !== 'str') fail(`'descr' must be a string but is ${repr(d)}`);
  const m = /^([<>|=]?)([A-Za-z])(\d+)$/.exec(d.v);
  const kindName = m ? KIND_NAMES[m[2]] : KIND_NAMES[d.v.replace(/^[<>|=]/, '')[0] ?? ''];
  const unsupported = (): never => {
    throw new TypeError(`${source}: unsupported .npy dtype descr '${d.v}'${kindName ? ` (${kindName})` : ''}: tensorblas reads ${SUPPORTED}`);
  };
  if (!m) unsupported();
  const [, order, kind, sizeText] = m!;
  const itemsize = Number(sizeText);
  const dtype = READ_AS[kind + sizeText];
  if (dtype === undefined) unsupported();
  // '|' (not applicable) and '=' or nothing (native) read as the host's order, as numpy.dtype does.
  const little = order === '<' ? true : order === '>' ? false : LITTLE_ENDIAN_HOST;
  return { dtype: dtype!, kind: kind as NpyDType['kind'], itemsize, little };
}

interface NpyHeader {
  type: NpyDType;
  fortran: boolean;
  shape: number[];
  size: number;
  dataStart: number;
}

function bytesOf(input: unknown, what: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer)) {
    return new Uint8Array(input);
  }
  throw new TypeError(`Expected a Uint8Array, ArrayBufferView or ArrayBuffer for ${what} but received ${describe(input)}`);
}

function readHeader(b: Uint8Array, source: string): NpyHeader {
  const fail = (m: string): never => {
    throw new Error(`${source}: ${m}`);
  };
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= b.length) fail(`not a .npy file: ${b.length} bytes is too short for the magic string \\x93NUMPY`);
    if (b[i] !== MAGIC[i]) {
      const zip = b[0] === 0x50 && b[1] === 0x4b;
      fail(`not a .npy file: bad magic string (expected \\x93NUMPY)${zip ? '; this looks like a zip archive (.npz): read it with loadNpz or fromNpz' : ''}`);
    }
  }
  if (b.length < 8) fail('truncated .npy file: the format version is missing');
  const major = b[6];
  const minor = b[7];
  if (!(major >= 1 && major <= 3 && minor === 0)) fail(`unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  const lenBytes = major === 1 ? 2 : 4;
  const prefix = 8 + lenBytes;
  if (b.length < prefix) fail(`truncated .npy file: the header length field needs ${prefix} bytes but there are ${b.length}`);
  const hlen = major === 1 ? b[8] | (b[9] << 8) : (b[8] | (b[9] << 8) | (b[10] << 16)) + b[11] * 2 ** 24;
  const dataStart = prefix + hlen;
  if (dataStart > b.length) fail(`truncated .npy file: the header length ${hlen} runs past the end of the data (${b.length} bytes)`);
  const raw = b.subarray(prefix, dataStart);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      fail('the version 3.0 header is not valid UTF-8');
    }
  } else {
    // latin1, byte for byte (TextDecoder's 'latin1' is windows-1252)
    text = '';
    for (let i = 0; i < raw.length; i += 8192) text += String.fromCharCode(...raw.subarray(i, i + 8192));
  }
  const entries = new HeaderParser(text!, major < 3, fail).parseHeader();
  const get = (key: string): Py => {
    const e = entries.find(([k]) => k === key);
    if (!e) fail(`the header has no '${key}' key (keys: ${entries.map(([k]) => `'${k}'`).join(', ') || 'none'})`);
    return e![1];
  };
  for (const [k] of entries) {
    if (k !== 'descr' && k !== 'fortran_order' && k !== 'shape') fail(`unexpected key '${k}' in the header (expected 'descr', 'fortran_order', 'shape')`);
  }
  const shapeP = get('shape');
  const fortranP = get('fortran_order');
  const descrP = get('descr');
  if (fortranP.k !== 'bool') fail(`'fortran_order' must be True or False but is ${repr(fortranP)}`);
  if (shapeP.k !== 'tuple') fail(`'shape' must be a tuple of integers but is ${repr(shapeP)}`);
  const dims = (shapeP as { v: Py[] }).v;
  if (dims.length > MAX_DIMS) throw new RangeError(`${source}: shape ${repr(shapeP)} has ${dims.length} dimensions; at most ${MAX_DIMS} are supported`);
  const shape: number[] = [];
  let size = 1;
  for (const d of dims) {
    if (d.k !== 'int') fail(`'shape' must be a tuple of integers but contains ${repr(d)}`);
    const n = (d as { v: number }).v;
    if (n < 0) throw new RangeError(`${source}: shape ${repr(shapeP)} has a negative dimension ${n}`);
    if (!Number.isSafeInteger(n)) throw new RangeError(`${source}: shape ${repr(shapeP)} has a dimension too large to address`);
    shape.push(n + 0); // (-0,) is a dimension of 0
    size *= n;
  }
  if (size > MAX_SIZE) {
    const count = size <= Number.MAX_SAFE_INTEGER ? `${size}` : 'more than 2^53';
    throw new RangeError(`${source}: shape ${repr(shapeP)} has ${count} elements: too large to allocate (at most 2^32)`);
  }
  const type = parseDescr(descrP, source, fail);
  const need = size * type.itemsize;
  const have = b.length - dataStart;
  if (have < need) {
    fail(`truncated .npy data: shape ${repr(shapeP)} of '${(descrP as { v: string }).v}' needs ${need} bytes of data but only ${have} follow the header`);
  }
  return { type, fortran: (fortranP as { v: boolean }).v, shape, size, dataStart };
}

function fortranStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = 0; i < shape.length; i++) {
    strides[i] = s;
    s *= shape[i] || 1;
  }
  return strides;
}

/** The elements in file order as a typed array of the tensor dtype: a view when possible. */
function readData(b: Uint8Array, h: NpyHeader): TypedArray {
  const { type, size: n } = h;
  const start = b.byteOffset + h.dataStart;
  const native = type.little === LITTLE_ENDIAN_HOST || type.itemsize === 1;
  const direct = (type.kind === 'f' && type.itemsize !== 2) || (type.kind === 'i' && type.itemsize === 4);
  if (direct && native) {
    if (start % type.itemsize === 0) return new ARRAY_TYPES[type.dtype](b.buffer as ArrayBuffer, start, n); // zero copy
    const out = allocate(type.dtype, n, false);
    new Uint8Array(out.buffer, out.byteOffset, n * type.itemsize).set(b.subarray(h.dataStart, h.dataStart + n * type.itemsize));
    return out;
  }
  const out = allocate(type.dtype, n, false);
  const dv = new DataView(b.buffer, start, n * type.itemsize);
  const le = type.little;
  if (direct) {
    // Byte swap, as integers so that NaN payloads survive bit for bit.
    const w = new Uint32Array(out.buffer, out.byteOffset, (n * type.itemsize) >> 2);
    if (type.itemsize === 8) {
      for (let i = 0, p = 0; i < n; i++, p += 8) {
        w[2 * i] = dv.getUint32(p + 4, le);
        w[2 * i + 1] = dv.getUint32(p, le);
      }
    } else {
      for (let i = 0; i < n; i++) w[i] = dv.getUint32(4 * i, le);
    }
    return out;
  }
  const src = b.subarray(h.dataStart, h.dataStart + n * type.itemsize);
  switch (type.kind + type.itemsize) {
    case 'b1': for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0; break;
    case 'u1': for (let i = 0; i < n; i++) out[i] = src[i]; break;
    case 'i1': for (let i = 0; i < n; i++) out[i] = (src[i] << 24) >> 24; break;
    case 'i2': for (let i = 0; i < n; i++) out[i] = dv.getInt16(2 * i, le); break;
    case 'u2': for (let i = 0; i < n; i++) out[i] = dv.getUint16(2 * i, le); break;
    case 'u4': for (let i = 0; i < n; i++) out[i] = dv.getUint32(4 * i, le); break;
    case 'f2': for (let i = 0; i < n; i++) out[i] = halfToNumber(dv.getUint16(2 * i, le)); break;
    case 'i8':
    case 'u8': {
      // hi * 2^32 is exact and the sum rounds once: the nearest double, as NumPy's astype(float64).
      const signed = type.kind === 'i';
      const hiOff = le ? 4 : 0;
      const loOff = le ? 0 : 4;
      for (let i = 0, p = 0; i < n; i++, p += 8) {
        const hi = signed ? dv.getInt32(p + hiOff, le) : dv.getUint32(p + hiOff, le);
        out[i] = hi * 4294967296 + dv.getUint32(p + loOff, le);
      }
      break;
    }
    default: throw new Error(`internal: no reader for ${type.kind}${type.itemsize}`);
  }
  return out;
}

/** The value of an IEEE 754 half-precision bit pattern (float16, as .npy 'f2' and Arrow's Float16 store it). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return sign * f * 2 ** -24;
  if (e === 31) return f === 0 ? sign * Infinity : NaN;
  return sign * (1024 + f) * 2 ** (e - 25);
}

function decodeNpy(input: unknown, source: string): Tensor {
  const b = bytesOf(input, 'bytes');
  const h = readHeader(b, source);
  const data = readData(b, h);
  const strides = h.fortran ? fortranStrides(h.shape) : contiguousStrides(h.shape);
  return Tensor._trusted(data, h.shape, strides, 0);
}

/**
 * Reads a tensor from the bytes of a `.npy` file (format 1.0, 2.0 or 3.0; C or Fortran order;
 * little, big or native byte order).
 *
 * dtypes: `f8`, `f4`, `i4` are read as float64, float32, int32. Others are read as the nearest
 * tensorblas dtype by a fixed rule that does not depend on the values: `i1`, `i2`, `u1`, `u2` and
 * `b1` (bool, as 0/1) -> int32; `f2` -> float32; `u4`, `i8`, `u8` -> float64 (exact up to 2^53,
 * rounded to the nearest double beyond, as NumPy's `astype(np.float64)`). Complex, string, object,
 * datetime and structured descrs throw a TypeError naming the descr.
 *
 * No copy: when the data is `f8`/`f4`/`i4` in the host's byte order and aligned to its element
 * size inside `bytes`, the tensor's `data` is a view of `bytes` (mutating one mutates the other;
 * pass `bytes.slice()` to detach). A Fortran-order file gives a tensor with Fortran strides over
 * the same data. Otherwise the data is copied once (byte-swapped bit for bit, so NaN payloads
 * survive). Bytes after the data are ignored, as `numpy.load` does.
 *
 * @throws Error for malformed input (bad magic, unknown version, truncated header or data, a
 * header that is not the expected dict), naming the problem.
 * @throws RangeError for negative, oversized or too many dimensions.
 * @throws TypeError for an unsupported descr (naming it) or input that is not bytes.
 * @example
 * ```ts
 * const t = fromNpy(readFileSync('weights.npy'));
 * fromNpy(toNpy(tensor([[1, 2], [3, 4]]))).toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function fromNpy(bytes: Uint8Array | ArrayBufferView | ArrayBuffer): Tensor {
  return decodeNpy(bytes, 'fromNpy');
}

function isFContiguous(t: Tensor): boolean {
  let s = 1;
  for (let i = 0; i < t.shape.length; i++) {
    const d = t.shape[i];
    if (d === 0) return true;
    if (d !== 1 && t.strides[i] !== s) return false;
    s *= d;
  }
  return true;
}

/** numpy.lib.format's header bytes (magic, version, length, dict, padding, '\n') for the layout. */
function npyHeader(dtype: DType, fortran: boolean, shape: readonly number[]): Uint8Array {
  const nd = shape.length;
  const shp = nd === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${NATIVE_ORDER}${DESCR[dtype]}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shp}, }`;
  if (nd > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[fortran ? nd - 1 : 0]).length));
  const hlen = dict.length + 1; // + '\n'
  let prefix = 10;
  let pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
  if (hlen + pad > 0xffff) {
    prefix = 12;
    pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
  }
  const total = prefix + hlen + pad;
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  const len = hlen + pad;
  out[8] = len & 0xff;
  out[9] = (len >> 8) & 0xff;
  if (prefix === 12) {
    out[10] = (len >> 16) & 0xff;
    out[11] = (len >>> 24) & 0xff;
  }
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  out.fill(0x20, prefix + dict.length, total - 1);
  out[total - 1] = 0x0a;
  return out;
}

/**
 * The bytes of a `.npy` file (format 1.0, or 2.0 if the header needs it) holding `t`, exactly as
 * `numpy.save` writes them: descr `'<f8'`, `'<f4'` or `'<i4'` (host byte order), the header padded
 * so the data starts on a 64-byte boundary. A C-contiguous tensor is written as it is, an
 * F-contiguous one (e.g. a transposed matrix) with `fortran_order: True`, anything else in C order
 * (copied once, straight into the result).
 *
 * @throws TypeError if `t` is not a Tensor.
 * @example
 * ```ts
 * const bytes = toNpy(tensor([[1, 2], [3, 4]], { dtype: 'float32' }));
 * // Python: np.load(io.BytesIO(bytes)) -> array([[1., 2.], [3., 4.]], dtype=float32)
 * ```
 */
export function toNpy(t: Tensor): Uint8Array {
  if (!(t instanceof Tensor)) throw new TypeError(`Expected a Tensor but received ${describe(t)}`);
  const c = t.isContiguous;
  const fortran = !c && isFContiguous(t);
  const header = npyHeader(t.dtype, fortran, t.shape);
  const bpe = ARRAY_TYPES[t.dtype].BYTES_PER_ELEMENT;
  const nbytes = t.size * bpe;
  const out = new Uint8Array(header.length + nbytes);
  out.set(header);
  if (t.size === 0) return out;
  if (c || fortran) {
    // Both layouts keep the elements at offset .. offset + size - 1, in file order.
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset + t.offset * bpe, nbytes), header.length);
  } else {
    const dst = new ARRAY_TYPES[t.dtype](out.buffer, header.length, t.size);
    copyInto(t, Tensor._trusted(dst, t.shape.slice(), contiguousStrides(t.shape), 0));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

/**
 * A file path as tensorblas's file functions take it: a string, a `file:` URL, or the path's bytes
 * as a Buffer or Uint8Array (as node:fs takes them). Nothing else: node:fs would take a number as
 * an open file descriptor (0 is stdin, 1 stdout), so `load(0)` could block on stdin and `save(1, t)`
 * write into stdout; here a number, like any other value, is a TypeError before a file is touched.
 * An empty path, one containing a NUL character (byte 0) and a URL that is not a local `file:` URL
 * are TypeErrors too.
 */
export type FilePath = string | URL | Uint8Array;

const PATH_TYPES = 'a string, URL or Buffer path';

/**
 * Checks a {@link FilePath} before node:fs sees it and gives what node:fs should be handed: the
 * string, a file URL's local path, or the bytes as a Buffer (a view, not a copy).
 */
export function checkPath(path: unknown, what: string): string | Buffer {
  if (typeof path === 'string') {
    if (path.length === 0) throw new TypeError(`Expected ${PATH_TYPES} for ${what} but received an empty string`);
    const nul = path.indexOf('\0');
    if (nul >= 0) throw new TypeError(`Expected ${PATH_TYPES} without NUL characters for ${what} but received ${JSON.stringify(path)} (NUL at index ${nul})`);
    return path;
  }
  if (path instanceof URL) {
    if (path.protocol !== 'file:') throw new TypeError(`Expected a file: URL for ${what} but received the ${path.protocol} URL ${path.href}`);
    let local: string;
    try {
      local = fileURLToPath(path);
    } catch (e) {
      throw new TypeError(`Expected a file: URL of a local path for ${what} but received ${path.href} (${(e as Error).message})`);
    }
    if (local.includes('\0')) throw new TypeError(`Expected a file: URL without NUL characters for ${what} but received ${path.href}`);
    return local;
  }
  if (path instanceof Uint8Array) {
    if (path.length === 0) throw new TypeError(`Expected ${PATH_TYPES} for ${what} but received an empty ${path.constructor.name}`);
    const nul = path.indexOf(0);
    if (nul >= 0) throw new TypeError(`Expected ${PATH_TYPES} without NUL bytes for ${what} but received a ${path.constructor.name} with byte 0 at index ${nul}`);
    return Buffer.isBuffer(path) ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength);
  }
  throw new TypeError(`Expected ${PATH_TYPES} for ${what} but received ${describe(path)}`);
}

/** The path for error messages, after {@link checkPath} accepted it. */
/** A path as error messages name it (a file URL by its href). */
export function describePath(path: FilePath): string {
  if (typeof path === 'string') return `'${path}'`;
  if (path instanceof URL) return `'${path.href}'`;
  return `'${Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString('utf8')}'`;
}

/**
 * Writes `t` to `path` as a `.npy` file (see {@link toNpy}), synchronously. Unlike `numpy.save`,
 * `.npy` is not appended to the path.
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @throws TypeError if `path` is not a {@link FilePath} (a number, an empty string, ...) or `t`
 * is not a Tensor; nothing is written then. File-system errors (ENOENT, EACCES) pass through.
 * @example
 * ```ts
 * save('/tmp/a.npy', eye(3)); // np.load('/tmp/a.npy') in Python
 * ```
 */
export function save(path: FilePath, t: Tensor): void {
  const p = checkPath(path, 'path');
  writeFileSync(p, toNpy(t));
}

/**
 * Reads a `.npy` file (see {@link fromNpy} for formats and dtypes), synchronously. The tensor
 * wraps the file's buffer without a copy when its data is native-endian `f8`/`f4`/`i4`.
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @throws TypeError if `path` is not a {@link FilePath}, before anything is read; otherwise as
 * {@link fromNpy}, with messages that name the file. File-system errors pass through.
 * @example
 * ```ts
 * const w = load('/tmp/a.npy'); // saved by numpy.save or by save()
 * ```
 */
export function load(path: FilePath): Tensor {
  const p = checkPath(path, 'path');
  return decodeNpy(readFileSync(p), `load(${describePath(path)})`);
}

/**
 * {@link save} without blocking the event loop: the bytes are built at the call (so `t` may be
 * changed afterwards) and written with `fs/promises`.
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @throws TypeError (as a rejection) if `path` is not a {@link FilePath} or `t` is not a Tensor;
 * nothing is written then.
 * @example
 * ```ts
 * await saveAsync('/tmp/a.npy', rand([100, 100]));
 * ```
 */
export async function saveAsync(path: FilePath, t: Tensor): Promise<void> {
  const p = checkPath(path, 'path');
  await writeFile(p, toNpy(t));
}

/**
 * {@link load} without blocking the event loop while the file is read (`fs/promises`).
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @throws TypeError (as a rejection) if `path` is not a {@link FilePath}, before anything is
 * read; otherwise as {@link load}.
 * @example
 * ```ts
 * const w = await loadAsync('/tmp/a.npy');
 * ```
 */
export async function loadAsync(path: FilePath): Promise<Tensor> {
  const p = checkPath(path, 'path');
  return decodeNpy(await readFile(p), `loadAsync(${describePath(path)})`);
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link readCsv}, {@link readCsvAsync} and {@link parseCsv} when they return a tensor.
 * With a `labels` column they take {@link CsvLabelOptions} and return a {@link LabeledCsv}.
 */
export interface CsvOptions {
  /** Field separator, one or more characters (no line breaks, no `"`); default `','`. */
  delimiter?: string | undefined;
  /**
   * When true the first line (record) is a header of column names; it is not data, and its names
   * can select `columns` and `labels`. Default false.
   */
  header?: boolean | undefined;
  /**
   * The columns to read, in the order given (NumPy's `usecols`, pandas' `usecols`): 0-based
   * indices (negative ones count from the end of the row) or header names (these need
   * `header: true`); a column may be named twice. Columns not selected are skipped without being
   * parsed, so they may hold text. Default: every column (except the `labels` column, if any).
   * An unknown name, an ambiguous one (repeated in the header) or an index outside the row is a
   * RangeError naming it and listing the header.
   */
  columns?: readonly (number | string)[] | undefined;
  /**
   * The number stored for a missing field: an empty field (`1,,3` or `""`) or one of
   * `missingValues`. Usually `NaN` (genfromtxt's `filling_values`; pandas reads empty fields as
   * NaN). Default: none, and a missing field is an Error naming its line and field.
   */
  missing?: number | undefined;
  /**
   * Field texts that also count as missing, compared after spaces around the field (and the
   * quotes of a quoted field) are removed, e.g. `['NA', 'N/A', '?']` (genfromtxt's
   * `missing_values`, pandas' `na_values`). Default `[]`: only empty fields are missing. (`nan`
   * needs no entry: it is read as NaN anyway.)
   */
  missingValues?: readonly string[] | undefined;
  /**
   * Not set here: a `labels` column makes the readers return a {@link LabeledCsv}; see
   * {@link CsvLabelOptions}.
   */
  labels?: undefined;
}

/**
 * {@link CsvOptions} plus a `labels` column: {@link readCsv}, {@link readCsvAsync} and
 * {@link parseCsv} then return a {@link LabeledCsv} instead of a tensor.
 */
export interface CsvLabelOptions extends Omit<CsvOptions, 'labels'> {
  /**
   * The column of class labels (the species of Iris), as a 0-based index (negative counts from
   * the end) or a header name (needs `header: true`). Its text is returned as strings and as
   * integer codes rather than parsed as numbers; unless `columns` is given, the data is every
   * other column. Label fields are taken as they are (an empty field is the label `''`).
   */
  labels: number | string;
}

/** What {@link readCsv}, {@link readCsvAsync} and {@link parseCsv} return for {@link CsvLabelOptions}. */
export interface LabeledCsv {
  /** The numeric columns, float64 of shape [rows, columns] (as without labels). */
  data: Tensor<'float64', 2>;
  /** The label of each row, in file order (length rows). */
  labels: string[];
  /**
   * The distinct labels, sorted by code point, like `np.unique` and scikit-learn's
   * `LabelEncoder.classes_` (not in order of first appearance).
   */
  classes: string[];
  /** int32 of shape [rows]: `codes[i]` is the index of `labels[i]` in `classes`. */
  codes: Tensor<'int32', 1>;
}

const CHUNK_CHARS = 1 << 20;
const QUOTE = 34; // "
const MISSING_HINT = '(pass { missing: NaN } to read missing fields as NaN)';

/**
 * A streaming parser of numeric delimited text: records are parsed as they complete, values go
 * into a growing Float64Array. Fields are split and validated with charCode scans (no regex, no
 * split()); the conversion itself is Number() of the validated field, which rounds correctly.
 *
 * Quotes (RFC 4180) cost nothing on lines without a `"`: a line is cut at its `\n` and parsed in
 * place. A line that has one goes through parseQuoted, after recordEnd has found where the record
 * ends (outside quotes, counting `""` as two toggles); a record not yet complete at the end of a
 * chunk is kept as pieces together with whether it ends inside quotes, so a quoted field may span
 * any number of chunks and is joined once.
 */
class CsvParser {
  private out = new Float64Array(1024);
  private n = 0;
  private rows = 0;
  /** Physical lines seen so far (1-based number of the current line while it is parsed). */
  private line = 0;
  /** Pieces of a record that has not ended yet (kept apart: re-joining at every chunk is quadratic). */
  private pending: string[] = [];
  /** Whether the pending pieces end inside a quoted field. */
  private pendingQuote = false;
  /** recordEnd's quote state when it found no end. */
  private scanQuote = false;
  private started = false;
  private readonly delim: string;
  private readonly d0: number;
  /** The header has not been read yet. */
  private needHeader: boolean;
  private names: string[] | null = null;
  /** Header index of each name used by `columns` or `labels`. */
  private nameIndex = new Map<string, number>();
  private readonly columnSpec: readonly (number | string)[] | null;
  private readonly labelSpec: number | string | undefined;
  private readonly hasMissing: boolean;
  private readonly missing: number;
  private readonly naSet: Set<string> | null;
  /** Fields per data row, fixed by the first one (-1 before). */
  private count = -1;
  private countLine = 0;
  /** Output columns per row, and the output column of each field (-1: skipped). */
  private k = 0;
  private slotOf = new Int32Array(0);
  /** Pairs (from, to) of output columns: a field selected more than once. */
  private dups: number[] = [];
  private labelCol = -1;
  /** Labels are collected as ids in order of first appearance (each distinct string kept once). */
  private readonly labeled: boolean;
  private labelId = new Map<string, number>();
  private labelFirst: string[] = [];
  private labelIds = new Int32Array(0);
  // spans of the fields of a quoted record: start, end, flags (1 quoted, 2 has ""), line
  private spans: number[] = [];

  constructor(opts: CsvOptions | CsvLabelOptions | undefined, private readonly source: string) {
    if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
      throw new TypeError(`Expected an options object { delimiter?, header?, columns?, labels?, missing?, missingValues? } but received ${describe(opts)}`);
    }
    const delimiter = opts?.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter.length === 0 || /[\r\n"]/.test(delimiter)) {
      throw new TypeError(`Expected a non-empty string without line breaks or double quotes for delimiter but received ${describe(delimiter)}`);
    }
    const header = opts?.header ?? false;
    if (typeof header !== 'boolean') throw new TypeError(`Expected a boolean for header but received ${describe(header)}`);
    const needsHeader = (spec: number | string, what: string): void => {
      if (typeof spec === 'string' && !header) {
        throw new TypeError(`Expected an integer index for ${what} but received the header name ${JSON.stringify(spec)}: names need header: true`);
      }
    };
    const columns = opts?.columns;
    if (columns !== undefined) {
      if (!Array.isArray(columns)) throw new TypeError(`Expected an array of column indices or header names for columns but received ${describe(columns)}`);
      columns.forEach((c, j) => {
        if (!(typeof c === 'string' || Number.isSafeInteger(c))) {
          throw new TypeError(`Expected an integer index or a header name for columns[${j}] but received ${describe(c)}`);
        }
        needsHeader(c, `columns[${j}]`);
      });
      this.columnSpec = columns.slice();
    } else this.columnSpec = null;
    const labels = opts?.labels;
    if (labels !== undefined) {
      if (!(typeof labels === 'string' || Number.isSafeInteger(labels))) {
        throw new TypeError(`Expected an integer index or a header name for labels but received ${describe(labels)}`);
      }
      needsHeader(labels, 'labels');
    }
    this.labelSpec = labels;
    this.labeled = labels !== undefined;
    const missing = opts?.missing;
    if (missing !== undefined && typeof missing !== 'number') throw new TypeError(`Expected a number (e.g. NaN) for missing but received ${describe(missing)}`);
    this.hasMissing = missing !== undefined;
    this.missing = missing ?? NaN;
    const na = opts?.missingValues;
    if (na !== undefined) {
      if (!Array.isArray(na)) throw new TypeError(`Expected an array of strings for missingValues but received ${describe(na)}`);
      na.forEach((s, j) => {
        if (typeof s !== 'string') throw new TypeError(`Expected a string for missingValues[${j}] but received ${describe(s)}`);
      });
    }
    this.naSet = na && na.length ? new Set(na) : null;
    this.delim = delimiter;
    this.d0 = delimiter.charCodeAt(0);
    this.needHeader = header;
  }

  push(chunk: string): void {
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // UTF-8 byte order mark
    }
    const len = chunk.length;
    let start = 0;
    if (this.pending.length) {
      // The record earlier chunks began may end in this one.
      const end = this.recordEnd(chunk, 0, this.pendingQuote);
      if (end < 0) {
        if (len) this.pending.push(chunk);
        this.pendingQuote = this.scanQuote;
        return;
      }
      this.pending.push(chunk.slice(0, end));
      const record = this.pending.join('');
      this.pending = [];
      this.pendingQuote = false;
      this.record(record, 0, record.length);
      start = end + 1;
    }
    let nq = chunk.indexOf('"', start); // the next quote: lines before it take the fast path
    if (nq < 0) nq = len;
    while (start < len) {
      if (nq < start) {
        nq = chunk.indexOf('"', start);
        if (nq < 0) nq = len;
      }
      const nl = chunk.indexOf('\n', start);
      if (nq >= (nl < 0 ? len : nl)) {
        if (nl < 0) {
          this.pending.push(chunk.slice(start));
          return;
        }
        this.parseLine(chunk, start, nl);
        start = nl + 1;
      } else {
        const end = this.recordEnd(chunk, start, false);
        if (end < 0) {
          this.pending.push(chunk.slice(start));
          this.pendingQuote = this.scanQuote;
          return;
        }
        this.parseQuoted(chunk, start, end);
        start = end + 1;
      }
    }
  }

  /** The data; then {@link labelResult} for the labels. */
  end(): Tensor {
    if (this.pending.length) {
      const record = this.pending.join('');
      this.pending = [];
      this.record(record, 0, record.length); // an unterminated quote throws here
    }
    if (this.rows === 0) return Tensor._trusted(new Float64Array(0), [0, 0], contiguousStrides([0, 0]), 0);
    const data = this.n === this.out.length ? this.out : this.out.slice(0, this.n);
    const shape = [this.rows, this.k];
    return Tensor._trusted(data, shape, contiguousStrides(shape), 0);
  }

  /**
   * The index of the `\n` that ends the record starting at `p` (in quotes or not, per `inQ`), or
   * -1 if `text` ends first; then `scanQuote` says whether it ended inside quotes. A `""` escape
   * toggles twice, so it needs no special case.
   */
  private recordEnd(text: string, p: number, inQ: boolean): number {
    let nl = -2; // the next '\n' at or after p; -2: not searched yet
    for (;;) {
      if (inQ) {
        const q = text.indexOf('"', p);
        if (q < 0) {
          this.scanQuote = true;
          return -1;
        }
        inQ = false;
        p = q + 1;
      } else {
        if (nl === -2 || (nl >= 0 && nl < p)) nl = text.indexOf('\n', p);
        const q = text.indexOf('"', p);
        if (q < 0 || (nl >= 0 && nl < q)) {
          this.scanQuote = false;
          return nl;
        }
        inQ = true;
        p = q + 1;
      }
    }
  }

  /** A whole record that was pending: the fast path unless it holds a quote. */
  private record(text: string, s: number, e: number): void {
    const q = text.indexOf('"', s);
    if (q >= 0 && q < e) this.parseQuoted(text, s, e);
    else this.parseLine(text, s, e);
  }

  private fail(message: string, line = this.line): never {
    throw new Error(`${this.source}: line ${line}: ${message}`);
  }

  private grow(need: number): void {
    let size = this.out.length * 2;
    while (size < need) size *= 2;
    const grown = new Float64Array(size);
    grown.set(this.out.subarray(0, this.n));
    this.out = grown;
  }

  /** One line without quotes (the common case): fields are parsed in place. */
  private parseLine(text: string, s: number, e: number): void {
    this.line++;
    // trim: spaces, tabs and the \r of CRLF (but never the delimiter itself, e.g. a tab)
    const d0 = this.d0;
    while (s < e && isSpace(text.charCodeAt(s)) && text.charCodeAt(s) !== d0) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1)) && text.charCodeAt(e - 1) !== d0) e--;
    if (this.needHeader) {
      this.setHeader(s === e ? [] : this.splitPlain(text, s, e));
      return;
    }
    if (s === e) return; // blank line
    const delim = this.delim;
    const dlen = delim.length;
    if (this.count < 0) this.firstRow(this.countPlain(text, s, e), this.line);
    const count = this.count;
    const slotOf = this.slotOf;
    const labelCol = this.labelCol;
    if (this.n + this.k > this.out.length) this.grow(this.n + this.k);
    const out = this.out;
    const base = this.n;
    let col = 0;
    let p = s;
    for (;;) {
      // field end: the next delimiter on this line, or the line's end
      let q = p;
      while (q < e && (text.charCodeAt(q) !== d0 || (dlen > 1 && !text.startsWith(delim, q)))) q++;
      if (col >= count) this.ragged(this.countPlain(text, s, e));
      const slot = slotOf[col];
      if (slot >= 0 || col === labelCol) {
        let fs = p;
        let fe = q;
        while (fs < fe && isSpace(text.charCodeAt(fs))) fs++;
        while (fe > fs && isSpace(text.charCodeAt(fe - 1))) fe--;
        if (slot >= 0) {
          const v = parseField(text, fs, fe);
          out[base + slot] = v === undefined ? this.notANumber(text.slice(fs, fe), col, this.line) : v;
        }
        if (col === labelCol) this.label(text.slice(fs, fe));
      }
      col++;
      if (q >= e) break;
      p = q + dlen;
    }
    if (col !== count) this.ragged(col);
    this.endRow();
  }

  /**
   * One record with quotes, [s, e) (it may span lines): its fields are found first, then read as
   * the header or as data. Errors name the physical line of the field.
   */
  private parseQuoted(text: string, s: number, e: number): void {
    const first = ++this.line;
    const d0 = this.d0;
    const delim = this.delim;
    const dlen = delim.length;
    const spans = this.spans;
    spans.length = 0;
    let lines = 0; // line breaks inside quoted fields so far
    let nextNl = -2; // the next '\n' not yet counted; -2: not searched yet
    let p = s;
    for (let col = 1; ; col++) {
      let c: number;
      while (p < e && isSpace((c = text.charCodeAt(p))) && c !== d0) p++;
      const line = first + lines;
      let fs: number;
      let fe: number;
      let flags = 0;
      if (p < e && text.charCodeAt(p) === QUOTE) {
        fs = p + 1;
        let q = fs;
        for (;;) {
          const close = text.indexOf('"', q);
          if (close < 0 || close >= e) this.fail(`field ${col}: unterminated quoted field (the quote opened on this line is never closed)`, line);
          if (close + 1 < e && text.charCodeAt(close + 1) === QUOTE) {
            flags = 2;
            q = close + 2;
            continue;
          }
          fe = close;
          break;
        }
        flags |= 1;
        if (nextNl === -2 || (nextNl >= 0 && nextNl < fs)) nextNl = text.indexOf('\n', fs);
        while (nextNl >= 0 && nextNl < fe) {
          lines++;
          nextNl = text.indexOf('\n', nextNl + 1);
        }
        p = fe + 1;
        while (p < e && isSpace((c = text.charCodeAt(p))) && c !== d0) p++;
        if (p < e && (text.charCodeAt(p) !== d0 || (dlen > 1 && !text.startsWith(delim, p)))) {
          this.fail(`field ${col}: unexpected text after the closing quote (a quote inside a quoted field is written "")`, first + lines);
        }
      } else {
        fs = p;
        for (; p < e; p++) {
          c = text.charCodeAt(p);
          if (c === d0 && (dlen === 1 || text.startsWith(delim, p))) break;
          if (c === QUOTE) {
            this.fail(`field ${col}: a double quote inside an unquoted field (quote the whole field and write the quote as "")`, line);
          }
        }
        fe = p;
        while (fe > fs && isSpace(text.charCodeAt(fe - 1))) fe--;
      }
      spans.push(fs, fe, flags, line);
      if (p >= e) break;
      p += dlen;
    }
    this.line += lines;
    const nf = spans.length >> 2;
    if (this.needHeader) {
      this.setHeader(Array.from({ length: nf }, (_, j) => this.spanText(text, j)));
      return;
    }
    if (this.count < 0) this.firstRow(nf, first);
    if (nf !== this.count) this.ragged(nf, first);
    if (this.n + this.k > this.out.length) this.grow(this.n + this.k);
    const slotOf = this.slotOf;
    for (let j = 0; j < nf; j++) {
      const slot = slotOf[j];
      if (slot >= 0) {
        let fs = spans[4 * j];
        let fe = spans[4 * j + 1];
        while (fs < fe && isSpace(text.charCodeAt(fs))) fs++;
        while (fe > fs && isSpace(text.charCodeAt(fe - 1))) fe--;
        const escaped = (spans[4 * j + 2] & 2) !== 0;
        const v = escaped ? undefined : parseField(text, fs, fe);
        if (v !== undefined) this.out[this.n + slot] = v;
        else {
          const f = text.slice(fs, fe);
          this.out[this.n + slot] = this.notANumber(escaped ? f.replaceAll('""', '"') : f, j, spans[4 * j + 3]);
        }
      }
      if (j === this.labelCol) this.label(this.spanText(text, j));
    }
    this.endRow();
  }

  /** The text of field j of the quoted record just split (quotes removed, "" unescaped). */
  private spanText(text: string, j: number): string {
    const spans = this.spans;
    const f = text.slice(spans[4 * j], spans[4 * j + 1]);
    return spans[4 * j + 2] & 2 ? f.replaceAll('""', '"') : f;
  }

  private label(s: string): void {
    let id = this.labelId.get(s);
    if (id === undefined) {
      id = this.labelFirst.length;
      this.labelId.set(s, id);
      this.labelFirst.push(s);
    }
    if (this.rows === this.labelIds.length) {
      const grown = new Int32Array(Math.max(1024, 2 * this.rows));
      grown.set(this.labelIds);
      this.labelIds = grown;
    }
    this.labelIds[this.rows] = id;
  }

  /**
   * The labels as strings and codes, after {@link end}: the classes sorted by code point (Python's,
   * so NumPy's order), each row's id renumbered.
   */
  labelResult(): Omit<LabeledCsv, 'data'> | null {
    if (!this.labeled) return null;
    const first = this.labelFirst;
    const order = first.map((_, i) => i).sort((a, b) => byCodePoint(first[a], first[b]));
    const rank = new Int32Array(first.length);
    order.forEach((id, r) => { rank[id] = r; });
    const classes = order.map((id) => first[id]);
    const rows = this.rows;
    const codes = new Int32Array(rows);
    const labels = new Array<string>(rows);
    for (let i = 0; i < rows; i++) {
      const c = rank[this.labelIds[i]];
      codes[i] = c;
      labels[i] = classes[c];
    }
    return { labels, classes, codes: Tensor._trusted(codes, [rows], contiguousStrides([rows]), 0) as Tensor<'int32', 1> };
  }

  private endRow(): void {
    const out = this.out;
    const base = this.n;
    const dups = this.dups;
    for (let i = 0; i < dups.length; i += 2) out[base + dups[i + 1]] = out[base + dups[i]];
    this.n += this.k;
    this.rows++;
  }

  /** A field that parseField refused: a missing value, or an error naming it. */
  private notANumber(field: string, col: number, line: number): number {
    if (field.length === 0 || this.naSet?.has(field)) {
      if (this.hasMissing) return this.missing;
      this.fail(field.length === 0 ? `field ${col + 1} is empty ${MISSING_HINT}` : `field ${col + 1} is missing (${JSON.stringify(field)}) ${MISSING_HINT}`, line);
    }
    this.fail(`field ${col + 1} ${JSON.stringify(field.length > 40 ? `${field.slice(0, 40)}...` : field)} is not a number`, line);
  }

  private ragged(fields: number, line = this.line): never {
    this.fail(`ragged row: ${fields} field${fields === 1 ? '' : 's'} where line ${this.countLine} has ${this.count}`, line);
  }

  private countPlain(text: string, s: number, e: number): number {
    let fields = 1;
    const dlen = this.delim.length;
    for (let i = text.indexOf(this.delim, s); i >= 0 && i < e; i = text.indexOf(this.delim, i + dlen)) fields++;
    return fields;
  }

  /** The trimmed fields of a line without quotes (the header). */
  private splitPlain(text: string, s: number, e: number): string[] {
    return text.slice(s, e).split(this.delim).map((f) => f.replace(/^[ \t\r\v\f]+|[ \t\r\v\f]+$/g, ''));
  }

  private setHeader(names: string[]): void {
    this.needHeader = false;
    this.names = names;
    const find = (spec: number | string, what: string): void => {
      if (typeof spec !== 'string' || this.nameIndex.has(spec)) return;
      const i = names.indexOf(spec);
      if (i < 0) throw new RangeError(`${this.source}: ${what}: no column named ${JSON.stringify(spec)}; ${this.headerList()}`);
      const j = names.indexOf(spec, i + 1);
      if (j >= 0) throw new RangeError(`${this.source}: ${what}: the name ${JSON.stringify(spec)} is ambiguous: the header has it as fields ${i + 1} and ${j + 1} (select the column by index)`);
      this.nameIndex.set(spec, i);
    };
    this.columnSpec?.forEach((c, j) => find(c, `columns[${j}]`));
    if (this.labelSpec !== undefined) find(this.labelSpec, 'labels');
  }

  private headerList(): string {
    const names = this.names;
    if (names === null) return 'there is no header';
    if (names.length === 0) return 'the header (line 1) is empty';
    const shown = names.slice(0, 20).map((n) => JSON.stringify(n.length > 40 ? `${n.slice(0, 40)}...` : n));
    return `the header has ${shown.join(', ')}${names.length > 20 ? `, ... (${names.length} names)` : ''}`;
  }

  /** Fixes the field count from the first data row (on `line`); resolves `columns` and `labels`. */
  private firstRow(count: number, line: number): void {
    this.count = count;
    this.countLine = line;
    const resolve = (spec: number | string, what: string): number => {
      if (typeof spec === 'string') {
        const i = this.nameIndex.get(spec)!;
        if (i >= count) throw new RangeError(`${this.source}: ${what}: the column named ${JSON.stringify(spec)} is field ${i + 1} of the header, but line ${line} has ${count} field${count === 1 ? '' : 's'}`);
        return i;
      }
      const i = spec < 0 ? spec + count : spec;
      if (i < 0 || i >= count) {
        throw new RangeError(`${this.source}: ${what}: index ${spec} is out of range for the ${count} field${count === 1 ? '' : 's'} of line ${line}${this.names ? `; ${this.headerList()}` : ''}`);
      }
      return i;
    };
    this.labelCol = this.labelSpec === undefined ? -1 : resolve(this.labelSpec, 'labels');
    let cols: number[];
    if (this.columnSpec) cols = this.columnSpec.map((c, j) => resolve(c, `columns[${j}]`));
    else {
      cols = [];
      for (let i = 0; i < count; i++) if (i !== this.labelCol) cols.push(i);
    }
    this.k = cols.length;
    this.slotOf = new Int32Array(count).fill(-1);
    cols.forEach((c, j) => {
      if (this.slotOf[c] < 0) this.slotOf[c] = j;
      else this.dups.push(this.slotOf[c], j);
    });
  }
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

// Exact powers of ten: 10^k for k <= 22 is a double, so Clinger's fast path below is exact.
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A decimal float ([+-]digits[.digits][e[+-]digits]) or nan/inf/infinity, any case; else undefined.
 * Up to 15 significant digits with a small exponent are converted exactly as mantissa * 10^k or
 * mantissa / 10^k (one correctly rounded operation on exact operands, Clinger's fast path); other
 * numbers go through Number(), which also rounds correctly.
 */
function parseField(text: string, s: number, e: number): number | undefined {
  if (s === e) return undefined;
  let i = s;
  let c = text.charCodeAt(i);
  const neg = c === 45;
  if (c === 43 || c === 45) i++;
  let digits = 0;
  let mant = 0;
  let frac = 0;
  while (i < e && isDigit((c = text.charCodeAt(i)))) { mant = mant * 10 + (c - 48); i++; digits++; }
  if (i < e && text.charCodeAt(i) === 46) {
    i++;
    while (i < e && isDigit((c = text.charCodeAt(i)))) { mant = mant * 10 + (c - 48); i++; digits++; frac++; }
  }
  if (digits > 0) {
    let exp = 0;
    if (i < e && (text.charCodeAt(i) | 32) === 101) {
      i++;
      c = text.charCodeAt(i);
      let expNeg = false;
      if (i < e && (c === 43 || c === 45)) { expNeg = c === 45; i++; }
      let expDigits = 0;
      while (i < e && isDigit((c = text.charCodeAt(i)))) { if (exp < 1e6) exp = exp * 10 + (c - 48); i++; expDigits++; }
      if (expDigits === 0) return undefined;
      if (expNeg) exp = -exp;
    }
    if (i !== e) return undefined;
    const k = exp - frac;
    if (digits <= 15 && k >= -22 && k <= 22) {
      const v = k >= 0 ? mant * POW10[k] : mant / POW10[-k];
      return neg ? -v : v;
    }
    return Number(text.slice(s, e));
  }
  // nan / inf / infinity, optionally signed, any case (as numpy.loadtxt and Python's float())
  const word = text.slice(i, e).toLowerCase();
  if (word === 'nan') return NaN;
  if (word === 'inf' || word === 'infinity') return neg ? -Infinity : Infinity;
  return undefined;
}

/**
 * Code point order (Python's, so NumPy's): UTF-16 order except that surrogates (astral
 * characters) sort after U+E000..U+FFFF.
 */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}
const codePointRank = (c: number): number => (c >= 0xd800 && c <= 0xdfff ? c + 0x2000 : c >= 0xe000 ? c - 0x800 : c);

function finish(parser: CsvParser): Tensor<'float64', 2> | LabeledCsv {
  const data = parser.end() as Tensor<'float64', 2>;
  const l = parser.labelResult();
  return l === null ? data : { data, ...l };
}

/**
 * Parses delimited text (CSV) into a float64 2-D tensor of shape [rows, columns] (a single
 * column or row still gives 2-D, as `numpy.loadtxt(..., ndmin=2)`); with a `labels` column
 * ({@link CsvLabelOptions}) into a {@link LabeledCsv}: the numeric data plus the labels as strings
 * and as integer codes.
 *
 * Each field read as data is a decimal number (`1`, `-2.5`, `.5`, `1e-3`) or `nan`, `inf`,
 * `infinity` with an optional sign, in any case; spaces and tabs around fields are ignored, as are
 * blank lines and the `\r` of CRLF line ends, and a leading byte order mark. Fields may be quoted
 * as in RFC 4180: `"..."` may hold the delimiter and line breaks, `""` is a quote inside it, and a
 * quoted number (`"1.5"`) is a number; a quote elsewhere in a field is an error. `header: true`
 * reads the first line (record) as column names; `columns` picks and orders columns by index or
 * name; `missing` reads empty fields (and `missingValues`) as a number such as NaN (see
 * {@link CsvOptions}).
 *
 * @throws Error for a row with a different number of fields than the first data row, a field
 * that is not a number, a missing field without `missing`, or a misplaced or unterminated quote:
 * the message names the 1-based line (counting the header and blank lines) and the field.
 * @throws RangeError for a `columns` or `labels` entry that names no header column (the message
 * lists the header) or an index outside the row.
 * @throws TypeError for text that is not a string or malformed options.
 * @example
 * ```ts
 * parseCsv('a;b\n1;2\n3;nan\n', { delimiter: ';', header: true }).toArray(); // [[1, 2], [3, NaN]]
 * parseCsv('x,"y, mm"\n1,\n2,5\n', { header: true, columns: ['y, mm'], missing: NaN }).toArray(); // [[NaN], [5]]
 * const { data, labels, classes, codes } = parseCsv('1,b\n2,a\n3,b\n', { labels: -1 });
 * // data [[1], [2], [3]]; labels ['b', 'a', 'b']; classes ['a', 'b']; codes [1, 0, 1]
 * ```
 */
export function parseCsv(text: string, opts: CsvLabelOptions): LabeledCsv;
export function parseCsv(text: string, opts?: CsvOptions): Tensor<'float64', 2>;
export function parseCsv(text: string, opts?: CsvOptions | CsvLabelOptions): Tensor<'float64', 2> | LabeledCsv;
export function parseCsv(text: string, opts?: CsvOptions | CsvLabelOptions): Tensor<'float64', 2> | LabeledCsv {
  if (typeof text !== 'string') throw new TypeError(`Expected a string for text but received ${describe(text)}`);
  const p = new CsvParser(opts, 'parseCsv');
  p.push(text);
  return finish(p);
}

/**
 * Reads a CSV file into a float64 2-D tensor, or a {@link LabeledCsv} with a `labels` column,
 * synchronously (see {@link parseCsv} for the accepted syntax, the options and the errors; messages
 * name the file and line). The file is decoded as UTF-8 and parsed in 1 MiB chunks, so large files
 * never become one giant string.
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @throws TypeError if `path` is not a {@link FilePath} or the options are malformed, before the
 * file is opened; otherwise as {@link parseCsv}. File-system errors pass through.
 * @example
 * ```ts
 * const x = readCsv('data.csv', { header: true }); // x.shape: [rows, columns]
 * const iris = readCsv('iris.csv', { header: true, labels: 'species' });
 * iris.data.shape; // [150, 4]
 * iris.classes;    // ['setosa', 'versicolor', 'virginica']
 * ```
 */
export function readCsv(path: FilePath, opts: CsvLabelOptions): LabeledCsv;
export function readCsv(path: FilePath, opts?: CsvOptions): Tensor<'float64', 2>;
export function readCsv(path: FilePath, opts?: CsvOptions | CsvLabelOptions): Tensor<'float64', 2> | LabeledCsv;
export function readCsv(path: FilePath, opts?: CsvOptions | CsvLabelOptions): Tensor<'float64', 2> | LabeledCsv {
  const p = checkPath(path, 'path');
  const parser = new CsvParser(opts, `readCsv(${describePath(path)})`);
  const fd = openSync(p, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.allocUnsafe(CHUNK_CHARS);
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      parser.push(decoder.write(buf.subarray(0, got)));
    }
    parser.push(decoder.end());
  } finally {
    closeSync(fd);
  }
  return finish(parser);
}

/**
 * {@link readCsv} without blocking the event loop: the file is streamed and each chunk is parsed
 * as it arrives, so other work runs between chunks. Same options, same results.
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @throws TypeError (as a rejection) if `path` is not a {@link FilePath} or the options are
 * malformed, before the file is opened; otherwise as {@link readCsv}.
 * @example
 * ```ts
 * const x = await readCsvAsync('data.csv', { delimiter: '\t' });
 * const { data, codes } = await readCsvAsync('iris.csv', { header: true, labels: 'species' });
 * ```
 */
export async function readCsvAsync(path: FilePath, opts: CsvLabelOptions): Promise<LabeledCsv>;
export async function readCsvAsync(path: FilePath, opts?: CsvOptions): Promise<Tensor<'float64', 2>>;
export async function readCsvAsync(path: FilePath, opts?: CsvOptions | CsvLabelOptions): Promise<Tensor<'float64', 2> | LabeledCsv>;
export async function readCsvAsync(path: FilePath, opts?: CsvOptions | CsvLabelOptions): Promise<Tensor<'float64', 2> | LabeledCsv> {
  const p = checkPath(path, 'path');
  const parser = new CsvParser(opts, `readCsvAsync(${describePath(path)})`);
  const stream = createReadStream(p, { encoding: 'utf8', highWaterMark: CHUNK_CHARS });
  try {
    for await (const chunk of stream) parser.push(chunk as string);
  } finally {
    stream.destroy();
  }
  return finish(parser);
}
