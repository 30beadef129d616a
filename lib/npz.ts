// I/O: NumPy's .npz format, a zip archive of .npy members (numpy.savez, numpy.savez_compressed,
// numpy.load). Each member goes through io.ts's toNpy/fromNpy; this file owns only the zip.
//
// The zip container is read and written here rather than by a zip library, for three reasons:
//  - Byte compatibility. numpy.savez writes through CPython's zipfile with force_zip64=True: every
//    local header carries a zip64 extra field and says version 4.5, every member is dated
//    1980-01-01 00:00, the central directory grows zip64 fields only past 2^31 - 1 bytes. A
//    general zip writer (fflate's zipSync, for one) writes none of that, so its archives differ
//    from NumPy's in every header. This writer gives NumPy's bytes exactly for stored archives.
//  - Hostile input. A reader has to check the central directory before it trusts it: fflate's
//    unzipSync loops once per entry the end record claims (a 98-byte file claiming 2^31 entries
//    ran for more than 30 s) and allocates each entry's declared size before inflating. Here the
//    entry count is bounded by the directory's size, every offset and size by the archive, the
//    declared sizes by what DEFLATE can produce, overlapping members (the "zip bomb" layout) are
//    refused as CPython refuses them, and inflation stops at the declared size.
//  - DEFLATE and CRC-32 come from node:zlib, which ships with Node (zlib.crc32 since 20.15; the
//    package needs 20.19): nothing to install. It is loaded on first use, so importing
//    tensorblas does not load it.
//
// Compressed archives are valid and read back identically, but their DEFLATE streams are not
// NumPy's byte for byte: Node bundles Chromium's zlib, Python links the system's, and the two
// choose different matches at the same level.
import { constants as bufferConstants } from 'node:buffer';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { describe } from './errors.js';
import { checkPath, fromNpy, toNpy, type FilePath } from './io.js';
import { Tensor } from './tensor.js';

type Zlib = typeof import('node:zlib');
let zlibModule: Zlib | undefined;
/** node:zlib, loaded on first use (about 2 ms that `import 'tensorblas'` need not pay). */
function zlib(): Zlib {
  return (zlibModule ??= process.getBuiltinModule('node:zlib'));
}

// ---------------------------------------------------------------------------------------------
// Zip constants (APPNOTE.TXT; CPython's zipfile for what NumPy writes)
// ---------------------------------------------------------------------------------------------

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;
const EOCD_SIZE = 22;
const EOCD64_SIZE = 56;
const LOCATOR_SIZE = 20;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;
const ZIP64_TAG = 0x0001;
/** CPython's zipfile.ZIP64_LIMIT: sizes and offsets above it get zip64 fields in the central directory. */
const ZIP64_LIMIT = 2 ** 31 - 1;
/** CPython's zipfile.ZIP_FILECOUNT_LIMIT: more members than this need the zip64 end records. */
const FILECOUNT_LIMIT = 0xffff;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
/** zipfile.ZIP64_VERSION: what NumPy's local and central headers say they need (zip64 is forced). */
const VERSION_ZIP64 = 45;
/** Made by: Unix (3), as CPython writes on every platform but Windows (NumPy archives made on Windows say 0). */
const MADE_BY_UNIX = 3;
/** MS-DOS date of 1980-01-01, zipfile.ZipInfo's default date_time (time 00:00:00 is 0). */
const DOS_DATE_1980 = (1 << 5) | 1;
/** Unix permissions rw------- in the high half, as zipfile gives members written through ZipFile.open. */
const EXTERNAL_ATTR = 0o600 << 16;
/**
 * DEFLATE's largest expansion: a 258-byte match costs at least 2 bits, so one compressed byte
 * yields at most 1032 bytes (zlib reaches 1029 on zeros). A member declaring more than this many
 * bytes per compressed byte is corrupt or a zip bomb, and is refused before anything is inflated.
 */
const DEFLATE_MAX_RATIO = 1032;
/** Bytes of slack for the ratio check (tiny members: block headers, the end-of-block code). */
const DEFLATE_RATIO_SLACK = 1024;

const NPY_SUFFIX = '.npy';
/** The upper half of code page 437, which zip readers (CPython's included) use for names without the UTF-8 flag. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/** Options of {@link loadNpz}, {@link loadNpzAsync} and {@link fromNpz}. */
export interface NpzLoadOptions {
  /**
   * The most bytes the `.npy` members may hold uncompressed, added up; an archive whose central
   * directory declares more is a RangeError before anything is inflated. Default: no limit but
   * the one that always holds (a member must fit one Buffer, `buffer.constants.MAX_LENGTH`).
   * Set it when the archive comes from someone you do not trust: DEFLATE can expand about 1000
   * times, so a 1 MB upload may legitimately declare 1 GB of zeros.
   */
  maxBytes?: number;
}

