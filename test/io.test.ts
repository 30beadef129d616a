import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  arange, fromNpy, load, loadAsync, parseCsv, readCsv, readCsvAsync, save, saveAsync, tensor, Tensor, toNpy, zeros,
} from '../lib/index.js';
import type { CsvOptions, LabeledCsv } from '../lib/io.js';
import { num, type FixtureArray, thrown } from './helpers.js';

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
    for (const bad of ['0x10', '1_000', '1e', 'e5', '--1', '+-1', '1.2.3', '.', '-', 'infinite', 'nan1', '1 2']) {
      expect(() => parseCsv(`1,${bad}`), bad).toThrow(`line 1: field 2 ${JSON.stringify(bad)} is not a number`);
    }
    expect(() => parseCsv(`1,${'9'.repeat(100)}z`)).toThrow(/"9{40}\.\.\." is not a number/);
    // a quoted field is the text inside the quotes; an empty one is missing, not a number
    expect(() => parseCsv('1,"1 2"')).toThrow('line 1: field 2 "1 2" is not a number');
    expect(() => parseCsv('1,"a ""b"""')).toThrow(`line 1: field 2 ${JSON.stringify('a "b"')} is not a number`);
    expect(() => parseCsv('1,""')).toThrow('line 1: field 2 is empty');
    expect(() => parseCsv('1, \t')).toThrow('line 1: field 2 is empty');
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
    expect(() => parseCsv('1', { delimiter: '"' })).toThrow(TypeError);
    expect(() => parseCsv('1', { delimiter: ',"' })).toThrow(TypeError);
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

// CSV files as exports write them. Fixtures: test/fixtures/gen_csv.py (NumPy's loadtxt and
// Python's csv module read each file) wrote test/fixtures/csv/.
const CSV_DIR = join(__dirname, 'fixtures', 'csv');
const csvManifest = JSON.parse(readFileSync(join(CSV_DIR, 'manifest.json'), 'utf8')) as Record<string, {
  file: string; options: Record<string, unknown>; data: FixtureArray; labels?: string[]; classes?: string[]; codes?: number[];
}>;


