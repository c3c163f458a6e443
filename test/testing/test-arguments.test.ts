import { afterEach, describe, expect, test } from 'vitest';
import { loadProject } from '../../src/compile/load-project.js';
import { projectYml, removeProject, writeProject } from '../support/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeProject(dir);
});

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
      'models/orders.sql': "select 1 as id, 2 as customer_id",
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
    const dir = writeProject({
      'project.yml': projectYml('demo'),
      'models/people.sql': 'select 1 as id',
      'models/schema.yml': `
version: 2
models:
  - name: people
    columns:
      - name: id
        tests:
          - accepted_values: {name: keep_name, values: [1, 2], arguments: {quote: false, values: [1, 2, 3]}, severity: warn, config: {tags: [t]}, description: d}
          - not_null: {arguments: {mapping: {"10": ten, "9": nine, b: bee}}, enabled: true}
`,
    });
    dirs.push(dir);
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
});
