/**
 * The `ingest:` block of a source table, validated into a typed IngestConfig.
 *
 * The mapping arrives as plain data with Jinja already rendered, so numbers and booleans
 * may come back as strings (`"5"`, `"true"`): those are accepted. Every problem is
 * collected, not thrown, so a user fixes a config in one pass.
 */
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration } from './duration.js';
import { DEFAULT_MAX_REPLY_BYTES, type CrossOriginRedirects } from './http-reply.js';

export type IngestFormat = 'json' | 'json_each';
export type Jitter = 'none' | 'full' | 'equal';

export interface RetryPolicy {
  /** Attempts in all, the first one included (1 = never retry). */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Growth factor between consecutive delays. */
  multiplier: number;
  jitter: Jitter;
}

export interface IngestConfig {
  /** Absent only when a `fetcher` module does the fetching. */
  url: string | undefined;
  method: string;
  headers: Record<string, string>;
  /** Request body, for POST-style APIs. */
  body: string | undefined;
  /** `json`: the whole reply is one row. `json_each`: one row per element of the array at `path`. */
  format: IngestFormat;
  /** Keys leading to the array for `json_each`; empty means the reply itself is the array. */
  path: string[];
  timeoutMs: number;
  retries: RetryPolicy;
  /** Dotted paths that must be present and non-null in every row (`people`, `iss_position.latitude`). */
  required: string[];
  /** Poll interval for watch mode; undefined means "ingest once". */
  scheduleMs: number | undefined;
  /** Ingest this source at the start of `tsdbt run`. */
  beforeRun: boolean;
  /** Keep rejected payloads in `<table>__rejected` so nothing is silently lost. */
  quarantine: boolean;
  /** Module (relative to the project directory) exporting a custom fetcher. */
  fetcher: string | undefined;
  /** A captured reply (a file relative to the project) that `tsdbt ingest --sample` lands instead of fetching. */
  sample: string | undefined;
  /** A larger reply fails at once, not retried (INGEST_REPLY_TOO_LARGE). */
  maxReplyBytes: number;
  /** A redirect to another origin: `strip` the configured headers and credentials (default), or `refuse` it. */
  crossOriginRedirects: CrossOriginRedirects;
  /** Mask every query value in logs, errors and `_source_url` (default true); false masks only secret-looking names. */
  redactQuery: boolean;
}

export interface IngestConfigLocation {
  file: string;
  line?: number;
  /** Source name (`astro`). */
  source: string;
  /** Table name within the source (`raw_astros`). */
  table: string;
}

export const DEFAULT_RETRIES: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 'full',
};
export const DEFAULT_TIMEOUT_MS = 10_000;

