import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { arange, eye, tensor, Tensor, toNpy, zeros } from '../lib/index.js';
import { encodeNpz, fromNpz, loadNpz, loadNpzAsync, saveNpz, saveNpzAsync, toNpz } from '../lib/npz.js';
import { num, type FixtureArray, thrown } from './helpers.js';

// Fixtures: test/fixtures/gen_npz.py (NumPy 2.4, CPython 3.11) wrote every file in test/fixtures/npz/.
const DIR = join(__dirname, 'fixtures', 'npz');
interface MemberSpec extends FixtureArray {
  readAs: string;
  descr: string;
  fortran: boolean;
  data: FixtureArray['data'];
  formula?: string;
}
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  archives: Record<string, { members: Record<string, MemberSpec>; skipped?: string[] }>;
  errors: Record<string, { class: string; message: string }>;
  zip64Limits: { zip64Limit: number; fileCountLimit: number };
  bytes: { dosDate: number; externalAttr: number };
};
const npzPath = (name: string): string => join(DIR, `${name}.npz`);
const npz = (name: string): Buffer => readFileSync(npzPath(name));

const tmp = mkdtempSync(join(tmpdir(), 'tensorblas-npz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let tmpCount = 0;
const tmpPath = (): string => join(tmp, `a${tmpCount++}.npz`);

/** Flat C-order values, -0 and NaN kept. */
function flat(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (dim: number, off: number): void => {
    if (dim === t.ndim) { out.push(t.data[off]); return; }
    for (let i = 0; i < t.shape[dim]; i++) walk(dim + 1, off + i * t.strides[dim]);
  };
  walk(0, t.offset);
  return out;
}

const FORMULAS: Record<string, (i: number) => number> = {
  'i % 1000': (i) => i % 1000,
  '(i * 7919 % 10007) / 13': (i) => (i * 7919 % 10007) / 13,
};

function expectMember(t: Tensor, e: MemberSpec, what: string): void {
  expect(t, what).toBeInstanceOf(Tensor);
  expect(t.dtype, what).toBe(e.readAs);
  expect(t.shape, what).toEqual(e.shape);
  const got = flat(t);
  const want = e.formula ? Array.from({ length: got.length }, (_, i) => FORMULAS[e.formula!](i)) : e.data.map(num);
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`${what}: element ${i}: got ${got[i]}, expected ${want[i]}`);
  }
  if (e.fortran) expect(t.isContiguous, `${what} keeps NumPy's Fortran order as strides`).toBe(false);
}

function expectSameArrays(a: Record<string, Tensor>, b: Record<string, Tensor>): void {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) {
    expect(a[k].dtype, k).toBe(b[k].dtype);
    expect(a[k].shape, k).toEqual(b[k].shape);
    expect(flat(a[k]).map(String), k).toEqual(flat(b[k]).map(String));
  }
}


const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const findSig = (b: Uint8Array, sig: number, from = 0): number => {
  for (let p = from; p + 4 <= b.length; p++) if (dv(b).getUint32(p, true) === sig) return p;
  return -1;
};
const CEN = 0x02014b50;
const LOC = 0x04034b50;
const EOCD = 0x06054b50;

/** The header fields of every local and central entry, without sizes and offsets (which depend on the DEFLATE bytes). */
function headerFields(b: Uint8Array): unknown[] {
  const d = dv(b);
  const out: unknown[] = [];
  for (let p = findSig(b, LOC); p >= 0 && d.getUint32(p, true) === LOC;) {
    const n = d.getUint16(p + 26, true);
    const x = d.getUint16(p + 28, true);
    const csize = Number(d.getBigUint64(p + 30 + n + 12, true));
    out.push({ local: [...b.subarray(p + 4, p + 18)], crc: d.getUint32(p + 14, true), sizes32: [d.getUint32(p + 18, true), d.getUint32(p + 22, true)],
      name: Buffer.from(b.subarray(p + 30, p + 30 + n)).toString('hex'), extraHead: [...b.subarray(p + 30 + n, p + 30 + n + 12)] });
    p += 30 + n + x + csize;
  }
  for (let p = findSig(b, CEN); p >= 0 && d.getUint32(p, true) === CEN;) {
    const n = d.getUint16(p + 28, true);
    const x = d.getUint16(p + 30, true);
    const c = d.getUint16(p + 32, true);
    out.push({ central: [...b.subarray(p + 4, p + 20)], size: d.getUint32(p + 24, true), rest: [...b.subarray(p + 28, p + 42)],
      name: Buffer.from(b.subarray(p + 46, p + 46 + n)).toString('hex') });
    p += 46 + n + x + c;
  }
  return out;
}

