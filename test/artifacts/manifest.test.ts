import { createHash } from 'node:crypto';
import { forRun, noteCompiled } from '../../src/compile/run-state.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest, macroUniqueId } from '../../src/artifacts/manifest.js';
import { loadProject, type Project } from '../../src/compile/load-project.js';
import { projectYml, removeProject, writeProject } from '../support/cli.js';

const MACROS = `{% macro cents(x) -%}
  ({{ x }} * 100)
{%- endmacro %}

{% macro price(x) -%}
  {{ cents(x) }} / 100
{%- endmacro %}
`;
const ORDERS = "{{ config(materialized='table', tags=['mart']) }}\nselect {{ price('amount') }} as p from {{ source('raw', 'orders') }}\n";

let dir: string;
let project: Project;
let manifest: Record<string, any>;

beforeAll(() => {
  dir = writeProject({
    'project.yml': projectYml('shop'),
    'macros/money.sql': MACROS,
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n        loaded_at_field: _at\n',
    'models/marts/orders.sql': ORDERS,
    'models/marts/schema.yml':
      'version: 2\nmodels:\n  - name: orders\n    description: One row per order.\n    columns:\n      - name: p\n        description: Price.\n',
    'models/summary.sql': "select count() from {{ ref('orders') }}\n",
  });
  project = loadProject({ projectDir: dir, env: {} });
  manifest = buildManifest(project, new Date('2024-05-01T00:00:00Z'));
});
afterAll(() => removeProject(dir));

describe('buildManifest', () => {
  it('has dbt v12 metadata', () => {
    expect(manifest.metadata).toMatchObject({
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      generated_at: '2024-05-01T00:00:00.000Z',
      invocation_id: project.invocationId,
      project_name: 'shop',
      project_id: createHash('md5').update('shop').digest('hex'),
      adapter_type: 'clickhouse',
    });
  });

  it("gives models dbt's common fields, with a sha256 of the file and macro ids in dbt's form", () => {
    const orders = manifest.nodes['model.shop.orders'];
    for (const key of [
      'database',
      'schema',
      'name',
      'resource_type',
      'package_name',
      'path',
      'original_file_path',
      'unique_id',
      'fqn',
      'alias',
      'checksum',
      'config',
      'tags',
      'description',
      'columns',
      'meta',
      'docs',
      'patch_path',
      'relation_name',
      'raw_code',
      'language',
      'refs',
      'sources',
      'depends_on',
      'compiled',
      'compiled_code',
      'contract',
      'access',
      'constraints',
      'version',
      'created_at',
    ]) {
      expect(orders, key).toHaveProperty(key);
    }
    expect(orders).toMatchObject({
      database: null,
      schema: 'shop',
      alias: 'orders',
      path: 'marts/orders.sql',
      original_file_path: 'models/marts/orders.sql',
      fqn: ['shop', 'marts', 'orders'],
      tags: ['mart'],
      description: 'One row per order.',
      raw_code: ORDERS,
      relation_name: '`shop`.`orders`',
      sources: [['raw', 'orders']],
      depends_on: { macros: ['macro.shop.price'], nodes: ['source.shop.raw.orders'] },
      checksum: { name: 'sha256', checksum: createHash('sha256').update(ORDERS).digest('hex') },
      patch_path: 'shop://models/marts/schema.yml',
      compiled: false,
      compiled_code: null,
    });
    expect(orders.config).toMatchObject({ materialized: 'table', tags: ['mart'] });
    expect(orders.columns.p).toMatchObject({ name: 'p', description: 'Price.', data_type: null });
    expect(manifest.nodes['model.shop.summary'].refs).toEqual([{ name: 'orders', package: null, version: null }]);
  });

  it('records each macro with its own text, a checksum of it, and the macros it calls', () => {
    const price = manifest.macros['macro.shop.price'];
    expect(price.macro_sql).toBe('{% macro price(x) -%}\n  {{ cents(x) }} / 100\n{%- endmacro %}');
    expect(price.checksum).toEqual({ name: 'sha256', checksum: createHash('sha256').update(price.macro_sql).digest('hex') });
    expect(price.depends_on).toEqual({ macros: ['macro.shop.cents'] });
    expect(price).toMatchObject({ resource_type: 'macro', package_name: 'shop', original_file_path: 'macros/money.sql' });
    expect(manifest.macros['macro.shop.cents'].depends_on).toEqual({ macros: [] });
  });

  it('describes sources with identifier, loaded_at_field and relation_name', () => {
    expect(manifest.sources['source.shop.raw.orders']).toMatchObject({
      resource_type: 'source',
      source_name: 'raw',
      name: 'orders',
      identifier: 'orders',
      schema: 'raw',
      loaded_at_field: '_at',
      relation_name: '`raw`.`orders`',
      ingest: null,
    });
  });

  it('has parent and child maps for every node', () => {
    expect(manifest.parent_map['model.shop.summary']).toEqual(['model.shop.orders']);
    expect(manifest.child_map['source.shop.raw.orders']).toEqual(['model.shop.orders']);
    expect(manifest.child_map['model.shop.summary']).toEqual([]);
  });

  it('includes compiled code once a model is compiled', () => {
    const running = forRun(project);
    noteCompiled(running, 'model.shop.orders', 'select 1');
    const after = buildManifest(running) as Record<string, any>;
    expect(after.nodes['model.shop.orders']).toMatchObject({
      compiled: true,
      compiled_code: 'select 1',
      compiled_path: 'target/compiled/shop/models/marts/orders.sql',
    });
    expect((buildManifest(project) as Record<string, any>).nodes['model.shop.orders'].compiled, 'the parsed project is unchanged').toBe(false);
  });
});

describe('macroUniqueId', () => {
  it("turns tsdbt's macro.<name> into dbt's macro.<package>.<name>, and leaves qualified ids alone", () => {
    expect(macroUniqueId('shop', 'macro.cents')).toBe('macro.shop.cents');
    expect(macroUniqueId('shop', 'macro.dbt.run_query')).toBe('macro.dbt.run_query');
  });
});
