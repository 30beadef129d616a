// One tensorblas measurement, run by bench/run.js in a fresh process:
//   node bench/ops.js <op> [args...] [--budget SECONDS] [--yield]   -> one JSON line
//   node bench/ops.js config                                -> tensorblas's config() as JSON
//   node bench/ops.js matmul_mlmatrix N                     -> the pure-JS peer, ml-matrix's a.mmul(b)
//   node bench/ops.js noop                                  -> the timing loop's own cost per call
// Ops and timing scheme are the same as bench/reference.cc and bench/numpy_ops.py. Every call
// returns a freshly allocated result (allocation is part of what users pay for). The timing loop is
// synchronous, like a user's loop; --yield returns to the event loop between samples (so deferred
// N-API finalizers, which free native result buffers, get to run).
// An op whose API the package does not export (yet) prints { na: reason } instead of a time.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tb from 'tensorblas';

const { config, rand, eye, linalg, zeros } = tb;
const require = createRequire(import.meta.url);

// A package's version from its package.json, found above its resolved entry (ml-matrix's exports
// do not include ./package.json).
function packageVersion(name) {
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === name) return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function parseArgs(argv) {
  const args = [];
  let budget = 0.5;
  let yieldEach = false;
  let saveInputs = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--budget') budget = Number(argv[++i]);
    else if (argv[i] === '--yield') yieldEach = true;
    else if (argv[i] === '--save-inputs') saveInputs = argv[++i];
    else args.push(argv[i]);
  }
  return { args, budget, yieldEach, saveInputs };
}

const now = () => performance.now() / 1e3;

// Warm up for ~10% of the budget (at least 2 calls), size samples to ~budget/50 (at least 1 ms),
// take samples until the budget is spent (at least 5); median and minimum per-call time. A call's
// time for sizing the samples is the smaller of the last warm-up call and the warm-up's mean: for a
// call of tens of ns one timed call is mostly the clock's own cost, and the mean is not.
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function time(op, budget, yieldEach) {
  let sink;
  const start = now();
  let calls = 0;
  let last = 0;
  while (calls < 2 || now() - start < 0.1 * budget) {
    const t0 = now();
    sink = op();
    last = now() - t0;
    calls++;
  }
  const target = Math.max(1e-3, budget / 50);
  const perCall = Math.min(last, (now() - start) / calls);
  const inner = Math.max(1, Math.floor(target / Math.max(perCall, 1e-9)));
  const per = [];
  const begin = now();
  while (per.length < 5 || (now() - begin < budget && per.length < 10000)) {
    const t0 = now();
    for (let i = 0; i < inner; i++) sink = op();
    per.push((now() - t0) / inner);
    if (yieldEach) await tick();
  }
  globalThis.__benchSink = sink;
  per.sort((a, b) => a - b);
  const n = per.length;
  const median = n % 2 ? per[(n - 1) / 2] : 0.5 * (per[n / 2 - 1] + per[n / 2]);
  return { seconds_per_op: median, min_seconds_per_op: per[0], reps: n * inner, samples: n, inner };
}

const int = (s) => {
  const v = Number(s);
  if (!Number.isInteger(v) || v < 1) throw new Error(`expected a positive integer, got ${s}`);
  return v;
};

