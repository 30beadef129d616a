// Output allocation. Small results (up to 16 KiB) come from pooled slabs (a view into a slab costs ~50 ns where a
// typed array with its own ArrayBuffer costs ~1 µs on Node 20, as Node's Buffer pool does); large
// ones are V8's own typed arrays with transparent huge pages advised before the first write (fresh
// outputs are page-fault bound otherwise). A result the user disposes (Tensor#dispose) has its
// buffer detached, and from 16 KiB up the memory goes to a small pool that the next allocation of
// the same size takes: warm pages, no faults, where V8 would only free it at a later GC. A slab is
// detached once every result in it was disposed, and its memory serves the next slab.
import { ARRAY_TYPES, type DType, type TypedArray, type TypedArrayConstructor } from './dtype.js';
import { markAsUntransferable } from 'node:worker_threads';
import { whenIdle } from './inflight.js';
import { native } from './native.js';

// Two slab tiers: results up to 1 KiB share 64 KiB slabs, results up to 16 KiB (a 768-float
// embedding, a 16 x 64 block) share 512 KiB ones, so at least 32 fit in either and a slab costs each
// of them ~1/32 of a typed array's own allocation. A slab lives while any of its views does, so a
// long-lived result can keep up to its slab's size reachable, as Node's 8 KiB Buffer pool can.
const TIERS = [
  { maxBytes: 1024, slabBytes: 64 * 1024 },
  { maxBytes: 16 * 1024, slabBytes: 512 * 1024 },
] as const;
// From one huge page up. A 512 x 512 float64 result (exactly 2 MiB) took 448 first-touch faults
// per call in a loop (~3.5 ms against cholesky's 1.8 ms) and takes 5-8 with the advice. Below 2 MiB a
// huge page would make more memory resident than the result needs.
const LARGE_MIN_BYTES = 2 * 1024 * 1024;
const HUGE_PAGE = 2 * 1024 * 1024;
// glibc's malloc maps a block above its mmap threshold afresh (the kernel zeroes every page on its
// first write) and unmaps it on free; freeing such a block raises the threshold to its size, up to
// 32 MiB. So after the first, blocks up to 32 MiB come back warm from malloc's heap, as NumPy's 32
// MB results do: a 2000 x 2000 float64 transposed copy (32 MB) took 8.3 ms per call with the 2 MiB
// slack (34 MB, mapped afresh each time) and 5.5 ms without (NumPy: 7.2 ms).
const MALLOC_REUSE_MAX = 32 * 1024 * 1024;
// What malloc adds to a block (its header, rounding to pages when mapped): a request this close to
// 32 MiB is mapped afresh anyway, so it keeps the slack.
const MALLOC_OVERHEAD = 4096;

const viewOf = (Ctor: TypedArrayConstructor, raw: Buffer, n: number): TypedArray => new Ctor(raw.buffer as ArrayBuffer, raw.byteOffset, n);

// A slab holds many unrelated tensors, so the user must not be able to detach it: transferring one
// small tensor's `data.buffer` to a worker would detach all of them. Marked untransferable, a
// transfer copies it instead (Node 20) or throws (Node 21+), as Node does for its own Buffer pool.
// Only retire() detaches a slab, once every result carved from it was disposed.
function newSlab(bytes: number): Slab {
  // A retired slab's memory first: written a moment ago, so likely still cached.
  let buffer = spares.get(bytes);
  if (buffer !== undefined) {
    spares.delete(bytes);
    reusedSlabs++;
  }
  // malloc'd, not calloc'd: a zeroed request clears its own view. glibc serves a freed slab's
  // memory again warm, where a calloc'd one costs a page fault per 4 KiB on first touch (~25 µs
  // for 512 KiB, more than the results in it).
  else buffer = Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
  markAsUntransferable(buffer);
  return { buffer, used: 0, handed: 0, disposed: 0, open: true };
}

// A slab's bookkeeping. `handed` counts the results allocate() carved from it, `disposed` those of
// them disposed since; `open` while allocate() still carves from it. Once it is closed and every
// result in it was disposed (a loop of `using` temporaries does that), the slab is detached, so
// every typed array over it reads as empty, and its memory serves the next slab.
export interface Slab {
  buffer: ArrayBuffer;
  used: number; // bytes handed out
  handed: number;
  disposed: number;
  open: boolean;
}
const emptySlab = (): Slab => ({ buffer: new ArrayBuffer(0), used: 0, handed: 0, disposed: 0, open: true });
// The current slab of each tier (an empty one until the first use).
const slabs: Slab[] = TIERS.map(emptySlab);

