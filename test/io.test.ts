import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  arange, fromNpy, load, loadAsync, parseCsv, readCsv, readCsvAsync, save, saveAsync, tensor, Tensor, toNpy, zeros,
} from '../lib/index.js';
import { num, type FixtureArray } from './helpers.js';

// Fixtures: test/fixtures/gen_npy.py (NumPy 2.4) wrote every file in test/fixtures/npy/.
const DIR = join(__dirname, 'fixtures', 'npy');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  npy: Record<string, {
    descr: string; fortran_order: boolean; version: number; readAs: string; native: boolean;
    expected: FixtureArray; bits?: string[];
  }>;
  written: Record<string, { how: string; shape: number[] }>;
  unsupported: Record<string, string>;
  headers: { descr: string; shape: number[]; fortran?: boolean; header: string }[];
  csv: Record<string, { delimiter: string; header: boolean; expected: FixtureArray }>;
};
const file = (name: string): Buffer => readFileSync(join(DIR, name));
const npy = (name: string): Buffer => file(`${name}.npy`);

const tmp = mkdtempSync(join(tmpdir(), 'tensorblas-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let tmpCount = 0;
const tmpFile = (text: string | Uint8Array, ext = 'csv'): string => {
  const p = join(tmp, `f${tmpCount++}.${ext}`);
  writeFileSync(p, text);
  return p;
};

const BPE: Record<string, number> = { float64: 8, float32: 4, int32: 4 };

/** C-order element offsets (in elements) of a tensor, whatever its strides. */
function cOrderOffsets(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (dim: number, off: number): void => {
    if (dim === t.ndim) { out.push(off); return; }
    for (let i = 0; i < t.shape[dim]; i++) walk(dim + 1, off + i * t.strides[dim]);
  };
  walk(0, t.offset);
  return out;
}

/** The raw bit pattern of every element in C order, as big-endian hex (the generator's form). */
function bitsOf(t: Tensor): string[] {
  const bpe = BPE[t.dtype];
  const dv = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return cOrderOffsets(t).map((o) => (bpe === 8
    ? dv.getBigUint64(o * 8, true).toString(16).padStart(16, '0')
    : dv.getUint32(o * 4, true).toString(16).padStart(8, '0')));
}

/** Flat C-order values, with -0 and NaN kept as they are. */
function flat(t: Tensor): number[] {
  return cOrderOffsets(t).map((o) => t.data[o]);
}

function expectValues(t: Tensor, e: FixtureArray): void {
  expect(t.shape).toEqual(e.shape);
  const got = flat(t);
  const want = e.data.map(num);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`element ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

const fStrides = (shape: readonly number[]): number[] => {
  let s = 1;
  return shape.map((d) => { const r = s; s *= d || 1; return r; });
};
const cStrides = (shape: readonly number[]): number[] => {
  let s = 1;
  return shape.map((_, i) => shape[shape.length - 1 - i]).map((d) => { const r = s; s *= d || 1; return r; }).reverse();
};

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A version-1.0 .npy built by hand: the given header text (padded like NumPy) and data bytes. */
function npyWith(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  let text = header;
  const hlen = text.length + 1;
  text += ' '.repeat(64 - ((prefix + hlen) % 64)) + '\n';
  const body = version === 3 ? new TextEncoder().encode(text) : ascii(text);
  const out = new Uint8Array(prefix + body.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, body.length, true);
  else dv.setUint32(8, body.length, true);
  out.set(body, prefix);
  out.set(data, prefix + body.length);
  return out;
}
const f8data = (...v: number[]): Uint8Array => new Uint8Array(new Float64Array(v).buffer);
const dict = (descr: string, fortran: string, shape: string): string => `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

describe('fromNpy reads what NumPy wrote', () => {
  for (const [name, e] of Object.entries(manifest.npy)) {
    it(`${name}: ${e.descr}, ${e.fortran_order ? 'Fortran' : 'C'} order, shape (${e.expected.shape.join(', ')}), v${e.version}.0 -> ${e.readAs}`, () => {
      const bytes = npy(name);
      const t = fromNpy(bytes);
      expect(t.dtype).toBe(e.readAs);
      expect(t.offset).toBe(0);
      expect(t.strides).toEqual(e.fortran_order ? fStrides(e.expected.shape) : cStrides(e.expected.shape));
      expectValues(t, e.expected);
      if (e.bits) expect(bitsOf(t)).toEqual(e.bits);
      const direct = /^[<>|=]?(f8|f4|i4)$/.test(e.descr);
      if (direct && e.native) {
        // zero copy: the tensor is a view of the file's bytes, in file order
        expect(t.data.buffer).toBe(bytes.buffer);
        expect(t.data.byteOffset).toBe(bytes.byteOffset + bytes.length - t.size * BPE[t.dtype]);
      } else if (t.size > 0) {
        expect(t.data.buffer).not.toBe(bytes.buffer);
      }
    });
  }

  it('gives a Fortran-order file as a Fortran-strided view over the file order', () => {
    const t = fromNpy(npy('f8_f'));
    const c = fromNpy(npy('f8_c'));
    expect(t.strides).toEqual([1, 3]);
    expect(t.isContiguous).toBe(false);
    // memory holds columns: data[1] is element (1, 0), data[3] is element (0, 1)
    expect(Object.is(t.data[1], c.get(1, 0))).toBe(true);
    expect(Object.is(t.data[3], c.get(0, 1))).toBe(true);
    expect(t.get(2, 3)).toBe(c.get(2, 3));
    expect(t.T.isContiguous).toBe(true);
    const cube = fromNpy(npy('cube_f4_f'));
    expect(cube.strides).toEqual([1, 2, 6]);
    expect(cube.get(1, 2, 3)).toBe((12 + 8 + 3) * 0.5);
    expect(cube.data[1]).toBe(12 * 0.5); // (1, 0, 0) follows (0, 0, 0) in memory
  });

  it('keeps -0, NaN payloads, infinities and subnormals bit for bit (native, byte-swapped and misaligned)', () => {
    const want = manifest.npy.f8_c.bits!;
    expect(want[0]).toBe('8000000000000000');
    expect(want[1]).toBe('7ff8000000001234');
    expect(bitsOf(fromNpy(npy('f8_c')))).toEqual(want);
    expect(bitsOf(fromNpy(npy('f8_be')))).toEqual(want);
    expect(bitsOf(fromNpy(npy('f8_be_f')))).toEqual(want);
    const f4 = manifest.npy.f4_c.bits!;
    expect(f4[1]).toBe('7fc00042');
    expect(bitsOf(fromNpy(npy('f4_be')))).toEqual(f4);
    // misaligned inside the input: copied once, still exact
    const src = npy('f8_c');
    const shifted = new Uint8Array(src.length + 3);
    shifted.set(src, 3);
    const t = fromNpy(shifted.subarray(3));
    expect(t.data.buffer).not.toBe(shifted.buffer);
    expect(bitsOf(t)).toEqual(want);
  });

  it('reads 64-bit integers as float64 rounded to nearest, like astype(np.float64)', () => {
    const t = fromNpy(npy('i8'));
    expect(t.dtype).toBe('float64');
    expect(t.toArray()).toEqual([0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 2 ** 53, 2 ** 63, -(2 ** 63), 123456789012]);
    expect(fromNpy(npy('i8_be')).toArray()).toEqual([[0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53], [-(2 ** 53), 2 ** 53, 2 ** 63, -(2 ** 63), 123456789012]]);
    expect(fromNpy(npy('u8')).toArray()).toEqual([0, 1, 2 ** 32, 2 ** 53, 2 ** 64]);
    expect(fromNpy(npy('b1')).toArray()).toEqual([[1, 0, 1], [0, 0, 1]]);
    expect(fromNpy(npy('u1')).toArray()).toEqual([[0, 1, 127], [128, 200, 255]]);
    expect(fromNpy(npy('i2_be_f')).toArray()).toEqual([[-32768, 300], [-2, 32767]]);
  });

  it('accepts a Buffer, Uint8Array, other views and an ArrayBuffer', () => {
    const b = npy('vec_f8');
    const expected = [0, 0.25, 0.5, 0.75, 1];
    expect(fromNpy(b).toArray()).toEqual(expected);
    const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
    expect(fromNpy(ab).toArray()).toEqual(expected);
    expect(fromNpy(new DataView(ab)).toArray()).toEqual(expected);
    expect(fromNpy(new Float64Array(ab)).toArray()).toEqual(expected);
    expect(fromNpy(new Uint8Array(ab)).data.buffer).toBe(ab);
  });

  it('shares memory with the input when it does not copy', () => {
    const bytes = new Uint8Array(npy('vec_f8'));
    const t = fromNpy(bytes);
    new DataView(bytes.buffer).setFloat64(bytes.length - 8, 42, true);
    expect(t.get(4)).toBe(42);
  });

  it('ignores bytes after the data, as numpy.load does', () => {
    const b = npy('vec_f8');
    const longer = new Uint8Array(b.length + 5);
    longer.set(b);
    expect(fromNpy(longer).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('reads a dimension written as -0 as 0', () => {
    const t = fromNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (-0, 3), }"));
    expect(Object.is(t.shape[0], 0)).toBe(true);
    expect(t.size).toBe(0);
  });
  it('parses headers loosely written by other tools: quotes, spacing, no trailing comma, Python 2 longs', () => {
    const data = f8data(1, 2, 3, 4, 5, 6);
    for (const h of [
      '{"descr":"<f8","fortran_order":False,"shape":(2,3)}',
      "{ 'shape' : ( 2 , 3 , ) ,\n 'fortran_order' : False , 'descr' : '<f8' , }",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }",
      "{'descr': 'f8', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': '=f8', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': '|f8', 'fortran_order': False, 'shape': (2, 3)}",
    ]) {
      expect(fromNpy(npyWith(h, data)).toArray(), h).toEqual([[1, 2, 3], [4, 5, 6]]);
    }
    expect(fromNpy(npyWith("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3)}", data)).toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
    expect(fromNpy(npyWith(dict("'<f8'", 'False', '(6,)'), data)).shape).toEqual([6]);
    expect(fromNpy(npyWith(dict("'<f8'", 'False', '()'), data)).toArray()).toBe(1);
    expect(fromNpy(npyWith(dict("'<f8'", 'False', '(2, 3)'), data, 2)).shape).toEqual([2, 3]);
    expect(fromNpy(npyWith(dict("'<f8'", 'False', '(2, 3)'), data, 3)).shape).toEqual([2, 3]);
  });
});

describe('toNpy writes what numpy.save writes', () => {
  const nativeV1 = Object.entries(manifest.npy).filter(([, e]) => e.native && e.version === 1 && /^[<|](f8|f4|i4)$/.test(e.descr));
  it(`round-trips NumPy's native C and Fortran files byte for byte (${nativeV1.length} files)`, () => {
    expect(nativeV1.length).toBeGreaterThan(10);
    for (const [name] of nativeV1) {
      const bytes = npy(name);
      expect(Buffer.from(toNpy(fromNpy(bytes))).equals(bytes), name).toBe(true);
    }
  });

  it('rewrites big-endian and version 2.0/3.0 files exactly as NumPy writes the native v1.0 file', () => {
    for (const [from, to] of [
      ['f8_be', 'f8_c'], ['f8_be_f', 'f8_f'], ['f4_be', 'f4_c'], ['i4_be', 'i4_c'], ['i4_be_f', 'i4_f'],
      ['v2_f8', 'f8_c'], ['v3_f4_f', 'f4_f'],
    ]) {
      expect(Buffer.from(toNpy(fromNpy(npy(from)))).equals(npy(to)), `${from} -> ${to}`).toBe(true);
    }
  });

  const base = (): Tensor => arange(24).reshape(4, 6).div(8).sub(1);
  const build: Record<string, () => Tensor> = {
    w_c: base,
    w_t: () => base().T,
    w_slice: () => base().slice([0, 4, 2], [1, 6, 2]),
    w_rev: () => base().slice(null, [null, null, -1]),
    w_f4_perm: () => arange(0, 24, 1, 'float32').reshape(2, 3, 4).transpose(1, 0, 2),
    w_f4_t3: () => arange(0, 24, 1, 'float32').reshape(2, 3, 4).transpose(2, 1, 0),
    w_i4_row: () => arange(0, 12, 1, 'int32').reshape(3, 4).slice(1),
    w_scalar: () => tensor(2.5),
    w_empty: () => zeros([0, 3], 'float32'),
  };
  for (const [name, w] of Object.entries(manifest.written)) {
    it(`${name} (${w.how})`, () => {
      const t = build[name]();
      expect(t.shape).toEqual(w.shape);
      const bytes = toNpy(t);
      expect(Buffer.from(bytes).equals(npy(name))).toBe(true);
      expect(fromNpy(bytes).toArray()).toEqual(t.toArray());
    });
  }

  it(`pads the header exactly like NumPy for every ndim 0..32 (${manifest.headers.length} shapes, incl. a full 64-byte pad)`, () => {
    for (const h of manifest.headers) {
      const dtype = h.descr === '<f4' ? 'float32' : h.descr === '<i4' ? 'int32' : 'float64';
      const t = h.fortran ? zeros([...h.shape].reverse(), dtype).T : zeros(h.shape, dtype);
      const bytes = toNpy(t);
      const header = Buffer.from(bytes.subarray(0, h.header.length)).toString('latin1');
      expect(header, JSON.stringify(h.shape)).toBe(h.header);
      expect(h.header.length % 64).toBe(0);
      expect(bytes.length).toBe(h.header.length + t.size * BPE[dtype]);
    }
  });

  it('writes the data of a non-contiguous tensor in C order and an F-contiguous one as Fortran', () => {
    const m = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });
    const tf = fromNpy(toNpy(m.T));
    expect(tf.strides).toEqual([1, 3]);
    expect(tf.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const b = tensor([1, 2, 3]).reshape(3, 1).broadcastTo([3, 4]);
    const tb = fromNpy(toNpy(b));
    expect(tb.isContiguous).toBe(true);
    expect(tb.toArray()).toEqual(b.toArray());
  });

  it('rejects what is not a Tensor', () => {
    expect(() => toNpy([1, 2] as unknown as Tensor)).toThrow(TypeError);
  });
});

describe('save / load (sync and async)', () => {
  it('round-trips through a file with save and load', () => {
    const p = join(tmp, 'a.npy');
    const t = base3();
    save(p, t);
    expect(Buffer.from(readFileSync(p)).equals(Buffer.from(toNpy(t)))).toBe(true);
    const back = load(p);
    expect(back.dtype).toBe('float32');
    expect(back.toArray()).toEqual(t.toArray());
  });

  it('reads NumPy files from disk', async () => {
    const p = join(DIR, 'f8_f.npy');
    const fromDisk = load(p);
    expect(fromDisk.strides).toEqual([1, 3]);
    expect(bitsOf(fromDisk)).toEqual(manifest.npy.f8_f.bits);
    expect(bitsOf(await loadAsync(p))).toEqual(manifest.npy.f8_f.bits);
    expect(load(new URL(`file://${p}`)).shape).toEqual([3, 4]);
  });

  it('saveAsync takes the bytes when called (later writes to the tensor are not saved); loadAsync reads them back', async () => {
    const p = join(tmp, 'b.npy');
    const t = base3().transpose(2, 0, 1);
    const want = t.toArray();
    const pending = saveAsync(p, t);
    t.data.fill(0); // while the file write is still in flight
    await pending;
    const back = await loadAsync(p);
    expect(back.shape).toEqual([4, 2, 3]);
    expect(back.toArray()).toEqual(want);
  });

  it('names the file in errors, and passes file-system errors through', async () => {
    const bad = tmpFile('not an npy file', 'npy');
    expect(() => load(bad)).toThrow(/load\('.*\.npy'\): not a \.npy file: bad magic/);
    await expect(loadAsync(bad)).rejects.toThrow(/loadAsync\('.*'\): not a \.npy file/);
    expect(() => load(join(tmp, 'missing.npy'))).toThrow(/ENOENT/);
    await expect(loadAsync(join(tmp, 'missing.npy'))).rejects.toThrow(/ENOENT/);
  });

  function base3(): Tensor {
    return arange(0, 24, 1, 'float32').reshape(2, 3, 4).sub(7.25);
  }
});

describe('malformed .npy input throws a named error, never a partial tensor', () => {
  const good = new Uint8Array(npy('f8_c'));
  const mangle = (f: (b: Uint8Array) => void): Uint8Array => {
    const b = good.slice();
    f(b);
    return b;
  };
  const cases: [string, () => unknown, ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor, RegExp][] = [
    ['empty input', () => fromNpy(new Uint8Array(0)), Error, /0 bytes is too short for the magic string/],
    ['bad magic', () => fromNpy(mangle((b) => { b[1] = 0x4f; })), Error, /not a \.npy file: bad magic string/],
    ['a zip (.npz)', () => fromNpy(ascii('PK\x03\x04aaaaaaaaaaaaaaaa')), Error, /zip archive \(\.npz\)/],
    ['magic only', () => fromNpy(good.subarray(0, 6)), Error, /the format version is missing/],
    ['version 4.0', () => fromNpy(mangle((b) => { b[6] = 4; })), Error, /unsupported \.npy format version 4\.0/],
    ['version 1.1', () => fromNpy(mangle((b) => { b[7] = 1; })), Error, /unsupported \.npy format version 1\.1/],
    ['no header length', () => fromNpy(good.subarray(0, 9)), Error, /header length field needs 10 bytes but there are 9/],
    ['header length past the end', () => fromNpy(good.subarray(0, 100)), Error, /header length 118 runs past the end of the data \(100 bytes\)/],
    ['huge v2 header length', () => fromNpy(npyWith(dict("'<f8'", 'False', '()'), f8data(1), 2).map((v, i) => (i === 11 ? 0xff : v))), Error, /runs past the end/],
    ['data one byte short', () => fromNpy(good.subarray(0, good.length - 1)), Error, /needs 96 bytes of data but only 95 follow the header/],
    ['no data at all', () => fromNpy(good.subarray(0, 128)), Error, /needs 96 bytes of data but only 0/],
    ['negative dimension', () => fromNpy(npyWith(dict("'<f8'", 'False', '(-3, 4)'))), RangeError, /negative dimension -3/],
    ['float dimension', () => fromNpy(npyWith(dict("'<f8'", 'False', '(3.0, 4)'))), Error, /'shape' must be a tuple of integers but contains 3\.0/],
    ['string dimension', () => fromNpy(npyWith(dict("'<f8'", 'False', "('3',)"))), Error, /tuple of integers but contains '3'/],
    ['bool dimension', () => fromNpy(npyWith(dict("'<f8'", 'False', '(True,)'))), Error, /tuple of integers but contains True/],
    ['shape without the 1-tuple comma', () => fromNpy(npyWith(dict("'<f8'", 'False', '(5)'))), Error, /'shape' must be a tuple of integers but is 5/],
    ['shape as a list', () => fromNpy(npyWith(dict("'<f8'", 'False', '[3, 4]'))), Error, /'shape' must be a tuple of integers but is \[3, 4\]/],
    ['size overflow', () => fromNpy(npyWith(dict("'<f8'", 'False', '(2147483648, 2147483648)'))), RangeError, /shape \(2147483648, 2147483648\) has more than 2\^53 elements: too large to allocate/],
    ['dimension beyond 2^53', () => fromNpy(npyWith(dict("'<f8'", 'False', '(99999999999999999999999,)'))), RangeError, /dimension too large/],
    ['33 dimensions', () => fromNpy(npyWith(dict("'<f8'", 'False', `(${Array(33).fill(1).join(', ')})`))), RangeError, /33 dimensions; at most 32/],
    ['missing key', () => fromNpy(npyWith("{'descr': '<f8', 'shape': (1,)}")), Error, /no 'fortran_order' key/],
    ['extra key', () => fromNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}")), Error, /unexpected key 'x'/],
    ['repeated key', () => fromNpy(npyWith("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}")), Error, /repeats the key 'descr'/],
    ['non-string key', () => fromNpy(npyWith("{1: '<f8'}")), Error, /keys must be strings but found 1/],
    ['fortran_order not a bool', () => fromNpy(npyWith(dict("'<f8'", '0', '(1,)'))), Error, /'fortran_order' must be True or False but is 0/],
    ['descr not a string', () => fromNpy(npyWith(dict('8', 'False', '(1,)'))), Error, /'descr' must be a string but is 8/],
    ['unknown descr', () => fromNpy(npyWith(dict("'<x9'", 'False', '(1,)'))), TypeError, /unsupported \.npy dtype descr '<x9'/],
    ['unsupported float size', () => fromNpy(npyWith(dict("'<f16'", 'False', '(1,)'))), TypeError, /descr '<f16' \(float\)/],
    ['bool of 2 bytes', () => fromNpy(npyWith(dict("'<b2'", 'False', '(1,)'))), TypeError, /descr '<b2'/],
    ['not a dict', () => fromNpy(npyWith('[1, 2]')), Error, /not a Python dict literal/],
    ['unterminated dict', () => fromNpy(npyWith("{'descr': '<f8'")), Error, /expected ',' or '}'/],
    ['unterminated string', () => fromNpy(npyWith("{'descr': '<f8")), Error, /unterminated string/],
    ['text after the dict', () => fromNpy(npyWith(`${dict("'<f8'", 'False', '(1,)')} x`, f8data(1))), Error, /unexpected text after the header dict/],
    ['a Python expression', () => fromNpy(npyWith(dict("'<f8'", 'False', '(__import__("os"),)'))), Error, /unexpected token/],
    ['a malformed number', () => fromNpy(npyWith(dict("'<f8'", 'False', '(0x10,)'))), Error, /malformed number '0x10'/],
    ['deep nesting', () => fromNpy(npyWith(`{'descr': ${'('.repeat(5000)}`)), Error, /nests deeper than 32 levels/],
    ['v3 header that is not UTF-8', () => fromNpy(npyWith(dict("'<f8'", 'False', '(1,)'), f8data(1), 3).map((v, i) => (i === 14 ? 0xff : v))), Error, /not valid UTF-8/],
    ['not bytes', () => fromNpy('\x93NUMPY' as unknown as Uint8Array), TypeError, /Expected a Uint8Array, ArrayBufferView or ArrayBuffer for bytes but received \x93NUMPY of type string/],
    ['null', () => fromNpy(null as unknown as Uint8Array), TypeError, /received null/],
  ];
  for (const [what, run, Type, message] of cases) {
    it(what, () => {
      let caught: unknown;
      try {
        run();
      } catch (e) {
        caught = e;
      }
      expect(caught, 'no error thrown').toBeInstanceOf(Type);
      expect((caught as Error).constructor).toBe(Type);
      expect((caught as Error).message).toMatch(message);
      if (what !== 'not bytes' && what !== 'null') expect((caught as Error).message).toMatch(/^fromNpy: /);
    });
  }

  for (const [name, descr] of Object.entries(manifest.unsupported)) {
    it(`refuses NumPy's ${name} file with a TypeError naming ${descr}`, () => {
      expect(() => fromNpy(npy(`unsupported_${name}`))).toThrow(TypeError);
      expect(() => fromNpy(npy(`unsupported_${name}`))).toThrow(descr);
    });
  }

  it('every truncation of a valid file throws', () => {
    for (const name of ['f8_c', 'i2_be_f', 'v2_f8', 'scalar_i4']) {
      const b = npy(name);
      for (let n = 0; n < b.length; n++) expect(() => fromNpy(b.subarray(0, n)), `${name}[:${n}]`).toThrow(Error);
      expect(() => fromNpy(b)).not.toThrow();
    }
  });

  it('random byte corruption of the preamble and header gives a tensor or an Error, never anything else', () => {
    let seed = 12345;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
    let errors = 0;
    for (let k = 0; k < 3000; k++) {
      const b = good.slice();
      for (let j = 0, m = 1 + (next() % 3); j < m; j++) b[next() % 128] = next() & 0xff;
      try {
        const t = fromNpy(b);
        expect(t).toBeInstanceOf(Tensor);
        expect(t.size).toBeLessThanOrEqual(b.length);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message.length).toBeGreaterThan(10);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(100);
  });
});

describe('readCsv', () => {
  for (const [name, c] of Object.entries(manifest.csv)) {
    it(`matches numpy.loadtxt on ${name}.csv`, async () => {
      const p = join(DIR, `${name}.csv`);
      const opts = { delimiter: c.delimiter, header: c.header };
      const t = readCsv(p, opts);
      expect(t.dtype).toBe('float64');
      expectValues(t, c.expected);
      expectValues(await readCsvAsync(p, opts), c.expected);
      expectValues(parseCsv(readFileSync(p, 'utf8'), opts), c.expected);
    });
  }

  it('parses numbers, specials and whitespace', () => {
    const t = parseCsv(' 1 , -2.5 ,\t.5\n5.,1E+3,-1e-3\nNaN,-Infinity,+inf\n-nan,INF,-0\n');
    expect(t.shape).toEqual([4, 3]);
    expect(flat(t)).toEqual([1, -2.5, 0.5, 5, 1000, -0.001, NaN, -Infinity, Infinity, NaN, Infinity, -0]);
    expect(Object.is(t.get(3, 2), -0)).toBe(true);
    expect(parseCsv('0.1,123456789.123456789,1e308,2e-308,1e400').toArray()).toEqual([[0.1, 123456789.123456789, 1e308, 2e-308, Infinity]]);
  });

  it('converts decimals exactly as Number() does (fast path and fallback, 40000 random fields)', () => {
    let seed = 987654321;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 4) % n;
    const digits = (n: number): string => Array.from({ length: n }, () => String(next(10))).join('');
    const fields: string[] = [
      '123456789012345e22', '123456789012345e-22', '1e22', '1e23', '1e-22', '1e-23', '9007199254740993',
      '0.1', '0.30000000000000004', '2.2250738585072014e-308', '4.9e-324', '1.7976931348623157e308', '000000000000000000001.5',
    ];
    for (let k = 0; k < 20000; k++) {
      const sign = ['', '-', '+'][next(3)];
      const int = digits(next(18));
      const frac = next(2) ? `.${digits(next(18))}` : '';
      const exp = next(2) ? `${'eE'[next(2)]}${['', '-', '+'][next(3)]}${next(40)}` : '';
      const f = `${sign}${int || (frac.length > 1 ? '' : '7')}${frac}${exp}`;
      fields.push(f);
    }
    for (let k = 0; k < 20000; k++) {
      // 14 to 18 significant digits around the 2^53 edge of the fast path
      const n = 14 + next(5);
      const point = next(n + 1);
      const d = `${1 + next(9)}${digits(n - 1)}`;
      fields.push(`${d.slice(0, point)}.${d.slice(point)}${next(2) ? `e${next(9) - 4}` : ''}`);
    }
    const t = parseCsv(fields.join('\n'));
    expect(t.shape).toEqual([fields.length, 1]);
    for (let i = 0; i < fields.length; i++) {
      if (!Object.is(t.data[i], Number(fields[i]))) throw new Error(`${fields[i]}: got ${t.data[i]}, Number() gives ${Number(fields[i])}`);
    }
  });

  it('skips the header, blank lines, a trailing newline and a byte order mark; handles CRLF', () => {
    expect(parseCsv('a,b\n1,2\n3,4', { header: true }).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(parseCsv('1,2\r\n\r\n3,4\r\n\r\n').toArray()).toEqual([[1, 2], [3, 4]]);
    expect(parseCsv('\uFEFF1,2\n   \n3,4\n\n\n').toArray()).toEqual([[1, 2], [3, 4]]);
    expect(parseCsv('\uFEFFx,y\n1,2\n', { header: true }).toArray()).toEqual([[1, 2]]);
  });

  it('takes any delimiter', () => {
    expect(parseCsv('1;2;3\n4;5;6', { delimiter: ';' }).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(parseCsv('1\t 2\n3 \t4', { delimiter: '\t' }).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(parseCsv('1 2 3\n4 5 6', { delimiter: ' ' }).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(parseCsv('1::2\n3::4', { delimiter: '::' }).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(() => parseCsv('1:2::3', { delimiter: '::' })).toThrow('line 1: field 1 "1:2" is not a number');
  });

  it('gives one row or one column as a 2-D tensor, and no rows as shape [0, 0]', () => {
    expect(parseCsv('1,2,3').shape).toEqual([1, 3]);
    expect(parseCsv('1\n2\n3\n').shape).toEqual([3, 1]);
    for (const [text, header] of [['', false], ['\n\n', false], ['a,b,c\n', true], ['a,b,c', true]] as const) {
      const t = parseCsv(text, { header });
      expect(t.shape).toEqual([0, 0]);
      expect(t.dtype).toBe('float64');
    }
  });

  it('names the line and field of a non-numeric field', () => {
    expect(() => parseCsv('1,2\n3,abc\n')).toThrow('parseCsv: line 2: field 2 "abc" is not a number');
    expect(() => parseCsv('x,y\n1,2\n3,4x\n', { header: true })).toThrow('line 3: field 2 "4x" is not a number');
    expect(() => parseCsv('1,2\n\n\n3,,4\n')).toThrow('line 4: field 2 is empty');
    expect(() => parseCsv('1,2,\n')).toThrow('line 1: field 3 is empty');
    for (const bad of ['0x10', '1_000', '1e', 'e5', '--1', '+-1', '1.2.3', '.', '-', 'infinite', 'nan1', '1 2', '"1"']) {
      expect(() => parseCsv(`1,${bad}`), bad).toThrow(`line 1: field 2 ${JSON.stringify(bad)} is not a number`);
    }
    expect(() => parseCsv(`1,${'9'.repeat(100)}z`)).toThrow(/"9{40}\.\.\." is not a number/);
  });

  it('names the line of a ragged row', () => {
    expect(() => parseCsv('1,2,3\n4,5\n')).toThrow('parseCsv: line 2: ragged row: 2 fields where line 1 has 3');
    expect(() => parseCsv('h\n\n1,2\n3,4,5,6\n', { header: true })).toThrow('line 4: ragged row: 4 fields where line 3 has 2');
    expect(() => parseCsv('1\n2,3\n')).toThrow('line 2: ragged row: 2 fields where line 1 has 1');
  });

  it('checks its arguments', () => {
    expect(() => parseCsv(3 as unknown as string)).toThrow(TypeError);
    expect(() => parseCsv('1', { delimiter: '' })).toThrow(TypeError);
    expect(() => parseCsv('1', { delimiter: '\n' })).toThrow(TypeError);
    expect(() => parseCsv('1', { delimiter: 5 as unknown as string })).toThrow(TypeError);
    expect(() => parseCsv('1', { header: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => parseCsv('1', null as unknown as undefined)).toThrow(TypeError);
    expect(() => readCsv(join(tmp, 'missing.csv'))).toThrow(/ENOENT/);
  });

  it('reads files: header, delimiter, CRLF, errors naming the file and line', async () => {
    const p = tmpFile('time;value\r\n0;1.5\r\n1; nan\r\n2;-inf\r\n');
    for (const t of [readCsv(p, { delimiter: ';', header: true }), await readCsvAsync(p, { delimiter: ';', header: true })]) {
      expect(t.shape).toEqual([3, 2]);
      expect(flat(t)).toEqual([0, 1.5, 1, NaN, 2, -Infinity]);
    }
    const bad = tmpFile('1,2\n3,x\n');
    expect(() => readCsv(bad)).toThrow(/^readCsv\('.*\.csv'\): line 2: field 2 "x" is not a number$/);
    await expect(readCsvAsync(bad)).rejects.toThrow(/^readCsvAsync\('.*\.csv'\): line 2: field 2 "x"/);
    const ragged = tmpFile('a,b\n1,2\n3\n');
    expect(() => readCsv(ragged, { header: true })).toThrow(/line 3: ragged row: 1 field where line 2 has 2/);
    await expect(readCsvAsync(join(tmp, 'missing.csv'))).rejects.toThrow(/ENOENT/);
    expect(readCsv(tmpFile('')).shape).toEqual([0, 0]);
    expect((await readCsvAsync(tmpFile(''))).shape).toEqual([0, 0]);
  });

  it('reads a multi-megabyte file across chunk boundaries (long multi-byte header, many rows)', async () => {
    const rows = 60000;
    const cols = 7;
    const lines = ['é€'.repeat(400000)]; // 2 MB of multi-byte header, split across 1 MiB chunks
    const want = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const row: string[] = [];
      for (let c = 0; c < cols; c++) {
        const v = ((r * 7919 + c * 104729) % 100003) / 97 - 500;
        want[r * cols + c] = Number(v.toPrecision(12));
        row.push(v.toPrecision(12));
      }
      lines.push(row.join(','));
    }
    const p = tmpFile(`${lines.join('\r\n')}\r\n`);
    const a = readCsv(p, { header: true });
    const b = await readCsvAsync(p, { header: true });
    expect(a.shape).toEqual([rows, cols]);
    expect(b.shape).toEqual([rows, cols]);
    for (const t of [a, b]) {
      let bad = -1;
      for (let i = 0; i < want.length && bad < 0; i++) if (t.data[i] !== want[i]) bad = i;
      expect(bad).toBe(-1);
    }
    expect(a.data.length).toBe(rows * cols);
  });
});
