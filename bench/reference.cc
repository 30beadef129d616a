// The no-overhead reference for bench/run.js: each operation done directly with OpenBLAS (gemm,
// gemv) or a plain C++ loop, timed like the tensorblas and NumPy measurements, printed as one JSON line.
//
//   blas_reference matmul N [float64|float32]   C = A B, N x N (dgemm / sgemm)
//   blas_reference matvec M N                   y = A x (dgemv)
//   blas_reference add N                        c = a + b, float64 vectors
//   blas_reference broadcast_add M N            C = A + b, (M x N) + (N,)
//   blas_reference sum N                        s = sum(a)
//   blas_reference transpose M N                B = A^T materialized (N x M), 32 x 32 tiles
//   LAPACK, float64, through LAPACKE's *_work functions (LAPACK_COL_MAJOR), the routine tensorblas calls:
//   blas_reference inv N                        dgesv against the identity
//   blas_reference solve N                      dgesv, one right-hand side (b of shape (N,))
//   blas_reference det N                        dgetrf, sign and log|det| from the diagonal and pivots
//   blas_reference qr N                         dgeqrf + dorgqr, reduced Q (N x N) and R
//   blas_reference cholesky N                   dpotrf, other triangle zeroed
//   blas_reference svd N                        dgesdd jobz='A' (U, s, VT)
//   blas_reference eigh N                       dsyevd jobz='V'
//   blas_reference eig N                        dgeev jobvl='N' jobvr='V'
//   blas_reference lstsq M N                    dgelsd, b of shape (M,), rcond = eps * max(M, N)
//   blas_reference pca M N K                    center, dsyrk of the N x N covariance, dsyevd, top K
//   blas_reference cdist M N K                  euclidean, (M x K) vs (N x K): norms + one dgemm
//                                               (|x|^2 + |y|^2 - 2 x.y), clamped at 0, sqrt
//   blas_reference config                       the loaded OpenBLAS
// Options: --budget SECONDS (default 0.5), --alloc malloc|hugepage|reuse (default malloc).
//
// Every rep allocates its output, as a library returning a fresh array must: plain malloc by default
// (--alloc hugepage: 2 MiB-aligned + MADV_HUGEPAGE, --alloc reuse: one buffer for all reps, the
// floor). The loops (add, broadcast_add, sum, transpose) split across openblas_get_num_threads()
// std::threads (spawned per call, as tensorblas does) when each thread gets >= 2^18 elements.
// LAPACK cases: workspaces are queried (lwork = -1) and allocated once, outside the timed loop;
// each call makes the one input copy LAPACK needs (it overwrites its input) into a preallocated
// buffer and allocates the results the library would return (factors, vectors, values).
#include <cblas.h>
#include <lapacke.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Keeps the compiler from discarding a result it can prove is never read.
inline void Escape(const void* p) { asm volatile("" : : "g"(p) : "memory"); }

enum class Alloc { Malloc, HugePage, Reuse };
Alloc g_alloc = Alloc::Malloc;
void* g_reuse = nullptr;
size_t g_reuse_bytes = 0;

void* AllocOut(size_t bytes) {
  switch (g_alloc) {
    case Alloc::Reuse:
      if (bytes > g_reuse_bytes) {
        std::free(g_reuse);
        g_reuse = std::malloc(bytes);
        g_reuse_bytes = bytes;
        std::memset(g_reuse, 0, bytes);
      }
      return g_reuse;
    case Alloc::HugePage:
      if (bytes >= (size_t{4} << 20)) {
        const size_t align = size_t{2} << 20;
        size_t rounded = (bytes + align - 1) / align * align;
        void* p = std::aligned_alloc(align, rounded);
        if (p) madvise(p, rounded, MADV_HUGEPAGE);
        return p;
      }
      return std::malloc(bytes);
    case Alloc::Malloc:
    default:
      return std::malloc(bytes);
  }
}

void FreeOut(void* p) {
  if (g_alloc != Alloc::Reuse) std::free(p);
}

// Keeps the outputs alive as far as the optimizer can tell (all of them first), then frees them.
template <typename... P>
void Release(P*... outputs) {
  (Escape(outputs), ...);
  (FreeOut(outputs), ...);
}

int Threads() { return std::max(1, openblas_get_num_threads()); }

