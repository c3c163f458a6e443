import { describe, expect, it } from 'vitest';
import { compiledSqlOf } from '../../src/compile/run-state.js';
import type { Project } from '../../src/compile/load-project.js';
import type { ModelNode } from '../../src/compile/nodes.js';
import { compileModels, renderModel } from '../../src/compile/render-model.js';
import { materializationProblems } from '../../src/compile/model-config.js';
import { ErrorCodes } from '../../src/core/errors.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { load, loadErrors, summary } from '../support/project.js';

const PROJECT_YML = 'name: shop\nprofile: shop\n';

function model(project: Project, name: string): ModelNode {
  const node = project.models.get(`model.shop.${name}`);
  if (node === undefined) throw new Error(`no model ${name}; have ${[...project.models.keys()].join(', ')}`);
  return node;
}

function compiled(project: Project, name: string): string {
  return renderModel(project, model(project, name));
}

describe('ref, source, this, target', () => {
  const files = {
    'project.yml': PROJECT_YML,
    'models/sources.yml': [
      'version: 2',
      'sources:',
      '  - name: raw',
      '    schema: landing',
      '    tables:',
      '      - name: orders',
      '      - name: customers',
      '        identifier: customers_v2',
      '  - name: events',
      '    tables:',
      '      - name: clicks',
    ].join('\n'),
    'models/stg_orders.sql': "select * from {{ source('raw', 'orders') }} join {{ source('raw', 'customers') }} using id",
    'models/stg_clicks.sql': "select * from {{ source('events', 'clicks') }}",
    'models/orders.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('stg_orders') }} -- {{ this }} {{ this.name }} {{ this.schema }}",
    'models/pkg_ref.sql': "select * from {{ ref('shop', 'orders') }}",
    'models/targets.sql': "select '{{ target.name }}' as t, '{{ target.schema }}' as s, '{{ target.type }}' as ty, {{ target.threads }} as th",
  };

  it('render as quoted database.table names, and make the dependencies', () => {
    const project = load(files);
    expect(compiled(project, 'stg_orders')).toBe('select * from `landing`.`orders` join `landing`.`customers_v2` using id');
    expect(compiled(project, 'stg_clicks')).toBe('select * from `events`.`clicks`');
    expect(compiled(project, 'orders')).toBe('select * from `shop`.`stg_orders` -- `shop`.`orders` orders shop');
    expect(compiled(project, 'pkg_ref')).toBe('select * from `shop`.`orders`');
    expect(compiled(project, 'targets')).toBe("select 'dev' as t, 'shop' as s, 'chdb' as ty, 4 as th");
    expect(model(project, 'stg_orders').dependsOn.nodes).toEqual(['source.shop.raw.customers', 'source.shop.raw.orders']);
    expect(model(project, 'orders').dependsOn.nodes).toEqual(['model.shop.stg_orders']);
    expect(model(project, 'pkg_ref').dependsOn.nodes).toEqual(['model.shop.orders']);
    expect(project.graph.successors('model.shop.stg_orders')).toEqual(['model.shop.orders']);
  });

  it('reads sources from YAML: database, identifier, descriptions and columns', () => {
    const project = load({
      ...files,
      'models/sources.yml': [
        'version: 2',
        'sources:',
        '  - name: raw',
        '    database: landing',
        "    description: \"Landed {{ var('system', 'erp') }} data\"",
        '    tables:',
        '      - name: orders',
        '        identifier: "orders_{{ target.name }}"',
        '        description: All orders.',
        '        columns:',
        '          - name: id',
        '            description: The key.',
        '            data_type: UInt64',
        '      - name: customers',
      ].join('\n'),
      'models/stg_clicks.sql': 'select 1',
    });
    const orders = project.sources.get('source.shop.raw.orders')!;
    expect(orders).toMatchObject({
      sourceName: 'raw',
      name: 'orders',
      relation: { schema: 'landing', identifier: 'orders_dev' },
      description: 'All orders.',
      sourceDescription: 'Landed erp data',
      originalFilePath: 'models/sources.yml',
      line: 7,
      fqn: ['shop', 'raw', 'orders'],
    });
    expect(orders.columns).toEqual({ id: { name: 'id', description: 'The key.', dataType: 'UInt64', meta: {}, tags: [], tests: [] } });
  });

  it('models get descriptions and columns from property files', () => {
    const project = load({
      ...files,
      'models/schema.yml':
        'version: 2\nmodels:\n  - name: orders\n    description: One row per order.\n    columns:\n      - name: id\n        description: Key.\n',
    });
    const orders = model(project, 'orders');
    expect(orders.description).toBe('One row per order.');
    expect(orders.columns.id?.description).toBe('Key.');
    expect(orders.patchPath).toBe('models/schema.yml');
  });
});

