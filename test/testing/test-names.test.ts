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
    [
      'relationships',
      'orders',
      { column_name: 'customer_id', to: "ref('customers')", field: 'customer_id' },
      'relationships_orders_customer_id__customer_id__ref_customers_',
      'c6ec7f58f2',
    ],
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
    expect(
      synthesizeTestNames('source_not_null', 'shop_orders', { column_name: 'id', model: "{{ get_where_subquery(source('shop', 'orders')) }}" }).fullName,
    ).toBe('source_not_null_shop_orders_id');
    expect(synthesizeTestNames('expression_is_true', 'orders', { expression: 'amount >= 0', quote: false, model: model('orders') }).fullName).toBe(
      'expression_is_true_orders_amount_0__False',
    );
  });

  test("Python's repr picks the quote the way Python does", () => {
    expect(pythonRepr({ b: ['x', "it's"], a: 'say "hi"' })).toBe(`{'b': ['x', "it's"], 'a': 'say "hi"'}`);
    expect(pythonRepr(`both ' and "`)).toBe(`'both \\' and "'`);
    // Python 3's own repr() of each string.
    const cases: [string, string][] = [
      ['plain', `'plain'`],
      ["it's", `"it's"`],
      ['say "hi"', `'say "hi"'`],
      ['tab\there', `'tab\\there'`],
      ['back\\slash', `'back\\\\slash'`],
      ['bell\u0007', `'bell\\x07'`],
      ['del\u007f', `'del\\x7f'`],
      ['é ü 日本', `'é ü 日本'`],
      ['emoji 🚀', `'emoji 🚀'`],
      ["{{ get_where_subquery(ref('o')) }}", `"{{ get_where_subquery(ref('o')) }}"`],
      ["c:\\path\\it's", `"c:\\\\path\\\\it's"`],
      ['a\nb\'c"d', `'a\\nb\\'c"d'`],
      ["\u0001'", `"\\x01'"`],
      ['cr\r', `'cr\\r'`],
    ];
    for (const [text, python] of cases) expect(pythonRepr(text)).toBe(python);
  });

  test('the one-pass hash equals md5 of the repr of a sorted, str-leaved copy (the first implementation)', () => {
    // The first implementation, kept here as the reference: copy with sorted keys and str leaves, then repr (checked above).
    const isDict = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
    const pyStr = (value: unknown): string =>
      value === null || value === undefined
        ? 'None'
        : value === true
          ? 'True'
          : value === false
            ? 'False'
            : typeof value === 'number' && Number.isInteger(value)
              ? String(value)
              : typeof value === 'number'
                ? pythonRepr(value)
                : String(value);
    const hashable = (value: unknown): unknown =>
      isDict(value)
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((key) => [key, hashable(value[key])]),
          )
        : Array.isArray(value)
          ? value.map(hashable)
          : pyStr(value);
    const reference = (name: string, metadata: unknown) =>
      createHash('md5')
        .update(name + pythonRepr(hashable(metadata)))
        .digest('hex')
        .slice(-10);
    const kwargsCases: Record<string, unknown>[] = [
      { column_name: 'id', model: model('orders') },
      {
        column_name: 'status',
        values: ['placed', "it's", 'say "hi"', `both ' and "`, 'tab\there', 'back\\slash', 'bell\u0007', 'del\u007f', 'é ü 日本', 'emoji 🚀'],
        quote: false,
        model: model('orders'),
      },
      {
        expression: 'amount >= 0',
        severity: null,
        limit: 10,
        ratio: 1.5,
        tiny: 1e-7,
        huge: 1e21,
        nested: { b: [1, { z: true, a: null }], a: 'x' },
        model: model('o'),
      },
      // Integer-like keys: a JS object lists them first, ascending; the unique ids keep that order.
      { mapping: { '10': 'ten', '9': 'nine', b: 'bee', '0': 'zero', '01': 'not an index', a: 'ay' }, model: model('o') },
      { column_name: 'x', to: "ref('customers')", field: 'id', model: model('o') },
      { "key's": `both ' and " quotes`, 'say "x"': 'it\'s "quoted"', back: "c:\\path\\it's", nl: 'a\nb\'c"d', ctrl: "\u0001'", m: model("o'brien") },
      {},
    ];
    for (const kwargs of kwargsCases) {
      for (const namespace of [null, 'dbt_utils']) {
        const metadata = { name: 'accepted_values', namespace, kwargs };
        expect(testHash('some_test_name', metadata)).toBe(reference('some_test_name', metadata));
      }
    }
  });
});
