/** Golden SQL of the incremental, materialized_view and dictionary plans, one file per branch. */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, type TsdbtError } from '../../src/core/errors.js';
import type { PlanContext } from '../../src/materialize/plan.js';
import { planDictionary } from '../../src/materialize/plan-dictionary.js';
import { planIncremental, type IncrementalModel, type IncrementalState } from '../../src/materialize/plan-incremental.js';
import { planMaterializedView, type MaterializedViewState } from '../../src/materialize/plan-materialized-view.js';
import { planSchemaChange } from '../../src/materialize/schema-change.js';
import { expectGolden } from './golden-plan.js';

const MODERN: PlanContext = {
  cluster: undefined,
  databaseEngine: undefined,
  exchangeTables: true,
  createOrReplaceView: true,
  lightweightDelete: true,
  alterViewQuery: true,
};
const OLD_SERVER: PlanContext = {
  cluster: undefined,
  databaseEngine: undefined,
  exchangeTables: false,
  createOrReplaceView: false,
  lightweightDelete: false,
  alterViewQuery: false,
  mutationsSync: false,
};

const SELECT = 'select id, craft, name, seen_at\nfrom `astro`.`crew_events`';
const COLUMNS = [
  { name: 'id', type: 'UInt64' },
  { name: 'craft', type: 'String' },
  { name: 'name', type: 'String' },
  { name: 'seen_at', type: 'DateTime' },
];

function model(config: Record<string, unknown> = {}): IncrementalModel {
  return { name: 'crew', schema: 'astro', identifier: 'crew', sql: SELECT, config: { engine: 'MergeTree', order_by: 'id', ...config } };
}

function onTable(extra: Partial<IncrementalState> = {}): IncrementalState {
  return { existing: 'table', fullRefresh: false, tableColumns: COLUMNS, queryColumns: COLUMNS, ...extra };
}

describe('incremental plans', () => {
  it.each<{ golden: string; config: Record<string, unknown>; state: IncrementalState; context?: PlanContext; rows?: Record<string, unknown>[] }>([
    { golden: 'incremental-first-run', config: {}, state: { ...onTable(), existing: undefined } },
    { golden: 'incremental-full-refresh', config: { unique_key: 'id' }, state: onTable({ fullRefresh: true }) },
    { golden: 'incremental-replacing-view', config: {}, state: onTable({ existing: 'view' }) },
    { golden: 'incremental-append', config: {}, state: onTable() },
    { golden: 'incremental-append-query-settings', config: { incremental_strategy: 'append', query_settings: { max_threads: 2 } }, state: onTable() },
    { golden: 'incremental-delete-insert', config: { incremental_strategy: 'delete+insert', unique_key: 'id' }, state: onTable() },
    {
      golden: 'incremental-delete-insert-predicates-composite-key',
      config: { incremental_strategy: 'delete+insert', unique_key: ['craft', 'name'], incremental_predicates: ['seen_at > now() - INTERVAL 7 DAY'] },
      state: onTable(),
    },
    {
      golden: 'incremental-delete-insert-old-server',
      config: { incremental_strategy: 'delete+insert', unique_key: 'id' },
      state: onTable(),
      context: OLD_SERVER,
    },
    {
      golden: 'incremental-delete-insert-mutation',
      config: { incremental_strategy: 'delete+insert', unique_key: 'id' },
      state: onTable(),
      context: { ...MODERN, lightweightDelete: false },
    },
    {
      golden: 'incremental-insert-overwrite',
      config: { incremental_strategy: 'insert_overwrite', partition_by: 'toYYYYMM(seen_at)' },
      state: onTable(),
      rows: [{ partition_id: '202401' }, { partition_id: '202402' }],
    },
    {
      golden: 'incremental-insert-overwrite-no-rows',
      config: { incremental_strategy: 'insert_overwrite', partition_by: 'toYYYYMM(seen_at)' },
      state: onTable(),
      rows: [],
    },
    { golden: 'incremental-default', config: { unique_key: 'id' }, state: onTable() },
    { golden: 'incremental-default-old-server', config: { incremental_strategy: 'legacy', unique_key: 'id' }, state: onTable(), context: OLD_SERVER },
    {
      golden: 'incremental-append-new-columns',
      config: { on_schema_change: 'append_new_columns' },
      state: onTable({ queryColumns: [...COLUMNS.filter((c) => c.name !== 'seen_at'), { name: 'age', type: 'UInt8' }] }),
    },
    {
      golden: 'incremental-sync-all-columns',
      config: { on_schema_change: 'sync_all_columns', unique_key: 'id', incremental_strategy: 'delete+insert' },
      state: onTable({
        queryColumns: [
          { name: 'id', type: 'UInt64' },
          { name: 'craft', type: 'LowCardinality(String)' },
          { name: 'name', type: 'String' },
          { name: 'age', type: 'UInt8' },
        ],
      }),
    },
    { golden: 'incremental-ignore-new-column', config: {}, state: onTable({ queryColumns: [...COLUMNS, { name: 'age', type: 'UInt8' }] }) },
  ])('$golden', ({ golden, config, state, context, rows }) => {
    expectGolden(golden, planIncremental(model(config), state, context ?? MODERN), rows);
  });

  it("on_schema_change 'fail' stops on an added column, naming it", () => {
    const state = onTable({ queryColumns: [...COLUMNS, { name: 'age', type: 'UInt8' }] });
    expect(() => planIncremental(model({ on_schema_change: 'fail' }), state, MODERN)).toThrow(
      expect.objectContaining({
        code: ErrorCodes.SCHEMA_CHANGED,
        message: "The columns of model 'crew' no longer match its table `astro`.`crew`: age is new, and on_schema_change is 'fail'.",
      }),
    );
  });

  it("on_schema_change 'fail' lets an unchanged schema through", () => {
    expect(planIncremental(model({ on_schema_change: 'fail' }), onTable(), MODERN).statements.map((s) => s.purpose)).toEqual([
      'drop a staging table left by an earlier run',
      'append the new rows',
    ]);
  });

  it("'ignore' refuses a SELECT that lost a column of the table, and says what to do", () => {
    const state = onTable({ queryColumns: COLUMNS.slice(0, 3) });
    let error: TsdbtError | undefined;
    try {
      planIncremental(model(), state, MODERN);
    } catch (caught) {
      error = caught as TsdbtError;
    }
    expect(error?.code).toBe(ErrorCodes.SCHEMA_CHANGED);
    expect(error?.message).toBe("Model 'crew' no longer selects column seen_at of its table `astro`.`crew`, and on_schema_change is 'ignore'.");
    expect(error?.hint).toContain('--full-refresh');
  });

  it('describes every kind of change in one message', () => {
    const table = [
      { name: 'a', type: 'UInt8' },
      { name: 'b', type: 'String' },
    ];
    const query = [
      { name: 'a', type: 'UInt16' },
      { name: 'c', type: 'String' },
      { name: 'd', type: 'Date' },
    ];
    expect(() => planSchemaChange({ schema: 'db', identifier: 't', model: 'm' }, 'fail', table, query, MODERN)).toThrow(
      "The columns of model 'm' no longer match its table `db`.`t`: c, d are new, b is gone, a changed from UInt8 to UInt16, and on_schema_change is 'fail'.",
    );
  });
});

