import type { GraphNode } from '../graph/node.js';
import type { LogLevel } from '../core/logger.js';
import { LogEvent } from '../report/log-record.js';
import type { RunEvents } from '../runner/run-events.js';
import type { NodeResult, RunSummary } from '../runner/results.js';
import { ExitCode } from './exit-codes.js';
import type { Terminal } from './terminal.js';

/** dbt's end-of-run counts: tests that fail count as ERROR, as in dbt. */
export interface SummaryCounts {
  pass: number;
  warn: number;
  error: number;
  skip: number;
  total: number;
}

export function summaryCounts(results: readonly NodeResult[]): SummaryCounts {
  const counts: SummaryCounts = { pass: 0, warn: 0, error: 0, skip: 0, total: results.length };
  for (const result of results) {
    if (result.status === 'success' || result.status === 'pass') counts.pass += 1;
    else if (result.status === 'warn') counts.warn += 1;
    else if (result.status === 'error' || result.status === 'fail') counts.error += 1;
    else counts.skip += 1;
  }
  return counts;
}

/** 1 when a node failed, 130 when interrupted, else 0. */
export function exitCodeForRun(summary: Pick<RunSummary, 'results' | 'interrupted'>): number {
  if (summary.interrupted) return ExitCode.INTERRUPTED;
  return summaryCounts(summary.results).error > 0 ? ExitCode.FAILURE : ExitCode.OK;
}

export type NodeProgressEvents = Required<Pick<RunEvents, 'nodeStart' | 'nodeEnd'>> & { end(): void };

/**
 * The `runNodes` events printed the dbt way, one permanent line per start and end
 * (`3 of 12 OK created sql table model astro.people_per_craft ..... [OK in 0.31s]`), as
 * `node_start` / `node_finished` events. On a terminal, with many nodes, a live status line at
 * the bottom shows what is running. Call `end()` when the run is over.
 */
export function nodeProgressEvents(terminal: Terminal, label = 'nodes'): NodeProgressEvents {
  let progress: ReturnType<Terminal['progress']> | undefined;
  return {
    nodeStart: ({ node, index, total, description }) => {
      progress ??= terminal.progress(total, label);
      progress.started(node.name);
      terminal.event('info', LogEvent.NODE_START, terminal.aligned(`${index} of ${total} START ${description}`, '[RUN]'), {
        node_id: node.uniqueId,
        resource_type: node.resourceType,
        index,
        total,
      });
    },
    nodeEnd: ({ node, index, total, description, result }) => {
      progress ??= terminal.progress(total, label);
      progress.finished(node.name);
      const [level, left, right] = finishedLine(terminal, node, description, result);
      terminal.event(level, LogEvent.NODE_FINISHED, terminal.aligned(`${index} of ${total} ${left}`, right), {
        node_id: node.uniqueId,
        resource_type: node.resourceType,
        status: result.status,
        duration_ms: Math.round(result.executionTime * 1000),
        index,
        total,
        relation: result.relationName,
        error_code: result.errorCode,
        failures: result.failures,
        message: result.status === 'success' || result.status === 'pass' ? undefined : result.message,
      });
    },
    end: () => progress?.end(),
  };
}

