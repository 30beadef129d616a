// Module init: one Init per family of operations. Everything is per-environment (no mutable
// globals beyond the thread count), so the addon loads in several worker_threads at once.
#include <napi.h>

#include "check.h"

namespace tb {
void InitAlloc(Napi::Env env, Napi::Object exports);
void InitElementwise(Napi::Env env, Napi::Object exports);
void InitReduce(Napi::Env env, Napi::Object exports);
void InitBlas(Napi::Env env, Napi::Object exports);
void InitRuntime(Napi::Env env, Napi::Object exports);
}  // namespace tb

namespace {

// bindMeta(Float64Array): once per environment, the array lib/ writes each call's layout into.
Napi::Value BindMeta(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  tb::AddonData* data = tb::GetAddonData(env);
  if (data->meta != nullptr) {
    tb::ThrowType(env, "bindMeta() may be called once per environment");
    return env.Undefined();
  }
  tb::Buffer b;
  if (!tb::GetBuffer(env, info[0], "meta", &b)) return env.Undefined();
  if (b.dtype != tb::DType::Float64 || b.length < 64) {
    tb::ThrowType(env, "meta must be a Float64Array of at least 64 elements");
    return env.Undefined();
  }
  napi_create_reference(env, info[0], 1, &data->metaRef);
  data->meta = reinterpret_cast<const double*>(b.data);
  data->metaLength = b.length;
  return env.Undefined();
}

void FreeAddonData(Napi::Env env, tb::AddonData* data) {
  if (data->metaRef != nullptr) napi_delete_reference(env, data->metaRef);
  delete data;
}

}  // namespace

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<tb::AddonData, FreeAddonData>(new tb::AddonData());
  exports.Set("bindMeta", Napi::Function::New(env, BindMeta, "bindMeta"));
  tb::InitAlloc(env, exports);
  tb::InitElementwise(env, exports);
  tb::InitReduce(env, exports);
  tb::InitBlas(env, exports);
  tb::InitRuntime(env, exports);
  return exports;
}

NODE_API_MODULE(tensorblas, Init)
