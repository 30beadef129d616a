// Memory: advice for large result buffers, whether two views share memory, and detaching a pooled
// buffer whose results were all disposed.
// Large result buffers. A fresh multi-megabyte output is page-fault bound: with 4 KiB pages the
// kernel takes one fault per page on first write. Asking for transparent huge pages (as NumPy does)
// cuts that by 512x. The memory itself stays V8's (a plain typed array, freed as soon as it is
// collected): an external buffer's finalizer only runs on a later event-loop turn, so a synchronous
// loop would pile up outputs. We only advise the kernel before the first write touches the pages.
#include <napi.h>
#if defined(__has_include)
#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif
#endif

#include <cstdint>

#include "check.h"

namespace tb {
namespace {

constexpr uintptr_t kHugePage = uintptr_t{2} << 20;

// adviseHugePages(typedArray) -> elements from its start to the first 2 MiB boundary, after
// MADV_HUGEPAGE on the 2 MiB-aligned interior. lib/ over-allocates by 2 MiB and starts its view at
// that boundary, so every page of a large output can be a huge page.
Napi::Value AdviseHugePages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Buffer b;
  if (!GetBuffer(env, info[0], "array", &b)) return env.Undefined();
  const size_t itemSize = b.dtype == DType::Float64 ? 8 : 4;
  uintptr_t start = reinterpret_cast<uintptr_t>(b.data);
  uintptr_t end = start + static_cast<uintptr_t>(b.length) * itemSize;
  uintptr_t first = (start + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t last = end & ~(kHugePage - 1);
#ifdef MADV_HUGEPAGE
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#endif
  const uintptr_t skip = first <= end ? (first - start) / itemSize : 0;
  return Napi::Number::New(env, static_cast<double>(skip));
}

// memoryOverlap(x, xFirst, xEnd, y, yFirst, yEnd) -> 0 when elements [xFirst, xEnd) of x and
// [yFirst, yEnd) of y share no byte, 2 when both ranges start at the same address, else 1. By
// address, not by ArrayBuffer object: two SharedArrayBuffer objects (one cloned from the other,
// or come back from a worker) can be the same memory. lib/ asks this before letting LAPACK write
// a caller's `out` that might alias an input.
Napi::Value MemoryOverlap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Buffer x, y;
  int64_t x0, x1, y0, y1;
  if (!GetBuffer(env, info[0], "x", &x) || !GetBuffer(env, info[3], "y", &y) ||
      !ArgInt(env, info[1], "xFirst", 0, x.length, &x0) || !ArgInt(env, info[2], "xEnd", x0, x.length, &x1) ||
      !ArgInt(env, info[4], "yFirst", 0, y.length, &y0) || !ArgInt(env, info[5], "yEnd", y0, y.length, &y1))
    return env.Undefined();
  const uintptr_t xs = x.dtype == DType::Float64 ? 8 : 4, ys = y.dtype == DType::Float64 ? 8 : 4;
  const uintptr_t xa = reinterpret_cast<uintptr_t>(x.data) + static_cast<uintptr_t>(x0) * xs;
  const uintptr_t xb = reinterpret_cast<uintptr_t>(x.data) + static_cast<uintptr_t>(x1) * xs;
  const uintptr_t ya = reinterpret_cast<uintptr_t>(y.data) + static_cast<uintptr_t>(y0) * ys;
  const uintptr_t yb = reinterpret_cast<uintptr_t>(y.data) + static_cast<uintptr_t>(y1) * ys;
  const int relation = xa == xb || ya == yb || xb <= ya || yb <= xa ? 0 : xa == ya ? 2 : 1;
  return Napi::Number::New(env, relation);
}

// detachBuffer(arrayBuffer) -> whether it is detached now. lib/alloc.ts detaches a slab (a buffer
// many small results share) once every result in it was disposed: every typed array over it then
// reads as empty, so the memory V8 frees here can serve new results with no view left on it.
// JS cannot do this itself on Node 20: a slab is marked untransferable (so that a user's transfer
// cannot detach unrelated tensors), which makes structuredClone copy it instead.
Napi::Value DetachBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArrayBuffer()) {
    ThrowType(env, "detachBuffer expects an ArrayBuffer");
    return env.Undefined();
  }
  napi_value buffer = info[0];
  bool detached = false;
  if (napi_is_detached_arraybuffer(env, buffer, &detached) != napi_ok) return env.Undefined();
  // A buffer V8 will not detach (WebAssembly memory, a detach key) is left as it is: the caller
  // then never recycles it.
  if (!detached) detached = napi_detach_arraybuffer(env, buffer) == napi_ok;
  return Napi::Boolean::New(env, detached);
}

}  // namespace

void InitAlloc(Napi::Env env, Napi::Object exports) {
  exports.Set("adviseHugePages", Napi::Function::New(env, AdviseHugePages, "adviseHugePages"));
  exports.Set("detachBuffer", Napi::Function::New(env, DetachBuffer, "detachBuffer"));
  exports.Set("memoryOverlap", Napi::Function::New(env, MemoryOverlap, "memoryOverlap"));
}

}  // namespace tb
