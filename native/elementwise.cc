// Elementwise binary and unary operations over strided, broadcast operands of any dtype mix.
// JS has already broadcast the operands (stride 0 on broadcast dims) and picked the output dtype;
// the arithmetic runs in the output's type, as NumPy's loops do after casting.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "check.h"
#include "exp.h"
#include "nditer.h"
#include "parallel.h"

namespace tb {
namespace {

enum class Binary : int { Add, Sub, Mul, Div, Pow, Maximum, Minimum, Count };
enum class Unary : int {
  Copy, Neg, Abs, Exp, Log, Sqrt, Square, Sin, Cos, Tanh, Sigmoid, Relu, Sign, Clip, Count
};

// Integer arithmetic wraps like NumPy's (two's complement), without signed-overflow UB.
inline int32_t Wrap(uint32_t v) { return static_cast<int32_t>(v); }

inline int32_t IntPow(int32_t base, int32_t exp) {
  uint32_t result = 1, b = static_cast<uint32_t>(base);
  for (uint32_t e = static_cast<uint32_t>(exp); e; e >>= 1) {
    if (e & 1) result *= b;
    b *= b;
  }
  return Wrap(result);
}

template <Binary Op, typename C>
inline C ApplyBinary(C a, C b) {
  if constexpr (std::is_integral_v<C>) {
    uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
    if constexpr (Op == Binary::Add) return Wrap(ua + ub);
    if constexpr (Op == Binary::Sub) return Wrap(ua - ub);
    if constexpr (Op == Binary::Mul) return Wrap(ua * ub);
    if constexpr (Op == Binary::Pow) return IntPow(a, b);  // negative exponents are rejected up front
    if constexpr (Op == Binary::Div) return 0;             // unreachable: div needs a float output
  } else {
    if constexpr (Op == Binary::Add) return a + b;
    if constexpr (Op == Binary::Sub) return a - b;
    if constexpr (Op == Binary::Mul) return a * b;
    if constexpr (Op == Binary::Div) return a / b;
    if constexpr (Op == Binary::Pow) return std::pow(a, b);
  }
  // maximum/minimum propagate NaN like NumPy (a NaN in either operand wins).
  if constexpr (Op == Binary::Maximum) return (a >= b || a != a) ? a : b;
  if constexpr (Op == Binary::Minimum) return (a <= b || a != a) ? a : b;
  return a;
}

// exp as each dtype computes it: fdlibm's for float64 (Math.exp's bits), and for float32 the same
// in double, rounded once to float (within a hair of correctly rounded, and the same bits on every
// instruction set). fdlibm::ExpRun is the vectorised form of both, with the same bits.
template <typename C>
inline C ExpOf(C x) {
  return static_cast<C>(fdlibm::Exp(static_cast<double>(x)));
}

// tanh from x and e = exp(2|x|), in double for float64 and float32 alike: below |x| = 0.55,
// x + x^3 P(x^2) with P a degree-10 Chebyshev fit of (tanh(a) - a) / a^3 on [0, 0.55^2] (fit error
// 3e-17 of P, which reaches tanh scaled by at most 0.1; scripts/fit-tanh.py prints these
// coefficients): ~0.75 ulp at worst. Above, 1 - 2 / (e + 1): up to ~1.75 ulp by analysis near 0.55
// (half of exp's error, plus the roundings of e + 1, the division and 1 - t), 1.42 measured against
// mpmath over 1e5 inputs (glibc's tanh: 2.06). NaN passes through exp; tiny |x| gives x. glibc's
// scalar tanh took ~17 ns an element here; this form, through the vector exp, is one formula per
// element on every path (test/exp.test.ts checks each against a JS twin, bit for bit).
constexpr double kTanhPoly[11] = {-0.3333333333333333,    0.13333333333332714,    -0.053968253967434016,
                                  0.021869488493666944,   -0.008863234397814355,  0.003592110378689024,
                                  -0.001455661830100716,  0.0005889360520074057,  -0.0002346347410887237,
                                  8.511313685577672e-05,  -2.0602765376366344e-05};
inline double TanhOf(double x, double e) {
  const double a = std::abs(x), z = a * a;
  double p = kTanhPoly[10];
  for (int c = 9; c >= 0; c--) p = p * z + kTanhPoly[c];
  const double small = a + (a * z) * p, large = 1.0 - 2.0 / (e + 1.0);
  return std::copysign(a < 0.55 ? small : large, x);
}

// sigmoid from x and e = exp(-|x|): 1 / (1 + e) for x >= 0, e / (1 + e) below (nothing overflows).
// One expression for ApplyUnary and SigmoidRun, so both give the same bits.
template <typename C>
inline C SigmoidOf(C x, C e) {
  return (x >= C(0) ? C(1) : e) / (C(1) + e);
}

template <Unary Op, typename C>
inline C ApplyUnary(C x, C lo, C hi) {
  if constexpr (std::is_integral_v<C>) {
    uint32_t u = static_cast<uint32_t>(x);
    if constexpr (Op == Unary::Neg) return Wrap(0u - u);
    if constexpr (Op == Unary::Abs) return x < 0 ? Wrap(0u - u) : x;
    if constexpr (Op == Unary::Square) return Wrap(u * u);
  } else {
    if constexpr (Op == Unary::Neg) return -x;
    if constexpr (Op == Unary::Abs) return std::abs(x);
    if constexpr (Op == Unary::Square) return x * x;
    if constexpr (Op == Unary::Exp) return ExpOf(x);
    if constexpr (Op == Unary::Log) return std::log(x);
    if constexpr (Op == Unary::Sqrt) return std::sqrt(x);
    if constexpr (Op == Unary::Sin) return std::sin(x);
    if constexpr (Op == Unary::Cos) return std::cos(x);
    if constexpr (Op == Unary::Tanh) return static_cast<C>(TanhOf(x, fdlibm::Exp(2.0 * std::abs(static_cast<double>(x)))));
    if constexpr (Op == Unary::Sigmoid) return SigmoidOf(x, ExpOf(-std::abs(x)));
  }
  if constexpr (Op == Unary::Copy) return x;
  if constexpr (Op == Unary::Relu) return x > 0 ? x : (x != x ? x : C(0));
  if constexpr (Op == Unary::Sign) return x > 0 ? C(1) : (x < 0 ? C(-1) : x);  // keeps NaN and ±0
  // A NaN x fails both compares and is returned as it is; no branch of its own, so the loop vectorises.
  if constexpr (Op == Unary::Clip) return x < lo ? lo : (x > hi ? hi : x);
  return x;
}

// A function of exp over a contiguous run: e = exp(arg(x)) through the vector exp in double, a block
// at a time (so that `out` may be `in` itself), then finish(in, e, out, m) for the block's m
// elements, which must compute what ApplyUnary does per element.
template <typename C, typename Arg, typename Finish>
inline void ThroughExp(const C* in, C* out, int64_t n, Arg arg, Finish finish) {
  constexpr int64_t kBlock = 256;
  double e[kBlock];
  for (int64_t i = 0; i < n; i += kBlock) {
    const int64_t m = std::min(kBlock, n - i);
    for (int64_t k = 0; k < m; k++) e[k] = arg(static_cast<double>(in[i + k]));
    fdlibm::ExpRun(e, e, m);
    finish(in + i, e, out + i, m);
  }
}

// sigmoid of a contiguous run: SigmoidOf(x, exp(-|x|)) in the run's type.
template <typename C>
inline void SigmoidRun(const C* in, C* out, int64_t n) {
  ThroughExp(in, out, n, [](double v) { return -std::abs(v); }, [](const C* x, const double* e, C* o, int64_t m) {
    for (int64_t k = 0; k < m; k++) o[k] = SigmoidOf(x[k], static_cast<C>(e[k]));
  });
}

// out[k] = TanhOf(in[k], e[k]) for k < m.
template <typename C>
inline void TanhFinish(const C* in, const double* e, C* out, int64_t m) {
  for (int64_t k = 0; k < m; k++) out[k] = static_cast<C>(TanhOf(static_cast<double>(in[k]), e[k]));
}
#if defined(TB_GCC_VECTOR)
// The same, four lanes at a time, with TanhOf's operations in its order (so its bits). Written out
// in vector types: GCC keeps the plain loop scalar, moving the division into a branch.
#pragma GCC push_options
#pragma GCC target("avx2")
template <typename C>
void TanhFinishAvx2(const C* in, const double* e, C* out, int64_t m) {
  typedef double V __attribute__((vector_size(32)));
  typedef uint64_t Vu __attribute__((vector_size(32)));
  typedef C Vc __attribute__((vector_size(4 * sizeof(C))));
  constexpr uint64_t kSign = uint64_t{1} << 63;
  int64_t k = 0;
  for (; k + 4 <= m; k += 4) {
    Vc loaded;
    std::memcpy(&loaded, in + k, sizeof loaded);
    const V x = __builtin_convertvector(loaded, V);
    V ek;
    std::memcpy(&ek, e + k, sizeof ek);
    const V zero = {};
    const V a = (V)((Vu)x & ~kSign), z = a * a;
    V p = zero + kTanhPoly[10];
    for (int c = 9; c >= 0; c--) p = p * z + kTanhPoly[c];
    const V small = a + (a * z) * p, large = 1.0 - 2.0 / (ek + 1.0);
    const V r = a < 0.55 ? small : large;
    const Vc y = __builtin_convertvector((V)(((Vu)r & ~kSign) | ((Vu)x & kSign)), Vc);  // copysign(r, x)
    std::memcpy(out + k, &y, sizeof y);
  }
  TanhFinish(in + k, e + k, out + k, m - k);
}
#pragma GCC pop_options
#endif

// tanh of a contiguous run: TanhOf(x, exp(2|x|)).
template <typename C>
inline void TanhRun(const C* in, C* out, int64_t n) {
  void (*finish)(const C*, const double*, C*, int64_t) = TanhFinish<C>;
#if defined(TB_GCC_VECTOR)
  if (SimdLevel() >= Simd::Avx2) finish = TanhFinishAvx2<C>;
#endif
  ThroughExp(in, out, n, [](double v) { return 2.0 * std::abs(v); }, finish);
}

template <typename TO, typename TI>
inline TO Convert(TI v) {
  if constexpr (std::is_integral_v<TO> && !std::is_integral_v<TI>) {
    // Float -> int32 casts (astype): NaN and out-of-range values must not be UB.
    if (!(v == v)) return std::numeric_limits<TO>::min();
    if (v >= 2147483648.0) return std::numeric_limits<TO>::min();
    if (v < -2147483648.0) return std::numeric_limits<TO>::min();
    return static_cast<TO>(v);
  } else {
    return static_cast<TO>(v);
  }
}

// Writes a run through the cache-bypassing path when `stream` is set: values are computed into a
// small L1-resident block, then stored with non-temporal stores. A fresh multi-megabyte output is
// not in any cache, so a normal store would first read every line from memory (read-for-ownership):
// a third of an add's memory traffic, saved. Outputs the caller passed in (`out`) may be cache-warm
// and take the normal path.
template <typename TO, typename Value>
inline void EmitRun(TO* z, int64_t n, bool stream, Value value) {
#if defined(__SSE2__)
  if (stream) {
    constexpr int64_t kBlock = 256;
    alignas(16) TO tmp[kBlock];
    int64_t i = 0;
    for (; i < n && (reinterpret_cast<uintptr_t>(z + i) & 15) != 0; i++) z[i] = value(i);
    constexpr int64_t kPerVector = 16 / sizeof(TO);
    while (i + kPerVector <= n) {
      const int64_t m = std::min<int64_t>(kBlock, (n - i) / kPerVector * kPerVector);
      for (int64_t k = 0; k < m; k++) tmp[k] = value(i + k);
      for (int64_t k = 0; k < m; k += kPerVector)
        _mm_stream_si128(reinterpret_cast<__m128i*>(z + i + k), _mm_load_si128(reinterpret_cast<const __m128i*>(tmp + k)));
      i += m;
    }
    for (; i < n; i++) z[i] = value(i);
    return;
  }
#endif
  for (int64_t i = 0; i < n; i++) z[i] = value(i);
}

inline void StreamFence() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

template <Binary Op, typename TA, typename TB, typename TO>
void BinaryKernel(const Operand& a, const Operand& b, const Operand& o, const StridedLoop<3>& loop, bool stream) {
  TA* pa = reinterpret_cast<TA*>(a.buf.data);
  TB* pb = reinterpret_cast<TB*>(b.buf.data);
  TO* po = reinterpret_cast<TO*>(o.buf.data);
  const int64_t base[3] = {a.offset, b.offset, o.offset};
  auto run = [&](const int64_t* off, int64_t n, const int64_t* s) {
    const TA* x = pa + off[0];
    const TB* y = pb + off[1];
    TO* z = po + off[2];
    if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
      EmitRun(z, n, stream, [&](int64_t i) { return ApplyBinary<Op, TO>(Convert<TO>(x[i]), Convert<TO>(y[i])); });
    } else if (s[0] == 1 && s[1] == 0 && s[2] == 1) {
      const TO yv = Convert<TO>(*y);
      EmitRun(z, n, stream, [&](int64_t i) { return ApplyBinary<Op, TO>(Convert<TO>(x[i]), yv); });
    } else if (s[0] == 0 && s[1] == 1 && s[2] == 1) {
      const TO xv = Convert<TO>(*x);
      EmitRun(z, n, stream, [&](int64_t i) { return ApplyBinary<Op, TO>(xv, Convert<TO>(y[i])); });
    } else {
      for (int64_t i = 0; i < n; i++)
        z[i * s[2]] = ApplyBinary<Op, TO>(Convert<TO>(x[i * s[0]]), Convert<TO>(y[i * s[1]]));
    }
  };
  ParallelFor(loop.size, kParallelGrain, [&](int64_t begin, int64_t end) {
    loop.ForRange(begin, end, base, run);
    if (stream) StreamFence();
  });
}

template <Unary Op, typename TI, typename TO>
void UnaryKernel(const Operand& a, const Operand& o, const StridedLoop<2>& loop, double lo, double hi, bool stream) {
  TI* pa = reinterpret_cast<TI*>(a.buf.data);
  TO* po = reinterpret_cast<TO*>(o.buf.data);
  const TO clo = Convert<TO>(lo), chi = Convert<TO>(hi);
  if (loop.ndim == 2 && loop.strides[0][0] == 1 && loop.strides[0][1] != 1 && loop.strides[1][1] == 1) {
    // A transposing pass (the input walks down columns): tile by tile, so that the columns read
    // stay in cache while each output row segment is written whole, and, into a fresh output,
    // with cache-bypassing stores (see EmitRun): writing the tile column by column instead left
    // a 2000 x 2000 copy at 9.2 ms against 6.7 ms for an add walking the same input.
    constexpr int64_t kTile = 32;
    const int64_t rows = loop.shape[0], cols = loop.shape[1];
    const int64_t sa = loop.strides[0][1], so = loop.strides[1][0];
    const TI* x = pa + a.offset;
    TO* z = po + o.offset;
    const int64_t tiles = (rows + kTile - 1) / kTile;
    ParallelFor(tiles, std::max<int64_t>(1, kParallelGrain / (kTile * std::max<int64_t>(cols, 1))), [&](int64_t tb, int64_t te) {
      for (int64_t i0 = tb * kTile; i0 < std::min(rows, te * kTile); i0 += kTile) {
        const int64_t i1 = std::min(rows, i0 + kTile);
        for (int64_t j0 = 0; j0 < cols; j0 += kTile) {
          const int64_t j1 = std::min(cols, j0 + kTile);
          for (int64_t i = i0; i < i1; i++) {
            const TI* xi = x + i + j0 * sa;
            EmitRun(z + i * so + j0, j1 - j0, stream, [&](int64_t k) { return ApplyUnary<Op, TO>(Convert<TO>(xi[k * sa]), clo, chi); });
          }
        }
      }
      if (stream) StreamFence();
    });
    return;
  }
  const int64_t base[2] = {a.offset, o.offset};
  auto run = [&](const int64_t* off, int64_t n, const int64_t* s) {
    const TI* x = pa + off[0];
    TO* z = po + off[1];
    if (s[0] == 1 && s[1] == 1) {
      if constexpr (std::is_same_v<TI, TO> && std::is_floating_point_v<TO>) {
        if constexpr (Op == Unary::Exp) return fdlibm::ExpRun(x, z, n);
        if constexpr (Op == Unary::Sigmoid) return SigmoidRun(x, z, n);
        if constexpr (Op == Unary::Tanh) return TanhRun(x, z, n);
      }
      for (int64_t i = 0; i < n; i++) z[i] = ApplyUnary<Op, TO>(Convert<TO>(x[i]), clo, chi);
    } else {
      for (int64_t i = 0; i < n; i++) z[i * s[1]] = ApplyUnary<Op, TO>(Convert<TO>(x[i * s[0]]), clo, chi);
    }
  };
  ParallelFor(loop.size, kParallelGrain, [&](int64_t begin, int64_t end) { loop.ForRange(begin, end, base, run); });
}

template <Binary Op>
void DispatchBinaryTypes(const Operand& a, const Operand& b, const Operand& o, const StridedLoop<3>& loop, bool stream) {
  VisitDType(a.buf.dtype, [&](auto ta) {
    VisitDType(b.buf.dtype, [&](auto tb) {
      VisitDType(o.buf.dtype, [&](auto to) {
        BinaryKernel<Op, decltype(ta), decltype(tb), decltype(to)>(a, b, o, loop, stream);
      });
    });
  });
}

template <Unary Op>
void DispatchUnaryTypes(const Operand& a, const Operand& o, const StridedLoop<2>& loop, double lo, double hi, bool stream) {
  VisitDType(a.buf.dtype, [&](auto ti) {
    VisitDType(o.buf.dtype, [&](auto to) { UnaryKernel<Op, decltype(ti), decltype(to)>(a, o, loop, lo, hi, stream); });
  });
}

template <int I = 0>
void DispatchBinary(int op, const Operand& a, const Operand& b, const Operand& o, const StridedLoop<3>& loop, bool stream) {
  if constexpr (I < static_cast<int>(Binary::Count)) {
    if (op == I) return DispatchBinaryTypes<static_cast<Binary>(I)>(a, b, o, loop, stream);
    return DispatchBinary<I + 1>(op, a, b, o, loop, stream);
  }
}

template <int I = 0>
void DispatchUnary(int op, const Operand& a, const Operand& o, const StridedLoop<2>& loop, double lo, double hi, bool stream) {
  if constexpr (I < static_cast<int>(Unary::Count)) {
    if (op == I) return DispatchUnaryTypes<static_cast<Unary>(I)>(a, o, loop, lo, hi, stream);
    return DispatchUnary<I + 1>(op, a, o, loop, lo, hi, stream);
  }
}

// True when some element of an int32 operand is negative (int pow with a negative exponent).
bool AnyNegative(const Operand& op, int64_t ndim, const int64_t* shape) {
  const Operand* ops[1] = {&op};
  StridedLoop<1> loop(ndim, shape, ops);
  bool found = false;
  const int32_t* p = reinterpret_cast<const int32_t*>(op.buf.data);
  const int64_t base[1] = {op.offset};
  loop.ForRange(0, loop.size, base, [&](const int64_t* off, int64_t n, const int64_t* s) {
    for (int64_t i = 0; i < n; i++) found |= p[off[0] + i * s[0]] < 0;
  });
  return found;
}

// Fresh outputs at least this large are written with non-temporal stores (about the L2 size of
// common cores: below it, the output is likely still cached when the caller reads it).
constexpr int64_t kStreamMinBytes = int64_t{1} << 21;

// binary(op, a, b, out, fresh) with meta = [a, b, out dtypes, ndim, shape..., a layout, b layout, out layout]
// where a layout is [offset, strides...] already broadcast to `shape`.
Napi::Value BinaryOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op;
  Operand a, b, o;
  Meta meta;
  int64_t ndim, shape[kMaxDims];
  DType da, db, dout;
  if (!ArgInt(env, info[0], "op", 0, static_cast<int64_t>(Binary::Count) - 1, &op) || !meta.Init(env) ||
      !meta.Kind(&da) || !meta.Kind(&db) || !meta.Kind(&dout) || !GetOperandBuffer(env, info[1], da, "a", &a.buf) ||
      !GetOperandBuffer(env, info[2], db, "b", &b.buf) || !GetOperandBuffer(env, info[3], dout, "out", &o.buf) || !meta.Dims(&ndim) ||
      !meta.Shape(ndim, shape) || !meta.Layout(ndim, &a) || !meta.Layout(ndim, &b) || !meta.Layout(ndim, &o) ||
      !CheckBounds(env, "a", ndim, shape, a) || !CheckBounds(env, "b", ndim, shape, b) ||
      !CheckBounds(env, "out", ndim, shape, o))
    return env.Undefined();
  if (ShapeSize(ndim, shape) < 0) {
    ThrowRange(env, "shape is too large");
    return env.Undefined();
  }
  if (o.buf.dtype == DType::Int32 && op == static_cast<int64_t>(Binary::Div)) {
    ThrowType(env, "div needs a float output");
    return env.Undefined();
  }
  if (o.buf.dtype == DType::Int32 && op == static_cast<int64_t>(Binary::Pow) && b.buf.dtype == DType::Int32 &&
      AnyNegative(b, ndim, shape)) {
    ThrowRange(env, "Integers to negative integer powers are not allowed.");
    return env.Undefined();
  }
  const Operand* ops[3] = {&a, &b, &o};
  StridedLoop<3> loop(ndim, shape, ops);
  // info[4]: the output is fresh (allocated for this call); large fresh outputs bypass the cache.
  const bool fresh = info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
  DispatchBinary(static_cast<int>(op), a, b, o, loop, fresh && loop.size * ItemSize(o.buf.dtype) >= kStreamMinBytes);
  return env.Undefined();
}

