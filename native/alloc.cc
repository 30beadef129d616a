// Large result buffers. A fresh multi-megabyte output is page-fault bound: with 4 KiB pages the
// kernel takes one fault per page on first write. Asking for transparent huge pages (as NumPy does)
// cuts that by 512x. The memory is handed to JS as an external ArrayBuffer freed by its finalizer.
#include <napi.h>
#include <sys/mman.h>

#include <cstdint>

#include "check.h"

namespace tb {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

struct Mapping {
  void* base;
  size_t length;
};

void FreeMapping(napi_env env, void*, void* hint) {
  auto* m = static_cast<Mapping*>(hint);
  munmap(m->base, m->length);
  int64_t adjusted;
  napi_adjust_external_memory(env, -static_cast<int64_t>(m->length), &adjusted);
  delete m;
}

// Typed arrays hold at most 2^32 elements of 8 bytes here; larger requests are refused up front.
constexpr int64_t kMaxBytes = int64_t{1} << 35;

// allocLarge(byteLength) -> ArrayBuffer (zero-filled, 2 MiB aligned, MADV_HUGEPAGE).
Napi::Value AllocLarge(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t bytes;
  if (!ArgInt(env, info[0], "byteLength", 1, kMaxBytes, &bytes)) return env.Undefined();
  size_t want = (static_cast<size_t>(bytes) + kHugePage - 1) & ~(kHugePage - 1);
  size_t mapped = want + kHugePage;
  void* raw = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) {
    ThrowRange(env, "cannot allocate " + std::to_string(bytes) + " bytes");
    return env.Undefined();
  }
  // Trim to a 2 MiB-aligned region so the kernel can back it with huge pages.
  uintptr_t start = (reinterpret_cast<uintptr_t>(raw) + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
  size_t head = start - reinterpret_cast<uintptr_t>(raw);
  if (head) munmap(raw, head);
  size_t tail = mapped - head - want;
  if (tail) munmap(reinterpret_cast<char*>(start) + want, tail);
#ifdef MADV_HUGEPAGE
  madvise(reinterpret_cast<void*>(start), want, MADV_HUGEPAGE);
#endif
  auto* m = new Mapping{reinterpret_cast<void*>(start), want};
  napi_value buffer;
  // Raw N-API here: on failure the finalizer is not called, so the mapping is released by hand once.
  if (napi_create_external_arraybuffer(env, m->base, static_cast<size_t>(bytes), FreeMapping, m, &buffer) != napi_ok) {
    munmap(m->base, m->length);
    delete m;
    if (!env.IsExceptionPending()) ThrowRange(env, "cannot create an ArrayBuffer of " + std::to_string(bytes) + " bytes");
    return env.Undefined();
  }
  int64_t adjusted;
  napi_adjust_external_memory(env, static_cast<int64_t>(want), &adjusted);
  return Napi::Value(env, buffer);
}

}  // namespace

void InitAlloc(Napi::Env env, Napi::Object exports) {
  exports.Set("allocLarge", Napi::Function::New(env, AllocLarge, "allocLarge"));
}

}  // namespace tb
