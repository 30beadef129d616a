// gelsd: lstsq, the minimum-norm least-squares solution through the SVD, as NumPy does.
#include "common.h"

namespace tb {
namespace {

inline lapack_int Gelsd(lapack_int m, lapack_int n, lapack_int nrhs, double* a, lapack_int lda, double* b, lapack_int ldb,
                        double* s, double rcond, lapack_int* rank, double* work, lapack_int lwork, lapack_int* iwork) {
  return LAPACKE_dgelsd_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank, work, lwork, iwork);
}
inline lapack_int Gelsd(lapack_int m, lapack_int n, lapack_int nrhs, float* a, lapack_int lda, float* b, lapack_int ldb,
                        float* s, double rcond, lapack_int* rank, float* work, lapack_int lwork, lapack_int* iwork) {
  return LAPACKE_sgelsd_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, static_cast<float>(rcond), rank, work, lwork, iwork);
}

struct LstsqOut {
  const MatrixOperand &x, &resid, &rank, &s;
};

template <typename T>
void LstsqStack(const MatrixOperand& a, const MatrixOperand& b, const LstsqOut& o, double rcond, int64_t nb, const int64_t* batch,
                WorkStatus& st) {
  const int64_t m = a.rows, n = a.cols, k = b.cols, kmin = std::min(m, n);
  const int64_t ldb = std::max<int64_t>({1, m, n});
  std::vector<T> fa(static_cast<size_t>(std::max<int64_t>(1, m * n)));
  std::vector<T> fb(static_cast<size_t>(std::max<int64_t>(1, ldb * k)));
  std::vector<T> sv(static_cast<size_t>(std::max<int64_t>(1, kmin)));
  T query = 0;
  lapack_int iquery = 0, rank = 0;
  if (kmin > 0 && k > 0)
    Gelsd(static_cast<lapack_int>(m), static_cast<lapack_int>(n), static_cast<lapack_int>(k), fa.data(),
          static_cast<lapack_int>(std::max<int64_t>(1, m)), fb.data(), static_cast<lapack_int>(ldb), sv.data(), rcond, &rank, &query, -1,
          &iquery);
  std::vector<T> work(static_cast<size_t>(std::max<lapack_int>(1, WorkSize(query))));
  std::vector<lapack_int> iwork(static_cast<size_t>(std::max<lapack_int>(1, iquery)));
  const MatrixOperand* ms[6] = {&a, &b, &o.x, &o.resid, &o.rank, &o.s};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* pb = reinterpret_cast<T*>(b.op.buf.data);
  T* px = reinterpret_cast<T*>(o.x.op.buf.data);
  T* pres = reinterpret_cast<T*>(o.resid.op.buf.data);
  T* prank = reinterpret_cast<T*>(o.rank.op.buf.data);
  T* ps = reinterpret_cast<T*>(o.s.op.buf.data);
  ForEachMatrix<6>(nb, batch, ms, [&](const int64_t* off) {
    if (!st.ok) return;
    lapack_int r = 0;
    std::fill(fb.begin(), fb.end(), T(0));
    if (kmin > 0 && k > 0) {
      if (!AllFinite(pa + off[0], m, n, a.rs(), a.cs()) || !AllFinite(pb + off[1], m, k, b.rs(), b.cs()))
        return st.Fail("NO_CONVERGENCE", "SVD did not converge in Linear Least Squares");
      ToColumnMajor(pa + off[0], m, n, a.rs(), a.cs(), fa.data(), m);
      ToColumnMajor(pb + off[1], m, k, b.rs(), b.cs(), fb.data(), ldb);
      lapack_int info = Gelsd(static_cast<lapack_int>(m), static_cast<lapack_int>(n), static_cast<lapack_int>(k), fa.data(),
                              static_cast<lapack_int>(m), fb.data(), static_cast<lapack_int>(ldb), sv.data(), rcond, &r, work.data(),
                              static_cast<lapack_int>(work.size()), iwork.data());
      if (!LapackSucceeded(st, info, "gelsd", "NO_CONVERGENCE", "SVD did not converge in Linear Least Squares")) return;
    }
    FromColumnMajor(fb.data(), ldb, n, k, px + off[2], o.x.rs(), o.x.cs());
    for (int64_t j = 0; j < k; j++) {
      double ss = 0;
      if (m > n)
        for (int64_t i = n; i < m; i++) ss += static_cast<double>(fb[i + j * ldb]) * static_cast<double>(fb[i + j * ldb]);
      pres[off[3] + j * o.resid.cs()] = static_cast<T>(ss);
    }
    prank[off[4]] = static_cast<T>(r);
    for (int64_t i = 0; i < kmin; i++) ps[off[5] + i * o.s.cs()] = sv[i];
  });
}

// lstsq(a, b, x, residuals, rank, s, rcond) with meta = [nb, batch..., a (m x n), b (m x k),
//   x (n x k), residuals (1 x k), rank (1 x 1), s (1 x min(m, n))]
template <bool Async>
Napi::Value Lstsq(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, b, x, res, rank, s;
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "b", info[1], nb, batch, &b) || !ReadMatrix(env, meta, "x", info[2], nb, batch, &x) ||
      !ReadMatrix(env, meta, "residuals", info[3], nb, batch, &res) || !ReadMatrix(env, meta, "rank", info[4], nb, batch, &rank) ||
      !ReadMatrix(env, meta, "s", info[5], nb, batch, &s) || !SameFloatDType(env, {&a, &b, &x, &res, &rank, &s}))
    return env.Undefined();
  if (ShapeMismatch(env,
                    b.rows != a.rows || x.rows != a.cols || x.cols != b.cols || res.rows != 1 || res.cols != b.cols ||
                        rank.rows != 1 || rank.cols != 1 || s.rows != 1 || s.cols != std::min(a.rows, a.cols),
                    "lstsq"))
    return env.Undefined();
  const double rcond = info[6].IsNumber() ? info[6].As<Napi::Number>().DoubleValue() : -1;
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) {
    LstsqOut o{x, res, rank, s};  // references to this lambda's own copies
    LstsqStack<decltype(t)>(a, b, o, rcond, nb, batch, st);
  });
}

}  // namespace

void InitLapackLstsq(Napi::Env env, Napi::Object exports) {
  ExportTwins<Lstsq<false>, Lstsq<true>>(env, exports, "lstsq");
}

}  // namespace tb
