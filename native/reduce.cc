// Reductions over any set of axes. JS permutes the reduced axes to the end (a view, no copy), so
// here the input is "kept dims" followed by "reduced dims". Accumulation is in double with NumPy's
// pairwise summation, so float32 sums keep float64-like accuracy.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "check.h"
#include "nditer.h"
#include "parallel.h"
#include "simd.h"

namespace tb {
namespace {

enum class Reduce : int { Sum, Prod, Max, Min, Mean, Var, Std, Argmax, Argmin, Norm2, Count };

// The per-range accumulation actually performed (mean/var/std are built from sums).
enum class Pass { Sum, SumSqDev, Prod, Max, Min, Argmax, Argmin };

struct Acc {
  double v;
  int64_t idx;
};

// NumPy's pairwise summation: 8 independent accumulators over blocks of 128, halving above that.
template <typename T, typename F>
double PairwiseSum(const T* x, int64_t n, int64_t s, F f) {
  if (n < 8) {
    double r = 0;
    for (int64_t i = 0; i < n; i++) r += f(static_cast<double>(x[i * s]));
    return r;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; j++) r[j] = f(static_cast<double>(x[j * s]));
    int64_t i = 8;
    if (s == 1) {
      for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) r[j] += f(static_cast<double>(x[i + j]));
    } else {
      for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) r[j] += f(static_cast<double>(x[(i + j) * s]));
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += f(static_cast<double>(x[i * s]));
    return res;
  }
  int64_t half = (n / 2) & ~int64_t{7};
  return PairwiseSum(x, half, s, f) + PairwiseSum(x + half * s, n - half, s, f);
}

Acc Identity(Pass p) {
  switch (p) {
    case Pass::Prod: return {1.0, 0};
    case Pass::Max:
    case Pass::Argmax: return {-INFINITY, -1};
    case Pass::Min:
    case Pass::Argmin: return {INFINITY, -1};
    default: return {0.0, 0};
  }
}

// Folds partial b (which comes later in C order) into a.
void Combine(Pass p, Acc& a, const Acc& b) {
  switch (p) {
    case Pass::Sum:
    case Pass::SumSqDev: a.v += b.v; break;
    case Pass::Prod: a.v *= b.v; break;
    case Pass::Max:
    case Pass::Min:
    case Pass::Argmax:
    case Pass::Argmin: {
      if (b.idx < 0 || std::isnan(a.v)) break;  // a NaN found first wins
      bool better = std::isnan(b.v) || a.idx < 0 ||
                    ((p == Pass::Max || p == Pass::Argmax) ? b.v > a.v : b.v < a.v);
      if (better) a = b;
      break;
    }
  }
}

