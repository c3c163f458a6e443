import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeProject, runCli, writeProject, type CliResult } from '../support/cli.js';
import { parseLogLines } from '../report/log-schema-validator.js';

/**
 * What `tsdbt run` prints, end to end on chDB: the dbt-style text (snapshot, stable under
 * NO_COLOR with times masked), the same run as JSON lines checked against docs/log-schema.json,
 * the debug log file, and --quiet. Needs `npm run build` (npm test does it).
 */
const files = {
  'project.yml': 'name: shop\nprofile: shop\n',
  'models/base.sql': 'select number as id from numbers(3)\n',
  'models/doubled.sql': "{{ config(materialized='table') }}\nselect id * 2 as id2 from {{ ref('base') }}\n",
  'models/broken.sql': "select no_such_function(id) as x from {{ ref('base') }}\n",
  'models/after_broken.sql': "select * from {{ ref('broken') }}\n",
};

/** Clock times and durations vary; the slowest nodes' order too. */
function masked(text: string): string {
  return text
    .replace(/^\d\d:\d\d:\d\d {2}/gm, 'HH:MM:SS  ')
    .replace(/\d+ macros/, 'N macros')
    .replace(/\d+\.\d\ds/g, 'N.NNs')
    .replace(/Slowest: .*/, 'Slowest: …')
    .replace(/\(looked in [^)]*\)/, '(looked in …)');
}

let dir: string;
let text: CliResult;
let json: CliResult;
let jsonLog: string;
beforeAll(async () => {
  dir = writeProject(files);
  // One thread, so the order of the lines is fixed.
  text = await runCli(['run', '--threads', '1'], { cwd: dir });
  json = await runCli(['run', '--threads', '1', '--log-format', 'json'], { cwd: dir });
  jsonLog = readFileSync(path.join(dir, 'logs', 'tsdbt.log'), 'utf8');
});
afterAll(() => removeProject(dir));

describe('tsdbt run, text', () => {
  it('prints dbt-style progress and an end-of-run summary with the failing node, its compiled SQL and the database message', () => {
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(masked(text.stderr)).toMatchInlineSnapshot(`
      "HH:MM:SS  Found 4 models, 0 sources, N macros
      HH:MM:SS  Concurrency: 1 threads (target='dev', chdb at .tsdbt/chdb)
      HH:MM:SS  No profiles.yml found (looked in …), so tsdbt builds into the embedded engine: database 'shop' in .tsdbt/chdb. To build on a server, add a profiles.yml with a \`type: clickhouse\` target (\`tsdbt debug\` checks it).

      HH:MM:SS  1 of 4 START sql view model shop.base .......................................... [RUN]
      HH:MM:SS  1 of 4 OK created sql view model shop.base ..................................... [OK in N.NNs]
      HH:MM:SS  2 of 4 START sql view model shop.broken ........................................ [RUN]
      HH:MM:SS  2 of 4 ERROR creating sql view model shop.broken ............................... [ERROR in N.NNs]
      HH:MM:SS  3 of 4 SKIP relation shop.after_broken ......................................... [SKIP]
      HH:MM:SS  4 of 4 START sql table model shop.doubled ...................................... [RUN]
      HH:MM:SS  4 of 4 OK created sql table model shop.doubled ................................. [OK in N.NNs]

      HH:MM:SS  Finished running 3 view models, 1 table model in N.NNs.

      HH:MM:SS  Completed with 1 error and 0 warnings:

      HH:MM:SS  Failure in model broken (models/broken.sql)
      HH:MM:SS    TSDBT4002: ClickHouse rejected the statement (ClickHouse error 46 UNKNOWN_FUNCTION): Function with name \`no_such_function\` does not exist. In scope SELECT no_such_function(id) AS x FROM shop.base.
      HH:MM:SS    compiled code at target/compiled/shop/models/broken.sql

      HH:MM:SS  Slowest: …

      HH:MM:SS  Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4
      "
    `);
  });

  it('names the slowest nodes that ran, slowest first', () => {
    const line = /Slowest: (.*)/.exec(text.stderr)?.[1] ?? '';
    const seconds = [...line.matchAll(/\((\d+\.\d\d)s\)/g)].map((match) => Number(match[1]));
    expect(
      line
        .split(', ')
        .map((part) => part.split(' ')[0])
        .sort(),
    ).toEqual(['base', 'broken', 'doubled']);
    expect(seconds).toEqual([...seconds].sort((a, b) => b - a));
  });
});