/** Options of {@link saveNpz}, {@link saveNpzAsync} and {@link toNpz}. */
export interface NpzSaveOptions {
  /**
   * DEFLATE each member, as `numpy.savez_compressed` does; default false (stored, as
   * `numpy.savez`).
   */
  compressed?: boolean;
}

/**
 * The arrays of an archive: an object or a Map from name to tensor. A name `n` becomes the member
 * `n.npy`. An object's keys come in JavaScript's property order (integer-like keys such as `'1'`
 * first, in ascending order, then the others in insertion order); a Map keeps insertion order.
 */
export type NpzArrays = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

function checkLoadOptions(opts: unknown): number {
  if (opts === undefined) return Infinity;
  if (opts === null || typeof opts !== 'object') throw new TypeError(`Expected an options object { maxBytes? } but received ${describe(opts)}`);
  const max = (opts as NpzLoadOptions).maxBytes;
  if (max === undefined) return Infinity;
  if (typeof max !== 'number' || Number.isNaN(max) || max < 0) {
    throw new TypeError(`Expected a non-negative number of bytes (or Infinity) for maxBytes but received ${describe(max)}`);
  }
  return max;
}

function checkSaveOptions(opts: unknown): boolean {
  if (opts === undefined) return false;
  if (opts === null || typeof opts !== 'object') throw new TypeError(`Expected an options object { compressed? } but received ${describe(opts)}`);
  const c = (opts as NpzSaveOptions).compressed;
  if (c !== undefined && typeof c !== 'boolean') throw new TypeError(`Expected a boolean for compressed but received ${describe(c)}`);
  return c ?? false;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** One `.npy` member, checked against the archive: its bytes are `data` (still compressed for DEFLATE). */
interface Member {
  name: string;
  key: string;
  method: number;
  crc: number;
  size: number;
  data: Uint8Array;
}

function toBytes(input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer)) {
    return new Uint8Array(input);
  }
  throw new TypeError(`Expected a Uint8Array, ArrayBufferView or ArrayBuffer for bytes but received ${describe(input)}`);
}

const u16 = (b: Uint8Array, p: number): number => b[p] | (b[p + 1] << 8);
const u32 = (b: Uint8Array, p: number): number => (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
/** A little-endian u64, or Infinity past 2^53 (no archive in memory is that large). */
const u64 = (b: Uint8Array, p: number): number => {
  const hi = u32(b, p + 4);
  return hi >= 0x200000 ? Infinity : hi * 0x100000000 + u32(b, p);
};

function decodeName(raw: Uint8Array, utf8: boolean, fail: (m: string) => never): string {
  if (utf8) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return fail(`a member name flagged UTF-8 is not valid UTF-8 (bytes ${Buffer.from(raw).toString('hex')})`);
    }
  }
  let s = '';
  for (let i = 0; i < raw.length; i++) s += raw[i] < 0x80 ? String.fromCharCode(raw[i]) : CP437_HIGH[raw[i] - 0x80];
  return s;
}

/**
 * Reads and checks the central directory and each `.npy` member's local header, as CPython's
 * zipfile does (plus a few checks it leaves out), and returns the members to decode. Nothing is
 * inflated here, so every size can be refused before memory is spent on it.
 */