// fn(begin, end) over [0, n), split like tensorblas's ParallelFor.
template <typename Fn>
void ParallelFor(int64_t n, int64_t grain, Fn&& fn) {
  int64_t threads = std::min<int64_t>(Threads(), n / std::max<int64_t>(grain, 1));
  if (threads <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  int64_t chunk = (n + threads - 1) / threads;
  for (int64_t t = 1; t < threads; t++) {
    int64_t b = t * chunk, e = std::min(n, b + chunk);
    if (b < e) pool.emplace_back([&fn, b, e] { fn(b, e); });
  }
  fn(int64_t{0}, std::min(n, chunk));
  for (auto& th : pool) th.join();
}
constexpr int64_t kGrain = int64_t{1} << 18;

// tensorblas's generator (lib/random.ts): xoshiro128** seeded through a splitmix32-style mixer,
// doubles with 53 random bits. The reference draws exactly the numbers tensorblas's rand() draws
// for the same seed, so routines whose work depends on the data (eig's QR iterations, the SVD
// inside gelsd) do the same work on both sides.
class Xoshiro128 {
 public:
  explicit Xoshiro128(uint32_t seed) {
    uint32_t x = seed;
    auto next = [&x] {
      x += 0x9e3779b9u;
      uint32_t z = x;
      z = (z ^ (z >> 16)) * 0x85ebca6bu;
      z = (z ^ (z >> 13)) * 0xc2b2ae35u;
      return z ^ (z >> 16);
    };
    for (auto& word : s_) word = next();
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }
  uint32_t NextUint32() {
    const uint32_t r = Rotl(s_[1] * 5, 7) * 9;
    const uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 11);
    return r;
  }
  double NextDouble() {
    const uint32_t a = NextUint32() >> 5, b = NextUint32() >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

 private:
  static uint32_t Rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  uint32_t s_[4];
};

// rand(n, { seed }) of tensorblas, element for element (row-major order for a matrix).
template <typename T>
std::vector<T> Random(size_t n, unsigned seed) {
  Xoshiro128 g(seed);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(g.NextDouble());
  return v;
}

// The m x n row-major matrix `a` in column-major order: what tensorblas hands LAPACK after its
// transposing input copy (eig, lstsq), made once outside the timed loop so that LAPACK sees the
// same matrix on both sides.
std::vector<double> ColumnMajor(const std::vector<double>& a, int m, int n) {
  std::vector<double> c(a.size());
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) c[i + size_t(j) * m] = a[size_t(i) * n + j];
  return c;
}

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

struct Result {
  double median, min;
  int64_t reps, samples, inner;
};

// The timing scheme shared with bench/ops.js and bench/numpy_ops.py: warm up for ~10% of the budget
// (at least 2 calls), size samples to ~budget/50 (at least 1 ms) each, take samples until the
// budget is spent (at least 5), report the median and the minimum per-call time.
Result Time(const std::function<void()>& op, double budget) {
  auto start = Clock::now();
  int64_t calls = 0;
  double last = 0;
  while (calls < 2 || Seconds(start, Clock::now()) < 0.1 * budget) {
    auto t0 = Clock::now();
    op();
    last = Seconds(t0, Clock::now());
    calls++;
  }
  const double target = std::max(1e-3, budget / 50);
  int64_t inner = std::max<int64_t>(1, static_cast<int64_t>(target / std::max(last, 1e-9)));
  std::vector<double> per;
  auto begin = Clock::now();
  while (per.size() < 5 || (Seconds(begin, Clock::now()) < budget && per.size() < 10000)) {
    auto t0 = Clock::now();
    for (int64_t i = 0; i < inner; i++) op();
    per.push_back(Seconds(t0, Clock::now()) / static_cast<double>(inner));
  }
  std::vector<double> sorted = per;
  std::sort(sorted.begin(), sorted.end());
  size_t n = sorted.size();
  double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  return {median, sorted[0], static_cast<int64_t>(n) * inner, static_cast<int64_t>(n), inner};
}

