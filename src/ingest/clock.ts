/**
 * Time, injected everywhere it matters: backoff waits, watch schedules and timestamps all go
 * through these two functions, so tests run on a fake clock and never sleep for real.
 */

/** Waits `ms`, or less: it resolves (never rejects) as soon as `signal` aborts, and callers check it. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
export type Now = () => number;

export const systemNow: Now = () => Date.now();

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
