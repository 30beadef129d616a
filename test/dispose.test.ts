// Tensor#dispose and `using`: a disposed tensor is unusable (TypeError), its own buffer is detached
// so no view can see the memory again, and that memory is what the next result of the same size
// gets. No timings here: what dispose() buys is measured in docs/guide.md.
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as tb from '../lib/index.js';
import { Tensor, randn, tensor, zeros, linalg, distance } from '../lib/index.js';
import { allocate, isDetached, isRecycled, poolStats, setPoolLimits, slabStats } from '../lib/alloc.js';
import { expectTypeErrors } from './helpers.js';
import { pin, unpin } from '../lib/inflight.js';

const MiB = 1024 * 1024;


let defaults: ReturnType<typeof setPoolLimits>;
beforeEach(() => {
  defaults = setPoolLimits({}); // an empty pool for each test
});
afterEach(() => {
  setPoolLimits(defaults);
});

describe('dispose()', () => {
  it('detaches a large result: the tensor, its views and arrays over its buffer throw TypeError; metadata stays', () => {
    const a = randn([1000, 1000], { seed: 1 });
    const r = a.add(1);
    const views = [r.slice(0), r.T, r.reshape(-1), r.slice(null, [0, 10]), r.expandDims(0), r.diagonal()];
    const raw = new Float64Array(r.data.buffer);
    r.dispose();
    expect(isDetached(r.data)).toBe(true);
    expect(raw.length).toBe(0);
    expect(r.shape).toEqual([1000, 1000]);
    expect(r.dtype).toBe('float64');
    expect(r.ndim).toBe(2);
    expect(r.size).toBe(1e6);
    expect(r.strides).toEqual([1000, 1]);
    for (const t of [r, ...views]) {
      expect(() => t.sum()).toThrow(TypeError);
      expect(() => t.toArray()).toThrow(TypeError);
      expect(() => t.add(1)).toThrow(TypeError);
      expect(() => t.slice(0)).toThrow(/detached/);
      expect(() => String(t)).toThrow(TypeError);
    }
    expect(() => r.get(0, 0)).toThrow(TypeError);
    expect(() => r.set(0, 0, 1)).toThrow(TypeError);
    expect(() => r.T).toThrow(TypeError);
    expect(() => r.clone()).toThrow(TypeError);
    expect(() => new Tensor(r.data, [0])).toThrow(TypeError);
    expect(a.sum()).toBeTypeOf('number'); // the input is untouched
  });

  it('free functions refuse a disposed tensor with a TypeError (or a rejection)', async () => {
    const disposed = (): Tensor => {
      const r = randn([600, 600], { seed: 2 }).mul(1);
      r.dispose();
      return r;
    };
    const calls: [string, () => unknown][] = [
      ['add', () => tb.add(disposed(), 1)],
      ['sum', () => tb.sum(disposed())],
      ['matmul', () => tb.matmul(disposed(), tb.eye(600))],
      ['concat', () => tb.concat([disposed(), tb.eye(600)])],
      ['tensor', () => tensor(disposed())],
      ['toNpy', () => tb.toNpy(disposed())],
      ['linalg.det', () => linalg.det(disposed())],
      ['linalg.inv', () => linalg.inv(disposed())],
      ['linalg.invAsync', () => linalg.invAsync(disposed())],
      ['matmulAsync', () => disposed().matmulAsync(tb.eye(600))],
      ['distance.cdist', () => distance.cdist(disposed(), disposed())],
      ['out', () => tb.add(tb.eye(600), 1, { out: disposed() })],
    ];
    await expectTypeErrors(calls);
  });

  it('a second dispose(), and [Symbol.dispose](), do nothing more', () => {
    const r = zeros([512, 1024]);
    r.dispose();
    const after = poolStats();
    expect(after.buffers).toBe(1);
    expect(() => r.dispose()).not.toThrow();
    expect(() => r[Symbol.dispose]()).not.toThrow();
    expect(poolStats()).toEqual(after);
    expect(() => r.sum()).toThrow(TypeError);
  });

  it('disposing a view disposes the tensor it views (the buffer is what is given back)', () => {
    const r = zeros([1000, 1000]).add(2);
    r.T.slice(0).dispose();
    expect(() => r.sum()).toThrow(TypeError);
    expect(poolStats().buffers).toBe(1);
  });

  it('a tensor whose buffer the user already transferred disposes without error', () => {
    const r = zeros([1000, 1000]).add(2);
    structuredClone(r.data.buffer, { transfer: [r.data.buffer] });
    expect(() => r.dispose()).not.toThrow();
    expect(poolStats().buffers).toBe(0);
  });
});