describe('readCsv: columns, quoted fields, missing fields, labels', () => {
  for (const [name, c] of Object.entries(csvManifest)) {
    it(`reads ${c.file} with ${JSON.stringify(c.options)} as NumPy and Python's csv module do (sync, async, text)`, async () => {
      const p = join(CSV_DIR, c.file);
      const opts = { ...c.options } as Record<string, unknown>;
      if (opts.missing !== undefined) opts.missing = num(opts.missing as number);
      const results = [readCsv(p, opts as CsvOptions), await readCsvAsync(p, opts as CsvOptions), parseCsv(readFileSync(p, 'utf8'), opts as CsvOptions)] as unknown[];
      for (const r of results) {
        if (c.labels) {
          const l = r as LabeledCsv;
          expectValues(l.data, c.data);
          expect(l.labels, name).toEqual(c.labels);
          expect(l.classes, name).toEqual(c.classes);
          expect(l.codes.dtype).toBe('int32');
          expect(l.codes.shape).toEqual([c.codes!.length]);
          expect(l.codes.toArray()).toEqual(c.codes);
        } else {
          expect(r).toBeInstanceOf(Tensor);
          expectValues(r as Tensor, c.data);
        }
      }
    });
  }

  describe('columns', () => {
    const text = 'a,b,c,d\n1,2,3,4\n5,6,7,8\n';
    it('selects by index, negative index and header name, in the order given', () => {
      expect(parseCsv(text, { header: true, columns: [2, 0] }).toArray()).toEqual([[3, 1], [7, 5]]);
      expect(parseCsv(text, { header: true, columns: [-1, -4] }).toArray()).toEqual([[4, 1], [8, 5]]);
      expect(parseCsv(text, { header: true, columns: ['d', 'b'] }).toArray()).toEqual([[4, 2], [8, 6]]);
      expect(parseCsv(text, { header: true, columns: ['c', 0, -1] }).toArray()).toEqual([[3, 1, 4], [7, 5, 8]]);
      expect(parseCsv('1,2,3\n4,5,6', { columns: [1] }).toArray()).toEqual([[2], [5]]);
    });

    it('may repeat a column, and may select none', () => {
      expect(parseCsv(text, { header: true, columns: ['b', 1, -3] }).toArray()).toEqual([[2, 2, 2], [6, 6, 6]]);
      const none = parseCsv(text, { header: true, columns: [] });
      expect(none.shape).toEqual([2, 0]);
    });

    it('skips the columns not selected without parsing them (text is fine there)', () => {
      const t = parseCsv('name,x,comment,y\nann,1,"hi, there",2\nbob,3,ok,4\n', { header: true, columns: ['x', 'y'] });
      expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
      // ... but a selected column must hold numbers, and the row must still have every field
      expect(() => parseCsv('n,x\nann,1\n', { header: true, columns: ['n'] })).toThrow('line 2: field 1 "ann" is not a number');
      expect(() => parseCsv('n,x\nann,1\nbob\n', { header: true, columns: ['x'] })).toThrow('line 3: ragged row: 1 field where line 2 has 2');
    });

    it('an unknown name, an ambiguous name or an index out of range is a RangeError that names it and lists the header', () => {
      const unknown = thrown(() => parseCsv(text, { header: true, columns: ['a', 'e'] }));
      expect(unknown).toBeInstanceOf(RangeError);
      expect(unknown.message).toBe('parseCsv: columns[1]: no column named "e"; the header has "a", "b", "c", "d"');
      const far = thrown(() => parseCsv(text, { header: true, columns: [4] }));
      expect(far).toBeInstanceOf(RangeError);
      expect(far.message).toBe('parseCsv: columns[0]: index 4 is out of range for the 4 fields of line 2; the header has "a", "b", "c", "d"');
      expect(thrown(() => parseCsv('1,2\n', { columns: [-3] })).message).toBe('parseCsv: columns[0]: index -3 is out of range for the 2 fields of line 1');
      const twice = thrown(() => parseCsv('x,y,x\n1,2,3\n', { header: true, columns: ['x'] }));
      expect(twice).toBeInstanceOf(RangeError);
      expect(twice.message).toMatch(/columns\[0\]: the name "x" is ambiguous: the header has it as fields 1 and 3/);
      // a name beyond the data rows' width
      expect(thrown(() => parseCsv('a,b,c\n1,2\n', { header: true, columns: ['c'] })).message)
        .toBe('parseCsv: columns[0]: the column named "c" is field 3 of the header, but line 2 has 2 fields');
      // the name is checked when the header is read, before any data
      expect(() => parseCsv('a,b\n', { header: true, columns: ['z'] })).toThrow(RangeError);
      // long headers are listed in part
      const wide = Array.from({ length: 30 }, (_, i) => `c${i}`).join(',');
      expect(thrown(() => parseCsv(`${wide}\n`, { header: true, columns: ['z'] })).message).toMatch(/"c19", \.\.\. \(30 names\)$/);
    });

    it('checks the option: names need header: true, entries are integers or strings', () => {
      const noHeader = thrown(() => parseCsv(text, { columns: ['a'] }));
      expect(noHeader).toBeInstanceOf(TypeError);
      expect(noHeader.message).toBe('Expected an integer index for columns[0] but received the header name "a": names need header: true');
      expect(() => parseCsv(text, { columns: [1.5] })).toThrow('Expected an integer index or a header name for columns[0] but received 1.5 of type number');
      expect(() => parseCsv(text, { columns: 1 as unknown as number[] })).toThrow(TypeError);
      expect(() => parseCsv(text, { columns: [null as unknown as number] })).toThrow(TypeError);
    });
  });

  describe('quoted fields (RFC 4180)', () => {
    it('holds delimiters, line breaks and "" escapes; quoted numbers are numbers', () => {
      const r = parseCsv('"x","label"\n"1.5","a, b"\n2,"two\nlines"\n"-3e2","say ""hi"""\n4,""""\n', { header: true, labels: 'label' });
      expect(r.data.toArray()).toEqual([[1.5], [2], [-300], [4]]);
      expect(r.labels).toEqual(['a, b', 'two\nlines', 'say "hi"', '"']);
    });

    it('reads quoted header names, with delimiters, quotes and line breaks in them', () => {
      const text = '"a,b","say ""x""","two\r\nlines",plain\r\n1,2,3,4\r\n';
      expect(parseCsv(text, { header: true, columns: ['plain', 'two\r\nlines', 'say "x"', 'a,b'] }).toArray()).toEqual([[4, 3, 2, 1]]);
    });

    it('keeps spaces inside quotes and ignores those outside; CRLF, tabs and multi-character delimiters work', () => {
      const r = parseCsv('1 , " a " ,2\r\n3,"b" , 4\r\n', { labels: 1 });
      expect(r.labels).toEqual([' a ', 'b']);
      expect(r.data.toArray()).toEqual([[1, 2], [3, 4]]);
      expect(parseCsv('"1"\t"2"\n3\t" 4 "', { delimiter: '\t' }).toArray()).toEqual([[1, 2], [3, 4]]);
      expect(parseCsv('1::"a::b"::2\n', { delimiter: '::', labels: 1 }).labels).toEqual(['a::b']);
      expect(parseCsv('1 "x" 2\n', { delimiter: ' ', labels: 1 }).labels).toEqual(['x']);
    });

    it('counts the lines inside quoted fields, so later errors name the right line', () => {
      const text = 'a,b\n1,"x\ny\nz"\n2,"p"\n3,q,r\n';
      expect(() => parseCsv(text, { header: true, labels: 'b' })).toThrow('parseCsv: line 6: ragged row: 3 fields where line 2 has 2');
      expect(() => parseCsv('a,b\n"1\n",x\n', { header: true })).toThrow('line 2: field 1 "1\\n" is not a number');
      expect(() => parseCsv('a,b\n"x\n\ny",5\n1,\n', { header: true, labels: 'a' })).toThrow('parseCsv: line 5: field 2 is empty');
      expect(() => parseCsv('a,b\n"\n\n",5\n', { header: true })).toThrow('line 2: field 1 "\\n\\n" is not a number'); // line breaks are not spaces
      expect(() => parseCsv('a,b\n"x\ny",5\n1,"\nx"\n', { header: true, labels: 'a' })).toThrow('line 4: field 2 "\\nx" is not a number');
    });

    it('an unterminated quote is an Error naming the line it opened on', () => {
      expect(() => parseCsv('a,b\n1,2\n3,"4\n5,6\n', { header: true })).toThrow('parseCsv: line 3: field 2: unterminated quoted field (the quote opened on this line is never closed)');
      expect(() => parseCsv('"a')).toThrow('line 1: field 1: unterminated quoted field');
      expect(() => parseCsv('x\n"a\n\n\n', { header: true, labels: 0 })).toThrow('line 2: field 1: unterminated quoted field');
    });

    it('a quote inside an unquoted field, or text after a closing quote, is an Error naming line and field', () => {
      expect(() => parseCsv('1,2\n3,4"\n')).toThrow('parseCsv: line 2: field 2: a double quote inside an unquoted field (quote the whole field and write the quote as "")');
      expect(() => parseCsv('1,2\n3,"4"5\n')).toThrow('parseCsv: line 2: field 2: unexpected text after the closing quote (a quote inside a quoted field is written "")');
      expect(() => parseCsv('a,b"c\n1,2\n', { header: true })).toThrow('line 1: field 2: a double quote inside an unquoted field');
    });
  });

  describe('missing fields', () => {
    it('are an Error by default, naming the line and field', () => {
      expect(() => parseCsv('1,2,3\n4,,6\n')).toThrow('parseCsv: line 2: field 2 is empty (pass { missing: NaN } to read missing fields as NaN)');
      expect(() => parseCsv('1,2\n3,""\n')).toThrow('line 2: field 2 is empty');
      expect(() => parseCsv('1,NA\n', { missingValues: ['NA'] })).toThrow('parseCsv: line 1: field 2 is missing ("NA") (pass { missing: NaN } to read missing fields as NaN)');
      expect(() => parseCsv('1,NA\n')).toThrow('line 1: field 2 "NA" is not a number');
    });

    it('become the missing value: empty, blank, quoted-empty and missingValues fields', () => {
      const t = parseCsv('1,,3\n ,"",NA\n"NA",?,nan\n', { missing: NaN, missingValues: ['NA', '?'] });
      expect(flat(t)).toEqual([1, NaN, 3, NaN, NaN, NaN, NaN, NaN, NaN]);
      expect(parseCsv('1,\n,2\n', { missing: 0 }).toArray()).toEqual([[1, 0], [0, 2]]);
      expect(parseCsv('1,\n,2\n', { missing: -1, columns: [1] }).toArray()).toEqual([[-1], [2]]);
      // compared after trimming; case matters; a missing value need not be a missing text
      expect(flat(parseCsv(' NA ,"-"\n', { missing: NaN, missingValues: ['NA', '-'] }))).toEqual([NaN, NaN]);
      expect(() => parseCsv('na,1\n', { missing: NaN, missingValues: ['NA'] })).toThrow('field 1 "na" is not a number');
    });

    it('do not apply to labels, which are taken as they are', () => {
      const r = parseCsv('1,\n2,NA\n3,x\n', { labels: 1, missing: NaN, missingValues: ['NA'] });
      expect(r.labels).toEqual(['', 'NA', 'x']);
      expect(r.classes).toEqual(['', 'NA', 'x']);
    });

    it('checks the options', () => {
      expect(() => parseCsv('1', { missing: 'NaN' as unknown as number })).toThrow('Expected a number (e.g. NaN) for missing but received NaN of type string');
      expect(() => parseCsv('1', { missingValues: 'NA' as unknown as string[] })).toThrow('Expected an array of strings for missingValues but received NA of type string');
      expect(() => parseCsv('1', { missingValues: ['NA', 0 as unknown as string] })).toThrow('Expected a string for missingValues[1] but received 0 of type number');
    });
  });

  describe('labels', () => {
    const iris = '"sepal_length","species","petal_length"\n5.1,"setosa",1.4\n7,versicolor,4.7\n6.3,virginica,6\n4.9,setosa,1.5\n';
    it('returns the label column as strings, sorted classes and int32 codes; the data is every other column', () => {
      const r = parseCsv(iris, { header: true, labels: 'species' });
      expect(Object.keys(r).sort()).toEqual(['classes', 'codes', 'data', 'labels']);
      expect(r.data.dtype).toBe('float64');
      expect(r.data.toArray()).toEqual([[5.1, 1.4], [7, 4.7], [6.3, 6], [4.9, 1.5]]);
      expect(r.labels).toEqual(['setosa', 'versicolor', 'virginica', 'setosa']);
      expect(r.classes).toEqual(['setosa', 'versicolor', 'virginica']);
      expect(r.codes.dtype).toBe('int32');
      expect(r.codes.shape).toEqual([4]);
      expect(r.codes.toArray()).toEqual([0, 1, 2, 0]);
      for (const labels of [1, -2]) expect(parseCsv(iris, { header: true, labels })).toEqual(r);
      expect(parseCsv(iris, { header: true, labels: 'species', columns: ['petal_length'] }).data.toArray()).toEqual([[1.4], [4.7], [6], [1.5]]);
    });

    it('codes follow sorted classes (code point order, as numpy.unique), not first appearance', () => {
      const words = ['b', 'a', '\u{1F600}', 'B', '\uFFFD', 'é', 'a', 'ab', ''];
      const r = parseCsv(words.map((w, i) => `${i},"${w}"`).join('\n'), { labels: 1 });
      // numpy.unique(['b', 'a', '😀', 'B', '\ufffd', 'é', 'a', 'ab', '']) (UTF-16 order would put 😀 before \ufffd)
      expect(r.classes).toEqual(['', 'B', 'a', 'ab', 'b', 'é', '\uFFFD', '\u{1F600}']);
      expect(r.codes.toArray()).toEqual([4, 2, 7, 1, 6, 5, 2, 3, 0]);
      expect(r.labels).toEqual(words);
      for (let i = 0; i < words.length; i++) expect(r.classes[r.codes.get(i)]).toBe(words[i]);
    });

    it('gives empty results for text without data rows', () => {
      const r = parseCsv('a,b\n', { header: true, labels: 'b' });
      expect(r.data.shape).toEqual([0, 0]);
      expect(r.labels).toEqual([]);
      expect(r.classes).toEqual([]);
      expect(r.codes.shape).toEqual([0]);
      expect(r.codes.dtype).toBe('int32');
    });

    it('an unknown label column is a RangeError naming it and listing the header; names need header: true', () => {
      const e = thrown(() => parseCsv(iris, { header: true, labels: 'Species' }));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toBe('parseCsv: labels: no column named "Species"; the header has "sepal_length", "species", "petal_length"');
      expect(thrown(() => parseCsv('1,2\n', { labels: 2 })).message).toBe('parseCsv: labels: index 2 is out of range for the 2 fields of line 1');
      expect(() => parseCsv('1,a\n', { labels: 'a' })).toThrow(TypeError);
      expect(() => parseCsv('1,a\n', { labels: 0.5 as unknown as number })).toThrow('Expected an integer index or a header name for labels but received 0.5 of type number');
    });

    it('readCsv and readCsvAsync take and return the same', async () => {
      const p = tmpFile(iris);
      const sync = readCsv(p, { header: true, labels: 'species' });
      const async_ = await readCsvAsync(p, { header: true, labels: 'species' });
      expect(async_).toEqual(sync);
      expect(sync).toEqual(parseCsv(iris, { header: true, labels: 'species' }));
      // without labels: a tensor, as before
      expect(readCsv(p, { header: true, columns: [0] })).toBeInstanceOf(Tensor);
      expect(await readCsvAsync(p, { header: true, columns: [0] })).toBeInstanceOf(Tensor);
    });
  });

  it('reads quotes across 1 MiB chunk boundaries: a split "" escape, a split quoted line break, a quoted field larger than a chunk', async () => {
    // ASCII only, so character offsets are byte offsets and the chunk boundaries (every 2^20
    // bytes in readCsv and readCsvAsync) fall where this test puts them.
    const CHUNK = 1 << 20;
    let text = '"n","label","x"\n';
    const labels: string[] = [];
    const data: number[] = [];
    let row = 0;
    const add = (label: string, quoted = true): void => {
      const x = ((row * 37) % 1000) / 8;
      text += `${row},${quoted ? `"${label.replaceAll('"', '""')}"` : label},"${x}"\n`;
      labels.push(label);
      data.push(row, x);
      row++;
    };
    /** Short rows (some labels quoted, some not) up to a little before `at`. */
    const fill = (at: number): void => {
      while (text.length < at - 100) add(`r${row % 7}`, row % 3 !== 0);
    };
    /** Where the next row's label text starts. */
    const labelStart = (): number => text.length + `${row},"`.length;
    // 1. the first boundary splits a "" escape: the chunk ends with the first quote of the pair
    fill(CHUNK);
    add(`${'q'.repeat(CHUNK - 1 - labelStart())}"b\nc, d`);
    expect(text.slice(CHUNK - 2, CHUNK + 2)).toBe('q""b');
    // 2. the next chunk begins with a line break inside quotes
    fill(2 * CHUNK);
    add(`${'s'.repeat(2 * CHUNK - labelStart())}\nafter`);
    expect(text.slice(2 * CHUNK - 1, 2 * CHUNK + 2)).toBe('s\na');
    // 3. a quoted field longer than a chunk, with escapes and line breaks in it
    const huge = Array.from({ length: 30000 }, (_, i) => `line ${i}, "q${i}"`).join('\r\n') + 'x'.repeat(CHUNK);
    add(huge);
    add('last', false);
    expect(text.length).toBeGreaterThan(3 * CHUNK);
    const p = tmpFile(text);
    const opts = { header: true, labels: 'label' } as const;
    const sync = readCsv(p, opts);
    const async_ = await readCsvAsync(p, opts);
    const whole = parseCsv(text, opts);
    for (const r of [sync, async_, whole]) {
      expect(r.data.shape).toEqual([row, 2]);
      expect(Array.from(r.data.data)).toEqual(data);
      expect(r.labels.length).toBe(labels.length);
      for (let i = 0; i < labels.length; i++) if (r.labels[i] !== labels[i]) throw new Error(`label ${i} differs`);
      expect(r.classes).toEqual([...new Set(labels)].sort());
    }
    expect(async_.codes.toArray()).toEqual(sync.codes.toArray());
    // the error line after all of it: every line break inside quotes is counted
    const lines = text.split('\n').length; // the trailing '\n' gives one more: the bad row's number
    const bad = tmpFile(`${text}1,x,"y\n`);
    expect(() => readCsv(bad, opts)).toThrow(`line ${lines}: field 3: unterminated quoted field`);
    await expect(readCsvAsync(bad, opts)).rejects.toThrow(`line ${lines}: field 3: unterminated quoted field`);
  });
});
