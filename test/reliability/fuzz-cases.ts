/**
 * Broken inputs for the fuzz tests: each is a small valid project with one thing broken, and
 * where the error must point. Generated from lists of ways to break each kind of file, so the
 * count grows with the lists (the test asserts at least 200).
 */

export interface FuzzCase {
  /** Unique, readable: `project.yml syntax: unclosed flow sequence`. */
  name: string;
  family: 'yaml-syntax' | 'project-schema' | 'profiles-schema' | 'properties-schema' | 'jinja' | 'refs' | 'cycles' | 'selectors' | 'seeds';
  /** Files replacing (or, with null, removing) those of the base project. */
  files: Record<string, string | null>;
  select?: string[];
  exclude?: string[];
  selector?: string;
  /** The seed to read (the CSV is only read when seeding). */
  seed?: string;
  /**
   * The file the error must name (a folder, ending in `/`, for any file in it; a list when either
   * of two files is right); undefined when no file applies (a --select value).
   */
  at: string | readonly string[] | undefined;
  /** Whether it must also name a line (default: true when `at` is set). */
  line?: boolean;
}

export const BASE_PROJECT: Record<string, string> = {
  'project.yml': 'name: fz\nprofile: fz\nmodels:\n  fz:\n    +materialized: view\n',
  'profiles.yml': 'fz:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n',
  'models/a.sql': 'select 1 as id\n',
  'models/b.sql': "select id from {{ ref('a') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n',
  'macros/m.sql': '{% macro double(x) %}({{ x }} * 2){% endmacro %}\n',
  'seeds/s.csv': 'id,name\n1,x\n',
};

/** Ways to break a YAML file's syntax, applied to a valid text. */
const YAML_BREAKERS: [string, (valid: string) => string][] = [
  ['unclosed flow sequence', (v) => `${v}extra: [a, b\n`],
  ['unclosed flow mapping', (v) => `${v}extra: {a: 1\n`],
  ['unterminated double quote', (v) => `${v}extra: "abc\n`],
  ['unterminated single quote', (v) => `${v}extra: 'abc\n`],
  ['tab used for indentation', (v) => `${v}extra:\n\t- a\n`],
  ['inconsistent indentation', (v) => `${v}extra:\n    a: 1\n  b: 2\n`],
  ['duplicate top-level key', (v) => `${v}${v.split('\n')[0]}\n`],
  ['unquoted {{ }} value', (v) => `${v}extra: {{ env_var('X') }}\n`],
  ['undefined alias', (v) => `${v}extra: *nowhere\n`],
  ['sequence item next to a mapping key', (v) => `${v}extra:\n  - a\n  b: c\n`],
  ['reserved indicator @', (v) => `${v}extra: @value\n`],
  ['reserved indicator `', (v) => `${v}extra: \`value\`\n`],
  ['mapping value where none is allowed', (v) => `${v}extra: a: b\n`],
  ['block scalar with a line less indented', (v) => `${v}extra: >\n    text\n  more: x\n   y\n`],
  ['two documents', (v) => `${v}---\nother: 1\n`],
  ['flow sequence closed twice', (v) => `${v}extra: [a]]\n`],
  ['a key with no colon before a mapping', (v) => `${v}extra\n  a: 1\n`],
];

const YAML_FILES = ['project.yml', 'profiles.yml', 'models/schema.yml'];

function yamlSyntaxCases(): FuzzCase[] {
  return YAML_FILES.flatMap((file) =>
    YAML_BREAKERS.map(
      ([what, breakIt]): FuzzCase => ({ name: `${file} syntax: ${what}`, family: 'yaml-syntax', files: { [file]: breakIt(BASE_PROJECT[file]!) }, at: file }),
    ),
  );
}

const PROJECT_HEAD = 'name: fz\nprofile: fz\n';