#if defined(TB_GCC_VECTOR)
// AVX2 forms of the max/min scan (GCC vector extensions, compiled for AVX2 from the start as in
// exp.h; see simd.h for the builds that run the scalar loops). A baseline build's scalar loop
// does not vectorise: SSE2 has no blend, and GCC keeps the NaN test's compare per element.
#pragma GCC push_options
#pragma GCC target("avx2")
namespace avx2 {

template <typename V, typename T>
inline V Load(const T* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// v where it is beyond best (NaN never is), else best.
template <bool kMax, typename V>
inline V Pick(V v, V best) {
  return (kMax ? v > best : v < best) ? v : best;
}

// The extreme of x[0, i) for the i it returns (whole steps of four vectors, 0 when n is shorter),
// ignoring NaN, and whether x[0, i) holds a NaN. A lane that starts at NaN keeps it; that is fine,
// since `nan` then says to look again.
template <bool kMax, typename T>
int64_t ExtremeLanes(const T* x, int64_t n, T* extreme, bool* nan) {
  typedef T V __attribute__((vector_size(32)));
  constexpr int64_t kLanes = 32 / sizeof(T), kStep = 4 * kLanes;
  if (n < kStep) return 0;
  // Four separate accumulators, each loaded on its own (arrays of vectors go through the stack).
  V b0 = Load<V>(x), b1 = Load<V>(x + kLanes), b2 = Load<V>(x + 2 * kLanes), b3 = Load<V>(x + 3 * kLanes);
  auto seen = (b0 != b0) | (b1 != b1) | (b2 != b2) | (b3 != b3);
  int64_t i = kStep;
  for (; i + kStep <= n; i += kStep) {
    const V v0 = Load<V>(x + i), v1 = Load<V>(x + i + kLanes), v2 = Load<V>(x + i + 2 * kLanes), v3 = Load<V>(x + i + 3 * kLanes);
    b0 = Pick<kMax>(v0, b0);
    b1 = Pick<kMax>(v1, b1);
    b2 = Pick<kMax>(v2, b2);
    b3 = Pick<kMax>(v3, b3);
    seen |= (v0 != v0) | (v1 != v1) | (v2 != v2) | (v3 != v3);
  }
  const V best[4] = {b0, b1, b2, b3};
  T m = best[0][0];
  bool any = false;
  for (int k = 0; k < 4; k++)
    for (int j = 0; j < kLanes; j++) m = Pick<kMax>(best[k][j], m);
  for (int j = 0; j < kLanes; j++) any |= seen[j] != 0;
  *extreme = m;
  *nan = any;
  return i;
}

// The first i < n with x[i] == m, or x[i] a NaN when m is one (n if none): a vector at a time.
template <typename T>
int64_t FirstMatch(const T* x, int64_t n, T m) {
  typedef T V __attribute__((vector_size(32)));
  constexpr int64_t kLanes = 32 / sizeof(T);
  const bool findNaN = m != m;
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const V v = Load<V>(x + i);
    const auto hit = findNaN ? v != v : v == m;
    if (_mm256_movemask_epi8(reinterpret_cast<__m256i>(hit)) != 0) break;
  }
  for (; i < n; i++)
    if (findNaN ? x[i] != x[i] : x[i] == m) break;
  return i;
}

}  // namespace avx2
#pragma GCC pop_options
#endif

// The first i < n with x[i] == m, or x[i] a NaN when m is one (n if none).
template <typename T>
int64_t FirstMatch(const T* x, int64_t n, T m) {
#if defined(TB_GCC_VECTOR)
  if (SimdLevel() >= Simd::Avx2) return avx2::FirstMatch(x, n, m);
#endif
  int64_t i = 0;
  while (i < n && !(m != m ? x[i] != x[i] : x[i] == m)) i++;
  return i;
}

// max/min/argmax/argmin of a contiguous run (n > 0) starting at index `pos`, as the scalar Combine
// loop gives it: the first NaN if there is one, else the first extreme element. The extreme value
// is found first (in vector lanes where the CPU has them), then located when its position or the
// sign of a zero matters (equal non-zero values have the same bits).
template <bool kMax, typename T>
Acc ExtremeOfRun(const T* x, int64_t n, int64_t pos, bool wantIndex) {
  T m = x[0];
  bool nan = false;
  int64_t i = 0;
#if defined(TB_GCC_VECTOR)
  if (SimdLevel() >= Simd::Avx2) i = avx2::ExtremeLanes<kMax>(x, n, &m, &nan);
#endif
  for (; i < n; i++) {
    const T v = x[i];
    nan |= v != v;
    m = (kMax ? v > m : v < m) ? v : m;
  }
  // (Only a floating-point zero has a sign to look for.)
  if (!nan && !wantIndex && (!std::is_floating_point_v<T> || m != T(0))) return {static_cast<double>(m), pos};
  if constexpr (std::is_floating_point_v<T>) {
    if (nan) m = std::numeric_limits<T>::quiet_NaN();
  }
  const int64_t k = FirstMatch(x, n, m);
  return {static_cast<double>(x[k]), pos + k};
}

