// syevd: eigh / eigvalsh of symmetric matrices (ascending eigenvalues), as NumPy does; syevr for
// only the largest k eigenpairs (PCA, which needs its top components and nothing else).
#include <cmath>

#include "common.h"

namespace tb {
namespace {

inline lapack_int Syevd(char jobz, char uplo, lapack_int n, double* a, lapack_int lda, double* w, double* work,
                        lapack_int lwork, lapack_int* iwork, lapack_int liwork) {
  return LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork);
}
inline lapack_int Syevd(char jobz, char uplo, lapack_int n, float* a, lapack_int lda, float* w, float* work,
                        lapack_int lwork, lapack_int* iwork, lapack_int liwork) {
  return LAPACKE_ssyevd_work(LAPACK_COL_MAJOR, jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork);
}

inline lapack_int Syevr(char uplo, lapack_int n, double* a, lapack_int lda, lapack_int il, lapack_int iu, lapack_int* m,
                        double* w, double* z, lapack_int ldz, lapack_int* isuppz, double* work, lapack_int lwork,
                        lapack_int* iwork, lapack_int liwork) {
  return LAPACKE_dsyevr_work(LAPACK_COL_MAJOR, 'V', 'I', uplo, n, a, lda, 0, 0, il, iu, 0, m, w, z, ldz, isuppz, work, lwork,
                             iwork, liwork);
}
inline lapack_int Syevr(char uplo, lapack_int n, float* a, lapack_int lda, lapack_int il, lapack_int iu, lapack_int* m,
                        float* w, float* z, lapack_int ldz, lapack_int* isuppz, float* work, lapack_int lwork,
                        lapack_int* iwork, lapack_int liwork) {
  return LAPACKE_ssyevr_work(LAPACK_COL_MAJOR, 'V', 'I', uplo, n, a, lda, 0, 0, il, iu, 0, m, w, z, ldz, isuppz, work, lwork,
                             iwork, liwork);
}

// The input is copied as its transpose (straight for C order): the triangle NumPy's UPLO names is
// the other triangle of that buffer. The eigenvectors come back column-major, which is exactly a
// Fortran-ordered `vectors` output (lib/ allocates it so): written in place, no copy back.
template <typename T>
void EighStack(const MatrixOperand& a, const MatrixOperand& w, const MatrixOperand* v, bool lower, int64_t nb,
               const int64_t* batch, WorkStatus& st) {
  const int64_t n = a.rows;
  const char jobz = v ? 'V' : 'N';
  const char uplo = lower ? 'U' : 'L';
  const bool direct = v && IsColumnMajor(n, n, v->rs(), v->cs());
  std::vector<T> scratch(direct ? 0 : static_cast<size_t>(std::max<int64_t>(1, n * n)));
  std::vector<T> values(static_cast<size_t>(std::max<int64_t>(1, n)));
  // Workspace query once for the whole stack.
  T workQuery = 0;
  lapack_int iworkQuery = 0;
  Syevd(jobz, uplo, static_cast<lapack_int>(n), scratch.empty() ? values.data() : scratch.data(),
        static_cast<lapack_int>(std::max<int64_t>(1, n)), values.data(), &workQuery, -1, &iworkQuery, -1);
  std::vector<T> work(static_cast<size_t>(std::max<lapack_int>(1, WorkSize(workQuery))));
  std::vector<lapack_int> iwork(static_cast<size_t>(std::max<lapack_int>(1, iworkQuery)));
  const MatrixOperand* ms[3] = {&a, &w, v ? v : &a};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* pw = reinterpret_cast<T*>(w.op.buf.data);
  T* pv = v ? reinterpret_cast<T*>(v->op.buf.data) : nullptr;
  ForEachMatrix<3>(nb, batch, ms, [&](const int64_t* off) {
    if (!st.ok || n == 0) return;
    T* A = pa + off[0];
    if (!AllFinite(A, n, n, a.rs(), a.cs())) {
      // NumPy hands NaN/Inf to LAPACK and returns whatever comes back (often NaN); LAPACK's
      // iterations are not guaranteed to end on them, so the result here is NaN outright.
      for (int64_t i = 0; i < n; i++) pw[off[1] + i * w.cs()] = NAN;
      if (v)
        for (int64_t i = 0; i < n; i++)
          for (int64_t j = 0; j < n; j++) pv[off[2] + i * v->rs() + j * v->cs()] = NAN;
      return;
    }
    T* buf = direct ? pv + off[2] : scratch.data();
    const int64_t ld = ResultLd(direct, n, n, v ? v->cs() : n);  // eigvalsh: no v, scratch
    ToColumnMajor(A, n, n, a.cs(), a.rs(), buf, ld);
    lapack_int info = Syevd(jobz, uplo, static_cast<lapack_int>(n), buf, static_cast<lapack_int>(ld), values.data(), work.data(),
                            static_cast<lapack_int>(work.size()), iwork.data(), static_cast<lapack_int>(iwork.size()));
    if (!LapackSucceeded(st, info, "syevd", "NO_CONVERGENCE", "Eigenvalues did not converge")) return;
    T* W = pw + off[1];
    for (int64_t i = 0; i < n; i++) W[i * w.cs()] = values[i];
    if (v && !direct) FromColumnMajor(buf, n, n, n, pv + off[2], v->rs(), v->cs());
  });
}

// The largest k eigenpairs of one symmetric n x n matrix (ascending, like syevd's last k), by
// syevr: the tridiagonal reduction is the same O(n^3) as syevd's, but only k eigenvectors are
// computed (bisection and inverse iteration, dstebz + dstein, for a partial index range) and
// transformed back. Vectors land column-major, a Fortran-ordered (n, k) output.
template <typename T>
void EighTop(const MatrixOperand& a, const MatrixOperand& w, const MatrixOperand& v, bool lower, int64_t k, WorkStatus& st) {
  const int64_t n = a.rows;
  if (n == 0 || k == 0) return;
  const T* A = reinterpret_cast<const T*>(a.op.buf.data) + a.op.offset;
  T* W = reinterpret_cast<T*>(w.op.buf.data) + w.op.offset;
  T* V = reinterpret_cast<T*>(v.op.buf.data) + v.op.offset;
  if (!AllFinite(A, n, n, a.rs(), a.cs())) {
    for (int64_t i = 0; i < k; i++) W[i * w.cs()] = NAN;
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < k; j++) V[i * v.rs() + j * v.cs()] = NAN;
    return;
  }
  std::vector<T> buf(static_cast<size_t>(n * n)), values(static_cast<size_t>(n));
  const bool direct = IsColumnMajor(n, k, v.rs(), v.cs());
  std::vector<T> z(direct ? 0 : static_cast<size_t>(n * k));
  T* Z = direct ? V : z.data();
  const lapack_int ldz = static_cast<lapack_int>(ResultLd(direct, n, k, v.cs()));
  std::vector<lapack_int> isuppz(static_cast<size_t>(2 * k));
  const char uplo = lower ? 'U' : 'L';  // of the transposed copy, as in EighStack
  const lapack_int N = static_cast<lapack_int>(n), il = static_cast<lapack_int>(n - k + 1);
  lapack_int found = 0, iworkQuery = 0;
  T workQuery = 0;
  Syevr(uplo, N, buf.data(), N, il, N, &found, values.data(), Z, ldz, isuppz.data(), &workQuery, -1, &iworkQuery, -1);
  std::vector<T> work(static_cast<size_t>(std::max<lapack_int>(1, WorkSize(workQuery))));
  std::vector<lapack_int> iwork(static_cast<size_t>(std::max<lapack_int>(1, iworkQuery)));
  ToColumnMajor(A, n, n, a.cs(), a.rs(), buf.data(), n);
  lapack_int info = Syevr(uplo, N, buf.data(), N, il, N, &found, values.data(), Z, ldz, isuppz.data(), work.data(),
                          static_cast<lapack_int>(work.size()), iwork.data(), static_cast<lapack_int>(iwork.size()));
  if (info == 0 && found != k) info = 1;  // fewer eigenvalues than asked: some did not converge
  if (!LapackSucceeded(st, info, "syevr", "NO_CONVERGENCE", "Eigenvalues did not converge")) return;
  for (int64_t i = 0; i < k; i++) W[i * w.cs()] = values[i];
  if (!direct) FromColumnMajor(Z, n, n, k, V, v.rs(), v.cs());
}

