/** Golden SQL of the dbt-clickhouse parity configs: projections, indexes, codecs, TTLs, tuple keys, dictionary ranges, query_settings. */
import { describe, expect, it } from 'vitest';
import type { ModelNode } from '../../src/compile/nodes.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import type { PlanContext } from '../../src/materialize/plan.js';
import { planDictionary } from '../../src/materialize/plan-dictionary.js';
import { planIncremental } from '../../src/materialize/plan-incremental.js';
import { planModel } from '../../src/materialize/plan-model.js';
import { planTable } from '../../src/materialize/plan-table.js';
import { renameOutput, standardNames } from '../../src/materialize/standard-names.js';
import { splitTopLevelCommas } from '../../src/materialize/model-settings.js';
import { batchWindows, planBatch, planMicrobatchTable } from '../../src/materialize/microbatch.js';
import { planMaterializedView } from '../../src/materialize/plan-materialized-view.js';
import { grantsConfig, planGrants } from '../../src/materialize/grants.js';
import { expectGolden } from './golden-plan.js';

const MODERN: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: true, createOrReplaceView: true };
const OLD_SERVER: PlanContext = {
  cluster: undefined,
  databaseEngine: undefined,
  exchangeTables: false,
  createOrReplaceView: false,
  lightweightDelete: false,
  serverVersion: '18.16.1',
};
const SELECT = 'select id, craft, seen_at\nfrom `astro`.`crew_events`';

const FEATURES = {
  order_by: 'id',
  projections: [{ name: 'by_craft', query: 'select craft, count() group by craft' }],
  indexes: [{ name: 'idx_craft', definition: 'craft TYPE bloom_filter GRANULARITY 1' }],
};
const COLUMNS = { craft: { codec: 'ZSTD(3)' }, seen_at: { codec: 'CODEC(Delta, LZ4)', ttl: 'seen_at + INTERVAL 1 YEAR' } };

describe('table extras', () => {
  it('projections, indexes, column codecs and TTLs go on the empty table before it is filled', () => {
    expectGolden(
      'table-projections-indexes-codecs',
      planTable({ schema: 'astro', identifier: 'crew', sql: SELECT, config: FEATURES, columns: COLUMNS }, 'table', MODERN),
    );
  });

  it('a server older than a feature gets a coded error naming the version it needs, before any SQL', () => {
    const plan = () => planTable({ schema: 'astro', identifier: 'crew', sql: SELECT, config: FEATURES }, undefined, OLD_SERVER);
    expect(plan).toThrow(TsdbtError);
    expect(plan).toThrow('Projections (config projections) need ClickHouse 21.6 or newer, but the server is 18.16.1.');
    try {
      plan();
    } catch (error) {
      expect((error as TsdbtError).code).toBe(ErrorCodes.SERVER_TOO_OLD);
    }
  });

  it('codecs alone on an old server without EXCHANGE: empty table, ALTER, then the fill', () => {
    expectGolden(
      'table-codec-old-server',
      planTable({ schema: 'astro', identifier: 'crew', sql: SELECT, config: {}, columns: { craft: { codec: 'LZ4' } } }, undefined, {
        ...OLD_SERVER,
        serverVersion: '20.3.1',
      }),
    );
  });
});

describe('incremental unique_key as dbt-clickhouse writes it', () => {
  it("unique_key='id, craft' is the tuple (id, craft)", () => {
    expect(splitTopLevelCommas('id, craft')).toEqual(['id', 'craft']);
    expect(splitTopLevelCommas("toDate(seen_at), concat(a, ','), b")).toEqual(['toDate(seen_at)', "concat(a, ',')", 'b']);
    const columns = [
      { name: 'id', type: 'UInt64' },
      { name: 'craft', type: 'String' },
      { name: 'seen_at', type: 'DateTime' },
    ];
    expectGolden(
      'incremental-delete-insert-comma-key',
      planIncremental(
        {
          name: 'crew',
          schema: 'astro',
          identifier: 'crew',
          sql: SELECT,
          config: { incremental_strategy: 'delete+insert', unique_key: 'id, craft', incremental_predicates: ['seen_at > now() - INTERVAL 7 DAY'] },
        },
        { existing: 'table', fullRefresh: false, tableColumns: columns, queryColumns: columns },
        MODERN,
      ),
    );
  });
});

