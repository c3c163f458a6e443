/**
 * The dbt-clickhouse parity configs on the 18.16 server (skipped without CLICKHOUSE_URL): unqualified
 * table names (the target schema as each request's database), seed types (Int32, lossless Decimal),
 * microbatch batches as replaced partitions; and the configs 18.16 cannot do, each a coded error
 * naming the ClickHouse version it needs, found before the model sends any SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { removeProject, writeProject } from '../support/cli.js';
import { SERVER_SKIP_REASON, serverTarget, skipServerTests, testDatabase } from '../support/clickhouse-server.js';
import { tsdbt } from './example-project.js';

const suite = (name: string): string => (skipServerTests ? `${name} (skipped: ${SERVER_SKIP_REASON})` : name);

describe.skipIf(skipServerTests)(suite('dbt-clickhouse parity on the 18.16 server'), () => {
  const schema = testDatabase('tsdbt_parity');
  let dir: string;
  let home: string;
  const cli = (args: string[]) => tsdbt(dir, home, [...args, '--profiles-dir', dir], { CHP_PASSWORD: serverTarget().password });
  const query = async <T>(sql: string): Promise<T[]> => {
    const adapter = await connect(serverTarget());
    try {
      return await adapter.query<T>(sql);
    } finally {
      await adapter.close();
    }
  };

  beforeAll(() => {
    const server = serverTarget();
    dir = writeProject({
      'profiles.yml': [
        'srv:',
        '  target: server',
        '  outputs:',
        '    server:',
        '      type: clickhouse',
        `      url: ${server.url}`,
        `      user: ${server.user}`,
        '      password: "{{ env_var(\'CHP_PASSWORD\') }}"',
        `      schema: ${schema}`,
        '      threads: 1',
      ].join('\n'),
      'project.yml': 'name: srv\nprofile: srv\nseeds:\n  srv:\n    events:\n      +event_time: event_at\n',
      'seeds/customers.csv': 'customer_id,name,balance\n1,ann,10.50\n2,bob,3000000000.25\n',
      'seeds/events.csv': 'id,event_at,amount\n1,2026-01-01 10:00:00,1\n2,2026-01-02 10:00:00,2\n3,2026-01-03 10:00:00,3\n',
      'models/unqualified.sql': "{{ config(materialized='view') }}\n-- depends_on: {{ ref('customers') }}\nselect count() as n from customers",
      'models/daily.sql':
        "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='event_at', batch_size='day', begin='2026-01-01', order_by='id') }}\nselect id, event_at, amount from {{ ref('events') }}",
      'models/projected.sql': "{{ config(materialized='table', order_by='id', projections=[{'name': 'p', 'query': 'select count()'}]) }}\nselect 1 as id",
      'models/granted.sql': "{{ config(materialized='table', grants={'select': ['reader']}) }}\nselect 1 as x",
      'models/refreshed.sql':
        "{{ config(materialized='materialized_view', refreshable={'interval': 'EVERY 1 HOUR'}) }}\nselect count() as n from {{ ref('events') }}",
    });
    home = writeProject({ '.tsdbt/.keep': '' }, 'tsdbt-home-');
  });
  afterAll(async () => {
    removeProject(dir);
    removeProject(home);
    await query(`DROP DATABASE IF EXISTS ${schema}`).catch(() => undefined);
  });

  it('builds what 18.16 can, and names the version each other config needs', async () => {
    const result = await cli(['build', '--event-time-end', '2026-01-04']);
    expect(result.stderr).toContain(
      "TSDBT4701: Model 'granted' has grants: GRANT and REVOKE (SQL-driven access control) need ClickHouse 20.4 or newer, but the server is 18.16.1.",
    );
    expect(result.stderr).toContain('TSDBT4700: Projections (config projections) need ClickHouse 21.6 or newer, but the server is 18.16.1.');
    expect(result.stderr).toContain(
      'TSDBT4700: Refreshable materialized views (config refreshable) need ClickHouse 24.10 or newer, but the server is 18.16.1.',
    );
    expect(result.stderr).toMatch(/Done\. PASS=4 WARN=0 ERROR=3 SKIP=0 TOTAL=7/);
    // None of the refused models left a relation behind: the errors came before their SQL.
    const names = await query<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${schema}' ORDER BY name`);
    expect(names.map((row) => row.name)).toEqual(['customers', 'daily', 'events', 'unqualified']);
    expect(await query<{ n: string }>(`SELECT n FROM ${schema}.unqualified`)).toEqual([{ n: '2' }]);
    const types = await query<{ type: string }>(`SELECT type FROM system.columns WHERE database = '${schema}' AND table = 'customers'`);
    expect(types.map((row) => row.type)).toEqual(['Int32', 'String', 'Decimal(12, 2)']);
    expect(await query<{ b: string }>(`SELECT toString(balance) AS b FROM ${schema}.customers WHERE customer_id = 2`)).toEqual([{ b: '3000000000.25' }]);
    const parts = await query<{ p: string }>(
      `SELECT DISTINCT partition_id AS p FROM system.parts WHERE active AND database = '${schema}' AND table = 'daily' ORDER BY p`,
    );
    expect(parts.map((row) => row.p)).toEqual(['20260101', '20260102', '20260103']);
  });
});
