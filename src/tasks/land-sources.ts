import type { Adapter } from '../core/adapter-types.js';
import type { Project } from '../compile/load-project.js';
import { parentsIn } from '../graph/build-graph.js';
import { ensureLandingTables } from '../ingest/landing.js';
import { ingestAll } from '../ingest/ingest-all.js';
import { ingestSources } from './ingest-sources.js';
import type { TaskLog } from './invocation.js';
import { reportIngest, ingestLogger } from './ingest-report.js';

/**
 * Before models run: every landing table exists (so a project builds offline on an empty
 * database), and the `before_run` sources that the selected models read from (directly or
 * through other models) are fetched. A source that cannot be fetched only warns: the models
 * build from what was landed before. Returns false when one failed.
 */
export async function ensureSourcesLanded(
  project: Project,
  adapter: Adapter,
  log: TaskLog,
  signal: AbortSignal,
  selectedIds: readonly string[],
): Promise<boolean> {
  const sources = ingestSources(project);
  for (const source of sources) {
    await ensureLandingTables(adapter, { database: source.database, table: source.table, quarantine: source.config.quarantine, cluster: source.cluster });
  }
  const upstream = ancestorsOf(project, selectedIds);
  const due = ingestSources(project, upstream).filter((source) => source.config.beforeRun);
  if (due.length === 0) return true;
  log.info(`Ingesting ${due.length} before_run source${due.length === 1 ? '' : 's'}`);
  const results = await ingestAll(due, { adapter, signal, logger: ingestLogger(log) });
  let ok = true;
  for (const result of results) {
    reportIngest(result, log, { as: 'warning', then: 'building from the data already landed' });
    if (result.status === 'error') ok = false;
  }
  return ok;
}

/** Every node the given ones depend on, directly or not. */
function ancestorsOf(project: Project, ids: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    for (const parent of parentsIn(project.graph, stack.pop()!)) {
      if (!seen.has(parent)) {
        seen.add(parent);
        stack.push(parent);
      }
    }
  }
  return seen;
}
