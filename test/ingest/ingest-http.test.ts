/**
 * ingestSource / ingestAll end to end: real HTTP against the fake API, real chDB for landing.
 * Backoff waits are recorded, not slept; only the timeout cases spend (200 ms of) real time.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/core/errors.js';
import { ingestAll } from '../../src/ingest/ingest-all.js';
import type { IngestResult } from '../../src/ingest/ingest-source.js';
import { ingestSource } from '../../src/ingest/ingest-source.js';
import { createIngestMetrics, startMetricsServer } from '../../src/ingest/metrics.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { ASTROS, replies } from '../support/fake-api.js';
import { recordingSleep, sourceFor, useChdbAndFakeApi } from './chdb-fixture.js';

const env = useChdbAndFakeApi();

const retries = { max_attempts: 4, initial_delay: '1s', max_delay: '30s', jitter: false };

function astrosSource(table: string, extra: Record<string, unknown> = {}) {
  const raw = { url: env.api.url(`/${table}`), timeout: '200ms', retries, validate: { required: ['message', 'number', 'people'] }, ...extra };
  return sourceFor(table, raw, env.db.dir);
}

async function run(table: string, extra: Record<string, unknown> = {}) {
  const { sleep, slept } = recordingSleep();
  const logger = new MemoryLogger();
  const result = await ingestSource(astrosSource(table, extra), { adapter: env.db.adapter, sleep, logger });
  return { result, slept, logger };
}

const landed = (table: string) => env.db.count(`SELECT count() AS n FROM astro.${table} FINAL`);
const rejected = (table: string) => env.db.count(`SELECT count() AS n FROM astro.${table}__rejected`);

describe('ingesting over HTTP into chDB', () => {
  it('fails twice with 500, then lands exactly one row', async () => {
    env.api.script('/flaky', replies.status(500), replies.status(500), replies.ok(ASTROS));
    const { result, slept, logger } = await run('flaky');
    expect(result).toMatchObject({ source: 'astro.flaky', status: 'success', attemptsMade: 3, rowsLanded: 1, duplicates: 0, rejected: 0 });
    expect(slept).toEqual([1_000, 2_000]);
    expect(env.api.requestsTo('/flaky')).toBe(3);
    expect(await landed('flaky')).toBe(1);
    const [row] = await env.db.adapter.query<{ payload: string; _source_url: string }>('SELECT payload, _source_url FROM astro.flaky');
    expect(JSON.parse(row!.payload)).toEqual(ASTROS);
    expect(row!._source_url).toBe(env.api.url('/flaky'));
    expect(logger.events.filter((e) => e.event === 'ingest.attempt_failed').map((e) => e.fields.delayMs)).toEqual([1_000, 2_000]);
  });

  it('lands a replayed payload once', async () => {
    env.api.script('/replay', replies.ok(ASTROS), replies.ok(JSON.stringify(ASTROS, null, 2)));
    const first = await run('replay');
    const second = await run('replay');
    expect(first.result).toMatchObject({ status: 'success', rowsLanded: 1, duplicates: 0 });
    expect(second.result).toMatchObject({ status: 'success', rowsLanded: 0, duplicates: 1 });
    expect(await env.db.count('SELECT count() AS n FROM astro.replay')).toBe(1);
    expect(await landed('replay')).toBe(1);
  });

  it('keeps the latest snapshot right when content comes back (A, B, A)', async () => {
    const B = { ...ASTROS, number: 2, people: ASTROS.people.slice(0, 2) };
    env.api.script('/aba', replies.ok(ASTROS), replies.ok(B), replies.ok(ASTROS));
    let clock = Date.parse('2026-11-23T10:00:00Z');
    for (let i = 0; i < 3; i += 1) {
      clock += 60_000;
      const result = await ingestSource(astrosSource('aba'), { adapter: env.db.adapter, now: () => clock });
      expect(result.rowsLanded).toBe(1);
    }
    expect(await landed('aba')).toBe(2);
    const latest = await env.db.adapter.query<{ n: number }>(
      "SELECT JSONExtractInt(payload, 'number') AS n FROM astro.aba FINAL WHERE _inserted_at = (SELECT max(_inserted_at) FROM astro.aba)",
    );
    expect(latest).toEqual([{ n: 3 }]);
  });

  it.each([
    ['truncated', replies.truncated(ASTROS), 'truncated JSON'],
    ['malformed', replies.malformed(), 'not valid JSON'],
    ['wrong_shape', replies.wrongShape(), 'lacks the required fields message, number, people'],
  ])('rejects a %s reply: nothing landed, the reply quarantined, no retry', async (table, reply, reason) => {
    env.api.script(`/${table}`, reply);
    const { result } = await run(table);
    expect(result).toMatchObject({ status: 'error', attemptsMade: 1, rowsLanded: 0, rejected: 1 });
    expect(result.error?.code).toBe(ErrorCodes.INGEST_INVALID_PAYLOAD);
    expect(result.error?.message).toContain(reason);
    expect(result.error?.message).toContain(`kept in astro.${table}__rejected`);
    expect(await env.db.count(`SELECT count() AS n FROM astro.${table}`)).toBe(0);
    expect(await rejected(table)).toBe(1);
    const [kept] = await env.db.adapter.query<{ payload: string; reason: string }>(`SELECT payload, reason FROM astro.${table}__rejected`);
    expect(kept!.reason).toContain(reason);
    expect(kept!.payload.length).toBeGreaterThan(0);
  });

  it('drops a rejected reply when quarantine is off, and says so', async () => {
    env.api.script('/noquarantine', replies.malformed());
    const { result } = await run('noquarantine', { quarantine: false });
    expect(result.error?.message).toContain('dropped (quarantine is off)');
    const tables = await env.db.adapter.listRelations('astro');
    expect(tables.map((t) => t.name)).toContain('noquarantine');
    expect(tables.map((t) => t.name)).not.toContain('noquarantine__rejected');
  });

  it('retries a reply that hangs past the timeout, or stalls mid-body, or resets', async () => {
    env.api.script('/slow', replies.hang(), replies.stallBody(ASTROS), replies.reset(), replies.ok(ASTROS));
    const { result, logger } = await run('slow');
    expect(result).toMatchObject({ status: 'success', attemptsMade: 4, rowsLanded: 1 });
    const causes = logger.events.filter((e) => e.event === 'ingest.attempt_failed').map((e) => String(e.fields.cause));
    expect(causes[0]).toBe('no complete reply within the 200ms timeout');
    expect(causes[1]).toBe('no complete reply within the 200ms timeout');
    expect(causes[2]).toMatch(/^network error: /);
    expect(await landed('slow')).toBe(1);
  });

  it('waits as Retry-After says', async () => {
    env.api.script('/limited', replies.tooManyRequests('3'), replies.ok(ASTROS));
    const { result, slept } = await run('limited');
    expect(result.status).toBe('success');
    expect(slept).toEqual([3_000]);
  });

  it('gives up after exactly max_attempts when the API is down; the empty table is still there', async () => {
    env.api.fallback('/down', replies.status(503, 'maintenance'));
    const { result, slept } = await run('down');
    expect(env.api.requestsTo('/down')).toBe(4);
    expect(slept).toEqual([1_000, 2_000, 4_000]);
    expect(result).toMatchObject({ status: 'error', attemptsMade: 4, rowsLanded: 0 });
    expect(result.error?.code).toBe(ErrorCodes.INGEST_FETCH_FAILED);
    expect(result.error?.message).toBe(
      `Could not fetch ${env.api.url('/down')} for source astro.down after 4 attempts; the last attempt failed: HTTP 503 Service Unavailable.`,
    );
    expect(await env.db.count('SELECT count() AS n FROM astro.down')).toBe(0);
  });

  it('does not retry a 404', async () => {
    const { result } = await run('missing');
    expect(env.api.requestsTo('/missing')).toBe(1);
    expect(result.error?.message).toContain('HTTP 404 Not Found (a client error like this is not retried)');
  });

  it('lands one row per element with json_each, readable downstream', async () => {
    env.api.script('/people', replies.ok(ASTROS));
    const { result } = await run('people', { format: 'json_each', path: 'people', validate: { required: ['name', 'craft'] } });
    expect(result.rowsLanded).toBe(3);
    const perCraft = await env.db.adapter.query<{ craft: string; n: number }>(
      "SELECT JSONExtractString(payload, 'craft') AS craft, count() AS n FROM astro.people FINAL GROUP BY craft ORDER BY craft",
    );
    expect(perCraft).toEqual([
      { craft: 'ISS', n: 2 },
      { craft: 'Tiangong', n: 1 },
    ]);
  });

  it('runs a custom fetcher module with the retrying fetchJson it is given', async () => {
    const fetcherFile = path.join(env.db.dir, 'people-fetcher.mjs');
    writeFileSync(
      fetcherFile,
      `export default async function (ctx) {
        const reply = await ctx.fetchJson();
        return reply.people.map((p) => ({ ...p, source: ctx.source }));
      }\n`,
    );
    env.api.script('/custom', replies.status(502), replies.ok(ASTROS));
    // The fetcher path is relative to the project directory (env.db.dir here).
    const { result } = await run('custom', { fetcher: 'people-fetcher.mjs', validate: { required: ['name'] } });
    expect(result).toMatchObject({ status: 'success', attemptsMade: 2, rowsLanded: 3 });
    const names = await env.db.adapter.query<{ s: string }>("SELECT JSONExtractString(payload, 'source') AS s FROM astro.custom LIMIT 1");
    expect(names).toEqual([{ s: 'astro.custom' }]);
  });

  it('reports a fetcher module that cannot be loaded', async () => {
    const { result } = await run('nofetcher', { fetcher: 'does-not-exist.mjs' });
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe(ErrorCodes.INGEST_CONFIG_INVALID);
    expect(result.error?.message).toContain('The fetcher module does-not-exist.mjs of source astro.nofetcher could not be loaded');
  });
});

describe('ingestAll', () => {
  it('keeps going past a failing source, and counts it all in metrics served over HTTP', async () => {
    env.api.script('/all_ok', replies.status(500), replies.ok(ASTROS));
    env.api.fallback('/all_down', replies.reset());
    env.api.script('/all_bad', replies.malformed());
    const { registry, observer } = createIngestMetrics();
    const { sleep } = recordingSleep();
    const results = await ingestAll(
      ['all_down', 'all_ok', 'all_bad'].map((t) => astrosSource(t)),
      {
        adapter: env.db.adapter,
        sleep,
        metrics: observer,
        now: () => Date.parse('2026-11-23T10:00:00Z'),
      },
    );
    expect(results.map((r: IngestResult) => [r.source, r.status, r.attemptsMade, r.rowsLanded, r.rejected])).toEqual([
      ['astro.all_down', 'error', 4, 0, 0],
      ['astro.all_ok', 'success', 2, 1, 0],
      ['astro.all_bad', 'error', 1, 0, 1],
    ]);

    const server = await startMetricsServer(0, registry);
    try {
      const text = await (await fetch(server.url)).text();
      expect(text).toContain('tsdbt_ingest_requests_total{source="astro.all_down"} 4');
      expect(text).toContain('tsdbt_ingest_retries_total{source="astro.all_down"} 3');
      expect(text).toContain('tsdbt_ingest_failures_total{source="astro.all_down"} 1');
      expect(text).toContain('tsdbt_ingest_rows_landed_total{source="astro.all_ok"} 1');
      expect(text).toContain('tsdbt_ingest_rejected_total{source="astro.all_bad"} 1');
      expect(text).toContain('tsdbt_ingest_last_success_timestamp_seconds{source="astro.all_ok"} 1795428000');
      expect(text).not.toContain('tsdbt_ingest_last_success_timestamp_seconds{source="astro.all_down"}');
      expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