function readArchive(b: Uint8Array, source: string, maxBytes: number): { members: Member[]; skipped: string[] } {
  const fail = (m: string): never => {
    throw new Error(`${source}: ${m}`);
  };
  // The end of central directory record: 22 bytes, at the very end unless a comment follows it.
  if (b.length < EOCD_SIZE) {
    const hint = b.length >= 6 && b[0] === 0x93 && b[1] === 0x4e ? ' (this is a .npy file: read it with load or fromNpy)' : '';
    fail(`not a zip archive (.npz): ${b.length} bytes is too short for the end of central directory record${hint}`);
  }
  let e = -1;
  for (let p = b.length - EOCD_SIZE, stop = Math.max(0, b.length - EOCD_SIZE - MAX_COMMENT); p >= stop; p--) {
    if (b[p] === 0x50 && u32(b, p) === SIG_EOCD) {
      e = p;
      break;
    }
  }
  if (e < 0) {
    const npy = b[0] === 0x93 && b[1] === 0x4e && b[2] === 0x55 && b[3] === 0x4d && b[4] === 0x50 && b[5] === 0x59;
    fail(npy
      ? 'not a zip archive (.npz) but a .npy file: read it with load or fromNpy'
      : 'not a zip archive (.npz): no end of central directory record (bad magic, or the file is truncated)');
  }
  if (u16(b, e + 4) !== 0 || u16(b, e + 6) !== 0) fail('archives split over several disks are not supported');
  let count = u16(b, e + 10);
  let cdSize = u32(b, e + 12);
  let cdOffset = u32(b, e + 16);
  let cdEndExpected = e; // where the central directory should end: the end record, or the zip64 records before it
  if (e >= LOCATOR_SIZE && u32(b, e - LOCATOR_SIZE) === SIG_EOCD64_LOCATOR) {
    // zip64: like CPython, take the zip64 end record from just before its locator (robust to bytes prepended to the archive).
    const z = e - LOCATOR_SIZE - EOCD64_SIZE;
    if (u32(b, e - LOCATOR_SIZE + 4) !== 0 || u32(b, e - LOCATOR_SIZE + 16) > 1) fail('archives split over several disks are not supported');
    if (z < 0 || u32(b, z) !== SIG_EOCD64) fail('corrupt zip64 end of central directory: the locator is present but the record before it is not');
    if (u32(b, z + 16) !== 0 || u32(b, z + 20) !== 0) fail('archives split over several disks are not supported');
    count = u64(b, z + 32);
    cdSize = u64(b, z + 40);
    cdOffset = u64(b, z + 48);
    cdEndExpected = z;
  }
  // Bytes prepended to the archive (a self-extractor stub) shift every offset, as CPython allows.
  const shift = cdEndExpected - cdSize - cdOffset;
  if (!Number.isFinite(shift) || shift < 0) {
    fail(`corrupt or truncated archive: the central directory (${cdSize} bytes at offset ${cdOffset}) does not fit before the end record at ${cdEndExpected}`);
  }
  const cdStart = cdOffset + shift;
  // Every entry takes at least 46 bytes, so the directory's size bounds the count (and the loop).
  if (count * CENTRAL_SIZE > cdSize) fail(`corrupt archive: the end record claims ${count} members but the central directory is only ${cdSize} bytes`);

  interface Entry { name: string; raw: Uint8Array; flags: number; method: number; crc: number; csize: number; size: number; local: number }
  const entries: Entry[] = [];
  let p = cdStart;
  const cdEnd = cdStart + cdSize;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_SIZE > cdEnd || u32(b, p) !== SIG_CENTRAL) fail(`corrupt central directory: entry ${i} of ${count} is not a central directory header`);
    const flags = u16(b, p + 8);
    const method = u16(b, p + 10);
    const crc = u32(b, p + 16);
    let csize = u32(b, p + 20);
    let size = u32(b, p + 24);
    const n = u16(b, p + 28);
    const x = u16(b, p + 30);
    const c = u16(b, p + 32);
    let local = u32(b, p + 42);
    const next = p + CENTRAL_SIZE + n + x + c;
    if (next > cdEnd) fail(`corrupt central directory: entry ${i} runs past the end of the directory`);
    const raw = b.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + n);
    const name = decodeName(raw, (flags & FLAG_UTF8) !== 0, fail);
    // Extra fields: the zip64 one replaces each 32-bit field that reads 0xFFFFFFFF, in this order.
    for (let q = p + CENTRAL_SIZE + n, end = q + x; q + 4 <= end;) {
      const tag = u16(b, q);
      const len = u16(b, q + 2);
      if (q + 4 + len > end) fail(`corrupt extra field ${tag} of member '${name}' (size ${len})`);
      if (tag === ZIP64_TAG) {
        let r = q + 4;
        const take = (field: string): number => {
          if (r + 8 > q + 4 + len) fail(`corrupt zip64 extra field of member '${name}': the ${field} is missing`);
          const v = u64(b, r);
          r += 8;
          return v;
        };
        if (size === U32_MAX) size = take('uncompressed size');
        if (csize === U32_MAX) csize = take('compressed size');
        if (local === U32_MAX) local = take('header offset');
      }
      q += 4 + len;
    }
    entries.push({ name, raw, flags, method, crc, csize, size, local: local + shift });
    p = next;
  }

  // A member's data must end before the next member's header (or the directory) starts: CPython
  // refuses overlapping entries too ("possible zip bomb").
  const byOffset = entries.map((_, i) => i).sort((i, j) => entries[i].local - entries[j].local);
  const limitOf = new Array<number>(entries.length);
  for (let k = 0; k < byOffset.length; k++) limitOf[byOffset[k]] = k + 1 < byOffset.length ? entries[byOffset[k + 1]].local : cdStart;

  const members: Member[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  let total = 0;
  entries.forEach((en, i) => {
    const { name } = en;
    // Every member's local header and data are checked, including the members skipped below: a
    // corrupt name must not turn a member into one that is silently skipped.
    const lh = en.local;
    if (!(lh >= 0 && lh + LOCAL_SIZE <= b.length) || u32(b, lh) !== SIG_LOCAL) fail(`corrupt archive: no local header for member '${name}' at offset ${lh}`);
    const n = u16(b, lh + 26);
    const x = u16(b, lh + 28);
    const start = lh + LOCAL_SIZE + n + x;
    const localName = b.subarray(lh + LOCAL_SIZE, lh + LOCAL_SIZE + n);
    if (Buffer.compare(localName, en.raw) !== 0) fail(`corrupt archive: member '${name}' has a different name in its local header`);
    const end = start + en.csize;
    if (end > b.length) fail(`truncated archive: member '${name}' needs ${en.csize} bytes at offset ${start} but the archive has ${b.length}`);
    if (end > limitOf[i]) fail(`corrupt archive: member '${name}' overlaps the next member (possible zip bomb)`);
    if (!name.endsWith(NPY_SUFFIX)) {
      skipped.push(name);
      return;
    }
    if (name.includes('\0')) fail(`member name ${JSON.stringify(name)} contains a NUL character`);
    if (seen.has(name)) fail(`the archive holds a member named '${name}' twice`);
    seen.add(name);
    if (en.flags & FLAG_ENCRYPTED) fail(`member '${name}' is encrypted`);
    if (en.method !== STORED && en.method !== DEFLATED) {
      fail(`member '${name}' uses compression method ${en.method}; .npz members are stored (0) or deflated (8)`);
    }
    if (en.method === STORED && en.csize !== en.size) fail(`corrupt archive: stored member '${name}' has ${en.csize} bytes but declares ${en.size}`);
    if (en.size > bufferConstants.MAX_LENGTH) {
      throw new RangeError(`${source}: member '${name}' declares ${en.size} uncompressed bytes, more than one Buffer can hold (${bufferConstants.MAX_LENGTH})`);
    }
    if (en.method === DEFLATED && en.size > en.csize * DEFLATE_MAX_RATIO + DEFLATE_RATIO_SLACK) {
      fail(`corrupt archive or zip bomb: member '${name}' declares ${en.size} bytes from ${en.csize} compressed bytes, more than DEFLATE can produce`);
    }
    total += en.size;
    if (total > maxBytes) {
      throw new RangeError(`${source}: the .npy members declare more than maxBytes = ${maxBytes} uncompressed bytes (${total} with member '${name}'); nothing was inflated`);
    }
    members.push({ name, key: name.slice(0, -NPY_SUFFIX.length), method: en.method, crc: en.crc, size: en.size, data: b.subarray(start, end) });
  });
  return { members, skipped };
}

