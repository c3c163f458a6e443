import type { Adapter } from '../../adapter/types.js';
import type { Project } from '../../compile/load-project.js';
import { ensureLandingTables } from '../../ingest/landing.js';
import { ingestAll } from '../../ingest/ingest-all.js';
import { ingestSources } from '../ingest-sources.js';
import type { Terminal } from '../terminal.js';
import { reportIngest, terminalLogger } from '../ingest-report.js';

/**
 * Before models run: every landing table exists (so a project builds offline on an empty
 * database), and `before_run` sources are fetched. A source that cannot be fetched only
 * warns: the models build from what was landed before. Returns false when one failed.
 */
export async function ensureSourcesLanded(project: Project, adapter: Adapter, terminal: Terminal, signal: AbortSignal): Promise<boolean> {
  const sources = ingestSources(project);
  for (const source of sources) {
    await ensureLandingTables(adapter, { database: source.database, table: source.table, quarantine: source.config.quarantine });
  }
  const due = sources.filter((source) => source.config.beforeRun);
  if (due.length === 0) return true;
  terminal.info(`Ingesting ${due.length} before_run source${due.length === 1 ? '' : 's'}`);
  const results = await ingestAll(due, { adapter, signal, logger: terminalLogger(terminal) });
  let ok = true;
  for (const result of results) {
    reportIngest(result, terminal, { failureIsWarning: true });
    if (result.status === 'error') ok = false;
  }
  return ok;
}
