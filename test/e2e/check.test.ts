/**
 * `tsdbt check` through the CLI: the example project checks; a misspelled column is reported at
 * its model line with its children not checked; a type mismatch against a parent's real output
 * type is caught; the JSON records; and the target's database is left exactly as it was.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, removeProject, writeProject } from '../support/cli.js';
import { copyExample, logLines, tsdbt, withChdb } from './example-project.js';

const STAGING = [
  '-- Orders, cleaned up.',
  '-- One row per order.',
  'select',
  '    id,',
  '    customer,',
  '    amount,',
  '    amout * 2 as double_amount',
  "from {{ source('raw', 'orders') }}",
  '',
].join('\n');

const FILES: Record<string, string> = {
  'project.yml': 'name: shop\nprofile: shop\nmodel-paths: ["models"]\nseed-paths: ["seeds"]\n',
  'models/sources.yml': [
    'version: 2',
    'sources:',
    '  - name: raw',
    '    tables:',
    '      - name: orders',
    '        columns:',
    '          - {name: id, data_type: UInt64}',
    '          - {name: customer, data_type: String}',
    '          - {name: amount, data_type: Float64}',
    '      - name: events',
    '',
  ].join('\n'),
  'seeds/customers.csv': 'customer,country,since\nann,FR,2024-01-02\nbob,DE,2023-05-06\n',
  'models/stg_orders.sql': STAGING,
  'models/orders_per_customer.sql': "select customer, sum(amount) as total\nfrom {{ ref('stg_orders') }}\ngroup by customer\n",
  'models/good_orders.sql': "select id, customer\nfrom {{ source('raw', 'orders') }}\n",
  'models/bad_type.sql': "select\n    id + customer as nonsense\nfrom {{ ref('good_orders') }}\n",
  'models/by_country.sql': "select country, count() as customers, min(since) as first_since\nfrom {{ ref('customers') }}\ngroup by country\n",
  'models/from_events.sql': "select * from {{ source('raw', 'events') }}\n",
};

interface Record_ {
  model: string;
  status: string;
  file: string;
  line: number | null;
  message: string | null;
  columns: { name: string; type: string }[];
}

describe('tsdbt check on a project with mistakes', () => {
  let dir: string;
  let home: string;
  let scratchParent: string;
  beforeAll(() => {
    dir = writeProject(FILES);
    home = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-home-'));
    scratchParent = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-check-tmp-'));
  });
  afterAll(() => {
    removeProject(dir);
    removeProject(home);
    removeProject(scratchParent);
  });

  it('reports each model: the misspelled column at line 7, its child not checked, the type mismatch, the unknown source; exit 1', async () => {
    const result = await tsdbt(dir, home, ['check'], { TMPDIR: scratchParent });
    const lines = logLines(result.stderr);
    expect(lines).toContainEqual(expect.stringMatching(/^ERROR +stg_orders at models\/stg_orders\.sql:7: .*amout/));
    expect(lines).toContainEqual(expect.stringMatching(/^SKIP +orders_per_customer: not checked: parent stg_orders failed$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ERROR +bad_type at models\/bad_type\.sql.*(ILLEGAL_TYPE_OF_ARGUMENT|NO_COMMON_TYPE)/));
    expect(lines).toContainEqual(expect.stringMatching(/^SKIP +from_events: not checked: source columns unknown: source 'raw\.events' declares no columns/));
    expect(lines).toContainEqual('OK       by_country (country String, customers UInt64, first_since Date)');
    expect(lines).toContainEqual('Checked 6 models: 2 ok, 2 failed, 2 not checked.');
    expect(result.code).toBe(1);
    // The scratch session's folder is gone.
    expect(readdirSync(scratchParent)).toEqual([]);
    // Nothing was built where the project's own embedded database would be.
    expect(() => statSync(path.join(dir, '.tsdbt', 'chdb'))).toThrow();
  });

  it('--output json: one record per model on stdout', async () => {
    const result = await tsdbt(dir, home, ['check', '--output', 'json']);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record_);
    const byName = new Map(records.map((record) => [record.model, record]));
    expect([...byName.keys()].sort()).toEqual(['bad_type', 'by_country', 'from_events', 'good_orders', 'orders_per_customer', 'stg_orders']);
    expect(byName.get('stg_orders')).toMatchObject({ status: 'error', file: 'models/stg_orders.sql', line: 7, columns: [] });
    expect(byName.get('stg_orders')!.message).not.toContain('\n');
    expect(byName.get('orders_per_customer')).toMatchObject({ status: 'skipped', message: 'not checked: parent stg_orders failed' });
    expect(byName.get('good_orders')).toEqual({
      model: 'good_orders',
      unique_id: 'model.shop.good_orders',
      status: 'ok',
      file: 'models/good_orders.sql',
      line: null,
      message: null,
      columns: [
        { name: 'id', type: 'UInt64' },
        { name: 'customer', type: 'String' },
      ],
    });
    expect(result.code).toBe(1);
  });

  it('--select checks the selection against its parents, and exits 0 when it checks', async () => {
    const result = await tsdbt(dir, home, ['check', '--select', 'good_orders', 'by_country', '--output', 'json']);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record_);
    expect(records.map((record) => `${record.model}:${record.status}`).sort()).toEqual(['by_country:ok', 'good_orders:ok']);
    expect(result.code).toBe(0);
  });
});

/** Every file under `root` with its size and a hash of its bytes. */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(`${path.relative(root, full)} ${statSync(full).size} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
      else out.push(`${path.relative(root, full)} (${entry.isSymbolicLink() ? 'link' : 'other'})`);
    }
  };
  walk(root);
  return out.sort();
}

const CATALOG_TABLES =
  "select database, name, engine, create_table_query from system.tables where database not in ('system', 'INFORMATION_SCHEMA', 'information_schema') order by database, name";
const CATALOG_COLUMNS =
  "select database, table, name, type, position from system.columns where database not in ('system', 'INFORMATION_SCHEMA', 'information_schema') order by database, table, position";

describe('tsdbt check on the example project', () => {
  let project: ReturnType<typeof copyExample>;
  beforeAll(() => {
    project = copyExample();
  });
  afterAll(() => project?.remove());

  it('checks every model, and leaves the built target byte for byte as it was', async () => {
    expect((await tsdbt(project.dir, project.home, ['run', '--skip-ingest'])).code).toBe(0);
    const chdb = path.join(project.dir, '.tsdbt', 'chdb');
    const catalog = () =>
      withChdb(project.dir, async (adapter) => ({ tables: await adapter.query(CATALOG_TABLES), columns: await adapter.query(CATALOG_COLUMNS) }));
    const before = await catalog();
    expect(before.tables.length).toBeGreaterThan(3);
    const filesBefore = filesUnder(chdb);

    const result = await tsdbt(project.dir, project.home, ['check']);
    expect(logLines(result.stderr)).toContain('Checked 4 models: 4 ok, 0 failed, 0 not checked.');
    expect(logLines(result.stderr)).toContain('OK       people_per_craft (craft String, people UInt32)');
    expect(result.code).toBe(0);

    expect(filesUnder(chdb)).toEqual(filesBefore);
    expect(await catalog()).toEqual(before);
  });
});

describe('tsdbt check: what it cannot check, and bad usage', () => {
  let dir: string;
  let home: string;
  beforeAll(() => {
    dir = writeProject({
      'project.yml': 'name: snap\nprofile: snap\n',
      'snapshots/s.sql': "{% snapshot s %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect 1 as id\n{% endsnapshot %}\n",
      'models/from_snapshot.sql': "select id from {{ ref('s') }}\n",
    });
    home = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-home-'));
  });
  afterAll(() => {
    removeProject(dir);
    removeProject(home);
  });

  it('a model reading a snapshot is reported as not checked, saying why (never failed on a missing table)', async () => {
    const result = await tsdbt(dir, home, ['check', '--output', 'json']);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({
      model: 'from_snapshot',
      status: 'skipped',
      message: "not checked: snapshot 's' has no shadow in check yet",
    });
    expect(result.code).toBe(0);
  });

  it('Ctrl-C: the check stops, its scratch session is closed and deleted, exit 130', async () => {
    // A chain long enough to be interrupted midway.
    const chain: Record<string, string> = {
      'project.yml': 'name: chain\nprofile: shop\nmodel-paths: ["models"]\n',
      'models/sources.yml': FILES['models/sources.yml']!,
    };
    chain['models/m_0.sql'] = "select id, amount from {{ source('raw', 'orders') }}\n";
    for (let i = 1; i < 300; i += 1) chain[`models/m_${i}.sql`] = `select id, amount + 1 as amount from {{ ref('m_${i - 1}') }}\n`;
    const project = writeProject(chain);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-check-int-'));
    try {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), 'check', '--threads', '1'], {
        cwd: project,
        env: { ...process.env, HOME: home, TMPDIR: tmp, NO_COLOR: '1', TSDBT_PROFILES_DIR: undefined },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      // Once the scratch session is open (its lock file is there), interrupt.
      const open = () => readdirSync(tmp).some((entry) => entry.startsWith('tsdbt-check-') && readdirSync(path.join(tmp, entry)).includes('tsdbt.lock'));
      const deadline = Date.now() + 60_000;
      while (!open() && child.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGINT');
      expect(await closed).toBe(130);
      expect(stderr).toContain('SIGINT received');
      expect(readdirSync(tmp).filter((entry) => entry.startsWith('tsdbt-check-'))).toEqual([]);
    } finally {
      removeProject(project);
      removeProject(tmp);
    }
  });

  it('--threads that is not a whole number from 1 is a usage error (exit 2)', async () => {
    const result = await tsdbt(dir, home, ['check', '--threads', '0']);
    expect(result.stderr).toContain("--threads must be a whole number from 1 to 256, but it is '0'.");
    expect(result.code).toBe(2);
  });

  it('an unknown --output is a usage error (exit 2)', async () => {
    const result = await tsdbt(dir, home, ['check', '--output', 'yaml']);
    expect(result.stderr).toContain("--output must be text or json, but it is 'yaml'.");
    expect(result.code).toBe(2);
  });
});
