/**
 * Backoff math and the retry loop, with fetch, sleep, clock and randomness injected: every
 * delay is asserted exactly and no test waits for a backoff.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import { capFor, firstBackoff } from '../../src/ingest/backoff.js';
import type { FetchLike } from '../../src/ingest/fetch-with-retry.js';
import { fetchWithRetry } from '../../src/ingest/fetch-with-retry.js';
import type { RetryPolicy } from '../../src/ingest/ingest-config.js';
import { redactUrl } from '../../src/ingest/redact-url.js';
import { decideRetry, parseRetryAfter } from '../../src/ingest/retry-decision.js';
import { MemoryLogger } from '../../src/core/logger.js';

const policy: RetryPolicy = { maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2, jitter: 'none' };

function delays(p: RetryPolicy, count: number, random = () => 0.5): number[] {
  const out: number[] = [];
  let b = firstBackoff(p, random);
  for (let i = 0; i < count; i += 1) {
    out.push(b.delayMs);
    b = b.next();
  }
  return out;
}

describe('backoff', () => {
  it('grows geometrically and stops at max_delay', () => {
    expect(delays(policy, 7)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(delays({ ...policy, multiplier: 3, initialDelayMs: 100 }, 4)).toEqual([100, 300, 900, 2_700]);
    expect(capFor(40, policy)).toBe(30_000);
  });

  it('full jitter draws from [0, cap]', () => {
    expect(delays({ ...policy, jitter: 'full' }, 4, () => 0.25)).toEqual([250, 500, 1_000, 2_000]);
    expect(delays({ ...policy, jitter: 'full' }, 2, () => 0)).toEqual([0, 0]);
  });

  it('equal jitter draws from [cap/2, cap]', () => {
    expect(delays({ ...policy, jitter: 'equal' }, 3, () => 0.5)).toEqual([750, 1_500, 3_000]);
    expect(delays({ ...policy, jitter: 'equal' }, 1, () => 0)).toEqual([500]);
  });

  it('is an immutable value', () => {
    const b = firstBackoff(policy);
    const c = b.next();
    expect([b.retry, b.delayMs, c.retry, c.delayMs]).toEqual([1, 1_000, 2, 2_000]);
    expect(Object.isFrozen(b)).toBe(true);
  });
});

describe('retry decision', () => {
  const status = (s: number, retryAfter: string | null = null) => decideRetry({ kind: 'status', status: s, statusText: '', retryAfter }, 0).retry;

  it('retries 429, 5xx, timeouts and network errors, never other 4xx', () => {
    expect([429, 500, 502, 503, 504, 599].map((s) => status(s))).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 408, 422].map((s) => status(s))).toEqual([false, false, false, false, false, false]);
    expect(decideRetry({ kind: 'timeout', timeoutMs: 10 }, 0).retry).toBe(true);
    expect(decideRetry({ kind: 'network', detail: 'ECONNRESET' }, 0).retry).toBe(true);
    expect(decideRetry({ kind: 'network', detail: 'ECONNREFUSED', code: 'ECONNREFUSED' }, 0).retry).toBe(true);
  });

  it('does not retry a host name that does not resolve (offline, or a typo)', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      expect(decideRetry({ kind: 'network', detail: code, code }, 0).retry).toBe(false);
    }
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:12 GMT', now)).toBe(12_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

type Step = Response | 'reset' | 'hang' | 'dns';

/**
 * A fetch that answers from a script; `'reset'` throws like undici does on a dropped connection,
 * `'dns'` like it does for a host that does not resolve.
 */
function scriptedFetch(script: Step[]) {
  const calls: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push(url);
    const next = script.shift() ?? new Response('gone', { status: 500 });
    if (next === 'reset') throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    if (next === 'dns') {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND api.test'), { code: 'ENOTFOUND' }) });
    }
    if (next === 'hang') {
      return new Promise<Response>((_, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
      });
    }
    return next;
  };
  return { fetch, calls };
}

function harness(script: Step[], p: Partial<RetryPolicy> = {}) {
  const { fetch, calls } = scriptedFetch(script);
  const slept: number[] = [];
  let clock = Date.parse('2026-11-23T10:00:00Z');
  const logger = new MemoryLogger();
  const run = (url = 'http://api.test/astros.json') =>
    fetchWithRetry({
      url,
      timeoutMs: 50,
      retries: { ...policy, ...p },
      fetch,
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
      now: () => clock,
      random: () => 0.5,
      logger,
      source: 'astro.raw_astros',
    });
  return { run, calls, slept, logger };
}

const ok = () => new Response('{"message":"success"}', { status: 200 });
const fail = (status: number, headers: Record<string, string> = {}) => new Response('nope', { status, headers });

