/**
 * What a new user meets in their first hour, through the CLI: profiles where dbt users keep them, the
 * embedded fallback said in words, errors at the line of their own model, selections that match nothing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectYml, removeProject, runCli, writeProject } from '../support/cli.js';

const BAD_COLUMN_MODEL = [
  "{{ config(materialized='table') }}",
  '',
  '-- the people',
  'select',
  '    id,',
  '    name,',
  '    nme_typo as x',
  "from {{ ref('base') }}",
  '',
].join('\n');

let dir: string;
let home: string;
const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, { cwd: dir, env: { HOME: home, ...env } });

beforeAll(() => {
  dir = writeProject({
    'project.yml': projectYml('demo', 'models:\n  demo:\n    +tags: [mart]\n'),
    'models/base.sql': "select 1 as id, 'a' as name\n",
    'models/people.sql': BAD_COLUMN_MODEL,
    'models/blank.sql': '\n-- nothing yet\n',
  });
  home = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-home-'));
});
afterAll(() => {
  removeProject(dir);
  removeProject(home);
});

describe('a database error in a model', () => {
  it('names the line of the model file where the bad column is (line 7), not a line of the generated DDL', async () => {
    const result = await cli(['run', '--select', '+people']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ClickHouse rejected the model at models/people.sql:7:5, line 5 of target/compiled/demo/models/people.sql');
    expect(result.stderr).toContain('Unknown expression identifier `nme_typo`');
  });

  it('is TSDBT2012 for an empty model, not a raw syntax error', async () => {
    const result = await cli(['run', '--select', 'blank']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("TSDBT2012: The model 'blank' has no SQL: models/blank.sql renders to nothing but comments and white space.");
    expect(result.stderr).not.toContain('SYNTAX_ERROR');
  });
});

describe('an incremental model whose column types changed', () => {
  it('fails with the on_schema_change / --full-refresh hint', async () => {
    const project = writeProject({ 'project.yml': projectYml(), 'models/events.sql': "{{ config(materialized='incremental') }}\nselect 1 as id, 5 as v\n" });
    try {
      expect((await runCli(['run'], { cwd: project, env: { HOME: home } })).code).toBe(0);
      writeFileSync(path.join(project, 'models', 'events.sql'), "{{ config(materialized='incremental') }}\nselect 2 as id, 'abc' as v\n");
      const result = await runCli(['run'], { cwd: project, env: { HOME: home } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Rebuild the table with `tsdbt run --full-refresh --select events`');
      expect(result.stderr).toContain('on_schema_change: sync_all_columns');
    } finally {
      removeProject(project);
    }
  });
});

describe('a selection that matches nothing', () => {
  it('warns with a did-you-mean and exits 0 by default, as dbt does', async () => {
    const result = await cli(['ls', '--select', 'peple', 'tag:mrt']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("The selection criterion 'peple' does not match any enabled nodes. Did you mean 'people'?");
    expect(result.stderr).toContain("The selection criterion 'tag:mrt' does not match any enabled nodes. Did you mean 'tag:mart'?");
  });

  it('fails (exit 2) with --fail-on-empty-selection', async () => {
    const result = await cli(['ls', '--select', 'peple', '--fail-on-empty-selection']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Error TSDBT3003: The selection criterion 'peple' does not match any enabled nodes. Did you mean 'people'?");
  });

  it('-m and --models select like --select', async () => {
    for (const flag of ['-m', '--models']) {
      const result = await cli(['ls', flag, 'base', '--output', 'name']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe('base');
    }
  });
});

describe('profiles where dbt users keep them', () => {
  const profile = (schema: string) => `demo:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      schema: ${schema}\n`;

  it('reads ~/.dbt/profiles.yml and DBT_PROFILES_DIR', async () => {
    const dbtHome = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-home-'));
    const envDir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-profiles-'));
    try {
      mkdirSync(path.join(dbtHome, '.dbt'));
      writeFileSync(path.join(dbtHome, '.dbt', 'profiles.yml'), profile('from_dot_dbt'));
      writeFileSync(path.join(envDir, 'profiles.yml'), profile('from_dbt_profiles_dir'));
      const fromHome = await runCli(['debug'], { cwd: dir, env: { HOME: dbtHome } });
      expect(fromHome.stderr).toContain(`profiles.yml: ${path.join(dbtHome, '.dbt', 'profiles.yml')} [OK]`);
      expect(fromHome.stderr).toContain("schema 'from_dot_dbt'");
      const fromEnv = await runCli(['debug'], { cwd: dir, env: { HOME: dbtHome, DBT_PROFILES_DIR: envDir } });
      expect(fromEnv.stderr).toContain("schema 'from_dbt_profiles_dir'");
    } finally {
      removeProject(dbtHome);
      removeProject(envDir);
    }
  });

  it('says in words when the embedded engine is used because no profiles.yml exists', async () => {
    const debug = await cli(['debug']);
    expect(debug.stderr).toMatch(
      /profiles\.yml: none found \[NOTE\]\n.*No profiles\.yml found \(looked in .*\), so tsdbt builds into the embedded engine: database 'demo' in \.tsdbt\/chdb\./,
    );
    const run = await cli(['run', '--select', 'base']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("so tsdbt builds into the embedded engine: database 'demo' in .tsdbt/chdb. To build on a server, add a profiles.yml");
  });

  it('refuses --target when there is no profiles.yml, instead of quietly building locally', async () => {
    const result = await cli(['run', '--target', 'prod']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Target 'prod' was asked for, but there is no profiles.yml");
  });
});