/** Checks an inflated or stored member's length and CRC-32. */
function checkMember(m: Member, out: Uint8Array, source: string): Uint8Array {
  if (out.length !== m.size) throw new Error(`${source}: member '${m.name}' inflates to ${out.length} bytes but declares ${m.size}`);
  const crc = zlib().crc32(out) >>> 0;
  if (crc !== m.crc) throw new Error(`${source}: member '${m.name}' fails its CRC-32 check (0x${crc.toString(16).padStart(8, '0')}, expected 0x${m.crc.toString(16).padStart(8, '0')}): the archive is corrupt`);
  return out;
}

/** Why inflating a member failed, as an Error naming it (zlib's own error is the cause). */
function inflateError(m: Member, source: string, e: unknown): Error {
  const code = (e as { code?: unknown })?.code;
  const why = code === 'ERR_BUFFER_TOO_LARGE'
    ? `inflates to more than its declared ${m.size} bytes (corrupt, or a zip bomb)`
    : `is not a valid DEFLATE stream (${(e as Error)?.message ?? String(e)})`;
  return new Error(`${source}: member '${m.name}' ${why}`, { cause: e });
}

function inflateOptions(m: Member): import('node:zlib').ZlibOptions {
  // One output chunk one byte larger than the declared size (so zlib sees the end without a second
  // chunk, and nothing is concatenated), and never more output than declared.
  return { maxOutputLength: Math.max(1, m.size), chunkSize: Math.max(64, m.size + 1) };
}

function inflateSync(m: Member, source: string): Uint8Array {
  if (m.method === STORED) return checkMember(m, m.data, source);
  let out: Uint8Array;
  try {
    out = zlib().inflateRawSync(m.data, inflateOptions(m));
  } catch (e) {
    throw inflateError(m, source, e);
  }
  return checkMember(m, out, source);
}

async function inflateAsync(m: Member, source: string): Promise<Uint8Array> {
  if (m.method === STORED) return checkMember(m, m.data, source);
  const z = zlib();
  const out = await new Promise<Uint8Array>((resolve, reject) => {
    z.inflateRaw(m.data, inflateOptions(m), (err, res) => (err ? reject(inflateError(m, source, err)) : resolve(res)));
  });
  return checkMember(m, out, source);
}

/** fromNpy on a member, its errors re-thrown (same class) with the archive and member named. */
function decodeMember(m: Member, bytes: Uint8Array, source: string): Tensor {
  try {
    return fromNpy(bytes);
  } catch (e) {
    const msg = `${source}: member '${m.name}': ${String((e as Error)?.message ?? e).replace(/^fromNpy: /, '')}`;
    if (e instanceof TypeError) throw new TypeError(msg, { cause: e });
    if (e instanceof RangeError) throw new RangeError(msg, { cause: e });
    throw new Error(msg, { cause: e });
  }
}

