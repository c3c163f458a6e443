import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { Project } from '../../src/compile/load-project.js';
import { build, createInvocation, type RunNodesOptions } from '../../src/index.js';
import { copyExample, relationsOf, withChdb } from '../e2e/example-project.js';
import { REPO_ROOT, removeProject } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';

/** The run-time objects that travel beside the parse result and are not part of it (see ARCHITECTURE.md). */
const RUNTIME_PARTS: readonly (keyof Project)[] = ['engine', 'logger'];

/** Object.freeze, recursively; Maps and Sets also refuse set/add/delete/clear (Object.freeze alone does not stop them). */
function deepFreeze(value: unknown, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Map || value instanceof Set) {
    for (const method of ['set', 'add', 'delete', 'clear']) {
      if (method in value)
        Object.defineProperty(value, method, {
          value: () => {
            throw new TypeError(`the parsed project was changed: ${method}() on a frozen ${value.constructor.name}`);
          },
        });
    }
    for (const entry of value instanceof Map ? value.entries() : value.values()) deepFreeze(entry, seen);
  }
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  Object.freeze(value);
}

/** The parse result with every part frozen but the run-time objects, which are checked to stay outside it. */
function freezeManifest(project: Project): void {
  for (const [key, part] of Object.entries(project)) if (!RUNTIME_PARTS.includes(key as keyof Project)) deepFreeze(part);
  Object.freeze(project);
}

/** `build` through the API, with the parse result deep-frozen the moment it is parsed. */
async function frozenBuild(dir: string, home: string, options: Omit<RunNodesOptions, 'projectDir'> = {}) {
  let frozen: Project | undefined;
  const invocation = createInvocation({
    env: { ...process.env, HOME: home, TSDBT_PROFILES_DIR: undefined, ASTROS_URL: 'http://127.0.0.1:9/astros.json' },
    events: {
      projectOpened: (project) => {
        freezeManifest(project);
        frozen = project;
      },
    },
  });
  const result = await build(invocation, { projectDir: dir, skipIngest: true, ...options });
  expect(frozen, 'the project was parsed and frozen').toBeDefined();
  expect(Object.isFrozen(frozen!.nodes.values().next().value)).toBe(true);
  return result;
}

async function rows(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const adapter = await connect({ type: 'chdb', name: 'dev', schema: 'default', threads: 1, settings: {}, path: path.join(dir, '.tsdbt', 'chdb') });
  try {
    return await adapter.query(sql);
  } finally {
    await adapter.close();
  }
}

describe('the parsed project is never changed after parse', () => {
  const example = copyExample();
  const shop = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-shop-'));
  cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'shop'), shop, { recursive: true });
  const shopHome = tempHomeDir();
  afterAll(() => {
    example.remove();
    removeProject(shop);
    removeProject(shopHome);
  });

  it('builds the example project from a deep-frozen manifest', async () => {
    const result = await frozenBuild(example.dir, example.home);
    expect(result.status).toBe('ok');
    const statuses = new Set(result.summary!.results.map((one) => one.status));
    expect([...statuses].every((status) => status === 'success' || status === 'pass')).toBe(true);
    expect(result.summary!.results.length).toBeGreaterThan(3);
    // Every model the build made is in the embedded database, as the kind it is configured as.
    expect(await withChdb(example.dir, (adapter) => relationsOf(adapter, 'astro'))).toEqual([
      'people:view',
      'people_history:table',
      'people_history_mv:materialized_view',
      'people_per_craft:table',
      'people_summary:table',
      'raw_astros:table',
      'raw_astros__rejected:table',
    ]);
  }, 120_000);

  it('builds the shop fixture from a deep-frozen manifest, with the data in chDB', async () => {
    const result = await frozenBuild(shop, shopHome);
    expect(result.summary!.results.filter((one) => one.status === 'error').map((one) => one.message)).toEqual([]);
    expect(result.status).toBe('ok');
    expect(result.summary!.results.length).toBeGreaterThan(10);
    const [counts] = await rows(
      shop,
      'select (select count() from shop.customers) as customers, (select count() from shop.orders) as orders, (select count() from shop.stg_payments) as payments',
    );
    expect(counts).toEqual({ customers: 10, orders: 15, payments: 18 });
    // The compiled SQL lived in the run's state, not on the frozen nodes, and still reached manifest.json.
    const manifest = JSON.parse(readFileSync(path.join(shop, 'target', 'manifest.json'), 'utf8')) as {
      nodes: Record<string, { compiled_code: string | null }>;
    };
    expect(manifest.nodes['model.shop.customers']?.compiled_code).toContain('`shop`.`stg_customers`');
  }, 120_000);

  it('runs --empty and --store-failures from a deep-frozen manifest too (the switches live in the run state)', async () => {
    const result = await frozenBuild(shop, shopHome, { empty: true, storeFailures: true, select: ['stg_orders+'] });
    expect(result.summary!.results.filter((one) => one.status === 'error').map((one) => one.message)).toEqual([]);
    expect(result.status).toBe('ok');
    expect(result.summary!.results.some((one) => one.uniqueId.startsWith('test.'))).toBe(true);
    // --empty rebuilt the selected models with no rows.
    const [counts] = await rows(shop, 'select (select count() from shop.orders) as orders, (select count() from shop.customers) as customers');
    expect(counts).toEqual({ orders: 0, customers: 0 });
  }, 120_000);
});
