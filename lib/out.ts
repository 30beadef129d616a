// A caller's `out` against the inputs it may share memory with. NumPy's rule is that a result is
// as if computed into fresh memory and then copied: `m += m.T` is the sum, not a half-updated
// mix. Elementwise loops are safe when out is exactly an input (each element is read, then
// written at the same place); any other overlap needs a temporary. A product reads whole rows
// and columns while it writes, so for it even the same view is an overlap. (LAPACK's `out` is
// the exception: each routine reads its input matrix whole before writing, so lapackOut allows
// out to be exactly the input, computing in place, and refuses any other overlap.)
import { argOf, baseOfTensor, native } from './native.js';
import { broadcastStrides, extentOf, shapesEqual } from './shape.js';
import { ARRAY_TYPES, type DType } from './dtype.js';
import type { Tensor } from './tensor.js';

/** 'none': no byte in common; 'same': out element i is input element i (same start, strides, dtype); 'partial': any other overlap. */
export type Overlap = 'none' | 'same' | 'partial';

/**
 * How `out` and `input` share memory. With `broadcast`, the input is read broadcast to out's shape
 * (elementwise operands); without, it must have out's shape to count as the same view.
 */
export function overlapOf(out: Tensor, input: Tensor, broadcast = false): Overlap {
  if (out.size === 0 || input.size === 0) return 'none';
  // argOf: the tensor's ArrayBuffer, or its typed array when the memory is a SharedArrayBuffer,
  // kept on the tensor (data.buffer is a ~17 ns getter, and this runs for every `out` call).
  const outArg = argOf(out), inputArg = argOf(input);
  let sameBuffer = outArg === inputArg;
  if (!sameBuffer) {
    // Distinct ArrayBuffers never alias, but two SharedArrayBuffer objects can be the same memory.
    if (outArg instanceof ArrayBuffer || inputArg instanceof ArrayBuffer) return 'none';
    sameBuffer = outArg.buffer === inputArg.buffer;
  }
  const [olo, ohi] = extentOf(out.shape, out.strides, out.offset);
  const [ilo, ihi] = extentOf(input.shape, input.strides, input.offset);
  let relation: number;
  if (sameBuffer) {
    // Byte ranges, so that views of other dtypes over one buffer compare correctly. Over one
    // ArrayBuffer, the bases native calls use (kept on the tensors); over one SharedArrayBuffer the
    // args are the typed arrays themselves, so their byte offsets.
    const ob = ARRAY_TYPES[out.dtype].BYTES_PER_ELEMENT, ib = ARRAY_TYPES[input.dtype].BYTES_PER_ELEMENT;
    const shared = !(outArg instanceof ArrayBuffer);
    const o0 = shared ? out.data.byteOffset : baseOfTensor(out) * ob, i0 = shared ? input.data.byteOffset : baseOfTensor(input) * ib;
    const os = o0 + olo * ob, oe = o0 + (ohi + 1) * ob;
    const is = i0 + ilo * ib, ie = i0 + (ihi + 1) * ib;
    relation = oe <= is || ie <= os ? 0 : os === is ? 2 : 1;
  } else {
    relation = native.memoryOverlap(out.data, olo, ohi + 1, input.data, ilo, ihi + 1); // by address
  }
  if (relation === 0) return 'none';
  if (relation !== 2 || out.dtype !== input.dtype) return 'partial';
  let strides: readonly number[];
  if (broadcast) strides = broadcastStrides(input.shape, input.strides, out.shape);
  else if (shapesEqual(out.shape, input.shape)) strides = input.strides;
  else return 'partial';
  for (let i = 0; i < out.ndim; i++) {
    if (out.shape[i] > 1 && out.strides[i] !== strides[i]) return 'partial';
  }
  return 'same';
}

/**
 * Whether two distinct index tuples of `t` can reach the same element (a broadcast axis, or axes
 * whose strides interleave): sorted by |stride|, each axis must step past everything the smaller
 * ones reach.
 */
export function selfOverlaps(t: Tensor): boolean {
  const axes = t.shape.map((d, i) => [d, Math.abs(t.strides[i])]).filter(([d]) => d > 1).sort((x, y) => x[1] - y[1]);
  let reach = 0; // elements the smaller axes span, minus one
  for (const [d, s] of axes) {
    if (s <= reach) return true;
    reach += (d - 1) * s;
  }
  return false;
}

/**
 * Whether a result can go straight into the caller's `out`: it has `dtype` (when given; elementwise
 * loops cast as they write) and shares no memory with an input, except, for `elementwise` loops,
 * an input that is exactly out. Otherwise the caller computes into a temporary and copies.
 */
export function writesDirectly(out: Tensor, inputs: readonly (Tensor | null)[], opts: { dtype?: DType; elementwise?: boolean }): boolean {
  if (opts.dtype !== undefined && out.dtype !== opts.dtype) return false;
  for (const input of inputs) {
    if (input === null) continue;
    const overlap = overlapOf(out, input, opts.elementwise);
    if (overlap === 'partial' || (overlap === 'same' && !opts.elementwise)) return false;
  }
  return true;
}