/** project.yml whose keys hold the wrong things. */
function projectSchemaCases(): FuzzCase[] {
  const whole: [string, string][] = [
    ['name missing', 'profile: fz\n'],
    ['name a number', 'name: 3\nprofile: fz\n'],
    ['name with a dash', 'name: my-project\nprofile: fz\n'],
    ['name a list', 'name: [a]\nprofile: fz\n'],
    ['name starting with a digit', 'name: 1fz\nprofile: fz\n'],
    ['the file a list', '- name: fz\n'],
    ['the file a string', 'just some text\n'],
    ['the file empty', ''],
    ['profile a list', 'name: fz\nprofile: [a, b]\n'],
    ['profile a mapping', 'name: fz\nprofile: {a: 1}\n'],
    ['profile not in profiles.yml', 'name: fz\nprofile: nosuch\n'],
  ];
  const keyed: [string, string][] = [
    ['model-paths a number', 'model-paths: 5'],
    ['model-paths a list of numbers', 'model-paths: [1, 2]'],
    ['model-paths a mapping', 'model-paths: {a: b}'],
    ['macro-paths a number', 'macro-paths: 5'],
    ['seed-paths a mapping', 'seed-paths: {a: 1}'],
    ['test-paths true', 'test-paths: true'],
    ['target-path a list', 'target-path: [a]'],
    ['log-path a mapping', 'log-path: {a: 1}'],
    ['clean-targets a number', 'clean-targets: 5'],
    ['vars a list', 'vars: [a]'],
    ['vars a string', 'vars: text'],
    ['models a string', 'models: x'],
    ['models a list', 'models: [a]'],
    ['seeds a number', 'seeds: 5'],
    ['tests a string', 'tests: x'],
    ['sources a list', 'sources: [1]'],
    ['on-run-start a number', 'on-run-start: 5'],
    ['on-run-end a mapping', 'on-run-end: {a: 1}'],
    ['+materialized unknown', 'models:\n  fz:\n    +materialized: bogus'],
    ['+materialized a list', 'models:\n  fz:\n    +materialized: [table]'],
    ['+enabled a word', 'models:\n  fz:\n    +enabled: maybe'],
    ['+tags a number', 'models:\n  fz:\n    +tags: 5'],
    ['+schema a list', 'models:\n  fz:\n    +schema: [a]'],
    ['+database set', 'models:\n  fz:\n    +database: other'],
    ['+order_by a mapping', 'models:\n  fz:\n    +materialized: table\n    +order_by: {a: 1}'],
    ['+full_refresh a word', 'models:\n  fz:\n    +full_refresh: sometimes'],
    ['+incremental_strategy unknown', 'models:\n  fz:\n    +materialized: incremental\n    +incremental_strategy: merge_magic'],
    ['+on_schema_change unknown', 'models:\n  fz:\n    +materialized: incremental\n    +on_schema_change: explode'],
    ['+pre-hook a number', 'models:\n  fz:\n    +pre-hook: 5'],
    ['seeds +column_types a list', 'seeds:\n  fz:\n    +column_types: [a]'],
  ];
  return [
    ...whole.map(
      ([what, text]): FuzzCase => ({
        name: `project.yml schema: ${what}`,
        family: 'project-schema',
        files: { 'project.yml': text },
        at: what === 'profile not in profiles.yml' ? undefined : 'project.yml',
        line: what !== 'the file empty',
      }),
    ),
    ...keyed.map(
      ([what, text]): FuzzCase => ({
        name: `project.yml schema: ${what}`,
        family: 'project-schema',
        files: { 'project.yml': `${PROJECT_HEAD}${text}\n` },
        at: 'project.yml',
      }),
    ),
  ].map((c) => (c.name === 'project.yml schema: profile not in profiles.yml' ? { ...c, at: 'profiles.yml', line: false } : c));
}

const PROFILE_HEAD = 'fz:\n  target: dev\n  outputs:\n    dev:\n';

