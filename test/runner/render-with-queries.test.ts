/**
 * Rendering at run time, without a database: run_query/statement by replaying the render (the
 * queries' results are given, in order), ephemeral models inlined as CTEs, is_incremental(),
 * hook configs, and the leftover sweep's statements. The same paths on chDB are in
 * materializations.test.ts and test/e2e/materializations*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { RelationInfo } from '../../src/core/adapter-types.js';
import type { Project } from '../../src/compile/load-project.js';
import type { ModelNode } from '../../src/compile/nodes.js';
import { queryTable, type QueryTable } from '../../src/compile/query-results.js';
import { renderModel, runtimeScope } from '../../src/compile/render-model.js';
import { renderWithQueries } from '../../src/compile/replay-render.js';
import { ErrorCodes } from '../../src/core/errors.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { shouldFullRefresh } from '../../src/runner/build-model.js';
import { hookTexts } from '../../src/runner/hooks.js';
import { leftoverDrops } from '../../src/runner/stale-relations.js';
import { firstKeyword } from '../../src/runner/template-queries.js';
import { load } from '../support/project.js';

const PROJECT_YML = 'name: shop\nprofile: shop\n';

function model(project: Project, name: string): ModelNode {
  return project.models.get(`model.shop.${name}`)!;
}

/** Runs a render with canned results per SQL text, recording what ran. */
async function replay(project: Project, name: string, results: Record<string, Record<string, unknown>[]>, flags = {}) {
  const ran: string[] = [];
  const sql = await renderWithQueries(
    (runQuery) => renderModel(project, model(project, name), { ...flags, runQuery }),
    async (query): Promise<QueryTable> => {
      ran.push(query.trim());
      return queryTable(results[query.trim()] ?? []);
    },
    { logger: project.logger },
  );
  return { sql, ran };
}

describe('run_query and statement, by replaying the render', () => {
  it('each query runs once, in order; a later one may depend on an earlier result; log() says each line once', async () => {
    const logger = new MemoryLogger();
    const project = load(
      {
        'project.yml': PROJECT_YML,
        'models/m.sql': [
          "{% set crafts = run_query('select craft from crafts order by craft') %}",
          "{{ log('found ' ~ crafts | length ~ ' crafts', info=True) }}",
          '{% set top = run_query("select count() as n from people where craft = \'" ~ crafts[0][\'craft\'] ~ "\'") %}',
          "{{ log('top has ' ~ top[0][0], info=True) }}",
          "select '{{ crafts.columns[0].values() | join(\",\") }}' as crafts, {{ top.rows[0]['n'] }} as n",
        ].join('\n'),
      },
      { logger },
    );
    logger.events.length = 0;
    const { sql, ran } = await replay(project, 'm', {
      'select craft from crafts order by craft': [{ craft: 'ISS' }, { craft: 'Tiangong' }],
      "select count() as n from people where craft = 'ISS'": [{ n: 7 }],
    });
    expect(sql).toBe("select 'ISS,Tiangong' as crafts, 7 as n");
    expect(ran).toEqual(['select craft from crafts order by craft', "select count() as n from people where craft = 'ISS'"]);
    expect(logger.events.map((event) => event.message)).toEqual(['found 2 crafts', 'top has 7']);
  });

  it('statement call blocks and load_result', async () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'models/m.sql': [
        "{% call statement('latest', fetch_result=True) %}select max(day) as d from events{% endcall %}",
        // As in dbt, results exist only when executing; parsing renders the model with execute false.
        "{% if execute %}{% set latest = load_result('latest') %}",
        "select * from events where day = '{{ latest['data'][0][0] }}' -- {{ latest['table'].column_names | join(',') }}{% endif %}",
      ].join('\n'),
    });
    const { sql, ran } = await replay(project, 'm', { 'select max(day) as d from events': [{ d: '2024-01-03' }] });
    expect(sql).toBe("select * from events where day = '2024-01-03' -- d");
    expect(ran).toEqual(['select max(day) as d from events']);
  });

  it('without a connection (compile), run_query gives None and statement runs nothing', () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'models/m.sql':
        "{% call statement('s', fetch_result=True) %}select 1{% endcall %}select {{ run_query('select 1') is none }}, {{ load_result('s') is none }}",
    });
    expect(renderModel(project, model(project, 'm'))).toBe('select True, True');
  });

  it('a template that asks for different queries when rendered again is an error, not a wrong result', async () => {
    let renders = 0;
    const render = (runQuery: (sql: string) => QueryTable) => {
      renders += 1;
      runQuery(`select ${renders}`);
      return runQuery('select 2');
    };
    await expect(renderWithQueries(render, async () => queryTable([]))).rejects.toMatchObject({
      code: ErrorCodes.RENDER_NOT_REPEATABLE,
      message: 'A template asked for different queries when rendered again with the same results: query 1 was\nselect 1\nand is now\nselect 2',
    });
  });

  it('a failing query fails the render with its own error', async () => {
    const project = load({ 'project.yml': PROJECT_YML, 'models/m.sql': "{% do run_query('select broken') %}select 1" });
    await expect(
      renderWithQueries(
        (runQuery) => renderModel(project, model(project, 'm'), { runQuery }),
        async () => {
          throw new Error('Unknown identifier broken');
        },
      ),
    ).rejects.toThrow('Unknown identifier broken');
  });

  it('statements and queries are told apart by their first keyword', () => {
    expect(
      [
        'select 1',
        '  (select 1)',
        '-- c\nWITH x AS (select 1) select * from x',
        '/* c */ show tables',
        'INSERT INTO t VALUES (1)',
        'delete from t where 1',
      ].map(firstKeyword),
    ).toEqual(['select 1', 'select 1)', 'WITH x AS (s', 'show tables', 'INSERT INTO ', 'delete from ']);
  });
});

