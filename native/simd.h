// Which vector instruction set the loops with hand-vectorised forms (exp and the sigmoid and tanh
// built on it, the euclidean epilogue of cdist, the max/min scan of reductions) may use, decided
// once at run time so that one binary serves every x86-64 machine.
#ifndef TB_SIMD_H_
#define TB_SIMD_H_

#include <cstdlib>
#include <cstring>

// GCC and clang (which defines __GNUC__ too) take target attributes and __builtin_cpu_supports.
// MSVC and clang-cl do not define __GNUC__: their builds (Windows) run the scalar loops.
#if defined(__x86_64__) && defined(__GNUC__)
#define TB_SIMD_X86 1
#endif

// Loops written in GCC vector extensions and compiled under `#pragma GCC target` (exp, tanh, the
// reduction scan): GCC 9 or later on x86-64 (__builtin_convertvector; clang takes no `#pragma GCC
// target`). Every other build runs their scalar loops.
#if defined(TB_SIMD_X86) && !defined(__clang__) && __GNUC__ >= 9
#define TB_GCC_VECTOR 1
#include <immintrin.h>
#endif

namespace tb {

enum class Simd : int { Scalar = 0, Avx2 = 1, Avx512 = 2 };

// The best this CPU has. TENSORBLAS_ISA=avx2 or =scalar lowers it, so that the tests can check each
// path this machine has against the others (they must give the same bits).
inline Simd SimdLevel() {
#if defined(TB_SIMD_X86)
  static const Simd level = [] {
    Simd best = __builtin_cpu_supports("avx512f") ? Simd::Avx512 : __builtin_cpu_supports("avx2") ? Simd::Avx2 : Simd::Scalar;
    if (const char* cap = std::getenv("TENSORBLAS_ISA")) {
      if (std::strcmp(cap, "scalar") == 0) best = Simd::Scalar;
      if (std::strcmp(cap, "avx2") == 0 && best > Simd::Avx2) best = Simd::Avx2;
    }
    return best;
  }();
  return level;
#else
  return Simd::Scalar;
#endif
}

}  // namespace tb

#endif  // TB_SIMD_H_
