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

// The synchronous function and its async twin from one generator. Each returns one function type,
// so a generic generator gives generic functions (TypeScript carries the type parameters through):
// `syncOf(detSteps)` has detSteps's signature with the generator's result as its return type.

/** The synchronous function of a steps generator. */
export function syncOf<A extends unknown[], R>(gen: (...args: A) => Steps<R>): (...args: A) => R {
  return (...args: A) => runSync(gen(...args));
}

/** The async twin of a steps generator: validation errors become rejections too. */
export function asyncOf<A extends unknown[], R>(gen: (...args: A) => Steps<R>): (...args: A) => Promise<R> {
  return async (...args: A) => runAsync(gen(...args));
}
