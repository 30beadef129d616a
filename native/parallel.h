// Splits large loops across cores on a persistent pool of threads. Creating a thread per call costs
// an mmap/munmap of its stack each time, which also stalls page faults on a fresh output (both take
// the process's memory-map lock). Our loops use as many threads as OpenBLAS (setNumThreads sets
// both), so the two never oversubscribe the machine between them.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <type_traits>

namespace tb {

std::atomic<int>& LoopThreads();

// Runs job(ctx, t) for t in [0, count): t = 0 on the calling thread, the rest on pool threads.
// Returns false (running nothing) when the pool is busy with another caller's loop.
bool RunOnPool(int count, void (*job)(void*, int), void* ctx);

// Runs fn(begin, end) over [0, n) in up to LoopThreads() chunks, each at least minChunk long.
// Several JS threads (workers, the libuv pool) may call this at once: whoever finds the pool busy
// runs its loop on its own thread instead of waiting.
template <typename Fn>
void ParallelFor(int64_t n, int64_t minChunk, Fn&& fn) {
  const int64_t threads = std::min<int64_t>(LoopThreads().load(std::memory_order_relaxed), n / std::max<int64_t>(minChunk, 1));
  if (threads <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  using F = std::remove_reference_t<Fn>;
  struct Ctx {
    F* fn;
    int64_t n, chunk;
  } ctx{&fn, n, (n + threads - 1) / threads};
  auto job = [](void* p, int t) {
    Ctx* c = static_cast<Ctx*>(p);
    const int64_t b = t * c->chunk, e = std::min(c->n, b + c->chunk);
    if (b < e) (*c->fn)(b, e);
  };
  if (!RunOnPool(static_cast<int>(threads), job, &ctx)) fn(int64_t{0}, n);
}

// Elements per thread below which splitting costs more than it saves.
constexpr int64_t kParallelGrain = int64_t{1} << 18;

}  // namespace tb