describe('config, var, is_incremental and macros inside models', () => {
  it('config() sets the materialization and engine options; config.get reads them back', () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'models/t.sql':
        "{{ config(materialized='table', order_by=['a', 'b'], engine='ReplacingMergeTree(v)', settings={'index_granularity': 1024}) }}\nselect 1 as a -- {{ config.get('engine') }} {{ config.get('missing', 'dflt') }} {{ config.get('materialized') }}",
    });
    const node = model(project, 't');
    expect(node.config).toMatchObject({ materialized: 'table', order_by: ['a', 'b'], engine: 'ReplacingMergeTree(v)', settings: { index_granularity: 1024 } });
    expect(compiled(project, 't')).toBe('select 1 as a -- ReplacingMergeTree(v) dflt table');
  });

  it('var reads project vars, overridden by --vars', () => {
    const files = {
      'project.yml': `${PROJECT_YML}vars:\n  limit_to: 10\n  region: eu\n`,
      'models/v.sql': "select * from t where region = '{{ var('region') }}' limit {{ var('limit_to') }}",
    };
    expect(compiled(load(files), 'v')).toBe("select * from t where region = 'eu' limit 10");
    expect(compiled(load(files, { vars: { limit_to: 3 } }), 'v')).toBe("select * from t where region = 'eu' limit 3");
  });

  it('a missing var fails at parse time with the model file and line', () => {
    const errors = loadErrors({ 'project.yml': PROJECT_YML, 'models/v.sql': "select\n  {{ var('nope') }}" });
    expect(errors.map(summary)).toMatchObject([
      { code: ErrorCodes.TEMPLATE_RENDER, message: "Required variable 'nope' has no value.", location: 'models/v.sql:2' },
    ]);
  });

  it('env_var with a default', () => {
    const files = { 'project.yml': PROJECT_YML, 'models/e.sql': "select '{{ env_var('SHOP_REGION', 'us') }}' as region" };
    expect(compiled(load(files), 'e')).toBe("select 'us' as region");
    expect(compiled(load(files, { env: { SHOP_REGION: 'eu' } }), 'e')).toBe("select 'eu' as region");
  });

  it('is_incremental() is false (no incremental runs yet)', () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'models/i.sql': 'select 1{% if is_incremental() %} where x > (select max(x) from {{ this }}){% endif %}',
    });
    expect(compiled(project, 'i')).toBe('select 1');
  });

  it('log() in a model goes to the logger given to loadProject', () => {
    const logger = new MemoryLogger();
    load({ 'project.yml': PROJECT_YML, 'models/l.sql': "{{ log('parsing l', info=True) }}select 1" }, { logger });
    expect(logger.events.map((event) => event.message)).toEqual(['parsing l']);
  });

  it('macros from macros/ are callable from models, and calling each other', () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'macros/money.sql':
        '{% macro cents_to_dollars(col, scale=2) %}round({{ col }} / 100, {{ scale }}){% endmacro %}\n{% macro money(col) %}{{ cents_to_dollars(col) }} as {{ col }}_usd{% endmacro %}',
      'models/m.sql': 'select {{ money("amount") }}, {{ cents_to_dollars("tax", scale=0) }} as tax from t',
    });
    expect(compiled(project, 'm')).toBe('select round(amount / 100, 2) as amount_usd, round(tax / 100, 0) as tax from t');
    expect(model(project, 'm').dependsOn.macros).toEqual(['macro.cents_to_dollars', 'macro.money']);
  });

  it('raise_compiler_error in a model fails the load with TSDBT2007 and the file', () => {
    const errors = loadErrors({
      'project.yml': PROJECT_YML,
      'models/x.sql': "select 1\n{% if true %}{{ exceptions.raise_compiler_error('x is not ready') }}{% endif %}",
    });
    expect(errors.map(summary)).toEqual([
      {
        code: ErrorCodes.COMPILER_ERROR_RAISED,
        message: 'x is not ready',
        location: 'models/x.sql:2',
        hint: 'This error was raised by the project itself (exceptions.raise_compiler_error).',
      },
    ]);
  });
});

