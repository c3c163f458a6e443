import { afterEach, describe, expect, test } from 'vitest';
import { loadProject } from '../../src/compile/load-project.js';
import type { TsdbtError } from '../../src/core/errors.js';
import { projectYml, removeProject, writeProject } from '../support/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeProject(dir);
});

/** A project with model `people`, and `files` on top. */
function projectWith(files: Record<string, string>): string {
  const dir = writeProject({ 'project.yml': projectYml('demo'), 'models/people.sql': 'select 1 as id', ...files });
  dirs.push(dir);
  return dir;
}

/** models/schema.yml declaring `tests` on column `id` of `people` (the entry is on line 3). */
function idTests(...tests: string[]): string {
  return `version: 2\nmodels:\n  - name: people\n    columns:\n      - name: id\n        tests:\n${tests.map((test) => `          - ${test}\n`).join('')}`;
}

describe('the arguments of generic tests', () => {
  test("relationships to: source('shop', 'customers') depends on that source, from a model's test and from a source's test", () => {
    const dir = writeProject({
      'project.yml': projectYml('demo'),
      'models/sources.yml': `
version: 2
sources:
  - name: shop
    schema: raw
    tables:
      - name: customers
      - name: orders
        columns:
          - name: customer_id
            tests:
              - relationships: {to: "source('shop', 'customers')", field: id}
`,
      'models/orders.sql': 'select 1 as id, 2 as customer_id',
      'models/schema.yml': `
version: 2
models:
  - name: orders
    columns:
      - name: customer_id
        tests:
          - relationships: {to: "source('shop', 'customers')", field: id}
`,
    });
    dirs.push(dir);
    const project = loadProject({ projectDir: dir });
    const tests = [...project.tests.values()].sort((a, b) => a.name.localeCompare(b.name));
    expect(tests.map((node) => [node.name, node.dependsOn.nodes])).toEqual([
      ['relationships_orders_customer_id__id__source_shop_customers_', ['model.demo.orders', 'source.demo.shop.customers']],
      ['source_relationships_shop_orders_customer_id__id__source_shop_customers_', ['source.demo.shop.customers', 'source.demo.shop.orders']],
    ]);
  });

  test('arguments: merge in place, config keys, config:, description: and name: come out; kwargs keep their order', () => {
    const dir = projectWith({
      'models/schema.yml': idTests(
        'accepted_values: {name: keep_name, values: [1, 2], arguments: {quote: false, values: [1, 2, 3]}, severity: warn, config: {tags: [t]}, description: d}',
        'not_null: {arguments: {mapping: {"10": ten, "9": nine, b: bee}}, enabled: true}',
      ),
    });
    const project = loadProject({ projectDir: dir });
    const byName = new Map([...project.tests.values()].map((node) => [node.name, node]));
    const kept = byName.get('keep_name')!;
    expect(kept.uniqueId).toBe('test.demo.keep_name.28f6d9a6dc');
    expect(Object.keys(kept.testMetadata!.kwargs)).toEqual(['values', 'quote', 'column_name', 'model']);
    expect(kept.testMetadata!.kwargs).toMatchObject({ values: [1, 2, 3], quote: false, column_name: 'id' });
    expect([kept.config.severity, kept.tags, kept.description]).toEqual(['WARN', ['t'], 'd']);
    // Integer-like keys come first in a JS object; the hash keeps that order (as it always had).
    const notNull = byName.get('not_null_people_id__nine__ten__bee')!;
    expect(notNull.uniqueId).toBe('test.demo.not_null_people_id__nine__ten__bee.6cc1645ce3');
    expect(Object.keys(notNull.testMetadata!.kwargs)).toEqual(['mapping', 'column_name', 'model']);
  });

  test('config: project tests: tree, then YAML, with config() in a test macro or singular test applied on top', () => {
    const dir = writeProject({
      'project.yml': projectYml('demo', 'tests:\n  demo:\n    +severity: warn\n    +tags: [all]\n'),
      'models/people.sql': 'select 1 as id',
      'tests/generic/is_even.sql': "{% test is_even(model, column_name) %}{{ config(severity='error', tags=['even']) }}select 1 from {{ model }}{% endtest %}",
      'tests/check_people.sql': "{{ config(tags=['singular']) }}select * from {{ ref('people') }} where id < 0",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: people\n    columns:\n      - name: id\n        tests: [unique, {is_even: {tags: [yaml]}}]\n',
    });
    dirs.push(dir);
    const project = loadProject({ projectDir: dir });
    const configs = Object.fromEntries([...project.tests.values()].map((node) => [node.name, [node.config.severity, node.tags]]));
    expect(configs).toEqual({
      unique_people_id: ['WARN', ['all']],
      is_even_people_id: ['ERROR', ['all', 'even', 'yaml']],
      check_people: ['WARN', ['all', 'singular']],
    });
  });

  test('the refs a test records: its model, then refs in its arguments, rendered or not', () => {
    const dir = projectWith({
      'models/countries.sql': "select 'NL' as code",
      'models/schema.yml': idTests(
        'unique',
        'accepted_values: {values: [1, 2]}',
        `relationships: {to: "ref('countries')", field: code}`,
        'accepted_values: {values: "{{ [1, 2] }}"}',
      ),
    });
    const project = loadProject({ projectDir: dir });
    const refs = Object.fromEntries([...project.tests.values()].map((node) => [node.name, node.refs.map((ref) => [ref.name, ref.packageName, ref.line])]));
    expect(refs).toEqual({
      unique_people_id: [['people', undefined, 3]],
      accepted_values_people_id__1__2: [['people', undefined, 3]],
      relationships_people_id__code__ref_countries_: [
        ['countries', undefined, 3],
        ['people', undefined, 3],
      ],
      accepted_values_people_id___1_2_: [['people', undefined, 3]],
    });
    expect(project.tests.get([...project.tests.keys()].find((id) => id.includes('relationships'))!)!.dependsOn.nodes).toEqual([
      'model.demo.countries',
      'model.demo.people',
    ]);
  });

  test('arguments that cannot be sorted out are reported at the YAML entry, each one', () => {
    const dir = projectWith({
      'models/schema.yml': idTests(
        'unique: {config: [severity, warn]}',
        'not_null: [a, b]',
        '{a: 1, b: 2}',
        'accepted_values: {quote: false}',
        'accepted_values: {values: 3}',
      ),
    });
    let errors: TsdbtError[] = [];
    try {
      loadProject({ projectDir: dir });
    } catch (error) {
      errors = (error as TsdbtError).all();
    }
    const on = "The test on column 'id' of 'people'";
    expect(errors.map((error) => [error.code, error.location, error.message])).toEqual([
      ['TSDBT2009', 'models/schema.yml:3', `${on} 'unique' has a \`config\` that is not a mapping.`],
      ['TSDBT2009', 'models/schema.yml:3', `${on} 'not_null' needs its arguments as a mapping, but they are ["a","b"].`],
      ['TSDBT2009', 'models/schema.yml:3', `${on} is not a test: {"a":1,"b":2}.`],
      ['TSDBT2009', 'models/schema.yml:3', `${on} 'accepted_values' needs the argument \`values\`, which is not given.`],
      ['TSDBT2009', 'models/schema.yml:3', `${on} 'accepted_values' needs \`values\` as a list, but it is 3.`],
    ]);
  });
});
