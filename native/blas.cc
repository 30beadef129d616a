// Matrix products through CBLAS: gemm, gemv and dot, batched over broadcast leading dimensions.
// A strided operand goes to BLAS as a trans flag plus leading dimension whenever its layout allows
// it; only layouts BLAS cannot express (negative or zero strides, both strides > 1) are copied.
#include <cblas.h>
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <new>
#include <vector>

#include "async.h"
#include "check.h"
#include "nditer.h"
#include "parallel.h"

namespace tb {
namespace {

// One matrix view: element (i, j) is at p[i * rs + j * cs].
template <typename T>
struct Mat {
  T* p;
  int64_t rows, cols, rs, cs;
  T& at(int64_t i, int64_t j) const { return p[i * rs + j * cs]; }
};

// syrk computes one triangle; this copies the upper one onto the lower.
template <typename T>
void MirrorUpper(const Mat<T>& c) {
  for (int64_t i = 1; i < c.rows; i++)
    for (int64_t j = 0; j < i; j++) c.at(i, j) = c.at(j, i);
}

// How a matrix is described to row-major CBLAS, if it can be.
struct BlasLayout {
  bool ok = false;
  CBLAS_TRANSPOSE trans = CblasNoTrans;
  int64_t ld = 1;
};

template <typename T>
BlasLayout RowMajorLayout(const Mat<T>& m) {
  BlasLayout l;
  // A dimension of length 1 has no meaningful stride: any leading dimension that is valid will do.
  const int64_t rs = m.rows == 1 ? std::max<int64_t>(m.cols, 1) : m.rs;
  const int64_t cs = m.cols == 1 ? std::max<int64_t>(m.rows, 1) : m.cs;
  if ((m.cols == 1 || m.cs == 1) && rs >= std::max<int64_t>(1, m.cols)) {
    l = {true, CblasNoTrans, rs};
  } else if ((m.rows == 1 || m.rs == 1) && cs >= std::max<int64_t>(1, m.rows)) {
    l = {true, CblasTrans, cs};
  }
  if (l.ld > INT32_MAX || m.rows > INT32_MAX || m.cols > INT32_MAX) l.ok = false;  // BLAS takes int
  return l;
}

// How many operands had to be copied because BLAS could not take their layout (for tests).
std::atomic<int64_t> packedOperands{0};

// Copies a strided matrix into contiguous row-major scratch.
template <typename T>
Mat<T> Pack(const Mat<T>& m, T* scratch) {
  packedOperands.fetch_add(1, std::memory_order_relaxed);
  for (int64_t i = 0; i < m.rows; i++)
    for (int64_t j = 0; j < m.cols; j++) scratch[i * m.cols + j] = m.at(i, j);
  return {scratch, m.rows, m.cols, m.cols, 1};
}

// BLAS wants a positive or negative increment (never 0) and the lowest address for negative ones.
template <typename T>
bool VectorArg(T* p, int64_t n, int64_t stride, T** base, int* inc) {
  if (n == 1) stride = 1;
  if (stride == 0 || stride > INT32_MAX || stride < -INT32_MAX) return false;
  *inc = static_cast<int>(stride);
  *base = stride < 0 ? p + (n - 1) * stride : p;
  return true;
}

inline void Gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const double* a, int lda,
                 const double* b, int ldb, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
}
inline void Gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* a, int lda,
                 const float* b, int ldb, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}
// C's upper triangle = A^T A (t = Trans) or A A^T, plus beta times what C held.
inline void Syrk(CBLAS_TRANSPOSE t, int n, int k, const double* a, int lda, double* c, int ldc, double beta = 0) {
  cblas_dsyrk(CblasRowMajor, CblasUpper, t, n, k, 1.0, a, lda, beta, c, ldc);
}
inline void Syrk(CBLAS_TRANSPOSE t, int n, int k, const float* a, int lda, float* c, int ldc, double beta = 0) {
  cblas_ssyrk(CblasRowMajor, CblasUpper, t, n, k, 1.0f, a, lda, static_cast<float>(beta), c, ldc);
}
inline void Gemv(CBLAS_TRANSPOSE t, int m, int n, const double* a, int lda, const double* x, int incx, double* y,
                 int incy) {
  cblas_dgemv(CblasRowMajor, t, m, n, 1.0, a, lda, x, incx, 0.0, y, incy);
}
inline void Gemv(CBLAS_TRANSPOSE t, int m, int n, const float* a, int lda, const float* x, int incx, float* y,
                 int incy) {
  cblas_sgemv(CblasRowMajor, t, m, n, 1.0f, a, lda, x, incx, 0.0f, y, incy);
}
inline double Dot(int n, const double* x, int incx, const double* y, int incy) {
  return cblas_ddot(n, x, incx, y, incy);
}
inline float Dot(int n, const float* x, int incx, const float* y, int incy) {
  // sdot accumulates in float; dsdot accumulates in double and matches NumPy's float32 dot well.
  return static_cast<float>(cblas_dsdot(n, x, incx, y, incy));
}

