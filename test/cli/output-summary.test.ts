import { describe, expect, it } from 'vitest';
import { exitCodeForRun, formatSeconds, nodeProgressEvents, reportRunSummary, summaryCounts } from '../../src/cli/run-summary.js';
import { Terminal } from '../../src/cli/terminal.js';
import type { GraphNode, ResourceType } from '../../src/graph/node.js';
import type { NodeResult, NodeStatus } from '../../src/runner/results.js';
import { FakeStream } from '../report/fake-stream.js';
import { parseLogLines } from '../report/log-schema-validator.js';

/** The end-of-run report and progress lines shared by run, seed, test and build, on made-up results. */
function node(resourceType: ResourceType, name: string, extra: Partial<GraphNode> & { line?: number } = {}): GraphNode {
  return {
    uniqueId: `${resourceType}.shop.${name}`,
    name,
    resourceType,
    packageName: 'shop',
    fqn: ['shop', name],
    originalFilePath: resourceType === 'test' ? 'models/schema.yml' : `${resourceType}s/${name}.${resourceType === 'seed' ? 'csv' : 'sql'}`,
    tags: [],
    config: resourceType === 'model' ? { materialized: name === 'orders' ? 'table' : 'view' } : {},
    ...extra,
  };
}

function result(of: GraphNode, status: NodeStatus, seconds: number, extra: Partial<NodeResult> = {}): NodeResult {
  return {
    uniqueId: of.uniqueId,
    status,
    message: status === 'success' ? 'OK' : status === 'skipped' ? 'Skipped because a parent failed.' : `${status} message`,
    timing: [],
    executionTime: seconds,
    threadId: 'Thread-1',
    adapterResponse: {},
    relationName: undefined,
    failures: undefined,
    ...extra,
  };
}

const countries = node('seed', 'countries');
const customers = node('model', 'customers');
const orders = node('model', 'orders');
const notNull = node('test', 'not_null_orders_id', { line: 7 });
const unique = node('test', 'unique_orders_id', { line: 9 });
const accepted = node('test', 'accepted_values_orders_status', { line: 12 });
const nodes = new Map([countries, customers, orders, notNull, unique, accepted].map((one) => [one.uniqueId, one]));
const results = [
  result(countries, 'success', 0.2, { message: 'INSERT 3' }),
  result(customers, 'success', 0.5),
  result(orders, 'error', 1.25, {
    errorCode: 'TSDBT4002',
    message: 'ClickHouse rejected the statement.',
    compiledPath: 'target/compiled/shop/models/orders.sql',
  }),
  result(notNull, 'skipped', 0),
  result(unique, 'warn', 0.05, { failures: 2, message: 'Got 2 results, configured to warn if != 0.' }),
  result(accepted, 'fail', 0.04, {
    failures: 1,
    message: 'Got 1 result, configured to fail if != 0.',
    relationName: '`shop_dbt_test__audit`.`accepted_values_orders_status`',
  }),
];

function terminal(format: 'text' | 'json' = 'text') {
  const stderr = new FakeStream();
  return { term: new Terminal({ stdout: new FakeStream(), stderr, color: false, format, now: () => new Date(2026, 0, 2, 3, 4, 5) }), stderr };
}