/** profiles.yml with wrong values. */
function profilesSchemaCases(): FuzzCase[] {
  const whole: [string, string][] = [
    ['the file a list', '- fz\n'],
    ['the profile a string', 'fz: chdb\n'],
    ['outputs missing', 'fz:\n  target: dev\n'],
    ['outputs a list', 'fz:\n  target: dev\n  outputs: [dev]\n'],
    ['target not among outputs', 'fz:\n  target: prod\n  outputs:\n    dev: {type: chdb}\n'],
    ['target a number', 'fz:\n  target: 5\n  outputs:\n    dev: {type: chdb}\n'],
    ['an output a string', 'fz:\n  target: dev\n  outputs:\n    dev: chdb\n'],
  ];
  const target: [string, string][] = [
    ['type unknown', 'type: postgres'],
    ['type missing', 'schema: fz'],
    ['threads zero', 'type: chdb\n      threads: 0'],
    ['threads negative', 'type: chdb\n      threads: -2'],
    ['threads a word', 'type: chdb\n      threads: many'],
    ['threads huge', 'type: chdb\n      threads: 100000'],
    ['schema a list', 'type: chdb\n      schema: [a]'],
    ['path a list', 'type: chdb\n      path: [a]'],
    ['custom_settings a list', 'type: chdb\n      custom_settings: [a]'],
    ['port a word', 'type: clickhouse\n      host: localhost\n      port: http'],
    ['port out of range', 'type: clickhouse\n      host: localhost\n      port: 70000'],
    ['host a list', 'type: clickhouse\n      host: [a]'],
    ['secure a word', 'type: clickhouse\n      secure: sometimes'],
    ['url not a URL', 'type: clickhouse\n      url: "::not a url::"'],
    ['connect_timeout a word', 'type: clickhouse\n      connect_timeout: soon'],
    ['retries negative', 'type: clickhouse\n      retries: -1'],
    ['compression a number', 'type: clickhouse\n      compression: 5'],
    ['cluster a list', 'type: clickhouse\n      cluster: [a]'],
    ['password from a missing env var', 'type: clickhouse\n      password: "{{ env_var(\'TSDBT_FUZZ_UNSET_VAR\') }}"'],
    ['bad Jinja in a value', 'type: clickhouse\n      password: "{{ env_var( }}"'],
    ['user a mapping', 'type: clickhouse\n      user: {a: 1}'],
  ];
  return [
    ...whole.map(
      ([what, text]): FuzzCase => ({ name: `profiles.yml schema: ${what}`, family: 'profiles-schema', files: { 'profiles.yml': text }, at: 'profiles.yml' }),
    ),
    ...target.map(
      ([what, text]): FuzzCase => ({
        name: `profiles.yml schema: ${what}`,
        family: 'profiles-schema',
        files: { 'profiles.yml': `${PROFILE_HEAD}      ${text}\n` },
        at: 'profiles.yml',
      }),
    ),
  ];
}

