import { clickhouseType } from '../materialize/contract.js';
import { contractConfig } from '../compile/contracts.js';
import type { ColumnProperties, ModelNode, UnitTestInput, UnitTestNode } from '../compile/nodes.js';
import { renderModel } from '../compile/render-model.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { describeSelect } from '../materialize/ddl-data.js';
import type { Column } from '../materialize/schema-change.js';
import type { ExecutionContext } from './node-executor.js';
import { renderWithAdapter } from './template-queries.js';

/**
 * The real column types of what a given input stands for, so the literal rows have them:
 * the built relation's columns; else the columns declared with a data_type in YAML; else, for a
 * model, what its SQL returns (`DESCRIBE (query)`, nothing is created). `this` without a table
 * or declared columns is typed by the model's own output over the other inputs (`describeThis`).
 */
export async function inputColumns(
  given: UnitTestInput,
  node: UnitTestNode,
  model: ModelNode,
  context: ExecutionContext,
  describeThis: () => Promise<string>,
): Promise<Column[]> {
  const { project, adapter, cache } = context;
  const parent = given.uniqueId === undefined ? model : project.nodes.get(given.uniqueId);
  if (parent === undefined || parent.resourceType === 'test' || parent.resourceType === 'unit_test' || parent.resourceType === 'exposure')
    throw cannotType(node, given, 'it is not a model, seed or source of this project');
  const { schema, identifier } = parent.relation;
  const materialized = parent.resourceType === 'model' ? String(parent.config.materialized) : 'table';
  if (materialized !== 'ephemeral' && (await cache.existing(schema, identifier)) !== undefined) {
    const columns = await adapter.listColumns(schema, identifier);
    if (columns.length > 0) return columns.map((column) => ({ name: column.name, type: column.type }));
  }
  const declared = declaredColumns(parent.columns, parent.resourceType === 'model' ? contractConfig(parent.config).aliasTypes : true);
  if (declared !== undefined) return declared;
  let sql: string;
  let why: string;
  if (given.uniqueId === undefined) {
    sql = await describeThis();
    why = 'the model is not built and declares no data_type for its columns';
  } else if (parent.resourceType === 'model') {
    const parentModel = parent as ModelNode;
    sql = await renderWithAdapter(adapter, (runQuery) => renderModel(project, parentModel, { runQuery }), {
      logger: project.logger,
      file: parentModel.originalFilePath,
    });
    why = `${given.input} is not built and declares no data_type for its columns`;
  } else {
    throw cannotType(node, given, `${given.input} does not exist in the database yet and declares no data_type for its columns`);
  }
  try {
    const rows = await adapter.query<Column>(describeSelect(sql));
    return rows.map((row) => ({ name: row.name, type: row.type }));
  } catch (error) {
    throw cannotType(node, given, `${why}, and its SQL cannot be described (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}

/** The declared columns when every one has a data_type; undefined otherwise. */
function declaredColumns(columns: Record<string, ColumnProperties>, aliasTypes: boolean): Column[] | undefined {
  const list = Object.values(columns);
  if (list.length === 0 || list.some((column) => column.dataType === undefined)) return undefined;
  return list.map((column) => ({ name: column.name, type: clickhouseType(column.dataType!, aliasTypes) }));
}

function cannotType(node: UnitTestNode, given: UnitTestInput, why: string): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.UNIT_TEST_INVALID,
    message: `Unit test '${node.name}' cannot tell the column types of input ${given.input}: ${why}.`,
    file: node.originalFilePath,
    line: given.line,
    hint: 'Build the input first (tsdbt build runs unit tests after the models they read), or declare its columns with data_type in YAML.',
  });
}
