// Shared machinery of the LAPACK families, shaped like NumPy's umath_linalg gufuncs: each call
// walks the stacked batch dimensions in C++, queries the workspace once (lwork = -1), reuses it for
// every matrix, and reports LAPACK's `info` as a LinAlgError with the contract's code.
//
// Layout: LAPACK is column-major. A C-contiguous matrix read as column-major is its transpose,
// which each family exploits where the math allows (det(A^T) = det(A), a symmetric A is its own
// transpose, svd(A^T) swaps U and V), so the one copy LAPACK forces on its overwritten input is a
// straight sequential copy. Outputs that LAPACK can write in place are allocated by JS in the
// layout LAPACK produces (their strides say so), so results are not copied again.
#pragma once

#include <lapacke.h>
#include <napi.h>

#include <algorithm>
#include <initializer_list>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "../check.h"
#include "../async.h"
#include "../nditer.h"

namespace tb {

// A stack of matrices: batch dims shared by every operand of a call, then rows x cols with strides.
struct MatrixOperand {
  Operand op;  // op.strides: batch strides, then the row stride, then the column stride
  int64_t rows = 0, cols = 0;
  int64_t rs() const { return op.strides[nb]; }
  int64_t cs() const { return op.strides[nb + 1]; }
  int64_t nb = 0;
};

// Reads [rows, cols, offset, batch strides..., row stride, col stride] and checks the bounds.
inline bool ReadMatrix(Napi::Env env, Meta& meta, const char* what, const Napi::Value& array, int64_t nb,
                       const int64_t* batch, MatrixOperand* m) {
  m->nb = nb;
  int64_t shape[kMaxDims + 2];
  if (!GetBuffer(env, array, what, &m->op.buf) || !meta.Next(0, INT32_MAX, &m->rows) ||
      !meta.Next(0, INT32_MAX, &m->cols) || !meta.Layout(nb + 2, &m->op))
    return false;
  for (int64_t i = 0; i < nb; i++) shape[i] = batch[i];
  shape[nb] = m->rows;
  shape[nb + 1] = m->cols;
  return CheckBounds(env, what, nb + 2, shape, m->op);
}

// Reads [nb, batch...] shared by the operands of one call.
inline bool ReadBatch(Napi::Env env, Meta& meta, int64_t* nb, int64_t* batch) {
  if (!meta.Next(0, kMaxDims - 2, nb) || !meta.Shape(*nb, batch)) return false;
  if (ShapeSize(*nb, batch) < 0) {
    ThrowRange(env, "batch shape is too large");
    return false;
  }
  return true;
}

// LAPACK runs in float32 or float64; lib/ promotes int32 before calling.
inline bool SameFloatDType(Napi::Env env, std::initializer_list<const MatrixOperand*> ms) {
  DType d = (*ms.begin())->op.buf.dtype;
  for (auto* m : ms)
    if (m->op.buf.dtype != d || d == DType::Int32) {
      ThrowType(env, "LAPACK operands must share one float dtype");
      return false;
    }
  return true;
}

// Calls fn(offsets[K]) with the element offset of each operand's matrix, for every batch index.
template <int K, typename Fn>
void ForEachMatrix(int64_t nb, const int64_t* batch, const MatrixOperand* const* ms, Fn&& fn) {
  const Operand* ops[K];
  for (int k = 0; k < K; k++) ops[k] = &ms[k]->op;
  StridedLoop<K> loop(nb, batch, ops);
  int64_t base[K];
  for (int k = 0; k < K; k++) base[k] = ms[k]->op.offset;
  loop.ForRange(0, loop.size, base, [&](const int64_t* off, int64_t n, const int64_t* s) {
    int64_t o[K];
    for (int64_t i = 0; i < n; i++) {
      for (int k = 0; k < K; k++) o[k] = off[k] + i * s[k];
      fn(static_cast<const int64_t*>(o));
    }
  });
}

// Copies a rows x cols matrix between strided layouts (strides in elements): one memmove per
// column when both have contiguous columns (memmove, because factoring in place copies a matrix
// onto itself), otherwise in 64x64 tiles, so a transposing copy reads and writes within cache.
template <typename T>
void CopyMatrix(const T* src, int64_t srs, int64_t scs, T* dst, int64_t drs, int64_t dcs, int64_t rows, int64_t cols) {
  if (rows <= 1 || (srs == 1 && drs == 1)) {
    for (int64_t j = 0; j < cols; j++) std::memmove(dst + j * dcs, src + j * scs, sizeof(T) * static_cast<size_t>(rows));
    return;
  }
  constexpr int64_t kTile = 64;
  for (int64_t j0 = 0; j0 < cols; j0 += kTile) {
    const int64_t j1 = std::min(cols, j0 + kTile);
    for (int64_t i0 = 0; i0 < rows; i0 += kTile) {
      const int64_t i1 = std::min(rows, i0 + kTile);
      for (int64_t j = j0; j < j1; j++)
        for (int64_t i = i0; i < i1; i++) dst[i * drs + j * dcs] = src[i * srs + j * scs];
    }
  }
}

// Copies a strided rows x cols matrix into column-major dst with leading dimension ld.
template <typename T>
void ToColumnMajor(const T* src, int64_t rows, int64_t cols, int64_t rs, int64_t cs, T* dst, int64_t ld) {
  CopyMatrix(src, rs, cs, dst, 1, ld, rows, cols);
}

// Copies column-major src (leading dimension ld) out to a strided rows x cols matrix.
template <typename T>
void FromColumnMajor(const T* src, int64_t ld, int64_t rows, int64_t cols, T* dst, int64_t rs, int64_t cs) {
  CopyMatrix(src, 1, ld, dst, rs, cs, rows, cols);
}

// getrf (LU with partial pivoting), used by solve and by lu/det/slogdet.
inline lapack_int Getrf(lapack_int m, lapack_int n, double* a, lapack_int lda, lapack_int* ipiv) {
  return LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, m, n, a, lda, ipiv);
}
inline lapack_int Getrf(lapack_int m, lapack_int n, float* a, lapack_int lda, lapack_int* ipiv) {
  return LAPACKE_sgetrf_work(LAPACK_COL_MAJOR, m, n, a, lda, ipiv);
}

