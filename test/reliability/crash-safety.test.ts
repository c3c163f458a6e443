/**
 * Crash safety: `tsdbt run` is SIGKILLed between every two statements of a table, incremental and
 * materialized-view build (TSDBT_FAILPOINT=kill-after-statement:N, see src/adapter/failpoint.ts),
 * and after each kill
 *   - the killed run's log shows exactly N statements sent, all completed (the kill landed there);
 *   - the model's relation serves complete rows: the previous build's until the new table is
 *     swapped in, the new build's after (delete+insert: see its scenario);
 *   - the next `tsdbt run` completes (taking over the dead run's lock), sweeps what the kill left,
 *     and leaves exactly the new rows and no `__tsdbt_tmp`/`__tsdbt_backup` relation.
 * With TSDBT_HEAVY_TESTS=1 every materialization is swept, and each INSERT is also killed while in
 * flight (the test sends SIGKILL itself, 80 ms after the log says the statement was sent).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter-types.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { runNodesCommand } from '../../src/cli/nodes-command.js';
import { Terminal } from '../../src/cli/terminal.js';
import { FakeStream } from '../report/fake-stream.js';
import { isLeftover, relationsOf, tsdbt, withChdb } from '../e2e/example-project.js';
import { REPO_ROOT, removeProject, writeProject, type CliResult } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';
import { jsonEvents, sentStatements } from '../support/json-log.js';
import { HEAVY, recordFigure } from '../support/reliability-figures.js';
import { CRASH_PROJECT, DATABASE, RAW_EVENTS_DDL, SCENARIOS, type CrashScenario, type Row } from './crash-scenarios.js';

let dir: string;
let home: string;
/** The step each model was last built with, run after run. */
const built = new Map<string, number>();

/** A sweep is a dozen CLI runs or more; on a loaded machine that is well past vitest's default minute. */
const SWEEP_TIMEOUT_MS = 300_000;
const JSON_DEBUG = ['--threads', '1', '--log-format', 'json', '--log-level', 'debug'];
const runArgs = (scenario: CrashScenario, step: number, extra: Record<string, unknown> = {}) => [
  'run',
  '--select',
  scenario.model,
  ...scenario.args,
  '--vars',
  JSON.stringify({ step, ...extra }),
  ...JSON_DEBUG,
];
const cli = (args: string[], env: Record<string, string> = {}) => tsdbt(dir, home, args, env);

beforeAll(async () => {
  delete process.env['TSDBT_PROFILES_DIR'];
  dir = writeProject(CRASH_PROJECT, 'tsdbt-crash-');
  home = tempHomeDir();
  await withChdb(dir, async (adapter) => {
    for (const sql of RAW_EVENTS_DDL) await adapter.execute(sql);
  });
  const first = await cli(['run', '--vars', '{step: 0}']);
  expect(first.code, first.stderr).toBe(0);
  for (const scenario of SCENARIOS) built.set(scenario.model, 0);
});
afterAll(() => {
  if (dir) removeProject(dir);
  if (home) removeProject(home);
});

async function rowsOf(adapter: Adapter, model: string): Promise<Row[]> {
  const rows = await adapter.query<Row>(`SELECT * FROM \`${DATABASE}\`.\`${model}\` ORDER BY id`, { settings: { output_format_json_quote_64bit_integers: 0 } });
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)])));
}

async function leftovers(adapter: Adapter): Promise<string[]> {
  return (await relationsOf(adapter, DATABASE)).filter(isLeftover);
}

/**
 * The run after a kill: completes, and leaves the new rows and nothing temporary. It is `tsdbt run`
 * itself (the command's function, with the CLI's terminal writing to a buffer) run in this process,
 * which saves starting Node and loading chDB once per kill point; TSDBT_HEAVY_TESTS=1 spawns the CLI.
 */
async function recover(scenario: CrashScenario, step: number): Promise<void> {
  if (HEAVY) {
    const next = await cli(runArgs(scenario, step));
    expect(next.code, next.stderr).toBe(0);
  } else {
    const stderr = new FakeStream();
    const terminal = new Terminal({ stderr, stdout: new FakeStream(), format: 'json', level: 'debug' });
    const code = exitCodeOf(
      await runNodesCommand(
        'run',
        { projectDir: dir, select: [scenario.model], vars: JSON.stringify({ step }), threads: '1', fullRefresh: scenario.args.includes('--full-refresh') },
        terminal,
      ),
    );
    terminal.close(code);
    expect(code, stderr.text).toBe(0);
  }
  built.set(scenario.model, step);
  await withChdb(dir, async (adapter) => {
    expect(await rowsOf(adapter, scenario.model)).toEqual(scenario.rows(step));
    expect(await leftovers(adapter)).toEqual([]);
  });
}