async function setup(op, args) {
  // "<op>+dispose": the same call, its result disposed at once (what `using r = ...` does), so that
  // the next call's result reuses its memory.
  if (op.endsWith('+dispose')) {
    const base = await setup(op.slice(0, -'+dispose'.length), args);
    const fn = base.fn;
    return fn ? { ...base, fn: () => { const r = fn(); r.dispose(); return r; } } : base;
  }
  switch (op) {
    // The timed loop itself: what every measurement's per-call time includes besides the call.
    case 'noop':
      return { shape: [], dtype: 'none', fn: () => undefined };
    case 'matmul': {
      const n = int(args[0]);
      const dtype = args[1] ?? 'float64';
      const a = rand([n, n], { seed: 1, dtype });
      const b = rand([n, n], { seed: 2, dtype });
      return { shape: [n, n], dtype, fn: () => a.matmul(b) };
    }
    // ml-matrix, the pure-JS peer: the same numbers as Matrix objects, a.mmul(b) (a fresh Matrix).
    case 'matmul_mlmatrix': {
      const n = int(args[0]);
      const { Matrix } = await import('ml-matrix');
      const a = new Matrix(rand([n, n], { seed: 1 }).toArray());
      const b = new Matrix(rand([n, n], { seed: 2 }).toArray());
      return { impl: 'ml-matrix', version: packageVersion('ml-matrix'), shape: [n, n], dtype: 'float64', fn: () => a.mmul(b) };
    }
    case 'matvec': {
      const m = int(args[0]), n = int(args[1]);
      const a = rand([m, n], { seed: 1 });
      const x = rand([n], { seed: 2 });
      return { shape: [m, n], dtype: 'float64', fn: () => a.matmul(x) };
    }
    case 'add': {
      const n = int(args[0]);
      const a = rand([n], { seed: 1 });
      const b = rand([n], { seed: 2 });
      return { shape: [n], dtype: 'float64', fn: () => a.add(b) };
    }
    case 'broadcast_add': {
      const m = int(args[0]), n = int(args[1]);
      const a = rand([m, n], { seed: 1 });
      const b = rand([n], { seed: 2 });
      return { shape: [m, n], dtype: 'float64', fn: () => a.add(b) };
    }
    case 'sum': {
      const n = int(args[0]);
      const a = rand([n], { seed: 1 });
      return { shape: [n], dtype: 'float64', fn: () => a.sum() };
    }
    // Small calls (run.js's "small calls" group): the per-call cost a server pays, each call
    // returning its fresh result as a user writes it.
    case 'exp': {
      const n = int(args[0]);
      const dtype = args[1] ?? 'float64';
      const a = rand([n], { seed: 1 }).astype(dtype);
      return { shape: [n], dtype, fn: () => a.exp() };
    }
    case 'tanh': {
      const n = int(args[0]);
      const a = rand([n], { seed: 1 }).mul(4).sub(2); // (-2, 2): both of tanh's forms
      return { shape: [n], dtype: 'float64', fn: () => a.tanh() };
    }
    case 'reduce_axis': {
      // a.max(axis), a.argmax(axis), a.sum(axis), ... of an m x n float64 matrix.
      const [name, m, n, axis] = [args[0], int(args[1]), int(args[2]), Number(args[3])];
      const a = rand([m, n], { seed: 1 });
      return { shape: [m, n], dtype: 'float64', fn: () => a[name](axis) };
    }
    case 'mul_scalar': {
      const n = int(args[0]);
      const a = rand([n], { seed: 1 });
      return { shape: [n], dtype: 'float64', fn: () => a.mul(2.5) };
    }
    case 'mul_scalar_out': {
      // The same into one out tensor for every call.
      const n = int(args[0]);
      const a = rand([n], { seed: 1 });
      const out = zeros([n]);
      return { shape: [n], dtype: 'float64', fn: () => a.mul(2.5, { out }) };
    }
    case 'dot': {
      const n = int(args[0]);
      const dtype = args[1] ?? 'float64';
      const a = rand([n], { seed: 1, dtype });
      const b = rand([n], { seed: 2, dtype });
      return { shape: [n], dtype, fn: () => a.dot(b) }; // a 0-d tensor, as np.dot gives a NumPy scalar
    }
    case 'vecmat': {
      const k = int(args[0]), n = int(args[1]);
      const x = rand([k], { seed: 1 });
      const w = rand([k, n], { seed: 2 });
      return { shape: [k, n], dtype: 'float64', fn: () => x.matmul(w) };
    }
    case 'norm': {
      const n = int(args[0]);
      const a = rand([n], { seed: 1 });
      return { shape: [n], dtype: 'float64', fn: () => linalg.norm(a) };
    }
    case 'norm_rows': {
      const m = int(args[0]), n = int(args[1]);
      const a = rand([m, n], { seed: 1 });
      return { shape: [m, n], dtype: 'float64', fn: () => linalg.norm(a, undefined, 1) };
    }
    case 'cosine': {
      const n = int(args[0]);
      if (typeof tb.distance?.cosine !== 'function') return { shape: [n], dtype: 'float64', na: 'distance.cosine is not exported by tensorblas' };
      const u = rand([n], { seed: 1 });
      const v = rand([n], { seed: 2 });
      return { shape: [n], dtype: 'float64', fn: () => tb.distance.cosine(u, v) };
    }
    case 'view': {
      // A view of a view, no data touched: NumPy's m.T[1:].
      const n = int(args[0]);
      const m = rand([n, n], { seed: 1 });
      return { shape: [n, n], dtype: 'float64', fn: () => m.T.slice([1, null]) };
    }
    case 'transpose': {
      const m = int(args[0]), n = int(args[1]);
      const a = rand([m, n], { seed: 1 });
      return { shape: [m, n], dtype: 'float64', fn: () => a.T.contiguous() };
    }
    // LAPACK, float64. Inputs as in bench/reference.cc and bench/numpy_ops.py, built outside the
    // timed loop: I + U/n (well-conditioned) for inv/solve/det, U U^T + n I (SPD) for cholesky,
    // U + U^T for eigh, U uniform [0, 1) otherwise.
    case 'inv':
    case 'solve':
    case 'det': {
      const n = int(args[0]);
      const a = rand([n, n], { seed: 1 }).div(n).add(eye(n));
      if (op === 'inv') return { shape: [n, n], dtype: 'float64', fn: () => linalg.inv(a), inputs: { a } };
      if (op === 'det') return { shape: [n, n], dtype: 'float64', fn: () => linalg.det(a), inputs: { a } };
      const b = rand([n], { seed: 2 });
      return { shape: [n, n], dtype: 'float64', fn: () => linalg.solve(a, b), inputs: { a, b } };
    }
    case 'qr':
    case 'svd':
    case 'eig': {
      const n = int(args[0]);
      const a = rand([n, n], { seed: 1 });
      const fn = op === 'qr' ? () => linalg.qr(a) : op === 'svd' ? () => linalg.svd(a, { fullMatrices: true }) : () => linalg.eig(a);
      return { shape: [n, n], dtype: 'float64', fn, inputs: { a } };
    }
    case 'cholesky':
    case 'cholesky_out': {
      const n = int(args[0]);
      const u = rand([n, n], { seed: 1 });
      const s = u.matmul(u.T).add(eye(n).mul(n));
      const out = op === 'cholesky_out' ? s.mul(0) : undefined;
      return { shape: [n, n], dtype: 'float64', fn: () => linalg.cholesky(s, { out }), inputs: { s } };
    }
    case 'eigh': {
      const n = int(args[0]);
      const u = rand([n, n], { seed: 1 });
      const s = u.add(u.T);
      return { shape: [n, n], dtype: 'float64', fn: () => linalg.eigh(s), inputs: { s } };
    }
    case 'lstsq': {
      const m = int(args[0]), n = int(args[1]);
      const a = rand([m, n], { seed: 1 });
      const b = rand([m], { seed: 2 });
      return { shape: [m, n], dtype: 'float64', fn: () => linalg.lstsq(a, b), inputs: { a, b } };
    }
    case 'pca': {
      const m = int(args[0]), n = int(args[1]), k = int(args[2]);
      if (typeof tb.PCA !== 'function') return { shape: [m, n], dtype: 'float64', na: 'PCA is not exported by tensorblas' };
      const x = rand([m, n], { seed: 1 });
      return { shape: [m, n], dtype: 'float64', fn: () => new tb.PCA({ nComponents: k }).fit(x), inputs: { x } };
    }
    case 'cdist':
    case 'cdist_out': {
      const m = int(args[0]), n = int(args[1]), k = int(args[2]);
      if (typeof tb.distance?.cdist !== 'function')
        return { shape: [m, n, k], dtype: 'float64', na: 'distance.cdist is not exported by tensorblas' };
      const x = rand([m, k], { seed: 1 });
      const y = rand([n, k], { seed: 2 });
      const opts = op === 'cdist_out' ? { out: tb.zeros([m, n]) } : undefined;
      return { shape: [m, n, k], dtype: 'float64', fn: () => tb.distance.cdist(x, y, 'euclidean', opts), inputs: { x, y } };
    }
    default:
      throw new Error(`unknown op ${op}`);
  }
}

const { args, budget, yieldEach, saveInputs } = parseArgs(process.argv.slice(2));
const [op, ...rest] = args;
if (saveInputs) {
  // The case's inputs as .npy files, so that bench/numpy_ops.py --inputs times the same matrices.
  const { inputs = {} } = await setup(op, rest);
  for (const [name, t] of Object.entries(inputs)) tb.save(`${saveInputs}/${name}.npy`, t);
  console.log(JSON.stringify({ saved: Object.keys(inputs) }));
} else if (op === 'config') {
  console.log(JSON.stringify({ impl: 'tensorblas', node: process.version, ...config() }));
} else {
  const { impl = 'tensorblas', version, shape, dtype, fn, na } = await setup(op, rest);
  if (na) {
    console.log(JSON.stringify({ impl, op, shape, dtype, na }));
    process.exit(0);
  }
  const r = await time(fn, budget, yieldEach);
  const c = config();
  console.log(JSON.stringify({ impl, ...(version ? { version } : {}), op, shape, dtype, ...r, threads: c.blas.numThreads, yield: yieldEach }));
}
