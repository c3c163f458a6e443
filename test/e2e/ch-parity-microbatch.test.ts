/**
 * dbt 1.9's microbatch through the CLI on chDB: 5 days of source rows build 5 daily batches; a re-run
 * with --event-time-start replaces only those days; a failing batch is reported alone and `retry`
 * re-runs only it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeProject, writeProject } from '../support/cli.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { logLines, tsdbt, withChdb } from './example-project.js';

let dir: string;
let home: string;
/** The two runs with a failing batch (exit code 1, the batches named): real processes. */
const cli = (args: string[]) => tsdbt(dir, home, args);
/**
 * The seed, the passing runs and the retries, run by the CLI's `main` in this process: they are
 * about which batches are built and what the partitions hold, not about the process, and each real
 * one costs about 1 s of CPU.
 */
const cliInProcess = (args: string[]) => runCliInProcess(args, { cwd: dir, env: { HOME: home } });
const sql = (statement: string) => withChdb(dir, (adapter) => adapter.execute(statement));
const partitions = () =>
  withChdb(dir, (adapter) =>
    adapter.query<{ p: string; n: string; s: string }>('SELECT _partition_id AS p, count() AS n, sum(amount) AS s FROM mb.daily GROUP BY p ORDER BY p'),
  ).then((rows) => rows.map((row) => `${row.p}:${row.n}:${row.s}`));

beforeAll(() => {
  dir = writeProject({
    'project.yml': 'name: mb\nprofile: mb\nseeds:\n  mb:\n    events:\n      +event_time: event_at\n',
    'seeds/events.csv':
      'id,event_at,amount\n1,2026-01-01 10:00:00,1\n2,2026-01-02 10:00:00,2\n3,2026-01-03 10:00:00,3\n4,2026-01-03 11:00:00,4\n5,2026-01-04 10:00:00,5\n6,2026-01-05 10:00:00,6\n',
    'models/daily.sql': [
      "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='event_at', batch_size='day', begin='2026-01-01', order_by='id') }}",
      '-- day 3 fails while the table mb.fail_switch exists',
      "select id, event_at, amount * 10 as amount, '{{ model.batch.event_time_start }}' as batch_start,",
      "  throwIf(toDayOfMonth(event_at) = 3 and (select count() from system.tables where database = 'mb' and name = 'fail_switch') > 0, 'day 3 is broken') as chk",
      "from {{ ref('events') }}",
    ].join('\n'),
  });
  home = writeProject({ '.tsdbt/.keep': '' }, 'tsdbt-home-');
});
afterAll(() => {
  removeProject(dir);
  removeProject(home);
});

describe('microbatch on chDB', () => {
  it('5 days of rows build 5 daily batches, each its own partition, each read only its day', async () => {
    expect((await cliInProcess(['seed'])).code).toBe(0);
    const result = await cliInProcess(['run', '--event-time-end', '2026-01-06', '--debug']);
    expect(result.code).toBe(0);
    expect(logLines(result.stderr).filter((line) => line.startsWith('daily: stage the batch from'))).toHaveLength(5);
    expect(await partitions()).toEqual(['20260101:1:10', '20260102:1:20', '20260103:2:70', '20260104:1:50', '20260105:1:60']);
    const starts = await withChdb(dir, (adapter) => adapter.query<{ b: string }>('SELECT DISTINCT batch_start AS b FROM mb.daily ORDER BY b'));
    expect(starts.map((row) => row.b)).toEqual([
      '2026-01-01 00:00:00',
      '2026-01-02 00:00:00',
      '2026-01-03 00:00:00',
      '2026-01-04 00:00:00',
      '2026-01-05 00:00:00',
    ]);
  });

  it('a re-run with --event-time-start replaces only those days', async () => {
    // New source rows on day 1 and day 4: only day 4 is in the re-run's range.
    await sql("INSERT INTO mb.events VALUES (7, '2026-01-01 12:00:00', 100), (8, '2026-01-04 12:00:00', 100)");
    const result = await cliInProcess(['run', '--event-time-start', '2026-01-04', '--event-time-end', '2026-01-06', '--debug']);
    expect(result.code).toBe(0);
    expect(logLines(result.stderr).filter((line) => line.startsWith('daily: stage the batch from'))).toEqual([
      'daily: stage the batch from 2026-01-04 00:00:00',
      'daily: stage the batch from 2026-01-05 00:00:00',
    ]);
    expect(await partitions()).toEqual(['20260101:1:10', '20260102:1:20', '20260103:2:70', '20260104:2:1050', '20260105:1:60']);
  });

  it('a failing batch is reported alone, the others are built, and retry re-runs only it', async () => {
    await sql('CREATE TABLE mb.fail_switch (x UInt8) ENGINE = Memory');
    await sql("INSERT INTO mb.events VALUES (9, '2026-01-02 12:00:00', 1000), (10, '2026-01-03 12:00:00', 1000)");
    const failed = await cli(['run', '--event-time-start', '2026-01-02', '--event-time-end', '2026-01-05']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('1 of 3 batches failed (the others were built): batch 2026-01-03 00:00:00 to 2026-01-04 00:00:00: ');
    expect(failed.stderr).toContain('day 3 is broken');
    const results = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { batch_results: unknown }[] };
    expect(results.results[0]!.batch_results).toEqual({
      successful: [
        ['2026-01-02 00:00:00', '2026-01-03 00:00:00'],
        ['2026-01-04 00:00:00', '2026-01-05 00:00:00'],
      ],
      failed: [['2026-01-03 00:00:00', '2026-01-04 00:00:00']],
    });
    // Day 2 was rebuilt with its new row; day 3 still holds its previous batch.
    expect(await partitions()).toEqual(['20260101:1:10', '20260102:2:10020', '20260103:2:70', '20260104:2:1050', '20260105:1:60']);

    await sql('DROP TABLE mb.fail_switch');
    const retried = await cliInProcess(['retry', '--debug']);
    expect(retried.code).toBe(0);
    expect(logLines(retried.stderr).filter((line) => line.startsWith('daily: stage the batch from'))).toEqual([
      'daily: stage the batch from 2026-01-03 00:00:00',
    ]);
    expect(await partitions()).toEqual(['20260101:1:10', '20260102:2:10020', '20260103:3:10070', '20260104:2:1050', '20260105:1:60']);
  });

  it('a --full-refresh with a failing batch is not swapped in: the previous table keeps serving, retry rebuilds it', async () => {
    const before = await partitions();
    await sql('CREATE TABLE mb.fail_switch (x UInt8) ENGINE = Memory');
    const failed = await cli(['run', '--full-refresh', '--event-time-end', '2026-01-06']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('1 of 5 batches failed (the full refresh was not swapped in, the previous table still serves)');
    expect(await partitions()).toEqual(before);
    const tables = await withChdb(dir, (adapter) =>
      adapter.query<{ name: string }>("SELECT name FROM system.tables WHERE database = 'mb' AND name LIKE 'daily%' ORDER BY name"),
    );
    expect(tables.map((row) => row.name)).toEqual(['daily']);
    await sql('DROP TABLE mb.fail_switch');
    const retried = await cliInProcess(['retry', '--debug']);
    expect(retried.code).toBe(0);
    expect(logLines(retried.stderr).filter((line) => line.startsWith('daily: stage the batch from'))).toHaveLength(5);
    // Rebuilt from all the source rows: day 1 now has the row the ranged re-run above left out.
    expect(await partitions()).toEqual(['20260101:2:1010', ...before.slice(1)]);
  });
});
