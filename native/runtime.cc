// Runtime facts and knobs: which BLAS is loaded and how many threads it and our loops use.
#include <cblas.h>
#include <napi.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "check.h"
#include "parallel.h"

namespace tb {

std::atomic<int>& LoopThreads() {
  static std::atomic<int> threads{static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
  return threads;
}

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
  out.Set("hardwareConcurrency", std::thread::hardware_concurrency());
  return out;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  if (!ArgInt(env, info[0], "numThreads", 1, 1024, &n)) return env.Undefined();
  openblas_set_num_threads(static_cast<int>(n));
  LoopThreads().store(static_cast<int>(n));
  return env.Undefined();
}

}  // namespace

void InitRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("config", Napi::Function::New(env, Config, "config"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
}

}  // namespace tb
