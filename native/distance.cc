// Pairwise distances. cityblock and chebyshev are exact loops split across threads by rows;
// euclidean and sqeuclidean are one gemm (alpha = -2) plus one fused pass that adds the squared
// norms, clamps rounding negatives at 0 and takes the square root.
#include <cblas.h>
#include <napi.h>

#include <vector>

#include <cmath>

#include "check.h"
#include "parallel.h"

namespace tb {
namespace {

enum class Metric : int { Cityblock = 0, Chebyshev = 1, Euclidean = 2, SqEuclidean = 3, Count };

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

inline void GemmXYt(int m, int n, int k, const double* x, int ldx, const double* y, int ldy, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, -2.0, x, ldx, y, ldy, 0.0, c, ldc);
}
inline void GemmXYt(int m, int n, int k, const float* x, int ldx, const float* y, int ldy, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, -2.0f, x, ldx, y, ldy, 0.0f, c, ldc);
}

template <typename T>
void SquaredNorms(const T* x, Rows r, std::vector<double>& out) {
  out.assign(static_cast<size_t>(r.rows), 0.0);
  for (int64_t i = 0; i < r.rows; i++) {
    double acc = 0;
    for (int64_t k = 0; k < r.cols; k++) {
      const double v = static_cast<double>(x[i * r.rs + k * r.cs]);
      acc += v * v;
    }
    out[static_cast<size_t>(i)] = acc;
  }
}

// |x - y|^2 = |x|^2 + |y|^2 - 2 x.y: contiguous rows (lib/ guarantees it) and a row-major out.
template <typename T>
void EuclideanKernel(bool squared, const T* x, Rows xr, const T* y, Rows yr, T* out, Rows orr) {
  std::vector<double> xx, yy;
  SquaredNorms(x, xr, xx);
  SquaredNorms(y, yr, yy);
  if (xr.cols > 0)
    GemmXYt(static_cast<int>(xr.rows), static_cast<int>(yr.rows), static_cast<int>(xr.cols), x, static_cast<int>(xr.rs), y,
            static_cast<int>(yr.rs), out, static_cast<int>(orr.rs));
  ParallelFor(xr.rows, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, yr.rows)), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      T* row = out + i * orr.rs;
      const double xi = xx[static_cast<size_t>(i)];
      for (int64_t j = 0; j < yr.rows; j++) {
        const double g = xr.cols > 0 ? static_cast<double>(row[j]) : 0.0;
        double d = xi + yy[static_cast<size_t>(j)] + g;
        d = d > 0 ? d : 0;  // rounding can leave tiny negatives where the points coincide
        row[j] = static_cast<T>(squared ? d : std::sqrt(d));
      }
    }
  });
}

// gemm takes rows with unit column stride and a leading dimension that fits an int.
bool BlasRows(const Rows& r) { return (r.cols <= 1 || r.cs == 1) && r.rs >= std::max<int64_t>(1, r.cols) && r.rs <= INT32_MAX; }

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
  if (ShapeMismatch(env, xr.cols != yr.cols || orr.rows != xr.rows || orr.cols != yr.rows, "cdist")) return env.Undefined();
  const Metric m = static_cast<Metric>(metric);
  if (m == Metric::Euclidean || m == Metric::SqEuclidean) {
    if (!BlasRows(xr) || !BlasRows(yr) || !BlasRows(orr) || xr.rows > INT32_MAX || yr.rows > INT32_MAX ||
        xr.cols > INT32_MAX) {
      ThrowRange(env, "cdist: euclidean operands must be row-contiguous");
      return env.Undefined();
    }
    if (x.buf.dtype == DType::Float64)
      EuclideanKernel(m == Metric::SqEuclidean, x.base<double>(), xr, y.base<double>(), yr, o.base<double>(), orr);
    else
      EuclideanKernel(m == Metric::SqEuclidean, x.base<float>(), xr, y.base<float>(), yr, o.base<float>(), orr);
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