// Scratch big enough for packing A, B and C of one matrix product; allocated once per call.
template <typename T>
struct Scratch {
  std::vector<T> a, b, c;
};

// Below this many multiply-adds a plain loop beats the fixed cost of a gemm call (~0.5 µs).
constexpr int64_t kSmallProduct = 2048;
// Below these many multiply-adds a product runs on one OpenBLAS thread (see MatmulOp).
constexpr double kSingleThreadGemv = 512.0 * 512.0;
constexpr double kSingleThreadGemm = 48.0 * 48.0 * 48.0;
// Below this M x K, a syrk call's mirroring pass is not worth it.
constexpr int64_t kSyrkMinProduct = 4096;

template <typename T>
void SmallMatmul(const Mat<T>& A, const Mat<T>& B, const Mat<T>& C) {
  const int64_t M = A.rows, K = A.cols, N = B.cols;
  for (int64_t i = 0; i < M; i++) {
    for (int64_t j = 0; j < N; j++) {
      T acc = 0;
      for (int64_t k = 0; k < K; k++) acc += A.at(i, k) * B.at(k, j);
      C.at(i, j) = acc;
    }
  }
}

// C = A B for one matrix, float types.
template <typename T>
void MatmulOne(Mat<T> A, Mat<T> B, Mat<T> C, Scratch<T>& s) {
  const int64_t M = A.rows, K = A.cols, N = B.cols;
  if (M == 0 || N == 0) return;
  // A dot product goes to BLAS at any length: its vectorised kernel beats the plain loop's chain of
  // dependent additions from a few dozen elements on (768: ~0.1 µs against ~1.2 µs).
  if (M * N * K <= kSmallProduct && !(M == 1 && N == 1)) return SmallMatmul(A, B, C);
  if (K == 0) {
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = 0; j < N; j++) C.at(i, j) = 0;
    return;
  }
  // A row vector times a matrix is the transposed problem: C^T = B^T A^T, which is a gemv.
  if (M == 1 && N > 1) {
    std::swap(A, B);
    std::swap(A.rows, A.cols);
    std::swap(A.rs, A.cs);
    std::swap(B.rows, B.cols);
    std::swap(B.rs, B.cs);
    std::swap(C.rows, C.cols);
    std::swap(C.rs, C.cs);
    return MatmulOne(A, B, C, s);
  }
  if (N == 1) {
    T *x = nullptr, *y = nullptr;
    int incx = 1, incy = 1;
    if (M == 1) {  // dot product
      T* pa = nullptr;
      int inca = 1;
      if (VectorArg(A.p, K, A.cs, &pa, &inca) && VectorArg(B.p, K, B.rs, &x, &incx) && K <= INT32_MAX) {
        C.at(0, 0) = Dot(static_cast<int>(K), pa, inca, x, incx);
      } else {
        double acc = 0;
        for (int64_t k = 0; k < K; k++) acc += static_cast<double>(A.at(0, k)) * static_cast<double>(B.at(k, 0));
        C.at(0, 0) = static_cast<T>(acc);
      }
      return;
    }
    BlasLayout la = RowMajorLayout(A);
    if (!la.ok) {
      s.a.resize(static_cast<size_t>(M * K));
      A = Pack(A, s.a.data());
      la = RowMajorLayout(A);
    }
    if (!VectorArg(B.p, K, B.rs, &x, &incx)) {
      s.b.resize(static_cast<size_t>(K));
      B = Pack(B, s.b.data());
      VectorArg(B.p, K, B.rs, &x, &incx);
    }
    bool directOut = VectorArg(C.p, M, C.rs, &y, &incy);
    if (!directOut) {
      s.c.resize(static_cast<size_t>(M));
      y = s.c.data();
      incy = 1;
    }
    // Row-major gemv takes the stored matrix's shape: A itself, or A^T stored as K x M.
    if (la.trans == CblasNoTrans)
      Gemv(CblasNoTrans, static_cast<int>(M), static_cast<int>(K), A.p, static_cast<int>(la.ld), x, incx, y, incy);
    else
      Gemv(CblasTrans, static_cast<int>(K), static_cast<int>(M), A.p, static_cast<int>(la.ld), x, incx, y, incy);
    if (!directOut)
      for (int64_t i = 0; i < M; i++) C.at(i, 0) = y[i];
    return;
  }
  // A times its own transpose (X^T X in regression and PCA, X X^T in kernels): syrk computes one
  // triangle with half of gemm's work; the other triangle is mirrored.
  if (A.p == B.p && M == N && A.rs == B.cs && A.cs == B.rs && M * K >= kSyrkMinProduct) {
    const BlasLayout la = RowMajorLayout(A), lc = RowMajorLayout(C);
    if (la.ok && lc.ok && lc.trans == CblasNoTrans) {
      Syrk(la.trans, static_cast<int>(M), static_cast<int>(K), A.p, static_cast<int>(la.ld), C.p, static_cast<int>(lc.ld));
      MirrorUpper(C);
      return;
    }
  }
  BlasLayout la = RowMajorLayout(A), lb = RowMajorLayout(B);
  if (!la.ok) {
    s.a.resize(static_cast<size_t>(M * K));
    A = Pack(A, s.a.data());
    la = RowMajorLayout(A);
  }
  if (!lb.ok) {
    s.b.resize(static_cast<size_t>(K * N));
    B = Pack(B, s.b.data());
    lb = RowMajorLayout(B);
  }
  BlasLayout lc = RowMajorLayout(C);
  if (lc.ok && lc.trans == CblasTrans) {
    // C is column-major: compute C^T = B^T A^T into it as a row-major N x M matrix.
    Gemm(lb.trans == CblasNoTrans ? CblasTrans : CblasNoTrans, la.trans == CblasNoTrans ? CblasTrans : CblasNoTrans,
         static_cast<int>(N), static_cast<int>(M), static_cast<int>(K), B.p, static_cast<int>(lb.ld), A.p,
         static_cast<int>(la.ld), C.p, static_cast<int>(lc.ld));
    return;
  }
  T* cp = C.p;
  int64_t ldc = lc.ld;
  if (!lc.ok) {
    s.c.resize(static_cast<size_t>(M * N));
    cp = s.c.data();
    ldc = N;
  }
  Gemm(la.trans, lb.trans, static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), A.p,
       static_cast<int>(la.ld), B.p, static_cast<int>(lb.ld), cp, static_cast<int>(ldc));
  if (!lc.ok)
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = 0; j < N; j++) C.at(i, j) = cp[i * N + j];
}

