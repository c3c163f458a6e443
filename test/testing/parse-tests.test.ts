import { afterEach, describe, expect, test } from 'vitest';
import { loadProject } from '../../src/compile/load-project.js';
import { TsdbtError } from '../../src/core/errors.js';
import { projectYml, removeProject, writeProject } from '../support/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeProject(dir);
});

function load(files: Record<string, string>) {
  const dir = writeProject({ 'project.yml': projectYml('demo'), ...files });
  dirs.push(dir);
  return loadProject({ projectDir: dir });
}

function loadErrors(files: Record<string, string>): TsdbtError[] {
  try {
    load(files);
  } catch (error) {
    if (error instanceof TsdbtError) return error.all();
    throw error;
  }
  throw new Error('expected the project to be refused');
}

const base = {
  'seeds/countries.csv': 'code,name\nNL,Netherlands\n',
  'models/people.sql': "select 1 as id, 'NL' as country from {{ ref('countries') }}",
};

describe('parsing seeds and tests', () => {
  test('ref() to a seed makes it a parent; seeds take config from the seeds: tree and YAML', () => {
    const project = load({
      ...base,
      'project.yml': projectYml('demo', 'seeds:\n  demo:\n    +schema: raw\n    countries:\n      +column_types: {code: FixedString(2)}\n'),
      'seeds/props.yml': 'version: 2\nseeds:\n  - name: countries\n    description: ISO countries.\n    config: {tags: [ref_data]}\n',
    });
    const seed = project.seeds.get('seed.demo.countries')!;
    expect(seed.relation).toEqual({ schema: 'demo_raw', identifier: 'countries' });
    expect(seed.config.column_types).toEqual({ code: 'FixedString(2)' });
    expect(seed.tags).toEqual(['ref_data']);
    expect(seed.description).toBe('ISO countries.');
    expect(seed.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(project.models.get('model.demo.people')!.dependsOn.nodes).toEqual(['seed.demo.countries']);
  });

  test('test declarations in every form dbt accepts, with custom names, namespaces and tests/generic macros', () => {
    const project = load({
      ...base,
      'tests/generic/is_even.sql': '{% test is_even(model, column_name) %}select * from {{ model }} where {{ column_name }} % 2 = 1{% endtest %}',
      'models/schema.yml': `
version: 2
models:
  - name: people
    data_tests:
      - dbt_utils.is_even: {column_name: id}
    columns:
      - name: id
        tests:
          - unique
          - {test_name: not_null, name: id_is_there}
          - is_even: {severity: warn, tags: [parity]}
`,
    });
    const names = [...project.tests.values()].map((node) => node.name).sort();
    expect(names).toEqual(['dbt_utils_is_even_people_id', 'id_is_there', 'is_even_people_id', 'unique_people_id']);
    const even = [...project.tests.values()].find((node) => node.name === 'is_even_people_id')!;
    expect(even.config.severity).toBe('WARN');
    expect(even.tags).toEqual(['parity']);
    expect(even.testMetadata).toEqual({ name: 'is_even', namespace: null, kwargs: { column_name: 'id', model: "{{ get_where_subquery(ref('people')) }}" } });
    expect([...project.tests.values()].find((node) => node.name === 'dbt_utils_is_even_people_id')!.testMetadata?.namespace).toBe('dbt_utils');
  });

  test('tests on disabled models are left out; a seed and a model cannot share a name', () => {
    const project = load({
      ...base,
      'models/old.sql': '{{ config(enabled=false) }}select 1 as id',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: old\n    columns:\n      - name: id\n        tests: [unique]\n',
    });
    expect(project.tests.size).toBe(0);
    const errors = loadErrors({ ...base, 'models/countries.sql': 'select 1 as x' });
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^The name 'countries' is defined twice: in seeds\/countries\.csv and in models\/countries\.sql\./),
    ]);
  });

  test.each([
    [
      'unknown generic test, with a suggestion',
      '- not_nul',
      'TSDBT2009',
      /The test on column 'id' of 'people' uses the generic test 'not_nul', which is not defined\. Did you mean 'not_null'\?/,
    ],
    [
      'a typo in relationships to:',
      "- relationships: {to: ref('countrys'), field: code}",
      'TSDBT2003',
      /Test 'relationships_people_id__code__ref_countrys_' refers to 'countrys', but no model or seed has that name\. Did you mean 'countries'\?/,
    ],
    ['a bad severity', '- unique: {severity: fatal}', 'TSDBT2009', /Test 'unique_people_id': severity must be 'error' or 'warn', but it is "fatal"\./],
    ['a test given `model`', '- unique: {model: x}', 'TSDBT2009', /passes `model`, which tsdbt sets itself/],
    ['the same test twice', '- unique\n          - unique', 'TSDBT2005', /Test 'unique_people_id' is declared twice with the same arguments/],
  ])('%s is reported at the YAML entry', (_what, declaration, code, message) => {
    const errors = loadErrors({
      ...base,
      'models/schema.yml': `version: 2\nmodels:\n  - name: people\n    columns:\n      - name: id\n        tests:\n          ${declaration}\n`,
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe(code);
    expect(errors[0]!.message).toMatch(message);
    expect(errors[0]!.location).toBe('models/schema.yml:3');
  });

  test('bad seed config is reported with the seed', () => {
    const errors = loadErrors({ ...base, 'seeds/props.yml': 'version: 2\nseeds:\n  - name: countries\n    config: {column_types: [code], delimiter: ";;"}\n' });
    expect(errors.map((error) => [error.code, error.location, error.message])).toEqual([
      ['TSDBT2008', 'seeds/props.yml:3', 'Seed \'countries\': column_types must map column names to ClickHouse types, but it is ["code"].'],
      ['TSDBT2008', 'seeds/props.yml:3', 'Seed \'countries\': delimiter must be one character, but it is ";;".'],
    ]);
  });
});
