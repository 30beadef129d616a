// potrf: cholesky(a, upper). Like NumPy, only one triangle of the input is read: the lower one, or
// the upper one for the upper factor.
#include "common.h"

namespace tb {
namespace {

inline lapack_int Potrf(char uplo, lapack_int n, double* a, lapack_int lda) {
  return LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, uplo, n, a, lda);
}
inline lapack_int Potrf(char uplo, lapack_int n, float* a, lapack_int lda) {
  return LAPACKE_spotrf_work(LAPACK_COL_MAJOR, uplo, n, a, lda);
}

// The input is copied as its transpose (a straight copy for C order), so its lower triangle is the
// buffer's upper one: potrf('U') gives A = U^T U there, and that U in column-major order is L = U^T
// in row-major order. A row-major `out` therefore receives the factor in place.
template <typename T>
void CholeskyStack(const MatrixOperand& a, const MatrixOperand& out, bool upper, int64_t nb, const int64_t* batch,
                   WorkStatus& st) {
  const int64_t n = a.rows;
  const bool direct = IsColumnMajor(n, n, out.cs(), out.rs());
  std::vector<T> scratch(direct ? 0 : static_cast<size_t>(std::max<int64_t>(1, n * n)));
  const MatrixOperand* ms[2] = {&a, &out};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* po = reinterpret_cast<T*>(out.op.buf.data);
  const char uplo = upper ? 'L' : 'U';  // of the transposed buffer
  ForEachMatrix<2>(nb, batch, ms, [&](const int64_t* off) {
    if (!st.ok || n == 0) return;
    T* buf = direct ? po + off[1] : scratch.data();
    const int64_t ld = ResultLd(direct, n, n, out.rs());
    // Upper factor (NumPy reads the upper triangle then): A's upper triangle is the buffer's lower
    // one, potrf('L') gives A = L L^T, and that L in column-major order is U = L^T in row-major.
    ToColumnMajor(pa + off[0], n, n, a.cs(), a.rs(), buf, ld);
    lapack_int info = Potrf(uplo, static_cast<lapack_int>(n), buf, static_cast<lapack_int>(ld));
    if (!LapackSucceeded(st, info, "potrf", "NOT_POSITIVE_DEFINITE", "Matrix is not positive definite")) return;
    // Zero the other triangle (potrf leaves the input there), a run per column.
    for (int64_t j = 0; j < n; j++) {
      T* column = buf + j * ld;
      if (uplo == 'U') std::memset(column + j + 1, 0, sizeof(T) * static_cast<size_t>(n - j - 1));
      else std::memset(column, 0, sizeof(T) * static_cast<size_t>(j));
    }
    if (!direct) FromColumnMajor(buf, n, n, n, po + off[1], out.cs(), out.rs());
  });
}

// cholesky(a, out, upper) with meta = [nb, batch..., a (n x n), out (n x n)]
template <bool Async>
Napi::Value Cholesky(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, out;
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "out", info[1], nb, batch, &out) || !SameFloatDType(env, {&a, &out}))
    return env.Undefined();
  if (ShapeMismatch(env, a.rows != a.cols || out.rows != a.rows || out.cols != a.cols, "cholesky")) return env.Undefined();
  const bool upper = info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
  // potrf's threaded path loses to one thread up to about 384 here (256: 0.20 vs 0.54 ms).
  constexpr int64_t kCholeskySmallOrder = 384;
  return RunStack(
      info, Async, a, [=](auto t, WorkStatus& st) { CholeskyStack<decltype(t)>(a, out, upper, nb, batch, st); }, kCholeskySmallOrder);
}

}  // namespace

void InitLapackCholesky(Napi::Env env, Napi::Object exports) {
  ExportTwins<Cholesky<false>, Cholesky<true>>(env, exports, "cholesky");
}

}  // namespace tb
