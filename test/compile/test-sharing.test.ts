import { afterEach, describe, expect, test } from 'vitest';
import { loadProject } from '../../src/compile/load-project.js';
import type { TestNode } from '../../src/compile/nodes.js';
import { DISTINCT_CONFIGS_KEPT, dataKey, newTestSharing, sharedColumnArgs, sharedConfig, sharedParents, sharedRefs } from '../../src/compile/test-sharing.js';
import { projectYml, removeProject, writeProject } from '../support/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeProject(dir);
});

function testsOf(files: Record<string, string>): Map<string, TestNode> {
  const dir = writeProject({ 'project.yml': projectYml('demo'), ...files });
  dirs.push(dir);
  const project = loadProject({ projectDir: dir });
  return new Map([...project.tests.values()].map((node) => [node.name, node]));
}

const models = {
  'models/orders.sql': 'select 1 as id',
  'models/people.sql': 'select 1 as id, 2 as code',
  'models/schema.yml': `
version: 2
models:
  - name: orders
    columns:
      - name: id
        data_tests: [unique, not_null]
  - name: people
    columns:
      - name: id
        data_tests: [unique, {not_null: {config: {severity: warn}}}]
      - name: code
        data_tests:
          - accepted_values: {values: [one_value_long_enough_to_make_the_name_past_sixty_three_characters, two]}
`,
};

describe('generic tests share what they have alike', () => {
  test('tests resolved to equal configs hold one frozen config, tag list and meta; others their own', () => {
    const tests = testsOf(models);
    const unique = tests.get('unique_orders_id')!;
    const notNull = tests.get('not_null_orders_id')!;
    const warned = tests.get('not_null_people_id')!;
    expect(notNull.config).toBe(unique.config);
    expect(tests.get('unique_people_id')!.config).toBe(unique.config);
    expect(Object.isFrozen(unique.config)).toBe(true);
    expect(Object.isFrozen(unique.config.meta)).toBe(true);
    expect(unique.tags).toBe(unique.config.tags);
    expect(unique.meta).toBe(unique.config.meta);
    expect(() => {
      (unique.config as Record<string, unknown>).severity = 'WARN';
    }).toThrow(TypeError);
    expect(warned.config).not.toBe(unique.config);
    expect(warned.config.severity).toBe('WARN');
    expect(unique.config.severity).toBe('ERROR');
    // An alias names one test's relation: that config is the test's own, and not frozen.
    const accepted = [...tests.values()].find((node) => node.testMetadata?.name === 'accepted_values')!;
    expect(accepted.config.alias).toMatch(/^accepted_values_people_[0-9a-f]{32}$/);
    expect(Object.isFrozen(accepted.config)).toBe(false);
  });

  test('tests of one column share their arguments and parents, each keeps its own name and id', () => {
    const tests = testsOf(models);
    const unique = tests.get('unique_orders_id')!;
    const notNull = tests.get('not_null_orders_id')!;
    expect(notNull.testMetadata!.kwargs).toBe(unique.testMetadata!.kwargs);
    expect(unique.testMetadata!.kwargs).toEqual({ column_name: 'id', model: "{{ get_where_subquery(ref('orders')) }}" });
    expect(notNull.dependsOn.nodes).toBe(unique.dependsOn.nodes);
    expect(notNull.dependsOn.nodes).toEqual(['model.demo.orders']);
    expect(notNull.refs).toBe(unique.refs);
    expect(tests.get('not_null_people_id')!.dependsOn.nodes).toEqual(['model.demo.people']);
    expect(unique.sourceCalls).toEqual([]);
    expect(unique.uniqueId).toMatch(/^test\.demo\.unique_orders_id\.[0-9a-f]{10}$/);
  });
});

describe('columns', () => {
  test('columns declared without meta or tags share one frozen empty object and list; declared ones keep theirs', () => {
    const dir = writeProject({
      'project.yml': projectYml('demo'),
      'models/orders.sql': 'select 1 as id, 2 as code, 3 as total',
      'models/schema.yml':
        'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n      - name: code\n      - name: total\n        meta: {unit: EUR}\n        tags: [money]\n',
    });
    dirs.push(dir);
    const { columns } = loadProject({ projectDir: dir }).models.get('model.demo.orders')!;
    expect(columns.code!.meta).toBe(columns.id!.meta);
    expect(columns.code!.tags).toBe(columns.id!.tags);
    expect(Object.isFrozen(columns.id!.meta) && Object.isFrozen(columns.id!.tags)).toBe(true);
    expect([columns.id!.meta, columns.id!.tags]).toEqual([{}, []]);
    expect([columns.total!.meta, columns.total!.tags]).toEqual([{ unit: 'EUR' }, ['money']]);
  });
});

describe('sharing helpers', () => {
  test('dataKey tells apart what serializes differently and refuses what it cannot describe', () => {
    expect(dataKey({ a: 1, b: '1' })).not.toBe(dataKey({ a: '1', b: 1 }));
    expect(dataKey({ a: 1, b: 2 })).not.toBe(dataKey({ b: 2, a: 1 }));
    expect(dataKey({ a: [] })).not.toBe(dataKey({ a: {} }));
    expect(dataKey({ a: null })).not.toBe(dataKey({ a: 'null' }));
    expect(dataKey({ a: [1, { b: true }] })).toBe(dataKey({ a: [1, { b: true }] }));
    for (const odd of [undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, new Date(0), () => 1, Object.create(null), 1n])
      expect(dataKey({ a: odd })).toBeUndefined();
  });

  test('a config is kept for sharing only while fewer than DISTINCT_CONFIGS_KEPT differ', () => {
    const sharing = newTestSharing();
    const first = sharedConfig(sharing, { limit: 0 });
    expect(sharedConfig(sharing, { limit: 0 })).toBe(first);
    for (let index = 1; index < DISTINCT_CONFIGS_KEPT; index += 1) sharedConfig(sharing, { limit: index });
    const late = { limit: -1 };
    expect(sharedConfig(sharing, late)).toBe(late);
    expect(Object.isFrozen(late)).toBe(false);
  });

  test('lists and arguments are shared with the one handed out just before only when equal', () => {
    const sharing = newTestSharing();
    const first = sharedParents(sharing, ['a', 'b']);
    expect(sharedParents(sharing, ['a', 'b'])).toBe(first);
    expect(sharedParents(sharing, ['a', 'c'])).toEqual(['a', 'c']);
    const refs = sharedRefs(sharing, [{ name: 'x', packageName: undefined, line: 3 }]);
    expect(sharedRefs(sharing, [{ name: 'x', packageName: undefined, line: 3 }])).toBe(refs);
    expect(sharedRefs(sharing, [{ name: 'x', packageName: undefined, line: 4 }])).not.toBe(refs);
    const args = sharedColumnArgs(sharing, 'id', 'm');
    expect(sharedColumnArgs(sharing, 'id', 'm')).toBe(args);
    expect(sharedColumnArgs(sharing, undefined, 'm')).toEqual({ model: 'm' });
  });
});