describe('recycling', () => {
  it('the next allocation of the same byte size gets the disposed memory, whatever its dtype', () => {
    const n = 1 << 20; // 8 MiB of float64: a large (huge-page aligned) result
    const first = allocate('float64', n, false);
    const offset = first.byteOffset; // the 2 MiB boundary in its mapping
    expect(isRecycled(first)).toBe(false);
    first.fill(42);
    const t = new Tensor(first, [n]);
    const view = t.slice([0, 4]);
    t.dispose();
    expect(poolStats()).toEqual({ buffers: 1, bytes: 8 * MiB + 2 * MiB });
    const again = allocate('float64', n, false);
    expect(poolStats().buffers).toBe(0);
    expect(again[0]).toBe(42); // the same memory, not a fresh (zeroed) page
    expect(again[n - 1]).toBe(42);
    expect(again.byteOffset).toBe(offset);
    expect(isRecycled(again)).toBe(true);
    again.fill(7);
    // The old tensor and its views cannot see the memory now in use by someone else.
    expect(() => view.toArray()).toThrow(TypeError);
    expect(first.length).toBe(0);
    new Tensor(again, [n]).dispose();
    const f32 = allocate('float32', 2 * n, false); // same bytes, other dtype
    expect(poolStats().buffers).toBe(0);
    expect(new Float64Array(f32.buffer, f32.byteOffset, 1)[0]).toBe(7);
  });

  it('a zero-filled allocation from the pool is zero-filled', () => {
    const r = zeros([1024, 1024]).add(3);
    r.dispose();
    const z = zeros([1024, 1024]);
    expect(poolStats().buffers).toBe(0);
    expect(z.max()).toBe(0);
    expect(z.min()).toBe(0);
  });

  it('results of operations recycle in a loop: `using` gives each iteration the memory of the last', () => {
    const a = randn([1000, 1000], { seed: 3 });
    const b = randn([1000], { seed: 4 });
    const expected = a.add(b).sum();
    let escaped: Tensor | undefined;
    for (let i = 0; i < 5; i++) {
      using r = a.add(b);
      expect(r.sum()).toBe(expected);
      expect(poolStats().buffers).toBe(0); // taken by r
      escaped = r;
    }
    expect(poolStats().buffers).toBe(1);
    expect(() => escaped!.sum()).toThrow(TypeError);
  });

  it('medium results (16 KiB to 2 MiB) recycle too', () => {
    const mid = tb.arange(100_000).mul(2); // 800 kB
    mid.dispose();
    expect(poolStats()).toEqual({ buffers: 1, bytes: 800_000 });
    const again = tb.arange(100_000).mul(3);
    expect(poolStats().buffers).toBe(0);
    expect(again.get(-1)).toBe(299_997);
    const small = tb.ones(4000).mul(2); // 32 kB: past the slabs, a buffer of its own
    const view = small.slice([0, 2]);
    small.dispose();
    expect(() => view.toArray()).toThrow(TypeError);
    expect(poolStats()).toEqual({ buffers: 1, bytes: 32_000 });
  });

  it('a 30-32 MiB result gets exactly its size (malloc serves such blocks again warm), recycled the same', () => {
    const big = tb.ones([2000, 2000]).mul(2); // 32 MB: with the 2 MiB slack it would be mapped afresh each time
    expect(big.data.buffer.byteLength).toBe(32_000_000);
    expect(tb.ones([1 << 20]).data.buffer.byteLength).toBe(8 * MiB + 2 * MiB); // below: the slack stays
    expect(tb.ones([4200, 1000]).data.buffer.byteLength).toBe(33_600_000 + 2 * MiB); // above 32 MiB: mapped anyway
    big.dispose();
    expect(poolStats()).toEqual({ buffers: 1, bytes: 32_000_000 });
    const again = tb.ones([2000, 2000]).mul(3);
    expect(poolStats().buffers).toBe(0);
    expect(again.sum()).toBe(12_000_000);
  });

  it('a 29 MiB disposed result (with slack) is not handed to a 31 MiB request (without) of the same buffer length', () => {
    tb.zeros([3801088]).dispose(); // 29 MiB in a 31 MiB buffer, its view at the 2 MiB boundary
    expect(poolStats().buffers).toBe(1);
    const r = tb.zeros([4063232]); // 31 MiB exactly: the pooled buffer cannot hold it past that offset
    expect(r.size).toBe(4063232);
    expect(r.get(-1)).toBe(0);
    expect(poolStats().buffers).toBe(1); // left for a request it fits
    const again = tb.zeros([3801088]);
    expect(poolStats().buffers).toBe(0);
    expect(again.get(-1)).toBe(0);
  });

  it('the pool is bounded: a few buffers per size, a byte cap, and it empties when idle', async () => {
    setPoolLimits({ perSize: 2, maxBytes: 30 * MiB, idleMs: 30 });
    const make = (): Tensor => tb.full([1 << 20], 1); // 8 MiB + 2 MiB slack
    const many = [make(), make(), make()];
    for (const t of many) t.dispose();
    expect(poolStats()).toEqual({ buffers: 2, bytes: 20 * MiB });
    const big = tb.full([1 << 21], 1); // 16 MiB + 2 MiB: 38 MiB in all, over the cap
    big.dispose();
    expect(poolStats()).toEqual({ buffers: 2, bytes: 28 * MiB }); // the oldest 10 MiB went
    await new Promise((r) => setTimeout(r, 120));
    expect(poolStats()).toEqual({ buffers: 0, bytes: 0 });
  });
});

