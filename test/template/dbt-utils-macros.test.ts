/**
 * dbt-utils' own macros through tsdbt's template engine, from a local checkout given by path
 * (TSDBT_DBT_UTILS_DIR=/path/to/dbt-utils; its files are never copied into this repository): every
 * macro file loads as the package `dbt_utils`, every model of its integration_tests project
 * renders, and a set of its macros give the right rows on chDB. Skipped, saying why, without it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter-types.js';
import { Relation } from '../../src/template/relation.js';
import { chdbSession, renderOnAdapter, templateEngine } from '../support/engine.js';

const DIR = process.env.TSDBT_DBT_UTILS_DIR;

function sqlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? sqlFiles(full) : entry.endsWith('.sql') ? [full] : [];
  });
}

/** An engine whose root project is dbt-utils' integration_tests, with dbt-utils installed as `dbt_utils`. */
function dbtUtilsEngine(dir: string) {
  const read = (folder: string) => Object.fromEntries(sqlFiles(folder).map((file) => [file, readFileSync(file, 'utf8')]));
  const files = read(path.join(dir, 'macros'));
  return templateEngine(
    read(path.join(dir, 'integration_tests', 'macros')),
    {},
    { packages: { dbt_utils: files }, dispatch: [{ macro_namespace: 'dbt_utils', search_order: ['demo', 'dbt_utils'] }] },
  );
}

describe.skipIf(DIR === undefined)(`dbt-utils' macros${DIR === undefined ? ' (skipped: set TSDBT_DBT_UTILS_DIR to a dbt-utils checkout)' : ''}`, () => {
  let session: Awaited<ReturnType<typeof chdbSession>>;
  let adapter: Adapter;
  beforeAll(async () => {
    session = await chdbSession();
    adapter = session.adapter;
    await adapter.execute('CREATE DATABASE IF NOT EXISTS u');
    await adapter.execute('CREATE TABLE u.a (id Int32, name String, v Nullable(Float64), d Date) ENGINE = MergeTree ORDER BY id');
    await adapter.execute("INSERT INTO u.a VALUES (1, 'x', 1.5, '2024-01-01'), (2, 'y', NULL, '2024-01-03'), (3, 'x', 2, '2024-01-02')");
  });
  afterAll(async () => {
    await session?.close();
  });

  it('loads every macro file and renders every integration_tests model', () => {
    const { engine } = dbtUtilsEngine(DIR!);
    expect(engine.packageMacro('dbt_utils', 'generate_surrogate_key')).toBeDefined();
    const models = sqlFiles(path.join(DIR!, 'integration_tests', 'models'));
    expect(models.length).toBeGreaterThan(40);
    const scope = {
      ref: (...args: unknown[]) => new Relation('it', String(args[args.length - 1])),
      source: (source: unknown, table: unknown) => new Relation(String(source), String(table)),
      config: () => '',
      execute: false,
      is_incremental: () => false,
      run_query: () => null,
      statement: () => '',
      load_result: () => null,
    };
    const failures = models.flatMap((file) => {
      try {
        engine.compile(file, readFileSync(file, 'utf8')).render(scope);
        return [];
      } catch (error) {
        return [`${path.relative(DIR!, file)}: ${(error as Error).message.split('\n')[0]}`];
      }
    });
    expect(failures).toEqual([]);
  });

  const A = "api.Relation.create(schema='u', identifier='a')";
  it.each([
    ['star', `select {{ dbt_utils.star(${A}, except=['v']) }} from u.a order by id limit 1`, [{ id: 1, name: 'x', d: '2024-01-01' }]],
    ['get_column_values', `select '{{ dbt_utils.get_column_values(${A}, 'name', order_by='name') | join(',') }}' as v`, [{ v: 'x,y' }]],
    ['pivot', `select {{ dbt_utils.pivot('name', dbt_utils.get_column_values(${A}, 'name', order_by='name')) }} from u.a`, [{ x: 2, y: 1 }]],
    [
      'generate_surrogate_key',
      "select {{ dbt_utils.generate_surrogate_key(['id', 'name']) }} = lower(hex(MD5(concat('1', '-', 'x')))) as same from u.a where id = 1",
      [{ same: 1 }],
    ],
    ['date_spine', "select count() as n from ({{ dbt_utils.date_spine('day', \"toDate('2024-01-01')\", \"toDate('2024-01-04')\") }})", [{ n: 3 }]],
    ['safe_divide, safe_add', "select {{ dbt_utils.safe_divide('1', '0') }} as a, {{ dbt_utils.safe_add(['1', 'null', '2']) }} as b", [{ a: null, b: 3 }]],
    ['get_single_value', 'select {{ dbt_utils.get_single_value("select max(id) from u.a") }} as m', [{ m: 3 }]],
    ['test_equality', `select count() as n from ({{ dbt_utils.test_equality(${A}, compare_model=${A}) }})`, [{ n: 0 }]],
    ['test_expression_is_true', `select count() as n from ({{ dbt_utils.test_expression_is_true(${A}, expression='id > 1') }})`, [{ n: 1 }]],
  ])('%s gives the right rows on chDB', async (_name, text, rows) => {
    const { engine } = dbtUtilsEngine(DIR!);
    engine.addMacroFile('macros/should_store_failures.sql', '{% macro should_store_failures() %}{{ return(false) }}{% endmacro %}');
    const config = Object.assign(() => '', { get: (_key: string, fallback: unknown = null) => fallback });
    const sql = await renderOnAdapter(engine, adapter, text, { config });
    expect(await adapter.query(sql, { settings: { output_format_json_quote_64bit_integers: 0 } })).toEqual(rows);
  });
});
