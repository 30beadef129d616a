// getrf: slogdet/det (from the LU diagonal and the pivots) and lu (SciPy's a = p @ l @ u).
#include <cmath>

#include "common.h"

namespace tb {
namespace {

// det(A^T) = det(A): the input is copied as its transpose, a straight copy for C-ordered input.
// Accumulates log|u_ii| in double, as NumPy does, so large matrices neither overflow nor underflow.
template <typename T>
void SlogdetStack(const MatrixOperand& a, const MatrixOperand& sign, const MatrixOperand& logdet, int64_t nb,
                  const int64_t* batch, WorkStatus& st) {
  const int64_t n = a.rows;
  std::vector<T> lu(static_cast<size_t>(std::max<int64_t>(1, n * n)));
  std::vector<lapack_int> ipiv(static_cast<size_t>(std::max<int64_t>(1, n)));
  const MatrixOperand* ms[3] = {&a, &sign, &logdet};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* ps = reinterpret_cast<T*>(sign.op.buf.data);
  T* pl = reinterpret_cast<T*>(logdet.op.buf.data);
  ForEachMatrix<3>(nb, batch, ms, [&](const int64_t* off) {
    double s = 1, logabs = 0;
    if (n > 0) {
      ToColumnMajor(pa + off[0], n, n, a.cs(), a.rs(), lu.data(), n);
      lapack_int info = Getrf(static_cast<lapack_int>(n), static_cast<lapack_int>(n), lu.data(), static_cast<lapack_int>(n), ipiv.data());
      if (!LapackSucceeded(st, info, "getrf")) return;
      if (info > 0) {  // exactly singular
        s = 0;
        logabs = -INFINITY;
      } else {
        for (int64_t i = 0; i < n; i++) {
          const double d = static_cast<double>(lu[i + i * n]);
          if (ipiv[i] != i + 1) s = -s;
          if (d < 0) s = -s;
          logabs += std::log(std::abs(d));
        }
        if (std::isnan(logabs)) s = NAN;
      }
    }
    ps[off[1]] = static_cast<T>(s);
    pl[off[2]] = static_cast<T>(logabs);
  });
}

// P A = L U with partial pivoting: A = P^T L U, returned as p (m x m), l (m x k unit lower), u (k x n).
template <typename T>
void LuStack(const MatrixOperand& a, const MatrixOperand& p, const MatrixOperand& l, const MatrixOperand& u, int64_t nb,
             const int64_t* batch, WorkStatus& st) {
  const int64_t m = a.rows, n = a.cols, k = std::min(m, n);
  std::vector<T> f(static_cast<size_t>(std::max<int64_t>(1, m * n)));
  std::vector<lapack_int> ipiv(static_cast<size_t>(std::max<int64_t>(1, k)));
  std::vector<int64_t> perm(static_cast<size_t>(std::max<int64_t>(1, m)));
  const MatrixOperand* ms[4] = {&a, &p, &l, &u};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* pp = reinterpret_cast<T*>(p.op.buf.data);
  T* pl = reinterpret_cast<T*>(l.op.buf.data);
  T* pu = reinterpret_cast<T*>(u.op.buf.data);
  ForEachMatrix<4>(nb, batch, ms, [&](const int64_t* off) {
    if (m > 0 && n > 0) {
      ToColumnMajor(pa + off[0], m, n, a.rs(), a.cs(), f.data(), m);
      // info > 0 only says U is singular; the factorization is still complete and valid.
      lapack_int info = Getrf(static_cast<lapack_int>(m), static_cast<lapack_int>(n), f.data(), static_cast<lapack_int>(m), ipiv.data());
      if (!LapackSucceeded(st, info, "getrf")) return;
    }
    for (int64_t i = 0; i < m; i++) perm[i] = i;
    for (int64_t i = 0; i < k; i++) std::swap(perm[i], perm[ipiv[i] - 1]);
    // Row i of L U is row perm[i] of A, so P[perm[i], i] = 1.
    T* P = pp + off[1];
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < m; j++) P[i * p.rs() + j * p.cs()] = 0;
    for (int64_t i = 0; i < m; i++) P[perm[i] * p.rs() + i * p.cs()] = 1;
    T* L = pl + off[2];
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < k; j++) L[i * l.rs() + j * l.cs()] = i == j ? T(1) : (i > j ? f[i + j * m] : T(0));
    T* U = pu + off[3];
    for (int64_t i = 0; i < k; i++)
      for (int64_t j = 0; j < n; j++) U[i * u.rs() + j * u.cs()] = j >= i ? f[i + j * m] : T(0);
  });
}

// slogdet(a, sign, logabsdet) with meta = [nb, batch..., a (n x n), sign (1 x 1), logabsdet (1 x 1)]
template <bool Async>
Napi::Value Slogdet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, s, l;
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "sign", info[1], nb, batch, &s) || !ReadMatrix(env, meta, "logabsdet", info[2], nb, batch, &l) ||
      !SameFloatDType(env, {&a, &s, &l}))
    return env.Undefined();
  if (ShapeMismatch(env, a.rows != a.cols || s.rows != 1 || s.cols != 1 || l.rows != 1 || l.cols != 1, "slogdet"))
    return env.Undefined();
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) { SlogdetStack<decltype(t)>(a, s, l, nb, batch, st); });
}

// lu(a, p, l, u) with meta = [nb, batch..., a (m x n), p (m x m), l (m x k), u (k x n)]
template <bool Async>
Napi::Value Lu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, p, l, u;
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "p", info[1], nb, batch, &p) || !ReadMatrix(env, meta, "l", info[2], nb, batch, &l) ||
      !ReadMatrix(env, meta, "u", info[3], nb, batch, &u) || !SameFloatDType(env, {&a, &p, &l, &u}))
    return env.Undefined();
  const int64_t k = std::min(a.rows, a.cols);
  if (ShapeMismatch(env, p.rows != a.rows || p.cols != a.rows || l.rows != a.rows || l.cols != k || u.rows != k || u.cols != a.cols,
                    "lu"))
    return env.Undefined();
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) { LuStack<decltype(t)>(a, p, l, u, nb, batch, st); });
}

}  // namespace

void InitLapackLu(Napi::Env env, Napi::Object exports) {
  ExportTwins<Slogdet<false>, Slogdet<true>>(env, exports, "slogdet");
  ExportTwins<Lu<false>, Lu<true>>(env, exports, "lu");
}

}  // namespace tb