describe('memory that is not a result of its own', () => {
  it('a small result shares its slab: only that tensor becomes unusable, its neighbours stay', () => {
    const t = tensor([1, 2, 3]);
    const u = tensor([4, 5, 6]);
    expect(t.data.buffer).toBe(u.data.buffer);
    const before = t.slice([0, 2]); // a view made before dispose keeps the (shared, live) memory
    t.dispose();
    expect(() => t.toArray()).toThrow(TypeError);
    expect(() => t.slice(0)).toThrow(TypeError);
    // Small operands take JS fast paths: they must refuse it as well (NaNs otherwise).
    expect(() => t.add(1)).toThrow(TypeError);
    expect(() => tb.mul(u, t)).toThrow(TypeError);
    expect(() => t.neg()).toThrow(TypeError);
    expect(() => t.sum()).toThrow(TypeError);
    expect(t.shape).toEqual([3]);
    expect(u.toArray()).toEqual([4, 5, 6]);
    expect(before.toArray()).toEqual([1, 2]);
    expect(tensor([7, 8]).toArray()).toEqual([7, 8]);
    expect(poolStats().buffers).toBe(0);
  });

  it('the larger slab tier (1 to 16 KiB) too: the slab is not detached', () => {
    const r = tb.ones(1500).add(1); // 12 kB
    const s = tb.ones(1500).add(2);
    const data = r.data;
    r.exp(); // a native call first: the tensor then keeps the slab it passes to native code
    r.dispose();
    expect(() => r.sum()).toThrow(TypeError);
    // Native paths must not reach the slab through what the tensor kept: exp, a strided view's add, matmul.
    expect(() => r.exp()).toThrow(TypeError);
    expect(() => r.reshape(30, 50).T.add(1)).toThrow(TypeError);
    expect(() => r.reshape(30, 50).matmul(tb.ones([50, 30]))).toThrow(TypeError);
    expect(data.length).toBe(1500);
    expect(s.sum()).toBe(4500);
  });

  it('memory the user wrapped is left alone: the user\'s array and other views still work', () => {
    const mine = new Float64Array(1 << 20).fill(5);
    const t = tensor(mine, { shape: [1024, 1024] });
    const other = tensor(mine);
    t.dispose();
    expect(() => t.sum()).toThrow(TypeError);
    expect(mine.length).toBe(1 << 20);
    expect(other.sum()).toBe(5 * (1 << 20));
    expect(poolStats().buffers).toBe(0);
  });

  it('a SharedArrayBuffer-backed tensor: the tensor becomes unusable, the shared memory is untouched', () => {
    const shared = new Float64Array(new SharedArrayBuffer(64 * 1024));
    shared.fill(1);
    const t = tensor(shared);
    t.dispose();
    expect(() => t.sum()).toThrow(TypeError);
    expect(shared.length).toBe(8192);
    expect(tensor(shared).sum()).toBe(8192);
  });
});