/** `OK created sql view model astro.people` / `[OK in 0.12s]`, by status; tests are named, seeds say what was loaded. */
function finishedLine(terminal: Terminal, node: GraphNode, description: string, result: NodeResult): [LogLevel, string, string] {
  const color = terminal.color;
  const time = `in ${result.executionTime.toFixed(2)}s`;
  const failures = result.failures ?? 0;
  const isTest = node.resourceType === 'test' || node.resourceType === 'unit_test';
  switch (result.status) {
    case 'success':
      if (node.resourceType === 'seed') return ['info', `OK loaded ${description}`, `[${color.green(result.message)} ${time}]`];
      if (node.resourceType === 'snapshot')
        return ['info', `OK snapshotted ${description.replace(/^snapshot /, '')}`, `[${color.green(result.message)} ${time}]`];
      return ['info', `OK created ${description}`, `[${color.green('OK')} ${time}]`];
    case 'pass':
      return ['info', `PASS ${node.name}`, `[${color.green('PASS')} ${time}]`];
    case 'warn':
      return ['info', `WARN ${failures} ${node.name}`, `[${color.yellow(`WARN ${failures}`)} ${time}]`];
    case 'fail':
      return ['error', `FAIL ${failures} ${node.name}`, `[${color.red(`FAIL ${failures}`)} ${time}]`];
    case 'skipped':
      // A snapshot skipped on its own (not after a failure) says why: `--empty` must not pass in silence.
      if (node.resourceType === 'snapshot' && !/^Skipped (because|: the run|: --fail-fast)/.test(result.message))
        return ['warn', `SKIP snapshot ${description.replace(/^snapshot /, '')}: ${result.message.replace(/^Skipped: /, '')}`, `[${color.yellow('SKIP')}]`];
      return ['info', isTest ? `SKIP test ${node.name}` : `SKIP relation ${result.relationName?.replace(/`/g, '') ?? node.name}`, `[${color.yellow('SKIP')}]`];
    default:
      return ['error', `ERROR ${isTest ? node.name : `creating ${description}`}`, `[${color.red('ERROR')} ${time}]`];
  }
}

export interface RunSummaryInput {
  results: readonly NodeResult[];
  interrupted: boolean;
  /** Node by unique id, for names, paths and kinds. */
  nodes: ReadonlyMap<string, GraphNode>;
  /** Wall time of the whole command, in seconds. */
  seconds: number;
}

/**
 * dbt's end-of-run report: what ran and how long it took, each failing node with its compiled
 * SQL path and the database's message, the slowest nodes, then
 * `Done. PASS=… WARN=… ERROR=… SKIP=… TOTAL=…` (also a `run_summary` event with the counts).
 */
export function reportRunSummary(terminal: Terminal, input: RunSummaryInput): void {
  const counts = summaryCounts(input.results);
  const color = terminal.color;
  const nodeOf = (result: NodeResult) => input.nodes.get(result.uniqueId);
  terminal.info('');
  terminal.info(`Finished running ${describeKinds(input.results.map(nodeOf))} in ${formatSeconds(input.seconds)}.`);

  const problems = input.results.filter((result) => ['error', 'fail', 'warn'].includes(result.status));
  terminal.info('');
  if (input.interrupted) terminal.info(color.yellow('Interrupted: nodes not yet started were skipped.'));
  else if (problems.length === 0) terminal.info(color.green('Completed successfully'));
  else if (counts.error === 0) terminal.info(color.yellow(`Completed with ${plural(counts.warn, 'warning')}:`));
  else terminal.info(color.red(`Completed with ${plural(counts.error, 'error')} and ${plural(counts.warn, 'warning')}:`));

  for (const result of problems) {
    const node = nodeOf(result);
    const kind = node?.resourceType ?? 'node';
    const isWarning = result.status === 'warn';
    const heading = `${isWarning ? 'Warning' : 'Failure'} in ${kind} ${node?.name ?? result.uniqueId} (${node === undefined ? '?' : locationOf(node)})`;
    const lines = [
      isWarning ? color.yellow(heading) : color.red(heading),
      `  ${result.errorCode === undefined ? '' : `${result.errorCode}: `}${result.message}`,
    ];
    if (kind === 'test' && result.status !== 'error' && result.relationName !== undefined) lines.push(`  failing rows are stored in ${result.relationName}`);
    if (result.compiledPath !== undefined) lines.push(`  compiled code at ${result.compiledPath}`);
    terminal.info('');
    terminal.event(isWarning ? 'warn' : 'error', LogEvent.NODE_FAILURE, lines.join('\n'), {
      node_id: result.uniqueId,
      status: result.status,
      error_code: result.errorCode,
      compiled_path: result.compiledPath,
      message: result.message,
    });
    if (result.failedSql !== undefined) terminal.detail(`failed statement:\n${result.failedSql}`);
  }

  const slowest = input.results
    .filter((result) => result.status !== 'skipped')
    .sort((a, b) => b.executionTime - a.executionTime)
    .slice(0, 3);
  if (slowest.length >= 2) {
    terminal.info('');
    terminal.event(
      'info',
      LogEvent.SLOWEST_NODES,
      `Slowest: ${slowest.map((result) => `${nodeOf(result)?.name ?? result.uniqueId} (${result.executionTime.toFixed(2)}s)`).join(', ')}`,
      { slowest: slowest.map((result) => ({ node_id: result.uniqueId, duration_ms: Math.round(result.executionTime * 1000) })) },
    );
  }

  terminal.info('');
  terminal.event(
    counts.error > 0 ? 'error' : 'info',
    LogEvent.RUN_SUMMARY,
    `Done. PASS=${counts.pass} WARN=${counts.warn} ERROR=${counts.error} SKIP=${counts.skip} TOTAL=${counts.total}`,
    { ...counts, duration_ms: Math.round(input.seconds * 1000), interrupted: input.interrupted },
  );
}

/** `3 seeds, 2 view models, 1 table model, 20 data tests`: what ran, by kind, in dbt's order. */
function describeKinds(nodes: readonly (GraphNode | undefined)[]): string {
  const counts = new Map<string, number>();
  for (const node of nodes) {
    const kind =
      node === undefined
        ? 'node'
        : node.resourceType === 'model'
          ? `${String(node.config.materialized ?? 'view')} model`
          : node.resourceType === 'test'
            ? 'data test'
            : node.resourceType === 'unit_test'
              ? 'unit test'
              : node.resourceType;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const order = ['seed', 'view model', 'table model', 'snapshot', 'data test'];
  const rank = (kind: string) => (order.includes(kind) ? order.indexOf(kind) : order.length);
  const kinds = [...counts.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return kinds.map((kind) => plural(counts.get(kind)!, kind)).join(', ') || 'nothing';
}

/** `models/orders.sql`, or for a test declared in YAML, `models/schema.yml:12`. */
function locationOf(node: GraphNode): string {
  const line = node.resourceType === 'test' || node.resourceType === 'unit_test' ? (node as GraphNode & { line?: number }).line : undefined;
  return line === undefined ? node.originalFilePath : `${node.originalFilePath}:${line}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `0.52s`, `1m 03.20s`, `1h 02m 03s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(2)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${(seconds - minutes * 60).toFixed(2).padStart(5, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes % 60).padStart(2, '0')}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}