template <typename T>
Acc ReduceRange(Pass p, const T* data, const StridedLoop<1>& red, int64_t base, int64_t begin, int64_t end,
                double center) {
  Acc acc = Identity(p);
  int64_t pos = begin;
  const int64_t b[1] = {base};
  red.ForRange(begin, end, b, [&](const int64_t* off, int64_t n, const int64_t* s) {
    const T* x = data + off[0];
    const int64_t st = s[0];
    switch (p) {
      case Pass::Sum: acc.v += PairwiseSum(x, n, st, [](double v) { return v; }); break;
      case Pass::SumSqDev:
        acc.v += PairwiseSum(x, n, st, [center](double v) { return (v - center) * (v - center); });
        break;
      case Pass::Prod:
        for (int64_t i = 0; i < n; i++) acc.v *= static_cast<double>(x[i * st]);
        break;
      default:
        if (std::isnan(acc.v)) break;  // a NaN found first wins
        if (st == 1 && n > 0) {
          const bool wantIndex = p == Pass::Argmax || p == Pass::Argmin;
          const bool max = p == Pass::Max || p == Pass::Argmax;
          Combine(p, acc, max ? ExtremeOfRun<true>(x, n, pos, wantIndex) : ExtremeOfRun<false>(x, n, pos, wantIndex));
        } else {
          for (int64_t i = 0; i < n && !std::isnan(acc.v); i++) Combine(p, acc, Acc{static_cast<double>(x[i * st]), pos + i});
        }
    }
    pos += n;
  });
  return acc;
}

// One output element: the whole reduction space, split across threads when it is large.
template <typename T>
Acc ReduceAll(Pass p, const T* data, const StridedLoop<1>& red, int64_t base, double center, bool split) {
  if (!split) return ReduceRange(p, data, red, base, 0, red.size, center);
  // One slot per chunk. The thread count is read once: chunks of at least n / threads cannot
  // outnumber the slots even if setNumThreads raises the count meanwhile (from another thread).
  const int64_t threads = std::max(1, LoopThreads().load());
  std::vector<Acc> parts(static_cast<size_t>(threads), Identity(p));
  std::vector<int64_t> starts(parts.size(), -1);
  std::atomic<int> next{0};
  ParallelFor(red.size, std::max(kParallelGrain, (red.size + threads - 1) / threads), [&](int64_t b, int64_t e) {
    int slot = next.fetch_add(1);
    parts[slot] = ReduceRange(p, data, red, base, b, e, center);
    starts[slot] = b;
  });
  // Combine in C order so "first occurrence" stays first.
  std::vector<int> order;
  for (size_t i = 0; i < parts.size(); i++)
    if (starts[i] >= 0) order.push_back(static_cast<int>(i));
  std::sort(order.begin(), order.end(), [&](int x, int y) { return starts[x] < starts[y]; });
  Acc acc = Identity(p);
  for (int i : order) Combine(p, acc, parts[i]);
  return acc;
}

template <typename T, typename TO>
void ReduceKernel(Reduce op, const Operand& a, const Operand& o, const StridedLoop<2>& keep,
                  const StridedLoop<1>& red, double ddof) {
  const T* data = reinterpret_cast<const T*>(a.buf.data);
  TO* out = reinterpret_cast<TO*>(o.buf.data);
  const int64_t n = red.size;
  // Parallelise over outputs when there are enough of them, else inside each reduction.
  const bool manyOutputs = keep.size >= 2 * LoopThreads().load();
  const bool split = !manyOutputs && n >= 2 * kParallelGrain;

  auto one = [&](int64_t aOff, int64_t oOff) {
    double result;
    switch (op) {
      case Reduce::Sum: result = ReduceAll(Pass::Sum, data, red, aOff, 0, split).v; break;
      case Reduce::Prod: result = ReduceAll(Pass::Prod, data, red, aOff, 0, split).v; break;
      case Reduce::Max: result = ReduceAll(Pass::Max, data, red, aOff, 0, split).v; break;
      case Reduce::Min: result = ReduceAll(Pass::Min, data, red, aOff, 0, split).v; break;
      case Reduce::Argmax: result = static_cast<double>(ReduceAll(Pass::Argmax, data, red, aOff, 0, split).idx); break;
      case Reduce::Argmin: result = static_cast<double>(ReduceAll(Pass::Argmin, data, red, aOff, 0, split).idx); break;
      case Reduce::Mean: result = ReduceAll(Pass::Sum, data, red, aOff, 0, split).v / static_cast<double>(n); break;
      // The 2-norm along axes (linalg.norm with an axis): squares summed pairwise in double, in one pass.
      case Reduce::Norm2: result = std::sqrt(ReduceAll(Pass::SumSqDev, data, red, aOff, 0, split).v); break;
      default: {  // Var, Std: two passes, as NumPy does, for accuracy.
        double mean = ReduceAll(Pass::Sum, data, red, aOff, 0, split).v / static_cast<double>(n);
        double ss = ReduceAll(Pass::SumSqDev, data, red, aOff, mean, split).v;
        double dof = static_cast<double>(n) - ddof;
        result = ss / (dof > 0 ? dof : 0.0);
        if (op == Reduce::Std) result = std::sqrt(result);
      }
    }
    if constexpr (std::is_integral_v<TO>) {
      // int32 outputs are indices or int32 max/min (exact); anything else must not be UB.
      out[oOff] = (result >= -2147483648.0 && result < 2147483648.0) ? static_cast<TO>(result) : INT32_MIN;
    } else {
      out[oOff] = static_cast<TO>(result);
    }
  };

  const int64_t base[2] = {a.offset, o.offset};
  auto outputs = [&](int64_t b, int64_t e) {
    keep.ForRange(b, e, base, [&](const int64_t* off, int64_t cnt, const int64_t* s) {
      for (int64_t i = 0; i < cnt; i++) one(off[0] + i * s[0], off[1] + i * s[1]);
    });
  };
  if (manyOutputs && keep.size * n >= 2 * kParallelGrain) {
    ParallelFor(keep.size, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1)), outputs);
  } else {
    outputs(0, keep.size);
  }
}