// int32 has no BLAS: a plain loop with NumPy's wrapping arithmetic.
void MatmulOne(Mat<int32_t> A, Mat<int32_t> B, Mat<int32_t> C, Scratch<int32_t>&) {
  const int64_t M = A.rows, K = A.cols, N = B.cols;
  for (int64_t i = 0; i < M; i++) {
    for (int64_t j = 0; j < N; j++) {
      uint32_t acc = 0;
      for (int64_t k = 0; k < K; k++)
        acc += static_cast<uint32_t>(A.at(i, k)) * static_cast<uint32_t>(B.at(k, j));
      C.at(i, j) = static_cast<int32_t>(acc);
    }
  }
}

template <typename T>
void MatmulBatch(const Operand& a, const Operand& b, const Operand& c, int64_t nb, const int64_t* batch,
                 int64_t M, int64_t N, int64_t K) {
  const Operand* ops[3] = {&a, &b, &c};
  StridedLoop<3> loop(nb, batch, ops);
  const int64_t base[3] = {a.offset, b.offset, c.offset};
  Scratch<T> scratch;
  T* pa = reinterpret_cast<T*>(a.buf.data);
  T* pb = reinterpret_cast<T*>(b.buf.data);
  T* pc = reinterpret_cast<T*>(c.buf.data);
  loop.ForRange(0, loop.size, base, [&](const int64_t* off, int64_t n, const int64_t* s) {
    for (int64_t i = 0; i < n; i++) {
      Mat<T> A{pa + off[0] + i * s[0], M, K, a.strides[nb], a.strides[nb + 1]};
      Mat<T> B{pb + off[1] + i * s[1], K, N, b.strides[nb], b.strides[nb + 1]};
      Mat<T> C{pc + off[2] + i * s[2], M, N, c.strides[nb], c.strides[nb + 1]};
      MatmulOne(A, B, C, scratch);
    }
  });
}

