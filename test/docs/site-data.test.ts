/** The docs site's data, built from a parsed project, a catalog and the last run: no database, no browser. */
import { noteCompiled } from '../../src/compile/run-state.js';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/docs/catalog.js';
import type { LastRunResults } from '../../src/docs/run-results-file.js';
import { buildSiteData, CHUNK_SIZE, summaryOf } from '../../src/docs/site-data.js';
import { projectYml } from '../support/cli.js';
import { load } from '../support/project.js';

const FILES = {
  'project.yml': projectYml('shop'),
  'models/docs.md':
    '{% docs __overview__ %}\n# Shop\nThe **shop** project.\n{% enddocs %}\n{% docs orders_doc %}\nOne row per *order*.\n\nSecond paragraph.\n{% enddocs %}\n',
  'models/sources.yml':
    'version: 2\nsources:\n  - name: raw\n    description: Landed data.\n    tables:\n      - name: orders\n        description: Raw orders.\n        loaded_at_field: _loaded_at\n',
  'models/staging/orders.sql': "select id, amount from {{ source('raw', 'orders') }}",
  'models/marts/revenue.sql': "{{ config(materialized='table', tags=['finance']) }}\nselect sum(amount) as total from {{ ref('orders') }}",
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: orders',
    '    description: "{{ doc(\'orders_doc\') }}"',
    '    columns:',
    '      - name: id',
    '        description: The order id.',
    '        data_tests: [not_null]',
    '      - name: amount',
    '        description: In cents.',
    '        data_type: Int64',
    '      - name: gone',
    '        description: Documented, but not in the table.',
  ].join('\n'),
};

const catalog = (): Catalog => ({
  relations: new Map([
    [
      'shop.orders',
      {
        schema: 'shop',
        name: 'orders',
        engine: 'View',
        columns: [
          { name: 'id', type: 'UInt64', index: 1, comment: '' },
          { name: 'amount', type: 'Int64', index: 2, comment: '' },
          { name: 'extra', type: 'String', index: 3, comment: 'from the database' },
        ],
      },
    ],
  ]),
  errors: [],
});

