import type { Command } from 'commander';
import { writeCompiledSql, writeRunArtifacts } from '../../artifacts/write-artifacts.js';
import { connect } from '../../adapter/connect.js';
import { runModels } from '../../runner/run-nodes.js';
import type { RunSummary } from '../../runner/results.js';
import { deferOptions, executionOptions, microbatchOptions, openProject, parseThreads, projectOptions, selectOptions, type DeferOptions, type ExecutionOptions, type ProjectOptions, type SelectOptions } from '../common-options.js';
import { ExitCode } from '../exit-codes.js';
import { applyDefer, resolveSelection } from '../selection.js';
import { exitCodeForRun, nodeProgressEvents, reportRunSummary } from '../run-summary.js';
import type { Terminal } from '../terminal.js';
import { interruptSignal } from '../interrupt.js';
import { ensureSourcesLanded } from './ingest-before-run.js';
import { afterNodes, beforeNodes } from '../project-hooks.js';
import type { TsdbtError } from '../../core/errors.js';

interface RunOptions extends ProjectOptions, SelectOptions, DeferOptions, ExecutionOptions {
  threads?: string;
  fullRefresh?: boolean;
  failOnIngestError?: boolean;
  skipIngest?: boolean;
}

export function registerRun(program: Command, terminal: Terminal): void {
  executionOptions(deferOptions(selectOptions(projectOptions(program.command('run')))))
    .description('build the selected models in the database, in dependency order')
    .option('--skip-ingest', 'do not ingest before_run sources first')
    .option('--fail-on-ingest-error', 'exit non-zero when a before_run source cannot be ingested')
    .action(async (options: RunOptions) => {
      process.exitCode = await run(options, terminal);
    });
}

/** `tsdbt run`; also what `tsdbt retry` calls (with `ids`) after a failed run. */
export async function run(options: RunOptions, terminal: Terminal): Promise<number> {
  const started = Date.now();
  const project = openProject(options, terminal);
  const selection = resolveSelection(project, options, ['model'], terminal);
  const ids = selection.ids;
  const threads = parseThreads(options.threads, project.target.threads);
  project.emptyRefs = options.empty === true;
  terminal.info(`Found ${project.models.size} models, ${project.sources.size} sources, ${project.engine.macroNames().length} macros`);
  if (ids.length === 0) {
    terminal.warn('Nothing to do: the selection matched no models.');
    // dbt writes run_results.json with no results too, so a later `retry` or tool reads this run, not an older one.
    writeRunArtifacts(project, { results: [], elapsedSeconds: (Date.now() - started) / 1000, interrupted: false }, 'run', options);
    return ExitCode.OK;
  }
  const adapter = await connect(project.target, { projectDir: project.dir, logger: terminal.logger });
  const interrupt = interruptSignal(terminal);
  const progress = nodeProgressEvents(terminal, 'models');
  let summary: RunSummary;
  let ingestFailed = false;
  let endHookError: TsdbtError | undefined;
  try {
    terminal.info(`Concurrency: ${threads} threads (target='${project.target.name}', ${adapter.description})`);
    // Landing tables are made either way (models read them); --skip-ingest only skips the fetching.
    ingestFailed = !(await ensureSourcesLanded(project, adapter, terminal, interrupt.signal, options.skipIngest ? [] : ids));
    terminal.info('');
    await applyDefer(project, selection, options, terminal, adapter);
    await beforeNodes(project, adapter, terminal);
    summary = await runModels(project, adapter, {
      ids,
      threads,
      fullRefresh: options.fullRefresh,
      failFast: options.failFast,
      microbatch: microbatchOptions(options),
      signal: interrupt.signal,
      onCompiled: (node, sql) => writeCompiledSql(project, node, sql),
      events: {
        ...progress,
        // The SQL itself is logged by the adapter (connect's logger), right after this line.
        statement: ({ node, purpose }) => terminal.detail(`${node.name}: ${purpose}`),
      },
    });
    if (!summary.interrupted) endHookError = await afterNodes(project, adapter, terminal, summary.results);
  } finally {
    progress.end();
    interrupt.dispose();
    await adapter.close();
  }
  writeRunArtifacts(project, summary, 'run', options);
  reportRunSummary(terminal, { results: summary.results, interrupted: summary.interrupted, nodes: project.nodes, seconds: (Date.now() - started) / 1000 });
  if (endHookError !== undefined) terminal.error(endHookError);
  const code = exitCodeForRun(summary);
  if (code !== ExitCode.OK) return code;
  if (endHookError !== undefined) return ExitCode.FAILURE;
  if (ingestFailed && options.failOnIngestError) return ExitCode.FAILURE;
  return ExitCode.OK;
}
