// Module init: one Init per family of operations. Everything is per-environment (no mutable
// globals beyond the thread count), so the addon loads in several worker_threads at once.
#include <napi.h>

namespace tb {
void InitAlloc(Napi::Env env, Napi::Object exports);
void InitElementwise(Napi::Env env, Napi::Object exports);
void InitReduce(Napi::Env env, Napi::Object exports);
void InitBlas(Napi::Env env, Napi::Object exports);
void InitRuntime(Napi::Env env, Napi::Object exports);
}  // namespace tb

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tb::InitAlloc(env, exports);
  tb::InitElementwise(env, exports);
  tb::InitReduce(env, exports);
  tb::InitBlas(env, exports);
  tb::InitRuntime(env, exports);
  return exports;
}

NODE_API_MODULE(tensorblas, Init)
