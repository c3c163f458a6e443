/** The golden plans, run for real on chDB: every branch leaves the right relation, with the right rows, and nothing else. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import type { ExistingRelation, Plan, PlanContext } from '../../src/materialize/plan.js';
import { planTable } from '../../src/materialize/plan-table.js';
import { planView } from '../../src/materialize/plan-view.js';

const MODERN: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: true, createOrReplaceView: true };
const OLD_SERVER: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: false, createOrReplaceView: false };

let dir: string;
let adapter: Adapter;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-plans-'));
  adapter = await connect({ type: 'chdb', name: 'dev', schema: 'plans', threads: 1, settings: {}, path: path.join(dir, 'chdb') });
});
afterAll(async () => {
  await adapter?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(plan: Plan): Promise<void> {
  try {
    for (const statement of plan.statements) await adapter.execute(statement.sql, statement.settings === undefined ? {} : { settings: statement.settings });
  } catch (error) {
    for (const statement of plan.cleanup) await adapter.execute(statement.sql).catch(() => undefined);
    throw error;
  }
}

async function relations(database: string): Promise<string[]> {
  return (await adapter.listRelations(database)).map((r) => `${r.name}:${r.kind}`).sort();
}

async function existing(database: string, name: string): Promise<ExistingRelation> {
  return (await adapter.listRelations(database)).find((r) => r.name === name)?.kind;
}

async function values(database: string, name: string): Promise<number[]> {
  return (await adapter.query<{ v: number }>(`SELECT v FROM \`${database}\`.\`${name}\` ORDER BY v`)).map((row) => Number(row.v));
}

const table = (database: string, sql: string, config = {}) => ({ schema: database, identifier: 't', sql, config });
const view = (database: string, sql: string) => ({ schema: database, identifier: 't', sql });

describe.each([
  { name: 'modern server', context: MODERN },
  { name: 'old-server fallbacks (RENAME instead of EXCHANGE and CREATE OR REPLACE)', context: OLD_SERVER },
])('plans on chDB: $name', ({ context }) => {
  const db = context === MODERN ? 'modern' : 'fallback';

  it('table: new, then replaced, with the old rows served until the swap', async () => {
    await run(planTable(table(db, 'SELECT toUInt32(1) AS v'), await existing(db, 't'), context));
    expect(await values(db, 't')).toEqual([1]);
    await run(
      planTable(table(db, 'SELECT toUInt32(number) AS v FROM numbers(3)', { order_by: 'v', engine: 'ReplacingMergeTree' }), await existing(db, 't'), context),
    );
    expect(await values(db, 't')).toEqual([0, 1, 2]);
    expect(await relations(db)).toEqual(['t:table']);
  });

  it('table: a failing build leaves the previous table and no temporary one', async () => {
    await expect(run(planTable(table(db, "SELECT throwIf(1, 'boom') AS v"), await existing(db, 't'), context))).rejects.toThrow(/boom/);
    expect(await values(db, 't')).toEqual([0, 1, 2]);
    expect(await relations(db)).toEqual(['t:table']);
  });

  it('view replacing the table, then replaced by a view, then by a table again', async () => {
    await run(planView(view(db, 'SELECT toUInt32(7) AS v'), await existing(db, 't'), context));
    expect(await relations(db)).toEqual(['t:view']);
    expect(await values(db, 't')).toEqual([7]);
    await run(planView(view(db, 'SELECT toUInt32(8) AS v'), await existing(db, 't'), context));
    expect(await values(db, 't')).toEqual([8]);
    await run(planTable(table(db, 'SELECT toUInt32(9) AS v'), await existing(db, 't'), context));
    expect(await relations(db)).toEqual(['t:table']);
    expect(await values(db, 't')).toEqual([9]);
  });

  it('drops temporary and backup tables left by a killed run before building', async () => {
    await adapter.execute(`CREATE TABLE \`${db}\`.\`t__tsdbt_tmp\` (v UInt32) ENGINE = Memory`);
    await adapter.execute(`CREATE TABLE \`${db}\`.\`t__tsdbt_backup\` (v UInt32) ENGINE = Memory`);
    await run(planTable(table(db, 'SELECT toUInt32(10) AS v'), await existing(db, 't'), context));
    expect(await values(db, 't')).toEqual([10]);
    expect(await relations(db)).toEqual(['t:table']);
  });
});

describe('model SQL as people write it', () => {
  it('a trailing semicolon and a trailing comment do not break the statements around the model', async () => {
    await run(planTable(table('misc', 'SELECT toUInt32(1) AS v;\n'), await existing('misc', 't'), MODERN));
    await run(planView({ schema: 'misc', identifier: 'w', sql: 'SELECT toUInt32(2) AS v -- the end' }, undefined, MODERN));
    expect(await values('misc', 't')).toEqual([1]);
    expect(await values('misc', 'w')).toEqual([2]);
  });
});
