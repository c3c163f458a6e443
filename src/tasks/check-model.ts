/**
 * One model of `tsdbt check`, analyzed once. The analyzer's resolved query tree (`EXPLAIN QUERY
 * TREE`) names every column, function and type, and gives the output columns and their lineage;
 * the model is then shadowed by an empty table with those columns, which its children read
 * without the analyzer going through this model's query again (a view would be expanded into
 * every query that reads it). Where the analysis pass alone does not give `CREATE VIEW`'s
 * verdict (it refused the query, or the query has a construct the planner checks further, see
 * `hasPlannerChecks`) or a table cannot hold a column's type, the model is created as a view
 * instead, as the check always did: so every error reported is the one `CREATE VIEW` gives.
 * A model that joins on keys of different types is also planned (`EXPLAIN PLAN`), which `CREATE
 * VIEW` does not do: the common type of each join key is decided there, and a run would fail on
 * it (see join-keys.ts for the joins that need no plan).
 */
import type { ModelNode } from '../compile/nodes.js';
import type { Adapter } from '../core/adapter-types.js';
import { TsdbtError } from '../core/errors.js';
import type { ModelLineage } from '../graph/lineage/column-graph.js';
import { joinKeysAgree } from '../graph/lineage/join-keys.js';
import { hasJoin, hasPlannerChecks, parseQueryTree } from '../graph/lineage/query-tree.js';
import { checkColumns, checkModelPlan, checkModelView, type CheckColumn } from '../materialize/plan-check.js';
import { placeInModel } from '../runner/model-error-place.js';
import type { CheckEngine } from './check-engine.js';
import { lineageOfTree, type RelationIndex } from './check-lineage.js';

export type ModelAnalysis =
  | { status: 'ok'; columns: CheckColumn[]; lineage: ModelLineage | string }
  | { status: 'error'; line: number | undefined; message: string };

/**
 * Analyzes the model's compiled SQL in the scratch session and leaves its shadow there for the
 * models downstream. `priority` is the model's place in the engine's queue (see CheckEngine).
 */
export async function analyzeModel(
  adapter: Adapter,
  engine: CheckEngine,
  node: ModelNode,
  compiledSql: string,
  relations: RelationIndex,
  priority = 0,
): Promise<ModelAnalysis> {
  const urgent: CheckEngine = { ...engine, alone: (run) => engine.alone(run, priority) };
  let tree: string;
  try {
    tree = await engine.queryTree(compiledSql, priority);
  } catch (error) {
    if (!(error instanceof TsdbtError)) throw error;
    return createAsView(adapter, urgent, node, compiledSql, `the analyzer gave no query tree: ${error.message.split('\n')[0]!}`);
  }
  // Parsed once, for the join keys and the lineage (the tree of an 8-way join is hundreds of lines).
  const roots = parseQueryTree(tree);
  if (hasJoin(tree) && !joinKeysAgree(roots)) {
    const refused = await planJoins(adapter, urgent, node, compiledSql);
    if (refused !== undefined) return refused;
  }
  const lineage = lineageOfTree(roots, node, relations);
  if (typeof lineage === 'string' || hasPlannerChecks(tree)) return createAsView(adapter, urgent, node, compiledSql, lineage);
  const columns = lineage.columns.map((column) => ({ name: column.name, type: column.type }));
  try {
    await engine.createTable(node.relation.schema, node.relation.identifier, columns);
  } catch (error) {
    if (!(error instanceof TsdbtError)) throw error;
    // A type a view can have but a table cannot (Nothing, LowCardinality(UInt8)…): the view is the shadow.
    return createAsView(adapter, urgent, node, compiledSql, lineage);
  }
  return { status: 'ok', columns, lineage };
}

/** Plans the model's query (see `checkModelPlan`): the planner's error, placed in the model, or nothing. */
async function planJoins(adapter: Adapter, engine: CheckEngine, node: ModelNode, compiledSql: string): Promise<ModelAnalysis | undefined> {
  const statement = checkModelPlan(compiledSql);
  try {
    await engine.alone(() => adapter.queryText(statement.sql));
    return undefined;
  } catch (error) {
    if (!(error instanceof TsdbtError)) throw error;
    const placed = placeInModel(error, statement.sql, { file: node.originalFilePath, rawSql: node.rawSql, compiledSql });
    return { status: 'error', line: placed.line, message: placed.message };
  }
}

/** The model as a view of its compiled SQL: ClickHouse analyzes and plans it, reading no rows. */
async function createAsView(
  adapter: Adapter,
  engine: CheckEngine,
  node: ModelNode,
  compiledSql: string,
  lineage: ModelLineage | string,
): Promise<ModelAnalysis> {
  const { schema, identifier } = node.relation;
  const statement = checkModelView(schema, identifier, compiledSql);
  try {
    await engine.alone(() => adapter.execute(statement.sql));
    const columns =
      typeof lineage === 'string'
        ? await engine.alone(() => adapter.query<CheckColumn>(checkColumns(schema, identifier).sql))
        : lineage.columns.map((column) => ({ name: column.name, type: column.type }));
    return { status: 'ok', columns: columns.map((column) => ({ name: column.name, type: column.type })), lineage };
  } catch (error) {
    if (!(error instanceof TsdbtError)) throw error;
    const placed = placeInModel(error, statement.sql, { file: node.originalFilePath, rawSql: node.rawSql, compiledSql });
    return { status: 'error', line: placed.line, message: placed.message };
  }
}
