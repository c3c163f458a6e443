/** Parsing unit tests, contracts and constraints: every problem is an error or a warning naming file:line. */
import { describe, expect, it } from 'vitest';
import { modelContract } from '../../src/compile/contracts.js';
import { load, loadErrors, summary } from '../support/project.js';

const BASE = {
  'project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: .tsdbt/chdb\n      schema: shop\n',
  'models/orders.sql': 'select 1 as id, 2 as amount\n',
  'models/paid.sql': "select id from {{ ref('orders') }}\n",
};

describe('unit_tests: parsing', () => {
  it('builds nodes with dbt ids, fqn and the tested model as the only dependency', () => {
    const project = load({
      ...BASE,
      'tests/fixtures/some_orders.csv': 'id,amount\n1,2\n',
      'models/unit.yml':
        "unit_tests:\n  - name: t1\n    model: paid\n    config: {tags: [fast]}\n    given:\n      - input: ref('orders')\n        format: csv\n        fixture: some_orders\n    expect: {rows: [{id: 1}]}\n",
    });
    const node = project.unitTests.get('unit_test.shop.paid.t1')!;
    expect(node).toMatchObject({ model: 'paid', fqn: ['shop', 'paid', 't1'], tags: ['fast'], dependsOn: { nodes: ['model.shop.paid'] } });
    expect(node.given[0]).toMatchObject({ input: "ref('orders')", uniqueId: 'model.shop.orders', format: 'csv', rows: 'id,amount\n1,2\n' });
    // A fixture is never a singular data test.
    expect(project.tests.size).toBe(0);
  });

  it('reports each problem with its line', () => {
    const errors = loadErrors({
      ...BASE,
      'models/unit.yml': [
        'unit_tests:',
        '  - name: unknown_model', //                      2
        '    model: nope', //                               3
        '    expect: {rows: []}',
        '  - name: not_read', //                            5
        '    model: paid',
        '    given:',
        "      - input: ref('paid')", //                    8
        '        rows: []',
        '    expect: {rows: []}',
        '  - name: missing_fixture', //                     11
        '    model: paid',
        '    given:',
        "      - input: ref('orders')",
        '        format: csv',
        '        fixture: nowhere', //                      16
        '    expect: {rows: []}',
        '  - name: bad_override', //                        18
        '    model: paid',
        "    given: [{input: ref('orders'), rows: []}]",
        '    overrides: {macros: {is_incremental: yes please}, secrets: {}}', // 21
        '    expect: {rows: []}',
        '',
      ].join('\n'),
    }).map(summary);
    expect(errors.map((error) => `${error.location} ${error.code} ${error.message}`)).toEqual([
      "models/unit.yml:3 TSDBT2400 Unit test 'unknown_model' tests model 'nope', but no model has that name.",
      "models/unit.yml:8 TSDBT2400 Unit test 'not_read': input ref('paid') is not something model 'paid' reads.",
      "models/unit.yml:7 TSDBT2400 Unit test 'not_read' gives no rows for ref('orders'), which model 'paid' reads.",
      "models/unit.yml:16 TSDBT1400 Unit test 'missing_fixture': fixture 'nowhere' not found (looked for tests/fixtures/nowhere.csv).",
      "models/unit.yml:21 TSDBT2400 Unit test 'bad_override': `overrides.secrets` is not known; overrides are macros, vars and env_vars.",
      "models/unit.yml:21 TSDBT2400 Unit test 'bad_override': `is_incremental` must be true or false.",
    ]);
  });

  it('a misspelt rows key, or no rows at all, is an error rather than an empty input', () => {
    const errors = loadErrors({
      ...BASE,
      'models/unit.yml': "unit_tests:\n  - name: t\n    model: paid\n    given:\n      - input: ref('orders')\n        row: [{id: 1}]\n    expect: {}\n",
    }).map(summary);
    expect(errors.map((error) => `${error.location} ${error.message}`)).toEqual([
      "models/unit.yml:6 Unit test 't': input ref('orders') has `row`, which is not known. Did you mean 'rows'?",
      "models/unit.yml:7 Unit test 't': `expect` has neither `rows` nor `fixture`.",
    ]);
  });

  it('warns about versions and unknown keys instead of ignoring them', () => {
    const project = load({
      ...BASE,
      'models/unit.yml':
        "unit_tests:\n  - name: t\n    model: paid\n    versions: {include: [2]}\n    colour: blue\n    given: [{input: ref('orders'), rows: []}]\n    expect: {rows: []}\n",
    });
    expect(project.warnings).toEqual(
      expect.arrayContaining([
        "models/unit.yml:4: unit test 't': `versions` is ignored, because tsdbt models have no versions; the test runs on 'paid'.",
        "models/unit.yml:5: unit test 't': key 'colour' is not a unit test property; it is ignored.",
      ]),
    );
  });
});

describe('contracts and constraints: parsing', () => {
  const contracted = (columns: string, extra = '') => ({
    ...BASE,
    'models/orders.yml': `models:\n  - name: orders\n    config:\n      contract: {enforced: true}\n${extra}    columns:\n${columns}`,
  });

  it('model-level and column constraints become the contract: not_null columns and CHECKs', () => {
    const project = load(
      contracted(
        '      - name: id\n        data_type: integer\n        constraints: [{type: check, expression: id > 0, name: positive}]\n      - name: amount\n        data_type: Nullable(Int64)\n',
        '    constraints:\n      - {type: not_null, columns: [amount]}\n      - {type: check, expression: amount < 100}\n      - {type: unique, columns: [id]}\n',
      ),
    );
    expect(modelContract(project.models.get('model.shop.orders')!)).toEqual({
      columns: [
        { name: 'id', type: 'Int32', notNull: false },
        { name: 'amount', type: 'Nullable(Int64)', notNull: true },
      ],
      checks: [
        { name: 'positive', expression: 'id > 0' },
        { name: 'check_2', expression: 'amount < 100' },
      ],
    });
    expect(project.warnings).toContain(
      "models/orders.yml:8: model 'orders': the unique constraint is not enforced: ClickHouse has no unique constraints (set warn_unsupported: false to silence this).",
    );
  });

  it('an enforced contract needs data types; constraints need a known type and a check its expression', () => {
    const errors = loadErrors(
      contracted('      - name: id\n        constraints: [{type: chek}, {type: check}]\n      - name: amount\n        data_type: int\n'),
    ).map(summary);
    expect(errors.map((error) => `${error.location} ${error.code} ${error.message}`)).toEqual([
      "models/orders.yml:7 TSDBT1009 models/orders.yml: `models.0.columns.0.constraints.0.type` is 'chek', which is not a dbt constraint type.",
      'models/orders.yml:7 TSDBT1009 models/orders.yml: `models.0.columns.0.constraints.1` is a `check` constraint without an `expression`.',
      "models/orders.yml:2 TSDBT2401 Model 'orders' has an enforced contract, but 'id' has no data_type.",
    ]);
  });

  it('constraints without an enforced contract are warned about', () => {
    const project = load({
      ...BASE,
      'models/orders.yml': 'models:\n  - name: orders\n    columns:\n      - name: id\n        constraints: [{type: not_null}]\n',
    });
    expect(project.warnings).toContain(
      "models/orders.yml:5: model 'orders': the not_null constraint is not applied, because the model's contract is not enforced (dbt applies constraints only with contract: {enforced: true}).",
    );
  });
});