describe('dictionaries as dbt-clickhouse documents them', () => {
  it("fields as ('name', 'Type') pairs, a range_hashed layout and its RANGE", () => {
    const config = {
      primary_key: 'id',
      layout: 'RANGE_HASHED()',
      range: 'min valid_from max valid_to',
      fields: [
        ['id', 'UInt64'],
        ['valid_from', 'Date'],
        ['valid_to', 'Date'],
        ['price', 'Decimal(10, 2)'],
      ],
    };
    expectGolden(
      'dictionary-range-hashed-fields',
      planDictionary(
        { schema: 'astro', identifier: 'prices', sql: 'select * from `astro`.`price_history`', config },
        { existing: undefined, queryColumns: [] },
        MODERN,
      ),
    );
  });
});

describe('query_settings', () => {
  it('go on every statement of the model, a statement keeping its own settings', () => {
    const node = {
      name: 'crew',
      relation: { schema: 'astro', identifier: 'crew' },
      columns: {},
      config: { materialized: 'incremental', incremental_strategy: 'delete+insert', unique_key: 'id', query_settings: { max_threads: 2 } },
    } as unknown as ModelNode;
    const columns = [{ name: 'id', type: 'UInt64' }];
    const plan = planModel(
      node,
      SELECT,
      { existing: 'table', fullRefresh: false, tableColumns: columns, queryColumns: columns },
      { ...MODERN, lightweightDelete: false },
    );
    expectGolden('incremental-query-settings-every-statement', plan);
    expect(plan.statements.every((statement) => statement.settings?.max_threads === 2)).toBe(true);
  });
});

describe('standard output names', () => {
  it('customers.customer_id → customer_id unless another column has that name', () => {
    const names = ['customers.customer_id', 'customers.name', 'orders.name', 'payments.amount', 'amount', 'n'];
    expect([...standardNames(names)]).toEqual([['customers.customer_id', 'customer_id']]);
    expect(renameOutput('select 1;', ['customers.customer_id', 'n'], standardNames(['customers.customer_id', 'n']))).toBe(
      'SELECT `customers.customer_id` AS `customer_id`, `n`\nFROM (\nselect 1\n)',
    );
  });
});

