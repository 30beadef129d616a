// Module init: one Init per family of operations. Everything is per-environment (no mutable
// globals beyond the thread count), so the addon loads in several worker_threads at once.
#include <napi.h>

#include <string>

#include "check.h"
#include "lapack/common.h"

namespace tb {
void InitAlloc(Napi::Env env, Napi::Object exports);
void InitElementwise(Napi::Env env, Napi::Object exports);
void InitReduce(Napi::Env env, Napi::Object exports);
void InitBlas(Napi::Env env, Napi::Object exports);
void InitRuntime(Napi::Env env, Napi::Object exports);
void InitLapackSolve(Napi::Env env, Napi::Object exports);
void InitLapackLu(Napi::Env env, Napi::Object exports);
void InitLapackCholesky(Napi::Env env, Napi::Object exports);
void InitLapackEigh(Napi::Env env, Napi::Object exports);
void InitLapackSvd(Napi::Env env, Napi::Object exports);
void InitLapackQr(Napi::Env env, Napi::Object exports);
void InitLapackEig(Napi::Env env, Napi::Object exports);
void InitLapackLstsq(Napi::Env env, Napi::Object exports);
void InitDistance(Napi::Env env, Napi::Object exports);

// new LinAlgError(message, code) with the class lib/ registered; a plain Error with a code before that.
static Napi::Value LinAlgErrorValue(Napi::Env env, const std::string& message, const char* code) {
  AddonData* data = GetAddonData(env);
  napi_value ctor = nullptr;
  if (data != nullptr && data->linAlgError != nullptr && napi_get_reference_value(env, data->linAlgError, &ctor) == napi_ok &&
      ctor != nullptr) {
    return Napi::Function(env, ctor).New({Napi::String::New(env, message), Napi::String::New(env, code)});
  }
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e.Value();
}

Napi::Value StatusError(Napi::Env env, const WorkStatus& st) {
  if (st.code != nullptr) return LinAlgErrorValue(env, st.message, st.code);
  if (st.outOfMemory) return Napi::RangeError::New(env, "tensorblas: " + st.message).Value();
  return Napi::Error::New(env, "tensorblas: " + st.message).Value();
}
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

// setErrorClasses(LinAlgError): once per environment, the class every LAPACK failure is built from.
Napi::Value SetErrorClasses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  tb::AddonData* data = tb::GetAddonData(env);
  if (!info[0].IsFunction()) {
    tb::ThrowType(env, "setErrorClasses expects the LinAlgError class");
    return env.Undefined();
  }
  if (data->linAlgError != nullptr) napi_delete_reference(env, data->linAlgError);
  napi_create_reference(env, info[0], 1, &data->linAlgError);
  return env.Undefined();
}

void FreeAddonData(Napi::Env env, tb::AddonData* data) {
  if (data->metaRef != nullptr) napi_delete_reference(env, data->metaRef);
  if (data->linAlgError != nullptr) napi_delete_reference(env, data->linAlgError);
  delete data;
}

}  // namespace

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<tb::AddonData, FreeAddonData>(new tb::AddonData());
  exports.Set("bindMeta", Napi::Function::New(env, BindMeta, "bindMeta"));
  exports.Set("setErrorClasses", Napi::Function::New(env, SetErrorClasses, "setErrorClasses"));
  tb::InitAlloc(env, exports);
  tb::InitElementwise(env, exports);
  tb::InitReduce(env, exports);
  tb::InitBlas(env, exports);
  tb::InitRuntime(env, exports);
  tb::InitLapackSolve(env, exports);
  tb::InitLapackLu(env, exports);
  tb::InitLapackCholesky(env, exports);
  tb::InitLapackEigh(env, exports);
  tb::InitLapackSvd(env, exports);
  tb::InitLapackQr(env, exports);
  tb::InitLapackEig(env, exports);
  tb::InitLapackLstsq(env, exports);
  tb::InitDistance(env, exports);
  return exports;
}

NODE_API_MODULE(tensorblas, Init)
