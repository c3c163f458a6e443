/** A project written for dbt: `dbt.*` macros, the adapter API at run time, and a package-style dispatch override, through the built CLI on chDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectYml, removeProject, runCli, writeProject } from '../support/cli.js';

let dir: string;

beforeAll(() => {
  dir = writeProject({
    'project.yml': projectYml('demo'),
    'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: .tsdbt/data\n      schema: demo\n',
    'models/people.sql': "{{ config(materialized='table', order_by=['id'], ) }}\nselect toInt32(1) as id, 'ada' as name, toDate('2024-01-31') as joined",
    'models/shaped.sql': [
      "{{ config(materialized='table', order_by=['id']) }}",
      "{%- set columns = adapter.get_columns_in_relation(ref('people')) -%}",
      "{%- set fields = [('label', dbt.type_string()), ] -%}",
      'select',
      '  {% for c in columns %}{{ c.name }}, {% endfor %}',
      '  {% for name, type in fields %}cast(name as {{ type }}) as {{ name }},{% endfor %}',
      "  {{ dbt.dateadd('month', 1, 'joined') }} as next_month,",
      "  {{ dbt.hash('name') }} as name_hash,",
      '  {{ current_timestamp() }} is not null as has_now',
      "from {{ ref('people') }}",
    ].join('\n'),
    'macros/overrides.sql': "{% macro clickhouse__type_string() %}{{ return('LowCardinality(String)') }}{% endmacro %}",
  });
});

afterAll(() => removeProject(dir));

describe('dbt namespace through the CLI', () => {
  it('runs models using dbt.* macros and adapter.get_columns_in_relation, with a project override', async () => {
    const run = await runCli(['run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const shown = await runCli(['show', '--inline', "select *, toTypeName(label) as label_type from {{ ref('shaped') }}", '--output', 'json'], { cwd: dir });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({
      show: [
        {
          id: 1,
          name: 'ada',
          joined: '2024-01-31',
          label: 'ada',
          next_month: '2024-02-29',
          name_hash: expect.stringMatching(/^[0-9a-f]{32}$/),
          has_now: 1,
          label_type: 'LowCardinality(String)',
        },
      ],
    });
  });
});
