/**
 * CI on model changes, end to end on chDB: production is built with one target, its target/
 * copied to prod/, then a dev target (same chDB folder, another schema) selects with
 * state:modified and defers unselected parents to production's relations.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectYml, removeProject, runCli, writeProject, type CliResult } from '../support/cli.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { showInProcess } from '../support/show-in-process.js';

const FILES: Record<string, string> = {
  'project.yml': projectYml('shop'),
  'profiles.yml': `shop:
  target: dev
  outputs:
    prod:
      type: chdb
      path: .tsdbt/chdb
      schema: shop_prod
    dev:
      type: chdb
      path: .tsdbt/chdb
      schema: shop_dev
`,
  'macros/math.sql': '{% macro double(x) -%} ({{ x }} * 2) {%- endmacro %}\n\n{% macro triple(x) -%} ({{ x }} * 3) {%- endmacro %}\n',
  'models/base.sql': "{{ config(materialized='table') }}\nselect number as n from numbers({{ var('rows', 10) }})\n",
  'models/mid.sql': "-- doubles n\nselect n, {{ double('n') }} as d from {{ ref('base') }}\n",
  'models/leaf.sql': "{{ config(materialized='table') }}\nselect count() as c, sum(d) as s from {{ ref('mid') }}\n",
  'models/other.sql': "select {{ triple('n') }} as t from {{ ref('base') }}\n",
};

let dir: string;
/**
 * `tsdbt <args>` run by the CLI's `main` in this process: these tests are about what the commands
 * select, build and print, not about the process, and each real one costs about 1 s of CPU. The
 * production build, the usage errors (exit code 2) and one check that a real process prints the
 * same as `main` in this process stay real processes (`cliProcess`).
 */
const cli = (...args: string[]): Promise<CliResult> => runCliInProcess(args, { cwd: dir });
const cliProcess = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir });
const edit = (file: string, change: (text: string) => string) => writeFileSync(path.join(dir, file), change(readFileSync(path.join(dir, file), 'utf8')));
const restore = (file: string) => writeFileSync(path.join(dir, file), FILES[file]!);
/** What `tsdbt show --inline` returns, read in this process (the tests here are about what the CLI built). */
const rows = (sql: string) => showInProcess(dir, {}, sql);
const lines = (text: string) => text.split('\n').filter((line) => line !== '');

/** After `which --select state:modified+ --defer` with mid edited: only mid and leaf ran, in dev, over prod's base. */
async function expectOnlyMidAndLeafBuilt(which: string): Promise<void> {
  const results = JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as {
    results: { unique_id: string; status: string }[];
    args: Record<string, unknown>;
  };
  expect(results.results.map((result) => `${result.unique_id}:${result.status}`).sort()).toEqual(['model.shop.leaf:success', 'model.shop.mid:success']);
  expect(results.args).toMatchObject({ which, select: ['state:modified+'], defer: true, state: 'prod' });
  expect(readFileSync(path.join(dir, 'target/compiled/shop/models/mid.sql'), 'utf8')).toContain('from `shop_prod`.`base`');
  // Only mid and leaf exist in dev; leaf counted production's 10 rows of base through dev's mid.
  expect(await rows("select name from system.tables where database = 'shop_dev' order by name")).toEqual([{ name: 'leaf' }, { name: 'mid' }]);
  expect(await rows('select c, s from shop_dev.leaf')).toEqual([{ c: 10, s: 90 }]);
}

beforeAll(async () => {
  dir = writeProject(FILES, 'tsdbt-e2e-state-');
  const prod = await cliProcess('run', '--target', 'prod');
  expect(prod.code, prod.stderr).toBe(0);
  cpSync(path.join(dir, 'target'), path.join(dir, 'prod'), { recursive: true });
}, 60_000);
afterAll(() => removeProject(dir));

