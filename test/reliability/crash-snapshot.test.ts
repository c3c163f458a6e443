/**
 * Crash safety of snapshots: `tsdbt snapshot` is SIGKILLed after every statement of a run
 * (TSDBT_FAILPOINT=kill-after-statement:N, see src/adapter/failpoint.ts) while its source changes
 * each step (a row updated every step, another deleted and re-inserted in turn). After each kill
 *   - until the new table is swapped in, the snapshot is exactly what it was before the run;
 *   - at any point no history is lost (every earlier row is still there, unchanged but for the
 *     closing of a current row) and no key has two current rows;
 *   - the next run completes, sweeps what the kill left, and adds exactly the versions the step
 *     made, with the current rows equal to the source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter-types.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { runNodesCommand } from '../../src/cli/nodes-command.js';
import { Terminal } from '../../src/cli/terminal.js';
import { FakeStream } from '../report/fake-stream.js';
import { isLeftover, relationsOf, tsdbt, withChdb } from '../e2e/example-project.js';
import { removeProject, writeProject } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';
import { jsonEvents, sentStatements } from '../support/json-log.js';
import { recordFigure } from '../support/reliability-figures.js';

const PROJECT: Record<string, string> = {
  'project.yml': 'name: crashsnap\nprofile: crashsnap\n',
  'profiles.yml': 'crashsnap:\n  target: dev\n  outputs:\n    dev: {type: chdb, threads: 1}\n',
  'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: people\n',
  'snapshots/people.sql': [
    '{% snapshot people %}',
    "{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}",
    "select id, name, updated_at from {{ source('raw', 'people') }}",
    '{% endsnapshot %}',
    '',
  ].join('\n'),
};
const TABLE = '`crashsnap`.`people`';
const SWEEP_TIMEOUT_MS = 600_000;

interface SnapshotRow {
  id: number;
  name: string;
  dbt_scd_id: string;
  dbt_valid_from: string;
  dbt_valid_to: string | null;
}

let dir: string;
let home: string;

/** Step s: id 1 renamed every step, id 2 never changes, id 3 present on even steps only (deleted, then re-inserted). */
function sourceRows(step: number): { id: number; name: string; updated_at: string }[] {
  const day = (n: number) => `2024-01-${String(n + 1).padStart(2, '0')} 00:00:00`;
  return [
    { id: 1, name: `one v${step}`, updated_at: day(step) },
    { id: 2, name: 'two', updated_at: day(0) },
    ...(step % 2 === 0 ? [{ id: 3, name: `three v${step}`, updated_at: day(step) }] : []),
  ];
}

async function setSource(adapter: Adapter, step: number): Promise<void> {
  await adapter.execute('CREATE DATABASE IF NOT EXISTS raw');
  await adapter.execute('CREATE TABLE IF NOT EXISTS raw.people (id UInt32, name String, updated_at DateTime) ENGINE = MergeTree ORDER BY id');
  await adapter.execute('TRUNCATE TABLE raw.people');
  await adapter.insert('raw', 'people', sourceRows(step));
}

/**
 * The snapshot's rows as they are before step `step`'s run, and the source set for that step, in
 * one session: opening the engine is most of what a check costs, and nothing runs in between.
 */
async function rowsThenSource(step: number, check: (rows: SnapshotRow[]) => void = () => undefined): Promise<SnapshotRow[]> {
  return withChdb(dir, async (adapter) => {
    const rows = await snapshotRows(adapter);
    check(rows);
    await setSource(adapter, step);
    return rows;
  });
}

async function snapshotRows(adapter: Adapter): Promise<SnapshotRow[]> {
  return adapter.query<SnapshotRow>(
    `SELECT id, name, dbt_scd_id, toString(dbt_valid_from) AS dbt_valid_from, toString(dbt_valid_to) AS dbt_valid_to FROM ${TABLE} ORDER BY id, dbt_valid_from`,
  );
}