void Print(const std::string& op, const std::string& shape, const char* dtype, const Result& r) {
  const char* alloc = g_alloc == Alloc::Malloc ? "malloc" : g_alloc == Alloc::HugePage ? "hugepage" : "reuse";
  std::printf(
      "{\"impl\":\"reference\",\"op\":\"%s\",\"shape\":%s,\"dtype\":\"%s\",\"seconds_per_op\":%.6e,"
      "\"min_seconds_per_op\":%.6e,\"reps\":%lld,\"samples\":%lld,\"inner\":%lld,\"threads\":%d,\"alloc\":\"%s\"}\n",
      op.c_str(), shape.c_str(), dtype, r.median, r.min, static_cast<long long>(r.reps),
      static_cast<long long>(r.samples), static_cast<long long>(r.inner), Threads(), alloc);
}

template <typename T>
void Gemm(int n, const T* a, const T* b, T* c);
template <>
void Gemm<double>(int n, const double* a, const double* b, double* c) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
}
template <>
void Gemm<float>(int n, const float* a, const float* b, float* c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
}

template <typename T>
Result Matmul(int n, double budget) {
  auto a = Random<T>(size_t(n) * n, 1), b = Random<T>(size_t(n) * n, 2);
  return Time(
      [&] {
        T* c = static_cast<T*>(AllocOut(sizeof(T) * n * n));
        Gemm<T>(n, a.data(), b.data(), c);
        Release(c);
      },
      budget);
}

Result Matvec(int m, int n, double budget) {
  auto a = Random<double>(size_t(m) * n, 1), x = Random<double>(n, 2);
  return Time(
      [&] {
        double* y = static_cast<double*>(AllocOut(sizeof(double) * m));
        cblas_dgemv(CblasRowMajor, CblasNoTrans, m, n, 1.0, a.data(), n, x.data(), 1, 0.0, y, 1);
        Release(y);
      },
      budget);
}

Result Add(int64_t n, double budget) {
  auto a = Random<double>(n, 1), b = Random<double>(n, 2);
  const double *pa = a.data(), *pb = b.data();
  return Time(
      [&] {
        double* c = static_cast<double*>(AllocOut(sizeof(double) * n));
        ParallelFor(n, kGrain, [=](int64_t lo, int64_t hi) {
          for (int64_t i = lo; i < hi; i++) c[i] = pa[i] + pb[i];
        });
        Release(c);
      },
      budget);
}

Result BroadcastAdd(int64_t m, int64_t n, double budget) {
  auto a = Random<double>(m * n, 1), b = Random<double>(n, 2);
  const double *pa = a.data(), *pb = b.data();
  return Time(
      [&] {
        double* c = static_cast<double*>(AllocOut(sizeof(double) * m * n));
        ParallelFor(m, std::max<int64_t>(1, kGrain / n), [=](int64_t lo, int64_t hi) {
          for (int64_t i = lo; i < hi; i++) {
            const double* ra = pa + i * n;
            double* rc = c + i * n;
            for (int64_t j = 0; j < n; j++) rc[j] = ra[j] + pb[j];
          }
        });
        Release(c);
      },
      budget);
}

double SumRange(const double* x, int64_t n) {
  double r[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) r[j] += x[i + j];
  double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < n; i++) s += x[i];
  return s;
}

Result Sum(int64_t n, double budget) {
  auto a = Random<double>(n, 1);
  const double* pa = a.data();
  volatile double sink = 0;
  return Time(
      [&] {
        double parts[64] = {0};
        int64_t threads = std::max<int64_t>(1, std::min<int64_t>({64, Threads(), n / kGrain}));
        int64_t chunk = (n + threads - 1) / threads;
        ParallelFor(threads, 1, [&](int64_t lo, int64_t hi) {
          for (int64_t t = lo; t < hi; t++) {
            int64_t b = t * chunk, e = std::min(n, b + chunk);
            parts[t] = b < e ? SumRange(pa + b, e - b) : 0;
          }
        });
        double s = 0;
        for (int64_t t = 0; t < threads; t++) s += parts[t];
        sink = s;
      },
      budget);
}

