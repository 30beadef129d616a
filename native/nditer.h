// Walks K strided operands over one shared shape in C order, handing contiguous-or-strided runs of
// the innermost dimension to a kernel. Dimensions are coalesced first, so a contiguous tensor of any
// rank becomes one long run that the compiler can vectorize.
#pragma once

#include <cstdint>

#include "check.h"

namespace tb {

template <int K>
struct StridedLoop {
  int ndim = 0;
  int64_t shape[kMaxDims];
  int64_t strides[K][kMaxDims];
  int64_t size = 1;

  // Takes shape and the operands' strides, drops size-1 dims and merges dims that are contiguous
  // with their inner neighbour for every operand.
  StridedLoop(int64_t nd, const int64_t* shp, const Operand* const* ops) {
    for (int64_t d = 0; d < nd; d++) {
      size *= shp[d];
      if (shp[d] == 1) continue;
      shape[ndim] = shp[d];
      for (int k = 0; k < K; k++) strides[k][ndim] = ops[k]->strides[d];
      ndim++;
    }
    if (ndim == 0) {  // a 0-d or all-ones shape is one element
      shape[0] = 1;
      for (int k = 0; k < K; k++) strides[k][0] = 0;
      ndim = 1;
    }
    int out = 0;
    for (int d = 1; d < ndim; d++) {
      bool merge = true;
      for (int k = 0; k < K; k++)
        if (strides[k][out] != strides[k][d] * shape[d]) merge = false;
      if (merge) {
        shape[out] *= shape[d];
        for (int k = 0; k < K; k++) strides[k][out] = strides[k][d];
      } else {
        out++;
        shape[out] = shape[d];
        for (int k = 0; k < K; k++) strides[k][out] = strides[k][d];
      }
    }
    ndim = out + 1;
  }

  // Calls run(offsets[K], count, innerStrides[K]) for each inner run in linear range [begin, end).
  template <typename Run>
  void ForRange(int64_t begin, int64_t end, const int64_t* base, Run&& run) const {
    if (begin >= end) return;
    int64_t idx[kMaxDims];
    int64_t off[K];
    int64_t rem = begin;
    for (int k = 0; k < K; k++) off[k] = base[k];
    for (int d = ndim - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      for (int k = 0; k < K; k++) off[k] += idx[d] * strides[k][d];
    }
    const int last = ndim - 1;
    int64_t inner[K];
    for (int k = 0; k < K; k++) inner[k] = strides[k][last];
    int64_t pos = begin;
    while (pos < end) {
      int64_t count = shape[last] - idx[last];
      if (count > end - pos) count = end - pos;
      run(off, count, inner);
      pos += count;
      if (pos >= end) break;
      // Advance: the inner dim wraps to 0, carry into outer dims.
      for (int k = 0; k < K; k++) off[k] -= idx[last] * strides[k][last];
      idx[last] = 0;
      int d = last - 1;
      for (; d >= 0; d--) {
        idx[d]++;
        for (int k = 0; k < K; k++) off[k] += strides[k][d];
        if (idx[d] < shape[d]) break;
        for (int k = 0; k < K; k++) off[k] -= idx[d] * strides[k][d];
        idx[d] = 0;
      }
    }
  }
};

}  // namespace tb
