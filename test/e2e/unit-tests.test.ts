/**
 * dbt 1.8 unit tests, end to end through the CLI on chDB: a model rendered over literal input
 * rows typed like the real inputs, compared with the expected rows; a failure shows the
 * differing rows, exits 1, and in `build` skips the model and what reads it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectYml, removeProject, runCli, writeProject, type CliResult } from '../support/cli.js';

const PROFILES = `shop:
  target: dev
  outputs:
    dev:
      type: chdb
      path: .tsdbt/chdb
      schema: shop
`;

const PASSING = `unit_tests:
  - name: keeps_paid
    model: paid
    given:
      - input: ref('orders')
        rows:
          - {id: 1, amount: 10, status: paid}
          - {id: 2, amount: 20, status: open}
          - {id: 3, status: paid}
    expect:
      rows:
        - {id: 1, amount: 10}
        - {id: 3, amount: 0}
  - name: with_overrides
    model: paid
    overrides:
      vars: {factor: 3}
      env_vars: {SHOP_STATUS: open}
      macros: {is_incremental: true, bonus: 5}
    given:
      - input: ref('orders')
        format: csv
        fixture: orders_fixture
      - input: this
        format: sql
        rows: "select 1 as id, 0 as amount"
    expect:
      format: csv
      rows: |
        id,amount
        2,65
  - name: full_refresh_mode
    model: paid
    overrides:
      macros: {is_incremental: false}
    given:
      - input: ref('orders')
        format: csv
        fixture: orders_fixture
      - input: this
        rows: []
    expect:
      rows:
        - {id: 1, amount: 10}
`;

const FAILING = `
  - name: wrong_expectation
    model: paid
    given:
      - input: ref('orders')
        rows:
          - {id: 1, amount: 10, status: paid}
          - {id: 3, amount: 30, status: paid}
    expect:
      rows:
        - {id: 1, amount: 10}
        - {id: 3, amount: 31}
`;

const FILES: Record<string, string> = {
  'project.yml': projectYml('shop'),
  'profiles.yml': PROFILES,
  'models/orders.sql':
    "{{ config(materialized='table') }}\nselect toUInt32(number) as id, toInt64(number * 10) as amount, if(number % 2 = 0, 'paid', 'open') as status from numbers(5)\n",
  // is_incremental() reads the model's own rows (`this`); the status filter comes from an env var with a default.
  'models/paid.sql': [
    "{{ config(materialized='incremental') }}",
    "select id, amount * {{ var('factor', 1) }} + {{ bonus() }} as amount from {{ ref('orders') }}",
    "where status = '{{ env_var('SHOP_STATUS', 'paid') }}'",
    '{% if is_incremental() %} and id > (select max(id) from {{ this }}) {% endif %}',
    '',
  ].join('\n'),
  'macros/bonus.sql': '{% macro bonus() %}0{% endmacro %}\n',
  'models/paid_total.sql': "{{ config(materialized='table') }}\nselect sum(amount) as total from {{ ref('paid') }}\n",
  'models/orders.yml': 'models:\n  - name: orders\n    columns:\n      - name: id\n        tests: [not_null]\n',
  // A source that does not exist yet: its given rows get the types declared in YAML.
  'models/events.yml': `sources:
  - name: raw
    schema: shop_raw
    tables:
      - name: events
        columns:
          - {name: day, data_type: date}
          - {name: kind, data_type: string}
unit_tests:
  - name: counts_per_day
    model: events_per_day
    given:
      - input: source('raw', 'events')
        rows:
          - {day: '2024-01-01', kind: a}
          - {day: '2024-01-01', kind: b}
          - {day: '2024-01-02'}
    expect:
      rows:
        - {day: '2024-01-02', n: 1}
        - {day: '2024-01-01', n: 2}
`,
  // A seed given without rows stands for its CSV file (dbt's rule).
  'seeds/rates.csv': 'rate\n2\n',
  'models/converted.sql': "select id, amount * rate as amount from {{ ref('orders') }} cross join {{ ref('rates') }}\n",
  'models/converted.yml':
    "unit_tests:\n  - name: doubles\n    model: converted\n    given:\n      - input: ref('orders')\n        rows: [{id: 1, amount: 5}]\n      - input: ref('rates')\n    expect:\n      rows: [{id: 1, amount: 10}]\n",
  'models/events_per_day.sql': "select day, count() as n from {{ source('raw', 'events') }} group by day\n",
  'tests/fixtures/orders_fixture.csv': 'id,amount,status\n1,10,paid\n2,20,open\n',
  'models/unit.yml': PASSING,
};

let dir: string;
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, timeoutMs: 120_000 });
const write = (file: string, text: string) => writeFileSync(path.join(dir, file), text);
const runResults = () =>
  JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; failures: number | null }[] };
const statuses = () => Object.fromEntries(runResults().results.map((result) => [result.unique_id, result.status]));

beforeAll(() => {
  dir = writeProject(FILES);
});
afterAll(() => removeProject(dir));

describe('unit tests on chDB', () => {
  it('build: unit tests run before their model, typed like the built inputs, and pass (overrides of vars, env_vars, macros, is_incremental)', async () => {
    const result = await cli('build', '--exclude', 'events_per_day', 'converted');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(statuses()).toEqual({
      'seed.shop.rates': 'success',
      'model.shop.orders': 'success',
      'test.shop.not_null_orders_id.84ef11d8fe': expect.any(String),
      'unit_test.shop.paid.keeps_paid': 'pass',
      'unit_test.shop.paid.with_overrides': 'pass',
      'unit_test.shop.paid.full_refresh_mode': 'pass',
      'model.shop.paid': 'success',
      'model.shop.paid_total': 'success',
    });
    expect(result.stdout + result.stderr).toMatch(/PASS keeps_paid/);
    // Each unit test finished before its model was built (results are in completion order).
    const order = runResults().results.map((r) => r.unique_id);
    for (const test of ['keeps_paid', 'with_overrides', 'full_refresh_mode'])
      expect(order.indexOf(`unit_test.shop.paid.${test}`)).toBeLessThan(order.indexOf('model.shop.paid'));
    // dbt's ids and the manifest's unit_tests section
    const manifest = JSON.parse(readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as {
      unit_tests: Record<string, Record<string, unknown>>;
      nodes: Record<string, unknown>;
    };
    expect(Object.keys(manifest.unit_tests).sort()).toEqual([
      'unit_test.shop.converted.doubles',
      'unit_test.shop.events_per_day.counts_per_day',
      'unit_test.shop.paid.full_refresh_mode',
      'unit_test.shop.paid.keeps_paid',
      'unit_test.shop.paid.with_overrides',
    ]);
    expect(manifest.unit_tests['unit_test.shop.paid.keeps_paid']).toMatchObject({
      model: 'paid',
      resource_type: 'unit_test',
      depends_on: { nodes: ['model.shop.paid'] },
      fqn: ['shop', 'paid', 'keeps_paid'],
    });
    expect(manifest.nodes['unit_test.shop.paid.keeps_paid']).toBeUndefined();
  }, 180_000);

  it('a failing unit test shows the differing rows, exits 1, and build skips the model and its children', async () => {
    write('models/unit.yml', PASSING + FAILING);
    const result = await cli('build', '--exclude', 'events_per_day', 'converted');
    expect(result.code).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toContain("Unit test 'wrong_expectation' on model 'paid' failed: 1 expected row not returned, 1 row returned but not expected");
    expect(output).toMatch(/\| - expected \| 3 +\| 31 +\|/);
    expect(output).toMatch(/\| \+ actual +\| 3 +\| 30 +\|/);
    expect(statuses()).toMatchObject({
      'unit_test.shop.paid.wrong_expectation': 'fail',
      'unit_test.shop.paid.keeps_paid': 'pass',
      'model.shop.paid': 'skipped',
      'model.shop.paid_total': 'skipped',
      'model.shop.orders': 'success',
    });
    expect(runResults().results.find((r) => r.unique_id === 'unit_test.shop.paid.wrong_expectation')?.failures).toBe(2);
  }, 180_000);

  it('test --select test_type:unit runs only unit tests; test_type:data only data tests', async () => {
    const unit = await cli('test', '--select', 'test_type:unit');
    expect(unit.code).toBe(1);
    expect(Object.keys(statuses()).sort()).toEqual([
      'unit_test.shop.converted.doubles',
      'unit_test.shop.events_per_day.counts_per_day',
      'unit_test.shop.paid.full_refresh_mode',
      'unit_test.shop.paid.keeps_paid',
      'unit_test.shop.paid.with_overrides',
      'unit_test.shop.paid.wrong_expectation',
    ]);
    expect(statuses()['unit_test.shop.events_per_day.counts_per_day']).toBe('pass');
    expect(statuses()['unit_test.shop.converted.doubles']).toBe('pass');
    const data = await cli('test', '--select', 'test_type:data');
    expect(data.code, data.stdout + data.stderr).toBe(0);
    expect(Object.keys(statuses())).toEqual(['test.shop.not_null_orders_id.84ef11d8fe']);
    const listed = await cli('ls', '--select', 'paid,test_type:unit', '--resource-type', 'unit_test');
    expect(listed.stdout.trim().split('\n')).toEqual([
      'unit_test:shop.paid.full_refresh_mode',
      'unit_test:shop.paid.keeps_paid',
      'unit_test:shop.paid.with_overrides',
      'unit_test:shop.paid.wrong_expectation',
    ]);
    const byName = await cli('ls', '--select', 'unit_test:keeps_paid', 'unit_test:events_per_day.*');
    expect(byName.stdout.trim().split('\n')).toEqual(['unit_test:shop.events_per_day.counts_per_day', 'unit_test:shop.paid.keeps_paid']);
  }, 180_000);

  it('a unit test on an unknown model, or with an input left out, is an error with file:line', async () => {
    const text = `${PASSING}  - name: on_nothing\n    model: no_such_model\n    given: []\n    expect: {rows: []}\n  - name: half_given\n    model: paid_total\n    given: []\n    expect: {rows: []}\n`;
    write('models/unit.yml', text);
    const modelLine = text.split('\n').findIndex((line) => line.includes('no_such_model')) + 1;
    const result = await cli('test');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("TSDBT2400: Unit test 'on_nothing' tests model 'no_such_model', but no model has that name.");
    expect(result.stderr).toContain(`--> models/unit.yml:${modelLine}`);
    expect(result.stderr).toContain("Unit test 'half_given' gives no rows for ref('paid'), which model 'paid_total' reads.");
  }, 60_000);

  it('rows naming a column the input does not have are an error', async () => {
    write(
      'models/unit.yml',
      "unit_tests:\n  - name: typo\n    model: paid\n    given:\n      - input: ref('orders')\n        rows: [{id: 1, amuont: 3}]\n    expect: {rows: []}\n",
    );
    const result = await cli('test', '--select', 'test_type:unit');
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain("Unit test 'typo': the rows of input ref('orders') name 'amuont', which ref('orders') does not have.");
  }, 60_000);
});
