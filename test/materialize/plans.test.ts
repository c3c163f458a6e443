/**
 * Materialization plans compared, statement for statement, with golden files in ./golden (see golden-plan.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ExistingRelation, PlanContext } from '../../src/materialize/plan.js';
import { planTable, type TableModel } from '../../src/materialize/plan-table.js';
import { planView } from '../../src/materialize/plan-view.js';
import { expectGolden } from './golden-plan.js';

const MODERN: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: true, createOrReplaceView: true };
const OLD_SERVER: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: false, createOrReplaceView: false };
const CLUSTER: PlanContext = { ...MODERN, cluster: 'main', databaseEngine: "Replicated('/ch/{database}', '{shard}', '{replica}')" };

const SELECT = 'select craft, toUInt32(count()) as people\nfrom `astro`.`people`\ngroup by craft';

function table(config: TableModel['config'] = {}): TableModel {
  return { schema: 'astro', identifier: 'people_per_craft', sql: SELECT, config };
}
const VIEW = { schema: 'astro', identifier: 'people', sql: "select JSONExtractString(payload, 'craft') as craft\nfrom `astro`.`raw_astros`" };

describe('table plans', () => {
  it.each<{ golden: string; existing: ExistingRelation; context: PlanContext }>([
    { golden: 'table-new', existing: undefined, context: MODERN },
    { golden: 'table-existing-exchange', existing: 'table', context: MODERN },
    { golden: 'table-existing-no-exchange', existing: 'table', context: OLD_SERVER },
    { golden: 'table-existing-ordinary-database', existing: 'table', context: { ...MODERN, databaseEngines: new Map([['astro', 'Ordinary']]) } },
    { golden: 'table-existing-atomic-database', existing: 'table', context: { ...MODERN, databaseEngines: new Map([['astro', 'Atomic']]) } },
    { golden: 'table-replacing-view', existing: 'view', context: MODERN },
    { golden: 'table-new-on-cluster', existing: undefined, context: CLUSTER },
    { golden: 'table-existing-on-cluster', existing: 'table', context: CLUSTER },
  ])('$golden', ({ golden, existing, context }) => {
    expectGolden(golden, planTable(table(), existing, context));
  });

  it('engine clauses: engine, order_by, partition_by, primary_key, sample_by, ttl, settings, query_settings', () => {
    expectGolden(
      'table-engine-clauses',
      planTable(
        table({
          engine: 'ReplacingMergeTree(version)',
          order_by: ['craft', 'cityHash64(name)'],
          partition_by: 'toYYYYMM(snapshot_at)',
          primary_key: 'craft',
          sample_by: 'cityHash64(name)',
          ttl: 'snapshot_at + INTERVAL 90 DAY',
          settings: { index_granularity: 1024, storage_policy: 'default' },
          query_settings: { max_threads: 2, join_use_nulls: 1 },
        }),
        'table',
        MODERN,
      ),
    );
  });

  it.each([
    { name: 'defaults to MergeTree ORDER BY tuple()', config: {}, clause: 'ENGINE = MergeTree() ORDER BY tuple()' },
    { name: 'adds () to a bare MergeTree family engine', config: { engine: 'SummingMergeTree' }, clause: 'ENGINE = SummingMergeTree() ORDER BY tuple()' },
    { name: 'keeps engine arguments', config: { engine: 'ReplacingMergeTree(v)', order_by: 'id' }, clause: 'ENGINE = ReplacingMergeTree(v) ORDER BY id' },
    { name: 'a single-column order_by list', config: { order_by: ['id'] }, clause: 'ENGINE = MergeTree() ORDER BY id' },
    { name: 'no ORDER BY for engines without one', config: { engine: 'Memory' }, clause: 'ENGINE = Memory' },
    { name: 'a blank engine means the default', config: { engine: '  ' }, clause: 'ENGINE = MergeTree() ORDER BY tuple()' },
    { name: 'empty settings are left out', config: { settings: {} }, clause: 'ENGINE = MergeTree() ORDER BY tuple()' },
  ])('$name', ({ config, clause }) => {
    const create = planTable(table(config), undefined, MODERN).statements.find((s) => s.sql.startsWith('CREATE TABLE'))!;
    expect(create.sql.split('\n')[1]).toBe(clause);
  });
});

describe('view plans', () => {
  it.each<{ golden: string; existing: ExistingRelation; context: PlanContext }>([
    { golden: 'view-new', existing: undefined, context: MODERN },
    { golden: 'view-existing', existing: 'view', context: MODERN },
    { golden: 'view-new-old-server', existing: undefined, context: OLD_SERVER },
    { golden: 'view-existing-old-server', existing: 'view', context: OLD_SERVER },
    { golden: 'view-replacing-table', existing: 'table', context: MODERN },
    { golden: 'view-existing-on-cluster', existing: 'view', context: CLUSTER },
  ])('$golden', ({ golden, existing, context }) => {
    expectGolden(golden, planView(VIEW, existing, context));
  });
});

describe('names that need quoting', () => {
  it('quotes databases and tables everywhere, suffixes included', () => {
    expectGolden('table-awkward-names', planTable({ schema: 'my db', identifier: 'the`table', sql: 'select 1 as x', config: {} }, 'table', OLD_SERVER));
  });
});
