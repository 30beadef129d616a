// I/O: NumPy's .npy format (read v1.0/2.0/3.0, write v1.0 like numpy.save) and numeric CSV.
//
// .npy reading wraps the file's bytes without copying when they are already a native-endian,
// element-aligned f8/f4/i4 array (C or Fortran order: Fortran order becomes a view with Fortran
// strides); anything else is converted in one pass. The header is parsed as a small Python
// literal (no eval) and checked key by key, so a malformed file is an Error naming the problem,
// never a partial tensor.
import { closeSync, openSync, readFileSync, readSync, writeFileSync, createReadStream, type PathLike } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
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
      fail(`not a .npy file: bad magic string (expected \\x93NUMPY)${zip ? '; this looks like a zip archive (.npz), which is not supported' : ''}`);
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

function halfToNumber(h: number): number {
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
 * Malformed input (bad magic, unknown version, truncated header or data, a header that is not the
 * expected dict) throws an Error; negative, oversized or too many dimensions a RangeError.
 *
 * @example
 * const t = fromNpy(readFileSync('weights.npy'));
 * fromNpy(toNpy(tensor([[1, 2], [3, 4]]))).toArray(); // [[1, 2], [3, 4]]
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
 * @example
 * const bytes = toNpy(tensor([[1, 2], [3, 4]], { dtype: 'float32' }));
 * // Python: np.load(io.BytesIO(bytes)) -> array([[1., 2.], [3., 4.]], dtype=float32)
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

/**
 * Writes `t` to `path` as a `.npy` file (see {@link toNpy}), synchronously. Unlike `numpy.save`,
 * `.npy` is not appended to the path.
 *
 * @example
 * save('/tmp/a.npy', eye(3)); // np.load('/tmp/a.npy') in Python
 */
export function save(path: PathLike, t: Tensor): void {
  writeFileSync(path, toNpy(t));
}

/**
 * Reads a `.npy` file (see {@link fromNpy} for formats and dtypes), synchronously. The tensor
 * wraps the file's buffer without a copy when its data is native-endian `f8`/`f4`/`i4`.
 *
 * @example
 * const w = load('/tmp/a.npy'); // saved by numpy.save or by save()
 */
export function load(path: PathLike): Tensor {
  return decodeNpy(readFileSync(path), `load(${describePath(path)})`);
}

/**
 * {@link save} without blocking the event loop: the bytes are built at the call (so `t` may be
 * changed afterwards) and written with `fs/promises`.
 *
 * @example
 * await saveAsync('/tmp/a.npy', rand([100, 100]));
 */
export async function saveAsync(path: PathLike, t: Tensor): Promise<void> {
  await writeFile(path, toNpy(t));
}

/**
 * {@link load} without blocking the event loop while the file is read (`fs/promises`).
 *
 * @example
 * const w = await loadAsync('/tmp/a.npy');
 */
export async function loadAsync(path: PathLike): Promise<Tensor> {
  return decodeNpy(await readFile(path), `loadAsync(${describePath(path)})`);
}

function describePath(path: PathLike): string {
  return typeof path === 'string' ? `'${path}'` : path instanceof URL ? `'${path.href}'` : `'${String(path)}'`;
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** Options of {@link readCsv} and {@link parseCsv}. */
export interface CsvOptions {
  /** Field separator, one or more characters (no line breaks); default `','`. */
  delimiter?: string;
  /** When true the first line is a header and is skipped; default false. */
  header?: boolean;
}

const CHUNK_CHARS = 1 << 20;

/**
 * A streaming parser of numeric delimited text: lines are parsed as they complete, values go into
 * a growing Float64Array. Fields are split and validated with charCode scans (no regex, no
 * split()); the conversion itself is Number() of the validated field, which rounds correctly.
 */
class CsvParser {
  private out = new Float64Array(1024);
  private n = 0;
  private cols = -1;
  private colsLine = 0;
  private rows = 0;
  private line = 0;
  /** Pieces of a line that has not ended yet (kept apart: re-joining at every chunk is quadratic). */
  private pending: string[] = [];
  private started = false;
  private readonly delim: string;
  private readonly d0: number;
  private readonly skipHeader: boolean;

  constructor(opts: CsvOptions | undefined, private readonly source: string) {
    if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
      throw new TypeError(`Expected an options object { delimiter?, header? } but received ${describe(opts)}`);
    }
    const delimiter = opts?.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter.length === 0 || /[\r\n]/.test(delimiter)) {
      throw new TypeError(`Expected a non-empty string without line breaks for delimiter but received ${describe(delimiter)}`);
    }
    const header = opts?.header ?? false;
    if (typeof header !== 'boolean') throw new TypeError(`Expected a boolean for header but received ${describe(header)}`);
    this.delim = delimiter;
    this.d0 = delimiter.charCodeAt(0);
    this.skipHeader = header;
  }

  push(chunk: string): void {
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // UTF-8 byte order mark
    }
    let nl = chunk.indexOf('\n');
    if (nl < 0) {
      if (chunk.length) this.pending.push(chunk);
      return;
    }
    if (this.pending.length) {
      // The line earlier chunks began ends in this one.
      this.pending.push(chunk.slice(0, nl));
      const line = this.pending.join('');
      this.pending = [];
      this.parseLine(line, 0, line.length);
    } else {
      this.parseLine(chunk, 0, nl);
    }
    let start = nl + 1;
    nl = chunk.indexOf('\n', start);
    while (nl >= 0) {
      this.parseLine(chunk, start, nl);
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) this.pending.push(chunk.slice(start));
  }

  end(): Tensor {
    if (this.pending.length) {
      const line = this.pending.join('');
      this.pending = [];
      this.parseLine(line, 0, line.length);
    }
    if (this.rows === 0) return Tensor._trusted(new Float64Array(0), [0, 0], contiguousStrides([0, 0]), 0);
    const data = this.n === this.out.length ? this.out : this.out.slice(0, this.n);
    return Tensor._trusted(data, [this.rows, this.cols], [this.cols, 1], 0);
  }

  private fail(message: string): never {
    throw new Error(`${this.source}: line ${this.line}: ${message}`);
  }

  private parseLine(text: string, s: number, e: number): void {
    this.line++;
    if (this.line === 1 && this.skipHeader) return;
    // trim: spaces, tabs and the \r of CRLF (but never the delimiter itself, e.g. a tab)
    const d0 = this.d0;
    while (s < e && isSpace(text.charCodeAt(s)) && text.charCodeAt(s) !== d0) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1)) && text.charCodeAt(e - 1) !== d0) e--;
    if (s === e) return; // blank line
    const delim = this.delim;
    const dlen = delim.length;
    let col = 0;
    let p = s;
    for (;;) {
      // field end: the next delimiter on this line, or the line's end
      let q = p;
      while (q < e && (text.charCodeAt(q) !== d0 || (dlen > 1 && !text.startsWith(delim, q)))) q++;
      if (this.cols >= 0 && col >= this.cols) this.ragged(text, s, e);
      let fs = p;
      let fe = q;
      while (fs < fe && isSpace(text.charCodeAt(fs))) fs++;
      while (fe > fs && isSpace(text.charCodeAt(fe - 1))) fe--;
      const v = parseField(text, fs, fe);
      if (v === undefined) {
        const f = text.slice(fs, fe);
        this.fail(f.length === 0 ? `field ${col + 1} is empty` : `field ${col + 1} ${JSON.stringify(f.length > 40 ? `${f.slice(0, 40)}...` : f)} is not a number`);
      }
      if (this.n === this.out.length) {
        const grown = new Float64Array(this.out.length * 2);
        grown.set(this.out);
        this.out = grown;
      }
      this.out[this.n++] = v;
      col++;
      if (q >= e) break;
      p = q + dlen;
    }
    if (this.cols < 0) {
      this.cols = col;
      this.colsLine = this.line;
    } else if (col !== this.cols) this.ragged(text, s, e);
    this.rows++;
  }

  private ragged(text: string, s: number, e: number): never {
    let fields = 1;
    for (let i = text.indexOf(this.delim, s); i >= 0 && i < e; i = text.indexOf(this.delim, i + this.delim.length)) fields++;
    this.fail(`ragged row: ${fields} field${fields === 1 ? '' : 's'} where line ${this.colsLine} has ${this.cols}`);
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
 * Parses numeric delimited text into a float64 2-D tensor of shape [rows, columns] (a single
 * column or row still gives 2-D, as `numpy.loadtxt(..., ndmin=2)`).
 *
 * Each field is a decimal number (`1`, `-2.5`, `.5`, `1e-3`) or `nan`, `inf`, `infinity` with an
 * optional sign, in any case; spaces and tabs around fields are ignored, as are blank lines and the
 * `\r` of CRLF line ends, and a leading byte order mark. `header: true` skips the first line. A
 * row with a different number of fields than the first data row, or a field that is not a number
 * (including an empty one), throws an Error naming the 1-based line (counting the header and blank
 * lines) and the field. Text with no data rows gives shape [0, 0].
 *
 * @example
 * parseCsv('a;b\n1;2\n3;nan\n', { delimiter: ';', header: true }).toArray(); // [[1, 2], [3, NaN]]
 */
export function parseCsv(text: string, opts?: CsvOptions): Tensor {
  if (typeof text !== 'string') throw new TypeError(`Expected a string for text but received ${describe(text)}`);
  const p = new CsvParser(opts, 'parseCsv');
  p.push(text);
  return p.end();
}

/**
 * Reads a numeric CSV file into a float64 2-D tensor, synchronously (see {@link parseCsv} for the
 * accepted syntax and errors; messages name the file and line). The file is decoded as UTF-8 and
 * parsed in 1 MiB chunks, so large files never become one giant string.
 *
 * @example
 * const x = readCsv('data.csv', { header: true }); // x.shape: [rows, columns]
 */
export function readCsv(path: PathLike, opts?: CsvOptions): Tensor {
  const parser = new CsvParser(opts, `readCsv(${describePath(path)})`);
  const fd = openSync(path, 'r');
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
  return parser.end();
}

/**
 * {@link readCsv} without blocking the event loop: the file is streamed and each chunk is parsed
 * as it arrives, so other work runs between chunks.
 *
 * @example
 * const x = await readCsvAsync('data.csv', { delimiter: '\t' });
 */
export async function readCsvAsync(path: PathLike, opts?: CsvOptions): Promise<Tensor> {
  const parser = new CsvParser(opts, `readCsvAsync(${describePath(path)})`);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_CHARS });
  try {
    for await (const chunk of stream) parser.push(chunk as string);
  } finally {
    stream.destroy();
  }
  return parser.end();
}