/** models/schema.yml (property files) with wrong shapes. */
function propertiesSchemaCases(): FuzzCase[] {
  const cases: [string, string][] = [
    ['the file a list', '- name: a\n'],
    ['models a number', 'models: 3\n'],
    ['models a mapping', 'models: {a: 1}\n'],
    ['a model entry a string', 'models:\n  - a\n'],
    ['a model without name', 'models:\n  - description: x\n'],
    ['a model described twice', 'models:\n  - name: a\n  - name: a\n'],
    ['columns a string', 'models:\n  - name: a\n    columns: id\n'],
    ['a column a number', 'models:\n  - name: a\n    columns: [3]\n'],
    ['a column without name', 'models:\n  - name: a\n    columns:\n      - description: x\n'],
    ['tests a string', 'models:\n  - name: a\n    columns:\n      - name: id\n        tests: unique\n'],
    ['an unknown generic test', 'models:\n  - name: a\n    columns:\n      - name: id\n        tests: [is_prime]\n'],
    ['accepted_values without values', 'models:\n  - name: a\n    columns:\n      - name: id\n        tests: [accepted_values]\n'],
    ['accepted_values values a string', 'models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - accepted_values: {values: one}\n'],
    ['relationships without to', 'models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - relationships: {field: id}\n'],
    [
      'relationships to an unknown model',
      'models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - relationships: {to: "ref(\'nope\')", field: id}\n',
    ],
    ['a test with two names', 'models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - {unique: {}, not_null: {}}\n'],
    ['a test severity unknown', 'models:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - unique: {config: {severity: fatal}}\n'],
    ['config a string', 'models:\n  - name: a\n    config: table\n'],
    ['config materialized unknown', 'models:\n  - name: a\n    config: {materialized: bogus}\n'],
    ['an unknown doc block', 'models:\n  - name: a\n    description: "{{ doc(\'nope\') }}"\n'],
    ['sources a number', 'sources: 3\n'],
    ['a source without name', 'sources:\n  - tables: [{name: t}]\n'],
    ['a source with tables a string', 'sources:\n  - name: raw\n    tables: t\n'],
    ['a source table without name', 'sources:\n  - name: raw\n    tables:\n      - description: x\n'],
    ['a source ingest a string', 'sources:\n  - name: raw\n    tables:\n      - name: t\n        ingest: http://x\n'],
    ['a source ingest without url or fetcher', 'sources:\n  - name: raw\n    tables:\n      - name: t\n        ingest: {format: json}\n'],
    ['a source ingest format unknown', 'sources:\n  - name: raw\n    tables:\n      - name: t\n        ingest: {url: "http://127.0.0.1:9/x", format: xml}\n'],
    ['a source ingest timeout a word', 'sources:\n  - name: raw\n    tables:\n      - name: t\n        ingest: {url: "http://127.0.0.1:9/x", timeout: soon}\n'],
    [
      'a source ingest retries negative',
      'sources:\n  - name: raw\n    tables:\n      - name: t\n        ingest: {url: "http://127.0.0.1:9/x", retries: {max_attempts: -1}}\n',
    ],
    ['seeds a number', 'seeds: 5\n'],
    ['seed column_types a list', 'seeds:\n  - name: s\n    config: {column_types: [a]}\n'],
  ];
  return cases.map(
    ([what, text]): FuzzCase => ({
      name: `models/schema.yml schema: ${what}`,
      family: 'properties-schema',
      files: { 'models/schema.yml': `version: 2\n${text}` },
      at: 'models/schema.yml',
    }),
  );
}

