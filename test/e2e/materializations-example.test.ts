/**
 * The example project's parse-on-insert materialized view (people_history) and its operations
 * (backup_to_parquet, purge_older_than), through the CLI on chDB, offline.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/cli-in-process.js';
import { showInProcess } from '../support/show-in-process.js';
import { copyExample, isLeftover, landPayload, logLines, PAYLOAD, relationsOf, tsdbt, withChdb } from './example-project.js';

const FIRST_MS = Date.UTC(2024, 5, 1, 12, 0, 0);
const LATER = JSON.stringify({ message: 'success', number: 1, people: [{ craft: 'Tiangong', name: 'Ye Guangfu' }] });

let project: ReturnType<typeof copyExample>;
/** The first full build and the bad run-operations (exit code 2): real processes. */
const cli = (args: string[]) => tsdbt(project.dir, project.home, args);
/**
 * The other runs and run-operations, by the CLI's `main` in this process (it works in the
 * project's directory too): they are about what the view, the table and the operations do to the
 * rows, not about the process, and each real one costs about 1 s of CPU.
 */
const cliInProcess = (args: string[]) => runCliInProcess(args, { cwd: project.dir, env: { HOME: project.home } });
/** What `tsdbt show --inline` returns, read in this process (the tests here are about what the CLI built). */
const show = (sql: string) => showInProcess(project.dir, { HOME: project.home }, sql);
/** The same through the CLI's `main`, whose working directory is the project (where file() finds backups/). */
const showCli = async (sql: string) =>
  JSON.parse((await cliInProcess(['show', '--inline', sql, '--output', 'json', '--limit', '-1'])).stdout).show as Record<string, unknown>[];

beforeAll(() => {
  project = copyExample();
});
afterAll(() => project?.remove());

describe('people_history: the landing table parsed on insert by a materialized view', () => {
  it('the first build backfills the replies landed before it', async () => {
    // The landing table exists (and holds a reply) before the view does.
    expect((await cliInProcess(['run', '--skip-ingest', '--select', 'people'])).code).toBe(0);
    await withChdb(project.dir, (adapter) => landPayload(adapter, PAYLOAD, FIRST_MS));
    const run = await cli(['run', '--skip-ingest']);
    expect(run.code).toBe(0);
    expect(logLines(run.stderr)).toContainEqual(expect.stringMatching(/^\d of 4 OK created sql materialized_view model astro\.people_history \.{3,} \[OK in/));
    expect(await show("select craft, count() as n from {{ ref('people_history') }} group by craft order by craft")).toEqual([
      { craft: 'ISS', n: 7 },
      { craft: 'Tiangong', n: 3 },
    ]);
    await withChdb(project.dir, async (adapter) => {
      expect(await relationsOf(adapter, 'astro')).toEqual(expect.arrayContaining(['people_history:table', 'people_history_mv:materialized_view']));
    });
  });

  it('a reply landed later is parsed as it lands, without a run; a re-run keeps the rows', async () => {
    await withChdb(project.dir, (adapter) => landPayload(adapter, LATER, FIRST_MS + 60_000));
    const expected = [
      { snapshot_at: '2024-06-01 12:00:00.000', n: 10 },
      { snapshot_at: '2024-06-01 12:01:00.000', n: 1 },
    ];
    expect(await show("select snapshot_at, count() as n from {{ ref('people_history') }} group by snapshot_at order by snapshot_at")).toEqual(expected);
    const rerun = await cliInProcess(['run', '--skip-ingest', '--select', 'people_history', '--debug']);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain("update the materialized view's SELECT in place");
    expect(await show("select snapshot_at, count() as n from {{ ref('people_history') }} group by snapshot_at order by snapshot_at")).toEqual(expected);
    // The other models are unchanged by the new model: people still shows the latest reply only.
    expect(await show("select craft, name from {{ ref('people') }}")).toEqual([{ craft: 'Tiangong', name: 'Ye Guangfu' }]);
  });

  it('--full-refresh rebuilds the table from the landing table (same rows) and keeps the view', async () => {
    const run = await cliInProcess(['run', '--skip-ingest', '--select', 'people_history', '--full-refresh']);
    expect(run.code).toBe(0);
    expect(await show("select count() as n from {{ ref('people_history') }}")).toEqual([{ n: 11 }]);
    await withChdb(project.dir, async (adapter) => {
      const relations = await relationsOf(adapter, 'astro');
      expect(relations).toContain('people_history_mv:materialized_view');
      expect(relations.filter(isLeftover)).toEqual([]);
    });
  });

  it('run-operation backup_to_parquet writes the model to a Parquet file and says how many rows', async () => {
    const result = await cliInProcess(['run-operation', 'backup_to_parquet', '--args', '{model: people_history}']);
    expect(result.code).toBe(0);
    expect(logLines(result.stderr)).toContain('Backed up `astro`.`people_history` to backups/people_history.parquet (11 rows)');
    expect(existsSync(path.join(project.dir, 'backups', 'people_history.parquet'))).toBe(true);
    // Again: the file is overwritten, not appended to.
    const again = await cliInProcess(['run-operation', 'backup_to_parquet', '--args', '{model: people_history, path: backups/again.parquet}']);
    expect(logLines(again.stderr)).toContain('Backed up `astro`.`people_history` to backups/again.parquet (11 rows)');
    expect(await showCli("select count() as n from file('backups/people_history.parquet', 'Parquet')")).toEqual([{ n: 11 }]);
  });

  it('run-operation purge_older_than deletes the rows older than N days', async () => {
    await withChdb(project.dir, (adapter) => landPayload(adapter, LATER.replace('Ye Guangfu', 'Tang Hongbo'), Date.now()));
    const result = await cliInProcess(['run-operation', 'purge_older_than', '--args', '{model: people_history, column: snapshot_at, days: 30}']);
    expect(result.code).toBe(0);
    expect(logLines(result.stderr)).toContain('Purged 11 rows older than 30 days from `astro`.`people_history`');
    expect(await show("select name from {{ ref('people_history') }}")).toEqual([{ name: 'Tang Hongbo' }]);
  });

  it('run-operation names a missing macro and a bad --args clearly', async () => {
    const missing = await cli(['run-operation', 'backup_to_parqet']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Error TSDBT2010: There is no macro named 'backup_to_parqet'. Did you mean 'backup_to_parquet'?");
    const badArgs = await cli(['run-operation', 'backup_to_parquet', '--args', '{model: ']);
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toContain('Error TSDBT1008: --args is not valid YAML');
  });
});
