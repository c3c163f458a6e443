/**
 * The SQL tsdbt builds for things that are not models (seeds, landing tables, test verdicts, `debug`'s
 * scratch table, the docs catalog, `show`'s preview), compared with golden files in ./golden like the model plans.
 */
import { describe, expect, it } from 'vitest';
import type { Plan, PlanContext } from '../../src/materialize/plan.js';
import { planLandingTables, latestBatchSql, planStagedLanding } from '../../src/materialize/plan-landing.js';
import { planScratchTable, CLUSTERS_SQL } from '../../src/materialize/plan-connection-check.js';
import { planSeed, type SeedPlan, type SeedTarget } from '../../src/materialize/plan-seed.js';
import { CATALOG_SQL, previewQuery } from '../../src/materialize/read-queries.js';
import { storedFailuresQuery, testQuery } from '../../src/materialize/test-query.js';
import { expectGolden } from './golden-plan.js';

const MODERN: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: true, createOrReplaceView: true };
const OLD_SERVER: PlanContext = { ...MODERN, exchangeTables: false, createOrReplaceView: false };
const CLUSTER: PlanContext = { ...MODERN, cluster: 'main' };

/** A seed plan as one Plan: prepare, the load (as the INSERT it amounts to), publish. */
function asPlan(seed: SeedPlan): Plan {
  return { statements: [...seed.prepare, { sql: seed.load.sql, purpose: 'load the rows' }, ...seed.publish], cleanup: seed.cleanup };
}

/** A read-only query as a one-statement Plan, so it gets a golden file like the rest. */
function asRead(sql: string, purpose: string): Plan {
  return { statements: [{ sql, purpose }], cleanup: [] };
}

const SEED: SeedTarget = {
  name: 'raw_orders',
  schema: 'shop',
  identifier: 'raw_orders',
  columns: [
    { name: 'id', type: 'Int64', kind: 'integer' },
    { name: 'status', type: 'Nullable(String)', kind: 'string' },
  ],
  config: { order_by: 'id' },
};
const SAME_COLUMNS = [
  { name: 'id', type: 'Int64' },
  { name: 'status', type: 'Nullable(String)' },
];

describe('seed plans', () => {
  it.each([
    ['seed-new', planSeed(SEED, { kind: undefined }, MODERN, false)],
    ['seed-reload-exchange', planSeed(SEED, { kind: 'table', columns: SAME_COLUMNS }, MODERN, false)],
    ['seed-reload-old-server', planSeed(SEED, { kind: 'table', columns: SAME_COLUMNS }, OLD_SERVER, false)],
    ['seed-full-refresh-on-cluster', planSeed(SEED, { kind: 'table', columns: SAME_COLUMNS }, CLUSTER, true)],
    ['seed-replacing-view', planSeed(SEED, { kind: 'view' }, MODERN, false)],
  ])('%s', (golden, plan) => expectGolden(golden, asPlan(plan)));
});

describe('landing tables', () => {
  it('milliseconds, with a quarantine table', () => {
    expectGolden('landing-tables', planLandingTables({ database: 'astro', table: 'raw_astros', quarantine: true }, 'ms'));
  });
  it('seconds (servers before 20.1), on a cluster, without quarantine', () => {
    expectGolden(
      'landing-tables-old-server-on-cluster',
      planLandingTables({ database: 'astro', table: 'raw_astros', quarantine: false, cluster: 'main' }, 's'),
    );
  });
  it('a spooled reply staged, then attached in one step', () => {
    const staged = planStagedLanding({ database: 'astro', table: 'raw_astros' });
    expectGolden('landing-staged', { statements: [staged.drop, staged.create, staged.stopMerges, staged.attach, staged.drop], cleanup: [] });
  });
  it('the read of the latest batch', () => {
    expectGolden('landing-latest-batch', asRead(latestBatchSql('astro', 'raw_astros', 'ms'), 'read the latest batch'));
    expectGolden('landing-latest-batch-old-server', asRead(latestBatchSql('astro', 'raw_astros', 's'), 'read the latest batch'));
  });
});

describe('test verdict queries', () => {
  it('defaults, and configured fail_calc / warn_if / error_if / limit', () => {
    expectGolden('test-query-default', asRead(testQuery('select * from `shop`.`orders` where id is null -- a trailing comment;', {}), 'count failing rows'));
    expectGolden(
      'test-query-configured',
      asRead(testQuery('select * from `shop`.`orders`', { fail_calc: 'sum(n)', warn_if: '> 10', error_if: '> 100', limit: 5 }), 'count failing rows'),
    );
  });
  it('store_failures reads the stored table', () => {
    expect(storedFailuresQuery('`audit`.`not_null_orders_id`')).toBe('select * from `audit`.`not_null_orders_id`');
  });
});

describe('debug, docs and show', () => {
  it("debug's scratch table", () => {
    expectGolden('debug-scratch-table', planScratchTable('shop', '__tsdbt_debug_1', MODERN));
    expectGolden('debug-scratch-table-on-cluster', planScratchTable('shop', '__tsdbt_debug_1', CLUSTER));
    expectGolden('debug-clusters', asRead(CLUSTERS_SQL, 'list clusters'));
  });
  it('the docs catalog reads one database per statement', () => {
    expectGolden('docs-catalog', asRead(CATALOG_SQL, 'read the catalog of one database'));
  });
  it("show's preview limits the rows and drops a trailing semicolon; -1 is no limit", () => {
    expectGolden('show-preview', asRead(previewQuery('select * from `shop`.`orders`;  \n', 5), 'preview'));
    expect(previewQuery('select 1;', -1)).toBe('select 1;');
  });
});
