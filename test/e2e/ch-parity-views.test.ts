/**
 * dbt-clickhouse's materialized-view configs and grants through the CLI on chDB: a refreshable view,
 * a view writing into another model's table (materialization_target_table), and grants, which chDB
 * cannot apply (a warning names what is needed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeProject, writeProject } from '../support/cli.js';
import { tsdbt, withChdb } from './example-project.js';

let dir: string;
let home: string;
const cli = (args: string[]) => tsdbt(dir, home, args);
const one = <T>(sql: string) => withChdb(dir, async (adapter) => (await adapter.query<T>(sql))[0]!);

beforeAll(() => {
  dir = writeProject({
    'project.yml': 'name: rv\nprofile: rv\n',
    'models/src.sql': "{{ config(materialized='table', order_by='id', grants={'select': ['analyst']}) }}\nselect number as id, number * 2 as v from numbers(5)",
    'models/totals.sql':
      "{{ config(materialized='materialized_view', order_by='tuple()', refreshable={'interval': 'EVERY 1 HOUR'}) }}\nselect count() as n, sum(v) as s from {{ ref('src') }}",
    'models/sink.sql': "{{ config(materialized='table', order_by='id') }}\nselect toUInt64(0) as id, toUInt64(0) as v where 0",
    'models/into_sink.sql':
      "{{ config(materialized='materialized_view') }}\n{{ materialization_target_table(ref('sink')) }}\nselect id, v from {{ ref('src') }}",
  });
  home = writeProject({ '.tsdbt/.keep': '' }, 'tsdbt-home-');
});
afterAll(() => {
  removeProject(dir);
  removeProject(home);
});

describe('materialized views and grants on chDB', () => {
  it('builds a refreshable view and a view into an existing table; grants are a warning on chDB', async () => {
    const result = await cli(['run']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "models/src.sql: model 'src' has grants, which chDB cannot apply (an embedded engine has no users or roles); they are applied on a ClickHouse server target (20.4 or newer).",
    );
    const view = await one<{ statement: string }>('SHOW CREATE TABLE rv.totals_mv');
    expect(view.statement).toMatch(/REFRESH EVERY 1 HOUR/);
    // The refresh on creation fills the table asynchronously: wait for it before inserting into the source,
    // or a refresh that starts late (a loaded machine) counts the inserted row too.
    let totals = { n: '0' };
    for (let attempt = 0; attempt < 200 && Number(totals.n) !== 5; attempt += 1) {
      totals = await one<{ n: string }>('SELECT toString(any(n)) AS n FROM rv.totals');
      if (Number(totals.n) !== 5) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(Number(totals.n)).toBe(5);
    // The view writes into sink; the catch-up copied the source's rows, and new rows flow in.
    expect(Number((await one<{ n: string }>('SELECT count() AS n FROM rv.sink')).n)).toBe(5);
    await withChdb(dir, (adapter) => adapter.execute('INSERT INTO rv.src VALUES (10, 20)'));
    expect(Number((await one<{ n: string }>('SELECT count() AS n FROM rv.sink')).n)).toBe(6);
    const into = await one<{ engine: string }>("SELECT engine FROM system.tables WHERE database = 'rv' AND name = 'into_sink'");
    expect(into.engine).toBe('MaterializedView');
  });

  it('a second run changes the view into the existing table in place', async () => {
    const result = await cli(['run', '--select', 'into_sink', '--debug']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("into_sink: update the materialized view's SELECT in place");
    expect(Number((await one<{ n: string }>('SELECT count() AS n FROM rv.sink')).n)).toBe(6);
  });
});