describe('materialized view plans', () => {
  const mvState = (extra: Partial<MaterializedViewState> = {}): MaterializedViewState => ({
    existing: 'table',
    existingView: 'materialized_view',
    fullRefresh: false,
    tableColumns: COLUMNS,
    queryColumns: COLUMNS,
    ...extra,
  });
  it.each<{ golden: string; config: Record<string, unknown>; state: MaterializedViewState; context?: PlanContext }>([
    { golden: 'mv-first-build', config: {}, state: mvState({ existing: undefined, existingView: undefined }) },
    { golden: 'mv-first-build-no-backfill', config: { backfill: false }, state: mvState({ existing: undefined, existingView: undefined }) },
    { golden: 'mv-rerun-modify-query', config: {}, state: mvState() },
    { golden: 'mv-rerun-old-server', config: {}, state: mvState(), context: OLD_SERVER },
    // A missing view (a refresh killed between dropping and creating it): rebuilt with a backfill.
    { golden: 'mv-rerun-view-missing', config: {}, state: mvState({ existingView: undefined }) },
    { golden: 'mv-rerun-view-missing-no-backfill', config: { backfill: false }, state: mvState({ existingView: undefined }) },
    { golden: 'mv-rerun-source-swapped', config: {}, state: mvState({ sourceRebuiltBySwap: 'base' }) },
    {
      golden: 'mv-rerun-append-new-columns',
      config: { on_schema_change: 'append_new_columns' },
      state: mvState({ queryColumns: [...COLUMNS, { name: 'age', type: 'UInt8' }] }),
    },
    { golden: 'mv-full-refresh', config: {}, state: mvState({ fullRefresh: true }) },
    { golden: 'mv-full-refresh-old-server', config: {}, state: mvState({ fullRefresh: true }), context: OLD_SERVER },
    { golden: 'mv-replacing-view', config: {}, state: mvState({ existing: 'view', existingView: undefined }) },
  ])('$golden', ({ golden, config, state, context }) => {
    expectGolden(golden, planMaterializedView(model(config), state, context ?? MODERN));
  });
});

describe('dictionary plans', () => {
  const dictionary = (config: Record<string, unknown>) => ({ schema: 'astro', identifier: 'crafts', sql: 'select id, craft from `astro`.`crew`', config });
  const queryColumns = [
    { name: 'id', type: 'UInt64' },
    { name: 'craft', type: 'String' },
  ];
  it.each<{ golden: string; config: Record<string, unknown>; existing: 'dictionary' | 'table' | undefined; context?: PlanContext }>([
    { golden: 'dictionary-new', config: { primary_key: 'id' }, existing: undefined },
    { golden: 'dictionary-replace-old-server', config: { primary_key: 'id' }, existing: 'dictionary', context: OLD_SERVER },
    { golden: 'dictionary-complex-key-over-table', config: { primary_key: 'craft' }, existing: 'table' },
    {
      golden: 'dictionary-configured',
      config: {
        primary_key: 'id',
        layout: 'FLAT()',
        lifetime: 'LIFETIME(MIN 60 MAX 120)',
        fields: { id: 'UInt64', craft: 'LowCardinality(String)' },
        source: "CLICKHOUSE(TABLE 'crew' DB 'astro')",
      },
      existing: 'dictionary',
    },
  ])('$golden', ({ golden, config, existing, context }) => {
    expectGolden(golden, planDictionary(dictionary(config), { existing, queryColumns }, context ?? MODERN));
  });
});
