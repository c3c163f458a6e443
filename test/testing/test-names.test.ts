import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { pythonRepr, synthesizeTestNames, testHash } from '../../src/testing/test-names.js';

const model = (name: string) => `{{ get_where_subquery(ref('${name}')) }}`;

describe('generic test names and ids, as dbt makes them', () => {
  // Unique ids from the manifest dbt writes for its public shop demo.
  test.each([
    ['unique', 'customers', { column_name: 'customer_id' }, 'unique_customers_customer_id', 'c5af1ff4b1'],
    ['not_null', 'customers', { column_name: 'customer_id' }, 'not_null_customers_customer_id', '5c9bf9911d'],
    ['unique', 'orders', { column_name: 'order_id' }, 'unique_orders_order_id', 'fed79b3a6e'],
    ['not_null', 'stg_customers', { column_name: 'customer_id' }, 'not_null_stg_customers_customer_id', 'e2cfb1f9aa'],
    ['relationships', 'orders', { column_name: 'customer_id', to: "ref('customers')", field: 'customer_id' }, 'relationships_orders_customer_id__customer_id__ref_customers_', 'c6ec7f58f2'],
  ])('%s on %s', (testName, target, args, expectedName, expectedHash) => {
    const kwargs = { ...args, model: model(target) };
    const { fullName, shortName } = synthesizeTestNames(testName, target, kwargs);
    expect(fullName).toBe(expectedName);
    expect(shortName).toBe(expectedName);
    expect(testHash(fullName, { name: testName, namespace: null, kwargs })).toBe(expectedHash);
  });

  test('accepted_values joins the values; names of 64 characters or more get a hashed short name', () => {
    const kwargs = { column_name: 'status', values: ['placed', 'shipped', 'completed', 'return_pending', 'returned'], model: model('orders') };
    const { fullName, shortName } = synthesizeTestNames('accepted_values', 'orders', kwargs);
    expect(fullName).toBe('accepted_values_orders_status__placed__shipped__completed__return_pending__returned');
    // dbt: the first 30 characters of `<test>_<model>`, then the md5 of the full name.
    expect(shortName).toBe(`accepted_values_orders_${createHash('md5').update(fullName).digest('hex')}`);
  });

  test('source tests are named source_<test>_<source>_<table>; arguments are cleaned to identifiers', () => {
    expect(synthesizeTestNames('source_not_null', 'shop_orders', { column_name: 'id', model: "{{ get_where_subquery(source('shop', 'orders')) }}" }).fullName).toBe(
      'source_not_null_shop_orders_id',
    );
    expect(synthesizeTestNames('expression_is_true', 'orders', { expression: 'amount >= 0', quote: false, model: model('orders') }).fullName).toBe(
      'expression_is_true_orders_amount_0__False',
    );
  });

  test("Python's repr picks the quote the way Python does", () => {
    expect(pythonRepr({ b: ['x', "it's"], a: 'say "hi"' })).toBe(`{'b': ['x', "it's"], 'a': 'say "hi"'}`);
    expect(pythonRepr(`both ' and "`)).toBe(`'both \\' and "'`);
  });
});
