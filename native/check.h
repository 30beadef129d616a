// Guards at the border: every native entry turns its raw arguments into checked descriptors here
// before any memory is touched. JS validates for good messages; this layer makes sure that a wrong
// or hostile call into the raw binding gets a JS exception instead of reading outside a buffer.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace tb {

constexpr int kMaxDims = 32;

enum class DType : int { Float64 = 0, Float32 = 1, Int32 = 2 };

inline const char* DTypeName(DType d) {
  switch (d) {
    case DType::Float64: return "float64";
    case DType::Float32: return "float32";
    case DType::Int32: return "int32";
  }
  return "?";
}

// A typed array's memory as native code may use it during one call.
struct Buffer {
  char* data = nullptr;
  DType dtype = DType::Float64;
  int64_t length = 0;  // elements
};

// A strided operand: buffer + offset + strides over a shape that the caller shares between operands.
struct Operand {
  Buffer buf;
  int64_t offset = 0;
  int64_t strides[kMaxDims];  // filled by Meta::Layout for the dims in use

  template <typename T>
  T* base() const { return reinterpret_cast<T*>(buf.data) + offset; }
};

// Thrown (as a JS exception) when a check fails; carries the JS error kind.
inline void ThrowType(Napi::Env env, const std::string& msg) {
  Napi::TypeError::New(env, "tensorblas: " + msg).ThrowAsJavaScriptException();
}
inline void ThrowRange(Napi::Env env, const std::string& msg) {
  Napi::RangeError::New(env, "tensorblas: " + msg).ThrowAsJavaScriptException();
}

// The entry points' last check before work: true (and a RangeError "<op>: operand shapes do not
// match") when `mismatch` holds.
inline bool ShapeMismatch(Napi::Env env, bool mismatch, const char* op) {
  if (mismatch) ThrowRange(env, std::string(op) + ": operand shapes do not match");
  return mismatch;
}

// Reads a typed array of one of our dtypes. Rejects other element types and detached buffers.
// Kept to one N-API call on the common path: it is on every small op's critical path.
inline bool GetBuffer(Napi::Env env, const Napi::Value& v, const char* what, Buffer* out) {
  napi_env e = env;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value arraybuffer;
  if (napi_get_typedarray_info(e, v, &type, &length, &data, &arraybuffer, nullptr) != napi_ok) {
    ThrowType(env, std::string(what) + " must be a Float64Array, Float32Array or Int32Array");
    return false;
  }
  // A detached buffer reads as length 0; only then is it worth asking.
  bool detached = false;
  if (length == 0 && (napi_is_detached_arraybuffer(e, arraybuffer, &detached) != napi_ok || detached)) {
    ThrowType(env, std::string(what) + " is backed by a detached ArrayBuffer");
    return false;
  }
  switch (type) {
    case napi_float64_array: out->dtype = DType::Float64; break;
    case napi_float32_array: out->dtype = DType::Float32; break;
    case napi_int32_array: out->dtype = DType::Int32; break;
    default:
      ThrowType(env, std::string(what) + " must be a Float64Array, Float32Array or Int32Array");
      return false;
  }
  out->data = static_cast<char*>(data);
  out->length = static_cast<int64_t>(length);
  return true;
}

inline int64_t ItemSize(DType d) { return d == DType::Float64 ? 8 : 4; }

// The hot entry points (elementwise, reductions, products) take an operand as its ArrayBuffer,
// with the dtype lib/ read from the typed array passed in META and the typed array's byteOffset
// folded into the layout offset: napi_get_arraybuffer_info costs ~7 ns where
// napi_get_typedarray_info costs ~70 ns (it tests each typed-array kind in turn), which was most of
// a 16-element add. A SharedArrayBuffer has no such call in N-API 8, so its typed array is passed
// as before, and must then be of the dtype META claims. Either way, bounds are checked against the
// memory actually there, so a wrong claim from a raw caller reinterprets bytes but never leaves them.
inline bool GetOperandBuffer(Napi::Env env, const Napi::Value& v, DType dtype, const char* what, Buffer* out) {
  void* data = nullptr;
  size_t bytes = 0;
  if (napi_get_arraybuffer_info(env, v, &data, &bytes) == napi_ok) {
    bool detached = false;
    if (bytes == 0 && (napi_is_detached_arraybuffer(env, v, &detached) != napi_ok || detached)) {
      ThrowType(env, std::string(what) + " is backed by a detached ArrayBuffer");
      return false;
    }
    out->data = static_cast<char*>(data);
    out->dtype = dtype;
    out->length = static_cast<int64_t>(bytes) / ItemSize(dtype);
    return true;
  }
  if (!GetBuffer(env, v, what, out)) return false;
  if (out->dtype != dtype) {
    ThrowType(env, std::string(what) + " is a " + DTypeName(out->dtype) + " array but was declared " + DTypeName(dtype));
    return false;
  }
  return true;
}