const KEYS = [
  'url',
  'method',
  'headers',
  'body',
  'format',
  'path',
  'timeout',
  'retries',
  'validate',
  'schedule',
  'before_run',
  'quarantine',
  'fetcher',
  'max_reply_bytes',
  'cross_origin_redirects',
  'redact_query',
  'sample',
];
const RETRY_KEYS = ['max_attempts', 'initial_delay', 'max_delay', 'multiplier', 'jitter'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH'];
const FORMATS: IngestFormat[] = ['json', 'json_each'];
const DURATION_EXAMPLE = 'use e.g. 10s, 500ms, 2m';

/** Validates `raw`; returns a config only when there are no errors. */
export function parseIngestConfig(raw: unknown, where: IngestConfigLocation): { config?: IngestConfig; errors: TsdbtError[] } {
  const r = new Reader(where);
  if (!isRecord(raw)) {
    r.fail('', `must be a mapping (url, format, retries, …), not ${describe(raw)}`);
    return { errors: r.errors };
  }
  r.unknownKeys(raw, KEYS, '');

  const url = r.optionalString(raw, 'url');
  if (url !== undefined) checkUrl(r, url);
  const fetcher = r.optionalString(raw, 'fetcher');
  if (url === undefined && fetcher === undefined) {
    r.fail('url', 'is missing; give the URL to fetch, or a `fetcher` module that fetches for you');
  }

  const method = (r.optionalString(raw, 'method') ?? 'GET').toUpperCase();
  if (!METHODS.includes(method)) r.fail('method', `'${method}' is not an HTTP method tsdbt sends; use one of ${METHODS.join(', ')}`);

  const format = (r.optionalString(raw, 'format') ?? 'json') as IngestFormat;
  if (!FORMATS.includes(format))
    r.fail('format', `'${format}' is not a format; use json (the whole reply is one row) or json_each (one row per array element)`);
  const pathText = r.optionalString(raw, 'path');
  if (pathText !== undefined && format !== 'json_each') {
    r.fail('path', 'is only used with format: json_each; remove it, or set format: json_each');
  }

  const config: IngestConfig = {
    url,
    method,
    headers: readHeaders(r, raw.headers),
    body: r.optionalString(raw, 'body'),
    format,
    path: pathText === undefined ? [] : splitPath(pathText),
    timeoutMs: r.duration(raw, 'timeout', '') ?? DEFAULT_TIMEOUT_MS,
    retries: readRetries(r, raw.retries),
    required: readRequired(r, raw.validate),
    scheduleMs: r.duration(raw, 'schedule', ''),
    beforeRun: r.boolean(raw, 'before_run', '') ?? false,
    quarantine: r.boolean(raw, 'quarantine', '') ?? true,
    fetcher,
    sample: r.optionalString(raw, 'sample'),
    maxReplyBytes: r.integer(raw, 'max_reply_bytes', '', 1) ?? DEFAULT_MAX_REPLY_BYTES,
    crossOriginRedirects: readCrossOrigin(r, raw.cross_origin_redirects),
    redactQuery: r.boolean(raw, 'redact_query', '') ?? true,
  };
  return r.errors.length > 0 ? { errors: r.errors } : { config, errors: [] };
}

function readCrossOrigin(r: Reader, value: unknown): CrossOriginRedirects {
  if (value === undefined || value === null) return 'strip';
  if (value === 'strip' || value === 'refuse') return value;
  r.fail('cross_origin_redirects', `must be strip (send no configured headers or credentials to the other origin) or refuse, not ${describe(value)}`);
  return 'strip';
}

/** `people.0.name` → `['people', '0', 'name']`. */
export function splitPath(text: string): string[] {
  const trimmed = text.trim().replace(/^\$\.?/, '');
  return trimmed === '' ? [] : trimmed.split('.');
}

function checkUrl(r: Reader, url: string): void {
  // `file:` reads a reply exported to disk: `file:relative/to/project.json` or `file:///absolute.json`.
  if (/^file:/i.test(url)) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    r.fail('url', `'${url}' is not a URL; write it in full, e.g. http://api.open-notify.org/astros.json`);
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    r.fail('url', `uses ${parsed.protocol.replace(/:$/, '')}, but only http, https and file are read; use a \`fetcher\` module for anything else`);
  }
}

function readHeaders(r: Reader, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    r.fail('headers', `must be a mapping of header names to values, not ${describe(value)}`);
    return {};
  }
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') headers[name] = String(v);
    else r.fail(`headers.${name}`, `must be a string, not ${describe(v)}`);
  }
  return headers;
}

function readRetries(r: Reader, value: unknown): RetryPolicy {
  if (value === undefined || value === null) return DEFAULT_RETRIES;
  if (value === false || value === 'false') return { ...DEFAULT_RETRIES, maxAttempts: 1 };
  if (!isRecord(value)) {
    r.fail('retries', `must be a mapping like {max_attempts: 5, initial_delay: 1s, max_delay: 30s}, not ${describe(value)}`);
    return DEFAULT_RETRIES;
  }
  r.unknownKeys(value, RETRY_KEYS, 'retries.');
  const policy: RetryPolicy = {
    maxAttempts: r.integer(value, 'max_attempts', 'retries.', 1) ?? DEFAULT_RETRIES.maxAttempts,
    initialDelayMs: r.duration(value, 'initial_delay', 'retries.') ?? DEFAULT_RETRIES.initialDelayMs,
    maxDelayMs: r.duration(value, 'max_delay', 'retries.') ?? DEFAULT_RETRIES.maxDelayMs,
    multiplier: r.number(value, 'multiplier', 'retries.', 1) ?? DEFAULT_RETRIES.multiplier,
    jitter: readJitter(r, value.jitter),
  };
  if (policy.maxDelayMs < policy.initialDelayMs) {
    r.fail('retries.max_delay', 'is shorter than retries.initial_delay; the delay could never grow');
  }
  return policy;
}