describe('fetchWithRetry', () => {
  it('retries 5xx with the backoff delays and returns the reply', async () => {
    const h = harness([fail(500), fail(503), ok()]);
    const reply = await h.run();
    expect(reply).toEqual({ status: 200, body: '{"message":"success"}', attempts: 3 });
    expect(h.slept).toEqual([1_000, 2_000]);
    expect(h.logger.events.map((e) => e.event)).toEqual([
      'ingest.attempt',
      'ingest.attempt_failed',
      'ingest.attempt',
      'ingest.attempt_failed',
      'ingest.attempt',
      'ingest.fetched',
    ]);
    expect(h.logger.events[1]?.message).toBe('Attempt 1 of 5 failed: HTTP 500 Internal Server Error; retrying in 1s.');
    expect(h.logger.events[1]?.fields).toMatchObject({ attempt: 1, delayMs: 1_000, cause: 'HTTP 500 Internal Server Error' });
  });

  it('honours Retry-After in seconds and as a date, capped by max_delay', async () => {
    const h = harness([
      fail(429, { 'retry-after': '7' }),
      fail(503, { 'retry-after': 'Mon, 23 Nov 2026 10:00:19 GMT' }), // 12 s after the clock (which moved 7 s)
      fail(429, { 'retry-after': '3600' }),
      ok(),
    ]);
    await h.run();
    expect(h.slept).toEqual([7_000, 12_000, 30_000]);
  });

  it('makes exactly max_attempts attempts when the API is down, then fails in one paragraph', async () => {
    const h = harness([fail(500), fail(502), 'reset', fail(500), fail(503), ok()]);
    const error = await h.run('http://user:s3cret@api.test/astros.json?api_key=k3y').catch((e: unknown) => e);
    expect(h.calls).toHaveLength(5);
    expect(h.slept).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(error).toBeInstanceOf(TsdbtError);
    const e = error as TsdbtError;
    expect(e.code).toBe(ErrorCodes.INGEST_FETCH_FAILED);
    expect(e.message).toBe(
      'Could not fetch http://***@api.test/astros.json?api_key=*** for source astro.raw_astros after 5 attempts; ' +
        'the last attempt failed: HTTP 503 Service Unavailable.',
    );
    expect(e.message).not.toContain('\n');
    expect(e.hint).toContain('retries.max_attempts');
    expect(JSON.stringify(h.logger.events)).not.toMatch(/s3cret|k3y/);
  });

  it('names a network error as the last cause', async () => {
    const h = harness(['reset', 'reset'], { maxAttempts: 2 });
    const error = (await h.run().catch((e: unknown) => e)) as TsdbtError;
    expect(error.message).toBe(
      'Could not fetch http://api.test/astros.json for source astro.raw_astros after 2 attempts; ' +
        'the last attempt failed: network error: UND_ERR_SOCKET (other side closed).',
    );
  });

  it('never retries a 4xx other than 429', async () => {
    const h = harness([fail(404), ok()]);
    const error = (await h.run().catch((e: unknown) => e)) as TsdbtError;
    expect(h.calls).toHaveLength(1);
    expect(h.slept).toEqual([]);
    expect(error.message).toBe(
      'Could not fetch http://api.test/astros.json for source astro.raw_astros after 1 attempt; ' +
        'the last attempt failed: HTTP 404 Not Found (a client error like this is not retried).',
    );
    expect(error.hint).toContain('URL');
  });

  it('gives up at once on a host name that does not resolve, saying the machine looks offline', async () => {
    const h = harness(['dns', ok()]);
    const error = (await h.run().catch((e: unknown) => e)) as TsdbtError;
    expect(h.calls).toHaveLength(1);
    expect(h.slept).toEqual([]);
    expect(error.message).toBe(
      'Could not fetch http://api.test/astros.json for source astro.raw_astros after 1 attempt; the last attempt failed: ' +
        'network error: ENOTFOUND (the host name did not resolve, which retrying does not fix).',
    );
    expect(error.hint).toContain('offline');
  });

  it('times an attempt out and retries it', async () => {
    const h = harness(['hang', ok()]);
    const reply = await h.run();
    expect(reply.attempts).toBe(2);
    expect(h.logger.events[1]?.message).toBe('Attempt 1 of 5 failed: no complete reply within the 50ms timeout; retrying in 1s.');
  });

  it('stops at once when the signal aborts during a wait', async () => {
    const controller = new AbortController();
    const { fetch, calls } = scriptedFetch([fail(500), ok()]);
    const run = fetchWithRetry({
      url: 'http://api.test/x',
      timeoutMs: 1_000,
      retries: policy,
      fetch,
      sleep: async () => controller.abort(new Error('shutdown')),
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('shutdown');
    expect(calls).toHaveLength(1);
  });
});

describe('redactUrl', () => {
  it('hides credentials and secret-looking query values', () => {
    expect(redactUrl('https://alice:pw@h.test/p?token=abc&city=Paris')).toBe('https://***@h.test/p?token=***&city=***');
    expect(redactUrl('https://alice:pw@h.test/p?token=abc&city=Paris', { query: false })).toBe('https://***@h.test/p?token=***&city=Paris');
    expect(redactUrl('http://api.open-notify.org/astros.json')).toBe('http://api.open-notify.org/astros.json');
    expect(redactUrl('not a url //bob:pw@x')).toBe('not a url //***@x');
  });
});