// matmul(a, b, out) (and matmulAsync) with meta = [a, b, out dtypes, nb, batch..., M, N, K, a layout, b layout, out layout], each
// layout = [offset, nb batch strides, row stride, col stride]. All three share one dtype.
template <bool Async>
Napi::Value MatmulOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Operand a, b, c;
  Meta meta;
  int64_t nb, M, N, K;
  int64_t shape[kMaxDims + 2];
  DType da, db, dc;
  if (!meta.Init(env) || !meta.Kind(&da) || !meta.Kind(&db) || !meta.Kind(&dc) ||
      !GetOperandBuffer(env, info[0], da, "a", &a.buf) || !GetOperandBuffer(env, info[1], db, "b", &b.buf) ||
      !GetOperandBuffer(env, info[2], dc, "out", &c.buf) || !meta.Next(0, kMaxDims - 2, &nb) ||
      !meta.Shape(nb, shape) || !meta.Shape(1, &M) || !meta.Shape(1, &N) || !meta.Shape(1, &K) ||
      !meta.Layout(nb + 2, &a) || !meta.Layout(nb + 2, &b) || !meta.Layout(nb + 2, &c))
    return env.Undefined();
  if (a.buf.dtype != b.buf.dtype || a.buf.dtype != c.buf.dtype) {
    ThrowType(env, "matmul operands must share one dtype");
    return env.Undefined();
  }
  if (M > INT32_MAX || N > INT32_MAX || K > INT32_MAX) {
    ThrowRange(env, "matrix dimensions exceed BLAS's 32-bit limit");
    return env.Undefined();
  }
  shape[nb] = M, shape[nb + 1] = K;
  if (!CheckBounds(env, "a", nb + 2, shape, a)) return env.Undefined();
  shape[nb] = K, shape[nb + 1] = N;
  if (!CheckBounds(env, "b", nb + 2, shape, b)) return env.Undefined();
  shape[nb] = M, shape[nb + 1] = N;
  if (!CheckBounds(env, "out", nb + 2, shape, c)) return env.Undefined();
  if (ShapeSize(nb, shape) < 0) {
    ThrowRange(env, "shape is too large");
    return env.Undefined();
  }
  return RunWork(info, Async, [=](WorkStatus&) {
    // OpenBLAS hands a gemv of more than 9216 elements, and small gemms, to its second thread,
    // which then costs more than it saves: (16 x 768) @ 768 took 5.8 µs on two threads and 2.0 µs
    // on one, 256 x 256 10.8 against 7.0 µs; at 512 x 512 they tie. Such products run
    // single-threaded when SmallWorkBegin allows it (never beside async work, see async.h).
    const double work = static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
    const bool gemv = M == 1 || N == 1;
    const bool single = work > kSmallProduct && work < (gemv ? kSingleThreadGemv : kSingleThreadGemm) && SmallWorkBegin();
    VisitDType(a.buf.dtype, [&](auto t) { MatmulBatch<decltype(t)>(a, b, c, nb, shape, M, N, K); });
    if (single) SmallWorkEnd();
  });
}

