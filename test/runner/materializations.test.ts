/**
 * Every materialization of the fixture project, run in-process on chDB: built, re-run with new
 * source rows (exact rows asserted), an added column under each on_schema_change setting, and
 * --full-refresh. One chDB session for the whole file; steps run in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { loadProject, type Project } from '../../src/compile/load-project.js';
import { ErrorCodes } from '../../src/core/errors.js';
import { runProjectHooks } from '../../src/runner/hooks.js';
import { planContext, runNodes } from '../../src/runner/run-nodes.js';
import type { RunSummary } from '../../src/runner/results.js';
import { dropLeftoverRelations } from '../../src/runner/stale-relations.js';
import { madeRelationsFile, recordMadeRelations } from '../../src/runner/made-relations.js';
import { BATCH_1, BATCH_2, copyFixture } from './materialization-fixture.js';

let fixture: ReturnType<typeof copyFixture>;
let adapter: Adapter;

function load(vars: Record<string, unknown> = {}): Project {
  return loadProject({ projectDir: fixture.dir, env: { HOME: fixture.home }, vars });
}

/** What `tsdbt run` does, in-process: sweep, on-run-start, models, on-run-end. */
async function run(options: { vars?: Record<string, unknown>; fullRefresh?: boolean; select?: string[] } = {}): Promise<RunSummary> {
  const project = load(options.vars);
  await dropLeftoverRelations(project, adapter, planContext(project, adapter));
  await runProjectHooks(project, adapter, 'on-run-start');
  const ids = options.select === undefined ? [...project.models.keys()] : options.select.map((name) => `model.mats.${name}`);
  const summary = await runNodes(project, adapter, { ids, threads: 3, fullRefresh: options.fullRefresh ?? false });
  await runProjectHooks(project, adapter, 'on-run-end', { results: summary.results });
  return summary;
}

function statuses(summary: RunSummary): Record<string, string> {
  return Object.fromEntries(summary.results.map((result) => [result.uniqueId.replace('model.mats.', ''), result.status]));
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return adapter.query(sql, { settings: { output_format_json_quote_64bit_integers: 0 } });
}

async function columns(table: string): Promise<string[]> {
  return (await adapter.listColumns('mats', table)).map((column) => column.name);
}

beforeAll(async () => {
  fixture = copyFixture();
  adapter = await connect(load().target, { projectDir: fixture.dir });
});
afterAll(async () => {
  await adapter?.close();
  fixture?.remove();
});

