// Splits large loops across cores. Our own loops follow the same thread count as OpenBLAS
// (setNumThreads sets both), so the two never oversubscribe the machine between them.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace tb {

std::atomic<int>& LoopThreads();

// Runs fn(begin, end) over [0, n) in up to LoopThreads() chunks, each at least minChunk long.
template <typename Fn>
void ParallelFor(int64_t n, int64_t minChunk, Fn&& fn) {
  int64_t threads = std::min<int64_t>(LoopThreads().load(std::memory_order_relaxed), n / std::max<int64_t>(minChunk, 1));
  if (threads <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  int64_t chunk = (n + threads - 1) / threads;
  for (int64_t t = 1; t < threads; t++) {
    int64_t b = t * chunk, e = std::min(n, b + chunk);
    if (b < e) pool.emplace_back([&fn, b, e] { fn(b, e); });
  }
  fn(int64_t{0}, std::min(n, chunk));
  for (auto& th : pool) th.join();
}

// Elements per thread below which splitting costs more than it saves.
constexpr int64_t kParallelGrain = int64_t{1} << 18;

}  // namespace tb