describe('tsdbt run --log-format json', () => {
  it('writes only schema-valid JSON lines on stderr, nothing on stdout', () => {
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    const lines = parseLogLines(json.stderr);
    expect(lines.length).toBeGreaterThan(10);
    const invocation = lines.at(-1)!.invocation_id;
    expect(lines.every((line) => line.invocation_id === invocation)).toBe(true);
  });

  it('has a node_start and node_finished per node, a node_failure with the compiled path, and the run_summary counts', () => {
    const lines = parseLogLines(json.stderr);
    const of = (event: string) => lines.filter((line) => line.event === event);
    expect(of('node_start').map((line) => line.node_id)).toEqual(['model.shop.base', 'model.shop.broken', 'model.shop.doubled']);
    expect(of('node_finished').map((line) => [line.node_id, line.status, line.level])).toEqual([
      ['model.shop.base', 'success', 'info'],
      ['model.shop.broken', 'error', 'error'],
      ['model.shop.after_broken', 'skipped', 'info'],
      ['model.shop.doubled', 'success', 'info'],
    ]);
    expect(of('node_finished')[1]).toMatchObject({ error_code: 'TSDBT4002', resource_type: 'model', index: 2, total: 4 });
    expect(of('node_finished')[0]!.msg).toMatch(/^1 of 4 OK created sql view model shop\.base \[OK in \d+\.\d\ds\]$/);
    expect(of('node_failure')).toEqual([
      expect.objectContaining({
        level: 'error',
        node_id: 'model.shop.broken',
        status: 'error',
        compiled_path: 'target/compiled/shop/models/broken.sql',
        error_code: 'TSDBT4002',
      }),
    ]);
    expect(of('node_failure')[0]!.message).toContain('no_such_function');
    expect(of('run_summary')).toEqual([expect.objectContaining({ level: 'error', pass: 2, warn: 0, error: 1, skip: 1, total: 4, interrupted: false })]);
    expect(of('slowest_nodes')[0]!.slowest).toHaveLength(3);
  });
});

describe('logs/tsdbt.log', () => {
  it('keeps every run at debug level: the command, the SQL sent with timings, and how it ended', () => {
    const runs = jsonLog.split(/^={30} .* ={30}$/m).filter((part) => part.trim() !== '');
    expect(runs).toHaveLength(2);
    const last = runs[1]!;
    expect(last).toMatch(/\[debug\] command_start: Running with tsdbt=[\d.]+: tsdbt run --threads 1 --log-format json/);
    expect(last).toMatch(/\[debug\] sql: Sending statement\n {4}CREATE OR REPLACE VIEW `shop`\.`base`/);
    expect(last).toMatch(/\[debug\] sql_finished: Statement done in \d+ ms/);
    expect(last).toMatch(/\[debug\] sql_finished: Statement failed after \d+ ms: ClickHouse rejected the statement/);
    expect(last).toMatch(/\[error\] node_finished: 2 of 4 ERROR creating sql view model shop\.broken/);
    expect(last).toMatch(/\[debug\] command_finished: Command finished with exit code 1 in \d+ ms\n$/);
  });
});

describe('tsdbt run --quiet', () => {
  it('shows only the errors (the log file still gets everything)', async () => {
    const quiet = await runCli(['run', '--threads', '1', '--quiet'], { cwd: dir });
    expect(quiet.code).toBe(1);
    expect(masked(quiet.stderr)).toMatchInlineSnapshot(`
      "HH:MM:SS  2 of 4 ERROR creating sql view model shop.broken ............................... [ERROR in N.NNs]
      HH:MM:SS  Failure in model broken (models/broken.sql)
      HH:MM:SS    TSDBT4002: ClickHouse rejected the statement (ClickHouse error 46 UNKNOWN_FUNCTION): Function with name \`no_such_function\` does not exist. In scope SELECT no_such_function(id) AS x FROM shop.base.
      HH:MM:SS    compiled code at target/compiled/shop/models/broken.sql
      HH:MM:SS  Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4
      "
    `);
    expect(existsSync(path.join(dir, 'logs', 'tsdbt.log'))).toBe(true);
  });

  it('with a passing selection, prints nothing at all and exits 0', async () => {
    const quiet = await runCli(['run', '-s', 'base', '-q'], { cwd: dir });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});
