/**
 * One source, end to end: make sure its tables exist, fetch (HTTP or custom fetcher), validate,
 * land. Never throws: the outcome, failure included, is a result, so one bad source never stops
 * the others (`ingestAll`, the watch loop).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Adapter } from '../core/adapter-types.js';
import { ErrorCodes, TsdbtError, isTsdbtError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { Now, Sleep } from './clock.js';
import { systemNow } from './clock.js';
import type { FetchLike } from './fetch-with-retry.js';
import { fetchWithRetry } from './fetch-with-retry.js';
import type { FetcherContext, FetcherRequest, ModuleImporter } from './fetcher-module.js';
import { loadFetcher } from './fetcher-module.js';
import type { IngestConfig } from './ingest-config.js';
import type { IngestObserver } from './ingest-observer.js';
import { noObserver } from './ingest-observer.js';
import type { LandingTarget } from './landing.js';
import { ensureLandingTables, landPayloads, landSpooled, type LandResult, quarantinePayload } from './landing.js';
import { rejectedTableName } from './landing-plan.js';
import type { PayloadCheck } from './payload.js';
import { payloadsFromFetcher, payloadsFromReply } from './payload.js';
import { redactUrl } from './redact-url.js';
import type { Spool } from './spool.js';
import { readHead, sweepDeadSpoolsOnce } from './spool.js';
import { checkSpooledReply } from './spooled-reply.js';

export interface IngestSource {
  /** `source_name.table_name`, as selectors and logs show it. */
  name: string;
  /** Database of the landing table (the source's schema). */
  database: string;
  table: string;
  config: IngestConfig;
  /** Directory that a `fetcher:` path is relative to. */
  projectDir: string;
  /** The target's cluster, if any: landing DDL runs ON CLUSTER. */
  cluster?: string | undefined;
  /** Reads a `file:` reply (an absolute path); given by the caller, since reading files is the project layer's job. */
  readLocal?: ((file: string) => string) | undefined;
  /** `tsdbt ingest --sample`: land the source's captured `sample` instead of fetching. */
  useSample?: boolean | undefined;
}

export interface IngestDeps {
  adapter: Adapter;
  logger?: Logger;
  fetch?: FetchLike;
  sleep?: Sleep;
  now?: Now;
  random?: () => number;
  /** Stops fetching and waiting; an insert already under way is finished first. */
  signal?: AbortSignal;
  metrics?: IngestObserver;
  importModule?: ModuleImporter;
}

export interface IngestResult {
  source: string;
  /** `skipped`: stopped by the signal before anything was landed. */
  status: 'success' | 'error' | 'skipped';
  /** HTTP attempts (a custom fetcher that fetches by itself counts as one). */
  attemptsMade: number;
  rowsLanded: number;
  /** Payloads not written because they were already landed. */
  duplicates: number;
  /** Replies rejected (and quarantined when enabled). */
  rejected: number;
  error?: TsdbtError;
  durationMs: number;
}

/** What was fetched: the payloads to land, or why not, plus the raw text to quarantine. */
type Fetched = { check: PayloadCheck; raw: string } | { spool: Spool };

/** A reply larger than this is spooled to disk and landed from there (spooled-reply.ts), not held in memory. */
export const SPOOL_OVER_BYTES = 8 * 1024 * 1024;
/** How much of a rejected spooled reply its quarantine row keeps. */
export const QUARANTINE_HEAD_BYTES = 1024 * 1024;

