/**
 * How `tsdbt check` talks to its scratch session. The models that are ready at the same time go
 * out together: their query trees in one statement (`checkQueryTrees`), their shadow tables in
 * one call, on as many lanes as --threads. The engine's cost per statement dwarfs the cost of a
 * model's analysis (see bench/notes.md), so fewer, larger statements check more models per second.
 * A batch the engine refuses is sent again one model at a time, so each model still gets the
 * verdict and the error it gets alone.
 */
import type { Adapter } from '../core/adapter-types.js';
import { splitBatchedQueryTree } from '../graph/lineage/batch-tree.js';
import { checkShadowTable, checkShadowTables, checkQueryTree, checkQueryTrees, mayShareStatement, type CheckColumn } from '../materialize/plan-check.js';
import { type Answer, MicroBatcher } from '../runner/micro-batch.js';

/** Most requests in one batch: past this, a larger statement saved little more (bench/notes.md). */
export const MAX_BATCH = 16;

/**
 * `priority` orders the waiting work: a model heading a longer chain of models goes out sooner,
 * since every model after it waits for it.
 */
export interface CheckEngine {
  /** The model query's tree, as `EXPLAIN QUERY TREE` prints it for the query alone; throws the database's error for that query. */
  queryTree(compiledSql: string, priority?: number): Promise<string>;
  /** Creates a shadow table (of a source, seed or checked model); throws the database's error for that table. */
  createTable(database: string, name: string, columns: readonly CheckColumn[]): Promise<void>;
  /** Runs any other statement of the check on one of the lanes. */
  alone<T>(run: () => Promise<T>, priority?: number): Promise<T>;
}

interface TableRequest {
  database: string;
  name: string;
  columns: readonly CheckColumn[];
}

type Request = { kind: 'tree'; sql: string } | { kind: 'alone'; run: () => Promise<unknown> };

export function batchedEngine(adapter: Adapter, lanes: number): CheckEngine {
  const batcher = new MicroBatcher<Request, unknown>(lanes, MAX_BATCH, (requests) => answer(adapter, requests));
  // Shadow tables on a lane of their own: a model's children wait for its table, and a table in
  // a batch of query trees would be answered only when the whole batch is (bench/notes.md).
  const tables = new MicroBatcher<TableRequest, unknown>(1, MAX_BATCH * lanes, (requests) => createTables(adapter, requests));
  return {
    queryTree: async (sql, priority) => (await batcher.submit({ kind: 'tree', sql }, priority)) as string,
    createTable: async (database, name, columns) => {
      await tables.submit({ database, name, columns });
    },
    alone: async <T>(run: () => Promise<T>, priority?: number) => (await batcher.submit({ kind: 'alone', run }, priority)) as T,
  };
}

async function answer(adapter: Adapter, requests: readonly Request[]): Promise<Answer<unknown>[]> {
  const answers: (Answer<unknown> | undefined)[] = new Array(requests.length);
  const indexed = requests.map((request, index) => ({ request, index }));
  const trees = indexed.filter((entry) => entry.request.kind === 'tree');
  const read = await queryTrees(
    adapter,
    trees.map((entry) => (entry.request as { sql: string }).sql),
  );
  trees.forEach((entry, at) => (answers[entry.index] = read[at]));
  for (const { request, index } of indexed) if (request.kind === 'alone') answers[index] = await settle(request.run);
  return answers.map((entry) => entry!);
}

async function createTables(adapter: Adapter, tables: readonly TableRequest[]): Promise<Answer<unknown>[]> {
  if (tables.length > 1) {
    try {
      await adapter.execute(checkShadowTables(tables).sql);
      return tables.map(() => ({ ok: true, value: undefined }));
    } catch {
      // The calls stop at the first table refused; those before it exist. Each again, alone, for its own answer.
    }
  }
  const answers: Answer<unknown>[] = [];
  for (const table of tables)
    answers.push(await settle(() => adapter.execute(checkShadowTable(table.database, table.name, table.columns, tables.length > 1).sql)));
  return answers;
}

async function queryTrees(adapter: Adapter, sqls: readonly string[]): Promise<Answer<unknown>[]> {
  const answers: (Answer<unknown> | undefined)[] = new Array(sqls.length);
  const shared = sqls.flatMap((sql, index) => (mayShareStatement(sql) ? [index] : []));
  if (shared.length > 1) {
    try {
      const text = await adapter.queryText(checkQueryTrees(shared.map((index) => sqls[index]!)).sql);
      splitBatchedQueryTree(text, shared.length).forEach((tree, at) => (answers[shared[at]!] = { ok: true, value: tree }));
    } catch {
      // One of the queries is refused (or the answer is not in the expected shape): each alone, for its own error.
    }
  }
  for (let index = 0; index < sqls.length; index += 1) answers[index] ??= await settle(() => adapter.queryText(checkQueryTree(sqls[index]!).sql));
  return answers.map((entry) => entry!);
}

async function settle(run: () => Promise<unknown>): Promise<Answer<unknown>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}
