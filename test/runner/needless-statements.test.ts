/**
 * A run skips statements that would do nothing: CREATE DATABASE IF NOT EXISTS after the first one,
 * and drops of leftovers the run's relation listing does not have. A leftover that is there is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { loadProject } from '../../src/compile/load-project.js';
import { runNodes } from '../../src/runner/run-nodes.js';
import { removeProject, writeProject } from '../support/cli.js';
import { tempHome } from '../support/project.js';

let dir: string;
let adapter: Adapter;

beforeAll(async () => {
  dir = writeProject({
    'project.yml': 'name: lean\nprofile: lean\nmodels:\n  lean:\n    +materialized: table\n',
    'models/a.sql': 'select 1 as id',
    'models/b.sql': "select * from {{ ref('a') }}",
    'models/c.sql': "select * from {{ ref('a') }}",
  });
  const project = loadProject({ projectDir: dir, env: { HOME: '/nonexistent' } });
  adapter = await connect(project.target, { projectDir: dir });
});
afterAll(async () => {
  await adapter?.close();
  removeProject(dir);
});

async function runAll(): Promise<string[]> {
  const project = loadProject({ projectDir: dir, env: { HOME: tempHome() } });
  const sent: string[] = [];
  const summary = await runNodes(project, adapter, {
    ids: [...project.models.keys()],
    threads: 1,
    events: { statement: ({ sql }) => void sent.push(sql) },
  });
  expect(summary.results.map((result) => result.status)).toEqual(['success', 'success', 'success']);
  return sent;
}

describe('statements a run does not need', () => {
  it('creates the database once and drops no leftover that is not there', async () => {
    const sent = await runAll();
    expect(sent.filter((sql) => sql.startsWith('CREATE DATABASE'))).toHaveLength(1);
    expect(sent.filter((sql) => /__tsdbt_(tmp|backup)`$/.test(sql) && sql.startsWith('DROP'))).toEqual([]);
  });

  it('drops a leftover that is there', async () => {
    await adapter.execute('CREATE TABLE lean.b__tsdbt_backup (x UInt8) ENGINE = Memory');
    const sent = await runAll();
    // The second run swaps with EXCHANGE and drops each previous table (now under the _tmp name); backups only when left over.
    expect(sent.filter((sql) => sql.startsWith('DROP') && sql.endsWith('__tsdbt_backup`'))).toEqual(['DROP TABLE IF EXISTS `lean`.`b__tsdbt_backup`']);
    expect(sent.filter((sql) => sql.startsWith('CREATE DATABASE'))).toHaveLength(1);
    expect((await adapter.listRelations('lean')).map((relation) => relation.name).sort()).toEqual(['a', 'b', 'c']);
  });
});