// A reduction over the leading axis of a row-major block (sum(axis=0) and friends): walking each
// column down its stride would touch a new cache line per element, so rows are streamed instead,
// each added into a row of accumulators (as NumPy's outer-loop reductions do). Returns false when
// the layout or the operation is not one this path takes.
template <typename T, typename TO>
bool ReduceLeadingAxis(Reduce op, const Operand& a, const Operand& o, const StridedLoop<2>& keep, const StridedLoop<1>& red) {
  if (keep.ndim != 1 || red.ndim != 1 || keep.strides[0][0] != 1 || red.strides[0][0] == 1 || red.size == 0) return false;
  if (op != Reduce::Sum && op != Reduce::Mean && op != Reduce::Max && op != Reduce::Min && op != Reduce::Prod) return false;
  const int64_t cols = keep.shape[0], rows = red.shape[0], rs = red.strides[0][0], os = keep.strides[1][0];
  const T* data = reinterpret_cast<const T*>(a.buf.data) + a.offset;
  TO* out = reinterpret_cast<TO*>(o.buf.data) + o.offset;
  const double init = op == Reduce::Prod ? 1.0 : op == Reduce::Max ? -INFINITY : op == Reduce::Min ? INFINITY : 0.0;
  ParallelFor(cols, std::max<int64_t>(16, kParallelGrain / std::max<int64_t>(1, rows)), [&](int64_t c0, int64_t c1) {
    std::vector<double> acc(static_cast<size_t>(c1 - c0), init);
    double* ac = acc.data() - c0;
    // Rows are taken four at a time, each column still folded in row order (the same result as one
    // row at a time), so the accumulators are loaded and stored a quarter as often.
    auto fold = [&](auto f) {
      int64_t i = 0;
      for (; i + 4 <= rows; i += 4) {
        const T* r0 = data + i * rs;
        const T *r1 = r0 + rs, *r2 = r1 + rs, *r3 = r2 + rs;
        for (int64_t j = c0; j < c1; j++)
          ac[j] = f(f(f(f(ac[j], static_cast<double>(r0[j])), static_cast<double>(r1[j])), static_cast<double>(r2[j])),
                    static_cast<double>(r3[j]));
      }
      for (; i < rows; i++) {
        const T* row = data + i * rs;
        for (int64_t j = c0; j < c1; j++) ac[j] = f(ac[j], static_cast<double>(row[j]));
      }
    };
    // max/min: NaN wins and stays. Written as a max (which keeps a NaN a) and a select on v being
    // NaN, which vectorise; a select on compares joined with || or & keeps the loop scalar (0.27
    // against 0.72 ms for (1000, 1000)). Of several NaNs in a column the last is kept, where the
    // other paths keep the first: a NaN is a NaN in JS, only its bits in the buffer differ.
    switch (op) {
      case Reduce::Prod: fold([](double a, double v) { return a * v; }); break;
      case Reduce::Max: fold([](double a, double v) { const double m = v > a ? v : a; return v != v ? v : m; }); break;
      case Reduce::Min: fold([](double a, double v) { const double m = v < a ? v : a; return v != v ? v : m; }); break;
      default: fold([](double a, double v) { return a + v; });
    }
    for (int64_t j = c0; j < c1; j++) {
      const double r = op == Reduce::Mean ? ac[j] / static_cast<double>(rows) : ac[j];
      if constexpr (std::is_integral_v<TO>) out[j * os] = static_cast<TO>(r);  // int32 max/min of int32: exact
      else out[j * os] = static_cast<TO>(r);
    }
  });
  return true;
}

