/**
 * Snapshots end to end on chDB through the CLI: the source table changes between runs (an update,
 * a delete, a re-insert) and each snapshot holds exactly the SCD type 2 rows dbt would write, for
 * both strategies and each hard_deletes mode; a run with nothing changed adds no version.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter-types.js';
import { removeProject, writeProject } from '../support/cli.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { tempHomeDir } from '../support/home.js';
import { isLeftover, relationsOf, tsdbt, withChdb } from './example-project.js';

const PROJECT: Record<string, string> = {
  'project.yml': 'name: snap\nprofile: snap\nsnapshots:\n  snap:\n    sql:\n      +target_schema: history\n',
  'profiles.yml': 'snap:\n  target: dev\n  outputs:\n    dev: {type: chdb, threads: 2}\n',
  'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: people\n',
  'models/current_people.sql': "select id, name from {{ ref('people_ts') }} where dbt_valid_to is null\n",
  // timestamp strategy, deletes invalidate the current row
  'snapshots/sql/people_ts.sql': [
    '{% snapshot people_ts %}',
    "{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', invalidate_hard_deletes=True,",
    "   pre_hook='create table if not exists {{ this.schema }}.hook_log (n UInt32) engine = MergeTree order by tuple()',",
    "   post_hook='insert into {{ this.schema }}.hook_log select toUInt32(count()) from {{ this }}') }}",
    "select id, name, city, updated_at from {{ source('raw', 'people') }}",
    '{% endsnapshot %}',
    '',
  ].join('\n'),
  // check strategy, deletes recorded as rows of their own; two snapshots in one file
  'snapshots/sql/checks.sql': [
    '{% snapshot people_check %}',
    "{{ config(unique_key='id', strategy='check', check_cols=['name', 'city'], hard_deletes='new_record') }}",
    "select id, name, city from {{ source('raw', 'people') }}",
    '{% endsnapshot %}',
    '',
    '{% snapshot people_keys %}',
    "{{ config(unique_key=['id', 'name'], strategy='check', check_cols='all', dbt_valid_to_current=\"toDateTime64('2100-01-01 00:00:00', 6, 'UTC')\") }}",
    "select id, name, city from {{ source('raw', 'people') }}",
    '{% endsnapshot %}',
    '',
  ].join('\n'),
  // dbt 1.9's YAML-defined snapshot, with renamed meta columns; deletes ignored
  'snapshots/people.yml': [
    'snapshots:',
    '  - name: people_yaml',
    "    relation: source('raw', 'people')",
    '    config:',
    '      schema: yaml',
    '      unique_key: id',
    '      strategy: timestamp',
    '      updated_at: updated_at',
    '      snapshot_meta_column_names: {dbt_valid_from: valid_from, dbt_valid_to: valid_to}',
    '',
  ].join('\n'),
};

type Row = Record<string, string | number | null>;
let dir: string;
let home: string;
const cli = (args: string[]) => tsdbt(dir, home, args);

async function setSource(rows: [number, string, string | null, string][]): Promise<void> {
  await withChdb(dir, async (adapter) => {
    await adapter.execute('CREATE DATABASE IF NOT EXISTS raw');
    await adapter.execute(
      'CREATE TABLE IF NOT EXISTS raw.people (id UInt32, name String, city Nullable(String), updated_at DateTime) ENGINE = MergeTree ORDER BY id',
    );
    await adapter.execute('TRUNCATE TABLE raw.people');
    if (rows.length > 0)
      await adapter.insert(
        'raw',
        'people',
        rows.map(([id, name, city, updated_at]) => ({ id, name, city, updated_at })),
      );
  });
}

async function rows(adapter: Adapter, table: string, columns: string): Promise<Row[]> {
  return adapter.query<Row>(`SELECT ${columns} FROM ${table} ORDER BY id, 3, 4`, { settings: { output_format_json_quote_64bit_integers: 0 } });
}

/**
 * `tsdbt snapshot` run by the CLI's `main` in this process: the runs over the changing source are
 * about the rows each writes, not about the process, and each real one costs about 1 s of CPU. The
 * failing snapshot, build and ls below stay real processes.
 */
async function snapshot(): Promise<string> {
  const result = await runCliInProcess(['snapshot'], { cwd: dir, env: { HOME: home } });
  expect(result.code, result.stderr).toBe(0);
  return result.stderr;
}

