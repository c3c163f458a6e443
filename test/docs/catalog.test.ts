/** The catalog: actual columns and types, read with one query per database, on chDB and (when set up) a real server. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { quoteIdentifier } from '../../src/core/sql-literals.js';
import type { Adapter, ExecuteOptions } from '../../src/core/adapter-types.js';
import { buildCatalogJson, CATALOG_SQL, projectDatabases, readCatalog } from '../../src/docs/catalog.js';
import { projectYml, removeProject } from '../support/cli.js';
import { SERVER_SKIP_REASON, serverTarget, skipServerTests, testDatabase } from '../support/clickhouse-server.js';
import { load } from '../support/project.js';

/** The adapter, counting the statements sent through `query`. */
function counting(adapter: Adapter): { adapter: Adapter; queries: string[] } {
  const queries: string[] = [];
  const wrapped = Object.create(adapter) as Adapter;
  wrapped.query = <T>(sql: string, options?: ExecuteOptions) => {
    queries.push(sql);
    return adapter.query<T>(sql, options);
  };
  return { adapter: wrapped, queries };
}

async function createFixture(adapter: Adapter, db: string, other: string): Promise<void> {
  for (const name of [db, other]) await adapter.execute(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(name)}`);
  await adapter.execute(
    `CREATE TABLE ${quoteIdentifier(db)}.orders (id UInt64, amount Nullable(Decimal(12, 2)), placed_at DateTime, tags Array(String)) ENGINE = MergeTree ORDER BY id`,
  );
  await adapter.execute(`CREATE VIEW ${quoteIdentifier(db)}.big_orders AS SELECT id, amount FROM ${quoteIdentifier(db)}.orders WHERE amount > 100`);
  await adapter.execute(`CREATE TABLE ${quoteIdentifier(other)}.customers (name String, id UInt32) ENGINE = MergeTree ORDER BY id`);
}

async function checkCatalog(adapter: Adapter, db: string, other: string): Promise<void> {
  const { adapter: wrapped, queries } = counting(adapter);
  const catalog = await readCatalog(wrapped, [other, db, db, 'tsdbt_docs_no_such_database']);
  // One statement per distinct database, whatever the number of relations; a missing database is just empty.
  expect(queries).toEqual([CATALOG_SQL, CATALOG_SQL, CATALOG_SQL]);
  expect(catalog.errors).toEqual([]);
  expect([...catalog.relations.keys()]).toEqual([`${db}.big_orders`, `${db}.orders`, `${other}.customers`].sort());
  expect(catalog.relations.get(`${db}.orders`)).toEqual({
    schema: db,
    name: 'orders',
    engine: 'MergeTree',
    columns: [
      { name: 'id', type: 'UInt64', index: 1, comment: '' },
      { name: 'amount', type: 'Nullable(Decimal(12, 2))', index: 2, comment: '' },
      { name: 'placed_at', type: 'DateTime', index: 3, comment: '' },
      { name: 'tags', type: 'Array(String)', index: 4, comment: '' },
    ],
  });
  expect(catalog.relations.get(`${db}.big_orders`)).toMatchObject({
    engine: 'View',
    columns: [
      { name: 'id', type: 'UInt64' },
      { name: 'amount', type: 'Nullable(Decimal(12, 2))' },
    ],
  });
  // Column order is the table's, not alphabetical.
  expect(catalog.relations.get(`${other}.customers`)!.columns.map((column) => column.name)).toEqual(['name', 'id']);
}

describe('readCatalog on chDB', () => {
  let adapter: Adapter;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-docs-catalog-'));
    adapter = await connect({ type: 'chdb', name: 'dev', schema: 'shop', threads: 1, settings: {}, path: path.join(dir, 'chdb') });
    await createFixture(adapter, 'shop', 'crm');
  });
  afterAll(async () => {
    await adapter?.close();
    removeProject(dir);
  });

  it('reads every relation of each database with its engine and columns in order, one query per database', async () => {
    await checkCatalog(adapter, 'shop', 'crm');
  });

  it("builds catalog.json in dbt's shape for the project's models and sources", async () => {
    const project = load({
      'project.yml': projectYml('shop'),
      'models/sources.yml': 'version: 2\nsources:\n  - name: crm\n    schema: crm\n    tables:\n      - name: customers\n',
      'models/orders.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/big_orders.sql': "select * from {{ ref('orders') }}",
      'models/not_built.sql': 'select 1 as x',
    });
    expect(projectDatabases(project)).toEqual(['crm', 'shop']);
    const catalog = await readCatalog(adapter, projectDatabases(project));
    const json = buildCatalogJson(project, catalog, new Date('2026-01-01T00:00:00Z')) as {
      metadata: Record<string, unknown>;
      nodes: Record<string, { metadata: Record<string, unknown>; columns: Record<string, unknown> }>;
      sources: Record<string, unknown>;
      errors: unknown;
    };
    expect(json.metadata).toMatchObject({ dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json', generated_at: '2026-01-01T00:00:00.000Z' });
    expect(Object.keys(json.nodes).sort()).toEqual(['model.shop.big_orders', 'model.shop.orders']);
    expect(json.nodes['model.shop.orders']!.metadata).toMatchObject({ type: 'table', schema: 'shop', name: 'orders', engine: 'MergeTree' });
    expect(json.nodes['model.shop.big_orders']!.metadata).toMatchObject({ type: 'view', engine: 'View' });
    expect(json.nodes['model.shop.orders']!.columns['amount']).toEqual({ type: 'Nullable(Decimal(12, 2))', index: 2, name: 'amount', comment: null });
    expect(Object.keys(json.sources)).toEqual(['source.shop.crm.customers']);
    expect(json.errors).toBeNull();
  });
});

describe.skipIf(skipServerTests)(skipServerTests ? `readCatalog on a real server (skipped: ${SERVER_SKIP_REASON})` : 'readCatalog on a real server', () => {
  let adapter: Adapter;
  const db = testDatabase('tsdbt_docs');
  const other = testDatabase('tsdbt_docs_other');
  beforeAll(async () => {
    adapter = await connect(serverTarget());
    await createFixture(adapter, db, other);
  });
  afterAll(async () => {
    for (const name of [db, other]) await adapter?.execute(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`).catch(() => undefined);
    await adapter?.close();
  });

  it('reads the same catalog (also on old servers without system.columns.position)', async () => {
    await checkCatalog(adapter, db, other);
  });
});
