// exp for float64: fdlibm's algorithm (as in FreeBSD's e_exp.c and V8's src/base/ieee754.cc, the
// Math.exp of Node.js), in a scalar form and a vector form that give the same bits for every input.
// Error below 1 ulp. Why our own: glibc's exp is scalar (~4.4 ns an element here) where NumPy's is
// vectorised, and having Math.exp's exact results lets lib/ compute small arrays in JS with the same
// bits as this code (it checks that at run time before doing so). float32 runs through the same
// code in double, rounded once to float.
//
// The algorithm and its constants are from fdlibm:
//   Copyright (C) 2004 by Sun Microsystems, Inc. All rights reserved.
//   Permission to use, copy, modify, and distribute this software is freely granted, provided that
//   this notice is preserved.
//
// Only IEEE operations (+ - * / in double, compares, integer bit moves, rounding to an integer,
// conversions between float and double), evaluated in the written order (the addon is built with
// -ffp-contract=off), so the lanes agree with the scalar code whatever instruction set the
// compiler picks.
#ifndef TB_EXP_H_
#define TB_EXP_H_

#include <cstdint>
#include <cstring>

#include "simd.h"

namespace tb {
namespace fdlibm {

inline uint64_t Bits(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}
inline double FromBits(uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

constexpr double kHuge = 1.0e+300;
constexpr double kOverflow = 7.09782712893383973096e+02;    // above: +inf
constexpr double kUnderflow = -7.45133219101941108420e+02;  // below: 0
constexpr double kLn2Hi = 6.93147180369123816490e-01;       // ln 2, its high 32 bits (k * kLn2Hi is exact)
constexpr double kLn2Lo = 1.90821492927058770002e-10;       // ln 2 - kLn2Hi
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kP1 = 1.66666666666666019037e-01, kP2 = -2.77777777770155933842e-03, kP3 = 6.61375632143793436117e-05,
                 kP4 = -1.65339022054652515390e-06, kP5 = 4.13813679705723846039e-08;
constexpr double kTwoM1000 = 9.33263618503218878990e-302;  // 2^-1000
constexpr double kTwo1023 = 8.98846567431157953865e+307;
constexpr double kE = 2.718281828459045;  // V8 returns it for exp(1), where the algorithm is one bit off

// |x|'s high word bounds: 0.5 ln 2, 1.5 ln 2, 2^-28, 709.78 (where overflow begins), infinity.
constexpr uint32_t kHalfLn2 = 0x3fd62e42, kThreeHalvesLn2 = 0x3ff0a2b2, kTiny = 0x3e300000, kLarge = 0x40862e42,
                   kInfHigh = 0x7ff00000;
// 708: below it in magnitude, k stays within +-1021 and 2^k is one normal double (the vector
// loop's common case).
constexpr uint32_t kCommonHigh = 0x40862000;

inline double Exp(double x) {
  const uint64_t bits = Bits(x);
  const int sign = static_cast<int>(bits >> 63);
  const uint32_t hx = static_cast<uint32_t>(bits >> 32) & 0x7fffffff;
  if (hx >= kLarge) {
    if (hx >= kInfHigh) {
      if (((hx & 0xfffff) | static_cast<uint32_t>(bits)) != 0) return x + x;  // NaN
      return sign == 0 ? x : 0.0;                                              // exp(+-inf)
    }
    if (x > kOverflow) return kHuge * kHuge;
    if (x < kUnderflow) return kTwoM1000 * kTwoM1000;
  }
  // x = k ln2 + r, |r| <= 0.5 ln2, with r carried as hi - lo.
  double hi = 0, lo = 0;
  int k = 0;
  if (hx > kHalfLn2) {
    if (hx < kThreeHalvesLn2) {
      if (x == 1.0) return kE;
      k = 1 - sign - sign;
    } else {
      k = static_cast<int>(kInvLn2 * x + (sign ? -0.5 : 0.5));
    }
    const double t = k;
    hi = x - t * kLn2Hi;
    lo = t * kLn2Lo;
    x = hi - lo;
  } else if (hx < kTiny) {
    return 1.0 + x;
  }
  const double t = x * x;
  const double c = x - t * (kP1 + t * (kP2 + t * (kP3 + t * (kP4 + t * kP5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * kTwo1023;
    return y * FromBits(static_cast<uint64_t>(0x3ff + k) << 52);
  }
  return y * FromBits(static_cast<uint64_t>(0x3ff + k + 1000) << 52) * kTwoM1000;
}

#if defined(TB_GCC_VECTOR)
// Vector forms need 64-bit integer compares and blends (AVX2: 4 lanes, AVX-512: 8). With SSE2
// alone the compiler splits them into scalar code, slower than the scalar loop.
#pragma GCC push_options
#pragma GCC target("avx2")
#define TB_EXP_LANES 4
#define TB_EXP_NAME ExpRunAvx2
#define TB_EXP_T double
#include "exp_lanes.inc"
#undef TB_EXP_T
#define TB_EXP_T float
#include "exp_lanes.inc"
#undef TB_EXP_T
#undef TB_EXP_LANES
#undef TB_EXP_NAME
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f")
#define TB_EXP_LANES 8
#define TB_EXP_NAME ExpRunAvx512
#define TB_EXP_T double
#include "exp_lanes.inc"
#undef TB_EXP_T
#define TB_EXP_T float
#include "exp_lanes.inc"
#undef TB_EXP_T
#undef TB_EXP_LANES
#undef TB_EXP_NAME
#pragma GCC pop_options
#endif

// out[i] = Exp(in[i]) for i < n: 8 lanes with AVX-512, 4 with AVX2, else one at a time; the same
// bits either way. float elements are computed in double and rounded once to float. (1e6 float64
// elements in 2^-28 <= |x| < 708, one thread, here: 1.1 ms with AVX-512, 1.9 ms with AVX2, 4.1 ms
// scalar; glibc's exp 5.2 ms, NumPy's AVX-512 exp 0.83 ms.)
template <typename T>
inline void ExpRun(const T* in, T* out, int64_t n) {
#if defined(TB_GCC_VECTOR)
  const Simd level = SimdLevel();
  if (level == Simd::Avx512) return ExpRunAvx512(in, out, n);
  if (level == Simd::Avx2) return ExpRunAvx2(in, out, n);
#endif
  for (int64_t i = 0; i < n; i++) out[i] = static_cast<T>(Exp(in[i]));
}

}  // namespace fdlibm
}  // namespace tb

#endif  // TB_EXP_H_
