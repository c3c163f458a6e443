/**
 * Snapshot plans compared, statement for statement, with golden files in ./golden (regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run test/materialize/plans-snapshot.test.ts`, then review the diff).
 * The rows given to each plan's read stand for "what changed": the plan goes on to write the new
 * history, stops with a coded error on a key that is not unique, or does nothing when nothing changed.
 */
import { describe, expect, it } from 'vitest';
import type { SnapshotSpec } from '../../src/compile/nodes.js';
import { DEFAULT_COLUMN_NAMES } from '../../src/compile/snapshot-config.js';
import type { PlanContext } from '../../src/materialize/plan.js';
import { planSnapshot, type SnapshotModel, type SnapshotState } from '../../src/materialize/plan-snapshot.js';
import { expectGolden, renderPlan } from './golden-plan.js';

const MODERN: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: true, createOrReplaceView: true };
const OLD_SERVER: PlanContext = { ...MODERN, exchangeTables: false };
const NOW = new Date('2026-01-02T03:04:05.678Z');
const CHANGED = [{ duplicate_keys: 0, duplicate_examples: [], null_keys: 0, new_versions: 2, deletions: 1 }];
const UNCHANGED = [{ duplicate_keys: 0, duplicate_examples: [], null_keys: 0, new_versions: 0, deletions: 0 }];

const TIMESTAMP: SnapshotSpec = {
  strategy: 'timestamp',
  uniqueKey: ['id'],
  updatedAt: 'updated_at',
  checkCols: 'all',
  hardDeletes: 'ignore',
  validToCurrent: undefined,
  columnNames: DEFAULT_COLUMN_NAMES,
};
const CHECK: SnapshotSpec = { ...TIMESTAMP, strategy: 'check', updatedAt: undefined, checkCols: ['name', 'city'] };

function model(spec: SnapshotSpec): SnapshotModel {
  return {
    name: 'people_snapshot',
    schema: 'snapshots',
    identifier: 'people_snapshot',
    sql: 'select id, name, city, updated_at from `shop`.`people`',
    spec,
    config: {},
  };
}

const SOURCE = [
  { name: 'id', type: 'UInt64' },
  { name: 'name', type: 'String' },
  { name: 'city', type: 'Nullable(String)' },
  { name: 'updated_at', type: 'DateTime' },
];
const staged = (updatedAt = 'DateTime') => [...SOURCE, { name: '__tsdbt_key_1', type: 'UInt64' }, { name: '__tsdbt_updated_at', type: updatedAt }];
const table = (fromType: string, extra: { name: string; type: string }[] = []) => [
  ...SOURCE,
  { name: 'dbt_scd_id', type: 'String' },
  { name: 'dbt_updated_at', type: fromType },
  { name: 'dbt_valid_from', type: fromType },
  { name: 'dbt_valid_to', type: `Nullable(${fromType})` },
  ...extra,
];
const FIRST: SnapshotState = { existing: undefined, tableColumns: [], stagedColumns: staged(), now: NOW };
const LATER: SnapshotState = { existing: 'table', tableColumns: table('DateTime'), stagedColumns: staged(), now: NOW };
const CHECK_TIME = "DateTime64(6, 'UTC')";

