// Throws random arguments at every exported function (and the async twins) and counts outcomes.
// Run it in a scratch directory: the I/O functions get garbage strings as paths.
// Every call must return or throw/reject with an Error; a crash, abort or hang fails the parent test.
// node test/fuzz/garbage.mjs [cases]
import * as tb from 'tensorblas';

const cases = Number(process.argv[2] ?? 1000);
let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

function detachedTensor() {
  const d = new Float64Array(4);
  const t = tb.tensor(d);
  structuredClone(d.buffer, { transfer: [d.buffer] });
  return t;
}
const sharedTensor = () => tb.tensor(new Float64Array(new SharedArrayBuffer(8 * 6)), { shape: [2, 3] });
const garbage = [
  () => NaN, () => Infinity, () => -Infinity, () => -1, () => 0, () => 1.5, () => 2 ** 40, () => -(2 ** 31), () => 1e308,
  () => 'abc', () => null, () => undefined, () => ({}), () => [], () => [1, [2]], () => [[1, 2], [3, 4]], () => true,
  () => Symbol('s'), () => 10n, () => new Uint8Array(3), () => new Float64Array(0),
  () => tb.zeros([0]), () => tb.zeros([0, 3]), () => tb.tensor([[NaN, Infinity], [1, -Infinity]]), () => tb.eye(3),
  () => tb.randn([3, 3], { seed: 1 }), () => tb.randn([2, 3, 3], { seed: 2 }).slice(null, [null, null, -1]),
  () => tb.arange(24).reshape(2, 3, 4).transpose(2, 0, 1), () => tb.tensor(new Int32Array([1, 2, 3])),
  () => tb.tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }), () => tb.tensor([1]).broadcastTo([5, 5]),
  () => detachedTensor(), () => sharedTensor(), () => tb.tensor(3), () => [tb.eye(2), tb.eye(2)], () => ({ out: tb.zeros([2]) }),
  () => 'x.npy', () => 'missing.csv', () => tb.toNpy(tb.eye(2)), () => tb.toNpy(tb.eye(2)).subarray(0, 20),
  () => ({ delimiter: ';', header: 1 }),
  () => 'x.npz', () => 'x.parquet', () => tb.toNpz({ a: tb.eye(2) }), () => tb.toNpz({ a: tb.eye(2) }).subarray(0, 40),
  () => ({ a: tb.eye(2), 'b/c': tb.zeros([0]) }), () => new Map([['m', tb.eye(2)]]), () => ({ columns: ['nope'] }),
  () => ({ rowGroups: [7] }), () => ({ compressed: 'yes' }), () => ({ compression: 'lzma' }),
  () => ({ type: { typeId: 3, precision: 2 }, length: 3, data: [{ type: { typeId: 3, precision: 2 }, length: 3, offset: 0, nullCount: 0, values: new Float64Array(2) }] }),
  () => new Uint8Array([255, 255, 255, 255, 16, 0, 0, 0]), () => ({ nulls: 'nan' }), () => ({ as: 'list' }), () => ({ columns: [0, 'x'] }),
  () => ({ fullMatrices: 'no' }), () => ({ dtype: 'float16' }), () => ({ seed: NaN }), () => 'fro', () => 'nuc', () => 'L',
];

const targets = [];
const collect = (obj, prefix) => {
  for (const [name, f] of Object.entries(obj)) {
    if (typeof f === 'function' && !/^[A-Z]/.test(name)) targets.push([`${prefix}${name}`, f]);
  }
};
collect(tb, '');
collect(tb.linalg, 'linalg.');
collect(tb.distance, 'distance.');
const protoMethods = Object.getOwnPropertyNames(tb.Tensor.prototype).filter((k) => k !== 'constructor');
const ctorTargets = [['new Tensor', (...a) => new tb.Tensor(...a)], ['new PCA().fit', (...a) => new tb.PCA(a[1]).fit(a[0])]];
targets.push(...ctorTargets);

let returned = 0;
let threw = 0;
let nonError = 0;
const record = (e) => {
  threw++;
  if (!(e instanceof Error)) {
    nonError++;
    console.error('non-Error thrown:', e);
  }
};
for (let i = 0; i < cases; i++) {
  const args = Array.from({ length: Math.floor(rand() * 4) }, () => pick(garbage)());
  let call;
  if (rand() < 0.25) {
    const self = pick(garbage)();
    const method = pick(protoMethods);
    call = () => (self instanceof tb.Tensor ? self[method](...args) : tb.Tensor.prototype[method].call(self, ...args));
  } else {
    const [, f] = pick(targets);
    call = () => f(...args);
  }
  try {
    const r = call();
    if (r && typeof r.then === 'function') {
      try {
        await r;
        returned++;
      } catch (e) {
        record(e);
      }
    } else returned++;
  } catch (e) {
    record(e);
  }
}
console.log(`cases ${cases} returned ${returned} threw ${threw} nonError ${nonError}`);
