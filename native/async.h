// Synchronous and asynchronous execution of native work. An entry point parses and checks its
// arguments on the JS thread, captures what the work needs by value, then either runs it at once
// or queues it on the libuv thread pool and returns a promise (the `...Async` twins).
#pragma once

#include <napi.h>

#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "check.h"

namespace tb {

// How a native call's work ended: ok, or the error (a LinAlgError when `code` is set) to raise.
struct WorkStatus {
  bool ok = true;
  std::string message;
  const char* code = nullptr;  // LinAlgError code; nullptr with !ok means a plain Error

  bool outOfMemory = false;  // raised as RangeError

  void Fail(const char* errCode, std::string msg) {
    if (!ok) return;  // keep the first failure of a stack
    ok = false;
    code = errCode;
    message = std::move(msg);
  }
  void FailAllocation() {
    Fail(nullptr, "cannot allocate workspace memory");
    outOfMemory = true;
  }
};

// The thread policy (runtime.cc): overlapping async calls, and small synchronous LAPACK problems
// while no async call is in flight, run single-threaded. SmallWorkBegin says whether it took effect
// (then SmallWorkEnd must follow).
void AsyncWorkBegin();
void AsyncWorkEnd();
bool SmallWorkBegin();
void SmallWorkEnd();
// For a synchronous loop that splits BLAS calls across our own threads: OpenBLAS goes
// single-threaded (two callers into its threaded server run far slower than one), our loops keep
// their count. Refused (false) while async work is in flight; OwnLoopsEnd must follow a true.
bool OwnLoopsBegin();
void OwnLoopsEnd();

// The JS error for a failed status: LinAlgError (the class lib/ registered) with its code, a
// RangeError for an allocation failure, an Error otherwise. Rejections and throws both use it.
Napi::Value StatusError(Napi::Env env, const WorkStatus& st);

inline void ThrowStatus(Napi::Env env, const WorkStatus& st) {
  Napi::Value err = StatusError(env, st);
  if (!env.IsExceptionPending()) napi_throw(env, err);
}

// Runs work(status), turning C++ allocation failures into a failed status.
template <typename Work>
void RunGuarded(Work& work, WorkStatus& st) {
  try {
    work(st);
  } catch (const std::bad_alloc&) {
    st.FailAllocation();
  } catch (const std::length_error&) {
    st.FailAllocation();
  }
}

// Runs stack work on the libuv thread pool and settles a promise. The JS arguments (the typed
// arrays the work reads and writes) stay referenced until then, so a garbage collection in between
// cannot free their memory; Execute touches only the captured work, never N-API.
template <typename Work>
class Worker : public Napi::AsyncWorker {
 public:
  Worker(const Napi::CallbackInfo& info, Work work)
      : Napi::AsyncWorker(info.Env(), "tensorblas"), work_(std::move(work)), deferred_(Napi::Promise::Deferred::New(info.Env())) {
    for (size_t i = 0; i < info.Length(); i++)
      if (info[i].IsObject()) keep_.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
  }
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    AsyncWorkBegin();
    RunGuarded(work_, st_);
    AsyncWorkEnd();
  }
  void OnOK() override {
    if (st_.ok) deferred_.Resolve(Env().Undefined());
    else deferred_.Reject(StatusError(Env(), st_));
  }

 private:
  Work work_;
  WorkStatus st_;
  std::vector<Napi::ObjectReference> keep_;
  Napi::Promise::Deferred deferred_;
};

// Runs work(status) now, raising a failed status, or (async) on the libuv pool, returning a promise.
template <typename Work>
Napi::Value RunWork(const Napi::CallbackInfo& info, bool async, Work work) {
  Napi::Env env = info.Env();
  if (async) {
    auto* worker = new Worker<Work>(info, std::move(work));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }
  WorkStatus st;
  RunGuarded(work, st);
  if (!st.ok) ThrowStatus(env, st);
  return env.Undefined();
}

// Exports `name` (synchronous) and `nameAsync` (a promise, work on the libuv pool).
template <Napi::Value (*Sync)(const Napi::CallbackInfo&), Napi::Value (*Async)(const Napi::CallbackInfo&)>
void ExportTwins(Napi::Env env, Napi::Object exports, const std::string& name) {
  exports.Set(name, Napi::Function::New(env, Sync, name));
  exports.Set(name + "Async", Napi::Function::New(env, Async, name + "Async"));
}

}  // namespace tb
