/**
 * The watch loop on a fake clock (sleep advances it), landing into real chDB through the fake API.
 */
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter-types.js';
import type { IngestResult } from '../../src/ingest/ingest-source.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import { watch } from '../../src/ingest/watch.js';
import { noObserver } from '../../src/ingest/ingest-observer.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { ASTROS, replies } from '../support/fake-api.js';
import { sourceFor, useChdbAndFakeApi } from './chdb-fixture.js';

const env = useChdbAndFakeApi();

const t0 = Date.parse('2026-11-23T10:00:00Z');

function source(table: string, schedule: string | undefined, maxAttempts = 3) {
  return sourceFor(table, {
    url: env.api.url(`/${table}`),
    retries: { max_attempts: maxAttempts, initial_delay: '1s', max_delay: '5s' },
    ...(schedule === undefined ? {} : { schedule }),
  });
}

/** A clock that only moves when the loop sleeps; aborts once it passes `until`. */
function fakeTime(controller: AbortController, until: number) {
  let clock = t0;
  return {
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
      if (clock > until) controller.abort();
    },
  };
}

describe('watch', () => {
  it('polls each source on its own schedule until aborted', async () => {
    env.api.fallback('/w_a', replies.ok(ASTROS));
    env.api.fallback('/w_b', replies.ok(ASTROS));
    const controller = new AbortController();
    const time = fakeTime(controller, t0 + 180_000);
    const polls: string[] = [];
    const summary = await watch([source('w_a', '60s'), source('w_b', '90s')], {
      adapter: env.db.adapter,
      signal: controller.signal,
      ...time,
      onResult: (r) => polls.push(`${r.source}@${(time.now() - t0) / 1_000}`),
    });
    expect(polls).toEqual(['astro.w_a@0', 'astro.w_b@0', 'astro.w_a@60', 'astro.w_b@90', 'astro.w_a@120', 'astro.w_a@180', 'astro.w_b@180']);
    expect(summary).toEqual({ polls: 7, failures: 0 });
    // The same reply every time: one distinct row each.
    expect(await env.db.count('SELECT count() AS n FROM astro.w_a FINAL')).toBe(1);
  });

  it('keeps polling the others while one source is down', async () => {
    env.api.fallback('/w_down', replies.status(500));
    env.api.fallback('/w_up', replies.ok(ASTROS));
    const controller = new AbortController();
    const results: IngestResult[] = [];
    const summary = await watch([source('w_down', '10s', 1), source('w_up', '10s')], {
      adapter: env.db.adapter,
      signal: controller.signal,
      ...fakeTime(controller, t0 + 25_000),
      onResult: (r) => results.push(r),
    });
    expect(results.map((r) => `${r.source}:${r.status}`)).toEqual([
      'astro.w_down:error',
      'astro.w_up:success',
      'astro.w_down:error',
      'astro.w_up:success',
      'astro.w_down:error',
      'astro.w_up:success',
    ]);
    expect(summary).toEqual({ polls: 6, failures: 3 });
  });

  it('on abort mid-insert, finishes the insert, lands the row once and resolves', async () => {
    env.api.fallback('/w_kill', replies.ok(ASTROS));
    const controller = new AbortController();
    let inserts = 0;
    // The signal arrives while the INSERT is in flight (and the insert takes a while).
    const adapter: Adapter = Object.create(env.db.adapter, {
      insert: {
        value: async (...args: Parameters<Adapter['insert']>) => {
          inserts += 1;
          controller.abort(new Error('SIGTERM'));
          await new Promise((resolve) => setTimeout(resolve, 50));
          return env.db.adapter.insert(...args);
        },
      },
    });
    const logger = new MemoryLogger();
    const results: IngestResult[] = [];
    const summary = await watch([source('w_kill', '1s')], {
      adapter,
      signal: controller.signal,
      logger,
      ...fakeTime(controller, Infinity),
      onResult: (r) => results.push(r),
    });
    expect(summary).toEqual({ polls: 1, failures: 0 });
    expect(results[0]).toMatchObject({ status: 'success', rowsLanded: 1 });
    expect(inserts).toBe(1);
    expect(env.api.requestsTo('/w_kill')).toBe(1);
    expect(await env.db.count('SELECT count() AS n FROM astro.w_kill')).toBe(1);
    expect(logger.events.at(-1)?.event).toBe('watch.stopped');
  });

  it('stops a fetch that is waiting to retry, landing nothing', async () => {
    env.api.fallback('/w_retry', replies.status(503));
    const controller = new AbortController();
    const results: IngestResult[] = [];
    await watch([source('w_retry', '1m')], {
      adapter: env.db.adapter,
      signal: controller.signal,
      now: () => t0,
      sleep: async () => controller.abort(),
      onResult: (r) => results.push(r),
    });
    expect(results.map((r) => [r.status, r.attemptsMade])).toEqual([['skipped', 1]]);
  });

  it('keeps watching when a round cannot open the database (the engine is busy), and retries at the next poll', async () => {
    env.api.fallback('/w_busy', replies.ok(ASTROS));
    const controller = new AbortController();
    const logger = new MemoryLogger();
    const results: IngestResult[] = [];
    let opens = 0;
    // The failures counter (tsdbt_ingest_failures_total) counts the round the lock turned away too.
    const counted: string[] = [];
    const metrics = { ...noObserver, failure: (name: string) => counted.push(`failure ${name}`), success: (name: string) => counted.push(`success ${name}`) };
    const summary = await watch([source('w_busy', '10s')], {
      metrics,
      adapter: async () => {
        opens += 1;
        if (opens === 1) throw new TsdbtError({ code: ErrorCodes.ENGINE_LOCKED, message: 'The embedded engine is in use.' });
        return Object.create(env.db.adapter, { close: { value: async () => undefined } }) as Adapter;
      },
      signal: controller.signal,
      logger,
      ...fakeTime(controller, t0 + 15_000),
      onResult: (r) => results.push(r),
    });
    expect(results.map((r) => [r.status, r.error?.code, r.rowsLanded])).toEqual([
      ['error', ErrorCodes.ENGINE_LOCKED, 0],
      ['success', undefined, 1],
    ]);
    expect(summary).toEqual({ polls: 2, failures: 1 });
    expect(counted).toEqual(['failure astro.w_busy', 'success astro.w_busy']);
    expect(logger.events.find((e) => e.event === 'watch.connect_failed')?.message).toBe(
      'Could not open the database for this round of polls; trying again at the next one. The embedded engine is in use.',
    );
  });

  it('opens and closes a connection per round when given a provider, and ends when nothing is scheduled', async () => {
    env.api.fallback('/w_once', replies.ok(ASTROS));
    const controller = new AbortController();
    const lifecycle: string[] = [];
    const logger = new MemoryLogger();
    const summary = await watch([source('w_once', undefined)], {
      adapter: async () => {
        lifecycle.push('open');
        return Object.create(env.db.adapter, { close: { value: async () => void lifecycle.push('close') } }) as Adapter;
      },
      signal: controller.signal,
      logger,
      ...fakeTime(controller, Infinity),
    });
    expect(summary.polls).toBe(1);
    expect(lifecycle).toEqual(['open', 'close']);
    expect(logger.events.map((e) => e.event)).toContain('watch.no_schedule');
  });
});