// The last result carved from a slab, until a tensor claims it (claimRegion).
let unclaimed: TypedArray | undefined;
let unclaimedSlab: Slab | undefined;
let unclaimedBase = 0; // its first element's index in the slab

/**
 * The slab `data` was carved from, if `data` is the result allocate() returned last and no tensor
 * has claimed it yet; that tensor then owns the region, and its dispose() counts it (disposeRegion).
 * Views made later of the same array claim nothing, so a region is counted once.
 */
export function claimRegion(data: TypedArray): Slab | undefined {
  if (data !== unclaimed) return undefined;
  unclaimed = undefined;
  return unclaimedSlab;
}

/** Where in its slab the region claimRegion returned last starts, in elements (what native.ts's baseOfTensor would work out). */
export function claimedBase(): number {
  return unclaimedBase;
}

/**
 * What Tensor#dispose does for the owner of a slab region (see claimRegion): counts the region
 * disposed, detaches the slab once it was the last live one, and returns the empty detached array
 * the tensor keeps.
 */
export function disposeRegion(data: TypedArray, slab: Slab): TypedArray {
  releaseRegion(slab);
  return detachedLike(data);
}

/** Counts a claimed region as disposed, its owner being unreachable (or disposed); detaches its slab when it was the last live one. */
export function releaseRegion(slab: Slab): void {
  slab.disposed++;
  retireIfDone(slab);
}

function close(slab: Slab): void {
  slab.open = false;
  retireIfDone(slab);
}

/** Retires a slab allocate() no longer carves from once every result carved from it was disposed. */
function retireIfDone(slab: Slab): void {
  if (!slab.open && slab.handed !== 0 && slab.disposed === slab.handed) retire(slab);
}

// Node 21+ moves a buffer's memory out with ArrayBuffer#transfer (which, today, ignores the
// untransferable mark); Node 20 has only native code's napi_detach_arraybuffer, after which V8
// frees the memory and glibc serves it to the next slab's malloc. Should a Node refuse to detach
// marked buffers, retire() leaves the slab to the garbage collector: recycled less, never unsafely.
const transfer = (ArrayBuffer.prototype as { transfer?: () => ArrayBuffer }).transfer;
// A retired slab's memory per slab size, moved into a buffer only this module holds (Node 21+).
const spares = new Map<number, ArrayBuffer>();

let retired = 0;
let reusedSlabs = 0;

/** @internal For tests: slabs detached for recycling so far, and new slabs made of a retired one's memory (Node 21+). */
export function slabStats(): { retired: number; reused: number } {
  return { retired, reused: reusedSlabs };
}

function retire(slab: Slab): void {
  const buffer = slab.buffer;
  whenIdle(buffer, () => {
    if (buffer.byteLength === 0) return; // already detached
    if (transfer !== undefined) {
      try {
        const moved = transfer.call(buffer);
        spares.set(moved.byteLength, moved);
      } catch {
        return; // a buffer that cannot be detached is left to the garbage collector
      }
    } else if (!native.detachBuffer(buffer)) return;
    retired++;
  });
}

/**
 * A typed array of `n` elements, owned by JS. Zero-filled unless `zeroed` is false, which is for
 * outputs that native code overwrites completely: zeroing a multi-megabyte buffer first (calloc)
 * costs as much as the operation itself.
 */
