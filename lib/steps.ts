// Each linalg function is written once, as a generator that yields its native steps; a driver runs
// it synchronously or, for the `...Async` twin, awaits each step on the libuv pool. Validation and
// output allocation happen on the JS thread in both cases (in the async twin, their errors become
// rejections), and only the numeric work moves off it.

/** A native call: made now (`async` false) or queued on the thread pool (a promise). */
export type Step = (async: boolean) => void | Promise<void>;
export type Steps<R> = Generator<Step, R, void>;

export function runSync<R>(g: Steps<R>): R {
  let r = g.next();
  while (!r.done) {
    let failed = false;
    let error: unknown;
    try {
      r.value(false);
    } catch (e) {
      failed = true;
      error = e;
    }
    r = failed ? g.throw(error) : g.next();
  }
  return r.value;
}

export async function runAsync<R>(g: Steps<R>): Promise<R> {
  let r = g.next();
  while (!r.done) {
    let failed = false;
    let error: unknown;
    try {
      await r.value(true);
    } catch (e) {
      failed = true;
      error = e;
    }
    r = failed ? g.throw(error) : g.next();
  }
  return r.value;
}
