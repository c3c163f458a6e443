/**
 * `--watch`: poll each source on its `schedule` until the signal fires. Sources run one at a
 * time; a source's next poll is due `schedule` after its last one started (or at once, when
 * that poll overran). Aborting stops fetches and waits right away, but an insert already under
 * way is finished, so shutdown never leaves a reply half landed.
 */
import type { Adapter } from '../adapter/types.js';
import { silentLogger } from '../report/logger.js';
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

  while (!signal.aborted) {
    const round = sources.filter((source) => due.get(source)! <= now());
    if (round.length > 0) {
      await withAdapter(options.adapter, async (adapter) => {
        for (const source of round) {
          if (signal.aborted) return;
          const started = now();
          const result = await ingestSource(source, { ...options, adapter, signal });
          summary.polls += 1;
          if (result.status === 'error') summary.failures += 1;
          options.onResult?.(result);
          const every = source.config.scheduleMs;
          due.set(source, every === undefined ? Infinity : Math.max(started + every, now()));
        }
      });
    }
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
  logger.log('info', 'watch.stopped', `Stopped watching after ${summary.polls} poll(s).`, { ...summary });
  return summary;
}

async function withAdapter(adapter: Adapter | AdapterProvider, work: (adapter: Adapter) => Promise<void>): Promise<void> {
  if (typeof adapter !== 'function') {
    await work(adapter);
    return;
  }
  const opened = await adapter();
  try {
    await work(opened);
  } finally {
    await opened.close();
  }
}