describe('snapshot plans', () => {
  it.each<{ golden: string; spec: SnapshotSpec; state: SnapshotState; context?: PlanContext }>([
    { golden: 'snapshot-timestamp-first', spec: TIMESTAMP, state: FIRST },
    { golden: 'snapshot-timestamp-existing', spec: TIMESTAMP, state: LATER },
    { golden: 'snapshot-timestamp-invalidate', spec: { ...TIMESTAMP, hardDeletes: 'invalidate' }, state: LATER },
    { golden: 'snapshot-timestamp-existing-old-server', spec: TIMESTAMP, state: LATER, context: OLD_SERVER },
    { golden: 'snapshot-check-first', spec: CHECK, state: { ...FIRST, stagedColumns: staged(CHECK_TIME) } },
    {
      golden: 'snapshot-check-new-record',
      spec: { ...CHECK, hardDeletes: 'new_record' },
      state: { ...LATER, tableColumns: table(CHECK_TIME, [{ name: 'dbt_is_deleted', type: 'Nullable(String)' }]), stagedColumns: staged(CHECK_TIME) },
    },
    {
      golden: 'snapshot-check-all-added-column',
      spec: { ...CHECK, checkCols: 'all' },
      state: { ...LATER, tableColumns: table(CHECK_TIME).filter((column) => column.name !== 'city'), stagedColumns: staged(CHECK_TIME) },
    },
    {
      golden: 'snapshot-composite-key-valid-to-current-renamed',
      spec: {
        ...TIMESTAMP,
        uniqueKey: ['id', 'city'],
        validToCurrent: "toDateTime('2100-01-01 00:00:00')",
        columnNames: { ...DEFAULT_COLUMN_NAMES, dbt_valid_from: 'valid_from', dbt_valid_to: 'valid_to' },
      },
      state: {
        ...LATER,
        tableColumns: table('DateTime').map((column) => ({ ...column, name: column.name.replace(/^dbt_valid_/, 'valid_') })),
        stagedColumns: [...staged().slice(0, 5), { name: '__tsdbt_key_2', type: 'Nullable(String)' }, { name: '__tsdbt_updated_at', type: 'DateTime' }],
      },
    },
  ])('$golden', ({ golden, spec, state, context }) => {
    expectGolden(golden, planSnapshot(model(spec), state, context ?? MODERN), CHANGED);
  });

  it('an unchanged source writes nothing: the staged rows are dropped, the table stays as it is', () => {
    expectGolden('snapshot-unchanged', planSnapshot(model(TIMESTAMP), LATER, MODERN), UNCHANGED);
  });

  it('a key that is not unique (or NULL) stops the run after staging, before the snapshot table is touched', () => {
    const plan = planSnapshot(model(TIMESTAMP), LATER, MODERN);
    expect(() => plan.next!.plan([{ duplicate_keys: 2, duplicate_examples: ['7', '9'], null_keys: 0, new_versions: 4, deletions: 0 }])).toThrow(
      /2 values of unique_key id appear more than once in its query \(e\.g\. 7, 9\)/,
    );
    expect(() => plan.next!.plan([{ duplicate_keys: 0, duplicate_examples: [], null_keys: 1, new_versions: 4, deletions: 0 }])).toThrow(
      /unique_key id is NULL in 1 row/,
    );
    expect(plan.statements.map((statement) => statement.sql).join('\n')).not.toMatch(/`people_snapshot`(?!__)/);
  });

  it('refuses a view in its place, a table without the snapshot columns, a query with a snapshot column, and a cluster', () => {
    expect(() => planSnapshot(model(TIMESTAMP), { ...LATER, existing: 'view' }, MODERN)).toThrow(/is a view, not a snapshot table/);
    expect(() => planSnapshot(model(TIMESTAMP), { ...LATER, tableColumns: SOURCE }, MODERN)).toThrow(/has no column dbt_scd_id, dbt_valid_from, dbt_valid_to/);
    expect(() => planSnapshot(model(TIMESTAMP), { ...FIRST, stagedColumns: [{ name: 'dbt_valid_to', type: 'DateTime' }, ...staged()] }, MODERN)).toThrow(
      /returns a column named 'dbt_valid_to'/,
    );
    expect(() => planSnapshot(model({ ...CHECK, checkCols: ['nope'] }), FIRST, MODERN)).toThrow(/check_cols names 'nope'/);
    expect(() => planSnapshot(model(TIMESTAMP), FIRST, { ...MODERN, cluster: 'main' })).toThrow(/cannot be built on a cluster/);
  });

  it('never mutates the snapshot table: no ALTER, DELETE or UPDATE, and only the temporary tables are dropped', () => {
    for (const spec of [TIMESTAMP, { ...CHECK, hardDeletes: 'new_record' as const }, { ...TIMESTAMP, hardDeletes: 'invalidate' as const }]) {
      const text = renderPlan(planSnapshot(model(spec), LATER, MODERN), CHANGED);
      expect(text).not.toMatch(/\b(ALTER|DELETE|UPDATE)\b/);
      for (const drop of text.matchAll(/DROP TABLE IF EXISTS `snapshots`\.`([^`]+)`/g)) expect(drop[1]).toMatch(/__tsdbt_(tmp|backup)$/);
    }
  });
});