describe('buildSiteData', () => {
  it('lists every node (sources, models, tests) with its parents, kind and summary', () => {
    const project = load(FILES);
    const { graph } = buildSiteData({ project, catalog: catalog(), generatedAt: new Date('2026-01-02T03:04:05Z') });
    expect(graph.nodes.map((node) => `${node.resourceType}:${node.name}`)).toEqual([
      'source:orders',
      'model:orders',
      'model:revenue',
      expect.stringMatching(/^test:not_null_orders_id/),
    ]);
    const byName = (name: string) => graph.nodes.find((node) => node.name === name && node.resourceType !== 'source')!;
    const index = (id: string) => graph.nodes.findIndex((node) => node.uniqueId === id);
    expect(byName('orders').parents).toEqual([index('source.shop.raw.orders')]);
    expect(byName('revenue').parents).toEqual([index('model.shop.orders')]);
    expect(byName('revenue')).toMatchObject({ kind: 'table', tags: ['finance'], schema: 'shop', identifier: 'revenue', fqn: ['shop', 'marts', 'revenue'] });
    expect(byName('orders')).toMatchObject({ kind: 'view', summary: 'One row per order.' });
    expect(graph.nodes[0]).toMatchObject({ kind: 'source', sourceName: 'raw', summary: 'Raw orders.' });
    expect(graph.project).toMatchObject({
      name: 'shop',
      generatedAt: '2026-01-02T03:04:05.000Z',
      overview: '# Shop\nThe **shop** project.',
      lastRun: null,
      catalogNote: null,
    });
    expect(graph.chunkCount).toBe(1);
  });

  it('merges database columns (in table order) with documented ones, and flags those the database lacks', () => {
    const project = load(FILES);
    const { graph, chunks } = buildSiteData({ project, catalog: catalog() });
    const orders = chunks[0]!.find((details) => details.uniqueId === 'model.shop.orders')!;
    expect(orders.columns).toEqual([
      { name: 'id', type: 'UInt64', description: 'The order id.', tags: [], tests: ['not_null'] },
      { name: 'amount', type: 'Int64', declaredType: 'Int64', description: 'In cents.', tags: [], tests: [] },
      { name: 'extra', type: 'String', description: 'from the database', tags: [], tests: [] },
      { name: 'gone', description: 'Documented, but not in the table.', tags: [], tests: [], missingInDatabase: true },
    ]);
    expect(orders).toMatchObject({
      relation: { engine: 'View', exists: true },
      description: 'One row per *order*.\n\nSecond paragraph.',
      patchPath: 'models/schema.yml',
    });
    expect(orders.rawSql).toContain("source('raw', 'orders')");
    // Not in the catalog: columns as documented, nothing flagged missing.
    const revenue = chunks[0]!.find((details) => details.uniqueId === 'model.shop.revenue')!;
    expect(revenue.relation).toBeUndefined();
    const source = chunks[0]!.find((details) => details.uniqueId === 'source.shop.raw.orders')!;
    expect(source).toMatchObject({ sourceDescription: 'Landed data.', loadedAtField: '_loaded_at', ingest: false, columns: [] });
    const test = chunks[0]!.find((details) => details.uniqueId.startsWith('test.'))!;
    expect(test).toMatchObject({ attachedNode: 'model.shop.orders', columnName: 'id', testMetadata: { name: 'not_null' } });
    expect(graph.nodes.find((node) => node.resourceType === 'test')!.parents).toEqual([1]);
  });

  it('carries compiled SQL, compile errors and last-run statuses', () => {
    const project = load(FILES);
    noteCompiled(project, 'model.shop.orders', 'select id, amount from `shop`.`orders`');
    const lastRun: LastRunResults = {
      at: '2026-01-01T00:00:00Z',
      elapsedSeconds: 1.5,
      command: 'run',
      byId: new Map([
        ['model.shop.orders', { status: 'success', executionTime: 0.25, message: 'OK' }],
        ['model.shop.revenue', { status: 'error', executionTime: 0.5, message: 'Code: 60. Table missing' }],
      ]),
    };
    const { graph, chunks } = buildSiteData({
      project,
      catalog: { relations: new Map(), errors: [] },
      lastRun,
      compileErrors: new Map([['model.shop.revenue', 'boom']]),
      catalogNote: 'skipped',
    });
    const node = (name: string) => graph.nodes.find((one) => one.name === name && one.resourceType === 'model')!;
    expect(node('orders').lastRun).toEqual({ status: 'success', executionTime: 0.25, message: 'OK', at: '2026-01-01T00:00:00Z' });
    expect(node('revenue').lastRun?.status).toBe('error');
    expect(graph.nodes[0]!.lastRun).toBeUndefined();
    expect(graph.project.lastRun).toEqual({ at: '2026-01-01T00:00:00Z', elapsedSeconds: 1.5, command: 'run' });
    expect(graph.project.catalogNote).toBe('skipped');
    const details = new Map(chunks[0]!.map((one) => [one.uniqueId, one]));
    expect(details.get('model.shop.orders')!.compiledSql).toBe('select id, amount from `shop`.`orders`');
    expect(details.get('model.shop.revenue')).toMatchObject({ compileError: 'boom' });
    expect(details.get('model.shop.revenue')!.compiledSql).toBeUndefined();
    // The data is JSON: no undefined values anywhere.
    expect(JSON.parse(JSON.stringify(chunks))).toEqual(chunks);
  });

  it('splits details into chunks of CHUNK_SIZE nodes, and each node knows its chunk', () => {
    const files: Record<string, string> = { 'project.yml': projectYml('big') };
    const count = CHUNK_SIZE * 2 + 5;
    for (let i = 0; i < count; i++)
      files[`models/m${String(i).padStart(4, '0')}.sql`] = i === 0 ? 'select 1 as x' : `select * from {{ ref('m${String(i - 1).padStart(4, '0')}') }}`;
    const { graph, chunks } = buildSiteData({ project: load(files), catalog: { relations: new Map(), errors: [] } });
    expect(graph.chunkCount).toBe(3);
    expect(chunks.map((chunk) => chunk.length)).toEqual([CHUNK_SIZE, CHUNK_SIZE, 5]);
    graph.nodes.forEach((node, index) => {
      expect(node.chunk).toBe(Math.floor(index / CHUNK_SIZE));
      expect(chunks[node.chunk]!.some((details) => details.uniqueId === node.uniqueId)).toBe(true);
    });
    expect(graph.nodes[count - 1]!.parents).toEqual([count - 2]);
  });
});

describe('summaryOf', () => {
  it('takes the first text line as plain text, skipping headings and Markdown marks', () => {
    expect(summaryOf('# Title\n\nThe **bold** [link](http://x) and `code`.\nmore')).toBe('The bold link and code.');
    expect(summaryOf('')).toBe('');
    expect(summaryOf('x'.repeat(200))).toHaveLength(158);
  });
});