describe('small results: a slab whose every result was disposed', () => {
  // 8 KiB results: 64 to a 512 KiB slab. `a.mul(1)` allocates its result and nothing else.
  const a = tb.ones(1024);
  /** Results of a.mul(1) until one starts a new slab (byte offset 0); the others are disposed. */
  function startSlab(): Tensor {
    for (;;) {
      const t = a.mul(1);
      if (t.data.byteOffset === 0) return t;
      t.dispose();
    }
  }
  /** The results after `first` that share its slab, up to (not including) the first of the next slab. */
  function fillSlab(first: Tensor): { rest: Tensor[]; next: Tensor } {
    const rest: Tensor[] = [];
    for (;;) {
      const t = a.mul(1);
      if (t.data.buffer !== first.data.buffer && t.data.byteOffset === 0) return { rest, next: t };
      rest.push(t);
    }
  }

  it('is detached once closed: every view and array over it throws; until then nothing is reused', () => {
    const first = startSlab();
    const early = first.data;
    const view = first.slice([0, 4]);
    first.dispose();
    expect(view.toArray()).toEqual([1, 1, 1, 1]); // its neighbours are live, so is the slab
    const { rest, next } = fillSlab(first);
    expect(rest.length).toBe(63);
    expect(early.length).toBe(1024);
    for (const t of rest) t.dispose(); // the last live result of a closed slab: detached now
    expect(isDetached(early)).toBe(true);
    expect(() => view.toArray()).toThrow(TypeError);
    expect(() => view.add(1)).toThrow(TypeError);
    expect(next.sum()).toBe(1024); // the next slab is another buffer
    next.dispose();
  });

  it('a closed slab whose results were all disposed before it closed is detached when it closes', () => {
    const first = startSlab();
    const early = first.data;
    first.dispose();
    for (let i = 0; i < 63; i++) a.mul(1).dispose();
    expect(early.length).toBe(1024); // full but still the current slab
    const next = a.mul(1); // closes it
    expect(next.data.byteOffset).toBe(0);
    expect(isDetached(early)).toBe(true);
    expect(next.sum()).toBe(1024);
  });

  it('one live result keeps its slab: never detached, its values intact through later slabs', () => {
    const first = startSlab();
    const keeper = a.mul(7);
    const { rest, next } = fillSlab(first);
    first.dispose();
    for (const t of rest) t.dispose();
    for (let i = 0; i < 200; i++) a.mul(3).dispose(); // three more slabs, recycled
    expect(keeper.data.length).toBe(1024);
    expect(keeper.sum()).toBe(7 * 1024);
    expect(next.sum()).toBe(1024);
  });

  it('a result counts once: a second dispose() or disposing its views does not retire a slab under a live neighbour', () => {
    const first = startSlab();
    const neighbour = a.mul(5);
    const twice = a.mul(1);
    twice.T.dispose(); // a view made before any other allocation: still not the owner
    twice.dispose();
    const { rest } = fillSlab(first);
    first.dispose();
    first.dispose();
    first[Symbol.dispose]();
    const view = neighbour.slice([0, 2]);
    const raw = rest[0].data;
    for (const t of rest) {
      t.slice([0, 1]).dispose(); // a view of it: disposes nothing of the count
      t.dispose();
    }
    tensor(raw).dispose(); // a disposed result's array, wrapped again by the user: not a result of its own
    expect(neighbour.sum()).toBe(5 * 1024);
    expect(view.toArray()).toEqual([5, 5]);
    neighbour.dispose();
    expect(() => view.toArray()).toThrow(TypeError); // now the slab's last result is gone
  });

  it('results that reach the caller through an internal tensor count as theirs: copies by reshape, flatten, keepdims, N-D dot, tensor(x, { shape }), out temporaries', () => {
    const m = tb.ones([32, 32]);
    const nested = Array.from({ length: 1024 }, (_, i) => i);
    const w = tb.zeros([1025]);
    const two = tb.ones([2, 1024]);
    const x3 = tb.ones([2, 4, 8]), y2 = tb.ones([8, 128]);
    const producers: Record<string, () => Tensor | null> = {
      'reshape (copying)': () => m.T.reshape(1024),
      flatten: () => m.flatten(),
      'sum with keepdims': () => two.sum(0, true),
      'N-D dot': () => tb.dot(x3, y2),
      'tensor(nested, { shape })': () => tensor(nested, { shape: [32, 32] }),
      // An out overlapping the input by one element: computed into a temporary, then copied.
      'out temporary': () => (tb.add(w.slice([1, 1025]), 1, { out: w.slice([0, 1024]) }), null),
    };
    for (const [name, make] of Object.entries(producers)) {
      const before = slabStats().retired;
      for (let i = 0; i < 200; i++) {
        const r = make(); // 8 KiB results (or temporaries): 64 to a slab
        r?.dispose();
      }
      expect(slabStats().retired - before, name).toBeGreaterThanOrEqual(2);
    }
  });

  it('results dropped for a number (sum, vdot) count as disposed', () => {
    const v = tb.ones([1000]); // past the JS sum: a native reduction into a 1-element result
    for (const [name, f] of [['sum', () => v.sum()], ['vdot', () => tb.vdot(v, v)]] as const) {
      const before = slabStats().retired;
      for (let i = 0; i < 30_000; i++) if (f() !== 1000) expect(f()).toBe(1000); // 8-byte results: 8192 to a 64 KiB slab
      expect(slabStats().retired - before, name).toBeGreaterThanOrEqual(2);
    }
  });

  it('a slab whose last result an async call is using is detached when the call settles', async () => {
    const shift = tb.eye(32).mul(100);
    const b = tb.ones([32, 200]); // 51 kB: the product is not in a slab either
    const first = startSlab();
    const m = first.reshape(32, 32).add(shift); // an 8 KiB operand in the slab after first's
    const mData = m.data;
    const pending = linalg.matmulAsync(m, b);
    first.dispose();
    m.dispose();
    for (let i = 0; i < 200; i++) a.mul(1).dispose(); // closes the slab: every result in it disposed
    expect(mData.length).toBe(1024); // in use by matmulAsync: not detached yet
    const p = await pending;
    expect(p.get(0, 0)).toBe(132); // row 0 of (J + 100 I) times a column of ones
    expect(isDetached(mData)).toBe(true);
  });

  it('where ArrayBuffer#transfer exists (Node 21+; Node 20 behind a V8 flag), a retired slab\'s memory is the next slab, zero-filled where asked', () => {
    const script = `
      import * as tb from 'tensorblas';
      const { slabStats } = await import(${JSON.stringify(new URL('../dist/alloc.js', import.meta.url).href)});
      const a = tb.ones(1024);
      const early = [];
      for (let i = 0; i < 300; i++) { const r = a.mul(3); if (i % 64 === 0) early.push(r.data); r.dispose(); }
      let zeros = true;
      for (let i = 0; i < 300; i++) { const z = tb.zeros(1024); zeros &&= z.data.every((v) => v === 0); z.dispose(); }
      const r = a.mul(2);
      console.log(JSON.stringify({ transfer: typeof ArrayBuffer.prototype.transfer, ...slabStats(), zeros,
        earlyDetached: early.slice(1).every((d) => d.length === 0), firstKept: early[0].length, value: r.sum() }));`;
    const r = spawnSync(process.execPath, ['--harmony-rab-gsab-transfer', '--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url), encoding: 'utf8', timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(out.transfer).toBe('function');
    expect(out.retired as number).toBeGreaterThanOrEqual(5);
    expect(out.reused as number).toBeGreaterThanOrEqual(5);
    expect(out.zeros).toBe(true);
    expect(out.earlyDetached).toBe(true);
    expect(out.firstKept).toBe(1024); // the first slab holds `a`, alive
    expect(out.value).toBe(2048);
  });

  it('waits for an async call using one of its results', () => {
    const first = startSlab();
    const { rest } = fillSlab(first);
    const bufs = pin([rest[3].data]); // what an async twin does for its operands
    const early = rest[3].data;
    first.dispose();
    for (const t of rest) t.dispose();
    expect(early.length).toBe(1024); // in use: the slab stays
    unpin(bufs);
    expect(isDetached(early)).toBe(true);
  });
});

describe('async calls in flight', () => {
  it('a buffer an async call is using is detached and recycled only when the call settles', () => {
    const r = zeros([1000, 1000]).add(1);
    const view = r.slice(0);
    const bufs = pin([r.data]); // what the async twins do for their operands (lib/inflight.ts)
    r.dispose();
    expect(() => r.sum()).toThrow(TypeError); // the tensor itself: unusable at once
    expect(view.sum()).toBe(1000); // the memory: still in place for the native call
    expect(poolStats().buffers).toBe(0);
    unpin(bufs);
    expect(() => view.sum()).toThrow(TypeError);
    expect(poolStats().buffers).toBe(1);
  });

  // Needs lib/native.ts's nativeStep to pin its operands: `return async ? pinned(args, f(...args)) : f(...args)`.
  it('disposing the operand of a running linalg.invAsync: detached when the call settles, result intact', async () => {
    const m = randn([600, 600], { seed: 5 }).add(tb.eye(600).mul(50));
    const expected = linalg.inv(m).sum();
    const view = m.slice(0);
    const pending = linalg.invAsync(m);
    m.dispose();
    expect(() => m.sum()).toThrow(TypeError);
    expect(poolStats().buffers).toBe(0); // still in use on the thread pool
    const churn = [1, 2, 3].map(() => m.shape).map((s) => zeros(s).add(1)); // would take recycled memory
    expect((await pending).sum()).toBe(expected);
    expect(() => view.sum()).toThrow(TypeError);
    expect(poolStats().buffers).toBe(1);
    expect(churn.length).toBe(3);
  });

  it('two calls on one buffer: it waits for both', () => {
    const r = zeros([1000, 1000]).add(1);
    const first = pin([r.data]);
    const second = pin([r.data.buffer]);
    r.dispose();
    unpin(first);
    expect(poolStats().buffers).toBe(0);
    unpin(second);
    expect(poolStats().buffers).toBe(1);
  });
});
