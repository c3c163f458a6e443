import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ageProjectFiles } from './age-files.js';
import { REPO_ROOT } from './cli.js';

/**
 * A project with every kind of node `tsdbt ls` lists, for the tests of ls answered from the compile
 * record: the shop fixture, its package installed, and the files below (its files aged, so a
 * compile records them).
 */
export function writeLsProject(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-ls-recorded-'));
  cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'shop'), dir, { recursive: true });
  cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'packages', 'fixture_pkg'), path.join(dir, 'dbt_packages', 'fixture_pkg'), { recursive: true });
  const files: Record<string, string> = {
    // The parse warns that packages' analyses are skipped: a warning ls must say again.
    'dbt_packages/fixture_pkg/analyses/look.sql': 'select 1 as one\n',
    'models/sources.yml': `version: 2
sources:
  - name: raw
    tags: ["landing"]
    tables:
      - name: events
        columns:
          - name: event_id
            data_tests: [not_null]
      - name: clicks
        tags: ["hot"]
exposures:
  - name: weekly_dashboard
    type: dashboard
    owner: { name: Ana, email: ana@example.com }
    tags: ["bi"]
    depends_on:
      - ref('customers')
      - source('raw', 'events')
unit_tests:
  - name: test_ltv_is_summed
    model: customers
    config:
      tags: ["unit", "mart"]
    given:
      - input: ref('stg_customers')
        rows:
          - { customer_id: 1 }
      - input: ref('orders')
        rows:
          - { order_id: 1, customer_id: 1, amount: 10 }
    expect:
      rows:
        - { customer_id: 1 }
`,
    'models/staging/stg_events.sql': `{{ config(tags=['events'], meta={'owner': 'ops'}, order_by='event_id') }}
select * from {{ source('raw', 'events') }} where '{{ env_var('LS_FX_SUFFIX', 'none') }}' != ''
`,
    'models/staging/old_model.sql': '{{ config(enabled=false) }}\nselect 1 as x\n',
    'snapshots/orders_snapshot.sql': `{% snapshot orders_snapshot %}
{{ config(unique_key='order_id', strategy='check', check_cols='all') }}
select * from {{ ref('stg_orders') }}
{% endsnapshot %}
`,
    'analyses/order_count.sql': "select count(*) from {{ ref('orders') }}\n",
    'selectors.yml': `selectors:
  - name: marts_only
    definition:
      method: tag
      value: mart
  - name: staging_cautious
    definition:
      union:
        - method: fqn
          value: stg_orders
          indirect_selection: cautious
        - method: fqn
          value: stg_customers
  - name: no_tests
    definition:
      union:
        - method: path
          value: models
        - exclude:
            - method: resource_type
              value: test
  - name: with_columns
    definition:
      method: column
      value: customers.customer_id
`,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const project = path.join(dir, 'dbt_project.yml');
  writeFileSync(
    project,
    readFileSync(project, 'utf8').replace('model-paths: ["models"]', 'model-paths: ["models"]\nsnapshot-paths: ["snapshots"]\nanalysis-paths: ["analyses"]'),
  );
  ageProjectFiles(dir);
  return dir;
}