export async function ingestSource(source: IngestSource, deps: IngestDeps): Promise<IngestResult> {
  const now = deps.now ?? systemNow;
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noObserver;
  const started = now();
  const result: IngestResult = { source: source.name, status: 'success', attemptsMade: 0, rowsLanded: 0, duplicates: 0, rejected: 0, durationMs: 0 };
  const onAttempt = (attempt: number): void => {
    result.attemptsMade += 1;
    metrics.request(source.name);
    if (attempt > 1) metrics.retry(source.name);
  };
  const target: LandingTarget = { database: source.database, table: source.table, quarantine: source.config.quarantine, cluster: source.cluster };
  const sourceUrl =
    source.useSample === true
      ? `file:${source.config.sample ?? ''}`
      : source.config.url === undefined
        ? `fetcher:${source.config.fetcher ?? ''}`
        : redactUrl(source.config.url, { query: source.config.redactQuery });

  for (const dir of sweepDeadSpoolsOnce()) {
    logger.log('debug', 'ingest.spool_swept', `Removed ${dir}, a reply spooled by a tsdbt process that is no longer running.`, { source: source.name });
  }
  try {
    deps.signal?.throwIfAborted();
    // Tables first: even when the API is down, downstream models find an (empty) table to read.
    await ensureLandingTables(deps.adapter, target);
    const reply = await fetchPayloads(source, deps, onAttempt);
    // From here on the reply is in hand: land it even if a shutdown was asked for meanwhile.
    if ('spool' in reply) {
      try {
        await landSpooledReply(source, deps, target, reply.spool, sourceUrl, result);
      } finally {
        reply.spool.remove();
      }
      return finish(result, now, started);
    }
    const fetched = reply;
    if (!fetched.check.ok) {
      result.rejected = 1;
      metrics.rejected(source.name, 1);
      if (source.config.quarantine) {
        await quarantinePayload(deps.adapter, target, { payload: fetched.raw, reason: fetched.check.reason, sourceUrl, nowMs: now() });
      }
      throw invalidPayload(source, sourceUrl, fetched.check.reason);
    }
    logger.log('debug', 'ingest.landing', `Landing ${fetched.check.payloads.length} payload(s) into ${source.database}.${source.table}.`, {
      source: source.name,
      payloads: fetched.check.payloads.length,
    });
    const landed = await landPayloads(deps.adapter, target, fetched.check.payloads, { sourceUrl, nowMs: now() });
    recordLanded(source, deps, result, landed);
  } catch (error) {
    if (deps.signal?.aborted === true && !isTsdbtError(error)) {
      result.status = 'skipped';
      logger.log('info', 'ingest.stopped', `Stopped ingesting ${source.name}: shutting down.`, { source: source.name });
    } else {
      result.status = 'error';
      result.error = withSampleHint(asTsdbtError(error, source), source);
      metrics.failure(source.name);
      logger.log('error', 'ingest.failed', result.error.message, { source: source.name, code: result.error.code, attempts: result.attemptsMade });
    }
  }
  return finish(result, now, started);
}

function finish(result: IngestResult, now: Now, started: number): IngestResult {
  result.durationMs = now() - started;
  return result;
}

/** A reply spooled to disk: checked and landed from the file; rejected, it is quarantined by its first MiB. */
async function landSpooledReply(
  source: IngestSource,
  deps: IngestDeps,
  target: LandingTarget,
  spool: Spool,
  sourceUrl: string,
  result: IngestResult,
): Promise<void> {
  const now = deps.now ?? systemNow;
  const metrics = deps.metrics ?? noObserver;
  const checked = checkSpooledReply(spool, source.config);
  if (!checked.ok) {
    result.rejected = 1;
    metrics.rejected(source.name, 1);
    if (source.config.quarantine) {
      const head = readHead(spool.file, QUARANTINE_HEAD_BYTES);
      const reason = `${checked.reason}; a reply of ${spool.bytes.toLocaleString('en-US')} bytes, of which the first ${Buffer.byteLength(head).toLocaleString('en-US')} are kept`;
      await quarantinePayload(deps.adapter, target, { payload: head, reason, sourceUrl, nowMs: now() });
    }
    throw invalidPayload(source, sourceUrl, checked.reason);
  }
  const landed = await landSpooled(deps.adapter, target, spool, checked, { sourceUrl, nowMs: now() });
  recordLanded(source, deps, result, landed);
}