// unary(op, a, out, lo, hi, fresh) with meta = [a, out dtypes, ndim, shape..., a layout, out layout]; lo/hi for clip.
Napi::Value UnaryOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op;
  Operand a, o;
  Meta meta;
  int64_t ndim, shape[kMaxDims];
  DType da, dout;
  if (!ArgInt(env, info[0], "op", 0, static_cast<int64_t>(Unary::Count) - 1, &op) || !meta.Init(env) ||
      !meta.Kind(&da) || !meta.Kind(&dout) || !GetOperandBuffer(env, info[1], da, "a", &a.buf) ||
      !GetOperandBuffer(env, info[2], dout, "out", &o.buf) || !meta.Dims(&ndim) || !meta.Shape(ndim, shape) || !meta.Layout(ndim, &a) ||
      !meta.Layout(ndim, &o) || !CheckBounds(env, "a", ndim, shape, a) || !CheckBounds(env, "out", ndim, shape, o))
    return env.Undefined();
  if (ShapeSize(ndim, shape) < 0) {
    ThrowRange(env, "shape is too large");
    return env.Undefined();
  }
  // lo/hi: clip's bounds, read only for clip (each read is two N-API calls on every small op).
  double lo = 0, hi = 0;
  if (op == static_cast<int64_t>(Unary::Clip)) {
    lo = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
    hi = info[4].IsNumber() ? info[4].As<Napi::Number>().DoubleValue() : 0;
  }
  const Operand* ops[2] = {&a, &o};
  StridedLoop<2> loop(ndim, shape, ops);
  // info[5]: the output is fresh (allocated for this call), as for binary.
  const bool fresh = info.Length() > 5 && info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();
  DispatchUnary(static_cast<int>(op), a, o, loop, lo, hi, fresh && loop.size * ItemSize(o.buf.dtype) >= kStreamMinBytes);
  return env.Undefined();
}

}  // namespace

void InitElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, BinaryOp, "binary"));
  exports.Set("unary", Napi::Function::New(env, UnaryOp, "unary"));
}

}  // namespace tb
