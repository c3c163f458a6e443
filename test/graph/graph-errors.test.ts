import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/core/errors.js';
import { load, loadErrors, summary } from '../support/project.js';

const PROJECT_YML = 'name: g\nprofile: g\n';
const CYCLE_HINT = 'A model cannot depend on itself, directly or through others; remove one of these ref() calls.';

describe('cycles', () => {
  it('names a two-model cycle a > b > a, at the ref that closes it', () => {
    const errors = loadErrors({
      'project.yml': PROJECT_YML,
      'models/a.sql': "select * from {{ ref('b') }}",
      'models/b.sql': "-- b\nselect * from {{ ref('a') }}",
    });
    expect(errors.map(summary)).toEqual([
      { code: ErrorCodes.CYCLE, message: 'Found a dependency cycle: a > b > a.', location: 'models/a.sql:1', hint: CYCLE_HINT },
    ]);
  });

  it('names a longer cycle in dependency order, leaving models outside it out', () => {
    const errors = loadErrors({
      'project.yml': PROJECT_YML,
      'models/a.sql': "select * from {{ ref('c') }}, {{ ref('base') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "\n\nselect * from {{ ref('b') }}",
      'models/base.sql': 'select 1',
      'models/leaf.sql': "select * from {{ ref('a') }}",
    });
    expect(errors.map(summary)).toEqual([
      { code: ErrorCodes.CYCLE, message: 'Found a dependency cycle: a > b > c > a.', location: 'models/a.sql:1', hint: CYCLE_HINT },
    ]);
  });

  it('names a model that refers to itself', () => {
    const errors = loadErrors({ 'project.yml': PROJECT_YML, 'models/me.sql': "select 1\nunion all select * from {{ ref('me') }}" });
    expect(errors.map(summary)).toEqual([
      { code: ErrorCodes.CYCLE, message: 'Found a dependency cycle: me > me.', location: 'models/me.sql:2', hint: CYCLE_HINT },
    ]);
  });

  it('reports every separate cycle', () => {
    const errors = loadErrors({
      'project.yml': PROJECT_YML,
      'models/a.sql': "select * from {{ ref('b') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/x.sql': "select * from {{ ref('y') }}",
      'models/y.sql': "select * from {{ ref('x') }}",
    });
    expect(errors.map((error) => error.message)).toEqual(['Found a dependency cycle: a > b > a.', 'Found a dependency cycle: x > y > x.']);
  });
});

describe('unknown refs and sources', () => {
  const files = {
    'project.yml': PROJECT_YML,
    'models/people.sql': 'select 1 as id',
    'models/sources.yml': 'version: 2\nsources:\n  - name: astro\n    tables:\n      - name: raw_astros\n',
  };

  it('an unknown ref gives file:line and a did-you-mean', () => {
    const errors = loadErrors({ ...files, 'models/marts/per_craft.sql': "select\n  count()\n\nfrom {{ ref('peple') }}" });
    expect(errors.map(summary)).toEqual([
      {
        code: ErrorCodes.UNKNOWN_REF,
        message: "Model 'per_craft' refers to 'peple', but no model or seed has that name. Did you mean 'people'?",
        location: 'models/marts/per_craft.sql:4',
        hint: 'Check the spelling, or create models/peple.sql.',
      },
    ]);
  });

  it('an unknown ref with nothing close has no did-you-mean', () => {
    const [error] = loadErrors({ ...files, 'models/x.sql': "select * from {{ ref('zzz_totally_else') }}" });
    expect(error!.message).toBe("Model 'x' refers to 'zzz_totally_else', but no model or seed has that name.");
  });

  it('an unknown source gives file:line and a did-you-mean', () => {
    const errors = loadErrors({ ...files, 'models/x.sql': "select *\nfrom {{ source('astro', 'raw_astro') }}" });
    expect(errors.map(summary)).toEqual([
      {
        code: ErrorCodes.UNKNOWN_SOURCE,
        message: "Model 'x' uses source('astro', 'raw_astro'), which is not declared. Did you mean 'astro.raw_astros'?",
        location: 'models/x.sql:2',
        hint: 'Declare it under `sources:` in a .yml file in models/ (name, then tables).',
      },
    ]);
  });
});

