import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { removeProject, runCli, type CliResult } from '../support/cli.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { breakOrderSeven, copyShop, testLines } from './dbt-project-fixture.js';

/** The shop fixture, as a dbt user runs it: `seed`, `run`, `test` on chDB, then with a broken row. */
let dir: string;
/** The user's first seed, run, test and show: real processes, as a dbt user runs them. */
const cli = (...args: string[]) => runCli(args, { cwd: dir });
/**
 * The commands after the first build, run by the CLI's `main` in this process: those tests are
 * about which data tests fail and what --store-failures keeps, not about the process, and each
 * real one costs about 1 s of CPU.
 */
const cliInProcess = (...args: string[]) => runCliInProcess(args, { cwd: dir });

beforeAll(() => {
  dir = copyShop();
});

afterAll(() => removeProject(dir));

describe('seed → run → test on the shop fixture', () => {
  let seed: CliResult;
  let run: CliResult;
  let tests: CliResult;

  beforeAll(async () => {
    seed = await cli('seed');
    run = await cli('run');
    tests = await cli('test');
  });

  test('seed loads the three CSVs with their row counts', () => {
    expect(seed.code, seed.stderr).toBe(0);
    expect(seed.stderr).toMatch(/OK loaded seed file shop\.raw_customers \.+ \[INSERT 10 in /);
    expect(seed.stderr).toMatch(/OK loaded seed file shop\.raw_orders \.+ \[INSERT 15 in /);
    expect(seed.stderr).toMatch(/OK loaded seed file shop\.raw_payments \.+ \[INSERT 18 in /);
    expect(seed.stderr).toContain('Done. PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3');
  });

  test('run builds the staging views and the mart tables', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Done. PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5');
  });

  test('every one of the 22 data tests passes', () => {
    expect(tests.code, tests.stderr).toBe(0);
    const lines = testLines(tests.stderr);
    expect(lines.size).toBe(22);
    expect([...lines.values()].every((status) => status === 'PASS')).toBe(true);
    expect(lines.get('relationships_orders_customer_id__customer_id__ref_customers_')).toBe('PASS');
    expect(lines.get('accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned')).toBe('PASS');
    expect(lines.get('positive_value_orders_amount')).toBe('PASS');
    expect(lines.get('not_negative_customers_customer_lifetime_value')).toBe('PASS');
    expect(lines.get('assert_order_totals_match_payments')).toBe('PASS');
    expect(tests.stderr).toContain('Done. PASS=22 WARN=0 ERROR=0 SKIP=0 TOTAL=22');
  });

  test('the tables hold the expected rows and types', async () => {
    const sql = [
      "select (select count() from {{ ref('raw_customers') }}) as raw_customers,",
      "(select count() from {{ ref('stg_orders') }}) as stg_orders,",
      "(select count() from {{ ref('stg_payments') }}) as stg_payments,",
      "(select count() from {{ ref('customers') }}) as customers,",
      "(select count() from {{ ref('orders') }}) as orders,",
      "(select sum(amount) from {{ ref('orders') }}) as revenue,",
      "(select card_amount from {{ ref('orders') }} where order_id = 3) as order_3_card,",
      "(select voucher_amount from {{ ref('orders') }} where order_id = 3) as order_3_voucher,",
      "(select number_of_orders from {{ ref('customers') }} where customer_id = 1) as orders_of_ada,",
      "(select toTypeName(email) from {{ ref('raw_customers') }} limit 1) as email_type,",
      "(select toTypeName(amount_cents) from {{ ref('raw_payments') }} limit 1) as cents_type,",
      "(select toTypeName(paid) from {{ ref('raw_payments') }} limit 1) as paid_type,",
      "(select toTypeName(signup_date) from {{ ref('raw_customers') }} limit 1) as date_type",
    ].join(' ');
    const show = await cli('show', '--inline', sql, '--output', 'json');
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout).show).toEqual([
      {
        raw_customers: 10,
        stg_orders: 15,
        stg_payments: 18,
        customers: 10,
        orders: 15,
        revenue: 247.5,
        order_3_card: 7.5,
        order_3_voucher: 5,
        orders_of_ada: 3,
        email_type: 'Nullable(String)',
        cents_type: 'Int32',
        paid_type: 'Bool',
        date_type: 'Date',
      },
    ]);
  });

  test('the manifest carries seeds, tests, descriptions from doc blocks, meta and columns', () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8'));
    const nodes = Object.values(manifest.nodes) as { resource_type: string }[];
    expect(nodes.filter((node) => node.resource_type === 'seed')).toHaveLength(3);
    expect(nodes.filter((node) => node.resource_type === 'test')).toHaveLength(22);
    const stgOrders = manifest.nodes['model.shop.stg_orders'];
    expect(stgOrders.columns.status.description).toMatch(/^Where the order stands:\n\n\| status +\| meaning +\|/);
    expect(manifest.nodes['model.shop.customers'].meta).toEqual({ owner: 'analytics' });
    expect(manifest.nodes['model.shop.customers'].columns.customer_id.description).toBe('Primary key.');
    expect(manifest.docs['doc.shop.order_status'].block_contents).toContain('return_pending');
    const relationships = Object.entries(manifest.nodes).find(([id]) =>
      id.startsWith('test.shop.relationships_orders_customer_id__customer_id__ref_customers_.'),
    );
    expect(relationships).toBeDefined();
    expect((relationships![1] as { test_metadata: unknown }).test_metadata).toEqual({
      name: 'relationships',
      namespace: null,
      kwargs: { column_name: 'customer_id', model: "{{ get_where_subquery(ref('orders')) }}", to: "ref('customers')", field: 'customer_id' },
    });
    expect(manifest.nodes['seed.shop.raw_payments'].config.column_types).toEqual({ amount_cents: 'Int32' });
  });

  test('a broken row makes exactly the tests on that column fail, with their count', async () => {
    breakOrderSeven(dir);
    const reseed = await cliInProcess('seed', '--select', 'raw_orders');
    expect(reseed.code, reseed.stderr).toBe(0);
    const rerun = await cliInProcess('run');
    expect(rerun.code, rerun.stderr).toBe(0);
    const retest = await cliInProcess('test');
    expect(retest.code).toBe(1);
    const lines = testLines(retest.stderr);
    const failing = [...lines].filter(([, status]) => status !== 'PASS');
    expect(failing.sort()).toEqual([
      ['not_null_orders_customer_id', 'FAIL 1'],
      ['not_null_stg_orders_customer_id', 'FAIL 1'],
    ]);
    expect(retest.stderr).toContain('Got 1 result, configured to fail if != 0');
    expect(retest.stderr).toContain('Done. PASS=20 WARN=0 ERROR=2 SKIP=0 TOTAL=22');
  });

  test('--store-failures keeps the failing rows, whole, in the audit database', async () => {
    const stored = await cliInProcess('test', '--select', 'not_null_stg_orders_customer_id', '--store-failures');
    expect(stored.code).toBe(1);
    expect(stored.stderr).toContain('Done. PASS=0 WARN=0 ERROR=1 SKIP=0 TOTAL=1');
    const show = await cliInProcess(
      'show',
      '--inline',
      'select order_id, customer_id, status from shop_dbt_test__audit.not_null_stg_orders_customer_id',
      '--output',
      'json',
    );
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout).show).toEqual([{ order_id: 7, customer_id: null, status: 'return_pending' }]);
  });
});
