/**
 * Materialized views never lose rows to a refresh (issue 20, items 1 and 2):
 *   - a failed `run --full-refresh` (its backfill throws) leaves the old view capturing inserts;
 *   - `run --full-refresh` SIGKILLed after each of its statements, rows then inserted into the
 *     source (as ingestion's before_run lands them), then a plain `run`: the target holds the
 *     view's SELECT over every source row (a missing view is rebuilt with a backfill, not just
 *     created again);
 *   - a view over a `table` model or a seed (rebuilt by swap, so no INSERT goes through the view)
 *     is rebuilt from the new source after it in the same run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { runNodesCommand } from '../../src/cli/nodes-command.js';
import { Terminal } from '../../src/cli/terminal.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { FakeStream } from '../report/fake-stream.js';
import { isLeftover, relationsOf, tsdbt, withChdb } from '../e2e/example-project.js';
import { removeProject, writeProject } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';
import { jsonEvents, sentStatements } from '../support/json-log.js';
import { recordFigure } from '../support/reliability-figures.js';

const PROJECT: Record<string, string> = {
  'project.yml': 'name: mvr\nprofile: mvr\n',
  'profiles.yml': 'mvr:\n  target: dev\n  outputs:\n    dev: {type: chdb, schema: mvr, threads: 1}\n',
  'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: events\n',
  // `fail` makes the backfill throw, as a max_rows_to_read or memory limit would.
  'models/mv_target.sql':
    "{{ config(materialized='materialized_view', order_by='id') }}\nselect id, step * 10 as x from {{ source('raw', 'events') }}{% if var('fail', false) %} where throwIf(id > 0) = 0{% endif %}\n",
  'models/base.sql': "{{ config(materialized='table', order_by='id') }}\nselect number as id, toUInt32({{ var('step', 0) }}) as step from numbers(3)\n",
  'models/mv_over_table.sql': "{{ config(materialized='materialized_view', order_by='id') }}\nselect id, step from {{ ref('base') }}\n",
  'seeds/letters.csv': 'id,letter\n1,a\n2,b\n',
  'models/mv_over_seed.sql': "{{ config(materialized='materialized_view', order_by='id') }}\nselect id, letter from {{ ref('letters') }}\n",
};

let dir: string;
let home: string;
let nextId = 10;

const cli = (args: string[], env: Record<string, string> = {}) => tsdbt(dir, home, args, env);

beforeAll(async () => {
  // The in-process runs find profiles.yml in the project, as the CLI (run without it) does.
  delete process.env['TSDBT_PROFILES_DIR'];
  dir = writeProject(PROJECT, 'tsdbt-mv-refresh-');
  home = tempHomeDir();
  await withChdb(dir, async (adapter) => {
    await adapter.execute('CREATE DATABASE IF NOT EXISTS raw');
    await adapter.execute('CREATE TABLE raw.events (id UInt64, step UInt32) ENGINE = MergeTree ORDER BY id');
    await adapter.execute('INSERT INTO raw.events VALUES (1, 1), (2, 2)');
  });
  const first = await cli(['build']);
  expect(first.code, first.stderr).toBe(0);
}, 120_000);
afterAll(() => {
  if (dir) removeProject(dir);
  if (home) removeProject(home);
});

/**
 * `tsdbt run --select …` as the CLI runs it (the command's function, its terminal writing to a
 * buffer) in this process: it saves starting Node and chDB once per kill point.
 */
async function runInProcess(select: string[]): Promise<void> {
  const stderr = new FakeStream();
  const terminal = new Terminal({ stderr, stdout: new FakeStream(), format: 'json', level: 'debug' });
  const code = exitCodeOf(await runNodesCommand('run', { projectDir: dir, select, threads: '1' }, terminal));
  terminal.close(code);
  expect(code, stderr.text).toBe(0);
}

async function numbers(adapter: Adapter, sql: string): Promise<Record<string, unknown>[]> {
  const rows = await adapter.query<Record<string, unknown>>(sql, { settings: { output_format_json_quote_64bit_integers: 0 } });
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value])),
  );
}

/** The target holds exactly the view's SELECT over every source row. */
async function expectComplete(adapter: Adapter, because: string): Promise<void> {
  const expected = await numbers(adapter, 'SELECT id, step * 10 AS x FROM raw.events ORDER BY id');
  expect(await numbers(adapter, 'SELECT id, x FROM mvr.mv_target ORDER BY id'), because).toEqual(expected);
}

