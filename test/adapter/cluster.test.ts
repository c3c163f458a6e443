/**
 * Plans with `cluster` set, run on the two-server loopback cluster that `.ci/clickhouse-server.sh`
 * starts when ZooKeeper is installed (Debian's 18.16.1 in CI): every DDL goes ON CLUSTER, so what a
 * plan builds through server 1 exists on server 2 too; distributed_table spreads its rows over both
 * shards and rebuilds without leftovers; a Replicated table is filled once and replicated.
 * Skipped, with the reason in its name, without CLICKHOUSE_CLUSTER and CLICKHOUSE_NODE2_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { qualifiedName, quoteIdentifier } from '../../src/core/sql-literals.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import type { Plan, PlanContext } from '../../src/materialize/plan.js';
import { localTableName, planDistributedTable, type DistributedTableModel } from '../../src/materialize/plan-distributed-table.js';
import { planTable } from '../../src/materialize/plan-table.js';
import { planView } from '../../src/materialize/plan-view.js';
import { serverTarget, testDatabase } from '../support/clickhouse-server.js';

const shardsCluster = process.env.CLICKHOUSE_CLUSTER;
const replicasCluster = process.env.CLICKHOUSE_REPLICA_CLUSTER;
const node2Url = process.env.CLICKHOUSE_NODE2_URL;
const skip = !shardsCluster || !replicasCluster || !node2Url || !process.env.CLICKHOUSE_URL;
const REASON = 'no loopback cluster: install zookeeper and run `eval "$(bash .ci/clickhouse-server.sh start)"` (sets CLICKHOUSE_CLUSTER, CLICKHOUSE_NODE2_URL)';
if (skip) console.warn(`test/adapter/cluster.test.ts: skipped. ${REASON}.`);

describe.skipIf(skip)(skip ? `ON CLUSTER plans on a two-server cluster (skipped: ${REASON})` : 'ON CLUSTER plans on a two-server cluster', () => {
  const db = testDatabase('tsdbt_cluster');
  let node1: Adapter;
  let node2: Adapter;

  beforeAll(async () => {
    node1 = await connect(serverTarget());
    node2 = await connect(serverTarget({}, node2Url));
  });
  afterAll(async () => {
    await node1?.execute(`DROP DATABASE IF EXISTS ${quoteIdentifier(db)} ON CLUSTER ${quoteIdentifier(shardsCluster!)}`).catch(() => undefined);
    await node1?.close();
    await node2?.close();
  });

  async function context(cluster: string): Promise<PlanContext> {
    return {
      cluster,
      databaseEngine: undefined,
      exchangeTables: node1.capabilities.exchangeTables,
      createOrReplaceView: node1.capabilities.createOrReplaceView,
      databaseEngines: await node1.databaseEngines!(),
    };
  }

  /** Runs a plan on server 1 as the runner does: statements in order, cleanup on failure. */
  async function run(plan: Plan): Promise<void> {
    for (const statement of plan.statements) {
      expect(statement.sql, 'every DDL of a cluster plan says ON CLUSTER').toMatch(/^(INSERT|SELECT)\b|ON CLUSTER/);
      try {
        await node1.execute(statement.sql, statement.settings === undefined ? {} : { settings: statement.settings });
      } catch (error) {
        for (const cleanup of plan.cleanup) await node1.execute(cleanup.sql).catch(() => undefined);
        throw error;
      }
    }
  }

  const count = async (node: Adapter, table: string): Promise<number> =>
    Number((await node.query<{ n: string | number }>(`SELECT count() AS n FROM ${qualifiedName(db, table)}`))[0]!.n);
  const names = async (node: Adapter): Promise<string[]> => (await node.listRelations(db)).map((relation) => `${relation.name}:${relation.kind}`).sort();

  it('builds a table and a view on every server, and rebuilds them over what exists', async () => {
    const ctx = await context(shardsCluster!);
    const table = { schema: db, identifier: 'numbers', sql: 'SELECT number AS n FROM system.numbers LIMIT 7', config: { order_by: 'n' } };
    await run(planTable(table, undefined, ctx));
    await run(planTable({ ...table, sql: 'SELECT number AS n FROM system.numbers LIMIT 9' }, 'table', await context(shardsCluster!)));
    const view = { schema: db, identifier: 'evens', sql: `SELECT n FROM ${qualifiedName(db, 'numbers')} WHERE n % 2 = 0` };
    await run(planView(view, undefined, ctx));
    await run(planView(view, 'view', await context(shardsCluster!)));
    for (const node of [node1, node2]) {
      expect(await names(node)).toEqual(['evens:view', 'numbers:table']);
      // A non-replicated table on a cluster is filled by each server (ON CLUSTER … AS SELECT).
      expect(await count(node, 'numbers')).toBe(9);
      expect(await count(node, 'evens')).toBe(5);
    }
  });

  it('distributed_table: local tables on both shards, a Distributed table over them, rebuilt without leftovers', async () => {
    const model: DistributedTableModel = {
      schema: db,
      identifier: 'events',
      name: 'events',
      sql: 'SELECT number AS id, toString(number) AS label FROM system.numbers LIMIT 100',
      config: { order_by: 'id', sharding_key: 'id' },
    };
    const local = localTableName(model);
    await run(planDistributedTable(model, { existing: undefined }, await context(shardsCluster!)));
    const firstLocal = [await count(node1, local), await count(node2, local)];
    expect(firstLocal[0]! + firstLocal[1]!).toBe(100);
    expect(Math.min(...firstLocal)).toBeGreaterThan(0);
    expect(await count(node1, 'events')).toBe(100);
    expect(await count(node2, 'events')).toBe(100);

    await run(
      planDistributedTable(
        { ...model, sql: 'SELECT number AS id, toString(number) AS label FROM system.numbers LIMIT 40' },
        { existing: 'table' },
        await context(shardsCluster!),
      ),
    );
    for (const node of [node1, node2]) {
      expect(await count(node, 'events')).toBe(40);
      expect((await names(node)).filter((name) => name.includes('__tsdbt'))).toEqual([]);
      expect(await names(node)).toEqual(expect.arrayContaining(['events:table', 'events_local:table']));
    }
    expect((await count(node1, local)) + (await count(node2, local))).toBe(40);
  });

  it('fills a Replicated table once on a cluster of replicas, so the replica holds the same rows, not twice as many', async () => {
    const ctx = await context(replicasCluster!);
    const model = {
      schema: db,
      identifier: 'replicated',
      sql: 'SELECT number AS n FROM system.numbers LIMIT 25',
      config: { engine: `ReplicatedMergeTree('/clickhouse/tables/${db}/replicated', '{replica}')`, order_by: 'n' },
    };
    const plan = planTable(model, undefined, ctx);
    expect(plan.statements.map((statement) => statement.purpose)).toContain('fill the new table');
    await run(plan);
    await node2.execute(`SYSTEM SYNC REPLICA ${qualifiedName(db, 'replicated')}`);
    expect(await count(node1, 'replicated')).toBe(25);
    expect(await count(node2, 'replicated')).toBe(25);
  });
});
