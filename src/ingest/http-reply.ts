/**
 * One HTTP exchange of an ingest attempt, redirects included, done by hand (`redirect: 'manual'`)
 * so tsdbt decides what a redirect may carry:
 *   - only http: and https: locations are followed (never file:, data:, …);
 *   - on a redirect to another origin the configured headers and the URL's credentials are not
 *     sent on (or, with `cross_origin_redirects: refuse`, the redirect is refused);
 *   - a loop, or more than MAX_REDIRECTS hops, is refused.
 * A refused redirect and a reply over `max_reply_bytes` are RedirectRefused / ReplyTooLarge, which
 * the caller fails at once: retrying returns the same answer.
 * The body is read chunk by chunk and given up on as soon as it passes the limit, so a huge or
 * endless reply never sits in memory whole. With `spoolOverBytes`, a body that grows past it is
 * written to a file as it arrives (spool.ts) and handed over as that file.
 */
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { redactUrl } from './redact-url.js';
import { createSpool, type Spool, type SpoolWriter } from './spool.js';

export const MAX_REDIRECTS = 10;
/** Default `max_reply_bytes`: 64 MiB. */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024;

export type CrossOriginRedirects = 'strip' | 'refuse';

export interface ExchangeOptions {
  url: string;
  method: string;
  headers: Record<string, string> | undefined;
  body: string | undefined;
  signal: AbortSignal;
  maxReplyBytes: number;
  crossOriginRedirects: CrossOriginRedirects;
  redactQuery: boolean;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Spool a body larger than this to disk instead of keeping it in memory; undefined: never. */
  spoolOverBytes?: number | undefined;
}

export interface Exchange {
  response: Response;
  /** The body as text, or, past `spoolOverBytes`, the file it was written to (the caller removes it). */
  body: string | Spool;
}

/** A redirect is refused, or a reply too large: not worth another attempt. */
export class FatalFetchError extends TsdbtError {}

export async function exchange(options: ExchangeOptions): Promise<Exchange> {
  const origin = new URL(options.url).origin;
  const seen = new Set<string>();
  let url = options.url;
  let headers = options.headers;
  let method = options.method;
  let body = options.body;
  for (let hop = 0; ; hop += 1) {
    seen.add(url);
    const response = await options.fetch(url, { method, headers, body, signal: options.signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) {
      return { response, body: await readBounded(response, options, url) };
    }
    await response.body?.cancel().catch(() => undefined);
    const next = new URL(location, url);
    const shown = (text: string) => redactUrl(text, { query: options.redactQuery });
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw refused(`${shown(url)} redirected to a ${next.protocol.replace(/:$/, '')}: URL, which tsdbt never follows`);
    if (seen.has(next.toString())) throw refused(`${shown(url)} redirected in a loop (back to ${shown(next.toString())})`);
    if (hop + 1 >= MAX_REDIRECTS) throw refused(`${shown(options.url)} redirected more than ${MAX_REDIRECTS} times`);
    if (next.origin !== origin && headers !== undefined) {
      if (options.crossOriginRedirects === 'refuse')
        throw refused(`${shown(url)} redirected to another origin (${next.origin}) and the source sets cross_origin_redirects: refuse`);
      // Configured headers (API keys, Authorization from URL credentials) stay with their origin.
      headers = undefined;
    }
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    url = next.toString();
  }
}

function refused(message: string): FatalFetchError {
  return new FatalFetchError({
    code: ErrorCodes.INGEST_REDIRECT_REFUSED,
    message: `${message}.`,
    hint: "Point the source's `url` at where the data is now; redirects to other schemes, loops and, with cross_origin_redirects: refuse, other origins are not followed.",
  });
}

async function readBounded(response: Response, options: ExchangeOptions, url: string): Promise<string | Spool> {
  const { maxReplyBytes: maxBytes, redactQuery } = options;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(url, maxBytes, redactQuery);
  }
  if (response.body === null) return '';
  const spoolOver = options.spoolOverBytes ?? Number.POSITIVE_INFINITY;
  let parts: Uint8Array[] = [];
  let spool: SpoolWriter | undefined;
  let total = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(url, maxBytes, redactQuery);
      }
      if (spool === undefined && total > spoolOver) {
        spool = createSpool();
        for (const part of parts) spool.write(part);
        parts = [];
      }
      if (spool === undefined) parts.push(value);
      else spool.write(value);
    }
  } catch (error) {
    spool?.discard();
    throw error;
  }
  if (spool !== undefined) return spool.finish();
  return new TextDecoder().decode(Buffer.concat(parts));
}

function tooLarge(url: string, maxBytes: number, redactQuery: boolean): FatalFetchError {
  return new FatalFetchError({
    code: ErrorCodes.INGEST_REPLY_TOO_LARGE,
    message: `The reply from ${redactUrl(url, { query: redactQuery })} is larger than max_reply_bytes (${maxBytes.toLocaleString('en-US')} bytes); it was not landed, and is not retried.`,
    hint: "Raise `max_reply_bytes` in the source's `ingest:` config if replies this large are expected (a reply over 8 MiB is spooled to disk, not held in memory), or ask the API for smaller pages.",
  });
}