Result Transpose(int64_t m, int64_t n, double budget) {
  auto a = Random<double>(m * n, 1);
  const double* pa = a.data();
  constexpr int64_t kTile = 32;
  const int64_t tiles = (n + kTile - 1) / kTile;  // output row blocks
  return Time(
      [&] {
        double* out = static_cast<double*>(AllocOut(sizeof(double) * m * n));  // n x m
        ParallelFor(tiles, std::max<int64_t>(1, kGrain / (kTile * m)), [=](int64_t lo, int64_t hi) {
          for (int64_t jb = lo * kTile; jb < std::min(n, hi * kTile); jb += kTile) {
            int64_t je = std::min(n, jb + kTile);
            for (int64_t ib = 0; ib < m; ib += kTile) {
              int64_t ie = std::min(m, ib + kTile);
              for (int64_t j = jb; j < je; j++)
                for (int64_t i = ib; i < ie; i++) out[j * m + i] = pa[i * n + j];
            }
          }
        });
        Release(out);
      },
      budget);
}

// ---- LAPACK ------------------------------------------------------------------------------------
// Inputs are column-major (a random buffer is as good read either way); symmetric ones are
// symmetric, so their layout does not matter.

void Check(lapack_int info, const char* routine) {
  if (info != 0) {
    std::fprintf(stderr, "error: %s returned info = %d\n", routine, static_cast<int>(info));
    std::exit(1);
  }
}

lapack_int Lwork(double query) { return static_cast<lapack_int>(query * (1 + 1e-6)) + 1; }

double* Out(size_t n) { return static_cast<double*>(AllocOut(sizeof(double) * n)); }

// I + U/n, U uniform [0, 1): well-conditioned (eigenvalues within ~1 +- 0.05, one near 1.5), so
// inv/solve are accurate and det stays finite.
std::vector<double> WellConditioned(int n, unsigned seed) {
  auto a = Random<double>(size_t(n) * n, seed);
  for (auto& x : a) x /= n;
  for (int i = 0; i < n; i++) a[size_t(i) * n + i] += 1;
  return a;
}

// U U^T + n I: symmetric positive definite (cholesky).
std::vector<double> Spd(int n, unsigned seed) {
  auto u = Random<double>(size_t(n) * n, seed);
  std::vector<double> s(size_t(n) * n);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0, u.data(), n, u.data(), n, 0.0, s.data(), n);
  for (int i = 0; i < n; i++) s[size_t(i) * n + i] += n;
  return s;
}

// U + U^T: symmetric (eigh).
std::vector<double> Symmetric(int n, unsigned seed) {
  auto u = Random<double>(size_t(n) * n, seed);
  std::vector<double> s(size_t(n) * n);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) s[i + size_t(j) * n] = u[i + size_t(j) * n] + u[j + size_t(i) * n];
  return s;
}

Result Inv(int n, double budget) {
  auto a = WellConditioned(n, 1);
  std::vector<double> lu(size_t(n) * n);
  std::vector<lapack_int> ipiv(n);
  return Time(
      [&] {
        std::memcpy(lu.data(), a.data(), sizeof(double) * n * n);
        double* x = Out(size_t(n) * n);
        std::memset(x, 0, sizeof(double) * n * n);
        for (int i = 0; i < n; i++) x[size_t(i) * n + i] = 1;
        Check(LAPACKE_dgesv_work(LAPACK_COL_MAJOR, n, n, lu.data(), n, ipiv.data(), x, n), "dgesv");
        Release(x);
      },
      budget);
}

Result Solve(int n, double budget) {
  auto a = WellConditioned(n, 1);
  auto b = Random<double>(n, 2);
  std::vector<double> lu(size_t(n) * n);
  std::vector<lapack_int> ipiv(n);
  return Time(
      [&] {
        std::memcpy(lu.data(), a.data(), sizeof(double) * n * n);
        double* x = Out(n);
        std::memcpy(x, b.data(), sizeof(double) * n);
        Check(LAPACKE_dgesv_work(LAPACK_COL_MAJOR, n, 1, lu.data(), n, ipiv.data(), x, n), "dgesv");
        Release(x);
      },
      budget);
}

Result Det(int n, double budget) {
  auto a = WellConditioned(n, 1);
  std::vector<double> lu(size_t(n) * n);
  std::vector<lapack_int> ipiv(n);
  volatile double sink = 0;
  return Time(
      [&] {
        std::memcpy(lu.data(), a.data(), sizeof(double) * n * n);
        lapack_int info = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, n, n, lu.data(), n, ipiv.data());
        if (info < 0) Check(info, "dgetrf");
        double sign = 1, logabs = 0;
        if (info > 0) {
          sign = 0;
          logabs = -INFINITY;
        } else {
          for (int i = 0; i < n; i++) {
            const double d = lu[size_t(i) * n + i];
            if (ipiv[i] != i + 1) sign = -sign;
            if (d < 0) sign = -sign;
            logabs += std::log(std::abs(d));
          }
        }
        sink = sign * std::exp(logabs);
      },
      budget);
}