// The one-pass covariance behind PCA: for X (rows x cols, any non-negative strides) and a shift
// s (the mean of X's first rows), gram = (X - s)^T (X - s) with both triangles (accumulated in X's
// type, as any syrk is) and sums = column sums of X - s (in double); the caller forms
// mean = s + sums / rows and the covariance (gram - sums sums^T / rows) / (rows - 1). Shifting
// first is what keeps this exact where scikit-learn's X^T X - n mean mean^T is not: with features
// of mean 1e6 and spread 1 that subtraction cancels 12 of 16 digits; shifted, the two terms are of
// the spread's size. X is read once: each block of rows is shifted into a scratch block while its
// sums are taken, then syrk'd from there. With few features (n <= kOwnLoopsMaxCols) a syrk is too
// narrow for OpenBLAS's threads to share well (10000 x 100: 1.9 ms on 2 threads against 3.0 on
// one), so cache-sized blocks are split across our loop threads instead, OpenBLAS
// single-threaded (two callers into its threaded server run slower still), and the partial
// grams added at the end. With more features OpenBLAS's own threading of each syrk does well,
// given blocks of a few thousand rows (blocks of 256 rows made 20000 x 300 1.6x slower than one
// syrk), and no partial grams are needed.
constexpr int64_t kGramBlockBytes = 256 * 1024;
constexpr int64_t kGramWideBlockBytes = 8 * 1024 * 1024;
constexpr int64_t kGramMinBlockRows = 256;  // a syrk over fewer rows than this is packing-bound
constexpr int64_t kOwnLoopsMaxCols = 256;
constexpr int64_t kShiftRows = 256;

// Whether X^T X - n m m^T keeps enough digits without a shift: it cancels about log10(1 + m^2 /
// var) of them per feature. The first rows give m and a variance, which understates the whole
// column's by at most a factor head / rows. Doubles may lose 3 of their 16 digits, floats 1.
template <typename T>
bool OffsetsAreSmall(const T* x, int64_t head, int64_t rows, int64_t cols, int64_t rs, int64_t cs, const double* mean) {
  const double limit = (sizeof(T) == 8 ? 1e3 : 1e1) * static_cast<double>(head) / static_cast<double>(rows);
  for (int64_t j = 0; j < cols; j++) {
    double var = 0;
    for (int64_t i = 0; i < head; i++) {
      const double d = static_cast<double>(x[i * rs + j * cs]) - mean[j];
      var += d * d;
    }
    if (!(mean[j] * mean[j] <= limit * var / static_cast<double>(head))) return false;  // NaN: shift
  }
  return true;
}

// gram = X^T X by one (OpenBLAS-threaded) syrk straight over X, sums = its column sums: for wide
// X, where the syrk's O(rows cols^2) dwarfs everything else and copying X into shifted blocks
// would cost 15-20% (10000 x 1000). False when BLAS cannot take X's layout.
template <typename T>
bool UnshiftedGram(const T* x, int64_t rows, int64_t cols, int64_t rs, int64_t cs, T* gram, double* sums) {
  const bool rowMajor = cs == 1 && rs >= cols, colMajor = rs == 1 && cs >= rows;
  const int64_t ld = rowMajor ? rs : cs;
  if (!(rowMajor || colMajor) || rows > INT32_MAX || ld > INT32_MAX) return false;
  // Each thread sums a range of columns (streaming rows in the row-major case).
  ParallelFor(cols, 64, [&](int64_t c0, int64_t c1) {
    if (rowMajor) {
      for (int64_t i = 0; i < rows; i++)
        for (int64_t j = c0; j < c1; j++) sums[j] += static_cast<double>(x[i * rs + j]);
    } else {
      for (int64_t j = c0; j < c1; j++) {
        double acc = 0;
        for (int64_t i = 0; i < rows; i++) acc += static_cast<double>(x[i + j * cs]);
        sums[j] = acc;
      }
    }
  });
  // Row-major X is a (rows x cols) A with C = A^T A; column-major X is stored as A^T, C = A A^T.
  Syrk(rowMajor ? CblasTrans : CblasNoTrans, static_cast<int>(cols), static_cast<int>(rows), x, static_cast<int>(ld), gram,
       static_cast<int>(cols));
  MirrorUpper(Mat<T>{gram, cols, cols, cols, 1});
  return true;
}