export function allocate(dtype: DType, n: number, zeroed = true): TypedArray {
  const Ctor = ARRAY_TYPES[dtype];
  const bytes = n * Ctor.BYTES_PER_ELEMENT;
  if (bytes <= TIERS[1].maxBytes) {
    if (n === 0) return new Ctor(0);
    const tier = bytes <= TIERS[0].maxBytes ? 0 : 1;
    let slab = slabs[tier];
    // byteLength 0: not made yet, or detached (by a user's ArrayBuffer#transfer, or retired).
    if (slab.used + bytes > slab.buffer.byteLength) {
      close(slab);
      slab = slabs[tier] = newSlab(TIERS[tier].slabBytes);
    }
    const view = new Ctor(slab.buffer, slab.used, n);
    unclaimedBase = slab.used / Ctor.BYTES_PER_ELEMENT;
    slab.used += (bytes + 7) & ~7; // keep every view 8-byte aligned
    slab.handed++;
    unclaimed = view;
    unclaimedSlab = slab;
    if (zeroed) view.fill(0);
    return view;
  }
  if (bytes < LARGE_MIN_BYTES) {
    if (pool.size !== 0) {
      const hit = take(bytes, bytes);
      if (hit !== undefined) return reuse(Ctor, hit, n, zeroed);
    }
    let view: TypedArray;
    if (zeroed) view = new Ctor(n);
    else {
      // Buffer.allocUnsafe: malloc'd memory, 8-byte aligned (Node's pool keeps that alignment).
      // Below Buffer.poolSize / 2 (4 KiB unless changed) it would be a slice of Node's shared
      // (untransferable) pool: not ours to detach.
      const raw = Buffer.allocUnsafe(bytes);
      view = new Ctor(raw.buffer, raw.byteOffset, n);
      if (raw.byteOffset !== 0 || raw.buffer.byteLength !== bytes) return view;
    }
    owned.set(view.buffer as ArrayBuffer, 0);
    return view;
  }
  // Large: 2 MiB more than asked, and a view from the first 2 MiB boundary, so that every page of
  // the result can be a transparent huge page. The slack is never touched, so never resident.
  // Except where the slack would carry a block past what malloc serves again warm: then exactly
  // the size asked, with huge pages advised on its aligned interior.
  const slack = bytes + HUGE_PAGE <= MALLOC_REUSE_MAX || bytes + MALLOC_OVERHEAD > MALLOC_REUSE_MAX ? HUGE_PAGE : 0;
  if (pool.size !== 0) {
    const hit = take(bytes + slack, bytes);
    if (hit !== undefined) return reuse(Ctor, hit, n, zeroed);
  }
  const extra = slack / Ctor.BYTES_PER_ELEMENT;
  const whole = zeroed ? new Ctor(n + extra) : viewOf(Ctor, Buffer.allocUnsafe(bytes + slack), n + extra);
  const skip = native.adviseHugePages(whole);
  const view = slack === 0 ? whole : whole.subarray(skip, skip + n);
  if (view.byteOffset % 8 === 0) owned.set(view.buffer as ArrayBuffer, view.byteOffset);
  return view;
}

// ---- Disposal and recycling ----
//
// `owned` holds every ArrayBuffer allocate() made for one result alone (not slabs, not Node's
// shared Buffer pool, not memory the user wrapped), with the byte offset of the result's view in it.
// Only those are detached by dispose(): a disposed result's memory can have no other owner, and
// once detached (structuredClone with a transfer list moves the backing store to a new ArrayBuffer
// that only this module holds) every typed array over the old ArrayBuffer reads as length 0, which
// assertAttached turns into a TypeError. Nothing can be reused under a live view: the views are dead.
//
// The pool: at most `limits.perSize` buffers per byte size and `limits.maxBytes` in all (oldest
// evicted first); a buffer not taken within `limits.idleMs` is dropped (an unref'd timer, alive
// only while the pool holds something), and V8 frees it at its next GC as it would have without
// dispose(). So what the pool keeps is memory the process had resident a moment earlier, for a
// second or two at most.
const owned = new WeakMap<ArrayBuffer, number>();
// Only results above the slabs' 16 KiB are owned, so only those are recycled: detaching costs a
// transfer (~3 µs), and from there a pooled buffer saves more than that: 32 KiB results of add()
// took 7-15 µs fresh and 6.5-8.5 µs disposed, 800 kB ones 126-154 µs fresh and 39 µs disposed
// (fresh ones page-fault their mmap'd memory).
const limits = {
  // A loop body with a few same-sized temporaries (`using x = ..., y = ...`) disposes them together.
  perSize: 4,
  // Four 64 MB (8-million-element float64) results; a dispose storm pins no more than that.
  maxBytes: 256 * 1024 * 1024,
  // Long enough for any loop that gains from warm memory; a loop slower than this pays its page
  // faults (a few ms per 32 MB) on top of seconds of work.
  idleMs: 2000,
};

interface Pooled {
  buffer: ArrayBuffer;
  offset: number; // bytes from the buffer's start to the view (the 2 MiB boundary for large ones)
  at: number;
}
const pool = new Map<number, Pooled[]>(); // by buffer byteLength; each list oldest first
let pooledBytes = 0;
let sweeper: ReturnType<typeof setTimeout> | undefined;

/**
 * A pooled buffer of `byteLength` bytes that holds `bytes` from its view's offset on. Buffers of one
 * length can differ in that offset: a result with huge-page slack starts at its 2 MiB boundary, one
 * of the same total length without slack (30-32 MiB) at 0.
 */
function take(byteLength: number, bytes: number): Pooled | undefined {
  const list = pool.get(byteLength);
  if (list === undefined) return undefined;
  for (let i = list.length - 1; i >= 0; i--) { // the newest first: likeliest still in cache
    const hit = list[i];
    if (hit.offset + bytes > byteLength) continue;
    list.splice(i, 1);
    if (list.length === 0) pool.delete(byteLength);
    pooledBytes -= byteLength;
    return hit;
  }
  return undefined;
}