/** Kills the run of the next step after statement 1, 2, … until a run gets through; returns the kill points survived. */
async function sweepStatementBoundaries(scenario: CrashScenario): Promise<number> {
  let points = 0;
  for (let statement = 1; ; statement += 1) {
    const step = built.get(scenario.model)! + 1;
    const killed = await cli(runArgs(scenario, step), { TSDBT_FAILPOINT: `kill-after-statement:${statement}` });
    if (killed.signal !== 'SIGKILL') {
      // Past the plan's last statement: the run went through.
      expect(killed.code, killed.stderr).toBe(0);
      built.set(scenario.model, step);
      await withChdb(dir, async (adapter) => expect(await rowsOf(adapter, scenario.model)).toEqual(scenario.rows(step)));
      break;
    }
    const sent = sentStatements(jsonEvents(killed.stderr));
    expect(
      sent.map((s) => s.ok),
      `statements sent before the kill at ${statement}`,
    ).toEqual(Array(statement).fill(true));
    const completed = sent.map((s) => s.sql);
    await withChdb(dir, async (adapter) => {
      expect(await rowsOf(adapter, scenario.model), `rows after a kill following:\n${completed.join('\n')}`).toEqual(scenario.afterKill(step, completed));
      // Whatever the kill left is tsdbt's own (never the server's hidden tables), for the next run to sweep.
      expect((await relationsOf(adapter, DATABASE)).filter((name) => /^_tmp_replace_/.test(name))).toEqual([]);
    });
    await recover(scenario, step);
    points += 1;
  }
  return points;
}

/**
 * Kills the run of the next step from outside once its `index`-th statement has been sent: 80 ms
 * later when it is an INSERT (the slow rows keep it in flight), at once otherwise. Returns false
 * when the run finished before sending that many statements.
 */
async function killWhileInFlight(scenario: CrashScenario, index: number): Promise<boolean> {
  const step = built.get(scenario.model)! + 1;
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), ...runArgs(scenario, step, { slow: true })], {
    cwd: dir,
    env: { ...process.env, HOME: home, NO_COLOR: '1', TSDBT_PROFILES_DIR: undefined, TSDBT_FAILPOINT: undefined },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let aimed = false;
  const result = await new Promise<CliResult>((resolve) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const sent = sentStatements(jsonEvents(stderr));
      if (!aimed && sent.length >= index) {
        aimed = true;
        setTimeout(() => child.kill('SIGKILL'), /^INSERT INTO /.test(sent[index - 1]!.sql) ? 80 : 0);
      }
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
  });
  if (result.signal !== 'SIGKILL') {
    expect(result.code, result.stderr).toBe(0);
    built.set(scenario.model, step);
    return false;
  }
  const sent = sentStatements(jsonEvents(result.stderr));
  const done = sent.filter((s) => s.ok === true).map((s) => s.sql);
  const inFlight = sent.filter((s) => s.ok === undefined).map((s) => s.sql);
  await withChdb(dir, async (adapter) => {
    // The statement in flight either never applied or applied whole (these inserts are one block).
    const allowed = [scenario.afterKill(step, done), scenario.afterKill(step, [...done, ...inFlight])];
    expect(allowed).toContainEqual(await rowsOf(adapter, scenario.model));
  });
  await recover(scenario, step);
  return true;
}

describe('crash safety: SIGKILL between every two statements of a build', () => {
  for (const scenario of SCENARIOS.filter((s) => HEAVY || s.inDefault)) {
    it(
      `${scenario.model}: ${scenario.subject}`,
      async ({ task }) => {
        const points = await sweepStatementBoundaries(scenario);
        expect(points).toBeGreaterThan(0);
        recordFigure(task, {
          section: 'crash',
          subject: scenario.subject,
          count: points,
          unit: 'kill points (after each statement)',
          outcome: 'complete old or new rows after each kill; the next run completed and left no temporary or backup relation',
        });
      },
      SWEEP_TIMEOUT_MS,
    );
  }
});

describe.runIf(HEAVY)('crash safety (heavy): SIGKILL from outside while each statement is in flight', () => {
  for (const scenario of SCENARIOS) {
    it(
      `${scenario.model}: killed as each statement is sent`,
      async ({ task }) => {
        let kills = 0;
        while (await killWhileInFlight(scenario, kills + 1)) kills += 1;
        expect(kills).toBeGreaterThan(0);
        recordFigure(task, {
          section: 'crash',
          subject: `${scenario.subject}, killed from outside mid-statement`,
          count: kills,
          unit: 'kill points (statement in flight)',
          outcome: 'the statement in flight applied whole or not at all; the next run completed and left nothing temporary',
        });
      },
      SWEEP_TIMEOUT_MS,
    );
  }
});

describe('after the sweeps', () => {
  it('a materialized view rebuilt by a run after a kill still captures new source rows', async () => {
    const step = built.get('mv_target')!;
    await withChdb(dir, (adapter) => adapter.execute('INSERT INTO raw.events VALUES (3, 3)'));
    await withChdb(dir, async (adapter) => {
      expect(await rowsOf(adapter, 'mv_target')).toEqual([
        { id: 1, x: 10 + step },
        { id: 2, x: 20 + step },
        { id: 3, x: 30 + step },
      ]);
    });
  });
});
