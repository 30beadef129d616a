// Pairwise distances whose metrics are not a matrix product: cityblock and chebyshev, exact loops
// split across threads by rows. (euclidean, sqeuclidean and cosine go through one gemm in lib/.)
#include <napi.h>

#include <cmath>

#include "check.h"
#include "parallel.h"

namespace tb {
namespace {

enum class Metric : int { Cityblock = 0, Chebyshev = 1, Count };

struct Rows {
  int64_t rows, cols, rs, cs;
};

template <typename T>
void CdistKernel(Metric metric, const T* x, Rows xr, const T* y, Rows yr, T* out, Rows orr) {
  const int64_t n = xr.cols;
  ParallelFor(xr.rows, std::max<int64_t>(1, (int64_t{1} << 16) / std::max<int64_t>(1, yr.rows * n)), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const T* xi = x + i * xr.rs;
      for (int64_t j = 0; j < yr.rows; j++) {
        const T* yj = y + j * yr.rs;
        double acc = 0;
        if (metric == Metric::Cityblock) {
          for (int64_t k = 0; k < n; k++) acc += std::abs(static_cast<double>(xi[k * xr.cs]) - static_cast<double>(yj[k * yr.cs]));
        } else {
          for (int64_t k = 0; k < n; k++) {
            const double d = std::abs(static_cast<double>(xi[k * xr.cs]) - static_cast<double>(yj[k * yr.cs]));
            if (d > acc || d != d) acc = d;
          }
        }
        out[i * orr.rs + j * orr.cs] = static_cast<T>(acc);
      }
    }
  });
}

bool ReadRows(Napi::Env env, Meta& meta, const char* what, Operand* op, Rows* r) {
  int64_t shape[2];
  if (!meta.Shape(2, shape) || !meta.Layout(2, op) || !CheckBounds(env, what, 2, shape, *op)) return false;
  *r = {shape[0], shape[1], op->strides[0], op->strides[1]};
  return true;
}

// cdist(metric, x, y, out) with meta = [x: rows, cols, offset, rs, cs; y: same; out: same]
Napi::Value Cdist(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t metric;
  Operand x, y, o;
  Rows xr, yr, orr;
  Meta meta;
  if (!ArgInt(env, info[0], "metric", 0, static_cast<int64_t>(Metric::Count) - 1, &metric) ||
      !GetBuffer(env, info[1], "x", &x.buf) || !GetBuffer(env, info[2], "y", &y.buf) || !GetBuffer(env, info[3], "out", &o.buf) ||
      !meta.Init(env) || !ReadRows(env, meta, "x", &x, &xr) || !ReadRows(env, meta, "y", &y, &yr) ||
      !ReadRows(env, meta, "out", &o, &orr))
    return env.Undefined();
  if (x.buf.dtype != y.buf.dtype || x.buf.dtype != o.buf.dtype || x.buf.dtype == DType::Int32) {
    ThrowType(env, "cdist operands must share one float dtype");
    return env.Undefined();
  }
  if (xr.cols != yr.cols || orr.rows != xr.rows || orr.cols != yr.rows) {
    ThrowRange(env, "cdist: operand shapes do not match");
    return env.Undefined();
  }
  if (x.buf.dtype == DType::Float64)
    CdistKernel(static_cast<Metric>(metric), x.base<double>(), xr, y.base<double>(), yr, o.base<double>(), orr);
  else
    CdistKernel(static_cast<Metric>(metric), x.base<float>(), xr, y.base<float>(), yr, o.base<float>(), orr);
  return env.Undefined();
}

}  // namespace

void InitDistance(Napi::Env env, Napi::Object exports) {
  exports.Set("cdist", Napi::Function::New(env, Cdist, "cdist"));
}

}  // namespace tb
