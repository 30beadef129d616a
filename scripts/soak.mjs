// Soak: a million small operations and a thousand large ones (sync and async, LAPACK failures
// included), printing RSS as it goes. RSS must level off: growth means a leak.
// npm run soak [-- --small N --large N]
import { linalg, randn, tensor, eye } from 'tensorblas';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const smallOps = arg('small', 1_000_000);
const largeOps = arg('large', 1_000);
const mb = () => (process.memoryUsage().rss / 2 ** 20).toFixed(1);
const log = (phase, done) => console.log(`${phase.padEnd(6)} ${String(done).padStart(8)} ops  rss ${mb()} MiB`);

console.log(`soak: ${smallOps} small ops, ${largeOps} large ops`);
log('start', 0);
const a = randn([4, 4], { seed: 1 }).add(eye(4).mul(4));
const singular = tensor([[1, 2], [2, 4]]);
const report = Math.max(1, Math.floor(smallOps / 5));
for (let i = 1; i <= smallOps; i++) {
  switch (i % 5) {
    case 0: a.matmul(a); break;
    case 1: a.add(1).sum(); break;
    case 2: linalg.inv(a); break;
    case 3: try { linalg.inv(singular); } catch { /* a LinAlgError on every call: its path must not leak */ } break;
    default: linalg.svd(a, { computeUV: false });
  }
  if (i % report === 0) {
    await new Promise((r) => setImmediate(r)); // let finalizers and GC run between phases
    log('small', i);
  }
}
const big = randn([400, 400], { seed: 2 }).add(eye(400).mul(20));
const reportLarge = Math.max(1, Math.floor(largeOps / 5));
for (let i = 1; i <= largeOps; i++) {
  if (i % 4 === 0) await linalg.invAsync(big);
  else if (i % 4 === 1) big.matmul(big);
  else if (i % 4 === 2) await linalg.eighAsync(big.add(big.T));
  else randn([1000, 1000], { seed: i }).sum(0);
  if (i % reportLarge === 0) log('large', i);
}
log('end', smallOps + largeOps);
