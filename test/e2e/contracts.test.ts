/**
 * Model contracts and constraints, end to end through the CLI on chDB: a mismatch fails before
 * anything in the database changes and names each column; a matching contract defines the
 * table's columns; not_null and check are enforced; a breaking change against --state fails.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectYml, removeProject, runCli, writeProject, type CliResult } from '../support/cli.js';
import { runCliInProcess } from '../support/cli-in-process.js';

const PROFILES = `shop:
  target: dev
  outputs:
    dev:
      type: chdb
      path: .tsdbt/chdb
      schema: shop
`;

const CONTRACT = `models:
  - name: orders
    config:
      contract: {enforced: true}
    columns:
      - name: id
        data_type: int
        constraints:
          - type: not_null
          - type: primary_key
      - name: amount
        data_type: bigint
        constraints:
          - type: check
            expression: "amount >= 0"
      - name: note
        data_type: string
`;

// A pre_hook that leaves a mark: it must not run when the contract check fails.
const MATCHING =
  "{{ config(materialized='table', pre_hook='create table if not exists shop_marks.hook_ran (x UInt8) engine = Memory') }}\nselect toInt32(number) as id, toInt64(number * {{ var('sign', 1) }}) as amount, if(number = 0, NULL, 'n') as note from numbers(3)\n";
const MISMATCHED =
  "{{ config(materialized='table', pre_hook='create table if not exists shop_marks.hook_ran (x UInt8) engine = Memory') }}\nselect number as id, 'x' as extra, toInt64(1) as amount from numbers(3)\n";

let dir: string;
/**
 * `tsdbt <args>` run by the CLI's `main` in this process: these tests are about what a contract
 * lets through, builds and records, not about the process, and each real one costs about 1 s of
 * CPU. The first failing run stays a real process (`cliProcess`), exit code and output included.
 */
const cli = (...args: string[]): Promise<CliResult> => runCliInProcess(args, { cwd: dir });
const cliProcess = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, timeoutMs: 120_000 });
const write = (file: string, text: string) => writeFileSync(path.join(dir, file), text);
async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const result = await cli('show', '--inline', sql, '--output', 'json', '--limit', '-1');
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { show: Record<string, unknown>[] }).show;
}

beforeAll(() => {
  dir = writeProject({
    'project.yml': projectYml('shop', "on-run-start: ['create database if not exists shop_marks']\n"),
    'profiles.yml': PROFILES,
    'models/orders.sql': MISMATCHED,
    'models/orders.yml': CONTRACT,
  });
});
afterAll(() => removeProject(dir));

describe('model contracts on chDB', () => {
  it('a mismatch fails before any DDL or hook, naming each column', async () => {
    const result = await cliProcess('run');
    expect(result.code).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toContain("TSDBT4400: Model 'orders' has an enforced contract that its query does not meet (nothing was built):");
    expect(output).toMatch(/\| id +\| UInt64 +\| Int32 +\| data type mismatch +\|/);
    expect(output).toMatch(/\| note +\| +\| String +\| missing in definition \|/);
    expect(output).toMatch(/\| extra +\| String +\| +\| missing in contract +\|/);
    // Warned once, where it is written: ClickHouse has no primary key constraint.
    expect(output.match(/the primary_key constraint is not enforced/g)).toHaveLength(1);
    expect(output).toContain('models/orders.yml:10');
    expect(await rows("select name from system.tables where database in ('shop', 'shop_marks')")).toEqual([]);
  }, 120_000);

  it('a matching contract builds the table with the declared types; not_null and check hold', async () => {
    write('models/orders.sql', MATCHING);
    const built = await cli('run');
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(await rows("select name, type from system.columns where database = 'shop' and table = 'orders' order by position")).toEqual([
      { name: 'id', type: 'Int32' },
      { name: 'amount', type: 'Int64' },
      { name: 'note', type: 'Nullable(String)' },
    ]);
    const [create] = await rows("select create_table_query as q from system.tables where database = 'shop' and name = 'orders'");
    expect(String(create!.q)).toContain('CONSTRAINT amount_check_1 CHECK amount >= 0');
    // A negative amount breaks the check: the build fails and the previous table keeps serving.
    const negative = await cli('run', '--vars', '{sign: -1}');
    expect(negative.code).toBe(1);
    expect(negative.stdout + negative.stderr).toMatch(/amount_check_1/);
    expect(await rows('select sum(amount) as s from shop.orders')).toEqual([{ s: 3 }]);
    // not_null: a NULL id cannot go into the non-Nullable column.
    write('models/orders.sql', MATCHING.replace('toInt32(number) as id', 'if(number = 1, NULL, toInt32(number)) as id'));
    const nullId = await cli('run');
    expect(nullId.code).toBe(1);
    expect(await rows('select count() as c from shop.orders')).toEqual([{ c: 3 }]);
    write('models/orders.sql', MATCHING);
  }, 180_000);

  it('manifest: contract block consistent with config.contract, constraints listed', async () => {
    const result = await cli('compile');
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, any>> };
    const orders = manifest.nodes['model.shop.orders']!;
    expect(orders.config.contract).toEqual({ enforced: true });
    expect(orders.contract).toMatchObject({ enforced: true, alias_types: true, checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(orders.columns.amount.constraints).toEqual([
      { type: 'check', name: null, expression: 'amount >= 0', warn_unenforced: true, warn_unsupported: true, to: null, to_columns: [] },
    ]);
  }, 60_000);

  it('state:modified.contract selects a changed contract; removing or retyping a column is a breaking change', async () => {
    cpSync(path.join(dir, 'target'), path.join(dir, 'prod'), { recursive: true });
    write('models/orders.yml', `${CONTRACT}      - name: added\n        data_type: int\n`);
    const added = await cli('ls', '--select', 'state:modified.contract', '--state', 'prod');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout.trim()).toBe('shop.orders');
    write('models/orders.yml', CONTRACT.replace('data_type: bigint', 'data_type: int'));
    const retyped = await cli('ls', '--select', 'state:modified', '--state', 'prod');
    expect(retyped.code).not.toBe(0);
    expect(retyped.stderr).toContain("TSDBT3400: Breaking change to the contract of model 'orders'");
    expect(retyped.stderr).toContain('Columns changed data_type: amount (bigint -> int).');
    write('models/orders.yml', CONTRACT.replace(/ {6}- name: note\n {8}data_type: string\n/, ''));
    const removed = await cli('ls', '--select', 'state:modified', '--state', 'prod');
    expect(removed.stderr).toContain('Columns were removed: note.');
    write('models/orders.yml', CONTRACT);
  }, 120_000);
});