/** The distinct snapshot times of a check-strategy table, oldest first (one per run that wrote). */
async function runTimes(adapter: Adapter, table: string): Promise<string[]> {
  return (await adapter.query<{ t: string }>(`SELECT DISTINCT toString(dbt_valid_from) AS t FROM ${table} ORDER BY t`)).map((row) => row.t);
}

beforeAll(async () => {
  dir = writeProject(PROJECT, 'tsdbt-snapshots-');
  home = tempHomeDir();
  await setSource([
    [1, 'Ann', 'Oslo', '2024-01-01 00:00:00'],
    [2, 'Bob', 'Rome', '2024-01-01 00:00:00'],
    [3, 'Cy', null, '2024-01-01 00:00:00'],
  ]);
}, 120_000);
afterAll(() => {
  if (dir) removeProject(dir);
  if (home) removeProject(home);
});

describe('tsdbt snapshot over a changing source', () => {
  const TS = 'id, name, toString(dbt_valid_from) AS from, toString(dbt_valid_to) AS to';
  let deletedAt = '';

  it('run 1 records every row as current; run 2 with no change adds nothing', async () => {
    expect(await snapshot()).toMatch(/OK snapshotted history\.people_ts .*SNAPSHOT 3 new, 0 deleted/);
    const before = await withChdb(dir, (adapter) => adapter.query('SELECT * FROM history.people_check ORDER BY id'));
    expect(await snapshot()).toMatch(/OK snapshotted history\.people_ts .*SNAPSHOT no changes/);
    await withChdb(dir, async (adapter) => {
      expect(await adapter.query('SELECT * FROM history.people_check ORDER BY id')).toEqual(before);
      // pre_hook and post_hook ran on both runs, the post_hook after the snapshot was written
      expect(await adapter.query('SELECT n FROM history.hook_log')).toEqual([{ n: 3 }, { n: 3 }]);
      expect(await rows(adapter, 'history.people_ts', TS)).toEqual([
        { id: 1, name: 'Ann', from: '2024-01-01 00:00:00', to: null },
        { id: 2, name: 'Bob', from: '2024-01-01 00:00:00', to: null },
        { id: 3, name: 'Cy', from: '2024-01-01 00:00:00', to: null },
      ]);
    });
  }, 120_000);

  it('run 3: an update closes the old version at the new updated_at, a delete closes the row (invalidate) or adds a deleted record (new_record)', async () => {
    await setSource([
      [1, 'Ann', 'Oslo', '2024-01-01 00:00:00'],
      [2, 'Bobby', 'Rome', '2024-02-01 00:00:00'],
    ]);
    await snapshot();
    await withChdb(dir, async (adapter) => {
      const ts = await rows(adapter, 'history.people_ts', TS);
      deletedAt = String(ts.find((row) => row.id === 3)!.to);
      expect(deletedAt).toMatch(/^20\d\d-/);
      expect(ts).toEqual([
        { id: 1, name: 'Ann', from: '2024-01-01 00:00:00', to: null },
        { id: 2, name: 'Bob', from: '2024-01-01 00:00:00', to: '2024-02-01 00:00:00' },
        { id: 2, name: 'Bobby', from: '2024-02-01 00:00:00', to: null },
        { id: 3, name: 'Cy', from: '2024-01-01 00:00:00', to: deletedAt },
      ]);
      const [t1, t3] = await runTimes(adapter, 'history.people_check');
      expect(
        await rows(adapter, 'history.people_check', 'id, name, toString(dbt_valid_from) AS from, toString(dbt_valid_to) AS to, dbt_is_deleted AS deleted'),
      ).toEqual([
        { id: 1, name: 'Ann', from: t1, to: null, deleted: 'False' },
        { id: 2, name: 'Bob', from: t1, to: t3, deleted: 'False' },
        { id: 2, name: 'Bobby', from: t3, to: null, deleted: 'False' },
        { id: 3, name: 'Cy', from: t1, to: t3, deleted: 'False' },
        { id: 3, name: 'Cy', from: t3, to: null, deleted: 'True' },
      ]);
      // hard_deletes ignore (the default): the deleted row stays current
      expect(await rows(adapter, 'snap_yaml.people_yaml', 'id, name, toString(valid_from) AS from, toString(valid_to) AS to')).toEqual([
        { id: 1, name: 'Ann', from: '2024-01-01 00:00:00', to: null },
        { id: 2, name: 'Bob', from: '2024-01-01 00:00:00', to: '2024-02-01 00:00:00' },
        { id: 2, name: 'Bobby', from: '2024-02-01 00:00:00', to: null },
        { id: 3, name: 'Cy', from: '2024-01-01 00:00:00', to: null },
      ]);
    });
  }, 120_000);

  it('run 4: a re-inserted row gets a new current version; run 5 with no change adds nothing', async () => {
    await setSource([
      [1, 'Ann', 'Oslo', '2024-01-01 00:00:00'],
      [2, 'Bobby', 'Rome', '2024-02-01 00:00:00'],
      [3, 'Cy', null, '2024-03-01 00:00:00'],
    ]);
    await snapshot();
    const tables = ['history.people_ts', 'history.people_check', 'history.people_keys', 'snap_yaml.people_yaml'];
    const after4 = await withChdb(dir, (adapter) => Promise.all(tables.map((table) => adapter.query(`SELECT * FROM ${table} ORDER BY tuple(*)`))));
    expect(await snapshot()).not.toMatch(/SNAPSHOT [1-9]/);
    await withChdb(dir, async (adapter) => {
      expect(await Promise.all(tables.map((table) => adapter.query(`SELECT * FROM ${table} ORDER BY tuple(*)`)))).toEqual(after4);
      expect(await rows(adapter, 'history.people_ts', TS)).toEqual([
        { id: 1, name: 'Ann', from: '2024-01-01 00:00:00', to: null },
        { id: 2, name: 'Bob', from: '2024-01-01 00:00:00', to: '2024-02-01 00:00:00' },
        { id: 2, name: 'Bobby', from: '2024-02-01 00:00:00', to: null },
        { id: 3, name: 'Cy', from: '2024-01-01 00:00:00', to: deletedAt },
        { id: 3, name: 'Cy', from: '2024-03-01 00:00:00', to: null },
      ]);
      const [t1, t3, t4] = await runTimes(adapter, 'history.people_check');
      expect(
        await rows(adapter, 'history.people_check', 'id, name, toString(dbt_valid_from) AS from, toString(dbt_valid_to) AS to, dbt_is_deleted AS deleted'),
      ).toEqual([
        { id: 1, name: 'Ann', from: t1, to: null, deleted: 'False' },
        { id: 2, name: 'Bob', from: t1, to: t3, deleted: 'False' },
        { id: 2, name: 'Bobby', from: t3, to: null, deleted: 'False' },
        { id: 3, name: 'Cy', from: t1, to: t3, deleted: 'False' },
        { id: 3, name: 'Cy', from: t3, to: t4, deleted: 'True' },
        { id: 3, name: 'Cy', from: t4, to: null, deleted: 'False' },
      ]);
      // key (id, name): Bob -> Bobby is a new key (the old one's delete is ignored); current rows end at dbt_valid_to_current
      const [k1, k3] = await runTimes(adapter, 'history.people_keys');
      const end = '2100-01-01 00:00:00.000000';
      expect(await rows(adapter, 'history.people_keys', 'id, name, toString(dbt_valid_from) AS from, toString(dbt_valid_to) AS to')).toEqual([
        { id: 1, name: 'Ann', from: k1, to: end },
        { id: 2, name: 'Bob', from: k1, to: end },
        { id: 2, name: 'Bobby', from: k3, to: end },
        { id: 3, name: 'Cy', from: k1, to: end },
      ]);
      expect(await relationsOf(adapter, 'history').then((names) => names.filter(isLeftover))).toEqual([]);
    });
  }, 120_000);
});