describe('config precedence: project tree < YAML properties < config() in the file', () => {
  const files = {
    'project.yml': [
      PROJECT_YML,
      'models:',
      '  shop:',
      '    +materialized: view',
      '    +tags: [base]',
      '    +settings: {a: 1}',
      '    marts:',
      '      +materialized: table',
      '      +order_by: id',
      '      +tags: [mart]',
      '      finance:',
      '        +schema: finance',
    ].join('\n'),
    'models/stg.sql': 'select 1 as id',
    'models/marts/orders.sql': 'select 1 as id',
    'models/marts/finance/revenue.sql': "{{ config(order_by='day', tags=['money'], settings={'b': 2}) }}\nselect 1 as day",
    'models/marts/finance/costs.sql': 'select 1 as day',
    'models/schema.yml': [
      'version: 2',
      'models:',
      '  - name: costs',
      '    config:',
      '      materialized: view',
      '      tags: [yaml]',
      '  - name: revenue',
      '    config:',
      '      order_by: month',
      '      engine: SummingMergeTree',
    ].join('\n'),
  };

  it('folders inherit and override, tags accumulate, settings merge', () => {
    const project = load(files);
    expect(model(project, 'stg').config).toMatchObject({ materialized: 'view', tags: ['base'], settings: { a: 1 } });
    expect(model(project, 'orders').config).toMatchObject({ materialized: 'table', order_by: 'id', tags: ['base', 'mart'] });
    expect(model(project, 'orders').fqn).toEqual(['shop', 'marts', 'orders']);
    expect(model(project, 'costs').config).toMatchObject({ materialized: 'view', order_by: 'id', schema: 'finance', tags: ['base', 'mart', 'yaml'] });
    expect(model(project, 'revenue').config).toMatchObject({
      materialized: 'table',
      order_by: 'day',
      engine: 'SummingMergeTree',
      schema: 'finance',
      tags: ['base', 'mart', 'money'],
      settings: { a: 1, b: 2 },
    });
    expect(model(project, 'revenue').tags).toEqual(['base', 'mart', 'money']);
  });

  it('a custom schema is appended to the target schema (dbt naming)', () => {
    const project = load(files);
    expect(model(project, 'revenue').relation).toEqual({ schema: 'shop_finance', identifier: 'revenue' });
    expect(model(project, 'orders').relation).toEqual({ schema: 'shop', identifier: 'orders' });
    expect(compiled(project, 'revenue')).toBe('select 1 as day');
  });

  it('alias renames the relation; ref() follows it', () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'models/a.sql': "{{ config(alias='a_v2', schema='x') }}select 1",
      'models/b.sql': "select * from {{ ref('a') }}",
    });
    expect(model(project, 'a').relation).toEqual({ schema: 'shop_x', identifier: 'a_v2' });
    expect(compiled(project, 'b')).toBe('select * from `shop_x`.`a_v2`');
  });

  it("a project's generate_schema_name macro decides the schema", () => {
    const project = load({
      ...files,
      'macros/naming.sql': [
        '{% macro generate_schema_name(custom_schema_name, node) -%}',
        '  {%- if custom_schema_name is none -%}{{ target.schema }}',
        '  {%- else -%}{{ custom_schema_name | trim }}{%- endif -%}',
        '{%- endmacro %}',
      ].join('\n'),
      'models/marts/finance/uses.sql': "select * from {{ ref('revenue') }}",
    });
    expect(model(project, 'revenue').relation).toEqual({ schema: 'finance', identifier: 'revenue' });
    expect(model(project, 'orders').relation).toEqual({ schema: 'shop', identifier: 'orders' });
    expect(compiled(project, 'uses')).toBe('select * from `finance`.`revenue`');
  });

  it('generate_alias_name is honoured too', () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'macros/alias.sql': "{% macro generate_alias_name(custom_alias_name=none, node=none) %}{{ 'v_' ~ node.name }}{% endmacro %}",
      'models/a.sql': 'select 1',
    });
    expect(model(project, 'a').relation).toEqual({ schema: 'shop', identifier: 'v_a' });
  });

  it('warns of an unknown materialization with a did-you-mean, at the config() line; the model fails only when it runs', () => {
    const project = load({ 'project.yml': PROJECT_YML, 'models/a.sql': "-- header\n{{ config(materialized='tabel') }}\nselect 1" });
    expect(project.warnings).toEqual([
      expect.stringMatching(
        /^models\/a\.sql:2: Unknown materialization 'tabel'\. Did you mean 'table'\? Model 'a' fails with this error when it runs\. Use one of: view, table/,
      ),
    ]);
    const node = project.models.get('model.demo.a') ?? [...project.models.values()][0]!;
    expect(materializationProblems(node.config, node.originalFilePath, 2).map(summary)).toEqual([
      {
        code: ErrorCodes.MODEL_CONFIG_INVALID,
        message: "Unknown materialization 'tabel'. Did you mean 'table'?",
        location: 'models/a.sql:2',
        hint: expect.stringMatching(/^Use one of: view, table/),
      },
    ]);
  });

  it('rejects an order_by that is not SQL text', () => {
    const errors = loadErrors({ 'project.yml': PROJECT_YML, 'models/a.sql': "{{ config(materialized='table', order_by={'a': 1}) }}select 1" });
    expect(errors.map(summary)).toMatchObject([
      {
        code: ErrorCodes.MODEL_CONFIG_INVALID,
        message: 'Config \'order_by\' must be a SQL expression string (or a list of column names), but it is {"a":1}.',
        location: 'models/a.sql:1',
      },
    ]);
  });
});

