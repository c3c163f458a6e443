/**
 * `cluster:` in a profile, through the CLI, on the two-server loopback cluster of
 * `.ci/clickhouse-server.sh` (Debian's 18.16.1 + ZooKeeper in CI): `tsdbt debug` checks the cluster
 * exists and creates its database ON CLUSTER; `tsdbt run` builds a table, a view and a
 * distributed_table on both servers, twice. Skipped without CLICKHOUSE_CLUSTER / CLICKHOUSE_NODE2_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { qualifiedName, quoteIdentifier } from '../../src/core/sql-literals.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeProject, runCli, writeProject } from '../support/cli.js';
import { copyExample, tsdbt } from './example-project.js';
import { serverTarget, testDatabase } from '../support/clickhouse-server.js';

const cluster = process.env.CLICKHOUSE_CLUSTER;
const node2Url = process.env.CLICKHOUSE_NODE2_URL;
const skip = !cluster || !node2Url || !process.env.CLICKHOUSE_URL;
const REASON = 'no loopback cluster: install zookeeper and run `eval "$(bash .ci/clickhouse-server.sh start)"`';
if (skip) console.warn(`test/e2e/server-cluster.test.ts: skipped. ${REASON}.`);

describe.skipIf(skip)(skip ? `tsdbt on a cluster (skipped: ${REASON})` : 'tsdbt on a cluster', () => {
  const schema = testDatabase('tsdbt_e2e_cluster');
  let dir: string;
  let node1: Adapter;
  let node2: Adapter;

  beforeAll(async () => {
    const server = serverTarget();
    dir = writeProject({
      'project.yml': 'name: clustered\nprofile: clustered\nvars: {rows: 30}\n',
      'models/numbers.sql': "{{ config(materialized='table', order_by='n') }}\nselect number as n from system.numbers limit {{ var('rows') }}\n",
      'models/odd.sql': "select n from {{ ref('numbers') }} where n % 2 = 1\n",
      'models/events.sql':
        "{{ config(materialized='distributed_table', order_by='id', sharding_key='id') }}\nselect number as id, toString(number) as label from system.numbers limit {{ var('rows') }}\n",
      'profiles.yml': [
        'clustered:',
        '  target: server',
        '  outputs:',
        '    server:',
        '      type: clickhouse',
        `      url: ${server.url}`,
        `      user: ${server.user}`,
        `      password: "{{ env_var('CLICKHOUSE_PASSWORD') }}"`,
        `      schema: ${schema}`,
        `      cluster: ${cluster}`,
        '      threads: 2',
        '',
      ].join('\n'),
    });
    node1 = await connect(server);
    node2 = await connect(serverTarget({}, node2Url));
  });
  afterAll(async () => {
    await node1?.execute(`DROP DATABASE IF EXISTS ${quoteIdentifier(schema)} ON CLUSTER ${quoteIdentifier(cluster!)}`).catch(() => undefined);
    await node1?.close();
    await node2?.close();
    if (dir !== undefined) removeProject(dir);
  });

  const cli = (args: string[]) => runCli(args, { cwd: dir, env: { CLICKHOUSE_PASSWORD: serverTarget().password }, timeoutMs: 120_000 });
  const count = async (node: Adapter, table: string): Promise<number> =>
    Number((await node.query<{ n: string | number }>(`SELECT count() AS n FROM ${qualifiedName(schema, table)}`))[0]!.n);

  it('debug checks the cluster and creates the database ON CLUSTER', async () => {
    const result = await cli(['debug']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`cluster: '${cluster}' with 2 host\\(s\\) \\[OK\\]`));
    expect(result.stderr).toContain(`can create: database '${schema}'`);
  });

  it('run builds table, view and distributed_table on both servers, and again over them', async () => {
    const first = await cli(['run']);
    expect(first.code, first.stderr).toBe(0);
    const second = await cli(['run', '--vars', '{rows: 12}', '--debug']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('PASS=3');
    const ddl = second.stderr.split('\n').filter((line) => /^(CREATE|DROP|RENAME|EXCHANGE|ALTER)\b/.test(line));
    expect(ddl.length).toBeGreaterThan(10);
    for (const line of ddl) expect(line).toContain(`ON CLUSTER \`${cluster}\``);
    for (const node of [node1, node2]) {
      const relations = (await node.listRelations(schema)).map((relation) => `${relation.name}:${relation.kind}`).sort();
      expect(relations).toEqual(['events:table', 'events_local:table', 'numbers:table', 'odd:view']);
      expect(await count(node, 'numbers')).toBe(12);
      expect(await count(node, 'odd')).toBe(6);
      expect(await count(node, 'events')).toBe(12);
    }
    const shards = [await count(node1, 'events_local'), await count(node2, 'events_local')];
    expect(shards[0]! + shards[1]!).toBe(12);
    expect(Math.min(...shards)).toBeGreaterThan(0);
  });

  it('builds the example project on the cluster: landing tables and models exist on both servers', async () => {
    const example = copyExample();
    const exampleSchema = testDatabase('tsdbt_e2e_cluster_example');
    const server = serverTarget();
    writeFileSync(
      path.join(example.dir, 'profiles.yml'),
      [
        'astro:',
        '  target: server',
        '  outputs:',
        '    server:',
        '      type: clickhouse',
        `      url: ${server.url}`,
        `      user: ${server.user}`,
        `      password: "{{ env_var('CLICKHOUSE_PASSWORD') }}"`,
        `      schema: ${exampleSchema}`,
        `      cluster: ${cluster}`,
        '',
      ].join('\n'),
    );
    try {
      const result = await tsdbt(example.dir, example.home, ['run', '--skip-ingest'], { CLICKHOUSE_PASSWORD: server.password }, 120_000);
      expect(result.code, result.stderr).toBe(0);
      for (const node of [node1, node2]) {
        const names = (await node.listRelations(exampleSchema)).map((relation) => relation.name);
        expect(names).toEqual(expect.arrayContaining(['people', 'people_per_craft', 'people_summary']));
        // The source's landing table lives in the source's database (`astro`), created ON CLUSTER too.
        const landing = (await node.listRelations('astro')).map((relation) => relation.name);
        expect(landing).toEqual(expect.arrayContaining(['raw_astros', 'raw_astros__rejected']));
      }
    } finally {
      await node1.execute(`DROP DATABASE IF EXISTS ${quoteIdentifier(exampleSchema)} ON CLUSTER ${quoteIdentifier(cluster!)}`).catch(() => undefined);
      example.remove();
    }
  });
});