describe('ephemeral models', () => {
  const files = {
    'project.yml': PROJECT_YML,
    'models/base.sql': "{{ config(materialized='ephemeral') }}\nselect id, craft from {{ source('raw', 'people') }};",
    'models/iss.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('base') }} where craft = 'ISS'",
    'models/plain.sql': "select count() as n from {{ ref('iss') }} join {{ ref('base') }} using id",
    'models/with_ctes.sql': "-- counts\nWITH totals AS (select count() as n from {{ ref('iss') }})\nselect n from totals",
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: people\n',
  };

  it('are put in front as CTEs, each once, in dependency order', () => {
    const project = load(files);
    expect(renderModel(project, model(project, 'plain'))).toBe(
      [
        'WITH `__tsdbt__cte__base` AS (',
        'select id, craft from `raw`.`people`',
        '),',
        '`__tsdbt__cte__iss` AS (',
        "select id from `__tsdbt__cte__base` where craft = 'ISS'",
        ')',
        'select count() as n from `__tsdbt__cte__iss` join `__tsdbt__cte__base` using id',
      ].join('\n'),
    );
  });

  it("join the model's own WITH list", () => {
    const project = load(files);
    expect(renderModel(project, model(project, 'with_ctes'))).toBe(
      [
        '-- counts',
        'WITH `__tsdbt__cte__base` AS (',
        'select id, craft from `raw`.`people`',
        '),',
        '`__tsdbt__cte__iss` AS (',
        "select id from `__tsdbt__cte__base` where craft = 'ISS'",
        '),',
        'totals AS (select count() as n from `__tsdbt__cte__iss`)',
        'select n from totals',
      ].join('\n'),
    );
  });

  it('read as subqueries where there is no model to add CTEs to (hooks, tests)', () => {
    const project = load(files);
    const scope = runtimeScope(project, model(project, 'plain'), {});
    const rendered = project.engine.renderString("select * from {{ ref('iss') }}", scope, 'hook');
    expect(rendered).toBe("select * from (\nselect id from (\nselect id, craft from `raw`.`people`\n) where craft = 'ISS'\n)");
  });
});

describe('is_incremental() at run time', () => {
  it('is what the runner says: true on an existing table without --full-refresh', () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'models/i.sql': "{{ config(materialized='incremental') }}select 1{% if is_incremental() %} where x > (select max(x) from {{ this }}){% endif %}",
    });
    expect(renderModel(project, model(project, 'i'), { isIncremental: true })).toBe('select 1 where x > (select max(x) from `shop`.`i`)');
    expect(renderModel(project, model(project, 'i'), { isIncremental: false })).toBe('select 1');
  });
});

describe('--full-refresh per model', () => {
  it("the model's full_refresh config wins over the flag, as dbt's should_full_refresh()", () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'models/keep.sql': "{{ config(materialized='incremental', full_refresh=false) }}select 1",
      'models/always.sql': "{{ config(materialized='incremental', full_refresh=true) }}select 1",
      'models/plain.sql': "{{ config(materialized='incremental') }}select 1",
    });
    expect([true, false].map((flag) => ['keep', 'always', 'plain'].map((name) => shouldFullRefresh(model(project, name), flag)))).toEqual([
      [false, true, true],
      [false, true, false],
    ]);
  });
});

describe('hooks and leftovers', () => {
  it('hook configs: a string, {sql: …}, lists of those', () => {
    expect(hookTexts(undefined)).toEqual([]);
    expect(hookTexts('select 1')).toEqual(['select 1']);
    expect(hookTexts(['a', { sql: 'b', transaction: true }, ['c']])).toEqual(['a', 'b', 'c']);
  });

  it('only relations with the temporary or backup suffix are dropped, each with the right statement', () => {
    const relations: RelationInfo[] = [
      { database: 'db', name: 'people', engine: 'MergeTree', kind: 'table' },
      { database: 'db', name: 'people__tsdbt_tmp', engine: 'MergeTree', kind: 'table' },
      { database: 'db', name: 'people_per_craft__tsdbt_backup', engine: 'MergeTree', kind: 'table' },
      { database: 'db', name: 'v__tsdbt_tmp', engine: 'View', kind: 'view' },
      { database: 'db', name: 'd__tsdbt_tmp', engine: 'Dictionary', kind: 'dictionary' },
      { database: 'db', name: 'x__tsdbt_tmp_notours', engine: 'MergeTree', kind: 'table' },
    ];
    const context = { cluster: undefined, databaseEngine: undefined, exchangeTables: true, createOrReplaceView: true };
    expect(leftoverDrops(relations, context).map(({ drop }) => drop.sql)).toEqual([
      'DROP DICTIONARY IF EXISTS `db`.`d__tsdbt_tmp`',
      'DROP TABLE IF EXISTS `db`.`people__tsdbt_tmp`',
      'DROP TABLE IF EXISTS `db`.`people_per_craft__tsdbt_backup`',
      'DROP TABLE IF EXISTS `db`.`v__tsdbt_tmp`',
    ]);
  });
});