template <typename T>
void ShiftedGram(const T* x, int64_t rows, int64_t cols, int64_t rs, int64_t cs, T* gram, double* sums, double* shift) {
  const int64_t head = std::min(rows, kShiftRows);
  std::fill(shift, shift + cols, 0.0);
  for (int64_t i = 0; i < head; i++)
    for (int64_t j = 0; j < cols; j++) shift[j] += static_cast<double>(x[i * rs + j * cs]);
  std::vector<T> shiftT(static_cast<size_t>(cols));
  for (int64_t j = 0; j < cols; j++) {
    // An Inf or NaN among the first rows must not become the shift (Inf - Inf is NaN; a column
    // holding Inf further down would still average to Inf): such a column is not shifted.
    const double m = head > 0 ? shift[j] / static_cast<double>(head) : 0.0;
    shiftT[j] = std::isfinite(static_cast<T>(m)) ? static_cast<T>(m) : T(0);
    shift[j] = static_cast<double>(shiftT[j]);  // exactly what was subtracted
  }
  std::fill(sums, sums + cols, 0.0);
  if (cols == 0) return;
  // Data whose first rows show no large offset needs no shift: then the blocks are syrk'd
  // straight from X (row-major X: no scratch copy at all), or, wide, one syrk covers all of X.
  const bool unshifted = rows > 0 && OffsetsAreSmall(x, head, rows, cols, rs, cs, shift);
  if (unshifted) {
    std::fill(shift, shift + cols, 0.0);
    std::fill(shiftT.begin(), shiftT.end(), T(0));
    if (cols > kOwnLoopsMaxCols && UnshiftedGram(x, rows, cols, rs, cs, gram, sums)) return;
  }
  const bool inPlace = unshifted && cs == 1 && rs >= cols && rs <= INT32_MAX;

  const int64_t rowBytes = static_cast<int64_t>(sizeof(T)) * cols;
  const int64_t cacheRows = std::max(kGramMinBlockRows, kGramBlockBytes / rowBytes);
  struct OwnLoops {
    bool on;
    ~OwnLoops() {
      if (on) OwnLoopsEnd();
    }
  } own{cols <= kOwnLoopsMaxCols && rows >= 2 * cacheRows && OwnLoopsBegin()};
  // Our threads take cache-sized blocks; OpenBLAS's threads want long ones (each syrk call is
  // split among them, and a short one is mostly synchronisation).
  const int64_t blockRows = std::min(rows, own.on ? cacheRows : std::max(kGramMinBlockRows, kGramWideBlockBytes / rowBytes));
  const int64_t parts = own.on ? std::max<int64_t>(1, std::min<int64_t>(LoopThreads().load(), rows / blockRows)) : 1;
  // Everything the parts need is allocated here, where a bad_alloc still reaches the caller.
  std::vector<T> partial(static_cast<size_t>((parts - 1) * cols * cols));
  std::vector<double> partSums(static_cast<size_t>(parts * cols), 0.0);
  std::vector<T> blocks(inPlace ? 0 : static_cast<size_t>(parts * blockRows * cols));
  const int64_t perPart = (rows + parts - 1) / parts;
  const int n = static_cast<int>(cols);
  ParallelFor(parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t part = p0; part < p1; part++) {
      T* g = part == 0 ? gram : partial.data() + (part - 1) * cols * cols;
      double* ps = partSums.data() + part * cols;
      T* block = blocks.data() + part * blockRows * cols;
      const int64_t r0 = part * perPart, r1 = std::min(rows, r0 + perPart);
      if (r0 >= r1) std::fill(g, g + cols * cols, T(0));
      for (int64_t r = r0; r < r1; r += blockRows) {
        const int64_t nr = std::min(blockRows, r1 - r);
        const T* src = x + r * rs;
        if (inPlace) {
          for (int64_t i = 0; i < nr; i++)
            for (int64_t j = 0; j < cols; j++) ps[j] += static_cast<double>(src[i * rs + j]);
          // The sums pass has just brought the block into cache for the syrk.
          Syrk(CblasTrans, n, static_cast<int>(nr), src, static_cast<int>(rs), g, n, r == r0 ? 0.0 : 1.0);
          continue;
        }
        if (cs == 1 || rs > cs) {  // along rows (C order)
          for (int64_t i = 0; i < nr; i++)
            for (int64_t j = 0; j < cols; j++) {
              const T v = src[i * rs + j * cs] - shiftT[j];
              block[i * cols + j] = v;
              ps[j] += static_cast<double>(v);
            }
        } else {  // down columns (Fortran order): read each column's run of rows in order
          for (int64_t j = 0; j < cols; j++) {
            double acc = 0;
            for (int64_t i = 0; i < nr; i++) {
              const T v = src[i * rs + j * cs] - shiftT[j];
              block[i * cols + j] = v;
              acc += static_cast<double>(v);
            }
            ps[j] += acc;
          }
        }
        Syrk(CblasTrans, n, static_cast<int>(nr), block, n, g, n, r == r0 ? 0.0 : 1.0);
      }
    }
  });
  for (int64_t j = 0; j < cols; j++) {
    double acc = 0;
    for (int64_t part = 0; part < parts; part++) acc += partSums[part * cols + j];
    sums[j] = acc;
  }
  for (int64_t part = 1; part < parts; part++) {
    const T* g = partial.data() + (part - 1) * cols * cols;
    for (int64_t i = 0; i < cols; i++)
      for (int64_t j = i; j < cols; j++) gram[i * cols + j] += g[i * cols + j];
  }
  MirrorUpper(Mat<T>{gram, cols, cols, cols, 1});
}

