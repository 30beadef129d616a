// Pairwise distances. cityblock and chebyshev are exact loops split across threads by rows;
// euclidean and sqeuclidean are one gemm (alpha = -2) plus one fused pass that adds the squared
// norms, clamps rounding negatives at 0 and takes the square root (AVX2 where the CPU has it), and
// recomputes from the differences the few entries where that identity fails (non-finite results).
#include <cblas.h>
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "check.h"
#include "parallel.h"
#include "simd.h"
#if defined(TB_SIMD_X86)
#include <immintrin.h>
#endif

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

// The pass after the gemm, for one row of out holding g = -2 x_i.y_j:
//   d = (|x_i|^2 + |y_j|^2) + g, finite negatives clamped at 0 (rounding leaves tiny ones where
//   points coincide), then sqrt(d) unless squared. NaN and -inf (a float32 gemm overflowing while
//   the double norms do not) pass unclamped, so that their entries read as non-finite and get
//   recomputed (see Direct).
// The AVX2 form does the same IEEE operations in the same order, so every path gives the same bits
// (sqrt is correctly rounded, float results round once from the double). A reference C++ loop
// calls scalar sqrt, which cannot be vectorised under errno semantics: 4 lanes take a third of its
// time, and this pass is a third of cdist's. Each returns whether a result is not finite.
constexpr double kMax = std::numeric_limits<double>::max();

template <typename T>
bool EpilogueScalar(bool squared, double xi, const double* yy, T* row, int64_t from, int64_t n) {
  bool nonFinite = false;
  for (int64_t j = from; j < n; j++) {
    double d = (xi + yy[j]) + static_cast<double>(row[j]);
    d = d < 0 && d >= -kMax ? 0.0 : d;  // -inf (a float gemm overflowing) stays, to be recomputed
    nonFinite |= !(std::abs(d) <= kMax);
    row[j] = static_cast<T>(squared ? d : std::sqrt(d));
  }
  return nonFinite;
}

#if defined(TB_SIMD_X86)
__attribute__((target("avx2"))) inline __m256d Load4(const double* p) { return _mm256_loadu_pd(p); }
__attribute__((target("avx2"))) inline __m256d Load4(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
__attribute__((target("avx2"))) inline void Store4(double* p, __m256d v) { _mm256_storeu_pd(p, v); }
__attribute__((target("avx2"))) inline void Store4(float* p, __m256d v) { _mm_storeu_ps(p, _mm256_cvtpd_ps(v)); }

template <typename T>
__attribute__((target("avx2"))) bool EpilogueAvx2(bool squared, double xi, const double* yy, T* row, int64_t n) {
  const __m256d x = _mm256_set1_pd(xi), zero = _mm256_setzero_pd(), max = _mm256_set1_pd(kMax), min = _mm256_set1_pd(-kMax);
  const __m256d sign = _mm256_set1_pd(-0.0);
  __m256d nonFinite = zero;
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) {
    __m256d d = _mm256_add_pd(_mm256_add_pd(x, _mm256_loadu_pd(yy + j)), Load4(row + j));
    // The scalar clamp: finite negatives (not -0, NaN or -inf) become 0.
    const __m256d clamp = _mm256_and_pd(_mm256_cmp_pd(d, zero, _CMP_LT_OQ), _mm256_cmp_pd(d, min, _CMP_GE_OQ));
    d = _mm256_blendv_pd(d, zero, clamp);
    nonFinite = _mm256_or_pd(nonFinite, _mm256_cmp_pd(_mm256_andnot_pd(sign, d), max, _CMP_NLE_UQ));
    Store4(row + j, squared ? d : _mm256_sqrt_pd(d));
  }
  return EpilogueScalar(squared, xi, yy, row, j, n) || _mm256_movemask_pd(nonFinite) != 0;
}
#endif

template <typename T>
bool Epilogue(Simd level, bool squared, double xi, const double* yy, T* row, int64_t n) {
#if defined(TB_SIMD_X86)
  if (level >= Simd::Avx2) return EpilogueAvx2(squared, xi, yy, row, n);
#endif
  return EpilogueScalar(squared, xi, yy, row, 0, n);
}

// The norms formula fails where a norm or their sum overflows, or an input is NaN or infinite
// (inf - inf): those entries are computed from the differences instead, as SciPy does everywhere.
template <typename T>
T Direct(bool squared, const T* xi, const T* yj, int64_t cols) {
  double acc = 0;
  for (int64_t k = 0; k < cols; k++) {
    const double d = static_cast<double>(xi[k]) - static_cast<double>(yj[k]);
    acc += d * d;
  }
  return static_cast<T>(squared ? acc : std::sqrt(acc));
}

// |x - y|^2 = |x|^2 + |y|^2 - 2 x.y: contiguous rows (lib/ guarantees it) and a row-major out.
template <typename T>
void EuclideanKernel(bool squared, const T* x, Rows xr, const T* y, Rows yr, T* out, Rows orr) {
  if (xr.cols == 0) {  // no features: every distance is 0 (and gemm wants k >= 1)
    for (int64_t i = 0; i < xr.rows; i++) std::fill_n(out + i * orr.rs, yr.rows, T(0));
    return;
  }
  std::vector<double> xx, yy;
  SquaredNorms(x, xr, xx);
  SquaredNorms(y, yr, yy);
  GemmXYt(static_cast<int>(xr.rows), static_cast<int>(yr.rows), static_cast<int>(xr.cols), x, static_cast<int>(xr.rs), y,
          static_cast<int>(yr.rs), out, static_cast<int>(orr.rs));
  const Simd level = SimdLevel();
  ParallelFor(xr.rows, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, yr.rows)), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      T* row = out + i * orr.rs;
      if (!Epilogue(level, squared, xx[static_cast<size_t>(i)], yy.data(), row, yr.rows)) continue;
      for (int64_t j = 0; j < yr.rows; j++) {
        if (!std::isfinite(static_cast<double>(row[j]))) row[j] = Direct(squared, x + i * xr.rs, y + j * yr.rs, xr.cols);
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
