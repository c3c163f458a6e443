/**
 * Data-loss edges found by attacking the CLI (issue 20, items 3-6), each through the built CLI on
 * real chDB: ephemeral models' dependencies order the run; names in tsdbt's own temp namespace are
 * refused and tables tsdbt did not make are never swept; YAML merge keys mean what YAML 1.1 says in
 * project.yml and profiles.yml; a target-path overlapping the project is refused before anything
 * is written or deleted.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { relationsOf, tsdbt, withChdb } from '../e2e/example-project.js';
import { removeProject, writeProject } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';
import { recordFigure } from '../support/reliability-figures.js';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev: {type: chdb, schema: edges, threads: 4}\n';
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) removeProject(dir);
});

function project(files: Record<string, string>): { dir: string; cli: (args: string[]) => ReturnType<typeof tsdbt> } {
  const dir = writeProject({ 'project.yml': 'name: demo\nprofile: demo\n', 'profiles.yml': PROFILE, ...files }, 'tsdbt-edges-');
  const home = tempHomeDir();
  made.push(dir, home);
  return { dir, cli: (args) => tsdbt(dir, home, args) };
}

describe('ephemeral models order the run (item 3)', () => {
  it('a model reading an ephemeral model over a slow table waits for the table, on a fresh database', async ({ task }) => {
    const { dir, cli } = project({
      'models/slow_base.sql':
        "{{ config(materialized='table') }}\nselect number as id from numbers(4) where sleepEachRow(0.25) = 0 settings max_block_size = 1\n",
      'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect id * 2 as id from {{ ref('slow_base') }}\n",
      'models/eph2.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('eph') }}\n",
      'models/reader.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('eph2') }}\n",
    });
    const result = await cli(['run', '--threads', '4']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await withChdb(dir, async (adapter) => {
      expect(await adapter.query('SELECT count() AS n FROM edges.reader', { settings: { output_format_json_quote_64bit_integers: 0 } })).toEqual([{ n: 4 }]);
    });
    recordFigure(task, {
      section: 'data',
      subject: 'a model over an ephemeral chain over a slow table, 4 threads, fresh database',
      count: 1,
      unit: 'run',
      outcome: 'the model waited for the table the ephemeral models read',
    });
  }, 120_000);
});

describe("tsdbt's temporary names (item 4)", () => {
  it('refuses a model whose name or alias ends in __tsdbt_tmp or __tsdbt_backup, with file:line', async ({ task }) => {
    const { cli } = project({
      'models/orders__tsdbt_tmp.sql': 'select 1 as id\n',
      'models/fine.sql': "{{ config(alias='fine__tsdbt_backup') }}\nselect 1 as id\n",
    });
    const result = await cli(['compile']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TSDBT2800');
    expect(result.stderr).toContain('models/orders__tsdbt_tmp.sql');
    expect(result.stderr).toMatch(/models\/fine\.sql:1/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    recordFigure(task, {
      section: 'fuzz',
      subject: "models named or aliased with tsdbt's `__tsdbt_tmp`/`__tsdbt_backup` suffixes",
      count: 2,
      unit: 'inputs tried',
      outcome: 'each refused at parse with TSDBT2800 and its file:line',
    });
  }, 60_000);

  it('never drops a user table that merely ends in __tsdbt_tmp; only what tsdbt recorded making', async ({ task }) => {
    const { dir, cli } = project({ 'models/people.sql': "{{ config(materialized='table') }}\nselect 1 as id\n" });
    expect((await cli(['run'])).code).toBe(0);
    await withChdb(dir, async (adapter) => {
      await adapter.execute('CREATE TABLE edges.archive__tsdbt_tmp (id UInt8) ENGINE = MergeTree ORDER BY id');
      await adapter.execute('INSERT INTO edges.archive__tsdbt_tmp VALUES (7)');
      await adapter.execute('CREATE TABLE edges.other__tsdbt_backup (id UInt8) ENGINE = MergeTree ORDER BY id');
    });
    const again = await cli(['run']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    await withChdb(dir, async (adapter) => {
      const relations = await relationsOf(adapter, 'edges');
      expect(relations).toContain('archive__tsdbt_tmp:table');
      expect(relations).toContain('other__tsdbt_backup:table');
      expect(await adapter.query('SELECT id FROM edges.archive__tsdbt_tmp')).toEqual([{ id: 7 }]);
    });
    recordFigure(task, {
      section: 'data',
      subject: 'user tables ending in `__tsdbt_tmp`/`__tsdbt_backup` in a project database, then `run`',
      count: 2,
      unit: 'tables',
      outcome: 'both kept with their rows: the sweep drops only what tsdbt recorded creating',
    });
  }, 120_000);
});

describe('YAML merge keys (item 5)', () => {
  it('project.yml: `<<: *anchor` configs apply (an incremental stays incremental)', async ({ task }) => {
    const { dir, cli } = project({
      'project.yml': [
        'name: demo',
        'profile: demo',
        'models:',
        '  demo:',
        '    staging: &keep',
        '      +materialized: incremental',
        '      +order_by: id',
        '    marts:',
        '      <<: *keep',
        '',
      ].join('\n'),
      'models/marts/history.sql': "select toUInt32({{ var('step', 0) }}) as id\n",
    });
    for (const step of [0, 1]) {
      const result = await cli(['run', '--vars', `{step: ${step}}`]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
    await withChdb(dir, async (adapter) => {
      expect(await relationsOf(adapter, 'edges')).toEqual(['history:table']);
      expect(await adapter.query('SELECT id FROM edges.history ORDER BY id')).toEqual([{ id: 0 }, { id: 1 }]);
    });
    recordFigure(task, {
      section: 'data',
      subject: 'an incremental configured through a YAML merge key (`<<: *anchor`) in project.yml, run twice',
      count: 1,
      unit: 'project',
      outcome: 'stayed incremental and kept its history',
    });
  }, 120_000);

  it('profiles.yml: an output merged from an anchor has its `type`', async ({ task }) => {
    const { dir, cli } = project({
      'profiles.yml': [
        'demo:',
        '  target: dev',
        '  outputs:',
        '    base: &base',
        '      type: chdb',
        '      threads: 1',
        '    dev:',
        '      <<: *base',
        '      schema: merged',
        '',
      ].join('\n'),
      'models/people.sql': "{{ config(materialized='table') }}\nselect 1 as id\n",
    });
    const result = await cli(['run']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await withChdb(dir, async (adapter) => expect(await relationsOf(adapter, 'merged')).toEqual(['people:table']));
    recordFigure(task, {
      section: 'fuzz',
      subject: 'a profiles.yml output merged from an anchor',
      count: 1,
      unit: 'input tried',
      outcome: 'read with its merged `type`',
    });
  }, 120_000);
});

describe('target-path overlapping the project (item 6)', () => {
  for (const targetPath of ['.', 'models', 'docs/site/..']) {
    it(`target-path: "${targetPath}" is refused before anything is written or deleted`, async ({ task }) => {
      const { dir, cli } = project({
        'project.yml': `name: demo\nprofile: demo\ntarget-path: "${targetPath}"\ndocs-paths: ["docs"]\n`,
        'docs/overview.md': '{% docs __overview__ %}Mine{% enddocs %}\n',
        'models/people.sql': 'select 1 as id\n',
      });
      for (const args of [['docs', 'generate'], ['compile'], ['docs', 'serve', '--port', '0']]) {
        const result = await cli(args);
        expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(2);
        expect(result.stderr).toContain('TSDBT1800');
        expect(result.stderr).toContain('project.yml:3');
      }
      expect(readFileSync(path.join(dir, 'docs', 'overview.md'), 'utf8')).toContain('Mine');
      expect(existsSync(path.join(dir, 'models', 'people.sql'))).toBe(true);
      expect(existsSync(path.join(dir, 'index.html'))).toBe(false);
      recordFigure(task, {
        section: 'data',
        subject: `target-path: "${targetPath}" (overlapping the project) with docs generate, compile, docs serve`,
        count: 3,
        unit: 'commands',
        outcome: "each refused with TSDBT1800 at project.yml:3; the project's files untouched",
      });
    }, 120_000);
  }
});