describe('fromNpz / loadNpz read what NumPy wrote', () => {
  for (const [name, spec] of Object.entries(manifest.archives)) {
    it(`${name}.npz: ${Object.keys(spec.members).length} members`, async () => {
      const fromBytes = fromNpz(npz(name));
      expect(Object.keys(fromBytes)).toEqual(Object.keys(spec.members));
      for (const [k, e] of Object.entries(spec.members)) expectMember(fromBytes[k], e, `${name}[${JSON.stringify(k)}]`);
      expectSameArrays(loadNpz(npzPath(name)), fromBytes);
      expectSameArrays(await loadNpzAsync(npzPath(name)), fromBytes);
    });
  }

  it('reads every dtype .npy supports by the nearest-dtype rule, odd names and layouts', () => {
    const z = fromNpz(npz('mixed'));
    expect(Object.keys(z)).toEqual(['f8', 'f4', 'i4', 'i8', 'u1', 'bool', 'f8_big_endian', 'f8_fortran', 'scalar', 'empty',
      'a b', 'dots.in.name', 'ünï€', 'slash/inner', 'x.npy']);
    expect([z.f8.dtype, z.f4.dtype, z.i4.dtype, z.i8.dtype, z.u1.dtype, z.bool.dtype]).toEqual(['float64', 'float32', 'int32', 'float64', 'int32', 'int32']);
    expect(z.f8_fortran.strides).toEqual([1, 3]);
    expect(z.scalar.shape).toEqual([]);
    expect(z.empty.shape).toEqual([0, 3]);
    expect(z['x.npy'].toArray()).toEqual([7]);
    expectSameArrays(fromNpz(npz('mixed_compressed')), z);
  });

  it('skips members that are not .npy files (numpy.load would return their bytes) and directories', () => {
    const z = fromNpz(npz('extra_members'));
    expect(Object.keys(z)).toEqual(['a']);
    expect(z.a.toArray()).toEqual([1, 2]);
  });

  it('decodes names without the UTF-8 flag as code page 437, as zipfile does', () => {
    expect(Object.keys(fromNpz(npz('cp437_name')))).toEqual(['├⌐']);
  });

  it('reads zip64 end records and zip64 central-directory fields', () => {
    const z = fromNpz(npz('zip64_small_limits'));
    expect(z.a.toArray()).toEqual([...Array(40).keys()]);
    expect(z.b.dtype).toBe('int32');
    expect(z.c.dtype).toBe('float32');
  });

  it('takes a Uint8Array, any ArrayBufferView and an ArrayBuffer; keeps "__proto__" as an ordinary key', () => {
    const bytes = toNpz(new Map<string, Tensor>([['__proto__', eye(2)], ['constructor', zeros([1])]]));
    const copy = bytes.slice();
    const viaBuffer = fromNpz(copy.buffer);
    expect(Object.keys(viaBuffer)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(viaBuffer)).toBe(Object.prototype);
    expect(viaBuffer.__proto__.toArray()).toEqual([[1, 0], [0, 1]]);
    expect(Object.keys(fromNpz(new DataView(bytes.buffer)))).toEqual(['__proto__', 'constructor']);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expectSameArrays(fromNpz(shifted.subarray(3)), viaBuffer); // misaligned members are copied
  });

  it('reads an archive with bytes prepended (offsets shifted), as zipfile does', () => {
    const b = npz('native');
    const pre = new Uint8Array(b.length + 100);
    pre.fill(0x41, 0, 100);
    pre.set(b, 100);
    expectSameArrays(fromNpz(pre), fromNpz(b));
  });
});

