/**
 * Column lineage through the CLI, from the real chDB analyzer. A golden file holds the lineage
 * `tsdbt check` derives for test/fixtures/lineage-shop (a CTE with a filter, ARRAY JOIN, joins to
 * an ephemeral model and a seed, aggregations, a window function, a UNION ALL, a table function);
 * regenerate it with `UPDATE_GOLDEN=1 npx vitest run test/e2e/lineage.test.ts` and review the diff.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, removeProject } from '../support/cli.js';
import { copyExample, tsdbt } from './example-project.js';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'lineage-shop');
const GOLDEN = path.join(FIXTURE, 'lineage.golden.json');

describe('column lineage of the lineage-shop fixture', () => {
  let dir: string;
  let home: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-lineage-'));
    cpSync(FIXTURE, dir, { recursive: true });
    home = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-home-'));
  });
  afterAll(() => {
    removeProject(dir);
    removeProject(home);
  });

  it('check writes target/lineage.json: joins, CTEs, aggregations, ARRAY JOIN, ephemeral models, as the golden file says', async () => {
    const result = await tsdbt(dir, home, ['check']);
    expect(result.code).toBe(0);
    const written = JSON.parse(readFileSync(path.join(dir, 'target', 'lineage.json'), 'utf8')) as { models: Record<string, { checksum: string }> };
    const models = Object.fromEntries(Object.entries(written.models).map(([id, entry]) => [id, { ...entry, checksum: '<checksum>' }]));
    const text = `${JSON.stringify(models, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
    expect(Object.keys(models).sort()).toEqual([
      'model.shop.customer_orders',
      'model.shop.customers',
      'model.shop.numbers_model',
      'model.shop.stg_orders',
      'model.shop.top_customers',
    ]);
  });

  it('manifest.json carries each checked column with its type and lineage', () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as {
      nodes: Record<string, { columns: Record<string, { data_type: string; lineage: { upstream: unknown[]; unknown: string[] } }> }>;
    };
    const item = manifest.nodes['model.shop.stg_orders']!.columns.item!;
    expect(item.data_type).toBe('String');
    expect(item.lineage.upstream).toEqual([
      { node: 'source.shop.raw.orders', column: 'amount', kind: 'filter' },
      { node: 'source.shop.raw.orders', column: 'items', kind: 'transformation' },
    ]);
  });

  it('tsdbt lineage prints the chain to the sources, through the ephemeral model and the ARRAY JOIN', async () => {
    const result = await tsdbt(dir, home, ['lineage', 'customer_orders.items', '--upstream']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('customer_orders.items');
    expect(lines).toContain('├─ stg_orders.item  [aggregated from]');
    expect(lines).toContain('│  ├─ source raw.orders.amount  [filter]');
    expect(lines).toContain('│  └─ source raw.orders.items  [computed from]');
    expect(lines.some((line) => line.endsWith('customers.customer_name  [group by key]'))).toBe(true);
  });

  it('--downstream --depth 1 --output json: the model columns computed from a source column', async () => {
    const result = await tsdbt(dir, home, ['lineage', 'raw.orders.items', '--downstream', '--depth', '1', '--output', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      node: 'source.shop.raw.orders',
      name: 'source raw.orders',
      column: 'items',
      kind: null,
      unknown: [],
      truncated: false,
      downstream: [{ node: 'model.shop.stg_orders', name: 'stg_orders', column: 'item', kind: 'transformation', unknown: [], truncated: true, downstream: [] }],
    });
  });

  it('says what the engine cannot say: a column from a table function', async () => {
    const result = await tsdbt(dir, home, ['lineage', 'numbers_model.label']);
    expect(result.stdout).toBe("numbers_model.label  (unknown: column 'number' comes from the table function numbers())\n");
    expect(result.code).toBe(0);
  });

  it('column:<model>.<column>+ selects the models computed from the column, not every child of its model', async () => {
    const byColumn = await tsdbt(dir, home, ['ls', '--select', 'column:stg_orders.item+']);
    expect(byColumn.stdout.trim().split('\n')).toEqual(['shop.customer_orders', 'shop.stg_orders']);
    const byModel = await tsdbt(dir, home, ['ls', '--select', 'stg_orders+', '--resource-type', 'model']);
    expect(byModel.stdout.trim().split('\n')).toEqual(['shop.customer_orders', 'shop.stg_orders', 'shop.top_customers']);
  });

  it('column: refuses lineage that a changed model made out of date, naming the check to run', async () => {
    const file = path.join(dir, 'models', 'customer_orders.sql');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, `${before}-- changed\n`);
    try {
      const result = await tsdbt(dir, home, ['ls', '--select', 'column:stg_orders.item+']);
      expect(result.stderr).toContain('TSDBT3201');
      expect(result.stderr).toContain('needs the column lineage of customer_orders, top_customers');
      expect(result.stderr).toContain('Run `tsdbt check --select stg_orders+` first.');
      expect(result.code).toBe(2);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('an unknown column is an error with a suggestion, exit 2', async () => {
    const result = await tsdbt(dir, home, ['lineage', 'stg_orders.items']);
    expect(result.stderr).toContain("TSDBT3200: Model 'stg_orders' has no output column 'items'. Did you mean 'item'?");
    expect(result.code).toBe(2);
  });
});

describe('column lineage of the example project', () => {
  let project: ReturnType<typeof copyExample>;
  beforeAll(() => {
    project = copyExample();
  });
  afterAll(() => project.remove());

  it('people_per_craft.people --upstream names the source column it comes from through people', async () => {
    const result = await tsdbt(project.dir, project.home, ['lineage', 'people_per_craft.people', '--upstream']);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'people_per_craft.people',
      '└─ people.craft  [group by key]',
      '   ├─ source astro.raw_astros._inserted_at  [filter]',
      '   └─ source astro.raw_astros.payload  [computed from]',
    ]);
    expect(result.code).toBe(0);
  });
});
