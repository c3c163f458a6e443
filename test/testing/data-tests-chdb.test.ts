import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { loadProject, type Project } from '../../src/compile/load-project.js';
import { runNodes } from '../../src/runner/run-nodes.js';
import type { NodeResult } from '../../src/runner/results.js';
import { seedExecutor } from '../../src/runner/seed-executor.js';
import { testExecutor } from '../../src/runner/test-executor.js';
import { projectYml, removeProject, writeProject } from '../support/cli.js';

/**
 * Test verdicts on real chDB, where ClickHouse differs from the databases dbt grew up on:
 * Nullable seed columns, left joins giving defaults, NULL in NOT IN.
 */
const files = {
  'project.yml': projectYml('demo'),
  'seeds/parents.csv': 'id,name\n1,one\n2,two\n',
  // parent_id 0 has no parent (ClickHouse's default for a missed join, so only join_use_nulls catches it); one is empty.
  'seeds/children.csv': 'id,parent_id,status\n1,1,a\n2,2,b\n3,0,z\n4,,\n5,1,a\n',
  'macros/always_rows.sql': `{% test always_rows(model) %}{{ config(severity='warn') }}select 1 as x from {{ model }}{% endtest %}`,
  'tests/children_have_rows.sql': `select 1 as x from {{ ref('children') }} having count(*) = 0`,
  // A source over a seed's table, with `identifier`: source tests are named source_<test>_<source>_<table>_<column>.
  'models/sources.yml': `
version: 2
sources:
  - name: raw
    schema: demo
    tables:
      - name: kids
        identifier: children
        columns:
          - name: id
            tests: [unique, not_null]
`,
  'seeds/schema.yml': `
version: 2
seeds:
  - name: children
    data_tests:
      - always_rows
      - always_rows:
          name: always_rows_as_error
          config: {severity: error}
    columns:
      - name: parent_id
        data_tests:
          - not_null
          - relationships: {to: ref('parents'), field: id}
          - not_null:
              name: nulls_only_warn
              config: {warn_if: '> 0', error_if: '> 5'}
          - not_null:
              name: stored_nulls
              config: {store_failures: true}
      - name: status
        data_tests:
          - accepted_values: {values: [a, b]}
          - accepted_values:
              name: status_warns
              values: [a]
              severity: warn
          - accepted_values:
              name: status_where
              values: [a, b]
              config: {where: "id < 3"}
      - name: no_such_column
        data_tests: [not_null]
      - name: id
        data_tests:
          - unique
          - accepted_values:
              name: ids_limited
              values: [1]
              quote: false
              config: {limit: 2}
`,
};

let dir: string;
let project: Project;
let adapter: Adapter;
const results = new Map<string, NodeResult>();

beforeAll(async () => {
  dir = writeProject(files);
  project = loadProject({ projectDir: dir });
  adapter = await connect(project.target, { projectDir: dir });
  await runNodes(project, adapter, { ids: [...project.seeds.keys()], threads: 2, executors: { seed: seedExecutor } });
  const summary = await runNodes(project, adapter, { ids: [...project.tests.keys()], threads: 2, executors: { test: testExecutor() } });
  for (const result of summary.results) results.set(project.nodes.get(result.uniqueId)!.name, result);
});

afterAll(async () => {
  await adapter?.close();
  removeProject(dir);
});

const verdict = (name: string) => {
  const result = results.get(name);
  return result === undefined ? 'missing' : `${result.status} ${result.failures ?? result.message}`;
};

describe('data tests on chDB', () => {
  test('a CSV column with an empty cell is Nullable, so not_null sees the NULL', async () => {
    expect(await adapter.listColumns(project.target.schema, 'children')).toEqual([
      { name: 'id', type: 'Int32' },
      { name: 'parent_id', type: 'Nullable(Int32)' },
      { name: 'status', type: 'Nullable(String)' },
    ]);
    expect(verdict('not_null_children_parent_id')).toBe('fail 1');
  });

  test('relationships finds the orphan whose key is 0 (left join with join_use_nulls) and ignores NULL keys', () => {
    expect(verdict('relationships_children_parent_id__id__ref_parents_')).toBe('fail 1');
  });

  test('accepted_values ignores NULL (NULL NOT IN … is not true), as in dbt', () => {
    expect(verdict('accepted_values_children_status__a__b')).toBe('fail 1');
    expect(verdict('status_where')).toBe('pass 0');
  });

  test('severity, warn_if/error_if and limit decide the verdict', () => {
    expect(verdict('status_warns')).toBe('warn 2');
    expect(verdict('nulls_only_warn')).toBe('warn 1');
    expect(verdict('ids_limited')).toBe('fail 2');
    expect(results.get('ids_limited')!.message).toBe('Got 2 results, configured to fail if != 0');
    expect(verdict('unique_children_id')).toBe('pass 0');
  });

  test('a test whose query fails is an error, with the database message', () => {
    const result = results.get('not_null_children_no_such_column')!;
    expect(result.status).toBe('error');
    expect(result.errorCode).toBe('TSDBT4002');
    expect(result.message).toMatch(/no_such_column/);
  });

  test('config() in a custom test macro applies, and the YAML config wins over it', () => {
    expect(verdict('always_rows_children_')).toBe('warn 5');
    expect(verdict('always_rows_as_error')).toBe('fail 5');
  });

  test('singular tests from tests/*.sql run with ref() to seeds', () => {
    expect(verdict('children_have_rows')).toBe('pass 0');
    expect(project.tests.get('test.demo.children_have_rows')?.dependsOn.nodes).toEqual(['seed.demo.children']);
  });

  test('store_failures keeps the failing rows in <schema>_dbt_test__audit', async () => {
    expect(verdict('stored_nulls')).toBe('fail 1');
    expect(results.get('stored_nulls')!.relationName).toBe('`demo_dbt_test__audit`.`stored_nulls`');
    expect(
      await adapter.query('select id, parent_id from `demo_dbt_test__audit`.`stored_nulls`', { settings: { output_format_json_quote_64bit_integers: 0 } }),
    ).toEqual([{ id: 4, parent_id: null }]);
  });

  test('tests on sources read the table named by `identifier`', () => {
    expect(verdict('source_unique_raw_kids_id')).toBe('pass 0');
    expect(verdict('source_not_null_raw_kids_id')).toBe('pass 0');
    const node = [...project.tests.values()].find((test) => test.name === 'source_unique_raw_kids_id')!;
    expect(node.dependsOn.nodes).toEqual(['source.demo.raw.kids']);
    expect(node.originalFilePath).toBe('models/sources.yml');
  });

  test('test nodes carry dbt ids, the column, the node under test and what they read', () => {
    const relationships = [...project.tests.values()].find((node) => node.name === 'relationships_children_parent_id__id__ref_parents_')!;
    expect(relationships.uniqueId).toMatch(/^test\.demo\.relationships_children_parent_id__id__ref_parents_\.[0-9a-f]{10}$/);
    expect(relationships.columnName).toBe('parent_id');
    expect(relationships.attachedNode).toBe('seed.demo.children');
    expect(relationships.dependsOn.nodes).toEqual(['seed.demo.children', 'seed.demo.parents']);
    expect(relationships.fqn).toEqual(['demo', 'relationships_children_parent_id__id__ref_parents_']);
  });
});