function reuse(Ctor: TypedArrayConstructor, hit: Pooled, n: number, zeroed: boolean): TypedArray {
  const view = new Ctor(hit.buffer, hit.offset, n);
  if (zeroed) view.fill(0);
  owned.set(hit.buffer, hit.offset);
  recycled.add(hit.buffer);
  return view;
}

// Buffers allocate() handed out again from the pool. Such memory was written a moment ago, so up to
// the size of the last-level cache it is likely still cached: an output there is better written
// with normal stores than with the streaming stores meant for never-touched memory (an 8 MB
// broadcast add into recycled memory: 0.40 ms with normal stores, 0.63 ms streaming, here).
const recycled = new WeakSet<ArrayBuffer>();

/** Whether `data` lies in memory recycled from a disposed result (rather than freshly mapped). */
export function isRecycled(data: TypedArray): boolean {
  return recycled.has(data.buffer as ArrayBuffer);
}

function evictOldest(): void {
  let oldest: Pooled[] | undefined;
  for (const list of pool.values()) if (oldest === undefined || list[0].at < oldest[0].at) oldest = list;
  const gone = oldest!.shift()!;
  if (oldest!.length === 0) pool.delete(gone.buffer.byteLength);
  pooledBytes -= gone.buffer.byteLength;
}

function sweep(): void {
  sweeper = undefined;
  const cutoff = performance.now() - limits.idleMs;
  for (const [size, list] of pool) {
    while (list.length > 0 && list[0].at <= cutoff) {
      list.shift();
      pooledBytes -= size;
    }
    if (list.length === 0) pool.delete(size);
  }
  if (pool.size !== 0) schedule();
}

function schedule(): void {
  sweeper = setTimeout(sweep, limits.idleMs);
  sweeper.unref();
}

function recycle(buffer: ArrayBuffer, offset: number): void {
  let moved: ArrayBuffer;
  try {
    moved = structuredClone(buffer, { transfer: [buffer] });
  } catch {
    return; // already detached (the user transferred it): nothing to take back
  }
  const size = moved.byteLength;
  if (size > limits.maxBytes) return;
  let list = pool.get(size);
  if (list === undefined) pool.set(size, (list = []));
  list.push({ buffer: moved, offset, at: performance.now() });
  pooledBytes += size;
  if (list.length > limits.perSize) {
    list.shift();
    pooledBytes -= size;
  }
  while (pooledBytes > limits.maxBytes) evictOldest();
  if (sweeper === undefined) schedule();
}

const placeholders = new Map<TypedArrayConstructor, TypedArray>();

/** An empty typed array of `data`'s type over a detached buffer: assertAttached rejects it. */
function detachedLike(data: TypedArray): TypedArray {
  const Ctor = data.constructor as TypedArrayConstructor;
  let p = placeholders.get(Ctor);
  if (p === undefined) {
    p = new Ctor(0);
    structuredClone(p.buffer, { transfer: [p.buffer] });
    placeholders.set(Ctor, p);
  }
  return p;
}

/** Whether `data`'s buffer is detached (Node 20 has no ArrayBuffer#detached; a view of a detached buffer throws). */
export function isDetached(data: TypedArray): boolean {
  if (data.length !== 0) return false; // length: byteLength costs V8 ~4x more (see assertAttached)
  try {
    new Uint8Array(data.buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * What Tensor#dispose does to a tensor's `data`; returns the array the tensor keeps. A buffer
 * allocate() made for one result is detached (at once, or when the last async call using it
 * settles) and its memory recycled; `data` itself is returned, detached. Any other buffer (a
 * slab shared with other small results, a SharedArrayBuffer, memory the user wrapped) is left
 * alone: the tensor gets an empty detached array instead, so it alone becomes unusable.
 */
export function disposeData(data: TypedArray): TypedArray {
  if (isDetached(data)) return data;
  const buffer = data.buffer as ArrayBuffer;
  const offset = owned.get(buffer);
  if (offset === undefined) return detachedLike(data);
  owned.delete(buffer);
  return whenIdle(buffer, () => recycle(buffer, offset)) ? data : detachedLike(data);
}

/** @internal For tests: what the recycling pool holds. */
export function poolStats(): { buffers: number; bytes: number } {
  let buffers = 0;
  for (const list of pool.values()) buffers += list.length;
  return { buffers, bytes: pooledBytes };
}

/** @internal For tests: empties the pool and sets its limits; returns the previous ones. */
export function setPoolLimits(next: Partial<typeof limits>): typeof limits {
  const previous = { ...limits };
  Object.assign(limits, next);
  pool.clear();
  pooledBytes = 0;
  if (sweeper !== undefined) clearTimeout(sweeper);
  sweeper = undefined;
  return previous;
}
