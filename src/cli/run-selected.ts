import { connect } from '../adapter/connect.js';
import { buildManifest } from '../artifacts/manifest.js';
import { writeCompiledSql, writeJsonArtifact, writeRunArtifacts } from '../artifacts/write-artifacts.js';
import type { Project } from '../compile/load-project.js';
import type { TsdbtError } from '../core/errors.js';
import type { ResourceType } from '../graph/node.js';
import { modelExecutor } from '../runner/build-model.js';
import { runNodes } from '../runner/run-nodes.js';
import type { RunSummary } from '../runner/results.js';
import { seedExecutor } from '../runner/seed-executor.js';
import { testExecutor } from '../runner/test-executor.js';
import { testBlockers, unitTestBlockers } from '../testing/test-edges.js';
import { unitTestExecutor } from '../runner/unit-test-executor.js';
import { ensureSourcesLanded } from './commands/ingest-before-run.js';
import { openProject, parseThreads, type DeferOptions, type ExecutionOptions, type ProjectOptions, type SelectOptions } from './common-options.js';
import { ExitCode } from './exit-codes.js';
import { interruptSignal } from './interrupt.js';
import { compiledPathOf } from './node-report.js';
import { afterNodes, beforeNodes } from './project-hooks.js';
import { exitCodeForRun, nodeProgressEvents, reportRunSummary } from './run-summary.js';
import { applyDefer, resolveSelection } from './selection.js';
import type { Terminal } from './terminal.js';

export interface RunSelectedOptions extends ProjectOptions, SelectOptions, DeferOptions, ExecutionOptions {
  threads?: string;
  fullRefresh?: boolean;
  storeFailures?: boolean;
  skipIngest?: boolean;
}

/** What each of `seed`, `test` and `build` runs. */
const COMMANDS = {
  seed: { types: ['seed'], noun: 'seeds' },
  test: { types: ['test', 'unit_test'], noun: 'tests' },
  build: { types: ['seed', 'model', 'test', 'unit_test'], noun: 'seeds, models or tests' },
} as const satisfies Record<string, { types: readonly ResourceType[]; noun: string }>;

/**
 * The body of `tsdbt seed`, `tsdbt test` and `tsdbt build`: select, run through the DAG
 * scheduler with the executors for seeds, models and tests, write artifacts, report like dbt.
 * Exit code 1 when anything errored or a test failed (warnings do not count).
 */
export async function runSelected(which: keyof typeof COMMANDS, options: RunSelectedOptions, terminal: Terminal): Promise<number> {
  const started = Date.now();
  const project = openProject(options, terminal);
  const selection = resolveSelection(project, options, [...COMMANDS[which].types], terminal);
  const ids = selection.ids;
  const threads = parseThreads(options.threads, project.target.threads);
  project.emptyRefs = options.empty === true;
  terminal.info(`Found ${inventory(project)}`);
  if (ids.length === 0) {
    terminal.warn(`Nothing to do: the selection matched no ${COMMANDS[which].noun}.`);
    writeJsonArtifact(project, 'manifest.json', buildManifest(project));
    return ExitCode.OK;
  }
  const adapter = await connect(project.target, { projectDir: project.dir, logger: terminal.logger });
  const interrupt = interruptSignal(terminal);
  const progress = nodeProgressEvents(terminal);
  let summary: RunSummary;
  let endHookError: TsdbtError | undefined;
  try {
    terminal.info(`Concurrency: ${threads} threads (target='${project.target.name}', ${adapter.description})`);
    // Models and source tests read landing tables, which must exist even before any ingest.
    if (which !== 'seed') await ensureSourcesLanded(project, adapter, terminal, interrupt.signal, which === 'build' && !options.skipIngest ? ids : []);
    terminal.info('');
    await applyDefer(project, selection, options, terminal, adapter);
    const blockers = which === 'build' ? testBlockers(project.graph, new Set(ids)) : undefined;
    const unitBlockers = which === 'build' ? unitTestBlockers(project.graph, new Set(ids)) : undefined;
    await beforeNodes(project, adapter, terminal);
    summary = await runNodes(project, adapter, {
      ids,
      threads,
      fullRefresh: options.fullRefresh,
      failFast: options.failFast,
      signal: interrupt.signal,
      executors: { seed: seedExecutor, model: modelExecutor, test: testExecutor({ storeFailures: options.storeFailures }), unit_test: unitTestExecutor },
      extraParents: blockers === undefined ? undefined : (id) => [...(blockers.get(id) ?? []), ...(unitBlockers?.get(id) ?? [])],
      onCompiled: (node, sql) => writeCompiledSql(project, compiledPathOf(node), sql),
      events: { ...progress, statement: ({ node, purpose }) => terminal.detail(`${node.name}: ${purpose}`) },
    });
    if (!summary.interrupted) endHookError = await afterNodes(project, adapter, terminal, summary.results);
  } finally {
    progress.end();
    interrupt.dispose();
    await adapter.close();
  }
  writeRunArtifacts(project, summary, which, options);
  reportRunSummary(terminal, { results: summary.results, interrupted: summary.interrupted, nodes: project.nodes, seconds: (Date.now() - started) / 1000 });
  if (endHookError !== undefined) terminal.error(endHookError);
  const code = exitCodeForRun(summary);
  return code === ExitCode.OK && endHookError !== undefined ? ExitCode.FAILURE : code;
}

/** `5 models, 3 seeds, 20 data tests, 1 source, 12 macros`. */
function inventory(project: Project): string {
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return [
    count(project.models.size, 'model'),
    count(project.seeds.size, 'seed'),
    count(project.tests.size, 'data test'),
    count(project.unitTests.size, 'unit test'),
    count(project.sources.size, 'source'),
    count(project.engine.macroNames().length, 'macro'),
  ].join(', ');
}