describe('toNpz / saveNpz write what NumPy writes', () => {
  it('stored: loading NumPy\'s archive and saving it again gives its bytes exactly', async () => {
    for (const name of ['native', 'one_member', 'no_members', 'zip64_small_limits']) {
      const want = npz(name);
      const arrays = fromNpz(want);
      if (name === 'zip64_small_limits') {
        expect(Buffer.compare(encodeNpz(arrays, false, manifest.zip64Limits), want), name).toBe(0);
        continue;
      }
      expect(Buffer.compare(toNpz(arrays), want), name).toBe(0);
      const p = tmpPath();
      saveNpz(p, arrays);
      expect(Buffer.compare(readFileSync(p), want), `${name} via saveNpz`).toBe(0);
      await saveNpzAsync(p, arrays);
      expect(Buffer.compare(readFileSync(p), want), `${name} via saveNpzAsync`).toBe(0);
    }
  });

  it('stored: tensors built here give NumPy\'s bytes (1980 timestamps, zip64 local extras, rw------- members)', () => {
    expect(Buffer.compare(toNpz({ w: eye(3) }), npz('one_member'))).toBe(0);
    expect(Buffer.compare(toNpz({}), npz('no_members'))).toBe(0);
    const b = toNpz({ w: eye(3) });
    expect(dv(b).getUint16(12, true)).toBe(manifest.bytes.dosDate);
    const c = findSig(b, CEN);
    expect(dv(b).getUint32(c + 38, true)).toBe(manifest.bytes.externalAttr);
  });

  it('compressed: the same headers as numpy.savez_compressed (only DEFLATE bytes, sizes and offsets differ), values round trip', () => {
    const want = npz('native_compressed');
    const arrays = fromNpz(want);
    const ours = toNpz(arrays, { compressed: true });
    expect(headerFields(ours)).toEqual(headerFields(want));
    expectSameArrays(fromNpz(ours), arrays);
    expect(ours.length).toBeLessThan(toNpz(arrays).length);
  });

  it('round trips every dtype, non-contiguous tensors, 0-d and empty ones, both ways', async () => {
    const base = arange(24).reshape(4, 6).div(8);
    const arrays = {
      c: base,
      t: base.T,
      s: base.slice([0, 4, 2], [1, 6, 2]),
      f4: tensor([[1.5, -2], [Infinity, NaN]], { dtype: 'float32' }),
      i4: tensor([2147483647, -2147483648], { dtype: 'int32' }),
      z: tensor(-0),
      e: zeros([0, 5]),
    };
    for (const compressed of [false, true]) {
      const back = fromNpz(toNpz(arrays, { compressed }));
      expectSameArrays(back, arrays);
      const p = tmpPath();
      await saveNpzAsync(pathToFileURL(p), arrays, { compressed });
      expectSameArrays(await loadNpzAsync(Buffer.from(p)), arrays);
      saveNpz(Buffer.from(p), arrays, { compressed });
      expectSameArrays(loadNpz(pathToFileURL(p)), arrays);
    }
  });

  it('writes a Map in its order, an object in property order (integer-like keys first)', () => {
    const names = (b: Uint8Array): string[] => {
      const out: string[] = [];
      for (let p = findSig(b, CEN); p >= 0; p = findSig(b, CEN, p + 4)) out.push(Buffer.from(b.subarray(p + 46, p + 46 + dv(b).getUint16(p + 28, true))).toString());
      return out;
    };
    expect(names(toNpz(new Map<string, Tensor>([['b', eye(1)], ['1', eye(1)], ['a', eye(1)]])))).toEqual(['b.npy', '1.npy', 'a.npy']);
    expect(names(toNpz({ b: eye(1), 1: eye(1), a: eye(1) }))).toEqual(['1.npy', 'b.npy', 'a.npy']);
    // the object loadNpz returns lists keys in JavaScript's property order as well
    expect(Object.keys(fromNpz(toNpz(new Map<string, Tensor>([['b', eye(1)], ['1', eye(1)]]))))).toEqual(['1', 'b']);
  });

  it('writes names with slashes and any Unicode (UTF-8 flag only when not ASCII)', () => {
    const b = toNpz({ 'dir/x': eye(1), 'ü': eye(1) });
    expect(Object.keys(fromNpz(b))).toEqual(['dir/x', 'ü']);
    const first = findSig(b, LOC);
    const second = findSig(b, LOC, first + 4);
    expect(dv(b).getUint16(first + 6, true)).toBe(0);
    expect(dv(b).getUint16(second + 6, true)).toBe(0x800);
  });

  it('snapshots the tensors at the call in saveNpzAsync', async () => {
    const t = zeros([3]);
    const p = tmpPath();
    const done = saveNpzAsync(p, { t }, { compressed: true });
    t.data.fill(7);
    await done;
    expect(loadNpz(p).t.toArray()).toEqual([0, 0, 0]);
  });

  it('refuses bad arguments with a TypeError before writing anything', async () => {
    const p = tmpPath();
    for (const [arrays, re] of [
      [null, /object or Map of tensors/], [[eye(1)], /object or Map of tensors/], [eye(2), /object or Map of tensors/],
      [{ a: [1, 2] }, /Tensor for arrays\["a"\]/], [{ 'a\0b': eye(1) }, /NUL/], [{ ['\ud800x']: eye(1) }, /lone surrogate/],
      [new Map<unknown, Tensor>([[1, eye(1)]]), /string keys/],
    ] as [unknown, RegExp][]) {
      expect(() => toNpz(arrays as never)).toThrow(re);
      expect(() => saveNpz(p, arrays as never)).toThrow(TypeError);
      await expect(saveNpzAsync(p, arrays as never)).rejects.toThrow(TypeError);
      expect(existsSync(p)).toBe(false);
    }
    expect(() => toNpz({ a: eye(1) }, { compressed: 1 } as never)).toThrow(/boolean for compressed/);
    expect(() => toNpz({ a: eye(1) }, 'yes' as never)).toThrow(TypeError);
    expect(() => toNpz({ ['x'.repeat(70000)]: eye(1) })).toThrow(RangeError);
    expect(() => saveNpz(1 as never, { a: eye(1) })).toThrow(TypeError);
    expect(() => loadNpz(0 as never)).toThrow(TypeError);
    await expect(loadNpzAsync('' as never)).rejects.toThrow(TypeError);
    expect(() => fromNpz([1, 2, 3] as never)).toThrow(TypeError);
    expect(() => fromNpz(npz('native'), { maxBytes: -1 })).toThrow(TypeError);
    expect(() => loadNpz(join(tmp, 'missing.npz'))).toThrow(/ENOENT/);
  });
});