// Reduced QR of an m x n matrix (here square): R (k x n, row-major as returned) read out of the
// factored copy, the reflectors copied into Q (m x k, column-major) and expanded there by dorgqr.
Result Qr(int m, int n, double budget) {
  const int k = std::min(m, n);
  auto a = Random<double>(size_t(m) * n, 1);
  std::vector<double> f(size_t(m) * n), tau(k);
  double q1 = 0, q2 = 0;
  Check(LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, f.data(), m, tau.data(), &q1, -1), "dgeqrf query");
  Check(LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, k, k, f.data(), m, tau.data(), &q2, -1), "dorgqr query");
  std::vector<double> work(std::max(Lwork(q1), Lwork(q2)));
  const lapack_int lwork = static_cast<lapack_int>(work.size());
  return Time(
      [&] {
        std::memcpy(f.data(), a.data(), sizeof(double) * m * n);
        Check(LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, f.data(), m, tau.data(), work.data(), lwork), "dgeqrf");
        double* r = Out(size_t(k) * n);
        for (int i = 0; i < k; i++)
          for (int j = 0; j < n; j++) r[size_t(i) * n + j] = i <= j ? f[i + size_t(j) * m] : 0.0;
        double* q = Out(size_t(m) * k);
        std::memcpy(q, f.data(), sizeof(double) * m * k);
        Check(LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, k, k, q, m, tau.data(), work.data(), lwork), "dorgqr");
        Release(r, q);
      },
      budget);
}

Result Cholesky(int n, double budget) {
  auto s = Spd(n, 1);
  return Time(
      [&] {
        double* l = Out(size_t(n) * n);
        std::memcpy(l, s.data(), sizeof(double) * n * n);
        Check(LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', n, l, n), "dpotrf");
        for (int j = 1; j < n; j++) std::memset(l + size_t(j) * n, 0, sizeof(double) * j);  // upper triangle
        Release(l);
      },
      budget);
}

Result Svd(int m, int n, double budget) {
  const int k = std::min(m, n);
  auto a = Random<double>(size_t(m) * n, 1);
  std::vector<double> buf(size_t(m) * n);
  std::vector<lapack_int> iwork(8 * size_t(k));
  double query = 0, dummy = 0;
  Check(LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'A', m, n, buf.data(), m, &dummy, &dummy, m, &dummy, n, &query, -1, iwork.data()),
        "dgesdd query");
  std::vector<double> work(Lwork(query));
  const lapack_int lwork = static_cast<lapack_int>(work.size());
  return Time(
      [&] {
        std::memcpy(buf.data(), a.data(), sizeof(double) * m * n);
        double* s = Out(k);
        double* u = Out(size_t(m) * m);
        double* vt = Out(size_t(n) * n);
        Check(LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'A', m, n, buf.data(), m, s, u, m, vt, n, work.data(), lwork, iwork.data()),
              "dgesdd");
        Release(s, u, vt);
      },
      budget);
}

// dsyevd jobz='V' of a symmetric n x n matrix into v (n x n) and w (n); work, iwork preallocated.
struct Syevd {
  std::vector<double> work;
  std::vector<lapack_int> iwork;
  explicit Syevd(int n) {
    double q = 0, dummy = 0;
    lapack_int iq = 0;
    Check(LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'L', n, &dummy, n, &dummy, &q, -1, &iq, -1), "dsyevd query");
    work.resize(Lwork(q));
    iwork.resize(std::max<lapack_int>(1, iq));
  }
  void operator()(int n, double* v, double* w) {
    Check(LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'L', n, v, n, w, work.data(), static_cast<lapack_int>(work.size()),
                              iwork.data(), static_cast<lapack_int>(iwork.size())),
          "dsyevd");
  }
};

Result Eigh(int n, double budget) {
  auto s = Symmetric(n, 1);
  Syevd syevd(n);
  return Time(
      [&] {
        double* v = Out(size_t(n) * n);
        double* w = Out(n);
        std::memcpy(v, s.data(), sizeof(double) * n * n);
        syevd(n, v, w);
        Release(v, w);
      },
      budget);
}

