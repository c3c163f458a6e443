/** Configs of the materializations beyond view and table: checked at parse time with file:line, and resolved with dbt's precedence. */
import { describe, expect, it } from 'vitest';
import type { Project } from '../../src/compile/load-project.js';
import type { ModelNode } from '../../src/compile/nodes.js';
import { ErrorCodes } from '../../src/core/errors.js';
import { planModel } from '../../src/materialize/plan-model.js';
import { materializationProblems } from '../../src/compile/model-config.js';
import type { PlanContext } from '../../src/materialize/plan.js';
import { load, loadErrors, summary } from '../support/project.js';

const PROJECT_YML = 'name: shop\nprofile: shop\n';
const CONTEXT: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: true, createOrReplaceView: true };

function errorsOf(sql: string) {
  return loadErrors({ 'project.yml': PROJECT_YML, 'models/m.sql': `-- m\n${sql}\nselect 1 as id` }).map(summary);
}

describe('parse-time checks of materialization configs', () => {
  it.each([
    {
      config: "materialized='incremental', incremental_strategy='merge'",
      message: 'Unknown incremental_strategy "merge".',
      hint: 'Use one of: append, delete+insert, insert_overwrite, default, microbatch.',
    },
    {
      config: "materialized='incremental', incremental_strategy='delete+insert'",
      message: "incremental_strategy 'delete+insert' needs a unique_key: it replaces the rows whose key comes again.",
      hint: "Set unique_key (e.g. unique_key='id'), or use incremental_strategy='append'.",
    },
    {
      config: "materialized='incremental', incremental_strategy='insert_overwrite'",
      message: "incremental_strategy 'insert_overwrite' needs partition_by: it replaces whole partitions.",
      hint: "Set partition_by, e.g. partition_by='toYYYYMM(snapshot_at)'.",
    },
    {
      config: "materialized='incremental', incremental_predicates=['x > 1']",
      message:
        "incremental_predicates do nothing with incremental_strategy 'append'; they narrow which existing rows 'delete+insert' and 'default' may replace.",
      hint: 'Remove incremental_predicates, or filter the new rows in the model with {% if is_incremental() %}.',
    },
    {
      config: "materialized='incremental', on_schema_change='sync'",
      message: 'Config \'on_schema_change\' must be one of ignore, fail, append_new_columns, sync_all_columns, but it is "sync".',
      hint: "For example: on_schema_change='sync_all_columns'.",
    },
    {
      config: "materialized='incremental', unique_key={'a': 1}",
      message: 'Config \'unique_key\' must be a string or a list of strings, but it is {"a":1}.',
      hint: "For example: unique_key='id' or unique_key=['craft', 'name']",
    },
    {
      config: "materialized='materialized_view', backfill='yes'",
      message: 'Config \'backfill\' must be true or false, but it is "yes".',
      hint: 'For example: backfill=false (create the table empty).',
    },
    {
      config: "materialized='dictionary'",
      message: 'A dictionary needs a primary_key: the column(s) it is looked up by.',
      hint: "For example: config(materialized='dictionary', primary_key='craft')",
    },
  ])('$config: a warning at load (a model the command does not run must not stop the project), an error when the model runs', ({ config, message, hint }) => {
    const project = load({ 'project.yml': PROJECT_YML, 'models/m.sql': `-- m\n{{ config(${config}) }}\nselect 1 as id` });
    const onlyWarns = message.startsWith('incremental_predicates do nothing');
    expect(project.warnings).toContain(`models/m.sql:2: ${message}${onlyWarns ? '' : " Model 'm' fails with this error when it runs."} ${hint}`);
    const node = project.models.get('model.shop.m')!;
    const atRun = materializationProblems(node.config, node.originalFilePath, 2, undefined, { errorsOnly: true }).map(summary);
    expect(atRun).toEqual(onlyWarns ? [] : [{ code: ErrorCodes.MODEL_CONFIG_INVALID, message, location: 'models/m.sql:2', hint }]);
  });

  it("a config every model has is still an error at load (database='analytics')", () => {
    expect(errorsOf("{{ config(materialized='table', database='analytics') }}")).toEqual([
      {
        code: ErrorCodes.MODEL_CONFIG_INVALID,
        message: 'Config \'database\' ("analytics") has no meaning for ClickHouse: a dbt schema is a ClickHouse database, and there is no level above it.',
        location: 'models/m.sql:2',
        hint: "Use schema='…' (the model goes to <target schema>_<schema>, or where a generate_schema_name macro says).",
      },
    ]);
  });

  it('accepts every new materialization with valid configs, and dbt-clickhouse spellings of strategies', () => {
    const project = load({
      'project.yml': PROJECT_YML,
      'models/a.sql': "{{ config(materialized='incremental', incremental_strategy='delete_insert', unique_key='id') }}select 1 as id",
      'models/b.sql': "{{ config(materialized='incremental', incremental_strategy='legacy', unique_key=['id', 'day']) }}select 1 as id, today() as day",
      'models/c.sql': "{{ config(materialized='materialized_view', catchup=False) }}select 1 as id",
      'models/d.sql': "{{ config(materialized='dictionary', primary_key='id', layout='FLAT()', lifetime=60) }}select 1 as id",
      'models/e.sql': "{{ config(materialized='ephemeral') }}select 1 as id",
    });
    expect([...project.models.values()].map((node) => node.config.materialized).sort()).toEqual([
      'dictionary',
      'ephemeral',
      'incremental',
      'incremental',
      'materialized_view',
    ]);
  });
});