// Rows and strides are bounded only by what a JS number holds exactly: a broadcast X (row stride
// 0) has more rows than its buffer has elements, and a single column's stride is never used. The
// extent check below decides.
constexpr int64_t kMaxSafeInt = (int64_t{1} << 53) - 1;

// shiftedGram(x, offset, rows, cols, rowStride, colStride, gram, sums, shift): see ShiftedGram.
// x (float32 or float64) holds the rows x cols matrix at offset with the given non-negative
// strides; gram has x's dtype and at least cols^2 elements; sums and shift are Float64Arrays of at
// least cols.
template <bool Async>
Napi::Value ShiftedGramOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Buffer x, gram, sums, shift;
  int64_t offset, rows, cols, rs, cs;
  if (!GetBuffer(env, info[0], "x", &x) || !ArgInt(env, info[1], "offset", 0, x.length, &offset) ||
      !ArgInt(env, info[2], "rows", 0, kMaxSafeInt, &rows) || !ArgInt(env, info[3], "cols", 0, INT32_MAX, &cols) ||
      !ArgInt(env, info[4], "rowStride", 0, kMaxSafeInt, &rs) || !ArgInt(env, info[5], "colStride", 0, kMaxSafeInt, &cs) ||
      !GetBuffer(env, info[6], "gram", &gram) || !GetBuffer(env, info[7], "sums", &sums) ||
      !GetBuffer(env, info[8], "shift", &shift))
    return env.Undefined();
  if (x.dtype == DType::Int32 || gram.dtype != x.dtype || sums.dtype != DType::Float64 || shift.dtype != DType::Float64) {
    ThrowType(env, "shiftedGram takes float32 or float64 x, gram of x's dtype, and float64 sums and shift");
    return env.Undefined();
  }
  // The last element, offset + (rows - 1) rs + (cols - 1) cs, must lie inside x; the products
  // are bounded by division first so that they cannot overflow.
  bool inside = rows == 0 || cols == 0;
  if (!inside && offset < x.length) {
    const int64_t room = x.length - 1 - offset;
    const int64_t rowSpan = rs == 0 || rows - 1 <= room / rs ? (rows - 1) * rs : room + 1;
    inside = rowSpan <= room && (cs == 0 || cols - 1 <= (room - rowSpan) / cs);
  }
  if (!inside || cols * cols > gram.length || cols > sums.length || cols > shift.length) {
    ThrowRange(env, "shiftedGram: a buffer is too small for rows x cols");
    return env.Undefined();
  }
  return RunWork(info, Async, [=](WorkStatus&) {
    if (x.dtype == DType::Float64)
      ShiftedGram(reinterpret_cast<const double*>(x.data) + offset, rows, cols, rs, cs, reinterpret_cast<double*>(gram.data),
                  reinterpret_cast<double*>(sums.data), reinterpret_cast<double*>(shift.data));
    else
      ShiftedGram(reinterpret_cast<const float*>(x.data) + offset, rows, cols, rs, cs, reinterpret_cast<float*>(gram.data),
                  reinterpret_cast<double*>(sums.data), reinterpret_cast<double*>(shift.data));
  });
}

}  // namespace

Napi::Value PackedOperands(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(packedOperands.load()));
}

void InitBlas(Napi::Env env, Napi::Object exports) {
  ExportTwins<MatmulOp<false>, MatmulOp<true>>(env, exports, "matmul");
  ExportTwins<ShiftedGramOp<false>, ShiftedGramOp<true>>(env, exports, "shiftedGram");
  exports.Set("packedOperands", Napi::Function::New(env, PackedOperands, "packedOperands"));
}

}  // namespace tb
