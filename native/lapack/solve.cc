// solve(a, b) (getrf + getrs on the transposed copy) and inv(a) (gesv against the identity).
#include "common.h"

namespace tb {
namespace {

inline lapack_int Gesv(lapack_int n, lapack_int nrhs, double* a, lapack_int lda, lapack_int* ipiv, double* b,
                       lapack_int ldb) {
  return LAPACKE_dgesv_work(LAPACK_COL_MAJOR, n, nrhs, a, lda, ipiv, b, ldb);
}
inline lapack_int Gesv(lapack_int n, lapack_int nrhs, float* a, lapack_int lda, lapack_int* ipiv, float* b,
                       lapack_int ldb) {
  return LAPACKE_sgesv_work(LAPACK_COL_MAJOR, n, nrhs, a, lda, ipiv, b, ldb);
}

inline lapack_int GetrsT(lapack_int n, lapack_int nrhs, const double* a, const lapack_int* ipiv, double* b, lapack_int ldb) {
  return LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, 'T', n, nrhs, a, n, ipiv, b, ldb);
}
inline lapack_int GetrsT(lapack_int n, lapack_int nrhs, const float* a, const lapack_int* ipiv, float* b, lapack_int ldb) {
  return LAPACKE_sgetrs_work(LAPACK_COL_MAJOR, 'T', n, nrhs, a, n, ipiv, b, ldb);
}

// solve: A X = B for each matrix of the stack. A is copied as its transpose (a straight, sequential
// copy for C-ordered input, where a column-major copy of A would stride through memory), factored
// as A^T = P L U, and getrs('T') solves (A^T)^T X = B: gesv's work without its transposing copy.
// X is written straight into `out` when out is column-major (lib/ allocates it so).
template <typename T>
void SolveStack(const MatrixOperand& a, const MatrixOperand& b, const MatrixOperand& x, int64_t nb, const int64_t* batch,
                WorkStatus& st) {
  const int64_t n = a.rows, k = b.cols;
  std::vector<T> lu(static_cast<size_t>(std::max<int64_t>(1, n * n)));
  std::vector<lapack_int> ipiv(static_cast<size_t>(std::max<int64_t>(1, n)));
  const bool direct = IsColumnMajor(n, k, x.rs(), x.cs());
  std::vector<T> rhs(direct ? 0 : static_cast<size_t>(std::max<int64_t>(1, n * k)));
  const MatrixOperand* ms[3] = {&a, &b, &x};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* pb = reinterpret_cast<T*>(b.op.buf.data);
  T* px = reinterpret_cast<T*>(x.op.buf.data);
  ForEachMatrix<3>(nb, batch, ms, [&](const int64_t* off) {
    if (!st.ok || n == 0 || k == 0) return;
    ToColumnMajor(pa + off[0], n, n, a.cs(), a.rs(), lu.data(), n);  // A^T, column-major
    const lapack_int ln = static_cast<lapack_int>(n);
    lapack_int info = Getrf(ln, ln, lu.data(), ln, ipiv.data());
    if (!LapackSucceeded(st, info, "getrf", "SINGULAR", "Singular matrix")) return;
    T* dst = direct ? px + off[2] : rhs.data();
    const int64_t ld = ResultLd(direct, n, k, x.cs());
    ToColumnMajor(pb + off[1], n, k, b.rs(), b.cs(), dst, ld);
    info = GetrsT(static_cast<lapack_int>(n), static_cast<lapack_int>(k), lu.data(), ipiv.data(), dst, static_cast<lapack_int>(ld));
    if (!LapackSucceeded(st, info, "getrs")) return;
    if (!direct) FromColumnMajor(dst, n, n, k, px + off[2], x.rs(), x.cs());
  });
}

// inv: A^{-1}. The input is copied as its transpose (a straight copy for C-ordered input) and the
// identity solved against it: inv(A^T) in column-major order is inv(A) in row-major order, so a
// row-major `out` receives the result in place.
template <typename T>
void InvStack(const MatrixOperand& a, const MatrixOperand& x, int64_t nb, const int64_t* batch, WorkStatus& st) {
  const int64_t n = a.rows;
  std::vector<T> lu(static_cast<size_t>(std::max<int64_t>(1, n * n)));
  std::vector<lapack_int> ipiv(static_cast<size_t>(std::max<int64_t>(1, n)));
  // out viewed as the column-major transpose: row-major with row stride >= n.
  const bool direct = IsColumnMajor(n, n, x.cs(), x.rs());
  std::vector<T> scratch(direct ? 0 : static_cast<size_t>(std::max<int64_t>(1, n * n)));
  const MatrixOperand* ms[2] = {&a, &x};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* px = reinterpret_cast<T*>(x.op.buf.data);
  ForEachMatrix<2>(nb, batch, ms, [&](const int64_t* off) {
    if (!st.ok || n == 0) return;
    ToColumnMajor(pa + off[0], n, n, a.cs(), a.rs(), lu.data(), n);  // A^T, column-major
    T* dst = direct ? px + off[1] : scratch.data();
    const int64_t ld = ResultLd(direct, n, n, x.rs());
    for (int64_t j = 0; j < n; j++)
      for (int64_t i = 0; i < n; i++) dst[i + j * ld] = i == j ? T(1) : T(0);
    lapack_int info = Gesv(static_cast<lapack_int>(n), static_cast<lapack_int>(n), lu.data(), static_cast<lapack_int>(n),
                           ipiv.data(), dst, static_cast<lapack_int>(ld));
    if (LapackSucceeded(st, info, "gesv", "SINGULAR", "Singular matrix") && !direct)
      FromColumnMajor(dst, n, n, n, px + off[1], x.cs(), x.rs());  // transpose back
  });
}

// solve(a, b, x) with meta = [nb, batch..., a (n x n), b (n x k), x (n x k)]
template <bool Async>
Napi::Value Solve(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, b, x;
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "b", info[1], nb, batch, &b) || !ReadMatrix(env, meta, "x", info[2], nb, batch, &x) ||
      !SameFloatDType(env, {&a, &b, &x}))
    return env.Undefined();
  if (ShapeMismatch(env, a.rows != a.cols || b.rows != a.rows || x.rows != b.rows || x.cols != b.cols, "solve"))
    return env.Undefined();
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) { SolveStack<decltype(t)>(a, b, x, nb, batch, st); });
}

// inv(a, x) with meta = [nb, batch..., a (n x n), x (n x n)]
template <bool Async>
Napi::Value Inv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, x;
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "x", info[1], nb, batch, &x) || !SameFloatDType(env, {&a, &x}))
    return env.Undefined();
  if (ShapeMismatch(env, a.rows != a.cols || x.rows != a.rows || x.cols != a.cols, "inv")) return env.Undefined();
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) { InvStack<decltype(t)>(a, x, nb, batch, st); });
}

}  // namespace

void InitLapackSolve(Napi::Env env, Napi::Object exports) {
  ExportTwins<Solve<false>, Solve<true>>(env, exports, "solve");
  ExportTwins<Inv<false>, Inv<true>>(env, exports, "inv");
}

}  // namespace tb
