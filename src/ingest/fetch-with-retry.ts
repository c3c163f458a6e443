/**
 * One HTTP fetch with a per-attempt timeout and bounded, logged retries.
 *
 * fetch, sleep, the clock and randomness are injected so tests drive every path (including
 * backoff waits of many seconds) without real time passing. The attempt covers reading the
 * whole body: a server that sends headers and then stalls is a timeout like any other.
 */
import { STATUS_CODES } from 'node:http';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { nodeFetch } from '../core/wasm-tier-up.js';
import { firstBackoff } from './backoff.js';
import type { Now, Sleep } from './clock.js';
import { realSleep, systemNow } from './clock.js';
import { formatDuration } from './duration.js';
import type { RetryPolicy } from './ingest-config.js';
import { redactUrl, redactUrlIn } from './redact-url.js';
import { DEFAULT_MAX_REPLY_BYTES, exchange, FatalFetchError, type CrossOriginRedirects } from './http-reply.js';
import type { Spool } from './spool.js';
import type { AttemptFailure } from './retry-decision.js';
import { decideRetry, describeFailure, isDnsFailure } from './retry-decision.js';

/** The subset of the WHATWG fetch we use; the global `fetch` fits. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface FetchWithRetryOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  retries: RetryPolicy;
  fetch?: FetchLike;
  sleep?: Sleep;
  now?: Now;
  random?: () => number;
  /** Aborting stops at once (mid-request or mid-wait) and rejects with the signal's reason. */
  signal?: AbortSignal;
  logger?: Logger;
  /** Names the source in log fields and the error (`astro.raw_astros`). */
  source?: string;
  /** Called as each attempt starts (metrics count requests here). */
  onAttempt?: (attempt: number) => void;
  /** A larger reply fails at once (INGEST_REPLY_TOO_LARGE); default DEFAULT_MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
  /** What a redirect to another origin does with the configured headers: drop them (default), or refuse. */
  crossOriginRedirects?: CrossOriginRedirects;
  /** Mask every query value in logs and errors (default), or only secret-looking ones. */
  redactQuery?: boolean;
  /** Spool a reply larger than this to disk (the body is then a Spool); undefined: always text. */
  spoolOverBytes?: number;
}

export interface FetchReply {
  status: number;
  /** The body, or the file it was spooled to (the caller removes it). */
  body: string | Spool;
  /** Attempts made, the successful one included. */
  attempts: number;
}

type AttemptResult = { ok: true; status: number; body: string | Spool } | { ok: false; failure: AttemptFailure } | { ok: false; fatal: FatalFetchError };

export async function fetchWithRetry(options: FetchWithRetryOptions): Promise<FetchReply> {
  const { retries, signal } = options;
  const now = options.now ?? systemNow;
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger ?? silentLogger;
  const safeUrl = redactUrl(options.url, { query: options.redactQuery ?? true });
  const fields = { source: options.source, url: safeUrl, maxAttempts: retries.maxAttempts };
  let backoff = firstBackoff(retries, options.random);

  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    options.onAttempt?.(attempt);
    logger.log('info', 'ingest.attempt', `${options.method ?? 'GET'} ${safeUrl} (attempt ${attempt} of ${retries.maxAttempts})`, {
      ...fields,
      attempt,
    });
    const result = await attemptOnce(options);
    if (result.ok) {
      const bytes = typeof result.body === 'string' ? result.body.length : result.body.bytes;
      const spooled = typeof result.body === 'string' ? '' : ', spooled to disk';
      logger.log('info', 'ingest.fetched', `Fetched ${bytes} bytes from ${safeUrl} (attempt ${attempt}${spooled}).`, {
        ...fields,
        attempt,
        status: result.status,
        bytes,
      });
      return { status: result.status, body: result.body, attempts: attempt };
    }
    if ('fatal' in result) {
      logger.log('warn', 'ingest.attempt_failed', `Attempt ${attempt} of ${retries.maxAttempts} failed: ${result.fatal.message} Not retried.`, {
        ...fields,
        attempt,
        cause: result.fatal.message,
        retryable: false,
      });
      throw result.fatal;
    }

    const cause = describeFailure(result.failure, formatDuration);
    const decision = decideRetry(result.failure, now());
    if (!decision.retry || attempt >= retries.maxAttempts) {
      logger.log('warn', 'ingest.attempt_failed', `Attempt ${attempt} of ${retries.maxAttempts} failed: ${cause}; giving up.`, {
        ...fields,
        attempt,
        cause,
        retryable: decision.retry,
      });
      throw fetchFailed(options, safeUrl, attempt, cause, decision.retry ? 'retryable' : isDnsFailure(result.failure) ? 'dns' : 'client');
    }
    const delayMs = decision.retryAfterMs === undefined ? backoff.delayMs : Math.min(retries.maxDelayMs, decision.retryAfterMs);
    logger.log('warn', 'ingest.attempt_failed', `Attempt ${attempt} of ${retries.maxAttempts} failed: ${cause}; retrying in ${formatDuration(delayMs)}.`, {
      ...fields,
      attempt,
      cause,
      retryable: true,
      delayMs,
      retryAfter: decision.retryAfterMs !== undefined,
    });
    backoff = backoff.next();
    await sleep(delayMs, signal);
  }
}

