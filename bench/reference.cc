// The no-overhead reference for bench/run.js: each operation done directly with OpenBLAS (gemm,
// gemv) or a plain C++ loop, timed like the tensorblas and NumPy measurements, printed as one JSON line.
//
//   blas_reference matmul N [float64|float32]   C = A B, N x N (dgemm / sgemm)
//   blas_reference matvec M N                   y = A x (dgemv)
//   blas_reference add N                        c = a + b, float64 vectors
//   blas_reference broadcast_add M N            C = A + b, (M x N) + (N,)
//   blas_reference sum N                        s = sum(a)
//   blas_reference transpose M N                B = A^T materialized (N x M), 32 x 32 tiles
//   blas_reference config                       the loaded OpenBLAS
// Options: --budget SECONDS (default 0.5), --alloc malloc|hugepage|reuse (default malloc).
//
// Every rep allocates its output, as a library returning a fresh array must: plain malloc by default
// (--alloc hugepage: 2 MiB-aligned + MADV_HUGEPAGE, --alloc reuse: one buffer for all reps, the
// floor). The loops (add, broadcast_add, sum, transpose) split across openblas_get_num_threads()
// std::threads (spawned per call, as tensorblas does) when each thread gets >= 2^18 elements.
#include <cblas.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
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

template <typename T>
std::vector<T> Random(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(u(rng));
  return v;
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
        Escape(c);
        FreeOut(c);
      },
      budget);
}

Result Matvec(int m, int n, double budget) {
  auto a = Random<double>(size_t(m) * n, 1), x = Random<double>(n, 2);
  return Time(
      [&] {
        double* y = static_cast<double*>(AllocOut(sizeof(double) * m));
        cblas_dgemv(CblasRowMajor, CblasNoTrans, m, n, 1.0, a.data(), n, x.data(), 1, 0.0, y, 1);
        Escape(y);
        FreeOut(y);
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
        Escape(c);
        FreeOut(c);
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
        Escape(c);
        FreeOut(c);
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
        Escape(out);
        FreeOut(out);
      },
      budget);
}

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: blas_reference <matmul N [float64|float32] | matvec M N | add N | broadcast_add M N |\n"
               "                       sum N | transpose M N | config> [--budget S] [--alloc malloc|hugepage|reuse]\n");
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
  } else {
    Usage();
  }
  return 0;
}