// Per-environment state (the addon loads in several worker_threads, each with its own).
struct AddonData {
  napi_ref metaRef = nullptr;  // strong: the meta array can never be collected while bound
  napi_ref linAlgError = nullptr;  // lib/'s LinAlgError class (setErrorClasses)
  const double* meta = nullptr;
  int64_t metaLength = 0;
};

inline AddonData* GetAddonData(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

// Reads the shapes, strides and offsets of one call. They travel in a Float64Array that lib/ binds
// once per environment (bindMeta) and rewrites before each call: passing it per call would cost a
// typed-array lookup (~70 ns) on every small op. Exact integers up to 2^53.
class Meta {
 public:
  bool Init(Napi::Env env) {
    env_ = env;
    AddonData* data = GetAddonData(env);
    if (data == nullptr || data->meta == nullptr) {
      ThrowType(env, "bindMeta() has not been called");
      return false;
    }
    p_ = data->meta;
    n_ = data->metaLength;
    return true;
  }

  // Next integer in [lo, hi]; sets a RangeError and returns false otherwise.
  bool Next(int64_t lo, int64_t hi, int64_t* out) {
    if (pos_ >= n_) {
      ThrowRange(env_, "meta is too short");
      return false;
    }
    double d = p_[pos_++];
    if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || std::trunc(d) != d) {
      ThrowRange(env_, "meta holds an invalid value");
      return false;
    }
    *out = static_cast<int64_t>(d);
    return true;
  }

  bool Dims(int64_t* ndim) { return Next(0, kMaxDims, ndim); }

  // A dtype code (DType's values), for an operand passed as its ArrayBuffer.
  bool Kind(DType* dtype) {
    int64_t code;
    if (!Next(0, 2, &code)) return false;
    *dtype = static_cast<DType>(code);
    return true;
  }

  bool Shape(int64_t ndim, int64_t* shape) {
    for (int64_t i = 0; i < ndim; i++)
      if (!Next(0, kMaxSize, &shape[i])) return false;
    return true;
  }

  // offset, then ndim strides.
  bool Layout(int64_t ndim, Operand* op) {
    if (!Next(0, kMaxSize, &op->offset)) return false;
    for (int64_t i = 0; i < ndim; i++)
      if (!Next(-kMaxSize, kMaxSize, &op->strides[i])) return false;
    return true;
  }

  static constexpr int64_t kMaxSize = (int64_t{1} << 53);

 private:
  Napi::Env env_{nullptr};
  const double* p_ = nullptr;
  int64_t n_ = 0;
  int64_t pos_ = 0;
};

// Product of a shape, or -1 on overflow past 2^53.
inline int64_t ShapeSize(int64_t ndim, const int64_t* shape) {
  int64_t n = 1;
  for (int64_t i = 0; i < ndim; i++) {
    if (shape[i] == 0) return 0;
  }
  for (int64_t i = 0; i < ndim; i++) {
    if (__builtin_mul_overflow(n, shape[i], &n) || n > Meta::kMaxSize) return -1;
  }
  return n;
}

// Every element an operand can reach over `shape` must lie inside its buffer.
inline bool CheckBounds(Napi::Env env, const char* what, int64_t ndim, const int64_t* shape, const Operand& op) {
  for (int64_t i = 0; i < ndim; i++)
    if (shape[i] == 0) return true;  // nothing is reached
  int64_t lo = op.offset, hi = op.offset;
  for (int64_t i = 0; i < ndim; i++) {
    int64_t span;
    if (__builtin_mul_overflow(op.strides[i], shape[i] - 1, &span) ||
        (span < 0 ? __builtin_add_overflow(lo, span, &lo) : __builtin_add_overflow(hi, span, &hi))) {
      ThrowRange(env, std::string(what) + ": strides overflow");
      return false;
    }
  }
  if (lo < 0 || hi >= op.buf.length) {
    ThrowRange(env, std::string(what) + ": shape, strides and offset reach outside its buffer of " +
                        std::to_string(op.buf.length) + " elements");
    return false;
  }
  return true;
}

inline bool CheckDType(Napi::Env env, const char* what, const Buffer& b, DType want) {
  if (b.dtype != want) {
    ThrowType(env, std::string(what) + " must be " + DTypeName(want) + ", got " + DTypeName(b.dtype));
    return false;
  }
  return true;
}

inline bool ArgInt(Napi::Env env, const Napi::Value& v, const char* what, int64_t lo, int64_t hi, int64_t* out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {  // one N-API call where IsNumber + DoubleValue are three
    ThrowType(env, std::string(what) + " must be a number");
    return false;
  }
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || std::trunc(d) != d) {
    ThrowRange(env, std::string(what) + " is out of range");
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

// Calls fn with a value of the C++ type matching a dtype.
template <typename Fn>
inline auto VisitDType(DType d, Fn&& fn) {
  switch (d) {
    case DType::Float32: return fn(float{});
    case DType::Int32: return fn(int32_t{});
    default: return fn(double{});
  }
}

}  // namespace tb
