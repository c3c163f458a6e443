/**
 * The incremental strategies and the materialized view on a real ClickHouse server (CLICKHOUSE_URL),
 * run twice with new and changed source rows. On Debian's 18.16 this exercises the fallbacks:
 * RENAME instead of EXCHANGE, ALTER TABLE … DELETE mutations, the view recreated instead of MODIFY QUERY.
 * The ephemeral model (table CTEs) and the dictionary (DDL dictionaries) are left out: 18.16 has neither.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { loadProject, type Project } from '../../src/compile/load-project.js';
import { runtimeScope } from '../../src/compile/render-model.js';
import type { ModelNode } from '../../src/compile/nodes.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { runProjectHooks } from '../../src/runner/hooks.js';
import { renderWithAdapter } from '../../src/runner/template-queries.js';
import { planContext, runNodes } from '../../src/runner/run-nodes.js';
import type { RunSummary } from '../../src/runner/results.js';
import { dropLeftoverRelations } from '../../src/runner/stale-relations.js';
import { SERVER_SKIP_REASON, serverTarget, skipServerTests, testDatabase } from '../support/clickhouse-server.js';
import { BATCH_2, copyFixture } from './materialization-fixture.js';

const MODELS = [
  'events_append',
  'events_delete_insert',
  'events_per_day',
  'craft_latest',
  'names_mv',
  'osc_append_new_columns',
  'osc_fail',
  'osc_ignore',
  'osc_sync_all_columns',
];

describe.skipIf(skipServerTests)(`materializations on a server${skipServerTests ? ` (skipped: ${SERVER_SKIP_REASON})` : ''}`, () => {
  let fixture: ReturnType<typeof copyFixture>;
  let adapter: Adapter;
  let schema: string;

  const load = (vars: Record<string, unknown> = {}): Project => loadProject({ projectDir: fixture.dir, env: { HOME: fixture.home }, vars });

  async function run(options: { vars?: Record<string, unknown>; fullRefresh?: boolean } = {}): Promise<RunSummary> {
    const project = load(options.vars);
    await dropLeftoverRelations(project, adapter, planContext(project, adapter));
    await runProjectHooks(project, adapter, 'on-run-start');
    const summary = await runNodes(project, adapter, {
      ids: MODELS.map((name) => `model.mats.${name}`),
      threads: 2,
      fullRefresh: options.fullRefresh ?? false,
    });
    // A mutation (ALTER TABLE … DELETE) may still be running on servers without mutations_sync.
    for (let i = 0; i < 100; i += 1) {
      const [pending] = await adapter.query<{ n: string | number }>(`SELECT count() AS n FROM system.mutations WHERE database = '${schema}' AND is_done = 0`);
      if (Number(pending?.n ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return summary;
  }

  const model = (project: Project): ModelNode => project.models.get('model.mats.events_append')!;
  const rows = (sql: string) => adapter.query<Record<string, unknown>>(sql);
  const ids = async (table: string) => (await rows(`SELECT id FROM ${schema}.${table} ORDER BY id`)).map((row) => Number(row.id));
  const failures = (summary: RunSummary) =>
    summary.results.filter((result) => result.status !== 'success').map((result) => `${result.uniqueId}: ${result.message}`);

  beforeAll(async () => {
    fixture = copyFixture();
    schema = testDatabase('tsdbt_mats');
    const target = serverTarget({ schema });
    writeFileSync(
      path.join(fixture.dir, 'profiles.yml'),
      `mats:\n  target: server\n  outputs:\n    server:\n      type: clickhouse\n      host: ${target.host}\n      port: ${target.port}\n      user: ${target.user}\n      password: "${target.password}"\n      schema: ${schema}\n`,
    );
    adapter = await connect(load().target);
    await adapter.execute('DROP TABLE IF EXISTS raw.events');
  });
  afterAll(async () => {
    await adapter?.execute(`DROP DATABASE IF EXISTS ${schema}`).catch(() => undefined);
    await adapter?.execute('DROP TABLE IF EXISTS raw.events').catch(() => undefined);
    await adapter?.execute('DROP TABLE IF EXISTS raw.run_log').catch(() => undefined);
    await adapter?.close();
    fixture?.remove();
  });

  it('builds, then merges new and changed rows with each strategy, exactly', async () => {
    const logger = new MemoryLogger();
    const project = loadProject({ projectDir: fixture.dir, env: { HOME: fixture.home }, logger });
    await runProjectHooks(project, adapter, 'on-run-start');
    // Batch 1 through the fixture's load_events macro, as `tsdbt run-operation` calls it: run_query on a server.
    logger.events.length = 0;
    await renderWithAdapter(
      adapter,
      (runQuery) => project.engine.callMacro('load_events', runtimeScope(project, model(project), { runQuery }), [{ batch: 1, __keywords: true }]),
      { logger },
    );
    expect(logger.events.map((event) => event.message)).toEqual(['raw.events has 3 rows']);
    expect(failures(await run())).toEqual([]);
    expect(await ids('events_append')).toEqual([1, 2, 3]);
    expect(await ids('names_mv')).toEqual([1, 2, 3]);

    await adapter.execute(BATCH_2);
    expect(failures(await run())).toEqual([]);
    expect(await ids('events_append')).toEqual([1, 2, 3, 4, 5]);
    expect(await rows(`SELECT id, craft, name FROM ${schema}.events_delete_insert ORDER BY id`)).toEqual([
      { id: '1', craft: 'ISS', name: 'Ada' },
      { id: '2', craft: 'Tiangong', name: 'Bob' },
      { id: '3', craft: 'Tiangong', name: 'Chen' },
      { id: '4', craft: 'Tiangong', name: 'Dee' },
      { id: '5', craft: 'Soyuz', name: 'Eve' },
    ]);
    expect(await rows(`SELECT toString(day) AS day, craft, toUInt32(people) AS people FROM ${schema}.events_per_day ORDER BY day, craft`)).toEqual([
      { day: '2024-01-01', craft: 'ISS', people: 2 },
      { day: '2024-01-02', craft: 'Tiangong', people: 2 },
      { day: '2024-01-03', craft: 'Soyuz', people: 1 },
      { day: '2024-01-03', craft: 'Tiangong', people: 1 },
    ]);
    expect(await rows(`SELECT craft, toUInt32(sightings) AS sightings FROM ${schema}.craft_latest ORDER BY craft`)).toEqual([
      { craft: 'ISS', sightings: 2 },
      { craft: 'Soyuz', sightings: 1 },
      { craft: 'Tiangong', sightings: 3 },
    ]);
    // The view was recreated (or modified) by the second run and kept capturing inserts: batch 2 arrived once.
    expect(await ids('names_mv')).toEqual([1, 2, 2, 3, 4, 5]);
    const leftovers = (await adapter.listRelations(schema)).map((relation) => relation.name).filter((name) => name.includes('__tsdbt_'));
    expect(leftovers).toEqual([]);
  });

  it('an added column per on_schema_change, then --full-refresh', async () => {
    await adapter.execute("INSERT INTO raw.events VALUES (6, 'ISS', 'Fay', '2024-01-04', '2024-01-04 10:00:00')");
    const summary = await run({ vars: { extra_column: true } });
    expect(summary.results.filter((result) => result.status !== 'success').map((result) => result.uniqueId)).toEqual(['model.mats.osc_fail']);
    expect((await adapter.listColumns(schema, 'osc_ignore')).map((column) => column.name)).toEqual(['id', 'name']);
    expect((await adapter.listColumns(schema, 'osc_append_new_columns')).map((column) => column.name)).toEqual(['id', 'name', 'craft_code']);
    expect(await rows(`SELECT toUInt32(id) AS id, craft_code FROM ${schema}.osc_sync_all_columns WHERE id >= 5 ORDER BY id`)).toEqual([
      { id: 5, craft_code: '' },
      { id: 6, craft_code: 'ISS' },
    ]);
    expect(failures(await run({ vars: { extra_column: true }, fullRefresh: true }))).toEqual([]);
    expect((await adapter.listColumns(schema, 'osc_fail')).map((column) => column.name)).toEqual(['id', 'name', 'craft_code']);
    expect(await ids('events_append')).toEqual([1, 2, 2, 3, 4, 5, 6]);
    expect(await ids('names_mv')).toEqual([1, 2, 2, 3, 4, 5, 6]);
  });
});