/** No history lost: every earlier row is still there, only a current row may have been closed; one current row per key. */
function expectHistoryKept(before: readonly SnapshotRow[], after: readonly SnapshotRow[]): void {
  for (const row of before) {
    const now = after.find((other) => other.dbt_scd_id === row.dbt_scd_id && other.dbt_valid_from === row.dbt_valid_from);
    expect(now, `row ${JSON.stringify(row)} is gone`).toBeDefined();
    expect({ ...now!, dbt_valid_to: row.dbt_valid_to === null ? null : now!.dbt_valid_to }).toEqual(row);
  }
  const current = after.filter((row) => row.dbt_valid_to === null).map((row) => row.id);
  expect(current).toEqual([...new Set(current)]);
}

/** `tsdbt snapshot` in this process (saves starting Node and chDB once per kill point). */
async function recover(): Promise<void> {
  const stderr = new FakeStream();
  const terminal = new Terminal({ stderr, stdout: new FakeStream(), format: 'json', level: 'debug' });
  const code = exitCodeOf(await runNodesCommand('snapshot', { projectDir: dir, threads: '1' }, terminal));
  terminal.close(code);
  expect(code, stderr.text).toBe(0);
}

beforeAll(async () => {
  delete process.env['TSDBT_PROFILES_DIR'];
  dir = writeProject(PROJECT, 'tsdbt-crash-snapshot-');
  home = tempHomeDir();
  await withChdb(dir, (adapter) => setSource(adapter, 0));
  await recover();
}, 120_000);
afterAll(() => {
  if (dir) removeProject(dir);
  if (home) removeProject(home);
});

describe('crash safety: SIGKILL between every two statements of a snapshot', () => {
  it(
    'keeps the history whole after every kill, and the next run adds exactly the new versions',
    async ({ task }) => {
      let points = 0;
      let before = await rowsThenSource(1);
      for (let statement = 1, step = 1; ; statement += 1, step += 1) {
        const killed = await tsdbt(dir, home, ['snapshot', '--threads', '1', '--log-format', 'json', '--log-level', 'debug'], {
          TSDBT_FAILPOINT: `kill-after-statement:${statement}`,
        });
        const sent = sentStatements(jsonEvents(killed.stderr)).map((s) => s.sql);
        const swapped = sent.some(
          (sql) => sql.startsWith(`EXCHANGE TABLES ${TABLE.replace('`people`', '`people__tsdbt_tmp`')} AND ${TABLE}`) || sql.startsWith('RENAME TABLE'),
        );
        await withChdb(dir, async (adapter) => {
          const after = await snapshotRows(adapter);
          if (!swapped) expect(after, `after a kill following:\n${sent.join('\n')}`).toEqual(before);
          expectHistoryKept(before, after);
        });
        if (killed.signal !== 'SIGKILL') {
          expect(killed.code, killed.stderr).toBe(0);
          break;
        }
        expect(sent.length).toBe(statement);
        await recover();
        await withChdb(dir, async (adapter) => {
          const after = await snapshotRows(adapter);
          expectHistoryKept(before, after);
          // id 1 changed, id 3 came back (even step) or was deleted (odd step): that many new versions, no more.
          expect(after.length).toBe(before.length + 1 + (step % 2 === 0 ? 1 : 0));
          expect(after.filter((row) => row.dbt_valid_to === null).map(({ id, name }) => ({ id, name }))).toEqual(
            sourceRows(step).map(({ id, name }) => ({ id, name })),
          );
          expect((await relationsOf(adapter, 'crashsnap')).filter(isLeftover)).toEqual([]);
        });
        // Run again with no change: no new version. Those rows are what the next step starts from.
        await recover();
        const versions = before.length + 1 + (step % 2 === 0 ? 1 : 0);
        before = await rowsThenSource(step + 1, (rows) => expect(rows.length).toBe(versions));
        points += 1;
      }
      expect(points).toBeGreaterThan(5);
      recordFigure(task, {
        section: 'crash',
        subject: 'snapshot (source staged, new history built in `__tsdbt_tmp`, swapped with EXCHANGE TABLES)',
        count: points,
        unit: 'kill points (after each statement)',
        outcome: 'history whole and one current row per key after each kill; the next run added exactly the new versions and left nothing temporary',
      });
    },
    SWEEP_TIMEOUT_MS,
  );
});
