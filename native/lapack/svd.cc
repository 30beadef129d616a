// gesdd: svd (full or reduced, with or without vectors), as NumPy does.
#include "common.h"

namespace tb {
namespace {

inline lapack_int Gesdd(char jobz, lapack_int m, lapack_int n, double* a, lapack_int lda, double* s, double* u, lapack_int ldu,
                        double* vt, lapack_int ldvt, double* work, lapack_int lwork, lapack_int* iwork) {
  return LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork);
}
inline lapack_int Gesdd(char jobz, lapack_int m, lapack_int n, float* a, lapack_int lda, float* s, float* u, lapack_int ldu,
                        float* vt, lapack_int ldvt, float* work, lapack_int lwork, lapack_int* iwork) {
  return LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork);
}

// A C-ordered m x n matrix is, read column-major, its n x m transpose. gesdd of A^T = U' S V'^T
// gives A = V' S U'^T, so LAPACK's VT' (column-major) is our u in row-major order and its U' is our
// vt in row-major order: row-major u and vt outputs are written in place, and the input copy is a
// straight one.
template <typename T>
void SvdStack(const MatrixOperand& a, const MatrixOperand& s, const MatrixOperand* u, const MatrixOperand* vt, bool full,
              int64_t nb, const int64_t* batch, WorkStatus& st) {
  const int64_t m = a.rows, n = a.cols, k = std::min(m, n);
  // LAPACK's problem: the n x m matrix A^T.
  const int64_t lm = n, ln = m;
  const char jobz = !u ? 'N' : (full ? 'A' : 'S');
  const int64_t ucols = full ? m : k;  // our u: m x ucols (LAPACK's vt: ucols x m)
  const int64_t vrows = full ? n : k;  // our vt: vrows x n (LAPACK's u: n x vrows)
  // Our row-major u is LAPACK's column-major vt (ld = u's row stride), likewise vt and LAPACK's u.
  const bool directU = u && IsColumnMajor(ucols, m, u->cs(), u->rs());
  const bool directV = vt && IsColumnMajor(n, vrows, vt->cs(), vt->rs());
  std::vector<T> buf(static_cast<size_t>(std::max<int64_t>(1, m * n)));
  std::vector<T> sv(static_cast<size_t>(std::max<int64_t>(1, k)));
  std::vector<T> uScratch(u && !directU ? static_cast<size_t>(std::max<int64_t>(1, ucols * m)) : 1);
  std::vector<T> vScratch(vt && !directV ? static_cast<size_t>(std::max<int64_t>(1, n * vrows)) : 1);
  std::vector<lapack_int> iwork(static_cast<size_t>(std::max<int64_t>(1, 8 * k)));
  T query = 0;
  const lapack_int ldl = static_cast<lapack_int>(std::max<int64_t>(1, lm));
  Gesdd(jobz, static_cast<lapack_int>(lm), static_cast<lapack_int>(ln), buf.data(), ldl, sv.data(), vScratch.data(),
        static_cast<lapack_int>(std::max<int64_t>(1, n)), uScratch.data(), static_cast<lapack_int>(std::max<int64_t>(1, ucols)),
        &query, -1, iwork.data());
  std::vector<T> work(static_cast<size_t>(std::max<lapack_int>(1, WorkSize(query))));
  const MatrixOperand* ms[4] = {&a, &s, u ? u : &a, vt ? vt : &a};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* ps = reinterpret_cast<T*>(s.op.buf.data);
  T* pu = u ? reinterpret_cast<T*>(u->op.buf.data) : nullptr;
  T* pv = vt ? reinterpret_cast<T*>(vt->op.buf.data) : nullptr;
  ForEachMatrix<4>(nb, batch, ms, [&](const int64_t* off) {
    if (!st.ok || k == 0) return;
    T* A = pa + off[0];
    if (!AllFinite(A, m, n, a.rs(), a.cs())) {
      st.Fail("NO_CONVERGENCE", "SVD did not converge");
      return;
    }
    ToColumnMajor(A, n, m, a.cs(), a.rs(), buf.data(), lm);  // A^T, column-major
    T* lapackVt = directU ? pu + off[2] : uScratch.data();
    const int64_t ldvt = directU ? std::max<int64_t>(ucols, m > 1 ? u->rs() : ucols) : std::max<int64_t>(1, ucols);
    T* lapackU = directV ? pv + off[3] : vScratch.data();
    const int64_t ldu = directV ? std::max<int64_t>(n, vrows > 1 ? vt->rs() : n) : std::max<int64_t>(1, n);
    lapack_int info = Gesdd(jobz, static_cast<lapack_int>(lm), static_cast<lapack_int>(ln), buf.data(), ldl, sv.data(),
                            lapackU, static_cast<lapack_int>(ldu), lapackVt, static_cast<lapack_int>(ldvt), work.data(),
                            static_cast<lapack_int>(work.size()), iwork.data());
    if (!LapackSucceeded(st, info, "gesdd", "NO_CONVERGENCE", "SVD did not converge")) return;
    T* S = ps + off[1];
    for (int64_t i = 0; i < k; i++) S[i * s.cs()] = sv[i];
    // Scratch results: LAPACK's vt (ucols x m, column-major) is u^T; its u (n x vrows) is vt^T.
    if (u && !directU) FromColumnMajor(lapackVt, ldvt, ucols, m, pu + off[2], u->cs(), u->rs());
    if (vt && !directV) FromColumnMajor(lapackU, ldu, n, vrows, pv + off[3], vt->cs(), vt->rs());
  });
}

// svd(a, s, u | null, vt | null, full) with meta = [nb, batch..., a (m x n), s (1 x k),
//   u (m x m or m x k) and vt (n x n or k x n) when given]
template <bool Async>
Napi::Value Svd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, s, u, vt;
  const bool withVectors = !info[2].IsNull() && !info[2].IsUndefined();
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "s", info[1], nb, batch, &s) ||
      (withVectors && (!ReadMatrix(env, meta, "u", info[2], nb, batch, &u) || !ReadMatrix(env, meta, "vt", info[3], nb, batch, &vt))) ||
      !SameFloatDType(env, {&a, &s, withVectors ? &u : &a, withVectors ? &vt : &a}))
    return env.Undefined();
  const bool full = info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
  const int64_t m = a.rows, n = a.cols, k = std::min(m, n);
  if (ShapeMismatch(env,
                    s.rows != 1 || s.cols != k ||
                        (withVectors && (u.rows != m || u.cols != (full ? m : k) || vt.rows != (full ? n : k) || vt.cols != n)),
                    "svd"))
    return env.Undefined();
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) {
    SvdStack<decltype(t)>(a, s, withVectors ? &u : nullptr, withVectors ? &vt : nullptr, full, nb, batch, st);
  });
}

}  // namespace

void InitLapackSvd(Napi::Env env, Napi::Object exports) {
  ExportTwins<Svd<false>, Svd<true>>(env, exports, "svd");
}

}  // namespace tb