Result Eig(int n, double budget) {
  auto a = ColumnMajor(Random<double>(size_t(n) * n, 1), n, n);
  std::vector<double> f(size_t(n) * n);
  double query = 0, dummy = 0;
  Check(LAPACKE_dgeev_work(LAPACK_COL_MAJOR, 'N', 'V', n, f.data(), n, &dummy, &dummy, &dummy, 1, &dummy, n, &query, -1),
        "dgeev query");
  std::vector<double> work(Lwork(query));
  const lapack_int lwork = static_cast<lapack_int>(work.size());
  return Time(
      [&] {
        std::memcpy(f.data(), a.data(), sizeof(double) * n * n);
        double* wr = Out(n);
        double* wi = Out(n);
        double* vr = Out(size_t(n) * n);
        double vl = 0;
        Check(LAPACKE_dgeev_work(LAPACK_COL_MAJOR, 'N', 'V', n, f.data(), n, wr, wi, &vl, 1, vr, n, work.data(), lwork), "dgeev");
        Release(wr, wi, vr);
      },
      budget);
}

// Minimum-norm least squares, one right-hand side: x (n) and the singular values s (min(m, n)).
Result Lstsq(int m, int n, double budget) {
  const int k = std::min(m, n), ldb = std::max(m, n);
  auto a = ColumnMajor(Random<double>(size_t(m) * n, 1), m, n);
  auto b = Random<double>(m, 2);
  std::vector<double> fa(size_t(m) * n), fb(ldb, 0.0);
  const double rcond = std::numeric_limits<double>::epsilon() * std::max(m, n);
  double query = 0, dummy = 0;
  lapack_int iquery = 0, rank = 0;
  Check(LAPACKE_dgelsd_work(LAPACK_COL_MAJOR, m, n, 1, fa.data(), m, fb.data(), ldb, &dummy, rcond, &rank, &query, -1, &iquery),
        "dgelsd query");
  std::vector<double> work(Lwork(query));
  std::vector<lapack_int> iwork(std::max<lapack_int>(1, iquery));
  const lapack_int lwork = static_cast<lapack_int>(work.size());
  return Time(
      [&] {
        std::memcpy(fa.data(), a.data(), sizeof(double) * m * n);
        std::memcpy(fb.data(), b.data(), sizeof(double) * m);
        double* s = Out(k);
        Check(LAPACKE_dgelsd_work(LAPACK_COL_MAJOR, m, n, 1, fa.data(), m, fb.data(), ldb, s, rcond, &rank, work.data(), lwork,
                                  iwork.data()),
              "dgelsd");
        double* x = Out(n);
        std::memcpy(x, fb.data(), sizeof(double) * n);
        Release(s, x);
      },
      budget);
}

// PCA of X (m samples x n features, row-major) to k components, the covariance route for m >> n:
// column means, centered copy (preallocated scratch), C = Xc^T Xc / (m - 1) by dsyrk (n x n),
// dsyevd, then the top k eigenvectors as components (sign-normalized like scikit-learn: the
// largest-magnitude entry of each positive), their variances and variance ratios.
Result Pca(int m, int n, int k, double budget) {
  auto x = Random<double>(size_t(m) * n, 1);
  std::vector<double> xc(size_t(m) * n), cov(size_t(n) * n), w(n);
  Syevd syevd(n);
  const double* px = x.data();
  double* pxc = xc.data();
  return Time(
      [&] {
        double* mean = Out(n);
        // Column means: per-thread partial sums over row blocks.
        const int64_t rowGrain = std::max<int64_t>(1, kGrain / n);
        const int64_t threads = std::max<int64_t>(1, std::min<int64_t>({64, Threads(), m / rowGrain}));
        const int64_t chunk = (m + threads - 1) / threads;
        std::vector<double> parts(size_t(threads) * n, 0.0);
        ParallelFor(threads, 1, [&](int64_t lo, int64_t hi) {
          for (int64_t t = lo; t < hi; t++) {
            double* acc = parts.data() + t * n;
            for (int64_t i = t * chunk; i < std::min<int64_t>(m, (t + 1) * chunk); i++)
              for (int j = 0; j < n; j++) acc[j] += px[i * n + j];
          }
        });
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int64_t t = 0; t < threads; t++) s += parts[t * n + j];
          mean[j] = s / m;
        }
        ParallelFor(m, rowGrain, [=](int64_t lo, int64_t hi) {
          for (int64_t i = lo; i < hi; i++)
            for (int j = 0; j < n; j++) pxc[i * n + j] = px[i * n + j] - mean[j];
        });
        // Row-major upper triangle of Xc^T Xc = column-major lower triangle.
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, m, 1.0 / (m - 1), pxc, n, 0.0, cov.data(), n);
        syevd(n, cov.data(), w.data());  // ascending eigenvalues, eigenvectors in columns
        double total = 0;
        for (int j = 0; j < n; j++) total += w[j];
        double* comp = Out(size_t(k) * n);
        double* var = Out(k);
        double* ratio = Out(k);
        for (int c = 0; c < k; c++) {
          const double* v = cov.data() + size_t(n - 1 - c) * n;
          int big = 0;
          for (int j = 1; j < n; j++)
            if (std::abs(v[j]) > std::abs(v[big])) big = j;
          const double sgn = v[big] < 0 ? -1.0 : 1.0;
          for (int j = 0; j < n; j++) comp[size_t(c) * n + j] = sgn * v[j];
          var[c] = w[n - 1 - c];
          ratio[c] = var[c] / total;
        }
        Release(mean, comp, var, ratio);
      },
      budget);
}