// reduce(op, a, out, ddof) with meta = [a, out dtypes, nkeep, keepShape..., nred, redShape...,
//   a offset, a strides (nkeep + nred), out offset, out strides (nkeep)]
Napi::Value ReduceOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op, nkeep, nred;
  int64_t shape[kMaxDims];
  Operand a, o;
  Meta meta;
  DType da, dout;
  if (!ArgInt(env, info[0], "op", 0, static_cast<int64_t>(Reduce::Count) - 1, &op) || !meta.Init(env) ||
      !meta.Kind(&da) || !meta.Kind(&dout) || !GetOperandBuffer(env, info[1], da, "a", &a.buf) ||
      !GetOperandBuffer(env, info[2], dout, "out", &o.buf) || !meta.Dims(&nkeep) || !meta.Shape(nkeep, shape) || !meta.Dims(&nred))
    return env.Undefined();
  if (nkeep + nred > kMaxDims) {
    ThrowRange(env, "too many dimensions");
    return env.Undefined();
  }
  if (!meta.Shape(nred, shape + nkeep) || !meta.Layout(nkeep + nred, &a) || !meta.Layout(nkeep, &o) ||
      !CheckBounds(env, "a", nkeep + nred, shape, a) || !CheckBounds(env, "out", nkeep, shape, o))
    return env.Undefined();
  if (ShapeSize(nkeep + nred, shape) < 0) {
    ThrowRange(env, "shape is too large");
    return env.Undefined();
  }
  double ddof = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
  Reduce r = static_cast<Reduce>(op);
  if ((r == Reduce::Argmax || r == Reduce::Argmin) && o.buf.dtype != DType::Int32) {
    ThrowType(env, "argmax/argmin write int32");
    return env.Undefined();
  }
  if (ShapeSize(nred, shape + nkeep) == 0 && ShapeSize(nkeep, shape) > 0 &&
      (r == Reduce::Max || r == Reduce::Min || r == Reduce::Argmax || r == Reduce::Argmin)) {
    ThrowRange(env, "zero-size array to reduction operation which has no identity");
    return env.Undefined();
  }

  const Operand* keepOps[2] = {&a, &o};
  StridedLoop<2> keep(nkeep, shape, keepOps);
  Operand redView = a;  // reduction strides start after the kept ones
  for (int64_t i = 0; i < nred; i++) redView.strides[i] = a.strides[nkeep + i];
  const Operand* redOps[1] = {&redView};
  StridedLoop<1> red(nred, shape + nkeep, redOps);
  if (ShapeSize(nkeep, shape) == 0) return env.Undefined();

  VisitDType(a.buf.dtype, [&](auto ti) {
    VisitDType(o.buf.dtype, [&](auto to) {
      using TI = decltype(ti);
      using TO = decltype(to);
      // Integer outputs of this path are only int32 max/min of int32 input (lib/ picks float64 otherwise).
      const bool exactInt = !std::is_integral_v<TO> || std::is_integral_v<TI>;
      if (!(exactInt && ReduceLeadingAxis<TI, TO>(r, a, o, keep, red))) ReduceKernel<TI, TO>(r, a, o, keep, red, ddof);
    });
  });
  return env.Undefined();
}

}  // namespace

void InitReduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduce", Napi::Function::New(env, ReduceOp, "reduce"));
}

}  // namespace tb
