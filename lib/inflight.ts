// Buffers an async native call is using. From the call until its promise settles, a worker thread
// reads and writes the operands' memory through raw pointers; the JS objects are kept referenced
// (native/async.h), but that does not stop a detach from moving the memory elsewhere. `dispose()`
// asks here first: while a buffer is in flight, its detach (and its return to the allocation pool)
// waits for the last call using it to settle. Depends on nothing, so native.ts can use it.

type Buf = ArrayBufferLike;

const counts = new Map<Buf, number>();
const waiting = new Map<Buf, (() => void)[]>();

function bufferOfArg(arg: unknown): Buf | undefined {
  if (arg instanceof ArrayBuffer) return arg;
  if (ArrayBuffer.isView(arg)) return arg.buffer;
  return undefined;
}

/**
 * Marks the buffers of `args` (typed arrays, ArrayBuffers, or arrays of them) as in use by an async
 * call; returns what {@link unpin} takes when the call settles.
 */
export function pin(args: readonly unknown[]): Buf[] {
  const bufs: Buf[] = [];
  const add = (arg: unknown): void => {
    const b = bufferOfArg(arg);
    if (b === undefined) return;
    bufs.push(b);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  };
  for (const arg of args) {
    if (Array.isArray(arg)) arg.forEach(add);
    else add(arg);
  }
  return bufs;
}

/** Ends what {@link pin} began; runs the deferred work of a buffer whose last call settled. */
export function unpin(bufs: readonly Buf[]): void {
  for (const b of bufs) {
    const n = (counts.get(b) ?? 1) - 1;
    if (n > 0) {
      counts.set(b, n);
      continue;
    }
    counts.delete(b);
    const then = waiting.get(b);
    if (then !== undefined) {
      waiting.delete(b);
      for (const f of then) f();
    }
  }
}

/**
 * Runs `f` now if no async call is using `buffer`, else when the last one settles. Returns whether
 * it ran now.
 */
export function whenIdle(buffer: Buf, f: () => void): boolean {
  if (!counts.has(buffer)) {
    f();
    return true;
  }
  const list = waiting.get(buffer);
  if (list === undefined) waiting.set(buffer, [f]);
  else list.push(f);
  return false;
}

/** `promise` with the buffers of `args` pinned until it settles. */
export function pinned<T>(args: readonly unknown[], promise: Promise<T>): Promise<T> {
  const bufs = pin(args);
  return promise.finally(() => unpin(bufs));
}