describe('reportRunSummary', () => {
  it('reports kinds in dbt order, every failure and warning with where it is and what the database said, the slowest nodes, the counts', () => {
    const { term, stderr } = terminal();
    reportRunSummary(term, { results, interrupted: false, nodes, seconds: 83.5 });
    expect(stderr.text.replace(/^03:04:05 {2}/gm, '')).toBe(`
Finished running 1 seed, 1 view model, 1 table model, 3 data tests in 1m 23.50s.

Completed with 2 errors and 1 warning:

Failure in model orders (models/orders.sql)
  TSDBT4002: ClickHouse rejected the statement.
  compiled code at target/compiled/shop/models/orders.sql

Warning in test unique_orders_id (models/schema.yml:9)
  Got 2 results, configured to warn if != 0.

Failure in test accepted_values_orders_status (models/schema.yml:12)
  Got 1 result, configured to fail if != 0.
  failing rows are stored in \`shop_dbt_test__audit\`.\`accepted_values_orders_status\`

Slowest: orders (1.25s), customers (0.50s), countries (0.20s)

Done. PASS=2 WARN=1 ERROR=2 SKIP=1 TOTAL=6
`);
    expect(summaryCounts(results)).toEqual({ pass: 2, warn: 1, error: 2, skip: 1, total: 6 });
    expect(exitCodeForRun({ results, interrupted: false })).toBe(1);
  });

  it('says when only warnings happened, and when the run was interrupted (exit 130)', () => {
    const onlyWarn = terminal();
    reportRunSummary(onlyWarn.term, { results: [results[1]!, results[4]!], interrupted: false, nodes, seconds: 1 });
    expect(onlyWarn.stderr.text).toContain('Completed with 1 warning:');
    expect(exitCodeForRun({ results: [results[1]!, results[4]!], interrupted: false })).toBe(0);

    const stopped = terminal();
    reportRunSummary(stopped.term, { results: [results[1]!, results[3]!], interrupted: true, nodes, seconds: 1 });
    expect(stopped.stderr.text).toContain('Interrupted: nodes not yet started were skipped.');
    expect(stopped.stderr.text).not.toContain('Slowest');
    expect(exitCodeForRun({ results: [results[1]!], interrupted: true })).toBe(130);
  });

  it('in JSON, is one event per failure and a run_summary with the counts, all schema-valid', () => {
    const { term, stderr } = terminal('json');
    reportRunSummary(term, { results, interrupted: false, nodes, seconds: 2 });
    const lines = parseLogLines(stderr.text);
    expect(lines.map((line) => line.event)).toEqual(['log', 'log', 'node_failure', 'node_failure', 'node_failure', 'slowest_nodes', 'run_summary']);
    expect(lines.filter((line) => line.event === 'node_failure').map((line) => [line.level, line.node_id, line.status])).toEqual([
      ['error', 'model.shop.orders', 'error'],
      ['warn', 'test.shop.unique_orders_id', 'warn'],
      ['error', 'test.shop.accepted_values_orders_status', 'fail'],
    ]);
    expect(lines.at(-1)).toMatchObject({ level: 'error', pass: 2, warn: 1, error: 2, skip: 1, total: 6, duration_ms: 2000, interrupted: false });
  });
});

describe('nodeProgressEvents', () => {
  it('prints one line per start and end: seeds loaded, models created, tests named with their failures', () => {
    const { term, stderr } = terminal();
    const events = nodeProgressEvents(term);
    const descriptions: Record<string, string> = { seed: 'seed file shop.countries', model: 'sql table model shop.orders', test: 'test' };
    results.forEach((one, index) => {
      const of = nodes.get(one.uniqueId)!;
      const description = of.resourceType === 'model' ? `sql ${String(of.config.materialized)} model shop.${of.name}` : descriptions[of.resourceType]!;
      if (one.status !== 'skipped') events.nodeStart({ node: of, index: index + 1, total: 6, description });
      events.nodeEnd({ node: of, index: index + 1, total: 6, description, result: one });
    });
    events.end();
    const ends = stderr.text
      .split('\n')
      .filter((line) => !line.includes(' START '))
      .map((line) => line.replace(/^03:04:05 {2}/, '').replace(/ \.+ /, ' … '));
    expect(ends).toEqual([
      '1 of 6 OK loaded seed file shop.countries … [INSERT 3 in 0.20s]',
      '2 of 6 OK created sql view model shop.customers … [OK in 0.50s]',
      '3 of 6 ERROR creating sql table model shop.orders … [ERROR in 1.25s]',
      '4 of 6 SKIP test not_null_orders_id … [SKIP]',
      '5 of 6 WARN 2 unique_orders_id … [WARN 2 in 0.05s]',
      '6 of 6 FAIL 1 accepted_values_orders_status … [FAIL 1 in 0.04s]',
      '',
    ]);
  });
});

describe('formatSeconds', () => {
  it.each([
    [0.5, '0.50s'],
    [59.999, '60.00s'],
    [61, '1m 01.00s'],
    [3725, '1h 02m 05s'],
  ])('%d → %s', (seconds, text) => expect(formatSeconds(seconds)).toBe(text));
});
