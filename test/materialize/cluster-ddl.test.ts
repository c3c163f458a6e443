/**
 * ON CLUSTER consistency: with `cluster` in the target, EVERY DDL statement of EVERY plan (each
 * materialization in MATERIALIZATIONS, each state it can meet, each server capability, cleanups and
 * continuations included) carries `ON CLUSTER`, and without one none does. A new materialization is
 * covered as soon as it is in MATERIALIZATIONS. Also golden SQL for distributed_table.
 */
import { describe, expect, it } from 'vitest';
import { MATERIALIZATIONS } from '../../src/compile/model-config.js';
import { TsdbtError } from '../../src/core/errors.js';
import type { ModelNode } from '../../src/compile/nodes.js';
import { createDatabase, dropDatabase } from '../../src/materialize/ddl.js';
import type { ExistingRelation, Plan, PlanContext, Statement } from '../../src/materialize/plan.js';
import { planModel, type ModelState } from '../../src/materialize/plan-model.js';
import { planDistributedTable } from '../../src/materialize/plan-distributed-table.js';
import { leftoverDrops } from '../../src/runner/stale-relations.js';
import { expectGolden } from './golden-plan.js';

const CLUSTER = 'tsdbt_cluster';
const ON_CLUSTER = ` ON CLUSTER \`${CLUSTER}\``;
/** Statements that change schema or rows in place; INSERT and SELECT are sent to one server on purpose. */
const DDL = /^\s*(CREATE|DROP|RENAME|EXCHANGE|ALTER|TRUNCATE|ATTACH|DETACH|OPTIMIZE|DELETE\s+FROM)\b/i;
const SQL = "select id, toString(id) as label, toDate('2024-01-01') as day from `src`.`events`";

/** Configs that take each materialization down its different branches. */
const CONFIGS: Record<string, Record<string, unknown>[]> = {
  table: [{}, { engine: "ReplicatedMergeTree('/clickhouse/tables/{shard}/m', '{replica}')", order_by: 'id' }],
  view: [{}],
  incremental: [
    { incremental_strategy: 'append' },
    { incremental_strategy: 'append', on_schema_change: 'sync_all_columns' },
    { incremental_strategy: 'append', on_schema_change: 'append_new_columns' },
    { incremental_strategy: 'delete+insert', unique_key: 'id' },
    { incremental_strategy: 'insert_overwrite', partition_by: 'toYYYYMM(day)' },
    { unique_key: 'id' },
  ],
  materialized_view: [{}, { backfill: false, on_schema_change: 'sync_all_columns' }],
  ephemeral: [{}],
  dictionary: [{ primary_key: 'id' }, { primary_key: 'id', fields: { label: 'String' }, layout: 'HASHED()', lifetime: '300' }],
  distributed_table: [{}, { sharding_key: 'cityHash64(id)', engine: "ReplicatedMergeTree('/clickhouse/tables/{shard}/m_local', '{replica}')" }],
};

const EXISTING: ExistingRelation[] = [undefined, 'table', 'view', 'materialized_view', 'dictionary'];

function contexts(cluster: string | undefined): PlanContext[] {
  const out: PlanContext[] = [];
  for (const modern of [true, false]) {
    for (const engine of ['Atomic', 'Ordinary']) {
      out.push({
        cluster,
        databaseEngine: undefined,
        exchangeTables: modern,
        createOrReplaceView: modern,
        lightweightDelete: modern,
        alterViewQuery: modern,
        databaseEngines: new Map([['astro', engine]]),
      });
    }
  }
  return out;
}

function node(materialized: string, config: Record<string, unknown>): ModelNode {
  return { name: 'm', uniqueId: 'model.astro.m', relation: { schema: 'astro', identifier: 'm' }, config: { materialized, ...config } } as unknown as ModelNode;
}

/** Every statement a plan can send, following continuations with a partition read back. */
function allStatements(plan: Plan): Statement[] {
  const out: Statement[] = [];
  let part: Plan | undefined = plan;
  while (part !== undefined) {
    out.push(...part.statements, ...part.cleanup);
    part = part.next?.plan([{ partition_id: '202401' }]);
  }
  return out;
}

/** Every plan of every materialization, in every state and context given. */
function everyPlan(cluster: string | undefined, planContexts: PlanContext[] = contexts(cluster)): { label: string; statements: Statement[] }[] {
  const plans: { label: string; statements: Statement[] }[] = [];
  for (const materialized of MATERIALIZATIONS) {
    const configs = CONFIGS[materialized];
    if (configs === undefined) throw new Error(`cluster-ddl.test.ts has no configs for materialization '${materialized}': add them to CONFIGS.`);
    for (const [index, config] of configs.entries()) {
      for (const existing of EXISTING) {
        for (const fullRefresh of [false, true]) {
          for (const existingView of [undefined, 'materialized_view'] as ExistingRelation[]) {
            const state: ModelState = {
              existing,
              fullRefresh,
              existingView,
              tableColumns: [
                { name: 'id', type: 'UInt64' },
                { name: 'old', type: 'String' },
              ],
              queryColumns: [
                { name: 'id', type: 'UInt64' },
                { name: 'label', type: 'String' },
                { name: 'day', type: 'Date' },
              ],
            };
            for (const [c, context] of planContexts.entries()) {
              const label = `${materialized}#${index} existing=${String(existing)} fullRefresh=${fullRefresh} view=${String(existingView)} context#${c}`;
              let plan: Plan;
              try {
                plan = planModel(node(materialized, config), SQL, state, context);
              } catch (error) {
                // Some combinations are refused on purpose (a dropped column with on_schema_change 'ignore'…): no SQL to check.
                if (error instanceof TsdbtError) continue;
                throw error;
              }
              plans.push({ label, statements: allStatements(plan) });
            }
          }
        }
      }
    }
  }
  return plans;
}