describe('duplicates and disabled models', () => {
  it('two models with one name are an error naming both files', () => {
    const errors = loadErrors({ 'project.yml': PROJECT_YML, 'models/a/orders.sql': 'select 1', 'models/b/orders.sql': 'select 2' });
    expect(errors.map(summary)).toEqual([
      {
        code: ErrorCodes.DUPLICATE_NODE,
        message: "Model 'orders' is defined twice: in models/a/orders.sql and in models/b/orders.sql.",
        location: 'models/b/orders.sql:1',
        hint: 'Names must be unique across the project; rename one of them.',
      },
    ]);
  });

  it('a duplicated source table is an error', () => {
    const errors = loadErrors({
      'project.yml': PROJECT_YML,
      'models/s1.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: t\n',
      'models/s2.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: other\n      - name: t\n',
    });
    expect(errors.map(summary)).toMatchObject([
      { code: ErrorCodes.DUPLICATE_NODE, message: "Source 'raw.t' is defined twice: in models/s1.yml and in models/s2.yml.", location: 'models/s2.yml:6' },
    ]);
  });

  it('disabled models (config, YAML or project tree) are left out, even a duplicate name', () => {
    const project = load({
      'project.yml': `${PROJECT_YML}models:\n  g:\n    legacy:\n      +enabled: false\n`,
      'models/on.sql': 'select 1',
      'models/off_in_file.sql': '{{ config(enabled=false) }}select * from {{ ref("nowhere") }}',
      'models/off_in_yaml.sql': 'select 1',
      'models/legacy/on.sql': 'select 2',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: off_in_yaml\n    config:\n      enabled: false\n',
    });
    expect([...project.models.keys()]).toEqual(['model.g.on']);
    expect(project.models.get('model.g.on')!.originalFilePath).toBe('models/on.sql');
  });

  it('a ref to a disabled model says so', () => {
    const errors = loadErrors({
      'project.yml': PROJECT_YML,
      'models/old.sql': '{{ config(enabled=false) }}select 1',
      'models/new.sql': "select * from {{ ref('old') }}",
    });
    expect(errors.map(summary)).toEqual([
      {
        code: ErrorCodes.UNKNOWN_REF,
        message: "Model 'new' refers to 'old', which is disabled (enabled: false).",
        location: 'models/new.sql:1',
        hint: "Enable 'old' or remove the ref().",
      },
    ]);
  });
});

describe('errors are collected across files', () => {
  it('reports every broken file of the project in one run', () => {
    const errors = loadErrors({
      'project.yml': PROJECT_YML,
      'macros/broken.sql': '{% macro m( %}x{% endmacro %}',
      'models/good.sql': 'select 1',
      'models/bad_ref.sql': "select * from {{ ref('god') }}",
      'models/bad_jinja.sql': 'select\n{{ 1 + }}',
      'models/bad_source.sql': "select * from {{ source('nope', 't') }}",
      'models/bad_config.sql': '{{ config(enabled=maybe_not) }}{{ config(materialized=1 + ) }}select 1',
      'models/props.yml': 'version: 2\nmodels:\n  - name: good\n    columns: {not: a list}\n',
      'models/broken.yml': 'version: 2\nmodels: [\n',
    });
    expect(errors.map((error) => [error.code, error.location])).toEqual([
      [ErrorCodes.TEMPLATE_SYNTAX, 'macros/broken.sql:1'],
      [ErrorCodes.PROPERTIES_INVALID, 'models/broken.yml:2'],
      [ErrorCodes.PROPERTIES_INVALID, 'models/props.yml:4'],
      [ErrorCodes.TEMPLATE_SYNTAX, 'models/bad_config.sql:1'],
      [ErrorCodes.TEMPLATE_SYNTAX, 'models/bad_jinja.sql:2'],
      [ErrorCodes.UNKNOWN_REF, 'models/bad_ref.sql:1'],
      [ErrorCodes.UNKNOWN_SOURCE, 'models/bad_source.sql:1'],
    ]);
    expect(errors.find((error) => error.code === ErrorCodes.UNKNOWN_REF)!.message).toMatch(/Did you mean 'good'\?$/);
    // An unknown materialization is no longer a load error: the model fails only when a command runs it.
  });
});