// Whether a strided output matrix already is column-major with a usable leading dimension, so
// LAPACK can write into it directly.
inline bool IsColumnMajor(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  // The leading dimension must also fit LAPACK's int (a caller's out may have any stride).
  return (rows <= 1 || rs == 1) && (cols <= 1 || (cs >= std::max<int64_t>(rows, 1) && cs <= INT32_MAX));
}

// True when every element of a strided matrix is finite (LAPACK's iterative routines may spin or
// return garbage on NaN/Inf; NumPy reports those as convergence failures).
template <typename T>
bool AllFinite(const T* p, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) {
      T v = p[i * rs + j * cs];
      if (!(v - v == 0)) return false;
    }
  return true;
}

// lwork from a workspace query's answer (LAPACK returns it as a floating-point value).
template <typename T>
inline lapack_int WorkSize(T query) {
  double q = static_cast<double>(query);
  // Round up: float32 cannot represent every integer exactly (see LAPACK's sroundup_lwork).
  return static_cast<lapack_int>(q * (1 + 1e-6)) + 1;
}

// The leading dimension LAPACK writes a rows x cols result with: the output's own column stride
// when it writes straight into a column-major output (IsColumnMajor), else the scratch's `rows`.
inline int64_t ResultLd(bool direct, int64_t rows, int64_t cols, int64_t cs) {
  return direct ? std::max<int64_t>(rows, cols > 1 ? cs : rows) : rows;
}

// LAPACK's info as the outcome of one call: < 0 is an illegal argument (a bug of ours, named by
// routine), > 0 the routine's own failure, reported as `code` (SINGULAR, NO_CONVERGENCE...) unless
// the caller passes none because info > 0 is not a failure for it. False when the call failed.
inline bool LapackSucceeded(WorkStatus& st, lapack_int info, const char* routine, const char* code = nullptr,
                            const char* message = nullptr) {
  if (info < 0) {
    st.Fail(nullptr, std::string(routine) + ": illegal argument " + std::to_string(-info));
    return false;
  }
  if (info > 0 && code) {
    st.Fail(code, message);
    return false;
  }
  return true;
}

// OpenBLAS threads LAPACK's internals even for small matrices, where handing work to a second
// thread costs more than it saves. Measured here with the C++ reference (1 vs 2 threads): eigh
// 128 1.31 vs 1.45 ms, qr 128 0.55 vs 0.72 ms, eig 128 9.4 vs 13.8 ms, solve 128 0.09 vs 0.11 ms,
// cholesky 256 0.20 vs 0.54 ms; from about 192 (cholesky: 384) on, two threads break even or
// win. So a call whose matrices have rows*cols*min(rows, cols) below kSmallOrder^3 runs
// single-threaded, if SmallWorkBegin allows: OpenBLAS's count is global, so only while no async
// call is in flight (an async call has begun its own by the time it runs, so it never qualifies).
constexpr int64_t kSmallOrder = 192;

class SmallProblemScope {
 public:
  SmallProblemScope(const MatrixOperand& a, int64_t smallOrder) {
    const double order = static_cast<double>(smallOrder);
    small_ = static_cast<double>(a.rows) * a.cols * std::min(a.rows, a.cols) < order * order * order && SmallWorkBegin();
  }
  ~SmallProblemScope() {
    if (small_) SmallWorkEnd();
  }
  SmallProblemScope(const SmallProblemScope&) = delete;
  SmallProblemScope& operator=(const SmallProblemScope&) = delete;

 private:
  bool small_;
};

// The tail every family's entry point shares: run the stack for the main operand's float type,
// now (raising LAPACK's failure as LinAlgError) or, for the Async twin, on the libuv pool
// (returning a promise), single-threaded when each matrix is small (see kSmallOrder). fn(T{},
// status) runs the family for element type T; it captures its operands by value.
template <typename Fn>
Napi::Value RunStack(const Napi::CallbackInfo& info, bool async, const MatrixOperand& main, Fn fn,
                     int64_t smallOrder = kSmallOrder) {
  const DType dtype = main.op.buf.dtype;
  return RunWork(info, async, [fn, dtype, main, smallOrder](WorkStatus& st) mutable {
    SmallProblemScope threads(main, smallOrder);
    if (dtype == DType::Float64) fn(double{}, st);
    else fn(float{}, st);
  });
}

}  // namespace tb
