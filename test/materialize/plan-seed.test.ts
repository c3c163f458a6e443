import { describe, expect, test } from 'vitest';
import { planSeed, type SeedTarget } from '../../src/materialize/plan-seed.js';
import type { PlanContext } from '../../src/materialize/plan.js';

const context: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: true, createOrReplaceView: true };
const seed: SeedTarget = {
  name: 'raw_orders',
  schema: 'shop',
  identifier: 'raw_orders',
  columns: [
    { name: 'id', type: 'Int64', kind: 'integer' },
    { name: 'status', type: 'Nullable(String)', kind: 'string' },
  ],
  config: {},
};
const sql = (statements: { sql: string }[]) => statements.map((statement) => statement.sql);

describe('planSeed', () => {
  test('first load: a new table under a temporary name, then renamed in', () => {
    const plan = planSeed(seed, { kind: undefined }, context, false);
    expect(sql(plan.prepare)).toEqual([
      'CREATE DATABASE IF NOT EXISTS `shop`',
      'DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp`',
      'DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_backup`',
      'CREATE TABLE `shop`.`raw_orders__tsdbt_tmp`\n(\n    `id` Int64,\n    `status` Nullable(String)\n)\nENGINE = MergeTree() ORDER BY tuple()',
    ]);
    expect(plan.load).toEqual({ schema: 'shop', table: 'raw_orders__tsdbt_tmp', sql: 'INSERT INTO `shop`.`raw_orders__tsdbt_tmp` FORMAT JSONEachRow' });
    expect(sql(plan.publish)).toEqual(['RENAME TABLE `shop`.`raw_orders__tsdbt_tmp` TO `shop`.`raw_orders`']);
    expect(sql(plan.cleanup)).toEqual(['DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp`']);
  });

  test('reload with the same columns keeps the table definition and exchanges atomically', () => {
    const plan = planSeed(
      seed,
      {
        kind: 'table',
        columns: [
          { name: 'id', type: 'Int64' },
          { name: 'status', type: 'Nullable(String)' },
        ],
      },
      context,
      false,
    );
    expect(plan.prepare[3]!.sql).toBe('CREATE TABLE `shop`.`raw_orders__tsdbt_tmp` AS `shop`.`raw_orders`');
    expect(sql(plan.publish)).toEqual([
      'EXCHANGE TABLES `shop`.`raw_orders__tsdbt_tmp` AND `shop`.`raw_orders`',
      'DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp`',
    ]);
  });

  test('changed columns, or --full-refresh, rebuild the definition from the CSV', () => {
    const changed = planSeed(
      seed,
      {
        kind: 'table',
        columns: [
          { name: 'id', type: 'Int64' },
          { name: 'status', type: 'String' },
        ],
      },
      context,
      false,
    );
    expect(changed.prepare[3]!.sql).toContain('`status` Nullable(String)');
    const refreshed = planSeed(
      seed,
      {
        kind: 'table',
        columns: [
          { name: 'id', type: 'Int64' },
          { name: 'status', type: 'Nullable(String)' },
        ],
      },
      context,
      true,
    );
    expect(refreshed.prepare[3]!.sql).toContain('ENGINE = MergeTree() ORDER BY tuple()');
  });

  test('without EXCHANGE (old servers) the swap is one double RENAME', () => {
    const plan = planSeed({ ...seed, config: { order_by: 'id' } }, { kind: 'table', columns: [] }, { ...context, exchangeTables: false }, false);
    expect(plan.prepare[3]!.sql).toContain('ORDER BY id');
    expect(sql(plan.publish)).toEqual([
      'RENAME TABLE `shop`.`raw_orders` TO `shop`.`raw_orders__tsdbt_backup`, `shop`.`raw_orders__tsdbt_tmp` TO `shop`.`raw_orders`',
      'DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_backup`',
    ]);
  });
});