async function fetchPayloads(source: IngestSource, deps: IngestDeps, onAttempt: (attempt: number) => void): Promise<Fetched> {
  const { config } = source;
  if (source.useSample === true) {
    const body = readLocalReply(source, `file:${config.sample ?? ''}`, deps, onAttempt);
    return { check: payloadsFromReply(body, config), raw: body };
  }
  const fetchBody = async (url = config.url, init: FetcherRequest = {}, spoolOverBytes?: number): Promise<string | Spool> => {
    if (url === undefined) {
      throw new TsdbtError({
        code: ErrorCodes.INGEST_CONFIG_INVALID,
        message: `The fetcher of source ${source.name} called fetchText() without a URL, and the source has no \`url\`.`,
        hint: "Pass a URL to ctx.fetchText(url), or set `url:` in the source's `ingest:` config.",
      });
    }
    if (/^file:/i.test(url)) return readLocalReply(source, url, deps, onAttempt);
    const reply = await fetchWithRetry({
      url,
      method: init.method ?? config.method,
      headers: init.headers ?? config.headers,
      body: init.body ?? config.body,
      timeoutMs: config.timeoutMs,
      retries: config.retries,
      fetch: deps.fetch,
      sleep: deps.sleep,
      now: deps.now,
      random: deps.random,
      signal: deps.signal,
      logger: deps.logger,
      source: source.name,
      onAttempt,
      maxReplyBytes: config.maxReplyBytes,
      crossOriginRedirects: config.crossOriginRedirects,
      redactQuery: config.redactQuery,
      ...(spoolOverBytes === undefined ? {} : { spoolOverBytes }),
    });
    return reply.body;
  };
  // A custom fetcher gets text (never spooled): its replies are bounded by max_reply_bytes in memory.
  const fetchText = async (url = config.url, init: FetcherRequest = {}): Promise<string> => (await fetchBody(url, init)) as string;

  if (config.fetcher === undefined) {
    const body = await fetchBody(config.url, {}, SPOOL_OVER_BYTES);
    if (typeof body !== 'string') return { spool: body };
    return { check: payloadsFromReply(body, config), raw: body };
  }

  const fetcher = await loadFetcher(config.fetcher, source.projectDir, source.name, deps.importModule);
  const signal = deps.signal ?? new AbortController().signal;
  const context: FetcherContext = {
    source: source.name,
    config,
    signal,
    logger: deps.logger ?? silentLogger,
    fetchText,
    fetchJson: async (url, init) => JSON.parse(await fetchText(url, init)) as unknown,
  };
  let returned: unknown;
  try {
    returned = await fetcher(context);
  } catch (error) {
    if (isTsdbtError(error) || signal.aborted) throw error;
    throw new TsdbtError({
      code: ErrorCodes.INGEST_FETCH_FAILED,
      message: `The fetcher ${config.fetcher} of source ${source.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      hint: "The error comes from the project's fetcher module; fix it there (ctx.fetchText gives retries and timeouts for free).",
      cause: error,
    });
  }
  return { check: payloadsFromFetcher(returned, config.required), raw: rawText(returned) };
}

/** A reply exported to disk: `file:relative/to/project` or `file:///absolute/path`. Not retried: a file is there or not. */
function readLocalReply(source: IngestSource, url: string, deps: IngestDeps, onAttempt: (attempt: number) => void): string {
  onAttempt(1);
  const file = /^file:\/\//i.test(url) ? fileURLToPath(url) : path.resolve(source.projectDir, url.slice('file:'.length));
  if (source.readLocal === undefined) {
    throw new TsdbtError({ code: ErrorCodes.INTERNAL, message: `Source ${source.name} reads ${url}, but no file reader was given to ingestion.` });
  }
  let body: string;
  try {
    body = source.readLocal(file);
  } catch (error) {
    if (isTsdbtError(error)) throw error;
    throw new TsdbtError({
      code: ErrorCodes.INGEST_FETCH_FAILED,
      message: `Source ${source.name} could not read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'A `file:` URL is relative to the project folder (`file:samples/reply.json`) or absolute (`file:///data/reply.json`).',
      cause: error,
    });
  }
  (deps.logger ?? silentLogger).log('info', 'ingest.fetched', `Read ${body.length} bytes from ${file}.`, {
    source: source.name,
    url,
    attempt: 1,
    bytes: body.length,
  });
  return body;
}

/** When the API cannot be reached and the source ships a captured reply, say the one command that lands it. */
function withSampleHint(error: TsdbtError, source: IngestSource): TsdbtError {
  const { sample } = source.config;
  if (sample === undefined || source.useSample === true || error.code !== ErrorCodes.INGEST_FETCH_FAILED) return error;
  const command = `tsdbt ingest --sample --select source:${source.name}`;
  return new TsdbtError({
    code: error.code,
    message: `${error.message} To land the captured reply ${sample} instead, so the models have rows offline: ${command}`,
    file: error.file,
    line: error.line,
    hint: error.hint,
    cause: error.cause,
  });
}

function invalidPayload(source: IngestSource, sourceUrl: string, reason: string): TsdbtError {
  const kept = source.config.quarantine
    ? ` The reply is kept in ${source.database}.${rejectedTableName(source.table)}.`
    : ' The reply was dropped (quarantine is off).';
  return new TsdbtError({
    code: ErrorCodes.INGEST_INVALID_PAYLOAD,
    message: `The reply from ${sourceUrl} for source ${source.name} was rejected and nothing was landed: ${reason}.${kept}`,
    hint: 'Check that the API still returns the shape the source expects (`format`, `path`, `validate.required` in its `ingest:` config).',
  });
}

function asTsdbtError(error: unknown, source: IngestSource): TsdbtError {
  if (isTsdbtError(error)) return error;
  return new TsdbtError({
    code: ErrorCodes.INTERNAL,
    message: `Ingesting source ${source.name} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    hint: 'This is a bug in tsdbt; please report it with the log above.',
    cause: error,
  });
}

function rawText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function recordLanded(source: IngestSource, deps: IngestDeps, result: IngestResult, landed: LandResult): void {
  const metrics = deps.metrics ?? noObserver;
  result.rowsLanded = landed.landed;
  result.duplicates = landed.duplicates;
  metrics.landed(source.name, landed.landed);
  metrics.duplicates(source.name, landed.duplicates);
  metrics.success(source.name, (deps.now ?? systemNow)());
  (deps.logger ?? silentLogger).log(
    'info',
    'ingest.landed',
    `Landed ${landed.landed} row(s) into ${source.database}.${source.table}` +
      (landed.duplicates > 0 ? ` (${landed.duplicates} already landed, skipped).` : '.'),
    { source: source.name, rows: landed.landed, duplicates: landed.duplicates, attempts: result.attemptsMade },
  );
}