/** The result object: own, enumerable properties in archive order ('__proto__' is an ordinary key). */
function collect(members: readonly Member[], tensors: readonly Tensor[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  members.forEach((m, i) => Object.defineProperty(out, m.key, { value: tensors[i], enumerable: true, writable: true, configurable: true }));
  return out;
}

function decodeNpzSync(b: Uint8Array, source: string, maxBytes: number): Record<string, Tensor> {
  const { members } = readArchive(b, source, maxBytes);
  return collect(members, members.map((m) => decodeMember(m, inflateSync(m, source), source)));
}

async function decodeNpzAsync(b: Uint8Array, source: string, maxBytes: number): Promise<Record<string, Tensor>> {
  const { members } = readArchive(b, source, maxBytes);
  const tensors: Tensor[] = [];
  // One member at a time: the peak memory is one inflated member beyond the tensors themselves.
  for (const m of members) tensors.push(decodeMember(m, await inflateAsync(m, source), source));
  return collect(members, tensors);
}

/** The checked path for messages (a file: URL is named by its local path). */
const label = (p: string | Buffer): string => `'${typeof p === 'string' ? p : p.toString('utf8')}'`;

/**
 * Reads the arrays of an `.npz` archive (as `numpy.savez` and `numpy.savez_compressed` write
 * them) from its bytes: `{ name: tensor }` for each member `name.npy`, in archive order.
 *
 * Each member is read by {@link fromNpy}, so dtypes follow its rule (`f8`, `f4`, `i4` as
 * themselves; `i1`, `i2`, `u1`, `u2`, `b1` as int32; `f2` as float32; `u4`, `i8`, `u8` as
 * float64). Members are stored or DEFLATE-compressed, with or without zip64 records and data
 * descriptors; names are UTF-8 when flagged, code page 437 otherwise (as CPython's zipfile reads
 * them), and may contain `/`. Members whose names do not end in `.npy` (numpy.load would return
 * their raw bytes) are skipped without error. A stored member whose data is aligned in `bytes`
 * may become a tensor over `bytes` itself (as {@link fromNpy} does): pass `bytes.slice()` to
 * keep them apart.
 *
 * Everything is checked before it is used: the central directory against the archive's size,
 * each member's sizes against the archive and against what DEFLATE can produce, overlapping
 * members are refused, inflation stops at the declared size, and each member's CRC-32 is
 * verified. A malformed archive is an Error naming the problem, never a partial result.
 *
 * @param bytes - The archive's bytes.
 * @param opts - `maxBytes`: the most uncompressed bytes the `.npy` members may declare in total.
 * @returns An object with one tensor per `.npy` member, keyed by the member's name without `.npy`.
 * @throws Error for bytes that are not a zip archive, a truncated or corrupt archive (central
 * directory, local headers, CRC-32, DEFLATE stream), a member name that appears twice, an
 * encrypted member or one compressed other than by DEFLATE, and a member that is not a valid
 * `.npy` file; the message names the member.
 * @throws RangeError for members declaring more than `maxBytes` (or more than one Buffer holds),
 * before anything is inflated, and as {@link fromNpy} for a member's oversized dimensions.
 * @throws TypeError for `bytes` that are not bytes, malformed options, and a member whose dtype
 * tensorblas does not read (strings, objects, ...), naming the member.
 * @example
 * ```ts
 * const { w, b } = fromNpz(readFileSync('model.npz'));
 * Object.keys(fromNpz(toNpz({ x: eye(2), y: zeros([3]) }))); // ['x', 'y']
 * ```
 */
export function fromNpz(bytes: Uint8Array | ArrayBufferView | ArrayBuffer, opts?: NpzLoadOptions): Record<string, Tensor> {
  const maxBytes = checkLoadOptions(opts);
  return decodeNpzSync(toBytes(bytes), 'fromNpz', maxBytes);
}

/**
 * Reads an `.npz` file (see {@link fromNpz} for what is read and checked), synchronously.
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @param opts - `maxBytes`: the most uncompressed bytes the `.npy` members may declare in total.
 * @returns An object with one tensor per `.npy` member, keyed by the member's name without `.npy`.
 * @throws TypeError if `path` is not a {@link FilePath} or the options are malformed, before
 * anything is read; otherwise as {@link fromNpz}, with messages that name the file.
 * File-system errors (ENOENT, EACCES) pass through.
 * @example
 * ```ts
 * // Python: np.savez('weights.npz', w=w, b=b)
 * const { w, b } = loadNpz('weights.npz');
 * ```
 */
export function loadNpz(path: FilePath, opts?: NpzLoadOptions): Record<string, Tensor> {
  const p = checkPath(path, 'path');
  const maxBytes = checkLoadOptions(opts);
  return decodeNpzSync(readFileSync(p), `loadNpz(${label(p)})`, maxBytes);
}

/**
 * {@link loadNpz} without blocking the event loop while the file is read and its members are
 * inflated (inflation runs on libuv's thread pool, one member at a time).
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @param opts - `maxBytes`: the most uncompressed bytes the `.npy` members may declare in total.
 * @returns A promise of an object with one tensor per `.npy` member.
 * @throws TypeError (as a rejection) if `path` is not a {@link FilePath} or the options are
 * malformed, before anything is read; otherwise as {@link loadNpz}.
 * @example
 * ```ts
 * const { w } = await loadNpzAsync('weights.npz');
 * ```
 */
export async function loadNpzAsync(path: FilePath, opts?: NpzLoadOptions): Promise<Record<string, Tensor>> {
  const p = checkPath(path, 'path');
  const maxBytes = checkLoadOptions(opts);
  return decodeNpzAsync(await readFile(p), `loadNpzAsync(${label(p)})`, maxBytes);
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** A member to write: its name's bytes and flags, and the tensor (checked, not yet serialized). */
interface Named {
  name: Uint8Array;
  flags: number;
  tensor: Tensor;
}

/** What the headers say of a member, and its data as written (stored, or DEFLATE output). */
interface Written {
  name: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  size: number;
  data: Uint8Array;
}

/** @internal The zip64 thresholds (tests lower them to check the zip64 records on small archives). */
export interface ZipLimits {
  zip64Limit: number;
  fileCountLimit: number;
}
const NUMPY_LIMITS: ZipLimits = { zip64Limit: ZIP64_LIMIT, fileCountLimit: FILECOUNT_LIMIT };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks the arrays argument (every value a Tensor, every name writable) before anything is written. */
function checkArrays(arrays: unknown): Named[] {
  let items: [unknown, unknown][];
  if (arrays instanceof Map) {
    items = [...arrays.entries()];
  } else if (arrays !== null && typeof arrays === 'object' && !Array.isArray(arrays) && !(arrays instanceof Tensor) && !ArrayBuffer.isView(arrays)) {
    items = Object.keys(arrays).map((k) => [k, (arrays as Record<string, unknown>)[k]]);
  } else {
    throw new TypeError(`Expected an object or Map of tensors (name -> Tensor) for arrays but received ${describe(arrays)}`);
  }
  const enc = new TextEncoder();
  return items.map(([key, t]) => {
    if (typeof key !== 'string') throw new TypeError(`Expected string keys in the Map of arrays but received the key ${describe(key)}`);
    if (!(t instanceof Tensor)) throw new TypeError(`Expected a Tensor for arrays[${JSON.stringify(key)}] but received ${describe(t)}`);
    if (key.includes('\0')) throw new TypeError(`Expected an array name without NUL characters but received ${JSON.stringify(key)}`);
    if (LONE_SURROGATE.test(key)) throw new TypeError(`Expected an array name that is well-formed Unicode but received ${JSON.stringify(key)} (a lone surrogate)`);
    const full = key + NPY_SUFFIX;
    // zipfile writes ASCII names as they are and anything else as UTF-8 with flag bit 11.
    const name = enc.encode(full);
    if (name.length > U16_MAX) throw new RangeError(`The array name ${JSON.stringify(key.slice(0, 40))}... is ${name.length} bytes in UTF-8; a zip member name holds at most ${U16_MAX}`);
    return { name, flags: /[^\x00-\x7f]/.test(full) ? FLAG_UTF8 : 0, tensor: t };
  });
}

function writeStored(m: Named, npy: Uint8Array): Written {
  return { name: m.name, flags: m.flags, method: STORED, crc: zlib().crc32(npy) >>> 0, size: npy.length, data: npy };
}

function writeDeflated(m: Named, npy: Uint8Array): Written {
  const z = zlib();
  return { name: m.name, flags: m.flags, method: DEFLATED, crc: z.crc32(npy) >>> 0, size: npy.length, data: z.deflateRawSync(npy) };
}

async function writeDeflatedAsync(m: Named, npy: Uint8Array): Promise<Written> {
  const z = zlib();
  const data = await new Promise<Uint8Array>((resolve, reject) => z.deflateRaw(npy, (err, res) => (err ? reject(err) : resolve(res))));
  return { name: m.name, flags: m.flags, method: DEFLATED, crc: z.crc32(npy) >>> 0, size: npy.length, data };
}

class Writer {
  private readonly view: DataView;
  readonly bytes: Uint8Array;
  private p = 0;
  constructor(n: number) {
    this.bytes = new Uint8Array(n);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(v: number): void { this.view.setUint16(this.p, v, true); this.p += 2; }
  u32(v: number): void { this.view.setUint32(this.p, v, true); this.p += 4; }
  u64(v: number): void { this.view.setBigUint64(this.p, BigInt(v), true); this.p += 8; }
  raw(b: Uint8Array): void { this.bytes.set(b, this.p); this.p += b.length; }
}

/** The local header CPython's zipfile writes with force_zip64: sizes 0xFFFFFFFF, the real ones in a zip64 extra field. */
function localHeader(m: Written): Uint8Array {
  const w = new Writer(LOCAL_SIZE + m.name.length + 20);
  w.u32(SIG_LOCAL);
  w.u16(VERSION_ZIP64); // version needed (one byte) + reserved 0
  w.u16(m.flags);
  w.u16(m.method);
  w.u16(0); // time 00:00:00
  w.u16(DOS_DATE_1980);
  w.u32(m.crc);
  w.u32(U32_MAX);
  w.u32(U32_MAX);
  w.u16(m.name.length);
  w.u16(20);
  w.raw(m.name);
  w.u16(ZIP64_TAG);
  w.u16(16);
  w.u64(m.size);
  w.u64(m.data.length);
  return w.bytes;
}

/**
 * @internal Lays out an archive member by member, as zipfile does: `add` gives the bytes of one
 * member (local header, data), `finish` the central directory and end records. Only the headers
 * are kept between calls, so a writer can drop each member once it is written.
 */
export class ZipLayout {
  private readonly entries: { m: Omit<Written, 'data'>; csize: number; offset: number }[] = [];
  private at = 0;
  constructor(private readonly limits: ZipLimits = NUMPY_LIMITS) {}

  add(m: Written): Uint8Array[] {
    const h = localHeader(m);
    this.entries.push({ m: { name: m.name, flags: m.flags, method: m.method, crc: m.crc, size: m.size }, csize: m.data.length, offset: this.at });
    this.at += h.length + m.data.length;
    return [h, m.data];
  }

  /**
   * The central directory and end records, as zipfile's _write_end_record writes them: zip64
   * fields only past the limits, the zip64 end records only for too many members or a directory
   * past the limits.
   */
  finish(): Uint8Array {
    const { limits, entries } = this;
    const cdOffset = this.at;
    const big = (e: (typeof entries)[number]): boolean => e.m.size > limits.zip64Limit || e.csize > limits.zip64Limit;
    const extras = entries.map((e) => {
      const f: number[] = big(e) ? [e.m.size, e.csize] : [];
      if (e.offset > limits.zip64Limit) f.push(e.offset);
      return f;
    });
    const cdSize = entries.reduce((s, e, i) => s + CENTRAL_SIZE + e.m.name.length + (extras[i].length ? 4 + 8 * extras[i].length : 0), 0);
    const count = entries.length;
    const zip64 = count > limits.fileCountLimit || cdOffset > limits.zip64Limit || cdSize > limits.zip64Limit;
    const w = new Writer(cdSize + (zip64 ? EOCD64_SIZE + LOCATOR_SIZE : 0) + EOCD_SIZE);
    entries.forEach((e, i) => {
      const x = extras[i];
      w.u32(SIG_CENTRAL);
      w.u16(VERSION_ZIP64 | (MADE_BY_UNIX << 8)); // version made by, system
      w.u16(VERSION_ZIP64); // version needed + reserved
      w.u16(e.m.flags);
      w.u16(e.m.method);
      w.u16(0);
      w.u16(DOS_DATE_1980);
      w.u32(e.m.crc);
      w.u32(big(e) ? U32_MAX : e.csize);
      w.u32(big(e) ? U32_MAX : e.m.size);
      w.u16(e.m.name.length);
      w.u16(x.length ? 4 + 8 * x.length : 0);
      w.u16(0); // comment
      w.u16(0); // disk
      w.u16(0); // internal attributes
      w.u32(EXTERNAL_ATTR);
      w.u32(e.offset > limits.zip64Limit ? U32_MAX : e.offset);
      w.raw(e.m.name);
      if (x.length) {
        w.u16(ZIP64_TAG);
        w.u16(8 * x.length);
        x.forEach((v) => w.u64(v));
      }
    });
    if (zip64) {
      w.u32(SIG_EOCD64);
      w.u64(44); // size of the rest of this record
      w.u16(VERSION_ZIP64);
      w.u16(VERSION_ZIP64);
      w.u32(0);
      w.u32(0);
      w.u64(count);
      w.u64(count);
      w.u64(cdSize);
      w.u64(cdOffset);
      w.u32(SIG_EOCD64_LOCATOR);
      w.u32(0);
      w.u64(cdOffset + cdSize); // where the zip64 end record starts
      w.u32(1);
    }
    w.u32(SIG_EOCD);
    w.u16(0);
    w.u16(0);
    w.u16(Math.min(count, U16_MAX));
    w.u16(Math.min(count, U16_MAX));
    w.u32(Math.min(cdSize, U32_MAX));
    w.u32(Math.min(cdOffset, U32_MAX));
    w.u16(0); // comment length
    return w.bytes;
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** @internal toNpz with the zip64 thresholds given (tests lower them). */
export function encodeNpz(arrays: NpzArrays, compressed: boolean, limits: ZipLimits = NUMPY_LIMITS): Uint8Array {
  const named = checkArrays(arrays);
  const zip = new ZipLayout(limits);
  const chunks: Uint8Array[] = [];
  for (const m of named) chunks.push(...zip.add((compressed ? writeDeflated : writeStored)(m, toNpy(m.tensor))));
  chunks.push(zip.finish());
  return concat(chunks);
}

/**
 * The bytes of an `.npz` archive holding `arrays`: each tensor as the member `name.npy` (see
 * {@link toNpy}), stored as `numpy.savez` does or, with `compressed: true`, DEFLATE-compressed as
 * `numpy.savez_compressed` does. Stored archives are byte for byte what NumPy 2 (through
 * CPython's zipfile) writes for the same arrays in the same order: zip64 extra fields in the
 * local headers, members dated 1980-01-01, zip64 end records only past 65535 members or 2 GiB.
 * Compressed archives are equivalent but their DEFLATE bytes differ from Python's zlib.
 *
 * @param arrays - An object or Map from name to tensor. Names may contain `/` and any Unicode;
 * not NUL characters.
 * @param opts - `compressed`: DEFLATE each member (default false).
 * @returns The archive's bytes.
 * @throws TypeError if `arrays` is not an object or Map of tensors, a value is not a Tensor, a
 * name contains a NUL character or a lone surrogate, or the options are malformed.
 * @throws RangeError for a name longer than 65535 bytes in UTF-8.
 * @example
 * ```ts
 * const bytes = toNpz({ w: rand([3, 3]), b: zeros([3]) }, { compressed: true });
 * // Python: np.load(io.BytesIO(bytes))['w']
 * ```
 */
export function toNpz(arrays: NpzArrays, opts?: NpzSaveOptions): Uint8Array {
  return encodeNpz(arrays, checkSaveOptions(opts));
}

/**
 * Writes `arrays` to `path` as an `.npz` archive (see {@link toNpz}), synchronously, one member
 * at a time (the archive is never held in memory whole). Unlike `numpy.savez`, `.npz` is not
 * appended to the path.
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @param arrays - An object or Map from name to tensor.
 * @param opts - `compressed`: DEFLATE each member, as `numpy.savez_compressed` (default false).
 * @throws TypeError if `path` is not a {@link FilePath}, or as {@link toNpz}; nothing is written
 * then. File-system errors (ENOENT, EACCES) pass through.
 * @example
 * ```ts
 * saveNpz('/tmp/model.npz', { w: rand([3, 3]), b: zeros([3]) }); // np.load('/tmp/model.npz')
 * ```
 */
export function saveNpz(path: FilePath, arrays: NpzArrays, opts?: NpzSaveOptions): void {
  const p = checkPath(path, 'path');
  const compressed = checkSaveOptions(opts);
  const named = checkArrays(arrays);
  const zip = new ZipLayout();
  const fd = openSync(p, 'w');
  try {
    const put = (c: Uint8Array): void => {
      for (let off = 0; off < c.length;) off += writeSync(fd, c, off, c.length - off);
    };
    for (const m of named) zip.add((compressed ? writeDeflated : writeStored)(m, toNpy(m.tensor))).forEach(put);
    put(zip.finish());
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link saveNpz} without blocking the event loop while members are compressed (on libuv's
 * thread pool) and written. The tensors are read at the call (each is serialized before the
 * promise is returned), so they may change afterwards.
 *
 * @param path - A {@link FilePath}: string, `file:` URL or Buffer; never a file descriptor.
 * @param arrays - An object or Map from name to tensor.
 * @param opts - `compressed`: DEFLATE each member, as `numpy.savez_compressed` (default false).
 * @returns A promise that settles when the file is written and closed.
 * @throws TypeError (as a rejection) if `path` is not a {@link FilePath}, or as {@link toNpz};
 * nothing is written then.
 * @example
 * ```ts
 * await saveNpzAsync('/tmp/model.npz', { w: rand([3, 3]) }, { compressed: true });
 * ```
 */
export async function saveNpzAsync(path: FilePath, arrays: NpzArrays, opts?: NpzSaveOptions): Promise<void> {
  const p = checkPath(path, 'path');
  const compressed = checkSaveOptions(opts);
  const snapshots = checkArrays(arrays).map((m) => ({ m, npy: toNpy(m.tensor) }));
  const zip = new ZipLayout();
  const fh = await open(p, 'w');
  try {
    const put = async (c: Uint8Array): Promise<void> => {
      for (let off = 0; off < c.length;) off += (await fh.write(c, off, c.length - off)).bytesWritten;
    };
    for (let i = 0; i < snapshots.length; i++) {
      const { m, npy } = snapshots[i];
      snapshots[i] = undefined as never; // let each member go once written
      for (const c of zip.add(compressed ? await writeDeflatedAsync(m, npy) : writeStored(m, npy))) await put(c);
    }
    await put(zip.finish());
  } finally {
    await fh.close();
  }
}
