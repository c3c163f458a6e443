/**
 * SQL built for model contracts (tables created from the declared columns) and for unit tests
 * (literal input rows, the multiset comparison), compared with golden files in ./golden.
 * Regenerate after an intended change with `UPDATE_GOLDEN=1 npx vitest run test/materialize`.
 */
import { describe, expect, it } from 'vitest';
import { clickhouseType, contractMismatches, mismatchTable, type Contract } from '../../src/materialize/contract.js';
import type { PlanContext } from '../../src/materialize/plan.js';
import { planTable, type TableModel } from '../../src/materialize/plan-table.js';
import { rowsSelect, sqlRowsSelect, unitTestDiffQuery, unknownColumns } from '../../src/materialize/plan-unit-test.js';
import { unitTestFailure } from '../../src/testing/unit-tests/unit-test-diff.js';
import { expectGolden } from './golden-plan.js';

const MODERN: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: true, createOrReplaceView: true };
const OLD_SERVER: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: false, createOrReplaceView: false };

const CONTRACT: Contract = {
  columns: [
    { name: 'id', type: 'Int32', notNull: true },
    { name: 'amount', type: 'Int64', notNull: false },
    { name: 'status', type: 'String', notNull: false },
  ],
  checks: [{ name: 'amount_check_1', expression: 'amount >= 0' }],
};
// The query returns a Nullable id (not_null makes the column non-Nullable: cast) and a Nullable status (kept Nullable).
const QUERY_COLUMNS = [
  { name: 'status', type: 'Nullable(String)' },
  { name: 'id', type: 'Nullable(Int32)' },
  { name: 'amount', type: 'Int64' },
];

function contracted(): TableModel {
  return {
    schema: 'shop',
    identifier: 'orders',
    sql: 'select id, amount, status from `shop`.`raw`',
    config: { order_by: 'id' },
    contract: { contract: CONTRACT, queryColumns: QUERY_COLUMNS },
  };
}

describe('contract table plans', () => {
  it('new table: CREATE with the declared columns and CHECK, then INSERT by name with casts', () => {
    expectGolden('table-contract-new', planTable(contracted(), undefined, MODERN));
  });
  it('old server: CREATE with the declared columns, then INSERT (18.16 has no columns with AS SELECT)', () => {
    expectGolden('table-contract-old-server', planTable(contracted(), 'table', OLD_SERVER));
  });
  it('cluster, not Replicated: one CREATE … ON CLUSTER (columns) AS SELECT, so every node fills its table', () => {
    expectGolden('table-contract-on-cluster', planTable(contracted(), undefined, { ...MODERN, cluster: 'main' }));
  });
});

describe('contract comparison', () => {
  it('maps dbt type aliases to ClickHouse types', () => {
    expect(
      [
        'int',
        'INTEGER',
        'bigint',
        'string',
        'text',
        'varchar(20)',
        'float',
        'double',
        'float64',
        'boolean',
        'timestamp',
        'date',
        'numeric(10,2)',
        'LowCardinality(String)',
      ].map((type) => clickhouseType(type)),
    ).toEqual([
      'Int32',
      'Int32',
      'Int64',
      'String',
      'String',
      'String',
      'Float32',
      'Float64',
      'Float64',
      'Bool',
      'DateTime',
      'Date',
      'Decimal(10, 2)',
      'LowCardinality(String)',
    ]);
    expect(clickhouseType('int', false)).toBe('int');
  });

  it('names each missing, extra and mistyped column; order and Nullable do not count', () => {
    const mismatches = contractMismatches(CONTRACT, [
      { name: 'amount', type: 'UInt64' },
      { name: 'id', type: 'Nullable(Int32)' },
      { name: 'extra', type: 'String' },
    ]);
    expect(mismatchTable(mismatches)).toBe(
      [
        '| column | definition type | contract type | mismatch              |',
        '|--------|-----------------|---------------|-----------------------|',
        '| amount | UInt64          | Int64         | data type mismatch    |',
        '| status |                 | String        | missing in definition |',
        '| extra  | String          |               | missing in contract   |',
      ].join('\n'),
    );
    expect(contractMismatches(CONTRACT, QUERY_COLUMNS)).toEqual([]);
  });
});

describe('unit test SQL', () => {
  const columns = [
    { name: 'id', type: 'UInt32' },
    { name: 'amount', type: 'Nullable(Int64)' },
    { name: 'day', type: 'Date' },
  ];

  it('input rows: typed literals, NULL or the default for what a row leaves out', () => {
    expectGolden('unit-test-input-rows', {
      statements: [
        {
          sql: rowsSelect(columns, [
            { id: 1, amount: 10, day: '2024-01-02' },
            { id: 2, amount: null },
            { id: 3, day: new Date('2024-03-04T00:00:00Z') },
          ]),
          purpose: 'dict rows',
        },
        { sql: rowsSelect(columns, []), purpose: 'no rows' },
        { sql: sqlRowsSelect(columns, 'select 1 as id, 2 as amount, today() as day;'), purpose: 'format: sql' },
      ],
      cleanup: [],
    });
    expect(unknownColumns(columns, [{ id: 1, nope: 2 }])).toEqual(['nope']);
  });

  it('comparison: a multiset difference on the expected columns', () => {
    expectGolden('unit-test-diff', {
      statements: [{ sql: unitTestDiffQuery(['id', 'amount'], 'SELECT 1 AS `id`, 10 AS `amount`', 'select id, amount from x'), purpose: 'compare' }],
      cleanup: [],
    });
  });

  it('failure report: expected-only and actual-only rows, repeats counted', () => {
    const failure = unitTestFailure(
      [
        { id: 2, name: 'b', __tsdbt_diff: 1 },
        { id: 2, name: 'B', __tsdbt_diff: -2 },
      ],
      ['id', 'name'],
    );
    expect(failure).toEqual({
      summary: '1 expected row not returned, 2 rows returned but not expected',
      table: ['  |             | id | name |', '  | - expected  | 2  | b    |', '  | + actual x2 | 2  | B    |'].join('\n'),
      rowCount: 3,
    });
    expect(unitTestFailure([], ['id'])).toBeUndefined();
  });
});
