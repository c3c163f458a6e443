/**
 * Whether one failed attempt is worth repeating. Transient failures (network errors,
 * timeouts, 429 Too Many Requests, 5xx) are; any other 4xx means the request itself is
 * wrong (bad URL, missing auth) and asking again would only hide that.
 *
 * A host name that does not resolve is not retried either: it means this machine is offline
 * (or the URL has a typo), which seconds of backoff do not fix, and an offline `tsdbt run`
 * with a `before_run` source should build at once from the data already landed. In `--watch`
 * the next scheduled poll tries again anyway.
 */

export type AttemptFailure =
  | { kind: 'status'; status: number; statusText: string; retryAfter: string | null }
  | { kind: 'timeout'; timeoutMs: number }
  /** `code` is the system error code when there is one (`ECONNREFUSED`, `ENOTFOUND`, …). */
  | { kind: 'network'; detail: string; code?: string };

/** getaddrinfo failures: `ENOTFOUND` (no such host, or no DNS at all), `EAI_AGAIN` (no DNS server answered). */
const DNS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

export function isDnsFailure(failure: AttemptFailure): boolean {
  return failure.kind === 'network' && failure.code !== undefined && DNS_FAILURES.has(failure.code);
}

export interface RetryDecision {
  retry: boolean;
  /** The server's own wait (Retry-After), when it gave one we could read. */
  retryAfterMs: number | undefined;
}

export function decideRetry(failure: AttemptFailure, nowMs: number): RetryDecision {
  if (failure.kind !== 'status') return { retry: !isDnsFailure(failure), retryAfterMs: undefined };
  const retry = failure.status === 429 || (failure.status >= 500 && failure.status <= 599);
  return { retry, retryAfterMs: retry ? parseRetryAfter(failure.retryAfter, nowMs) : undefined };
}

/**
 * `Retry-After: 120` (seconds) or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT` (an HTTP date),
 * as milliseconds from `nowMs`; undefined when absent or unreadable (the backoff applies then).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** One line for logs and the final error: `HTTP 503 Service Unavailable`, `timed out after 10s`, … */
export function describeFailure(failure: AttemptFailure, formatMs: (ms: number) => string): string {
  switch (failure.kind) {
    case 'status':
      return `HTTP ${failure.status}${failure.statusText === '' ? '' : ` ${failure.statusText}`}`;
    case 'timeout':
      return `no complete reply within the ${formatMs(failure.timeoutMs)} timeout`;
    case 'network':
      return `network error: ${failure.detail}`;
  }
}
