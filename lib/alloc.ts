// Output allocation. Small results come from pooled slabs (a view into a slab costs ~50 ns where a
// typed array with its own ArrayBuffer costs ~1 µs on Node 20, as Node's Buffer pool does); large
// ones are V8's own typed arrays with transparent huge pages advised before the first write (fresh
// outputs are page-fault bound otherwise).
import { ARRAY_TYPES, type DType, type TypedArray, type TypedArrayConstructor } from './dtype.js';
import { markAsUntransferable } from 'node:worker_threads';
import { native } from './native.js';

const POOL_BYTES = 64 * 1024;
const POOLED_MAX_BYTES = 1024;
// From one huge page up. A 512 x 512 float64 result (exactly 2 MiB) took 448 first-touch faults
// per call in a loop (~3.5 ms against cholesky's 1.8 ms) and takes 5-8 with the advice. Below 2 MiB a
// huge page would make more memory resident than the result needs.
const LARGE_MIN_BYTES = 2 * 1024 * 1024;
const HUGE_PAGE = 2 * 1024 * 1024;

const viewOf = (Ctor: TypedArrayConstructor, raw: Buffer, n: number): TypedArray => new Ctor(raw.buffer as ArrayBuffer, raw.byteOffset, n);

// A slab holds many unrelated tensors, so it must never be detached: transferring one small
// tensor's `data.buffer` to a worker would detach all of them. Marked untransferable, a transfer
// copies it instead (Node 20) or throws (Node 21+), as Node does for its own Buffer pool.
function newSlab(): ArrayBuffer {
  const buffer = new ArrayBuffer(POOL_BYTES);
  markAsUntransferable(buffer);
  return buffer;
}

let slab = newSlab();
let used = 0;

/**
 * A typed array of `n` elements, owned by JS. Zero-filled unless `zeroed` is false, which is for
 * outputs that native code overwrites completely: zeroing a multi-megabyte buffer first (calloc)
 * costs as much as the operation itself.
 */
export function allocate(dtype: DType, n: number, zeroed = true): TypedArray {
  const Ctor = ARRAY_TYPES[dtype];
  const bytes = n * Ctor.BYTES_PER_ELEMENT;
  if (bytes <= POOLED_MAX_BYTES) {
    if (n === 0) return new Ctor(0);
    // byteLength 0: detached anyway (ArrayBuffer.prototype.transfer, Node 21+, ignores the mark).
    if (used + bytes > POOL_BYTES || slab.byteLength === 0) {
      slab = newSlab();
      used = 0;
    }
    const view = new Ctor(slab, used, n);
    used += (bytes + 7) & ~7; // keep every view 8-byte aligned
    return view;
  }
  if (bytes < LARGE_MIN_BYTES) {
    if (zeroed) return new Ctor(n);
    // Buffer.allocUnsafe: malloc'd memory, 8-byte aligned (Node's pool keeps that alignment).
    const raw = Buffer.allocUnsafe(bytes);
    return new Ctor(raw.buffer, raw.byteOffset, n);
  }
  // Large: 2 MiB more than asked, and a view from the first 2 MiB boundary, so that every page of
  // the result can be a transparent huge page. The slack is never touched, so never resident.
  const extra = HUGE_PAGE / Ctor.BYTES_PER_ELEMENT;
  const whole = zeroed ? new Ctor(n + extra) : viewOf(Ctor, Buffer.allocUnsafe(bytes + HUGE_PAGE), n + extra);
  const skip = native.adviseHugePages(whole);
  return whole.subarray(skip, skip + n);
}