async function attemptOnce(options: FetchWithRetryOptions): Promise<AttemptResult> {
  const fetchImpl = options.fetch ?? nodeFetch();
  const outer = options.signal;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const forwardAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', forwardAbort, { once: true });
  try {
    const { url, headers } = credentialsAsHeader(options.url, options.headers);
    const { response, body } = await exchange({
      url,
      method: options.method ?? 'GET',
      headers,
      body: options.body,
      signal: controller.signal,
      maxReplyBytes: options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES,
      crossOriginRedirects: options.crossOriginRedirects ?? 'strip',
      redactQuery: options.redactQuery ?? true,
      fetch: fetchImpl,
      spoolOverBytes: options.spoolOverBytes,
    });
    if (response.ok) return { ok: true, status: response.status, body };
    if (typeof body !== 'string') body.remove();
    return {
      ok: false,
      failure: {
        kind: 'status',
        status: response.status,
        // HTTP/2 (and some servers) send no reason phrase; the standard one reads better than none.
        statusText: response.statusText || (STATUS_CODES[response.status] ?? ''),
        retryAfter: response.headers.get('retry-after'),
      },
    };
  } catch (error) {
    outer?.throwIfAborted();
    if (error instanceof FatalFetchError) return { ok: false, fatal: error };
    if (timedOut) return { ok: false, failure: { kind: 'timeout', timeoutMs: options.timeoutMs } };
    return {
      ok: false,
      failure: { kind: 'network', detail: redactUrlIn(networkDetail(error), options.url, { query: options.redactQuery ?? true }), code: networkCode(error) },
    };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forwardAbort);
  }
}

/**
 * `https://user:password@host/…`: fetch refuses URLs with credentials, so they are sent the way a
 * browser sends them, as `Authorization: Basic …` (unless the config sets its own Authorization).
 */
export function credentialsAsHeader(url: string, headers: Record<string, string> | undefined): { url: string; headers: Record<string, string> | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, headers };
  }
  if (parsed.username === '' && parsed.password === '') return { url, headers };
  const basic = Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64');
  parsed.username = '';
  parsed.password = '';
  const own = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
  return { url: parsed.toString(), headers: own ? headers : { ...headers, Authorization: `Basic ${basic}` } };
}

/** The system error code (`ECONNREFUSED`, `ENOTFOUND`, …) of a failed fetch, when it has one. */
function networkCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Node's fetch says only "fetch failed"; the useful part (ECONNRESET, …) is in `cause`. */
function networkDetail(error: unknown): string {
  const e = error as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const cause = e?.cause;
  if (cause !== undefined && cause !== null) {
    const code = typeof cause.code === 'string' ? cause.code : undefined;
    const message = typeof cause.message === 'string' ? cause.message : '';
    if (code !== undefined && message !== '' && !message.includes(code)) return `${code} (${message})`;
    if (code !== undefined || message !== '') return code ?? message;
  }
  return typeof e?.message === 'string' ? e.message : String(error);
}

function fetchFailed(options: FetchWithRetryOptions, safeUrl: string, attempts: number, cause: string, kind: 'retryable' | 'dns' | 'client'): TsdbtError {
  const forSource = options.source === undefined ? '' : ` for source ${options.source}`;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const notRetried = {
    retryable: '',
    dns: ' (the host name did not resolve, which retrying does not fix)',
    client: ' (a client error like this is not retried)',
  }[kind];
  const hint = {
    retryable:
      "Check that the API is reachable from here; if it is only slow or flaky, raise `timeout` or `retries.max_attempts` in the source's `ingest:` config.",
    dns: "This machine looks offline, or the host name in the source's `url` is misspelled.",
    client: "Check the URL, method and headers (credentials) in the source's `ingest:` config.",
  }[kind];
  return new TsdbtError({
    code: ErrorCodes.INGEST_FETCH_FAILED,
    message: `Could not fetch ${safeUrl}${forSource} after ${tries}; the last attempt failed: ${cause}${notRetried}.`,
    hint,
  });
}