/** Lands a new row in the source, as an ingest before_run would while no tsdbt holds the database. */
async function landRow(adapter: Adapter): Promise<void> {
  nextId += 1;
  await adapter.execute(`INSERT INTO raw.events VALUES (${nextId}, ${nextId})`);
}

describe('materialized view: a full refresh that fails or is killed loses no rows', () => {
  it('a failed --full-refresh (the backfill throws) leaves the old view capturing inserts', async ({ task }) => {
    const failed = await cli(['run', '--select', 'mv_target', '--full-refresh', '--vars', '{fail: true}']);
    expect(failed.code, failed.stdout + failed.stderr).not.toBe(0);
    await withChdb(dir, async (adapter) => {
      expect(await relationsOf(adapter, 'mvr')).toContain('mv_target_mv:materialized_view');
      await landRow(adapter);
      await expectComplete(adapter, 'the old view still captured the row inserted after the failed refresh');
    });
    recordFigure(task, {
      section: 'data',
      subject: '`materialized_view` `run --full-refresh` whose backfill fails',
      count: 1,
      unit: 'failed refresh',
      outcome: 'the old view stayed and captured the rows inserted afterwards',
    });
  }, 120_000);

  it('SIGKILL after every statement of run --full-refresh, rows landed, then a plain run: complete target', async ({ task }) => {
    let points = 0;
    for (let statement = 1; statement < 40; statement += 1) {
      const killed = await cli(['run', '--select', 'mv_target', '--full-refresh', '--threads', '1', '--log-format', 'json', '--log-level', 'debug'], {
        TSDBT_FAILPOINT: `kill-after-statement:${statement}`,
      });
      if (killed.signal !== 'SIGKILL') {
        expect(killed.code, killed.stderr).toBe(0);
        break;
      }
      const completed = sentStatements(jsonEvents(killed.stderr)).map((s) => s.sql);
      await withChdb(dir, (adapter) => landRow(adapter));
      // The first recovery is the CLI; the others run the same command in this process (see runInProcess).
      if (points === 0) {
        const next = await cli(['run', '--select', 'mv_target']);
        expect(next.code, next.stdout + next.stderr).toBe(0);
      } else {
        await runInProcess(['mv_target']);
      }
      await withChdb(dir, async (adapter) => {
        await expectComplete(adapter, `after a kill following:\n${completed.join('\n')}`);
        expect((await relationsOf(adapter, 'mvr')).filter(isLeftover)).toEqual([]);
        // The view captures again.
        await landRow(adapter);
        await expectComplete(adapter, 'the view captures rows inserted after the recovering run');
      });
      points += 1;
    }
    expect(points).toBeGreaterThan(3);
    recordFigure(task, {
      section: 'crash',
      subject: '`materialized_view` `run --full-refresh` killed, rows landed in its source, then a plain `run`',
      count: points,
      unit: 'kill points (after each statement)',
      outcome: 'the old view stayed until the new table was built; a missing view was rebuilt with a backfill, so the target held every source row',
    });
  }, 600_000);
});

describe('materialized view over a source rebuilt by swap', () => {
  it('a view over a table model is rebuilt from the new rows in the same run', async ({ task }) => {
    const second = await cli(['run', '--vars', '{step: 1}']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    await withChdb(dir, async (adapter) => {
      expect(await numbers(adapter, 'SELECT id, step FROM mvr.mv_over_table ORDER BY id')).toEqual([0, 1, 2].map((id) => ({ id, step: 1 })));
    });
    recordFigure(task, {
      section: 'data',
      subject: '`materialized_view` over a `table` model rebuilt by swap',
      count: 1,
      unit: 'run',
      outcome: 'the view was rebuilt after its source in the same run and held the new rows',
    });
  }, 120_000);

  it('a view over a seed is rebuilt from the new seed rows in the same build', async ({ task }) => {
    await import('node:fs').then(({ writeFileSync }) => writeFileSync(`${dir}/seeds/letters.csv`, 'id,letter\n1,x\n2,y\n3,z\n'));
    const again = await cli(['build']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    await withChdb(dir, async (adapter) => {
      expect(await numbers(adapter, 'SELECT id, letter FROM mvr.mv_over_seed ORDER BY id')).toEqual([
        { id: 1, letter: 'x' },
        { id: 2, letter: 'y' },
        { id: 3, letter: 'z' },
      ]);
    });
    recordFigure(task, {
      section: 'data',
      subject: '`materialized_view` over a seed reloaded by swap',
      count: 1,
      unit: 'build',
      outcome: 'the view was rebuilt after the seed and held the new rows',
    });
  }, 120_000);
});
