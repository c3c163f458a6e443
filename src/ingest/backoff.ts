/**
 * Exponential backoff as an immutable value: `delayMs` is the wait before the next attempt,
 * `next()` the backoff after that one. Being a value (not a counter inside a loop) keeps the
 * math testable on its own, with `random` injected so delays are exact in tests.
 *
 * Jitter spreads retries of many clients so they do not hammer a recovering API in step:
 * - full:  uniform in [0, cap]            (the AWS "full jitter" recipe; least load)
 * - equal: cap/2 + uniform in [0, cap/2]  (never retries almost at once)
 * - none:  exactly cap
 * where cap = min(max_delay, initial_delay × multiplier^(retry − 1)).
 */
import type { RetryPolicy } from './ingest-config.js';

export interface Backoff {
  /** 1 for the wait after the first failed attempt, 2 after the second, … */
  readonly retry: number;
  readonly delayMs: number;
  next(): Backoff;
}

export function firstBackoff(policy: RetryPolicy, random: () => number = Math.random): Backoff {
  return backoffAt(1, policy, random);
}

function backoffAt(retry: number, policy: RetryPolicy, random: () => number): Backoff {
  const delayMs = jittered(capFor(retry, policy), policy.jitter, random);
  return Object.freeze({ retry, delayMs, next: () => backoffAt(retry + 1, policy, random) });
}

/** The delay before jitter; grows geometrically and stays under max_delay. */
export function capFor(retry: number, policy: RetryPolicy): number {
  const grown = policy.initialDelayMs * policy.multiplier ** (retry - 1);
  return Math.min(policy.maxDelayMs, grown);
}

function jittered(cap: number, jitter: RetryPolicy['jitter'], random: () => number): number {
  switch (jitter) {
    case 'none':
      return Math.round(cap);
    case 'full':
      return Math.round(random() * cap);
    case 'equal':
      return Math.round(cap / 2 + (random() * cap) / 2);
  }
}
