import { connect } from '../adapter/connect.js';
import type { Project } from '../compile/load-project.js';
import type { Adapter } from '../core/adapter-types.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { formatDuration } from '../ingest/duration.js';
import { ingestAll } from '../ingest/ingest-all.js';
import type { IngestObserver } from '../ingest/ingest-observer.js';
import type { IngestResult, IngestSource } from '../ingest/ingest-source.js';
import { ensureLandingTables } from '../ingest/landing.js';
import { watch, type AdapterProvider } from '../ingest/watch.js';
import { observeProgress } from '../report/ingest-progress.js';
import { ingestCounts, ingestLogger, reportIngest } from './ingest-report.js';
import { ingestSources } from './ingest-sources.js';
import type { Invocation, TaskResult } from './invocation.js';
import { openProject } from './open-project.js';
import type { ProjectOptions, SelectOptions } from './options.js';
import { selectIds } from './selection.js';

export interface IngestOptions extends ProjectOptions, SelectOptions {
  /** Keep polling each source on its `schedule` until the invocation's signal is aborted. */
  watch?: boolean;
  /** Land each source's captured `sample` reply instead of fetching. */
  sample?: boolean;
  /** Serve Prometheus metrics on this port of 127.0.0.1 (0 picks a free one); text from the command line, or a number. */
  metricsPort?: string | number;
}

export interface IngestTaskResult extends TaskResult {
  project: Project;
  /** The sources ingested (none: nothing selected has an `ingest:` block). */
  sources: string[];
  /** One result per source (a single run; empty with `watch`, whose results are said as they come). */
  results: IngestResult[];
}

/**
 * `tsdbt ingest`: fetch the selected sources that have an `ingest:` block and land their replies,
 * once or (`watch`) on their schedules. The invocation's signal stops fetching and waiting; an
 * insert under way finishes.
 */
export async function ingest(invocation: Invocation, options: IngestOptions = {}): Promise<IngestTaskResult> {
  const metricsPort = options.metricsPort === undefined ? undefined : parsePort(String(options.metricsPort));
  const project = openProject(options, invocation);
  const sources = selectedSources(project, options, invocation);
  const done = (status: TaskResult['status'], results: IngestResult[] = []): IngestTaskResult => ({
    status,
    project,
    sources: sources.map((source) => source.name),
    results,
  });
  if (sources.length === 0) {
    invocation.log.warn('Nothing to ingest: no selected source has an `ingest:` block.');
    return done('ok');
  }
  let stopMetrics = async (): Promise<void> => undefined;
  try {
    let metrics: IngestObserver | undefined;
    if (metricsPort !== undefined) {
      const { createIngestMetrics, startMetricsServer } = await import('../ingest/metrics.js');
      const created = createIngestMetrics();
      const server = await startMetricsServer(metricsPort, created.registry);
      metrics = created.observer;
      stopMetrics = () => server.close();
      invocation.log.info(`Serving metrics at ${server.url}`);
    }
    const names = sources.map((source) => source.name).join(', ');
    invocation.log.info(`Ingesting ${sources.length} source${sources.length === 1 ? '' : 's'}: ${names}${options.watch ? ' (watching; Ctrl-C to stop)' : ''}`);
    const deps = { signal: invocation.signal, logger: ingestLogger(invocation.log), metrics };
    if (options.watch === true) return done(await watchSources(project, sources, deps, invocation));
    const results = await ingestOnce(project, sources, deps, invocation);
    const status = results.some((result) => result.status === 'error') ? 'failed' : invocation.signal.aborted ? 'interrupted' : 'ok';
    return done(status, results);
  } finally {
    await stopMetrics();
  }
}

type Deps = { signal: AbortSignal; logger: ReturnType<typeof ingestLogger>; metrics: IngestObserver | undefined };

