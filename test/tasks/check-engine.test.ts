/**
 * `tsdbt check` analyzes the models that are ready together in one statement, each a subquery
 * (check-engine.ts). That is only sound if each model's part of the answer is the tree the
 * analyzer prints for the model's query alone: these queries cover what models do (CTEs,
 * subqueries, joins, aggregation, windows, set operations, ARRAY JOIN, lambdas, table functions,
 * unnamed and repeated output columns), and each one's tree from a batch must equal its tree
 * alone, up to the numbering of node ids and of the analyzer's table aliases (`__table3`), which
 * count across the whole statement (the lineage reads neither as more than a reference). A query the engine refuses gets its own error, the others
 * their trees.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { TsdbtError } from '../../src/core/errors.js';
import { checkQueryTree, mayShareStatement } from '../../src/materialize/plan-check.js';
import { batchedEngine, MAX_BATCH } from '../../src/tasks/check-engine.js';

const T = '`src`.`t`';
const P = '`src`.`parent`';

const QUERIES = [
  `select id, c, amount, arr from ${T}`,
  `select * from ${T}`,
  `select t.* except (arr) from ${T} as t`,
  `select columns('^a') from ${T}`,
  `select 1, id + 1, 'x' from ${T}`,
  `select id, id from ${T}`,
  `select id as x, c as x2, x + 1 from ${T}`,
  `with base as (select id, amount from ${T} where amount > 0) select id, sum(amount) as total from base group by id having total > 1`,
  `with 2 as k select id * k as doubled from ${T}`,
  `select id, (select max(id) from ${T}) as top from ${T}`,
  `select id from ${T} where id in (select id from ${P})`,
  `select a.id as id, b.label as label from ${T} as a left join ${P} as b on a.id = b.id`,
  `select id, label from ${T} as a inner join ${P} as b using (id)`,
  `select a.id, b.id from ${T} as a cross join ${P} as b`,
  `select a.id from ${T} as a any left join ${P} as b on a.id = b.id and a.c = b.label`,
  `select c, count() as n, uniqExact(id) as u, groupArray(amount) as amounts from ${T} group by c with totals`,
  `select c, id, row_number() over (partition by c order by id) as rn, sum(amount) over w as running from ${T} window w as (order by id)`,
  `select id, c from ${T} union all select id, label from ${P}`,
  `select id from ${T} intersect select id from ${P}`,
  `select id from ${T} except select id from ${P}`,
  `select id, item from ${T} array join arr as item`,
  `select id, arrayJoin(arr) as item from ${T}`,
  `select id, arrayMap(x -> upper(x), arr) as upper_items, arrayFilter(x -> length(x) > 1, arr) as long_items from ${T}`,
  `select number as n, toString(number) as s from numbers(3)`,
  `select distinct c from ${T} order by c limit 1 by c`,
  `select id from ${T} order by id with fill step 1`,
  `select tuple(id, c) as pair, pair.1 as first, map('k', amount) as m, m['k'] as v from ${T}`,
  `select if(amount > 1, 'big', 'small') as size, multiIf(id = 1, 'one', 'other') as name, coalesce(toNullable(amount), 0) as a from ${T}`,
  `select toDate('2024-01-01') + id as day, toDateTime64('2024-01-01 00:00:00', 3, 'UTC') as at from ${T}`,
  `select s.id, s.total from (select id, sum(amount) as total from ${T} group by id) as s where s.total > 0`,
];

/**
 * Node ids renumbered in order of first appearance, and the number taken off the analyzer's table
 * aliases (`alias: __table3`): each subquery scope numbers its own, and nothing reads them.
 */
function normalized(tree: string): string {
  const ids = new Map<string, number>();
  return tree
    .replace(/alias: __table\d+/g, 'alias: __table')
    .replace(/\b(id|source_id): (\d+)/g, (_, key: string, number: string) => `${key}: ${ids.get(number) ?? ids.set(number, ids.size).get(number)!}`);
}

/** The adapter, counting the query-tree statements sent through it. */
function counting(adapter: Adapter): { adapter: Adapter; trees: () => number } {
  let trees = 0;
  const counted = Object.create(adapter) as Adapter;
  counted.queryText = (sql, options) => {
    if (sql.startsWith('EXPLAIN QUERY TREE')) trees += 1;
    return adapter.queryText(sql, options);
  };
  return { adapter: counted, trees: () => trees };
}

