/**
 * EXCHANGE TABLES works only in Atomic databases, whatever the server version: a database made
 * Ordinary (by an old server, or on purpose) must get the double-RENAME swap even on a server that
 * has EXCHANGE. chDB (a current ClickHouse) can still create Ordinary databases, so this runs
 * without a server: the built CLI over a temp project, twice per target (the second run swaps).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { removeProject, runCli, writeProject } from '../support/cli.js';

describe('table swaps follow the engine of the database they happen in', () => {
  let dir: string;

  beforeAll(async () => {
    dir = writeProject({
      'project.yml': 'name: engines\nprofile: engines\n',
      'models/numbers.sql': "{{ config(materialized='table') }}\nselect number as n from system.numbers limit {{ var('rows', 3) }}\n",
      'profiles.yml': [
        'engines:',
        '  target: ordinary',
        '  outputs:',
        '    ordinary: {type: chdb, path: .tsdbt/chdb, schema: legacy_db}',
        '    atomic: {type: chdb, path: .tsdbt/chdb, schema: atomic_db}',
        '',
      ].join('\n'),
    });
    const adapter = await connect({ type: 'chdb', name: 'setup', path: path.join(dir, '.tsdbt', 'chdb'), schema: 'legacy_db', threads: 1, settings: {} });
    try {
      await adapter.execute('CREATE DATABASE legacy_db ENGINE = Ordinary', { settings: { allow_deprecated_database_ordinary: 1 } });
      expect(await adapter.databaseEngine?.('legacy_db')).toBe('Ordinary');
    } finally {
      await adapter.close();
    }
  });
  afterAll(() => {
    if (dir !== undefined) removeProject(dir);
  });

  it('swaps with one double RENAME in an Ordinary database, though the server has EXCHANGE TABLES', async () => {
    const first = await runCli(['run', '--target', 'ordinary'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(['run', '--target', 'ordinary', '--debug', '--vars', '{rows: 5}'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('EXCHANGE TABLES');
    expect(second.stderr).toContain(
      'RENAME TABLE `legacy_db`.`numbers` TO `legacy_db`.`numbers__tsdbt_backup`, `legacy_db`.`numbers__tsdbt_tmp` TO `legacy_db`.`numbers`',
    );
    const shown = await runCli(['show', '--target', 'ordinary', '--inline', "select count() as n from {{ ref('numbers') }}", '--output', 'json'], { cwd: dir });
    expect(JSON.parse(shown.stdout)).toEqual({ show: [{ n: 5 }] });
  });

  it('uses EXCHANGE TABLES in an Atomic database (the default for databases tsdbt creates)', async () => {
    const first = await runCli(['run', '--target', 'atomic'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(['run', '--target', 'atomic', '--debug'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('EXCHANGE TABLES `atomic_db`.`numbers__tsdbt_tmp` AND `atomic_db`.`numbers`');
  });
});