async function ingestOnce(project: Project, sources: IngestSource[], deps: Deps, invocation: Invocation): Promise<IngestResult[]> {
  const adapter = await connect(project.target, { projectDir: project.dir, logger: invocation.logger });
  let results: IngestResult[];
  // On a terminal, with many sources, a live line shows which one is being fetched.
  const progress = invocation.events.progress?.(sources.length, 'sources');
  try {
    results = await ingestAll(sources, { ...deps, metrics: progress === undefined ? deps.metrics : observeProgress(progress, deps.metrics), adapter });
  } finally {
    progress?.end();
    await adapter.close();
  }
  for (const result of results) reportIngest(result, invocation.log, { as: 'error' });
  invocation.log.info(`Done. ${ingestCounts(results)}`);
  return results;
}

async function watchSources(project: Project, sources: IngestSource[], deps: Deps, invocation: Invocation): Promise<TaskResult['status']> {
  const connectTarget = () => connect(project.target, { projectDir: project.dir, logger: invocation.logger });
  // Connect once up front, so a wrong profile or a busy engine is reported now rather than at the first poll.
  const first = await connectTarget();
  let adapter: Adapter | AdapterProvider = first;
  try {
    for (const source of sources) {
      await ensureLandingTables(first, { database: source.database, table: source.table, quarantine: source.config.quarantine, cluster: source.cluster });
    }
  } catch (error) {
    await first.close();
    throw error;
  }
  if (project.target.type === 'chdb') {
    // The embedded engine serves one process at a time: hold it only while polling, so
    // `tsdbt run` (or `show`) can use the database between polls.
    await first.close();
    adapter = connectTarget;
  }
  try {
    const summary = await watch(sources, {
      ...deps,
      adapter,
      onResult: (result) => {
        const every = sources.find((source) => source.name === result.source)?.config.scheduleMs;
        const then = every === undefined ? 'it has no `schedule`, so it is not polled again' : `trying again at the next poll (every ${formatDuration(every)})`;
        reportIngest(result, invocation.log, { as: 'warning', then });
      },
    });
    // Stopped by a signal: a clean, asked-for shutdown. Ended on its own (no source has a schedule): like one run.
    return deps.signal.aborted || summary.failures === 0 ? 'ok' : 'failed';
  } finally {
    if (typeof adapter !== 'function') await adapter.close();
  }
}

/** The selected sources that have an `ingest:` block; selected ones without one are named in a warning. With `sample`, each lands its sample. */
function selectedSources(project: Project, options: IngestOptions, invocation: Invocation): IngestSource[] {
  const ids = new Set(selectIds(project, options, ['source'], invocation.log));
  const sources = ingestSources(project, ids);
  const explicit = (options.select?.length ?? 0) > 0 || options.selector !== undefined;
  if (explicit) {
    const without = [...ids].map((id) => project.sources.get(id)).filter((source) => source !== undefined && source.ingestConfig === undefined);
    if (without.length > 0) {
      const names = without.map((source) => `${source!.sourceName}.${source!.name}`).join(', ');
      invocation.log.warn(`Selected but not ingested (no \`ingest:\` block): ${names}.`);
    }
  }
  if (options.sample !== true) return sources;
  if (options.watch === true)
    throw new TsdbtError({ code: ErrorCodes.USAGE, message: '--sample lands a captured reply once; it cannot be combined with --watch.' });
  const without = sources.filter((source) => source.config.sample === undefined).map((source) => source.name);
  if (without.length > 0) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: `--sample was given, but ${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} no \`sample:\` in ${without.length === 1 ? 'its' : 'their'} \`ingest:\` block.`,
      hint: 'Select only sources with a sample (--select source:<name>), or add `sample: <file>` (a captured reply, relative to the project) to the source.',
    });
  }
  return sources.map((source) => ({ ...source, useSample: true }));
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: `--metrics-port must be a port number from 0 to 65535, but it is '${text}'.`,
      hint: 'For example --metrics-port 9464 (0 picks a free port and prints it).',
    });
  }
  return port;
}
