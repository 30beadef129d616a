// geev: eig / eigvals of general real matrices. Complex results come back as separate real and
// imaginary parts; LAPACK's packed conjugate pairs (columns j, j+1) are unpacked here.
#include "common.h"

namespace tb {
namespace {

inline lapack_int Geev(char jobvr, lapack_int n, double* a, lapack_int lda, double* wr, double* wi, double* vr, lapack_int ldvr,
                       double* work, lapack_int lwork) {
  double dummy = 0;
  return LAPACKE_dgeev_work(LAPACK_COL_MAJOR, 'N', jobvr, n, a, lda, wr, wi, &dummy, 1, vr, ldvr, work, lwork);
}
inline lapack_int Geev(char jobvr, lapack_int n, float* a, lapack_int lda, float* wr, float* wi, float* vr, lapack_int ldvr,
                       float* work, lapack_int lwork) {
  float dummy = 0;
  return LAPACKE_sgeev_work(LAPACK_COL_MAJOR, 'N', jobvr, n, a, lda, wr, wi, &dummy, 1, vr, ldvr, work, lwork);
}

struct EigOut {
  const MatrixOperand *wre, *wim, *vre, *vim;  // vre/vim null for eigvals
};

template <typename T>
void EigStack(const MatrixOperand& a, const EigOut& o, int64_t nb, const int64_t* batch, WorkStatus& st) {
  const int64_t n = a.rows;
  const bool vectors = o.vre != nullptr;
  const lapack_int ld = static_cast<lapack_int>(std::max<int64_t>(1, n));
  std::vector<T> f(static_cast<size_t>(std::max<int64_t>(1, n * n)));
  std::vector<T> wr(static_cast<size_t>(std::max<int64_t>(1, n))), wi(wr.size());
  std::vector<T> vr(vectors ? f.size() : 1);
  T query = 0;
  Geev(vectors ? 'V' : 'N', static_cast<lapack_int>(n), f.data(), ld, wr.data(), wi.data(), vr.data(), ld, &query, -1);
  std::vector<T> work(static_cast<size_t>(std::max<lapack_int>(1, WorkSize(query))));
  const MatrixOperand* ms[5] = {&a, o.wre, o.wim, vectors ? o.vre : &a, vectors ? o.vim : &a};
  T* pa = reinterpret_cast<T*>(a.op.buf.data);
  T* pwr = reinterpret_cast<T*>(o.wre->op.buf.data);
  T* pwi = reinterpret_cast<T*>(o.wim->op.buf.data);
  T* pvr = vectors ? reinterpret_cast<T*>(o.vre->op.buf.data) : nullptr;
  T* pvi = vectors ? reinterpret_cast<T*>(o.vim->op.buf.data) : nullptr;
  ForEachMatrix<5>(nb, batch, ms, [&](const int64_t* off) {
    if (!st.ok || n == 0) return;
    T* A = pa + off[0];
    if (!AllFinite(A, n, n, a.rs(), a.cs())) return st.Fail("NO_CONVERGENCE", "Array must not contain infs or NaNs");
    ToColumnMajor(A, n, n, a.rs(), a.cs(), f.data(), n);
    lapack_int info = Geev(vectors ? 'V' : 'N', static_cast<lapack_int>(n), f.data(), ld, wr.data(), wi.data(), vr.data(), ld,
                           work.data(), static_cast<lapack_int>(work.size()));
    if (!LapackSucceeded(st, info, "geev", "NO_CONVERGENCE", "Eigenvalues did not converge")) return;
    for (int64_t j = 0; j < n; j++) {
      pwr[off[1] + j * o.wre->cs()] = wr[j];
      pwi[off[2] + j * o.wim->cs()] = wi[j];
    }
    if (!vectors) return;
    const MatrixOperand &VR = *o.vre, &VI = *o.vim;
    for (int64_t j = 0; j < n; j++) {
      if (wi[j] != 0 && j + 1 < n) {
        // A conjugate pair: v_j = vr[:, j] + i vr[:, j+1], v_{j+1} its conjugate.
        for (int64_t i = 0; i < n; i++) {
          const T re = vr[i + j * n], im = vr[i + (j + 1) * n];
          pvr[off[3] + i * VR.rs() + j * VR.cs()] = re;
          pvi[off[4] + i * VI.rs() + j * VI.cs()] = im;
          pvr[off[3] + i * VR.rs() + (j + 1) * VR.cs()] = re;
          pvi[off[4] + i * VI.rs() + (j + 1) * VI.cs()] = -im;
        }
        j++;
      } else {
        for (int64_t i = 0; i < n; i++) {
          pvr[off[3] + i * VR.rs() + j * VR.cs()] = vr[i + j * n];
          pvi[off[4] + i * VI.rs() + j * VI.cs()] = 0;
        }
      }
    }
  });
}

// eig(a, wre, wim, vre | null, vim | null) with meta = [nb, batch..., a (n x n), wre (1 x n),
//   wim (1 x n), vre (n x n) and vim (n x n) when given]
template <bool Async>
Napi::Value Eig(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Meta meta;
  int64_t nb, batch[kMaxDims];
  MatrixOperand a, wre, wim, vre, vim;
  const bool vectors = !info[3].IsNull() && !info[3].IsUndefined();
  if (!meta.Init(env) || !ReadBatch(env, meta, &nb, batch) || !ReadMatrix(env, meta, "a", info[0], nb, batch, &a) ||
      !ReadMatrix(env, meta, "wre", info[1], nb, batch, &wre) || !ReadMatrix(env, meta, "wim", info[2], nb, batch, &wim) ||
      (vectors && (!ReadMatrix(env, meta, "vre", info[3], nb, batch, &vre) || !ReadMatrix(env, meta, "vim", info[4], nb, batch, &vim))) ||
      !SameFloatDType(env, {&a, &wre, &wim, vectors ? &vre : &a, vectors ? &vim : &a}))
    return env.Undefined();
  const int64_t n = a.rows;
  if (ShapeMismatch(env,
                    a.cols != n || wre.rows != 1 || wre.cols != n || wim.rows != 1 || wim.cols != n ||
                        (vectors && (vre.rows != n || vre.cols != n || vim.rows != n || vim.cols != n)),
                    "eig"))
    return env.Undefined();
  return RunStack(info, Async, a, [=](auto t, WorkStatus& st) {
    // Pointers into this lambda's own copies: the work may run after this call has returned.
    EigOut o{&wre, &wim, vectors ? &vre : nullptr, vectors ? &vim : nullptr};
    EigStack<decltype(t)>(a, o, nb, batch, st);
  });
}

}  // namespace

void InitLapackEig(Napi::Env env, Napi::Object exports) {
  ExportTwins<Eig<false>, Eig<true>>(env, exports, "eig");
}

}  // namespace tb
