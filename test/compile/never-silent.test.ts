/** Nothing tsdbt reads past is silent: unknown keys, resources it does not build, config paths that match nothing. */
import { describe, expect, it } from 'vitest';
import { load } from '../support/project.js';

const PROJECT_YML = [
  'name: demo',
  'profile: demo',
  'query-comment: "run by ci"',
  'models:',
  '  demo:',
  '    +materialized: view',
  '    exampel:',
  '      +materialized: table',
  '    example:',
  '      +tags: [x]',
  '  other_project:',
  '    +enabled: false',
  'seeds:',
  '  demo:',
  '    countrys:',
  '      +column_types: {id: UInt8}',
  '',
].join('\n');

const SCHEMA_YML = [
  'version: 2',
  'models:',
  '  - name: a',
  '    descripton: typo',
  '    versions: [{v: 1}]',
  '    columns:',
  '      - name: id',
  '        data_typ: UInt8',
  'metrics:',
  '  - name: revenue',
  'semantic_models: []',
  'modles: []',
  'groups:',
  '  - name: finance',
  'sources:',
  '  - name: s',
  '    loader: fivetran',
  '    tables:',
  '      - name: t',
  '        identifer: x',
  '',
].join('\n');

describe('never silent', () => {
  const warningsOf = () =>
    load({
      'project.yml': PROJECT_YML,
      'models/example/a.sql': 'select 1 as id',
      'models/schema.yml': SCHEMA_YML,
      'seeds/countries.csv': 'id\n1\n',
      'models/example/py_model.py': 'def model(dbt, session):\n    return None\n',
    }).warnings;

  it.each([
    ['project.yml:3: `query-comment` is accepted for dbt compatibility but tsdbt does not act on it'],
    ["project.yml:7: the config path `models.demo.exampel` matches no model, so its configs apply to nothing. Did you mean 'example'?"],
    ['project.yml:11: the config path `models.other_project` matches no model, so its configs apply to nothing.'],
    ["project.yml:15: the config path `seeds.demo.countrys` matches no seed, so its configs apply to nothing. Did you mean 'countries'?"],
    ["models/schema.yml:4: unknown model property `descripton` is ignored. Did you mean 'description'?"],
    ['models/schema.yml:5: `versions` is accepted but tsdbt does not act on it (model versions are not supported'],
    ["models/schema.yml:8: unknown column property `data_typ` is ignored. Did you mean 'data_type'?"],
    ['models/schema.yml:9: `metrics:` is ignored: metrics (the semantic layer) are not part of tsdbt.'],
    ['models/schema.yml:11: `semantic_models:` is ignored: semantic models are not part of tsdbt.'],
    ["models/schema.yml:12: unknown top-level key `modles` is ignored. Did you mean 'models'?"],
    ['models/schema.yml:17: `loader` is accepted but tsdbt does not act on it'],
    ["models/schema.yml:20: unknown source table property `identifer` is ignored. Did you mean 'identifier'?"],
    ['models/example/py_model.py: Python models are not supported by tsdbt; this file is not built'],
  ])('%s', (expected) => {
    expect(warningsOf().filter((warning) => warning.startsWith(expected))).toHaveLength(1);
  });

  it('says nothing about the folders that are used', () => {
    expect(warningsOf().filter((warning) => /models\.demo\.example\b|models\.demo`/.test(warning))).toEqual([]);
  });
});