describe('state:modified against production artifacts', () => {
  it('selects nothing when nothing changed, and says so without a warning (a real process and main in this process alike)', async () => {
    for (const result of [
      await cliProcess('ls', '--select', 'state:modified+', '--state', 'prod'),
      await cli('ls', '--select', 'state:modified+', '--state', 'prod'),
    ]) {
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain("Nothing matches 'state:modified+' compared with the state in prod.");
      expect(result.stderr).not.toContain('Warning');
    }
  });

  it('edit one model: ls lists exactly it and its descendants; run builds only those, reading the unselected parent from prod', async () => {
    edit('models/mid.sql', (text) => text.replace('as d', 'as d, 1 as one'));
    try {
      const ls = await cli('ls', '--select', 'state:modified+', '--state', 'prod', '--output', 'name');
      expect(ls.code, ls.stderr).toBe(0);
      expect(lines(ls.stdout)).toEqual(['leaf', 'mid']);

      const run = await cli('run', '--select', 'state:modified+', '--defer', '--state', 'prod');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('Deferring 1 unselected parent to the relations in prod/manifest.json.');
      await expectOnlyMidAndLeafBuilt('run');
    } finally {
      restore('models/mid.sql');
    }
  });

  it('build does the same: only the changed model and its children, parents from prod', async () => {
    edit('models/mid.sql', (text) => text.replace('as d', 'as d, 2 as two'));
    try {
      const build = await cli('build', '--select', 'state:modified+', '--defer', '--state', 'prod');
      expect(build.code, build.stderr).toBe(0);
      await expectOnlyMidAndLeafBuilt('build');
    } finally {
      restore('models/mid.sql');
    }
  });

  it('change a macro: its users are modified (state:modified and .macros), not through .body', async () => {
    edit('macros/math.sql', (text) => text.replace('* 3', '* 4'));
    try {
      expect(lines((await cli('ls', '-s', 'state:modified', '--state', 'prod', '--output', 'name')).stdout)).toEqual(['other']);
      expect(lines((await cli('ls', '-s', 'state:modified.macros', '--state', 'prod', '--output', 'name')).stdout)).toEqual(['other']);
      expect((await cli('ls', '-s', 'state:modified.body', '--state', 'prod')).stdout).toBe('');
    } finally {
      restore('macros/math.sql');
    }
  });

  it('a whitespace-only change in a comment counts as modified (.body compares the raw file, as dbt does)', async () => {
    edit('models/mid.sql', (text) => text.replace('-- doubles n', '--  doubles n'));
    try {
      expect(lines((await cli('ls', '-s', 'state:modified.body', '--state', 'prod', '--output', 'name')).stdout)).toEqual(['mid']);
    } finally {
      restore('models/mid.sql');
    }
  });

  it('a config change is state:modified.configs, and new models are state:new', async () => {
    edit('models/other.sql', (text) => `{{ config(materialized='table') }}\n${text}`);
    writeFileSync(path.join(dir, 'models/added.sql'), 'select 1 as x\n');
    try {
      expect(lines((await cli('ls', '-s', 'state:modified.configs', '--state', 'prod', '--output', 'name')).stdout)).toEqual(['added', 'other']);
      expect(lines((await cli('ls', '-s', 'state:new', '--state', 'prod', '--output', 'name')).stdout)).toEqual(['added']);
    } finally {
      restore('models/other.sql');
      removeProject(path.join(dir, 'models/added.sql'));
    }
  });

  it('result: selectors read the run_results.json in the state folder', async () => {
    const result = await cli('ls', '-s', 'result:success', '--state', 'prod', '--output', 'name');
    expect(lines(result.stdout)).toEqual(['base', 'leaf', 'mid', 'other']);
  });
});

describe('--defer', () => {
  it('uses a parent that exists in dev, unless --favor-state', async () => {
    // dev gets its own, smaller base.
    const base = await cli('run', '-s', 'base', '--vars', '{rows: 3}');
    expect(base.code, base.stderr).toBe(0);

    const dev = await cli('run', '-s', 'mid+', '--defer', '--state', 'prod');
    expect(dev.code, dev.stderr).toBe(0);
    expect(dev.stderr).not.toContain('Deferring');
    expect(await rows('select c from shop_dev.leaf')).toEqual([{ c: 3 }]);

    const favored = await cli('run', '-s', 'mid+', '--defer', '--favor-state', '--state', 'prod');
    expect(favored.code, favored.stderr).toBe(0);
    expect(await rows('select c from shop_dev.leaf')).toEqual([{ c: 10 }]);
  });

  it('show --defer previews a model over dev parents, or production ones with --favor-state', async () => {
    const dev = await cli('show', '-s', 'mid', '--defer', '--state', 'prod', '--limit', '-1', '--output', 'json');
    expect(dev.code, dev.stderr).toBe(0);
    expect((JSON.parse(dev.stdout) as { show: unknown[] }).show).toHaveLength(3);
    const prod = await cli('show', '-s', 'mid', '--defer', '--favor-state', '--state', 'prod', '--limit', '-1', '--output', 'json');
    expect(prod.code, prod.stderr).toBe(0);
    expect((JSON.parse(prod.stdout) as { show: unknown[] }).show).toHaveLength(10);
  });

  it('test --defer runs data tests against production parents with --favor-state', async () => {
    mkdirSync(path.join(dir, 'tests'));
    writeFileSync(path.join(dir, 'tests/ten_rows.sql'), "select count() as c from {{ ref('base') }} having c != 10\n");
    try {
      const dev = await cli('test', '--defer', '--state', 'prod');
      expect(dev.code).toBe(1);
      const prod = await cli('test', '--defer', '--favor-state', '--state', 'prod');
      expect(prod.code, prod.stderr).toBe(0);
    } finally {
      removeProject(path.join(dir, 'tests'));
    }
  });

  it('compile --defer writes SQL that reads production', async () => {
    const result = await cli('compile', '-s', 'mid', '--defer', '--state', 'prod');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('from `shop_prod`.`base`');
  });

  it('needs --state, and says so', async () => {
    const result = await cliProcess('run', '-s', 'mid', '--defer');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--defer needs --state');
  });

  it('names a missing state folder', async () => {
    const result = await cliProcess('ls', '-s', 'state:modified', '--state', 'nowhere');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Error TSDBT3004: The state folder 'nowhere' does not exist");
  });
});
