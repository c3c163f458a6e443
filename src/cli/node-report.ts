import type { Project } from '../compile/load-project.js';
import type { ProjectNode, TestNode } from '../compile/nodes.js';
import type { RunEvents } from '../report/run-events.js';
import type { NodeResult, RunSummary } from '../runner/results.js';
import { dotted, type Terminal } from './terminal.js';

/**
 * dbt-style progress and summary for commands that run seeds, models and tests together
 * (`seed`, `test`, `build`):
 *
 *   1 of 20 START test not_null_customers_customer_id ............ [RUN]
 *   1 of 20 PASS not_null_customers_customer_id .................. [PASS in 0.02s]
 *   2 of 20 FAIL 3 unique_orders_order_id ......................... [FAIL 3 in 0.03s]
 */
export function progressEvents(terminal: Terminal): RunEvents {
  const c = terminal.color;
  return {
    nodeStart: ({ index, total, description }) => terminal.info(dotted(`${index} of ${total} START ${description}`, '[RUN]')),
    nodeEnd: ({ index, total, description, result, node }) => {
      const time = `in ${result.executionTime.toFixed(2)}s`;
      const at = `${index} of ${total}`;
      const failures = result.failures ?? 0;
      switch (result.status) {
        case 'pass':
          return terminal.info(dotted(`${at} PASS ${node.name}`, `[${c.green('PASS')} ${time}]`));
        case 'warn':
          return terminal.info(dotted(`${at} WARN ${failures} ${node.name}`, `[${c.yellow(`WARN ${failures}`)} ${time}]`));
        case 'fail':
          return terminal.info(dotted(`${at} FAIL ${failures} ${node.name}`, `[${c.red(`FAIL ${failures}`)} ${time}]`));
        case 'skipped':
          return terminal.info(dotted(`${at} SKIP ${node.resourceType === 'test' ? 'test' : 'relation'} ${skippedName(node)}`, `[${c.yellow('SKIP')}]`));
        case 'success':
          return terminal.info(
            dotted(`${at} OK ${node.resourceType === 'seed' ? 'loaded' : 'created'} ${description}`, `[${c.green(node.resourceType === 'seed' ? result.message : 'OK')} ${time}]`),
          );
        default:
          return terminal.info(dotted(`${at} ERROR ${node.resourceType === 'test' ? node.name : `creating ${description}`}`, `[${c.red('ERROR')} ${time}]`));
      }
    },
    statement: ({ node, sql, purpose }) => terminal.detail(`${node.name}: ${purpose}:\n${sql}`),
  };
}

function skippedName(node: { name: string; resourceType: string } & Partial<Pick<ProjectNode, 'fqn'>>): string {
  return node.resourceType === 'test' ? node.name : `${(node as { relation?: { schema: string } }).relation?.schema ?? ''}.${node.name}`.replace(/^\./, '');
}

/** `3 seeds, 2 view models, 1 table model, 20 data tests`: what a run was made of, dbt's way. */
export function describeRun(project: Project, ids: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const node = project.nodes.get(id);
    if (node === undefined) continue;
    const kind =
      node.resourceType === 'model' ? `${String(node.config.materialized)} model` : node.resourceType === 'test' ? 'data test' : node.resourceType;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const order = ['seed', 'view model', 'table model', 'data test'];
  const kinds = [...counts.keys()].sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  return kinds.map((kind) => `${counts.get(kind)} ${kind}${counts.get(kind) === 1 ? '' : 's'}`).join(', ') || 'nothing';
}

function rank(order: string[], kind: string): number {
  const index = order.indexOf(kind);
  return index === -1 ? order.length : index;
}

/** dbt's totals: successes and passes are PASS, failures and errors are ERROR. */
export function totals(results: readonly NodeResult[]): { pass: number; warn: number; error: number; skip: number; total: number } {
  const out = { pass: 0, warn: 0, error: 0, skip: 0, total: results.length };
  for (const result of results) {
    if (result.status === 'success' || result.status === 'pass') out.pass += 1;
    else if (result.status === 'warn') out.warn += 1;
    else if (result.status === 'skipped') out.skip += 1;
    else out.error += 1;
  }
  return out;
}

/**
 * The end of a run: what ran and how long it took, then each failure and warning with its
 * file and message (and the compiled SQL's path), then `Done. PASS=… WARN=… ERROR=… SKIP=… TOTAL=…`.
 */
export function printRunSummary(project: Project, summary: RunSummary, ids: readonly string[], terminal: Terminal, seconds: number): void {
  const c = terminal.color;
  const count = totals(summary.results);
  terminal.info('');
  terminal.info(`Finished running ${describeRun(project, ids)} in ${seconds.toFixed(2)}s.`);
  if (summary.interrupted) terminal.info(c.yellow('Interrupted: nodes not yet started were skipped.'));
  else if (count.error === 0 && count.warn === 0) terminal.info(c.green('Completed successfully'));
  else if (count.error === 0) terminal.info(c.yellow(`Completed with ${count.warn} warning${count.warn === 1 ? '' : 's'}:`));
  else terminal.info(c.red(`Completed with ${count.error} error${count.error === 1 ? '' : 's'} and ${count.warn} warning${count.warn === 1 ? '' : 's'}:`));
  for (const result of summary.results) {
    if (result.status !== 'error' && result.status !== 'fail' && result.status !== 'warn') continue;
    const node = project.nodes.get(result.uniqueId);
    const kind = node?.resourceType ?? 'node';
    const where = node === undefined ? '?' : locationOf(node);
    terminal.info('');
    const heading = `${result.status === 'warn' ? 'Warning' : 'Failure'} in ${kind} ${node?.name ?? result.uniqueId} (${where})`;
    terminal.info(result.status === 'warn' ? c.yellow(heading) : c.red(heading));
    terminal.info(`  ${result.message}`);
    if (result.relationName !== undefined && kind === 'test' && result.status !== 'error') terminal.info(`  failing rows are stored in ${result.relationName}`);
    if (result.compiledPath) terminal.info(`  compiled code at ${result.compiledPath}`);
    if (result.failedSql) terminal.detail(`  failed statement:\n${result.failedSql}`);
  }
  terminal.info('');
  terminal.info(`Done. PASS=${count.pass} WARN=${count.warn} ERROR=${count.error} SKIP=${count.skip} TOTAL=${count.total}`);
}

function locationOf(node: ProjectNode): string {
  const line = node.resourceType === 'test' ? (node as TestNode).line : undefined;
  return line === undefined ? node.originalFilePath : `${node.originalFilePath}:${line}`;
}

/** Where a node's compiled SQL goes: generic tests get a file of their own under their YAML file's name, as in dbt. */
export function compiledPathOf(node: ProjectNode): { originalFilePath: string } {
  if (node.resourceType === 'test' && node.testMetadata !== undefined) {
    const alias = typeof node.config.alias === 'string' ? node.config.alias : node.name;
    return { originalFilePath: `${node.originalFilePath}/${alias}.sql` };
  }
  return node;
}
