// Runtime facts and knobs: which BLAS is loaded and how many threads it and our loops use.
#include <cblas.h>
#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "check.h"
#include "parallel.h"

namespace tb {

namespace {
// OpenBLAS's own count at load: it already honours OPENBLAS_NUM_THREADS and the CPU affinity.
// Read once, before the thread policy first changes it.
int InitialThreads() {
  static const int initial = std::max(1, openblas_get_num_threads());
  return initial;
}
}  // namespace

std::atomic<int>& LoopThreads() {
  static std::atomic<int> threads{InitialThreads()};
  return threads;
}

namespace {

// A fixed set of sleeping threads that take one loop at a time. Process-wide (shared by every
// worker_thread's copy of the addon) and never destroyed: its threads simply end with the process.
class LoopPool {
 public:
  bool Run(int count, void (*job)(void*, int), void* ctx) {
    std::unique_lock<std::mutex> owner(runLock_, std::try_to_lock);
    if (!owner.owns_lock()) return false;
    {
      std::lock_guard<std::mutex> g(m_);
      while (static_cast<int>(workers_.size()) < count - 1) {
        const int index = static_cast<int>(workers_.size()) + 1;
        workers_.emplace_back([this, index] { Work(index); });
        workers_.back().detach();
      }
      job_ = job;
      ctx_ = ctx;
      count_ = count;
      remaining_ = count - 1;
      generation_++;
    }
    wake_.notify_all();
    job(ctx, 0);
    std::unique_lock<std::mutex> g(m_);
    done_.wait(g, [this] { return remaining_ == 0; });
    return true;
  }

 private:
  void Work(int index) {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> g(m_);
    for (;;) {
      wake_.wait(g, [&] { return generation_ != seen; });
      seen = generation_;
      if (index >= count_) continue;  // this loop needs fewer threads
      auto job = job_;
      void* ctx = ctx_;
      g.unlock();
      job(ctx, index);
      g.lock();
      if (--remaining_ == 0) done_.notify_one();
    }
  }

  std::mutex runLock_;  // one loop on the pool at a time
  std::mutex m_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  void (*job_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
  int count_ = 0;
  int remaining_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace

bool RunOnPool(int count, void (*job)(void*, int), void* ctx) {
  static LoopPool* pool = new LoopPool();  // intentionally leaked: see LoopPool
  return pool->Run(count, job, ctx);
}

// Thread policy. Synchronous calls use every configured thread (OpenBLAS's and our loops'). The
// async twins run on the libuv pool: one alone still gets every thread, but while two or more are
// in flight each runs single-threaded, so that (pool threads) x (BLAS threads) never oversubscribes
// the cores. A synchronous LAPACK call on a small matrix also runs single-threaded, when no async
// call is in flight (SmallWorkBegin, see lapack/common.h), so it cannot slow anyone else's work
// but another worker_thread's. A synchronous loop that hands BLAS calls to our own threads (the
// PCA covariance, OwnLoopsBegin) makes OpenBLAS single-threaded meanwhile and keeps our loops'
// count. The configured count comes back when none of these holds. OpenBLAS 0.3.21
// has no per-call thread count, so this is its global setting, changed only when the answer changes.
namespace {
std::mutex policyLock;
int asyncInFlight = 0;
int smallInFlight = 0;
int ownLoopsInFlight = 0;  // see OwnLoopsBegin
int configuredThreads = 0;  // 0: not set by setNumThreads: OpenBLAS's count at load
int appliedBlas = -1;       // what OpenBLAS was last told (-1: nothing yet)
int appliedLoops = -1;      // what our loops were last told

int Configured() { return configuredThreads > 0 ? configuredThreads : InitialThreads(); }

// Under policyLock.
void ApplyPolicy() {
  const int loops = asyncInFlight >= 2 || smallInFlight > 0 ? 1 : Configured();
  const int blas = ownLoopsInFlight > 0 ? 1 : loops;
  if (blas != appliedBlas) openblas_set_num_threads(blas);
  if (loops != appliedLoops) LoopThreads().store(loops);
  appliedBlas = blas;
  appliedLoops = loops;
}

// Counts one more (or, with delta -1, one fewer) holder of a policy state and applies the result.
// A synchronous-only state is refused while async work is in flight: one thread now would slow
// the async work too, and OpenBLAS's threads may be serving it.
bool Adjust(int& counter, int delta, bool refuseWhileAsync) {
  std::lock_guard<std::mutex> g(policyLock);
  if (refuseWhileAsync && delta > 0 && asyncInFlight > 0) return false;
  counter += delta;
  ApplyPolicy();
  return true;
}
}  // namespace

void AsyncWorkBegin() { Adjust(asyncInFlight, 1, false); }
void AsyncWorkEnd() { Adjust(asyncInFlight, -1, false); }
bool SmallWorkBegin() { return Adjust(smallInFlight, 1, true); }
void SmallWorkEnd() { Adjust(smallInFlight, -1, true); }
bool OwnLoopsBegin() { return Adjust(ownLoopsInFlight, 1, true); }
void OwnLoopsEnd() { Adjust(ownLoopsInFlight, -1, true); }

namespace {

Napi::Value Config(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object blas = Napi::Object::New(env);
  blas.Set("name", "OpenBLAS");
  blas.Set("config", openblas_get_config());
  blas.Set("corename", openblas_get_corename());
  blas.Set("numThreads", openblas_get_num_threads());
  const char* parallel[] = {"sequential", "pthreads", "openmp"};
  int p = openblas_get_parallel();
  blas.Set("parallel", p >= 0 && p <= 2 ? parallel[p] : "unknown");
  Napi::Object out = Napi::Object::New(env);
  out.Set("blas", blas);
  out.Set("loopThreads", LoopThreads().load());
  {
    std::lock_guard<std::mutex> g(policyLock);
    out.Set("configuredThreads", Configured());
    out.Set("asyncInFlight", asyncInFlight);
  }
  out.Set("hardwareConcurrency", std::thread::hardware_concurrency());
  return out;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  if (!ArgInt(env, info[0], "numThreads", 1, 1024, &n)) return env.Undefined();
  std::lock_guard<std::mutex> g(policyLock);
  configuredThreads = static_cast<int>(n);
  ApplyPolicy();  // takes effect now, or when an overlap of async calls ends
  return env.Undefined();
}

}  // namespace

void InitRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("config", Napi::Function::New(env, Config, "config"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
}

}  // namespace tb
