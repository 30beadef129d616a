// A caller's `out` against the inputs it may share memory with. NumPy's rule is that a result is
// as if computed into fresh memory and then copied: `m += m.T` is the sum, not a half-updated
// mix. Elementwise loops are safe when out is exactly an input (each element is read, then
// written at the same place); any other overlap needs a temporary, and a product or a LAPACK
// routine reads whole rows and columns, so for those even the same view is an overlap.
import { native } from './native.js';
import { extentOf, shapesEqual } from './shape.js';
import type { Tensor } from './tensor.js';

/** 'none': no byte in common; 'same': out element i is input element i (same start, strides, dtype); 'partial': any other overlap. */
export type Overlap = 'none' | 'same' | 'partial';

const isShared = (t: Tensor): boolean => typeof SharedArrayBuffer !== 'undefined' && t.data.buffer instanceof SharedArrayBuffer;

/**
 * How `out` and `input` share memory. `inputStrides` are the input's strides over out's shape
 * (broadcast; the input's own strides when the shapes agree).
 */
export function overlapOf(out: Tensor, input: Tensor, inputStrides?: readonly number[]): Overlap {
  if (out.size === 0 || input.size === 0) return 'none';
  // Distinct ArrayBuffers never alias; two SharedArrayBuffer objects can be the same memory.
  if (out.data.buffer !== input.data.buffer && !(isShared(out) && isShared(input))) return 'none';
  const [olo, ohi] = extentOf(out.shape, out.strides, out.offset);
  const [ilo, ihi] = extentOf(input.shape, input.strides, input.offset);
  let relation: number;
  if (out.data.buffer === input.data.buffer) {
    const ob = out.data.BYTES_PER_ELEMENT, ib = input.data.BYTES_PER_ELEMENT;
    const os = out.data.byteOffset + olo * ob, oe = out.data.byteOffset + (ohi + 1) * ob;
    const is = input.data.byteOffset + ilo * ib, ie = input.data.byteOffset + (ihi + 1) * ib;
    relation = oe <= is || ie <= os ? 0 : os === is ? 2 : 1;
  } else {
    relation = native.memoryOverlap(out.data, olo, ohi + 1, input.data, ilo, ihi + 1);
  }
  if (relation === 0) return 'none';
  if (relation !== 2 || out.dtype !== input.dtype) return 'partial';
  const strides = inputStrides ?? (shapesEqual(out.shape, input.shape) ? input.strides : null);
  if (strides === null || strides.length !== out.ndim) return 'partial';
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
