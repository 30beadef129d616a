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

void FreeMapping(Napi::Env env, void*, Mapping* m) {
  munmap(m->base, m->length);
  Napi::MemoryManagement::AdjustExternalMemory(env, -static_cast<int64_t>(m->length));
  delete m;
}

// allocLarge(byteLength) -> ArrayBuffer (zero-filled, 2 MiB aligned, MADV_HUGEPAGE).
Napi::Value AllocLarge(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t bytes;
  if (!ArgInt(env, info[0], "byteLength", 1, int64_t{1} << 46, &bytes)) return env.Undefined();
  size_t want = (static_cast<size_t>(bytes) + kHugePage - 1) & ~(kHugePage - 1);
  size_t mapped = want + kHugePage;
  void* raw = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
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
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(want));
  return Napi::ArrayBuffer::New(env, m->base, static_cast<size_t>(bytes), FreeMapping, m);
}

}  // namespace

void InitAlloc(Napi::Env env, Napi::Object exports) {
  exports.Set("allocLarge", Napi::Function::New(env, AllocLarge, "allocLarge"));
}

}  // namespace tb