describe('materializations on chDB', () => {
  it('first run builds every model from the first batch', async () => {
    await runProjectHooks(load(), adapter, 'on-run-start');
    await adapter.execute(BATCH_1);
    const summary = await run();
    expect(
      Object.values(statuses(summary)).every((status) => status === 'success'),
      JSON.stringify(summary.results.filter((r) => r.status !== 'success')),
    ).toBe(true);
    // The ephemeral model is not run; the model that refs it has it as a CTE.
    expect(Object.keys(statuses(summary)).sort()).toEqual([
      'craft_latest',
      'craft_list',
      'craft_people',
      'events_append',
      'events_delete_insert',
      'events_per_day',
      'names_mv',
      'osc_append_new_columns',
      'osc_fail',
      'osc_ignore',
      'osc_sync_all_columns',
    ]);

    expect(await rows('SELECT id, craft, name FROM mats.events_append ORDER BY id')).toEqual([
      { id: 1, craft: 'ISS', name: 'Ada' },
      { id: 2, craft: 'ISS', name: 'Bob' },
      { id: 3, craft: 'Tiangong', name: 'Chen' },
    ]);
    expect(await rows('SELECT id, craft, name, toString(updated_at) AS updated_at FROM mats.events_delete_insert ORDER BY id')).toEqual([
      { id: 1, craft: 'ISS', name: 'Ada', updated_at: '2024-01-01 10:00:00' },
      { id: 2, craft: 'ISS', name: 'Bob', updated_at: '2024-01-01 11:00:00' },
      { id: 3, craft: 'Tiangong', name: 'Chen', updated_at: '2024-01-02 09:00:00' },
    ]);
    expect(await rows('SELECT toString(day) AS day, craft, people FROM mats.events_per_day ORDER BY day, craft')).toEqual([
      { day: '2024-01-01', craft: 'ISS', people: 2 },
      { day: '2024-01-02', craft: 'Tiangong', people: 1 },
    ]);
    expect(await rows('SELECT craft, sightings FROM mats.craft_latest ORDER BY craft')).toEqual([
      { craft: 'ISS', sightings: 2 },
      { craft: 'Tiangong', sightings: 1 },
    ]);
    expect(await rows('SELECT id, name FROM mats.names_mv ORDER BY id')).toEqual([
      { id: 1, name: 'ADA' },
      { id: 2, name: 'BOB' },
      { id: 3, name: 'CHEN' },
    ]);
    expect(await rows('SELECT craft FROM mats.craft_list')).toEqual([{ craft: 'ISS' }, { craft: 'Tiangong' }]);
    expect(await rows("SELECT dictGet('mats.craft_people', 'people', 'ISS') AS iss, dictGet('mats.craft_people', 'people', 'Tiangong') AS tiangong")).toEqual([
      { iss: 2, tiangong: 1 },
    ]);

    const kinds = Object.fromEntries((await adapter.listRelations('mats')).map((relation) => [relation.name, relation.kind]));
    expect(kinds).toMatchObject({
      names_mv: 'table',
      names_mv_mv: 'materialized_view',
      craft_people: 'dictionary',
      craft_list: 'table',
      events_append: 'table',
    });
    expect(Object.keys(kinds).filter((name) => name.includes('__tsdbt_'))).toEqual([]);
    expect(kinds.crafts).toBeUndefined();
  });

  it('project and model hooks ran, in order, with run_query-free SQL and results in on-run-end', async () => {
    const log = (await rows("SELECT event FROM raw.run_log WHERE event != 'start' ORDER BY at, event")).map((row) => row.event);
    expect(log).toContain('pre craft_list False');
    expect(log).toContain('post 2');
    expect(log.find((event) => String(event).startsWith('end '))).toBe(`end 11 ${Array(11).fill('success').join(',')}`);
  });

  it('a second run with new and changed source rows gives exactly the right rows, per strategy', async () => {
    await adapter.execute(BATCH_2);
    const summary = await run();
    expect(
      Object.values(statuses(summary)).every((status) => status === 'success'),
      JSON.stringify(summary.results.filter((r) => r.status !== 'success')),
    ).toBe(true);

    // append: only ids above the table's max; the re-sent id 2 is not appended.
    expect(await rows('SELECT id, craft, name FROM mats.events_append ORDER BY id')).toEqual([
      { id: 1, craft: 'ISS', name: 'Ada' },
      { id: 2, craft: 'ISS', name: 'Bob' },
      { id: 3, craft: 'Tiangong', name: 'Chen' },
      { id: 4, craft: 'Tiangong', name: 'Dee' },
      { id: 5, craft: 'Soyuz', name: 'Eve' },
    ]);
    // delete+insert: id 2 replaced by its newer version, 4 and 5 added, no duplicates.
    expect(await rows('SELECT id, craft, name, toString(updated_at) AS updated_at FROM mats.events_delete_insert ORDER BY id')).toEqual([
      { id: 1, craft: 'ISS', name: 'Ada', updated_at: '2024-01-01 10:00:00' },
      { id: 2, craft: 'Tiangong', name: 'Bob', updated_at: '2024-01-03 09:00:00' },
      { id: 3, craft: 'Tiangong', name: 'Chen', updated_at: '2024-01-02 09:00:00' },
      { id: 4, craft: 'Tiangong', name: 'Dee', updated_at: '2024-01-02 12:00:00' },
      { id: 5, craft: 'Soyuz', name: 'Eve', updated_at: '2024-01-03 08:00:00' },
    ]);
    // insert_overwrite: days 01-02 and 01-03 replaced whole (01-02 had 1 and now 2), 01-01 untouched.
    expect(await rows('SELECT toString(day) AS day, craft, people FROM mats.events_per_day ORDER BY day, craft')).toEqual([
      { day: '2024-01-01', craft: 'ISS', people: 2 },
      { day: '2024-01-02', craft: 'Tiangong', people: 2 },
      { day: '2024-01-03', craft: 'Soyuz', people: 1 },
      { day: '2024-01-03', craft: 'Tiangong', people: 1 },
    ]);
    // default: crafts with new sightings recomputed and swapped in with the untouched ones.
    expect(await rows('SELECT craft, sightings, toString(last_seen) AS last_seen FROM mats.craft_latest ORDER BY craft')).toEqual([
      { craft: 'ISS', sightings: 2, last_seen: '2024-01-01 11:00:00' },
      { craft: 'Soyuz', sightings: 1, last_seen: '2024-01-03 08:00:00' },
      { craft: 'Tiangong', sightings: 3, last_seen: '2024-01-03 09:00:00' },
    ]);
    // materialized view: the new rows arrived at insert time; the re-run kept them and added nothing twice.
    expect(await rows('SELECT id, name FROM mats.names_mv ORDER BY id, name')).toEqual([
      { id: 1, name: 'ADA' },
      { id: 2, name: 'BOB' },
      { id: 2, name: 'BOB' },
      { id: 3, name: 'CHEN' },
      { id: 4, name: 'DEE' },
      { id: 5, name: 'EVE' },
    ]);
    expect(await rows('SELECT craft FROM mats.craft_list')).toEqual([{ craft: 'ISS' }, { craft: 'Soyuz' }, { craft: 'Tiangong' }]);
    expect(
      await rows("SELECT dictGet('mats.craft_people', 'people', 'Tiangong') AS tiangong, dictGet('mats.craft_people', 'people', 'Soyuz') AS soyuz"),
    ).toEqual([{ tiangong: 3, soyuz: 1 }]);
    for (const setting of ['ignore', 'fail', 'append_new_columns', 'sync_all_columns']) {
      expect((await rows(`SELECT id FROM mats.osc_${setting} ORDER BY id`)).map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('an added column, under each on_schema_change setting', async () => {
    await adapter.execute("INSERT INTO raw.events VALUES (6, 'ISS', 'Fay', '2024-01-04', '2024-01-04 10:00:00')");
    const summary = await run({ vars: { extra_column: true }, select: ['osc_ignore', 'osc_fail', 'osc_append_new_columns', 'osc_sync_all_columns'] });
    expect(statuses(summary)).toEqual({ osc_ignore: 'success', osc_fail: 'error', osc_append_new_columns: 'success', osc_sync_all_columns: 'success' });
    const failed = summary.results.find((result) => result.uniqueId === 'model.mats.osc_fail')!;
    expect(failed.errorCode).toBe(ErrorCodes.SCHEMA_CHANGED);
    expect(failed.message).toBe(
      "The columns of model 'osc_fail' no longer match its table `mats`.`osc_fail`: craft_code is new, and on_schema_change is 'fail'.",
    );

    // ignore: the new column is left out, the new row still lands.
    expect(await columns('osc_ignore')).toEqual(['id', 'name']);
    expect((await rows('SELECT id FROM mats.osc_ignore ORDER BY id')).map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 6]);
    // fail: nothing changed.
    expect(await columns('osc_fail')).toEqual(['id', 'name']);
    expect((await rows('SELECT id FROM mats.osc_fail ORDER BY id')).map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
    // append_new_columns and sync_all_columns: the column is added; old rows get its default, the new row its value.
    for (const setting of ['append_new_columns', 'sync_all_columns']) {
      expect(await columns(`osc_${setting}`)).toEqual(['id', 'name', 'craft_code']);
      expect(await rows(`SELECT id, craft_code FROM mats.osc_${setting} ORDER BY id`)).toEqual([
        { id: 1, craft_code: '' },
        { id: 2, craft_code: '' },
        { id: 3, craft_code: '' },
        { id: 4, craft_code: '' },
        { id: 5, craft_code: '' },
        { id: 6, craft_code: 'ISS' },
      ]);
    }
  });

  it('--full-refresh rebuilds from scratch (and unblocks on_schema_change: fail)', async () => {
    const summary = await run({ vars: { extra_column: true }, fullRefresh: true });
    expect(
      Object.values(statuses(summary)).every((status) => status === 'success'),
      JSON.stringify(summary.results.filter((r) => r.status !== 'success')),
    ).toBe(true);
    expect(await rows('SELECT id, craft_code FROM mats.osc_fail ORDER BY id, craft_code')).toEqual([
      { id: 1, craft_code: 'ISS' },
      { id: 2, craft_code: 'ISS' },
      { id: 2, craft_code: 'TIANGONG' },
      { id: 3, craft_code: 'TIANGONG' },
      { id: 4, craft_code: 'TIANGONG' },
      { id: 5, craft_code: 'SOYUZ' },
      { id: 6, craft_code: 'ISS' },
    ]);
    // append rebuilt from every source row: both versions of id 2 are there now.
    expect((await rows('SELECT id FROM mats.events_append ORDER BY id')).map((row) => row.id)).toEqual([1, 2, 2, 3, 4, 5, 6]);
    // The materialized view's table is backfilled again from the source (7 rows), and the view still captures inserts.
    expect(await rows('SELECT count() AS n FROM mats.names_mv')).toEqual([{ n: 7 }]);
    await adapter.execute("INSERT INTO raw.events VALUES (7, 'ISS', 'Gus', '2024-01-05', '2024-01-05 10:00:00')");
    expect(await rows('SELECT name FROM mats.names_mv WHERE id = 7')).toEqual([{ name: 'GUS' }]);
    expect((await adapter.listRelations('mats')).map((relation) => relation.name).filter((name) => name.includes('__tsdbt_'))).toEqual([]);
  });

  it('a run after one killed mid-build drops the temporary and backup relations it left', async () => {
    // What a killed run leaves: the temporary table of the model it was building, a backup from a swap.
    await adapter.execute('CREATE TABLE mats.events_append__tsdbt_tmp (id UInt64) ENGINE = MergeTree ORDER BY id');
    await adapter.execute('CREATE TABLE mats.craft_latest__tsdbt_backup (craft String) ENGINE = MergeTree ORDER BY craft');
    await adapter.execute('CREATE VIEW mats.craft_list__tsdbt_tmp AS SELECT 1');
    // tsdbt's own record of what it made: only what it names is swept; a user's table with such a name stays.
    const project = load();
    recordMadeRelations(madeRelationsFile(project.dir, project.target), [
      { database: 'mats', name: 'events_append__tsdbt_tmp' },
      { database: 'mats', name: 'craft_latest__tsdbt_backup' },
      { database: 'mats', name: 'craft_list__tsdbt_tmp' },
    ]);
    await adapter.execute('CREATE TABLE mats.not_ours__tsdbt_tmp (id UInt64) ENGINE = MergeTree ORDER BY id');
    const summary = await run({ select: ['craft_list'] });
    expect(statuses(summary)).toEqual({ craft_list: 'success' });
    expect((await adapter.listRelations('mats')).map((relation) => relation.name).filter((name) => name.includes('__tsdbt_'))).toEqual(['not_ours__tsdbt_tmp']);
    await adapter.execute('DROP TABLE mats.not_ours__tsdbt_tmp');
  });
});