describe('microbatch', () => {
  const settings = { eventTime: 'event_at', batchSize: 'day' as const, begin: new Date('2026-01-01T00:00:00Z'), lookback: 1 };
  const model = { schema: 'shop', identifier: 'daily', sql: '', config: { order_by: 'id' } };
  const window = { start: new Date('2026-01-03T00:00:00Z'), end: new Date('2026-01-04T00:00:00Z') };
  const sql =
    "select id, event_at from (select * from `shop`.`events` where event_at >= toDateTime('2026-01-03 00:00:00', 'UTC') and event_at < toDateTime('2026-01-04 00:00:00', 'UTC'))";

  it('windows: from begin on a first run, the current batch and lookback after, or the --event-time-* range', () => {
    const days = (windows: { start: Date }[]) => windows.map((w) => w.start.toISOString().slice(0, 10));
    const now = new Date('2026-01-05T13:00:00Z');
    expect(days(batchWindows(settings, { now, firstRun: true }))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05']);
    expect(days(batchWindows(settings, { now, firstRun: false }))).toEqual(['2026-01-04', '2026-01-05']);
    expect(days(batchWindows(settings, { now, firstRun: false, start: new Date('2026-01-02T05:00:00Z'), end: new Date('2026-01-04T00:00:00Z') }))).toEqual([
      '2026-01-02',
      '2026-01-03',
    ]);
    expect(
      batchWindows({ ...settings, batchSize: 'month' }, { now, firstRun: false, start: new Date('2025-11-20T00:00:00Z') }).map((w) =>
        w.start.toISOString().slice(0, 7),
      ),
    ).toEqual(['2025-11', '2025-12', '2026-01']);
  });

  it('a first run creates the table partitioned by batch', () => {
    expectGolden('microbatch-first-run', planMicrobatchTable(model, settings, false, sql, MODERN));
  });

  it('a batch is staged and swapped in as its partition; an empty batch drops it', () => {
    const plan = planBatch(model, settings, window, ['id', 'event_at'], sql, MODERN);
    expectGolden('microbatch-batch', plan, [{ partition_id: '20260103' }]);
    expect(plan.next!.plan([]).statements[0]!.sql).toBe("ALTER TABLE `shop`.`daily`\nDROP PARTITION ID '20260103'");
  });

  it('with a partition_by that is not the batch: delete the window, insert the batch', () => {
    expectGolden(
      'microbatch-batch-other-partitions',
      planBatch({ ...model, config: { order_by: 'id', partition_by: 'toYYYYMM(event_at)' } }, settings, window, ['id', 'event_at'], sql, {
        ...MODERN,
        lightweightDelete: true,
      }),
    );
  });
});

describe('materialized views as dbt-clickhouse documents them', () => {
  const columns = [{ name: 'n', type: 'UInt64' }];
  const state = { existing: undefined, existingView: undefined, fullRefresh: false, tableColumns: [], queryColumns: columns };
  it('refreshable: REFRESH … DEPENDS ON … APPEND between the name and TO; the table starts empty (the refresh fills it)', () => {
    const config = { order_by: 'tuple()', refreshable: { interval: 'EVERY 1 HOUR', randomize: '10 MINUTE', depends_on: ['shop.daily_mv'], append: true } };
    expectGolden(
      'materialized-view-refreshable',
      planMaterializedView({ name: 'totals', schema: 'shop', identifier: 'totals', sql: 'select count() as n from `shop`.`events`', config }, state, MODERN),
    );
  });

  it('refreshable on a server before 24.10 is a coded error naming the version', () => {
    const plan = () =>
      planMaterializedView(
        { name: 'totals', schema: 'shop', identifier: 'totals', sql: 'select 1', config: { refreshable: { interval: 'EVERY 1 HOUR' } } },
        state,
        OLD_SERVER,
      );
    expect(plan).toThrow('Refreshable materialized views (config refreshable) need ClickHouse 24.10 or newer, but the server is 18.16.1.');
  });

  it("materialization_target_table: the model is the view, writing into the other model's table, with the catch-up insert", () => {
    const sql = '-- materialization_target_table: `shop`.`sink`\nselect n from `shop`.`events`';
    expectGolden(
      'materialized-view-external-target',
      planMaterializedView({ name: 'into_sink', schema: 'shop', identifier: 'into_sink', sql, config: {} }, state, MODERN),
    );
    const again = planMaterializedView(
      { name: 'into_sink', schema: 'shop', identifier: 'into_sink', sql, config: {} },
      { ...state, existing: 'materialized_view' },
      MODERN,
    );
    expect(again.statements.map((statement) => statement.purpose)).toEqual(['create database', "update the materialized view's SELECT in place"]);
  });
});

describe('grants', () => {
  it('GRANT what is configured and missing, REVOKE what is granted beyond it', () => {
    const { grants, problems } = grantsConfig({ select: ['analyst', 'bi_role'], insert: 'loader' });
    expect(problems).toEqual([]);
    const current = [
      { privilege: 'SELECT', grantee: 'analyst' },
      { privilege: 'SELECT', grantee: 'intern' },
      { privilege: 'ALTER UPDATE', grantee: 'ops' },
    ];
    expectGolden('grants-to-exactly-the-config', { statements: planGrants('shop', 'orders', grants, current, MODERN), cleanup: [] });
  });
});