// Euclidean distances between the rows of X (m x k) and Y (n x k): D = -2 X Y^T by one dgemm into
// the output, then sqrt(max(0, D + |x_i|^2 + |y_j|^2)) in place.
Result Cdist(int m, int n, int k, double budget) {
  auto x = Random<double>(size_t(m) * k, 1), y = Random<double>(size_t(n) * k, 2);
  std::vector<double> xx(m), yy(n);
  const double *px = x.data(), *py = y.data();
  double *pxx = xx.data(), *pyy = yy.data();
  return Time(
      [&] {
        for (int i = 0; i < m; i++) {
          double s = 0;
          for (int t = 0; t < k; t++) s += px[size_t(i) * k + t] * px[size_t(i) * k + t];
          pxx[i] = s;
        }
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int t = 0; t < k; t++) s += py[size_t(j) * k + t] * py[size_t(j) * k + t];
          pyy[j] = s;
        }
        double* d = Out(size_t(m) * n);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, -2.0, px, k, py, k, 0.0, d, n);
        ParallelFor(m, std::max<int64_t>(1, kGrain / n), [=](int64_t lo, int64_t hi) {
          for (int64_t i = lo; i < hi; i++) {
            double* row = d + i * n;
            const double xi = pxx[i];
            for (int64_t j = 0; j < n; j++) row[j] = std::sqrt(std::max(0.0, row[j] + xi + pyy[j]));
          }
        });
        Release(d);
      },
      budget);
}

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: blas_reference <matmul N [float64|float32] | matvec M N | add N | broadcast_add M N |\n"
               "                       sum N | transpose M N | inv N | solve N | det N | qr N | cholesky N | svd N |\n"
               "                       eigh N | eig N | lstsq M N | pca M N K | cdist M N K | config>\n"
               "                       [--budget S] [--alloc malloc|hugepage|reuse]\n");
  std::exit(2);
}

int64_t Int(const std::vector<std::string>& a, size_t i) {
  if (i >= a.size()) Usage();
  char* end = nullptr;
  double v = std::strtod(a[i].c_str(), &end);  // accepts 1e7
  if (*end || v < 1 || v > 1e12) Usage();
  return static_cast<int64_t>(v);
}

