// geqrf + orgqr: qr in NumPy's modes 'reduced', 'complete' and 'r'.
#include "common.h"

namespace tb {
namespace {

inline lapack_int Geqrf(lapack_int m, lapack_int n, double* a, lapack_int lda, double* tau, double* work, lapack_int lwork) {
  return LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork);
}
inline lapack_int Geqrf(lapack_int m, lapack_int n, float* a, lapack_int lda, float* tau, float* work, lapack_int lwork) {
  return LAPACKE_sgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork);
}
inline lapack_int Orgqr(lapack_int m, lapack_int n, lapack_int k, double* a, lapack_int lda, const double* tau, double* work,
                        lapack_int lwork) {
  return LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, n, k, a, lda, tau, work, lwork);
}
inline lapack_int Orgqr(lapack_int m, lapack_int n, lapack_int k, float* a, lapack_int lda, const float* tau, float* work,
                        lapack_int lwork) {
  return LAPACKE_sorgqr_work(LAPACK_COL_MAJOR, m, n, k, a, lda, tau, work, lwork);
}

// A = Q R. The reflectors that geqrf leaves below R are copied into q (Fortran-ordered, as lib/
// allocates it) and orgqr expands them there in place. R is read out of the factored copy.
template <typename T>
void QrStack(const MatrixOperand& a, const MatrixOperand* q, const MatrixOperand& r, int64_t nb, const int64_t* batch,
             WorkStatus& st) {
  const int64_t m = a.rows, n = a.cols, k = std::min(m, n);
  const int64_t qcols = q ? q->cols : 0;  // k (reduced) or m (complete)
  std::vector<T> f(static_cast<size_t>(std::max<int64_t>(1, m * n)));
  std::vector<T> tau(static_cast<size_t>(std::max<int64_t>(1, k)));
  const bool direct = q && IsColumnMajor(m, qcols, q->rs(), q->cs());
  std::vector<T> qScratch(q && !direct ? static_cast<size_t>(std::max<int64_t>(1, m * qcols)) : 1);
  const lapack_int ldf = static_cast<lapack_int>(std::max<int64_t>(1, m));
  T q1 = 0, q2 = 0;
  Geqrf(static_cast<lapack_int>(m), static_cast<lapack_int>(n), f.data(), ldf, tau.data(), &q1, -1);
  if (q && qcols > 0)
    Orgqr(static_cast<lapack_int>(m), static_cast<lapack_int>(qcols), static_cast<lapack_int>(k), qScratch.data(), ldf, tau.data(),
          &q2, -1);
  std::vector<T> work(static_cast<size_t>(std::max<lapack_int>({1, WorkSize(q1), WorkSize(q2)})));
  const MatrixOperand* ms[3] = {&a, &r, q ? q : &a};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* pr = reinterpret_cast<T*>(r.op.buf.data);
  T* pq = q ? reinterpret_cast<T*>(q->op.buf.data) : nullptr;
  ForEachMatrix<3>(nb, batch, ms, [&](const int64_t* off) {
    if (!st.ok) return;
    if (m > 0 && n > 0) {
      ToColumnMajor(pa + off[0], m, n, a.rs(), a.cs(), f.data(), m);
      lapack_int info = Geqrf(static_cast<lapack_int>(m), static_cast<lapack_int>(n), f.data(), ldf, tau.data(), work.data(),
                              static_cast<lapack_int>(work.size()));
      if (!LapackSucceeded(st, info, "geqrf")) return;
    }
    T* R = pr + off[1];
    for (int64_t i = 0; i < r.rows; i++)
      for (int64_t j = 0; j < n; j++) R[i * r.rs() + j * r.cs()] = (i <= j && i < k) ? f[i + j * m] : T(0);
    if (!q || m == 0 || qcols == 0) return;
    T* Q = direct ? pq + off[2] : qScratch.data();
    const int64_t ldq = ResultLd(direct, m, qcols, q->cs());
    for (int64_t j = 0; j < qcols; j++)
      for (int64_t i = 0; i < m; i++) Q[i + j * ldq] = j < k && j < n ? f[i + j * m] : T(0);
    lapack_int info = Orgqr(static_cast<lapack_int>(m), static_cast<lapack_int>(qcols), static_cast<lapack_int>(k), Q,
                            static_cast<lapack_int>(ldq), tau.data(), work.data(), static_cast<lapack_int>(work.size()));
    if (!LapackSucceeded(st, info, "orgqr")) return;
    if (!direct) FromColumnMajor(Q, ldq, m, qcols, pq + off[2], q->rs(), q->cs());
  });
}

// qr(a, r, q | null) with meta = [nb, batch..., a (m x n), r (k or m x n), q (m x k or m x m) if given]
template <bool Async>
Napi::Value Qr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, r, q;
  const bool withQ = !info[2].IsNull() && !info[2].IsUndefined();
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "r", info[1], nb, batch, &r) || (withQ && !ReadMatrix(env, meta, "q", info[2], nb, batch, &q)) ||
      !SameFloatDType(env, {&a, &r, withQ ? &q : &a}))
    return env.Undefined();
  const int64_t m = a.rows, k = std::min(a.rows, a.cols);
  if (ShapeMismatch(env, r.cols != a.cols || (r.rows != k && r.rows != m) || (withQ && (q.rows != m || (q.cols != k && q.cols != m))),
                    "qr"))
    return env.Undefined();
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) { QrStack<decltype(t)>(a, withQ ? &q : nullptr, r, nb, batch, st); });
}

}  // namespace

void InitLapackQr(Napi::Env env, Napi::Object exports) {
  ExportTwins<Qr<false>, Qr<true>>(env, exports, "qr");
}

}  // namespace tb
