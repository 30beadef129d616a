"""One NumPy measurement, run by bench/run.js in a fresh process.

    python3 bench/numpy_ops.py <op> [args...] [--budget SECONDS] [--inputs DIR]   -> one JSON line
    python3 bench/numpy_ops.py config                              -> NumPy and its BLAS as JSON

Ops and timing scheme are the same as bench/ops.js and bench/reference.cc. Every call returns a
freshly allocated result. `pca` uses scikit-learn's PCA when it imports, else the same algorithm in
NumPy (eigh of the covariance); `cdist` uses scipy.spatial.distance.cdist when SciPy imports, else
NumPy's |x|^2 + |y|^2 - 2 x.y; `cosine` is scipy.spatial.distance.cosine, else the same formula
in NumPy. The one used is reported as "variant". With --inputs DIR the
LAPACK, PCA and cdist cases load their matrices from DIR/<name>.npy (written by
`node bench/ops.js --save-inputs DIR <op> ...`), so NumPy times tensorblas's own matrices.

Calls given as Inline("expression", name=value, ...) are compiled into the timed loop itself (as the
timeit module does), so a call of a few hundred ns is timed as a user writes it, without the ~30-50
ns of a Python function call per iteration that a lambda would add to NumPy's time; `noop` times
that loop alone.
"""
import ctypes
import glob
import json
import os
import sys
import time

import numpy as np


class Inline:
    """A call timed inline: the expression `expr` over the given names (see the module docstring)."""

    def __init__(self, expr, **names):
        self.expr = expr
        self.names = names


def runner(op):
    """run(n): n calls of op, returning the last result."""
    if isinstance(op, Inline):
        names = list(op.names)
        src = (
            f"def _make({', '.join(names)}):\n"
            "    def _run(_n):\n"
            "        for _ in range(_n):\n"
            f"            _s = {op.expr}\n"
            "        return _s\n"
            "    return _run\n"
        )
        scope = {"np": np}
        exec(compile(src, f"<inline {op.expr}>", "exec"), scope)
        return scope["_make"](*op.names.values())

    def run(n):
        for _ in range(n):
            s = op()
        return s

    return run