// eighTop(a, w, v, lower, k) with meta = [0, a (n x n), w (1 x k), v (n x k)]: one matrix, no stack.
template <bool Async>
Napi::Value EighTopEntry(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims], k;
  MatrixOperand a, w, v;
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "w", info[1], nb, batch, &w) || !ReadMatrix(env, meta, "v", info[2], nb, batch, &v) ||
      !SameFloatDType(env, {&a, &w, &v}) || !ArgInt(env, info[4], "k", 0, a.rows, &k))
    return env.Undefined();
  if (ShapeMismatch(env, nb != 0 || a.rows != a.cols || w.rows != 1 || w.cols != k || v.rows != a.rows || v.cols != k,
                    "eighTop"))
    return env.Undefined();
  const bool lower = !(info[3].IsBoolean() && !info[3].As<Napi::Boolean>().Value());
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) { EighTop<decltype(t)>(a, w, v, lower, k, st); });
}

// eigh(a, w, v | null, lower) with meta = [nb, batch..., a (n x n), w (1 x n), v (n x n) if given]
template <bool Async>
Napi::Value Eigh(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, w, v;
  const bool withVectors = !info[2].IsNull() && !info[2].IsUndefined();
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "w", info[1], nb, batch, &w) ||
      (withVectors && !ReadMatrix(env, meta, "v", info[2], nb, batch, &v)) ||
      !SameFloatDType(env, {&a, &w, withVectors ? &v : &a}))
    return env.Undefined();
  if (ShapeMismatch(env, a.rows != a.cols || w.rows != 1 || w.cols != a.rows || (withVectors && (v.rows != a.rows || v.cols != a.rows)),
                    "eigh"))
    return env.Undefined();
  const bool lower = !(info[3].IsBoolean() && !info[3].As<Napi::Boolean>().Value());
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) { EighStack<decltype(t)>(a, w, withVectors ? &v : nullptr, lower, nb, batch, st); });
}

}  // namespace

void InitLapackEigh(Napi::Env env, Napi::Object exports) {
  ExportTwins<Eigh<false>, Eigh<true>>(env, exports, "eigh");
  ExportTwins<EighTopEntry<false>, EighTopEntry<true>>(env, exports, "eighTop");
}

}  // namespace tb