describe('ON CLUSTER on every DDL statement', () => {
  it('with a cluster: every DDL statement of every plan names it', () => {
    const plans = everyPlan(CLUSTER);
    let ddl = 0;
    for (const { label, statements } of plans) {
      for (const statement of statements) {
        if (!DDL.test(statement.sql)) continue;
        ddl += 1;
        expect(statement.sql, `${label}: ${statement.purpose}`).toContain(ON_CLUSTER);
      }
    }
    expect(ddl).toBeGreaterThan(1000);
    const kinds = new Set(plans.flatMap((plan) => plan.statements.map((statement) => /^\s*(\w+)/.exec(statement.sql)?.[1]?.toUpperCase())));
    // The checks above saw every kind of DDL the plans use.
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['ALTER', 'CREATE', 'DROP', 'EXCHANGE', 'INSERT', 'RENAME']));
  });

  it('without a cluster: no statement says ON CLUSTER', () => {
    for (const { label, statements } of everyPlan(undefined)) {
      for (const statement of statements) expect(statement.sql, label).not.toContain('ON CLUSTER');
    }
  });

  it('in a Replicated database: the database is created ON CLUSTER, its relations never (ClickHouse refuses it there)', () => {
    const replicated = contexts(CLUSTER).flatMap((context) => [
      { ...context, databaseEngines: new Map([['astro', "Replicated('/clickhouse/databases/astro', '{shard}', '{replica}')"]]) },
      // A database the run creates with the profile's database_engine.
      { ...context, databaseEngines: new Map(), databaseEngine: "Replicated('/clickhouse/databases/astro', '{shard}', '{replica}')" },
    ]);
    let creates = 0;
    for (const { label, statements } of everyPlan(CLUSTER, replicated)) {
      for (const statement of statements) {
        if (/^CREATE DATABASE/.test(statement.sql)) {
          creates += 1;
          expect(statement.sql, label).toContain(ON_CLUSTER);
        } else {
          expect(statement.sql, `${label}: ${statement.purpose}`).not.toContain('ON CLUSTER');
        }
      }
    }
    expect(creates).toBeGreaterThan(100);
    // distributed_table still names the cluster in its Distributed engine.
    const distributed = everyPlan(CLUSTER, replicated).find((plan) => plan.label.startsWith('distributed_table'))!;
    expect(distributed.statements.some((statement) => statement.sql.includes("ENGINE = Distributed('tsdbt_cluster'"))).toBe(true);
    const [context] = replicated;
    expect(leftoverDrops([{ database: 'astro', name: 'm__tsdbt_tmp', engine: 'MergeTree', kind: 'table' }], context!)[0]!.drop.sql).toBe(
      'DROP TABLE IF EXISTS `astro`.`m__tsdbt_tmp`',
    );
  });

  it('the other DDL tsdbt sends: databases, leftovers from killed runs', () => {
    const [context] = contexts(CLUSTER);
    const statements = [
      createDatabase('astro', context!),
      dropDatabase('astro', context!),
      ...leftoverDrops(
        (['table', 'view', 'materialized_view', 'dictionary'] as const).map((kind) => ({ database: 'astro', name: `m_${kind}__tsdbt_tmp`, engine: 'x', kind })),
        context!,
      ).map((entry) => entry.drop),
    ];
    for (const statement of statements) expect(statement.sql).toContain(ON_CLUSTER);
  });
});

describe('distributed_table plans', () => {
  const model = { schema: 'astro', identifier: 'events', name: 'events', sql: SQL, config: { order_by: 'id', sharding_key: 'cityHash64(id)' } };
  const columns = [
    { name: 'id', type: 'UInt64' },
    { name: 'label', type: 'String' },
    { name: 'day', type: 'Date' },
  ];
  const [modern, , old] = contexts(CLUSTER);

  it.each([
    { golden: 'distributed-table-new', existing: undefined as ExistingRelation, context: modern! },
    { golden: 'distributed-table-existing-exchange', existing: 'table' as ExistingRelation, context: modern! },
    { golden: 'distributed-table-existing-old-server', existing: 'table' as ExistingRelation, context: old! },
  ])('$golden', ({ golden, existing, context }) => {
    expectGolden(golden, planDistributedTable(model, { existing, queryColumns: columns }, context));
  });

  it('without the columns read beforehand, the local table takes them from the SELECT (LIMIT 0)', () => {
    const plan = planDistributedTable(model, { existing: undefined }, modern!);
    expect(plan.statements[3]!.sql).toMatch(
      /^CREATE TABLE `astro`\.`events_local__tsdbt_tmp` ON CLUSTER `tsdbt_cluster`\nENGINE = MergeTree\(\) ORDER BY id\nAS\nSELECT \* FROM \(\n[\s\S]*\n\) LIMIT 0$/,
    );
  });

  it('needs a cluster, and says where to set it', () => {
    expect(() => planDistributedTable(model, { existing: undefined }, { ...modern!, cluster: undefined })).toThrow(
      "Model 'events' is a distributed_table, but the target has no `cluster`.",
    );
  });
});