std::string Json(const char* s) {
  std::string out;
  for (const char* p = s; *p; p++) {
    if (*p == '"' || *p == '\\') out += '\\';
    if (static_cast<unsigned char>(*p) >= 0x20) out += *p;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args;
  double budget = 0.5;
  for (int i = 1; i < argc; i++) {
    std::string s = argv[i];
    if (s == "--budget" && i + 1 < argc) {
      budget = std::atof(argv[++i]);
    } else if (s == "--alloc" && i + 1 < argc) {
      std::string v = argv[++i];
      if (v == "malloc") g_alloc = Alloc::Malloc;
      else if (v == "hugepage") g_alloc = Alloc::HugePage;
      else if (v == "reuse") g_alloc = Alloc::Reuse;
      else Usage();
    } else {
      args.push_back(s);
    }
  }
  if (args.empty()) Usage();
  const std::string& op = args[0];
  if (op == "config") {
    std::printf("{\"impl\":\"reference\",\"config\":\"%s\",\"corename\":\"%s\",\"threads\":%d}\n",
                Json(openblas_get_config()).c_str(), Json(openblas_get_corename()).c_str(), Threads());
  } else if (op == "matmul") {
    int64_t n = Int(args, 1);
    std::string dtype = args.size() > 2 ? args[2] : "float64";
    std::string shape = "[" + std::to_string(n) + "," + std::to_string(n) + "]";
    if (dtype == "float64") Print(op, shape, "float64", Matmul<double>(static_cast<int>(n), budget));
    else if (dtype == "float32") Print(op, shape, "float32", Matmul<float>(static_cast<int>(n), budget));
    else Usage();
  } else if (op == "matvec") {
    int64_t m = Int(args, 1), n = Int(args, 2);
    Print(op, "[" + std::to_string(m) + "," + std::to_string(n) + "]", "float64",
          Matvec(static_cast<int>(m), static_cast<int>(n), budget));
  } else if (op == "add") {
    int64_t n = Int(args, 1);
    Print(op, "[" + std::to_string(n) + "]", "float64", Add(n, budget));
  } else if (op == "broadcast_add") {
    int64_t m = Int(args, 1), n = Int(args, 2);
    Print(op, "[" + std::to_string(m) + "," + std::to_string(n) + "]", "float64", BroadcastAdd(m, n, budget));
  } else if (op == "sum") {
    int64_t n = Int(args, 1);
    Print(op, "[" + std::to_string(n) + "]", "float64", Sum(n, budget));
  } else if (op == "transpose") {
    int64_t m = Int(args, 1), n = Int(args, 2);
    Print(op, "[" + std::to_string(m) + "," + std::to_string(n) + "]", "float64", Transpose(m, n, budget));
  } else if (op == "inv" || op == "solve" || op == "det" || op == "qr" || op == "cholesky" || op == "svd" || op == "eigh" ||
             op == "eig") {
    const int n = static_cast<int>(Int(args, 1));
    const std::string shape = "[" + std::to_string(n) + "," + std::to_string(n) + "]";
    // As tensorblas does (native/lapack/common.h, kSmallOrder): below 192^3 multiply-adds LAPACK
    // runs single-threaded, where OpenBLAS's threaded internals cost more than they save (a 4x4
    // dgesv against the identity: ~0.3-0.8 us on one thread, ~4-7 us on two).
    if (double(n) * n * n < 192.0 * 192.0 * 192.0) openblas_set_num_threads(1);
    Result r = op == "inv"        ? Inv(n, budget)
               : op == "solve"    ? Solve(n, budget)
               : op == "det"      ? Det(n, budget)
               : op == "qr"       ? Qr(n, n, budget)
               : op == "cholesky" ? Cholesky(n, budget)
               : op == "svd"      ? Svd(n, n, budget)
               : op == "eigh"     ? Eigh(n, budget)
                                  : Eig(n, budget);
    Print(op, shape, "float64", r);
  } else if (op == "lstsq") {
    const int m = static_cast<int>(Int(args, 1)), n = static_cast<int>(Int(args, 2));
    Print(op, "[" + std::to_string(m) + "," + std::to_string(n) + "]", "float64", Lstsq(m, n, budget));
  } else if (op == "pca") {
    const int m = static_cast<int>(Int(args, 1)), n = static_cast<int>(Int(args, 2)), k = static_cast<int>(Int(args, 3));
    if (k > n) Usage();
    Print(op, "[" + std::to_string(m) + "," + std::to_string(n) + "]", "float64", Pca(m, n, k, budget));
  } else if (op == "cdist") {
    const int m = static_cast<int>(Int(args, 1)), n = static_cast<int>(Int(args, 2)), k = static_cast<int>(Int(args, 3));
    Print(op, "[" + std::to_string(m) + "," + std::to_string(n) + "," + std::to_string(k) + "]", "float64", Cdist(m, n, k, budget));
  } else {
    Usage();
  }
  return 0;
}