/** Models (and macros) with broken Jinja. */
function jinjaCases(): FuzzCase[] {
  const models: [string, string][] = [
    ['unclosed {{', 'select {{ 1 as x\n'],
    ['unclosed call', "select * from {{ ref('a' }}\n"],
    ['{% if %} without endif', 'select 1\n{% if true %}\nwhere 1\n'],
    ['stray endif', 'select 1\n{% endif %}\n'],
    ['for without variable', 'select 1\n{% for %}{% endfor %}\n'],
    ['unknown tag', 'select 1\n{% frobnicate %}\n'],
    ['unknown filter', "select {{ 'a' | nofilter }}\n"],
    ['undefined macro called', 'select {{ no_such_macro() }}\n'],
    ['ref without arguments', 'select * from {{ ref() }}\n'],
    ['ref with three arguments', "select * from {{ ref('a', 'b', 'c') }}\n"],
    ['ref of a number', 'select * from {{ ref(123) }}\n'],
    ['source with one argument', "select * from {{ source('raw') }}\n"],
    ['config with a positional argument', 'select 1 {{ config(5) }}\n'],
    ['config materialized unknown', "{{ config(materialized='bogus') }}\nselect 1\n"],
    ['config materialized not a string', '{{ config(materialized=5) }}\nselect 1\n'],
    ['config database set', "{{ config(database='other') }}\nselect 1\n"],
    ['config incremental_strategy unknown', "{{ config(materialized='incremental', incremental_strategy='magic') }}\nselect 1\n"],
    ['config delete+insert without unique_key', "{{ config(materialized='incremental', incremental_strategy='delete+insert') }}\nselect 1\n"],
    ['config insert_overwrite without partition_by', "{{ config(materialized='incremental', incremental_strategy='insert_overwrite') }}\nselect 1\n"],
    ['config dictionary without primary_key', "{{ config(materialized='dictionary') }}\nselect 1 as id\n"],
    ['raise_compiler_error', "select 1\n{{ exceptions.raise_compiler_error('the input is wrong') }}\n"],
    ['raise_compiler_error at run time', "select 1\n{% if execute %}{{ exceptions.raise_compiler_error('late failure') }}{% endif %}\n"],
    ['var without default', "select {{ var('never_defined') }}\n"],
    ['env_var without default', "select '{{ env_var('TSDBT_FUZZ_UNSET_VAR') }}'\n"],
    ['calling a string', "select {{ 'text'() }}\n"],
    ['unclosed comment', 'select 1\n{# never closed\n'],
    ['unclosed string in a tag', "select {{ 'abc }}\n"],
    ['set without a value', 'select 1\n{% set %}\n'],
    ['call block unclosed', "select 1\n{% call statement('x') %}select 1\n"],
    ['adapter.dispatch of a missing macro', "select {{ adapter.dispatch('nope')() }}\n"],
    ['a ref to a model spelled with another case', "select * from {{ ref('A') }}\n"],
  ];
  const macros: [string, string][] = [
    ['macro with an unclosed argument list', '{% macro broken( %}x{% endmacro %}\n'],
    ['macro without endmacro', '{% macro broken() %}x\n'],
    ['the same macro twice', '{% macro double(x) %}{{ x }}{% endmacro %}\n'],
    ['endmacro without macro', 'text\n{% endmacro %}\n'],
  ];
  return [
    ...models.map(([what, sql]): FuzzCase => ({ name: `model Jinja: ${what}`, family: 'jinja', files: { 'models/bad.sql': sql }, at: 'models/bad.sql' })),
    // A macro defined twice is reported at one of its two definitions.
    ...macros.map(
      ([what, sql]): FuzzCase => ({
        name: `macro Jinja: ${what}`,
        family: 'jinja',
        files: { 'macros/bad.sql': sql },
        at: what === 'the same macro twice' ? 'macros/' : 'macros/bad.sql',
      }),
    ),
  ];
}

function refCases(): FuzzCase[] {
  const cases: [string, Record<string, string | null>, string][] = [
    ['an unknown ref', { 'models/c.sql': "select * from {{ ref('nope') }}\n" }, 'models/c.sql'],
    ['an unknown ref on line 3', { 'models/c.sql': "select *\nfrom\n{{ ref('bb') }}\n" }, 'models/c.sql'],
    ['an unknown source', { 'models/c.sql': "select * from {{ source('raw', 't') }}\n" }, 'models/c.sql'],
    [
      'an unknown source table',
      { 'models/sources.yml': 'sources:\n  - name: raw\n    tables: [{name: t}]\n', 'models/c.sql': "select * from {{ source('raw', 'u') }}\n" },
      'models/c.sql',
    ],
    [
      'a ref to a disabled model',
      { 'models/c.sql': '{{ config(enabled=false) }}\nselect 1\n', 'models/d.sql': "select * from {{ ref('c') }}\n" },
      'models/d.sql',
    ],
    ['a ref to a removed model', { 'models/a.sql': null, 'models/schema.yml': 'version: 2\n' }, 'models/b.sql'],
    ['two models with one name', { 'models/sub/a.sql': 'select 2 as id\n' }, 'models/sub/a.sql'],
    ['a model and a seed with one name', { 'seeds/a.csv': 'id\n1\n' }, ''],
    ['a ref to another package', { 'models/c.sql': "select * from {{ ref('other_pkg', 'a') }}\n" }, 'models/c.sql'],
  ];
  return cases.map(
    ([what, files, at]): FuzzCase => ({
      name: `refs: ${what}`,
      family: 'refs',
      files,
      // A name defined twice is reported at either definition.
      at: at === '' ? ['models/a.sql', 'seeds/a.csv'] : at,
      line: !['two models with one name', 'a model and a seed with one name'].includes(what),
    }),
  );
}