def timeit(op, budget):
    """Warm-up ~10% of the budget (at least 2 calls), samples of ~budget/50 (at least 1 ms) until the
    budget is spent (at least 5); the median and minimum per-call time. A call's time for sizing the
    samples is the smaller of the last warm-up call and the warm-up's mean (one timed call of tens of
    ns is mostly the clock's own cost)."""
    now = time.perf_counter
    run = runner(op)
    start = now()
    calls = 0
    last = 0.0
    sink = None
    while calls < 2 or now() - start < 0.1 * budget:
        t0 = now()
        sink = run(1)
        last = now() - t0
        calls += 1
    target = max(1e-3, budget / 50)
    per_call = min(last, (now() - start) / calls)
    inner = max(1, int(target / max(per_call, 1e-9)))
    per = []
    begin = now()
    while len(per) < 5 or (now() - begin < budget and len(per) < 10000):
        t0 = now()
        sink = run(inner)
        per.append((now() - t0) / inner)
    del sink
    per.sort()
    n = len(per)
    median = per[n // 2] if n % 2 else 0.5 * (per[n // 2 - 1] + per[n // 2])
    return {"seconds_per_op": median, "min_seconds_per_op": per[0], "reps": n * inner, "samples": n, "inner": inner}


INPUTS = None  # --inputs DIR


def given(name, draw):
    """The named input from --inputs DIR when given, else draw() (same distribution, other numbers)."""
    if INPUTS is None:
        return draw()
    return np.load(os.path.join(INPUTS, name + ".npy"))


def well_conditioned(rng, n):
    """I + U/n, U uniform [0, 1): eigenvalues near 1 (one near 1.5), as in bench/reference.cc."""
    return np.eye(n) + rng.random((n, n)) / n


def pca_numpy(n_components):
    """PCA by eigh of the covariance (what tensorblas and the reference do for samples >> features)."""

    def fit(x):
        mean = x.mean(axis=0)
        xc = x - mean
        cov = (xc.T @ xc) / (x.shape[0] - 1)  # NumPy calls syrk for a.T @ a
        w, v = np.linalg.eigh(cov)
        comp = v[:, ::-1][:, :n_components].T.copy()
        big = np.argmax(np.abs(comp), axis=1)
        comp *= np.sign(comp[np.arange(n_components), big])[:, None]
        var = w[::-1][:n_components].copy()
        return mean, comp, var, var / w.sum()

    return fit


def setup(op, args):
    """Returns shape, dtype, the timed function and, where there is a choice, a variant note."""
    rng = np.random.default_rng(1)
    ints = [int(float(a)) for a in args if a[0].isdigit()]
    if op == "noop":
        return [], "none", Inline("None")
    if op == "matmul":
        n = ints[0]
        dtype = args[1] if len(args) > 1 else "float64"
        a = rng.random((n, n)).astype(dtype)
        b = rng.random((n, n)).astype(dtype)
        return [n, n], dtype, Inline("a @ b", a=a, b=b)
    if op == "matvec":
        m, n = ints
        a, x = rng.random((m, n)), rng.random(n)
        return [m, n], "float64", lambda: a @ x
    if op == "add":
        (n,) = ints
        a, b = rng.random(n), rng.random(n)
        return [n], "float64", Inline("a + b", a=a, b=b)
    # Small calls (bench/run.js's "small calls" group), each returning its fresh result.
    if op == "exp":
        n = ints[0]
        dtype = args[1] if len(args) > 1 else "float64"
        return [n], dtype, Inline("np.exp(a)", a=rng.random(n).astype(dtype))
    if op == "tanh":
        (n,) = ints
        return [n], "float64", Inline("np.tanh(a)", a=rng.random(n) * 4 - 2)
    if op == "reduce_axis":
        name, m, n, axis = args[0], int(args[1]), int(args[2]), int(args[3])
        return [m, n], "float64", Inline(f"a.{name}(axis={axis})", a=rng.random((m, n)))
    if op == "mul_scalar":
        (n,) = ints
        return [n], "float64", Inline("a * 2.5", a=rng.random(n))
    if op == "dot":
        n = ints[0]
        dtype = args[1] if len(args) > 1 else "float64"
        a, b = rng.random(n).astype(dtype), rng.random(n).astype(dtype)
        return [n], dtype, Inline("np.dot(a, b)", a=a, b=b)
    if op == "vecmat":
        k, n = ints
        x, w = rng.random(k), rng.random((k, n))
        return [k, n], "float64", Inline("x @ w", x=x, w=w)
    if op == "norm":
        (n,) = ints
        return [n], "float64", Inline("np.linalg.norm(a)", a=rng.random(n))
    if op == "norm_rows":
        m, n = ints
        return [m, n], "float64", Inline("np.linalg.norm(a, axis=1)", a=rng.random((m, n)))
    if op == "cosine":
        (n,) = ints
        u, v = rng.random(n), rng.random(n)
        try:
            from scipy.spatial.distance import cosine
        except ImportError:
            expr = "1.0 - np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))"
            return [n], "float64", Inline(expr, u=u, v=v), "numpy dot/norm"
        import scipy

        return [n], "float64", Inline("cosine(u, v)", cosine=cosine, u=u, v=v), f"scipy {scipy.__version__} cosine"
    if op == "view":
        (n,) = ints
        return [n, n], "float64", Inline("m.T[1:]", m=rng.random((n, n)))
    if op == "broadcast_add":
        m, n = ints
        a, b = rng.random((m, n)), rng.random(n)
        return [m, n], "float64", lambda: a + b
    if op == "sum":
        (n,) = ints
        a = rng.random(n)
        return [n], "float64", Inline("a.sum()", a=a)
    if op == "transpose":
        m, n = ints
        a = rng.random((m, n))
        return [m, n], "float64", lambda: a.T.copy()
    # LAPACK, float64; inputs as in bench/ops.js and bench/reference.cc.
    if op in ("inv", "solve", "det"):
        (n,) = ints
        a = given("a", lambda: well_conditioned(rng, n))
        if op == "inv":
            return [n, n], "float64", Inline("np.linalg.inv(a)", a=a)
        if op == "det":
            return [n, n], "float64", Inline("np.linalg.det(a)", a=a)
        b = given("b", lambda: rng.random(n))
        return [n, n], "float64", Inline("np.linalg.solve(a, b)", a=a, b=b)
    if op == "qr":
        (n,) = ints
        a = given("a", lambda: rng.random((n, n)))
        return [n, n], "float64", lambda: np.linalg.qr(a)  # mode='reduced'
    if op == "cholesky":
        (n,) = ints
        s = given("s", lambda: (lambda u: u @ u.T + n * np.eye(n))(rng.random((n, n))))
        return [n, n], "float64", lambda: np.linalg.cholesky(s)
    if op == "svd":
        (n,) = ints
        a = given("a", lambda: rng.random((n, n)))
        return [n, n], "float64", lambda: np.linalg.svd(a, full_matrices=True)
    if op == "eigh":
        (n,) = ints
        s = given("s", lambda: (lambda u: u + u.T)(rng.random((n, n))))
        return [n, n], "float64", lambda: np.linalg.eigh(s)
    if op == "eig":
        (n,) = ints
        a = given("a", lambda: rng.random((n, n)))
        return [n, n], "float64", lambda: np.linalg.eig(a)
    if op == "lstsq":
        m, n = ints
        a, b = given("a", lambda: rng.random((m, n))), given("b", lambda: rng.random(m))
        return [m, n], "float64", lambda: np.linalg.lstsq(a, b, rcond=None)
    if op == "pca":
        m, n, k = ints
        x = given("x", lambda: rng.random((m, n)))
        try:
            from sklearn.decomposition import PCA
        except ImportError:
            return [m, n], "float64", lambda: pca_numpy(k)(x), "numpy eigh(cov)"
        import sklearn

        probe = PCA(n_components=k).fit(x)
        solver = getattr(probe, "_fit_svd_solver", "auto")
        return [m, n], "float64", lambda: PCA(n_components=k).fit(x), f"sklearn {sklearn.__version__} PCA ({solver})"
    if op == "cdist":
        m, n, k = ints
        x, y = given("x", lambda: rng.random((m, k))), given("y", lambda: rng.random((n, k)))
        try:
            from scipy.spatial.distance import cdist
        except ImportError:

            def cdist_numpy():
                d = x @ y.T
                d *= -2
                d += (x * x).sum(1)[:, None]
                d += (y * y).sum(1)[None, :]
                np.maximum(d, 0, out=d)
                return np.sqrt(d, out=d)

            return [m, n, k], "float64", cdist_numpy, "numpy gemm identity"
        import scipy

        return [m, n, k], "float64", lambda: cdist(x, y, "euclidean"), f"scipy {scipy.__version__} cdist"
    raise SystemExit(f"unknown op {op}")


def blas_info():
    info = {"numpy": np.__version__}
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        info["blas"] = blas.get("name")
        info["blas_version"] = blas.get("version")
        info["blas_config"] = " ".join(str(blas.get("openblas configuration", "")).split())
    except Exception as e:  # older NumPy: no mode="dicts"
        info["blas_error"] = str(e)
    # The bundled OpenBLAS (wheels): ask it for the kernel it picked at run time and its threads.
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*"))
    libs += glob.glob(os.path.join(os.path.dirname(np.__file__), ".dylibs", "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                try:
                    core = getattr(lib, f"{prefix}get_corename{suffix}")
                    threads = getattr(lib, f"{prefix}get_num_threads{suffix}")
                except AttributeError:
                    continue
                core.restype = ctypes.c_char_p
                info["corename"] = core().decode()
                info["threads"] = threads()
                return info
    return info


def main():
    global INPUTS
    argv = sys.argv[1:]
    budget = 0.5
    args = []
    i = 0
    while i < len(argv):
        if argv[i] == "--budget":
            budget = float(argv[i + 1])
            i += 2
        elif argv[i] == "--inputs":
            INPUTS = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if args[0] == "config":
        print(json.dumps({"impl": "numpy", **blas_info()}))
        return
    shape, dtype, fn, *note = setup(args[0], args[1:])
    r = timeit(fn, budget)
    out = {"impl": "numpy", "op": args[0], "shape": shape, "dtype": dtype, **r}
    if note:
        out["variant"] = note[0]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