describe('bad archives are named Errors, never a crash, hang or partial result', () => {
  for (const [name, e] of Object.entries(manifest.errors)) {
    it(`${name}.npz: ${e.class} mentioning ${e.message}`, async () => {
      const err = thrown(() => fromNpz(npz(name)));
      expect(err.constructor.name).toBe(e.class);
      expect(err.message).toContain(e.message);
      await expect(loadNpzAsync(npzPath(name))).rejects.toThrow(e.message);
    });
  }

  it('names the file in loadNpz messages', () => {
    expect(thrown(() => loadNpz(npzPath('duplicate'))).message).toMatch(/^loadNpz\('.*duplicate\.npz'\): /);
  });

  it('not a zip: empty, short, random, a .npy file', () => {
    expect(thrown(() => fromNpz(new Uint8Array(0))).message).toMatch(/too short/);
    expect(thrown(() => fromNpz(new Uint8Array(100).fill(7))).message).toMatch(/not a zip archive/);
    expect(thrown(() => fromNpz(toNpy(eye(2)))).message).toMatch(/\.npy file: read it with load or fromNpy/);
  });

  it('every truncation of an archive is an Error', () => {
    for (const name of ['native', 'native_compressed', 'zip64_small_limits']) {
      const b = npz(name);
      for (let n = 0; n < b.length; n++) {
        const err = thrown(() => fromNpz(b.subarray(0, n)));
        expect(err, `${name} cut at ${n}`).toBeInstanceOf(Error);
      }
    }
  }, 20_000);

  it('every single-byte corruption gives the same arrays or an Error', () => {
    for (const name of ['one_member', 'data_descriptor_compressed', 'zip64_small_limits']) {
      const b = npz(name);
      const want = fromNpz(b);
      for (let i = 0; i < b.length; i++) {
        const c = Uint8Array.from(b);
        c[i] ^= 0x5a;
        let got: Record<string, Tensor>;
        try {
          got = fromNpz(c);
        } catch (e) {
          expect(e, `${name} byte ${i}`).toBeInstanceOf(Error);
          continue;
        }
        expectSameArrays(got, want); // only fields the reader does not use (dates, versions, attributes) changed
      }
    }
  }, 20_000);

  /** A zip64 end record claiming `count` entries in a directory of `cdSize` bytes at `cdOffset`. */
  function zip64Claim(count: bigint, cdSize: bigint, cdOffset: bigint, pad = 0): Uint8Array {
    const b = Buffer.alloc(pad + 56 + 20 + 22);
    let p = pad;
    b.writeUInt32LE(0x06064b50, p); b.writeBigUInt64LE(44n, p + 4); b.writeUInt16LE(45, p + 12); b.writeUInt16LE(45, p + 14);
    b.writeBigUInt64LE(count, p + 24); b.writeBigUInt64LE(count, p + 32); b.writeBigUInt64LE(cdSize, p + 40); b.writeBigUInt64LE(cdOffset, p + 48);
    p += 56;
    b.writeUInt32LE(0x07064b50, p); b.writeBigUInt64LE(BigInt(pad), p + 8); b.writeUInt32LE(1, p + 16);
    p += 20;
    b.writeUInt32LE(EOCD, p); b.writeUInt16LE(0xffff, p + 8); b.writeUInt16LE(0xffff, p + 10); b.writeUInt32LE(0xffffffff, p + 12); b.writeUInt32LE(0xffffffff, p + 16);
    return b;
  }

  it('a central directory claiming 2^31 (or 2^64 - 1) entries is refused at once', () => {
    const t0 = performance.now();
    expect(thrown(() => fromNpz(zip64Claim(2n ** 31n, 0n, 0n))).message).toMatch(/claims 2147483648 members but the central directory is only 0 bytes/);
    expect(thrown(() => fromNpz(zip64Claim(2n ** 31n, 46n * 2n ** 31n, 0n))).message).toMatch(/does not fit/);
    expect(thrown(() => fromNpz(zip64Claim(2n ** 64n - 1n, 2n ** 64n - 1n, 2n ** 64n - 1n))).message).toMatch(/does not fit/);
    expect(thrown(() => fromNpz(zip64Claim(2n ** 31n, 92n, 0n, 92))).message).toMatch(/claims 2147483648 members/);
    // a classic end record claiming 65535 entries in 22 bytes
    const e = Buffer.alloc(22);
    e.writeUInt32LE(EOCD, 0); e.writeUInt16LE(0xffff, 8); e.writeUInt16LE(0xffff, 10);
    expect(thrown(() => fromNpz(e)).message).toMatch(/claims 65535 members/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  /** A one-member archive with the central directory's sizes (and optionally the data) replaced. */
  function withCentral(b: Uint8Array, edit: (d: DataView, cen: number) => void): Uint8Array {
    const c = Uint8Array.from(b);
    edit(dv(c), findSig(c, CEN));
    return c;
  }

  it('refuses declared sizes DEFLATE cannot produce, or past one Buffer, before inflating', () => {
    const b = toNpz({ w: zeros([1000]) }, { compressed: true });
    const t0 = performance.now();
    const lie = withCentral(b, (d, c) => d.setUint32(c + 24, 3_000_000_000, true));
    expect(thrown(() => fromNpz(lie)).message).toMatch(/more than DEFLATE can produce/);
    // 2^40 bytes through the zip64 extra field
    const huge = withCentral(b, (d, c) => d.setUint32(c + 24, 0xffffffff, true));
    const withExtra = new Uint8Array(huge.length + 12);
    const cen = findSig(huge, CEN);
    const n = dv(huge).getUint16(cen + 28, true);
    withExtra.set(huge.subarray(0, cen + 46 + n));
    const x = dv(withExtra);
    x.setUint16(cen + 30, 12, true);
    x.setUint16(cen + 46 + n, 1, true);
    x.setUint16(cen + 46 + n + 2, 8, true);
    x.setBigUint64(cen + 46 + n + 4, 2n ** 40n, true);
    withExtra.set(huge.subarray(cen + 46 + n), cen + 46 + n + 12);
    const eocd = findSig(withExtra, EOCD, cen);
    x.setUint32(eocd + 12, x.getUint32(eocd + 12, true) + 12, true);
    const err = thrown(() => fromNpz(withExtra));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toMatch(/declares 1099511627776 uncompressed bytes, more than one Buffer can hold/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('maxBytes bounds the declared total before anything is inflated', async () => {
    const b = toNpz({ a: zeros([100]), b: zeros([100]) }, { compressed: true });
    expect(Object.keys(fromNpz(b, { maxBytes: 2000 }))).toEqual(['a', 'b']);
    const err = thrown(() => fromNpz(b, { maxBytes: 1000 }));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toMatch(/more than maxBytes = 1000 .* with member 'b\.npy'/);
    const p = tmpPath();
    writeFileSync(p, b);
    await expect(loadNpzAsync(p, { maxBytes: 10 })).rejects.toThrow(RangeError);
  });

  it('a member inflating past its declared size (a zip bomb) stops there', () => {
    // 8 MB of zeros deflates to about 8 KB; the directory claims 4096 bytes.
    const npy = toNpy(zeros([1 << 20]));
    const deflated = deflateRawSync(npy);
    const b = toNpz({ w: zeros([1]) }, { compressed: true });
    const loc = findSig(b, LOC);
    const n = dv(b).getUint16(loc + 26, true);
    const head = b.subarray(0, loc + 30 + n + 20);
    const cenAt = findSig(b, CEN);
    const cen = Uint8Array.from(b.subarray(cenAt));
    const d = dv(cen);
    d.setUint32(20, deflated.length, true);
    d.setUint32(24, 4096, true);
    const eocd = findSig(cen, EOCD);
    d.setUint32(eocd + 16, head.length + deflated.length, true);
    const bomb = Buffer.concat([head, deflated, cen]);
    const t0 = performance.now();
    const err = thrown(() => fromNpz(bomb));
    expect(err.message).toMatch(/member 'w\.npy' inflates to more than its declared 4096 bytes/);
    expect(performance.now() - t0).toBeLessThan(1000);
    // and declaring more than it holds
    d.setUint32(24, npy.length + 10, true);
    expect(thrown(() => fromNpz(Buffer.concat([head, deflated, cen]))).message).toMatch(/inflates to 8388736 bytes but declares 8388746/);
  });

  it('overlapping members (the overlapped-entries zip bomb) are refused, as CPython does', () => {
    const b = npz('native');
    const c = withCentral(b, (d, cen) => {
      d.setUint32(cen + 20, d.getUint32(cen + 20, true) + 100, true);
      d.setUint32(cen + 24, d.getUint32(cen + 24, true) + 100, true);
    });
    expect(thrown(() => fromNpz(c)).message).toMatch(/member 'a\.npy' overlaps the next member/);
  });

  it('CRC-32 mismatch, broken DEFLATE data, encryption, split archives, mismatched names', () => {
    const stored = npz('one_member');
    const loc = findSig(stored, LOC);
    const dataAt = loc + 30 + dv(stored).getUint16(loc + 26, true) + 20;
    const flipped = Uint8Array.from(stored);
    flipped[dataAt + 150] ^= 1;
    expect(thrown(() => fromNpz(flipped)).message).toMatch(/fails its CRC-32 check/);
    const deflated = toNpz({ w: eye(3) }, { compressed: true });
    const broken = Uint8Array.from(deflated);
    broken.fill(0xff, dataAt, dataAt + 8);
    expect(thrown(() => fromNpz(broken)).message).toMatch(/is not a valid DEFLATE stream|fails its CRC-32|inflates to/);
    expect(thrown(() => fromNpz(withCentral(stored, (d, c) => d.setUint16(c + 8, 1, true)))).message).toMatch(/encrypted/);
    const split = Uint8Array.from(stored);
    dv(split).setUint16(findSig(split, EOCD) + 4, 1, true);
    expect(thrown(() => fromNpz(split)).message).toMatch(/several disks/);
    const renamed = Uint8Array.from(stored);
    renamed[loc + 30] = 'v'.charCodeAt(0);
    expect(thrown(() => fromNpz(renamed)).message).toMatch(/different name in its local header/);
  });
});