describe('property files', () => {
  it('warn about a model described in YAML that has no SQL file', () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'models/a.sql': 'select 1',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n  - name: ghost\n',
    });
    expect(project.warnings).toEqual(["models/schema.yml:4: model 'ghost' is described but there is no models/**/ghost.sql."]);
  });

  it('report a model described twice, at the second entry', () => {
    const errors = loadErrors({
      'project.yml': PROJECT_YML,
      'models/a.sql': 'select 1',
      'models/one.yml': 'version: 2\nmodels:\n  - name: a\n',
      'models/two.yml': 'version: 2\nmodels:\n  - name: b\n  - name: a\n',
    });
    expect(errors.map(summary)).toEqual([
      {
        code: ErrorCodes.PROPERTIES_INVALID,
        message: "models/two.yml: `models.1` describes 'a' again; it is already described in models/one.yml:3.",
        location: 'models/two.yml:4',
        hint: 'Keep one entry per model.',
      },
    ]);
  });

  it('leave YAML files that are not property files alone', () => {
    const project = load({ 'project.yml': PROJECT_YML, 'models/a.sql': 'select 1', 'models/other-tool.yml': 'some_tool:\n  setting: 1\n' });
    expect(project.warnings).toEqual([]);
  });
});

describe('compiling everything', () => {
  it("compileModels notes each model's compiled SQL in the project's run state", () => {
    const project = load({ 'project.yml': PROJECT_YML, 'models/a.sql': 'select 1 as x', 'models/b.sql': "select x from {{ ref('a') }}" });
    expect(compileModels(project)).toEqual([]);
    expect([...project.models.values()].map((node) => [node.name, compiledSqlOf(project, node)])).toEqual([
      ['a', 'select 1 as x'],
      ['b', 'select x from `shop`.`a`'],
    ]);
  });
});