describe('check engine: query trees of models analyzed together', () => {
  let dir: string;
  let adapter: Adapter;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-check-engine-'));
    adapter = await connect({ type: 'chdb', name: 'dev', schema: 'src', threads: 1, settings: {}, path: dir });
    await adapter.execute('CREATE DATABASE src ENGINE = Memory');
    await adapter.execute('CREATE TABLE src.t (id UInt64, c String, amount Float64, arr Array(String)) ENGINE = Memory');
    await adapter.execute('CREATE TABLE src.parent (id UInt64, label String) ENGINE = Memory');
  });
  afterAll(async () => {
    await adapter?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each query the tree it has alone, in fewer statements', async () => {
    const alone = await Promise.all(QUERIES.map((sql) => adapter.queryText(checkQueryTree(sql).sql)));
    const { adapter: counted, trees } = counting(adapter);
    const engine = batchedEngine(counted, 1);
    const batched = await Promise.all(QUERIES.map((sql) => engine.queryTree(sql)));
    expect(trees()).toBe(Math.ceil(QUERIES.length / MAX_BATCH));
    QUERIES.forEach((sql, index) => expect(normalized(batched[index]!), sql).toBe(normalized(alone[index]!)));
  });

  it('gives a refused query its own error and the others their trees', async () => {
    const queries = [QUERIES[0]!, `select idd from ${T}`, QUERIES[7]!, `select c + 1 as x from ${T}`];
    const engine = batchedEngine(adapter, 1);
    const results = await Promise.allSettled(queries.map((sql) => engine.queryTree(sql)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    for (const index of [1, 3]) {
      const own = await adapter.queryText(checkQueryTree(queries[index]!).sql).catch((error: unknown) => error);
      const reason = (results[index] as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(TsdbtError);
      expect((reason as TsdbtError).message).toBe((own as TsdbtError).message);
    }
    const fine = await adapter.queryText(checkQueryTree(QUERIES[7]!).sql);
    expect(normalized((results[2] as PromiseFulfilledResult<string>).value)).toBe(normalized(fine));
  });

  it('creates the shadow tables of a batch in one call, and each alone when one is refused', async () => {
    const engine = batchedEngine(adapter, 1);
    const tables = ['a', 'b', 'c'].map((name) => engine.createTable('src', `shadow_${name}`, [{ name: 'id', type: 'UInt64' }]));
    await Promise.all(tables);
    const refused = await Promise.allSettled([
      engine.createTable('src', 'shadow_d', [{ name: 'id', type: 'UInt64' }]),
      engine.createTable('src', 'shadow_e', [{ name: 'n', type: 'Nothing' }]),
      engine.createTable('src', 'shadow_f', [{ name: 'id', type: 'UInt64' }]),
    ]);
    expect(refused.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const names = await adapter.query<{ name: string }>("SELECT name FROM system.tables WHERE database = 'src' AND name LIKE 'shadow_%' ORDER BY name");
    expect(names.map((row) => row.name)).toEqual(['shadow_a', 'shadow_b', 'shadow_c', 'shadow_d', 'shadow_f']);
  });

  it('creates a shadow table while a batch of query trees is still running, so the children of a model do not wait for that batch', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const gated = Object.create(adapter) as Adapter;
    gated.queryText = async (sql, options) => {
      await held;
      return adapter.queryText(sql, options);
    };
    const engine = batchedEngine(gated, 1);
    const trees = Promise.all(QUERIES.slice(0, 4).map((sql) => engine.queryTree(sql)));
    await engine.createTable('src', 'shadow_during_trees', [{ name: 'id', type: 'UInt64' }]);
    const names = await adapter.query<{ name: string }>("SELECT name FROM system.tables WHERE database = 'src' AND name = 'shadow_during_trees'");
    expect(names).toHaveLength(1);
    release();
    expect(await trees).toHaveLength(4);
  });

  it('sends the most urgent query trees first when more wait than one batch holds', async () => {
    const order: string[] = [];
    const recorded = Object.create(adapter) as Adapter;
    recorded.queryText = (sql, options) => {
      order.push(sql);
      return adapter.queryText(sql, options);
    };
    const engine = batchedEngine(recorded, 1);
    const first = engine.queryTree(QUERIES[0]!);
    await new Promise((resolve) => setImmediate(resolve));
    // The lane is busy with the first: of what waits, the urgent one goes out in the next statement.
    const waiting = QUERIES.slice(1, MAX_BATCH + 2).map((sql) => engine.queryTree(sql));
    const urgent = engine.queryTree(`select id from ${T} where id = 42`, 5);
    await Promise.all([first, urgent, ...waiting]);
    expect(order).toHaveLength(3);
    expect(order[1]).toContain('where id = 42');
    expect(order[2]).not.toContain('where id = 42');
  });

  it('analyzes alone a query whose SETTINGS could reach the others, or that holds a statement separator', () => {
    expect(mayShareStatement(QUERIES[0]!)).toBe(true);
    expect(mayShareStatement(`select id from ${T} settings join_use_nulls = 1`)).toBe(false);
    expect(mayShareStatement(`select id from ${T}; select 1`)).toBe(false);
  });
});
