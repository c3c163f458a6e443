import type { IngestResult } from '../ingest/ingest-source.js';
import type { Logger } from '../core/logger.js';
import type { TaskLog } from './invocation.js';

/**
 * Events the per-source result line (reportIngest) already says, shown only with --debug:
 * the final error would otherwise be printed twice, and the landed count next to the OK line.
 */
const SAID_BY_RESULT = new Set(['ingest.failed', 'ingest.fetched', 'ingest.landed', 'watch.connect_failed']);

/** Ingest log events as a task says them: each attempt, retry and delay at info/warn, the rest with --debug. */
export function ingestLogger(log: TaskLog): Logger {
  return {
    // The event name and fields go along, for --log-format json and the log file.
    log: (level, event, message, fields) => {
      if (level === 'debug' || SAID_BY_RESULT.has(event)) log.event('debug', event, message, fields);
      else log.event(level === 'error' ? 'warn' : level, event, message, fields);
    },
  };
}

/**
 * How a failed source is shown: as the error it is (`tsdbt ingest`), or as a warning followed by
 * what happens instead (`building from the data already landed`, `trying again at the next poll`).
 */
export type IngestFailureReport = { as: 'error' } | { as: 'warning'; then: string };

export function reportIngest(result: IngestResult, log: TaskLog, failure: IngestFailureReport): void {
  const seconds = (result.durationMs / 1000).toFixed(2);
  if (result.status === 'success') {
    const extra = [result.duplicates > 0 ? `${result.duplicates} already landed, skipped` : '', result.rejected > 0 ? `${result.rejected} rejected` : '']
      .filter(Boolean)
      .join(', ');
    log.info(`OK ingested ${result.source}: ${result.rowsLanded} row${result.rowsLanded === 1 ? '' : 's'} landed${extra ? ` (${extra})` : ''} in ${seconds}s`);
  } else if (result.status === 'skipped') {
    log.info(`SKIP ingest ${result.source}: stopped by a shutdown before anything was landed`);
  } else if (failure.as === 'warning') {
    log.warn(`Could not ingest ${result.source}; ${failure.then}. ${result.error?.message ?? ''}`.trimEnd());
  } else if (result.error) {
    log.error(result.error);
  }
}

/** `OK=1 ERROR=0 SKIP=0` over results. */
export function ingestCounts(results: readonly IngestResult[]): string {
  const count = (status: IngestResult['status']): number => results.filter((result) => result.status === status).length;
  return `OK=${count('success')} ERROR=${count('error')} SKIP=${count('skipped')} TOTAL=${results.length}`;
}
