import { afterAll, beforeAll, expect, test } from 'vitest';
import { removeProject, runCli } from '../support/cli.js';
import { breakOrderSeven, copyShop, testLines } from './dbt-project-fixture.js';

/** `tsdbt build` on the shop fixture: seeds, models and tests in graph order; a failing test skips what depends on it. */
let dir: string;
const cli = (...args: string[]) => runCli(args, { cwd: dir });

beforeAll(() => {
  dir = copyShop();
});

afterAll(() => removeProject(dir));

test('build runs 3 seeds, 5 models and 22 tests, all passing', async () => {
  const build = await cli('build');
  expect(build.code, build.stderr).toBe(0);
  expect(build.stderr).toContain('Finished running 3 seeds, 3 view models, 2 table models, 22 data tests');
  expect(build.stderr).toContain('Done. PASS=30 WARN=0 ERROR=0 SKIP=0 TOTAL=30');
  // A test runs after the node it tests, and before what reads that node.
  const at = (text: string) => build.stderr.indexOf(text);
  expect(at('PASS not_null_stg_orders_customer_id')).toBeGreaterThan(at('OK created sql view model shop.stg_orders'));
  expect(at('START sql table model shop.orders')).toBeGreaterThan(at('PASS not_null_stg_orders_customer_id'));
  expect(at('START sql table model shop.orders')).toBeGreaterThan(at('PASS relationships_stg_payments_order_id__order_id__ref_stg_orders_'));
});

test('with a broken row, the failing staging test skips the marts and their tests', async () => {
  breakOrderSeven(dir);
  const build = await cli('build');
  expect(build.code).toBe(1);
  const lines = testLines(build.stderr);
  expect(lines.get('not_null_stg_orders_customer_id')).toBe('FAIL 1');
  expect(build.stderr).toMatch(/SKIP relation `?shop`?\.`?orders`? \.+/);
  expect(build.stderr).toMatch(/SKIP relation `?shop`?\.`?customers`? \.+/);
  expect(lines.get('not_null_orders_customer_id')).toBe('SKIP test');
  expect(lines.get('assert_order_totals_match_payments')).toBe('SKIP test');
  // Tests on the other staging models are not held back.
  expect(lines.get('unique_stg_payments_payment_id')).toBe('PASS');
  expect(build.stderr).toContain('Done. PASS=18 WARN=0 ERROR=1 SKIP=11 TOTAL=30');
});