describe('snapshots with the rest of the project', () => {
  it('a query that returns a key twice fails with TSDBT4300 and leaves the snapshot as it was', async () => {
    const before = await withChdb(dir, (adapter) => adapter.query('SELECT * FROM history.people_ts ORDER BY tuple(*)'));
    await withChdb(dir, (adapter) => adapter.insert('raw', 'people', [{ id: 1, name: 'Ann again', city: null, updated_at: '2024-05-01 00:00:00' }]));
    const result = await cli(['snapshot', '--select', 'people_ts']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TSDBT4300.*unique_key id appears more than once in its query \(e\.g\. 1\)/s);
    await withChdb(dir, async (adapter) => {
      expect(await adapter.query('SELECT * FROM history.people_ts ORDER BY tuple(*)')).toEqual(before);
      expect((await relationsOf(adapter, 'history')).filter(isLeftover)).toEqual([]);
      await adapter.execute("DELETE FROM raw.people WHERE name = 'Ann again'");
    });
  }, 120_000);

  it('build runs a snapshot before the model that refs it; ls, the manifest and run_results know snapshots', async () => {
    const build = await cli(['build']);
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr.indexOf('history.people_ts')).toBeLessThan(build.stderr.indexOf('current_people'));
    await withChdb(dir, async (adapter) => {
      expect(await adapter.query('SELECT id, name FROM snap.current_people ORDER BY id')).toEqual([
        { id: 1, name: 'Ann' },
        { id: 2, name: 'Bobby' },
        { id: 3, name: 'Cy' },
      ]);
    });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
    expect(manifest.nodes['snapshot.snap.people_yaml']).toMatchObject({
      resource_type: 'snapshot',
      schema: 'snap_yaml',
      alias: 'people_yaml',
      depends_on: { nodes: ['source.snap.raw.people'] },
    });
    expect(manifest.nodes['model.snap.current_people']).toMatchObject({ depends_on: { nodes: ['snapshot.snap.people_ts'] } });
    const results = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    expect(results.results.filter((r) => r.unique_id.startsWith('snapshot.')).map((r) => r.status)).toEqual(['success', 'success', 'success', 'success']);
    // --empty reads no rows: snapshots are skipped (with a reason), never closed all at once
    const before = await withChdb(dir, (adapter) => adapter.query('SELECT * FROM history.people_ts ORDER BY tuple(*)'));
    const empty = await cli(['build', '--empty']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stderr).toMatch(/--empty does not run snapshots/);
    expect(await withChdb(dir, (adapter) => adapter.query('SELECT * FROM history.people_ts ORDER BY tuple(*)'))).toEqual(before);
    const ls = await cli(['ls', '--resource-type', 'snapshot']);
    expect(ls.stdout.trim().split('\n')).toEqual(['snap.sql.people_check', 'snap.sql.people_keys', 'snap.sql.people_ts', 'snap.people_yaml']);
    const selected = await cli(['ls', '--select', 'resource_type:snapshot', '--output', 'name']);
    expect(selected.stdout.trim().split('\n').sort()).toEqual(['people_check', 'people_keys', 'people_ts', 'people_yaml']);
  }, 180_000);

  it('a column added to the source is added to the snapshot (NULL in older rows); with check_cols all it makes new versions, as in dbt', async () => {
    await withChdb(dir, (adapter) => adapter.execute('ALTER TABLE raw.people ADD COLUMN age UInt8 DEFAULT 40'));
    await writeFile(
      path.join(dir, 'snapshots', 'sql', 'checks.sql'),
      PROJECT['snapshots/sql/checks.sql']!.replaceAll('select id, name, city from', 'select id, name, city, age from'),
    );
    const before = await withChdb(dir, (adapter) =>
      Promise.all(['history.people_check', 'history.people_keys'].map((table) => adapter.query<{ n: number }>(`SELECT toUInt32(count()) AS n FROM ${table}`))),
    );
    expect(await snapshot()).toMatch(/OK snapshotted history\.people_check .*SNAPSHOT no changes/);
    await withChdb(dir, async (adapter) => {
      const columns = await adapter.query<{ name: string; type: string }>(
        "SELECT name, type FROM system.columns WHERE database = 'history' AND table = 'people_keys' AND name = 'age'",
      );
      expect(columns).toEqual([{ name: 'age', type: 'Nullable(UInt8)' }]);
      // people_check checks name and city only: unchanged. people_keys checks all columns: each current row gets a version with its age.
      expect(await adapter.query('SELECT toUInt32(count()) AS n FROM history.people_check')).toEqual(before[0]);
      expect(await adapter.query('SELECT toUInt32(count()) AS n FROM history.people_keys')).toEqual([{ n: before[1]![0]!.n + 3 }]);
      expect(
        await adapter.query(
          "SELECT id, name, age FROM history.people_keys WHERE dbt_valid_to = toDateTime64('2100-01-01 00:00:00', 6, 'UTC') ORDER BY id, name",
        ),
      ).toEqual([
        { id: 1, name: 'Ann', age: 40 },
        { id: 2, name: 'Bob', age: null },
        { id: 2, name: 'Bobby', age: 40 },
        { id: 3, name: 'Cy', age: 40 },
      ]);
    });
  }, 120_000);
});
