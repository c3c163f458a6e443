import type { IngestResult } from '../ingest/ingest-source.js';
import type { Logger } from '../report/logger.js';
import type { Terminal } from './terminal.js';

/** Ingest log events shown on the terminal: attempts and retries at info, the rest with --debug. */
export function terminalLogger(terminal: Terminal): Logger {
  return {
    log: (level, _event, message) => {
      if (level === 'error' || level === 'warn') terminal.warn(message);
      else if (level === 'info') terminal.info(message);
      else terminal.detail(message);
    },
  };
}

export function reportIngest(result: IngestResult, terminal: Terminal, options: { failureIsWarning: boolean }): void {
  const seconds = (result.durationMs / 1000).toFixed(2);
  if (result.status === 'success') {
    const extra = [result.duplicates > 0 ? `${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'} skipped` : '', result.rejected > 0 ? `${result.rejected} rejected` : '']
      .filter(Boolean)
      .join(', ');
    terminal.info(`OK ingested ${result.source}: ${result.rowsLanded} row${result.rowsLanded === 1 ? '' : 's'} landed${extra ? ` (${extra})` : ''} in ${seconds}s`);
  } else if (result.status === 'skipped') {
    terminal.info(`SKIP ingest ${result.source}: stopped before it started`);
  } else if (options.failureIsWarning) {
    terminal.warn(`Could not ingest ${result.source}; building from the data already landed. ${result.error?.message ?? ''}`);
  } else if (result.error) {
    terminal.error(result.error);
  }
}
