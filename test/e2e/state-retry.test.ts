/** tsdbt retry, --fail-fast, --empty and the default selector, end to end on chDB. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectYml, removeProject, runCli, writeProject, type CliResult } from '../support/cli.js';
import { runCliInProcess } from '../support/cli-in-process.js';

let dir: string;
/**
 * `tsdbt <args>` run by the CLI's `main` in this process: these tests are about what retry,
 * --fail-fast, --empty and the default selector run and record, not about the process, and each
 * real one costs about 1 s of CPU. The usage error (exit code 2) and the first failing run (exit
 * code 1) stay real processes (`cliProcess`), so the process's exit codes are still checked here.
 */
const cli = (...args: string[]): Promise<CliResult> => runCliInProcess(args, { cwd: dir });
const cliProcess = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir });
const statuses = () =>
  Object.fromEntries(
    (
      JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[] }
    ).results.map((result) => [result.unique_id.replace('model.shop.', ''), `${result.status}: ${result.message}`]),
  );
async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const result = await cli('show', '--inline', sql, '--output', 'json', '--limit', '-1');
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { show: Record<string, unknown>[] }).show;
}

beforeAll(() => {
  dir = writeProject(
    {
      'project.yml': projectYml('shop'),
      'models/base.sql': "{{ config(materialized='table') }}\nselect number as n, toString(number) as label from numbers(5)\n",
      // Sorts first among equals, so with one thread it is the first to run.
      'models/a_bad.sql': "select no_such_column from {{ ref('base') }}\n",
      'models/a_bad_child.sql': "select * from {{ ref('a_bad') }}\n",
      'models/z_fine.sql': "{{ config(materialized='table') }}\nselect n * 2 as twice, label from {{ ref('base') }}\n",
    },
    'tsdbt-e2e-retry-',
  );
});
afterAll(() => removeProject(dir));

describe('tsdbt retry', () => {
  it('without a previous run, says there is nothing to retry', async () => {
    const result = await cliProcess('retry');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('There is nothing to retry: target/run_results.json does not exist.');
  });

  it('re-runs only what failed or was skipped, with the same options, until it passes', async () => {
    const first = await cliProcess('run', '--threads', '2');
    expect(first.code).toBe(1);
    expect(statuses()).toMatchObject({
      a_bad: expect.stringMatching(/^error: /),
      a_bad_child: "skipped: Skipped because 'a_bad' failed.",
      base: 'success: OK',
      z_fine: 'success: OK',
    });

    const again = await cli('retry');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Retrying 2 nodes that failed or were skipped in the last 'tsdbt run'.");
    expect(Object.keys(statuses()).sort()).toEqual(['a_bad', 'a_bad_child']);

    writeFileSync(path.join(dir, 'models/a_bad.sql'), "select n from {{ ref('base') }}\n");
    const fixed = await cli('retry');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(statuses()).toEqual({ a_bad: 'success: OK', a_bad_child: 'success: OK' });
    const args = (JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown> }).args;
    expect(args).toMatchObject({ which: 'run', threads: '2' });

    const nothing = await cli('retry');
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toContain('Nothing to retry: every node in target/run_results.json succeeded.');
  });
});

describe('--fail-fast', () => {
  it('starts nothing after the first failure; the rest is skipped with the reason', async () => {
    writeFileSync(path.join(dir, 'models/a_bad.sql'), "select no_such_column from {{ ref('base') }}\n");
    const result = await cli('run', '-s', 'a_bad', 'z_fine', '--fail-fast', '--threads', '1');
    expect(result.code).toBe(1);
    expect(statuses()).toEqual({ a_bad: expect.stringMatching(/^error: /), z_fine: "skipped: Skipped: --fail-fast stopped the run after 'a_bad' failed." });

    const without = await cli('run', '-s', 'a_bad', 'z_fine', '--threads', '1');
    expect(without.code).toBe(1);
    expect(statuses()).toMatchObject({ z_fine: 'success: OK' });
  });
});

describe('--empty', () => {
  it('builds with the real columns and types but no rows', async () => {
    const result = await cli('run', '-s', 'z_fine', '--empty');
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'target/compiled/shop/models/z_fine.sql'), 'utf8')).toContain('from (select * from `shop`.`base` limit 0)');
    expect(await rows('select count() as c from shop.z_fine')).toEqual([{ c: 0 }]);
    expect(await rows("select name, type from system.columns where database = 'shop' and table = 'z_fine' order by position")).toEqual([
      { name: 'twice', type: 'UInt64' },
      { name: 'label', type: 'String' },
    ]);
  });
});

describe('selectors.yml default', () => {
  it('applies when no selection is given, and --select overrides it', async () => {
    writeFileSync(path.join(dir, 'selectors.yml'), 'selectors:\n  - name: nightly\n    default: true\n    definition: base+\n');
    try {
      const plain = await cli('ls', '--output', 'name');
      expect(plain.stdout.split('\n').filter(Boolean)).toEqual(['a_bad', 'a_bad_child', 'base', 'z_fine']);
      writeFileSync(path.join(dir, 'selectors.yml'), 'selectors:\n  - name: nightly\n    default: true\n    definition: z_fine\n');
      const defaulted = await cli('ls', '--output', 'name');
      expect(defaulted.stdout).toBe('z_fine\n');
      expect(defaulted.stderr).toContain("Using the default selector 'nightly' from selectors.yml.");
      expect((await cli('ls', '--output', 'name', '-s', 'base')).stdout).toBe('base\n');
    } finally {
      removeProject(path.join(dir, 'selectors.yml'));
    }
  });
});

describe('tsdbt retry after build', () => {
  it('re-runs the failed nodes with build', async () => {
    writeFileSync(path.join(dir, 'models/a_bad.sql'), "select no_such_column from {{ ref('base') }}\n");
    expect((await cli('build', '-s', 'a_bad+')).code).toBe(1);
    writeFileSync(path.join(dir, 'models/a_bad.sql'), "select n from {{ ref('base') }}\n");
    const fixed = await cli('retry');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stderr).toContain("in the last 'tsdbt build'");
    expect(statuses()).toEqual({ a_bad: 'success: OK', a_bad_child: 'success: OK' });
  });
});