describe('precedence: project.yml < YAML properties < config(), down to the SQL', () => {
  const files = {
    'project.yml': [
      PROJECT_YML,
      'models:',
      '  shop:',
      '    events:',
      '      +materialized: incremental',
      '      +unique_key: id',
      '      +ttl: day + INTERVAL 1 YEAR',
      '      +settings: {index_granularity: 4096}',
      '      +query_settings: {max_threads: 1}',
      '      +on_schema_change: fail',
      '      +tags: [events]',
      '      +pre-hook: "SELECT 1"',
    ].join('\n'),
    'models/events/schema.yml': [
      'version: 2',
      'models:',
      '  - name: clicks',
      '    config:',
      '      ttl: day + INTERVAL 90 DAY',
      '      query_settings: {max_memory_usage: 1000000}',
      '      on_schema_change: append_new_columns',
      '      post_hook: ["SELECT 2"]',
      '  - name: views',
      '    config:',
      '      enabled: false',
    ].join('\n'),
    'models/events/clicks.sql':
      "{{ config(ttl='day + INTERVAL 30 DAY', tags=['clicks'], alias='click_events', schema='raw', pre_hook='SELECT 3') }}\nselect 1 as id, today() as day",
    'models/events/views.sql': 'select 1 as id',
    'models/events/other.sql': 'select 1 as id, today() as day',
  };

  function node(project: Project, name: string): ModelNode {
    return project.models.get(`model.shop.${name}`)!;
  }

  it('each key takes the most specific value; tags and hooks accumulate, settings merge', () => {
    const project = load(files);
    expect(node(project, 'clicks').config).toMatchObject({
      materialized: 'incremental',
      unique_key: 'id',
      ttl: 'day + INTERVAL 30 DAY',
      settings: { index_granularity: 4096 },
      query_settings: { max_threads: 1, max_memory_usage: 1000000 },
      on_schema_change: 'append_new_columns',
      tags: ['events', 'clicks'],
      pre_hook: ['SELECT 1', 'SELECT 3'],
      post_hook: ['SELECT 2'],
    });
    expect(node(project, 'clicks').relation).toEqual({ schema: 'shop_raw', identifier: 'click_events' });
    expect(node(project, 'other').config).toMatchObject({ ttl: 'day + INTERVAL 1 YEAR', on_schema_change: 'fail', tags: ['events'] });
    // enabled: false in YAML properties removes the model.
    expect(node(project, 'views')).toBeUndefined();
  });

  it('the resolved configs reach the statements: TTL and SETTINGS in the DDL, query_settings on the SELECTs', () => {
    const project = load(files);
    const clicks = node(project, 'clicks');
    const plan = planModel(clicks, 'select 1 as id, today() as day', { existing: undefined, fullRefresh: false }, CONTEXT);
    const create = plan.statements.find((statement) => statement.sql.startsWith('CREATE TABLE'))!;
    expect(create.sql).toContain('ENGINE = MergeTree() ORDER BY tuple() TTL day + INTERVAL 30 DAY SETTINGS index_granularity = 4096');
    expect(create.sql).toContain('`shop_raw`.`click_events__tsdbt_tmp`');
    // query_settings go on every statement of the model.
    expect(plan.statements.map((statement) => statement.settings)).toEqual(plan.statements.map(() => ({ max_threads: 1, max_memory_usage: 1000000 })));
  });
});