function readJitter(r: Reader, value: unknown): Jitter {
  if (value === undefined || value === null || value === true || value === 'true' || value === 'full') return 'full';
  if (value === false || value === 'false' || value === 'none') return 'none';
  if (value === 'equal') return 'equal';
  r.fail('retries.jitter', `'${String(value)}' is not a jitter; use true (full jitter), equal, or false`);
  return 'full';
}

function readRequired(r: Reader, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) {
    r.fail('validate', `must be a mapping like {required: [message, people]}, not ${describe(value)}`);
    return [];
  }
  r.unknownKeys(value, ['required'], 'validate.');
  const required = value.required;
  if (required === undefined || required === null) return [];
  if (!Array.isArray(required) || !required.every((item) => typeof item === 'string' && item.trim() !== '')) {
    r.fail('validate.required', 'must be a list of field names (dotted paths are fine: iss_position.latitude)');
    return [];
  }
  return required.map((item: string) => item.trim());
}

/** Reads typed values out of a mapping, collecting one error per bad key. */
class Reader {
  readonly errors: TsdbtError[] = [];
  constructor(private readonly where: IngestConfigLocation) {}

  fail(key: string, problem: string): void {
    const at = `sources.${this.where.source}.${this.where.table}.ingest${key === '' ? '' : `.${key}`}`;
    this.errors.push(
      new TsdbtError({
        code: ErrorCodes.INGEST_CONFIG_INVALID,
        message: `${at}: ${problem}.`,
        file: this.where.file,
        line: this.where.line,
        hint: 'The `ingest:` keys are described in the README under "Ingestion".',
      }),
    );
  }

  unknownKeys(value: Record<string, unknown>, known: string[], prefix: string): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail(`${prefix}${key}`, `is not a known key; the keys here are ${known.join(', ')}`);
    }
  }

  optionalString(value: Record<string, unknown>, key: string): string | undefined {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    this.fail(key, `must be a non-empty string, not ${describe(v)}`);
    return undefined;
  }

  duration(value: Record<string, unknown>, key: string, prefix: string): number | undefined {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined || ms <= 0) {
      const shown = typeof v === 'string' ? `'${v}'` : String(v);
      this.fail(`${prefix}${key}`, `${shown} is not a duration; ${DURATION_EXAMPLE}`);
      return undefined;
    }
    if (ms > MAX_DURATION_MS) {
      this.fail(
        `${prefix}${key}`,
        `'${String(v)}' is longer than the longest duration tsdbt waits, ${MAX_DURATION_TEXT}; use a shorter one (an external scheduler for longer intervals)`,
      );
      return undefined;
    }
    return ms;
  }

  number(value: Record<string, unknown>, key: string, prefix: string, min: number): number | undefined {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < min) {
      this.fail(`${prefix}${key}`, `must be a number of at least ${min}, not ${describe(v)}`);
      return undefined;
    }
    return n;
  }

  integer(value: Record<string, unknown>, key: string, prefix: string, min: number): number | undefined {
    const n = this.number(value, key, prefix, min);
    if (n !== undefined && !Number.isInteger(n)) {
      this.fail(`${prefix}${key}`, `must be a whole number, not ${n}`);
      return undefined;
    }
    return n;
  }

  boolean(value: Record<string, unknown>, key: string, prefix: string): boolean | undefined {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    this.fail(`${prefix}${key}`, `must be true or false, not ${describe(v)}`);
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}
