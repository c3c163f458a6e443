/**
 * The materializations fixture through the CLI on chDB: project hooks, run-operation, a run killed
 * while an incremental model stages its rows (the next run drops what it left), failing hooks.
 * The rows each strategy produces are asserted in-process in test/runner/materializations.test.ts.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { copyFixture } from '../runner/materialization-fixture.js';
import { isLeftover, logLines, relationsOf, tsdbt, withChdb } from './example-project.js';

let fixture: ReturnType<typeof copyFixture>;
const cli = (args: string[]) => tsdbt(fixture.dir, fixture.home, args);
const chdb = <T>(work: Parameters<typeof withChdb<T>>[1]) => withChdb(fixture.dir, work);

beforeAll(() => {
  fixture = copyFixture();
  // Stages its rows slowly when asked (sleepEachRow: 0.1 s per block of 10 rows), so a run can be killed mid-way.
  writeFileSync(
    path.join(fixture.dir, 'models', 'slow_incremental.sql'),
    [
      "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id', order_by='id', query_settings={'max_block_size': 10}) }}",
      "{% if var('slow', false) %}",
      'select number + 100 as id, sleepEachRow(0.01) as z from numbers(100000)',
      '{% else %}',
      'select toUInt64(1) as id, toUInt8(0) as z',
      '{% endif %}',
    ].join('\n'),
  );
});
afterAll(() => fixture?.remove());

describe('the materializations fixture through the CLI', () => {
  it('run: on-run-start before the models, on-run-end after, every model built', async () => {
    const result = await cli(['run']);
    expect(result.code).toBe(0);
    const lines = logLines(result.stderr);
    const at = (text: string) => lines.findIndex((line) => line.startsWith(text));
    expect(at('Running 4 on-run-start hooks')).toBeGreaterThan(-1);
    expect(at('Finished on-run-start (4 statements)')).toBeLessThan(lines.findIndex((line) => / START sql /.test(line)));
    expect(at('Running 1 on-run-end hook')).toBeGreaterThan(lines.findIndex((line) => / OK created sql /.test(line)));
    expect(lines).toContain('Done. PASS=12 WARN=0 ERROR=0 SKIP=0 TOTAL=12');
  });

  it('run-operation runs the macro against the database and prints its log() once', async () => {
    const result = await cli(['run-operation', 'load_events', '--args', '{batch: 1}']);
    expect(result.code).toBe(0);
    // The macro ran two queries (so it was rendered three times), and said its line once.
    expect(logLines(result.stderr).filter((line) => line.includes('raw.events has'))).toEqual(['raw.events has 3 rows']);
    expect((await cli(['run'])).code).toBe(0);
    const shown = await cli(['show', '--inline', "select id, name from {{ ref('names_mv') }} order by id", '--output', 'json']);
    expect(JSON.parse(shown.stdout)).toEqual({
      show: [
        { id: 1, name: 'ADA' },
        { id: 2, name: 'BOB' },
        { id: 3, name: 'CHEN' },
      ],
    });
  });

  it('a run killed while an incremental model stages rows: the table keeps its rows, the next run drops the staging table', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), 'run', '--select', 'slow_incremental', '--vars', '{slow: true}', '--debug'], {
      cwd: fixture.dir,
      env: { ...process.env, HOME: fixture.home, NO_COLOR: '1', TSDBT_PROFILES_DIR: undefined },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // Printed just before the INSERT into the staging table, which the previous statement created.
        if (/slow_incremental: stage the new rows/.test(stderr)) resolve();
      });
      child.on('close', () => reject(new Error(`tsdbt exited before staging:\n${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await chdb(async (adapter) => {
      expect((await relationsOf(adapter, 'mats')).filter(isLeftover)).toEqual(['slow_incremental__tsdbt_tmp:table']);
      expect((await adapter.query<{ id: unknown }>('SELECT id FROM mats.slow_incremental')).map((row) => Number(row.id))).toEqual([1]);
    });

    const next = await cli(['run', '--select', 'craft_list']);
    expect(next.code).toBe(0);
    expect(logLines(next.stderr)).toContain('Dropped 1 relation left by an interrupted run: mats.slow_incremental__tsdbt_tmp');
    await chdb(async (adapter) => {
      expect((await relationsOf(adapter, 'mats')).filter(isLeftover)).toEqual([]);
      expect((await adapter.query<{ id: unknown }>('SELECT id FROM mats.slow_incremental')).map((row) => Number(row.id))).toEqual([1]);
    });
  });

  it('a failing post_hook fails its model (exit 1) and says which hook', async () => {
    writeFileSync(path.join(fixture.dir, 'models', 'bad_hook.sql'), "{{ config(post_hook='INSERT INTO raw.no_such_table VALUES (1)') }}\nselect 1 as x\n");
    const result = await cli(['run', '--select', 'bad_hook']);
    expect(result.code).toBe(1);
    const lines = logLines(result.stderr);
    expect(lines).toContain('Failure in model bad_hook (models/bad_hook.sql)');
    expect(lines.find((line) => line.includes('The post_hook of model'))).toMatch(
      /^ {2}(Error )?(TSDBT4008:? )?The post_hook of model 'bad_hook' failed: .*no_such_table/,
    );
  });

  it('a failing on-run-start stops the run before any model, with exit 1', async () => {
    writeFileSync(
      path.join(fixture.dir, 'project.yml'),
      'name: mats\nprofile: mats\nvars: {extra_column: false}\non-run-start: ["SELECT * FROM raw.missing_table"]\n',
    );
    const failed = await cli(['run', '--select', 'craft_list']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Error TSDBT4008: The on-run-start of the project failed: .*missing_table/);
    expect(failed.stderr).not.toMatch(/ START sql /);
  });
});