function cycleCases(): FuzzCase[] {
  const cases: [string, Record<string, string>][] = [
    ['a model reading itself', { 'models/a.sql': "select * from {{ ref('a') }}\n" }],
    ['two models reading each other', { 'models/a.sql': "select * from {{ ref('b') }}\n" }],
    ['three models in a ring', { 'models/a.sql': "select * from {{ ref('c') }}\n", 'models/c.sql': "select * from {{ ref('b') }}\n" }],
    [
      'a ring through an ephemeral model',
      { 'models/a.sql': "select * from {{ ref('e') }}\n", 'models/e.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('b') }}\n" },
    ],
    [
      'two separate rings',
      { 'models/a.sql': "select * from {{ ref('b') }}\n", 'models/c.sql': "select * from {{ ref('d') }}\n", 'models/d.sql': "select * from {{ ref('c') }}\n" },
    ],
  ];
  return cases.map(([what, files]): FuzzCase => ({ name: `cycles: ${what}`, family: 'cycles', files, at: 'models/', line: false }));
}

function selectorCases(): FuzzCase[] {
  const selects = [
    'tag:',
    'path:',
    'config.:x',
    'unknown_method:x',
    'fqn:',
    'source:',
    '+',
    '@',
    '@@a',
    '++a',
    'a++',
    '1+',
    'a+b',
    '2+a+x',
    'a,,b',
    ',a',
    'a,',
    'state:modified',
    'result:error',
    'resource_type:bogus',
    'test_type:bogus',
    'package:',
    '@a+',
    'a+1+',
    'config.materialized:',
  ];
  const selectorFiles: [string, string, string][] = [
    ['an unknown selector name', 'selectors:\n  - name: nightly\n    definition: a\n', 'daily'],
    ['a selector without definition', 'selectors:\n  - name: nightly\n', 'nightly'],
    ['a selector with an unknown method', 'selectors:\n  - name: nightly\n    definition: {method: nope, value: a}\n', 'nightly'],
    ['a selector union that is not a list', 'selectors:\n  - name: nightly\n    definition: {union: a}\n', 'nightly'],
    ['selectors a mapping', 'selectors: {nightly: a}\n', 'nightly'],
    ['two default selectors', 'selectors:\n  - name: a1\n    default: true\n    definition: a\n  - name: a2\n    default: true\n    definition: b\n', 'a1'],
    ['a selector with a bad selector string', 'selectors:\n  - name: nightly\n    definition: "tag:"\n', 'nightly'],
    ['selectors.yml not valid YAML', 'selectors:\n  - name: [nightly\n', 'nightly'],
    ['a selector named twice', 'selectors:\n  - name: n\n    definition: a\n  - name: n\n    definition: b\n', 'n'],
  ];
  return [
    ...selects.map((select): FuzzCase => ({ name: `--select ${JSON.stringify(select)}`, family: 'selectors', files: {}, select: [select], at: undefined })),
    { name: '--exclude "tag:"', family: 'selectors', files: {}, exclude: ['tag:'], at: undefined },
    {
      name: '--selector with --select',
      family: 'selectors',
      files: { 'selectors.yml': 'selectors:\n  - name: n\n    definition: a\n' },
      selector: 'n',
      select: ['a'],
      at: undefined,
    },
    { name: '--selector without selectors.yml', family: 'selectors', files: {}, selector: 'n', at: 'selectors.yml', line: false },
    ...selectorFiles.map(
      ([what, text, name]): FuzzCase => ({
        name: `selectors.yml: ${what}`,
        family: 'selectors',
        files: { 'selectors.yml': text },
        selector: name,
        at: 'selectors.yml',
        line: what !== 'an unknown selector name',
      }),
    ),
  ];
}

function seedCases(): FuzzCase[] {
  const csvs: [string, string, boolean][] = [
    ['an empty file', '', true],
    ['only a BOM', '\uFEFF', true],
    ['a blank header', ' , \n1,2\n', true],
    ['an empty column name', 'id,,name\n1,2,3\n', true],
    ['a column named twice', 'id,id\n1,2\n', true],
    ['a row with more values', 'id,name\n1,x,extra\n', true],
    ['a row with fewer values', 'id,name\n1\n', true],
    ['an unclosed quote', 'id,name\n1,"x\n2,y\n', true],
    ['a quote inside an unquoted value', 'id,name\n1,x"y\n', true],
    ['text after a closing quote', 'id,name\n1,"x"y\n', true],
  ];
  const configured: [string, string, Record<string, string>, boolean][] = [
    [
      'column_types for a missing column',
      'id,name\n1,x\n',
      { 'models/schema.yml': 'version: 2\nseeds:\n  - name: s\n    config:\n      column_types: {nope: String}\n' },
      false,
    ],
    [
      'a non-Nullable column_type over an empty cell',
      'id,name\n1,\n',
      { 'models/schema.yml': 'version: 2\nseeds:\n  - name: s\n    config:\n      column_types: {name: String}\n' },
      true,
    ],
    ['a delimiter that splits rows unevenly', 'id;name\n1;x;y\n', { 'project.yml': `${PROJECT_HEAD}seeds:\n  fz:\n    +delimiter: ";"\n` }, true],
    ['column_types a string', 'id,name\n1,x\n', { 'models/schema.yml': 'version: 2\nseeds:\n  - name: s\n    config:\n      column_types: String\n' }, true],
  ];
  return [
    ...csvs.map(
      ([what, csv, line]): FuzzCase => ({ name: `seed CSV: ${what}`, family: 'seeds', files: { 'seeds/s.csv': csv }, seed: 's', at: 'seeds/s.csv', line }),
    ),
    ...configured.map(
      ([what, csv, files, line]): FuzzCase => ({
        name: `seed CSV: ${what}`,
        family: 'seeds',
        files: { 'seeds/s.csv': csv, ...files },
        seed: 's',
        at: what === 'column_types a string' ? 'models/schema.yml' : 'seeds/s.csv',
        line,
      }),
    ),
  ];
}

/**
 * Materialization-specific configs are checked when the model is planned, not at load (a model the
 * command does not run must never stop the project from loading): these inputs warn at load with
 * their file and fail the model when it runs, which test/e2e/ch-parity.test.ts proves.
 */
export const RUN_TIME_CONFIG_CASES = new Set([
  'project.yml schema: +materialized unknown',
  'project.yml schema: +materialized a list',
  'project.yml schema: +incremental_strategy unknown',
  'project.yml schema: +on_schema_change unknown',
  'models/schema.yml schema: config materialized unknown',
  'model Jinja: config materialized unknown',
  'model Jinja: config materialized not a string',
  'model Jinja: config incremental_strategy unknown',
  'model Jinja: config delete+insert without unique_key',
  'model Jinja: config insert_overwrite without partition_by',
  'model Jinja: config dictionary without primary_key',
]);

export function fuzzCases(): FuzzCase[] {
  const every = [
    ...yamlSyntaxCases(),
    ...projectSchemaCases(),
    ...profilesSchemaCases(),
    ...propertiesSchemaCases(),
    ...jinjaCases(),
    ...refCases(),
    ...cycleCases(),
    ...selectorCases(),
    ...seedCases(),
  ];
  const all = every.filter((c) => !RUN_TIME_CONFIG_CASES.has(c.name));
  const names = new Set<string>();
  for (const c of all) {
    if (names.has(c.name)) throw new Error(`Two fuzz cases are named '${c.name}'.`);
    names.add(c.name);
  }
  return all;
}
