/**
 * Landing on a real ClickHouse server (Debian's 18.16.1 in CI, which has no DateTime64): the
 * landing table uses a type the server has, replays are skipped and the latest snapshot rule
 * works. Skipped, with the reason in its name, when CLICKHOUSE_URL is not set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { qualifiedName, quoteIdentifier } from '../../src/core/sql-literals.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { ingestSource } from '../../src/ingest/ingest-source.js';
import { ASTROS, replies, startFakeApi, type FakeApi } from '../support/fake-api.js';
import { SERVER_SKIP_REASON, serverTarget, skipServerTests, testDatabase } from '../support/clickhouse-server.js';
import { sourceFor } from './chdb-fixture.js';
import { roundTrip } from './landing-text-cases.js';

const suite = (name: string): string => (skipServerTests ? `${name} (skipped: ${SERVER_SKIP_REASON})` : name);

describe.skipIf(skipServerTests)(suite('landing on a ClickHouse server'), () => {
  let adapter: Adapter;
  let api: FakeApi;
  const db = testDatabase('tsdbt_ingest');

  beforeAll(async () => {
    [adapter, api] = await Promise.all([connect(serverTarget({ schema: db })), startFakeApi()]);
  });
  afterAll(async () => {
    await adapter?.execute(`DROP DATABASE IF EXISTS ${quoteIdentifier(db)}`).catch(() => undefined);
    await Promise.all([adapter?.close(), api?.close()]);
  });

  it('lands a reply once, with an _inserted_at type the server has, and finds the latest snapshot', async () => {
    api.fallback('/astros.json', replies.ok(ASTROS));
    const source = { ...sourceFor('raw_astros', { url: api.url('/astros.json'), validate: { required: ['people'] } }), database: db };
    const first = await ingestSource(source, { adapter });
    expect(first).toMatchObject({ status: 'success', rowsLanded: 1 });
    const replay = await ingestSource(source, { adapter });
    expect(replay).toMatchObject({ status: 'success', rowsLanded: 0, duplicates: 1 });

    const columns = await adapter.listColumns(db, 'raw_astros');
    const stampType = columns.find((c) => c.name === '_inserted_at')?.type;
    expect(stampType).toBe(adapter.capabilities.dateTime64 ? "DateTime64(3, 'UTC')" : "DateTime('UTC')");

    const table = qualifiedName(db, 'raw_astros');
    const latest = await adapter.query<{ payload: string }>(`SELECT payload FROM ${table} WHERE _inserted_at = (SELECT max(_inserted_at) FROM ${table})`);
    expect(latest.map((row) => JSON.parse(row.payload) as unknown)).toEqual([ASTROS]);
  });

  it('keeps a rejected reply in the quarantine table', async () => {
    api.script('/bad.json', replies.truncated(ASTROS));
    const source = { ...sourceFor('raw_bad', { url: api.url('/bad.json'), retries: false }), database: db };
    const result = await ingestSource(source, { adapter });
    expect(result).toMatchObject({ status: 'error', rejected: 1, rowsLanded: 0 });
    const kept = await adapter.query<{ n: string }>(`SELECT count() AS n FROM ${qualifiedName(db, 'raw_bad__rejected')}`);
    expect(Number(kept[0]?.n)).toBe(1);
  });

  it('stores rows sent as TabSeparated text exactly, whatever characters they hold', async () => {
    const { written, read } = await roundTrip(adapter, db, 'any_text');
    expect(read).toEqual(written);
  });
});
