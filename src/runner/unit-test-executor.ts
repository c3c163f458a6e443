import type { UnitTestInput, UnitTestNode } from '../compile/nodes.js';
import { renderModel, THIS_INPUT, type RuntimeFlags } from '../compile/render-model.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { describeSelect } from '../materialize/ddl-data.js';
import { querySettings } from '../materialize/plan-table.js';
import { rowsSelect, sqlRowsSelect, unitTestDiffQuery, unknownColumns } from '../materialize/plan-unit-test.js';
import type { Column } from '../materialize/schema-change.js';
import { csvRows } from '../testing/unit-tests/fixture-rows.js';
import { unitTestFailure } from '../testing/unit-tests/unit-test-diff.js';
import { inputColumns } from './unit-test-inputs.js';
import { withOverrides } from './unit-test-overrides.js';
import type { ExecutionContext, NodeExecutor } from './node-executor.js';
import { errorResult, seconds } from './node-results.js';
import type { NodeResult, TimingInfo } from './results.js';
import { renderWithAdapter } from './template-queries.js';
import { readProjectFile } from '../project/read-file.js';

/** Runs unit tests: the model rendered over the given rows, its output compared with `expect` as multisets. */
export const unitTestExecutor: NodeExecutor = {
  describe: (node) => `unit_test ${(node as UnitTestNode).model}::${node.name}`,
  execute: (node, context) => runUnitTest(node as UnitTestNode, context),
  succeeded: (result) => result.status === 'pass',
};

async function runUnitTest(node: UnitTestNode, context: ExecutionContext): Promise<NodeResult> {
  const { project, adapter, now } = context;
  const started = now();
  const timing: TimingInfo[] = [];
  let current: string | undefined;
  let compiledPath: string | undefined;
  try {
    const model = project.models.get(node.modelId)!;
    const settings = querySettings(model.config.query_settings).settings;
    const inputs = new Map<string, string>();
    // Servers before 20.1 (no DateTime64) have no `WITH name AS (SELECT …)`: inputs go in as subqueries there.
    const inputsAs = adapter.capabilities.dateTime64 ? 'cte' : 'subquery';
    const render = (flags: RuntimeFlags) =>
      renderWithAdapter(
        adapter,
        (runQuery) => withOverrides(project.engine, node.overrides, () => renderModel(project, model, { ...flags, runQuery, inputs, inputsAs })),
        { logger: project.logger, file: model.originalFilePath },
      );
    // `this` last: without a built table or declared columns its types come from the model over the other inputs.
    const ordered = [...node.given.filter((given) => given.uniqueId !== undefined), ...node.given.filter((given) => given.uniqueId === undefined)];
    for (const given of ordered) {
      const columns = await inputColumns(given, node, model, context, () => render({ isIncremental: false, fullRefresh: true }));
      const rowsOf = given.seedFile === undefined ? given : { ...given, rows: readProjectFile(project.dir, given.seedFile) };
      inputs.set(given.uniqueId ?? THIS_INPUT, givenSelect(rowsOf, columns, node));
    }
    const isIncremental = node.overrides.macros.is_incremental === true;
    const sql = await render({ isIncremental, fullRefresh: !isIncremental });
    compiledPath = context.onCompiled?.(node, sql);
    timing.push({ name: 'compile', started_at: started.toISOString(), completed_at: now().toISOString() });
    const executeStart = now();
    current = describeSelect(sql);
    const actual = (await adapter.query<Column>(current, settings === undefined ? {} : { settings })).map((row) => ({ name: row.name, type: row.type }));
    const expected = expectedSelect(node, actual);
    current = unitTestDiffQuery(expected.columns, expected.sql, sql);
    context.events?.statement?.({ node, sql: current, purpose: 'compare the model output with the expected rows' });
    const diff = await adapter.query<Record<string, unknown>>(current, {
      settings: { ...settings, output_format_json_quote_64bit_integers: 0 },
      signal: context.signal,
    });
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    const failure = unitTestFailure(diff, expected.columns);
    return {
      uniqueId: node.uniqueId,
      status: failure === undefined ? 'pass' : 'fail',
      message: failure === undefined ? 'PASS' : `Unit test '${node.name}' on model '${node.model}' failed: ${failure.summary}\n${failure.table}`,
      timing,
      executionTime: seconds(started, now()),
      threadId: `Thread-${context.slot + 1}`,
      adapterResponse: {},
      relationName: undefined,
      failures: failure?.rowCount ?? 0,
      compiledPath,
    };
  } catch (error) {
    return {
      ...errorResult(node, error, { timing, compileStart: started, now, slot: context.slot, relationName: undefined }),
      failedSql: current,
      compiledPath,
    };
  }
}

/** The SELECT standing in for one input, typed like the relation it replaces. */
function givenSelect(given: UnitTestInput, columns: Column[], node: UnitTestNode): string {
  if (given.format === 'sql') return sqlRowsSelect(columns, given.rows as string);
  const rows =
    given.format === 'csv'
      ? csvRows(given.rows as string, { file: node.originalFilePath, line: given.line, what: `input ${given.input}` })
      : (given.rows as Record<string, unknown>[]);
  const unknown = unknownColumns(columns, rows);
  if (unknown.length > 0) {
    throw new TsdbtError({
      code: ErrorCodes.UNIT_TEST_INVALID,
      message: `Unit test '${node.name}': the rows of input ${given.input} name ${unknown.map((name) => `'${name}'`).join(', ')}, which ${given.input} does not have.`,
      file: node.originalFilePath,
      line: given.line,
      hint: `Its columns are: ${columns.map((column) => column.name).join(', ')}.`,
    });
  }
  return rowsSelect(columns, rows);
}

/** The expected rows, typed like the model's output; compared on the columns the expectation names (all of them for sql). */
function expectedSelect(node: UnitTestNode, actual: Column[]): { sql: string; columns: string[] } {
  const { expect } = node;
  if (expect.format === 'sql') return { sql: sqlRowsSelect(actual, expect.rows as string), columns: actual.map((column) => column.name) };
  const rows =
    expect.format === 'csv'
      ? csvRows(expect.rows as string, { file: node.originalFilePath, line: expect.line, what: 'expect' })
      : (expect.rows as Record<string, unknown>[]);
  const unknown = unknownColumns(actual, rows);
  if (unknown.length > 0) {
    throw new TsdbtError({
      code: ErrorCodes.UNIT_TEST_INVALID,
      message: `Unit test '${node.name}': the expected rows name ${unknown.map((name) => `'${name}'`).join(', ')}, which model '${node.model}' does not return.`,
      file: node.originalFilePath,
      line: expect.line,
      hint: `The model returns: ${actual.map((column) => column.name).join(', ')}.`,
    });
  }
  const named = new Set(rows.flatMap((row) => Object.keys(row)));
  const columns = rows.length === 0 ? actual : actual.filter((column) => named.has(column.name));
  return { sql: rowsSelect(columns, rows), columns: columns.map((column) => column.name) };
}
