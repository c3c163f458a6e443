/**
 * `--watch`: poll each source on its `schedule` until the signal fires. Sources run one at a
 * time; a source's next poll is due `schedule` after its last one started (or at once, when
 * that poll overran). Aborting stops fetches and waits right away, but an insert already under
 * way is finished, so shutdown never leaves a reply half landed. A round whose connection cannot
 * be opened (with chDB: another tsdbt process holds the engine) counts as failed polls, and the
 * watch goes on.
 */
import type { Adapter } from '../core/adapter-types.js';
import { ErrorCodes, TsdbtError, isTsdbtError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { realSleep, systemNow } from './clock.js';
import { formatDuration } from './duration.js';
import type { IngestDeps, IngestResult, IngestSource } from './ingest-source.js';
import { ingestSource } from './ingest-source.js';

/** Opens a connection for one round of polls; watch closes it afterwards. */
export type AdapterProvider = () => Promise<Adapter>;

export interface WatchOptions extends Omit<IngestDeps, 'adapter' | 'signal'> {
  /**
   * A connection held for the whole watch, or a provider called for each round: with chDB a
   * provider lets other tsdbt commands use the database between polls (the engine allows one
   * session per data path).
   */
  adapter: Adapter | AdapterProvider;
  signal: AbortSignal;
  /** Called after every poll, e.g. to print a line per result. */
  onResult?: (result: IngestResult) => void;
}

export interface WatchSummary {
  polls: number;
  failures: number;
}

export async function watch(sources: readonly IngestSource[], options: WatchOptions): Promise<WatchSummary> {
  const now = options.now ?? systemNow;
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger ?? silentLogger;
  const { signal } = options;
  const summary: WatchSummary = { polls: 0, failures: 0 };
  const due = new Map<IngestSource, number>(sources.map((source) => [source, now()]));

  for (const source of sources) {
    if (source.config.scheduleMs === undefined) {
      logger.log('warn', 'watch.no_schedule', `Source ${source.name} has no \`schedule\`; it is ingested once.`, { source: source.name });
    }
  }

  const record = (source: IngestSource, started: number, result: IngestResult): void => {
    summary.polls += 1;
    if (result.status === 'error') summary.failures += 1;
    options.onResult?.(result);
    const every = source.config.scheduleMs;
    due.set(source, every === undefined ? Infinity : Math.max(started + every, now()));
  };

  while (!signal.aborted) {
    const round = sources.filter((source) => due.get(source)! <= now());
    if (round.length > 0) {
      const roundStarted = now();
      const opened = await openAdapter(options.adapter);
      if (!opened.ok) {
        // E.g. the embedded engine is held by a `tsdbt run` right now: this round fails, the next one tries again.
        const error = asTsdbtError(opened.error);
        logger.log('error', 'watch.connect_failed', `Could not open the database for this round of polls; trying again at the next one. ${error.message}`, {
          code: error.code,
        });
        for (const source of round) {
          // Counted like any failed poll, so a source starved by the database lock shows on the dashboard.
          options.metrics?.failure(source.name);
          record(source, roundStarted, connectFailed(source, error));
        }
      } else {
        try {
          for (const source of round) {
            if (signal.aborted) break;
            const started = now();
            record(source, started, await ingestSource(source, { ...options, adapter: opened.adapter, signal }));
          }
        } finally {
          await opened.release();
        }
      }
    }
    if (signal.aborted) break;
    const next = Math.min(...due.values());
    if (next === Infinity) {
      logger.log('info', 'watch.done', 'No source has a schedule; nothing more to poll.', {});
      break;
    }
    const waitMs = Math.max(0, next - now());
    if (waitMs > 0) {
      logger.log('debug', 'watch.sleep', `Next poll in ${formatDuration(waitMs)}.`, { waitMs });
      await sleep(waitMs, signal);
    }
  }
  logger.log('info', 'watch.stopped', `Stopped watching after ${summary.polls} poll(s), ${summary.failures} failed.`, { ...summary });
  return summary;
}

type Opened = { ok: true; adapter: Adapter; release(): Promise<void> } | { ok: false; error: unknown };

/** The held connection (never closed here), or a fresh one from the provider (closed by `release`). */
async function openAdapter(adapter: Adapter | AdapterProvider): Promise<Opened> {
  if (typeof adapter !== 'function') return { ok: true, adapter, release: async () => undefined };
  try {
    const opened = await adapter();
    return { ok: true, adapter: opened, release: () => opened.close() };
  } catch (error) {
    return { ok: false, error };
  }
}

function asTsdbtError(error: unknown): TsdbtError {
  if (isTsdbtError(error)) return error;
  return new TsdbtError({
    code: ErrorCodes.INTERNAL,
    message: `Opening the database failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    hint: 'This is a bug in tsdbt; please report it with the log above.',
    cause: error,
  });
}

function connectFailed(source: IngestSource, error: TsdbtError): IngestResult {
  return { source: source.name, status: 'error', attemptsMade: 0, rowsLanded: 0, duplicates: 0, rejected: 0, error, durationMs: 0 };
}
