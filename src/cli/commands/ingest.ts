import type { Command } from 'commander';
import { connect } from '../../adapter/connect.js';
import type { Adapter } from '../../core/adapter-types.js';
import type { Project } from '../../compile/load-project.js';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import { formatDuration } from '../../ingest/duration.js';
import { ingestAll } from '../../ingest/ingest-all.js';
import type { IngestObserver } from '../../ingest/ingest-observer.js';
import type { IngestResult, IngestSource } from '../../ingest/ingest-source.js';
import { ensureLandingTables } from '../../ingest/landing.js';
import { installShutdownHandlers } from '../../ingest/shutdown-signals.js';
import { watch, type AdapterProvider } from '../../ingest/watch.js';
import { openProject, projectOptions, selectOptions, type ProjectOptions, type SelectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import type { TaskStatus } from '../../tasks/invocation.js';
import { ingestCounts, reportIngest, ingestLogger } from '../../tasks/ingest-report.js';
import { ingestSources } from '../../tasks/ingest-sources.js';
import { selectIds } from '../../tasks/selection.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';
import { observeProgress } from '../../report/ingest-progress.js';

interface IngestOptions extends ProjectOptions, SelectOptions {
  watch?: boolean;
  sample?: boolean;
  metricsPort?: string;
}

export function registerIngest(program: Command, terminal: Terminal): void {
  selectOptions(projectOptions(program.command('ingest')))
    .description('fetch the selected sources that have an `ingest:` block and land their replies')
    .option('--watch', 'keep polling each source on its `schedule` until SIGINT/SIGTERM')
    .option('--sample', "land each source's captured `sample` reply instead of fetching (offline demos and tests)")
    .option('--metrics-port <port>', 'serve Prometheus metrics at http://127.0.0.1:<port>/metrics (0 picks a free port)')
    .action(commandAction((options: IngestOptions) => ingest(options, terminal)));
}

async function ingest(options: IngestOptions, terminal: Terminal): Promise<TaskStatus> {
  const metricsPort = options.metricsPort === undefined ? undefined : parsePort(options.metricsPort);
  const project = openProject(options, cliInvocation(terminal));
  const sources = selectedSources(project, options, terminal);
  if (options.sample === true) {
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
    for (const source of sources) source.useSample = true;
  }
  if (sources.length === 0) {
    terminal.warn('Nothing to ingest: no selected source has an `ingest:` block.');
    return 'ok';
  }

  // First signal: stop fetching and waiting, finish an insert under way. Second: exit at once.
  const shutdown = new AbortController();
  const removeHandlers = installShutdownHandlers(shutdown, {
    onFirstSignal: (signal) => terminal.warn(`${signal} received: finishing the insert in flight, then stopping. Send it again to exit at once.`),
  });
  let stopMetrics = async (): Promise<void> => undefined;
  try {
    let metrics: IngestObserver | undefined;
    if (metricsPort !== undefined) {
      const { createIngestMetrics, startMetricsServer } = await import('../../ingest/metrics.js');
      const created = createIngestMetrics();
      const server = await startMetricsServer(metricsPort, created.registry);
      metrics = created.observer;
      stopMetrics = () => server.close();
      terminal.info(`Serving metrics at ${server.url}`);
    }
    const names = sources.map((source) => source.name).join(', ');
    terminal.info(`Ingesting ${sources.length} source${sources.length === 1 ? '' : 's'}: ${names}${options.watch ? ' (watching; Ctrl-C to stop)' : ''}`);
    const deps = { signal: shutdown.signal, logger: ingestLogger(terminal), metrics };
    return options.watch ? await watchSources(project, sources, deps, terminal) : await ingestOnce(project, sources, deps, terminal);
  } finally {
    await stopMetrics();
    removeHandlers();
  }
}

type Deps = { signal: AbortSignal; logger: ReturnType<typeof ingestLogger>; metrics: IngestObserver | undefined };

async function ingestOnce(project: Project, sources: IngestSource[], deps: Deps, terminal: Terminal): Promise<TaskStatus> {
  const adapter = await connect(project.target, { projectDir: project.dir, logger: terminal.logger });
  let results: IngestResult[];
  // On a terminal, with many sources, a live line shows which one is being fetched.
  const progress = terminal.progress(sources.length, 'sources');
  try {
    results = await ingestAll(sources, { ...deps, metrics: observeProgress(progress, deps.metrics), adapter });
  } finally {
    progress.end();
    await adapter.close();
  }
  for (const result of results) reportIngest(result, terminal, { as: 'error' });
  terminal.info(`Done. ${ingestCounts(results)}`);
  if (results.some((result) => result.status === 'error')) return 'failed';
  return deps.signal.aborted ? 'interrupted' : 'ok';
}

async function watchSources(project: Project, sources: IngestSource[], deps: Deps, terminal: Terminal): Promise<TaskStatus> {
  // Connect once up front, so a wrong profile or a busy engine is reported now rather than at the first poll.
  const first = await connect(project.target, { projectDir: project.dir, logger: terminal.logger });
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
    adapter = () => connect(project.target, { projectDir: project.dir, logger: terminal.logger });
  }
  try {
    const summary = await watch(sources, {
      ...deps,
      adapter,
      onResult: (result) => {
        const every = sources.find((source) => source.name === result.source)?.config.scheduleMs;
        const then = every === undefined ? 'it has no `schedule`, so it is not polled again' : `trying again at the next poll (every ${formatDuration(every)})`;
        reportIngest(result, terminal, { as: 'warning', then });
      },
    });
    // Stopped by a signal: a clean, asked-for shutdown. Ended on its own (no source has a schedule): like one run.
    return deps.signal.aborted || summary.failures === 0 ? 'ok' : 'failed';
  } finally {
    if (typeof adapter !== 'function') await adapter.close();
  }
}

/** The selected sources that have an `ingest:` block; selected ones without one are named in a warning. */
function selectedSources(project: Project, options: SelectOptions, terminal: Terminal): IngestSource[] {
  const ids = new Set(selectIds(project, options, ['source'], terminal));
  const sources = ingestSources(project, ids);
  const explicit = (options.select?.length ?? 0) > 0 || options.selector !== undefined;
  if (explicit) {
    const without = [...ids].map((id) => project.sources.get(id)).filter((source) => source !== undefined && source.ingestConfig === undefined);
    if (without.length > 0) {
      const names = without.map((source) => `${source!.sourceName}.${source!.name}`).join(', ');
      terminal.warn(`Selected but not ingested (no \`ingest:\` block): ${names}.`);
    }
  }
  return sources;
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
