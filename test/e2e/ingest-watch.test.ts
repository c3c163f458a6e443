/**
 * `tsdbt ingest --watch` end to end: real signals to the built CLI, the example project's source
 * pointed at a fake API on 127.0.0.1, metrics scraped over HTTP. Run `npm run build` first.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASTROS, replies, startFakeApi, type FakeApi } from '../support/fake-api.js';
import { copyExample, startCli } from './ingest-helpers.js';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api?.close());

const OK_LINE = /OK ingested astro\.raw_astros: /;

describe('tsdbt ingest --watch', () => {
  it('on SIGTERM while a reply is being landed: finishes the insert, lands it once and whole, exits 0', async () => {
    // A reply of a few MB, so landing it takes long enough for the signal to arrive meanwhile.
    const big = { ...ASTROS, padding: 'x'.repeat(8_000_000) };
    const body = JSON.stringify(big);
    api.fallback('/big/astros.json', replies.ok(body));
    const project = copyExample(api.url('/big/astros.json'));

    const watch = startCli(['ingest', '--watch', '--debug'], { cwd: project.dir, env: project.env });
    await watch.waitFor(/Landing 1 payload\(s\) into astro\.raw_astros\./);
    watch.proc.kill('SIGTERM');
    const exit = await watch.exited;
    const log = watch.lines.join('\n');
    expect(exit, log).toEqual({ code: 0, signal: null });
    expect(log).toContain('SIGTERM received: finishing the insert in flight, then stopping.');
    expect(log).toContain('OK ingested astro.raw_astros: 1 row landed');
    expect(log).toContain('Stopped watching after 1 poll(s), 0 failed.');
    // The signal was handled while the landing was still under way (the insert of a few MB takes
    // hundreds of ms; the test reacts to the line before it within a few).
    const at = (text: string): number => watch.lines.findIndex((line) => line.includes(text));
    expect(at('SIGTERM received')).toBeGreaterThan(at('Landing 1 payload(s)'));
    expect(at('SIGTERM received')).toBeLessThan(at('Landed 1 row(s)'));
    expect(api.requestsTo('/big/astros.json')).toBe(1);

    const rows = await project.show<{ n: number; bytes: number; hash: string; whole: number }>(
      "select count() as n, sum(length(payload)) as bytes, any(_hash) as hash, any(lower(hex(SHA256(payload))) = _hash) as whole from {{ source('astro', 'raw_astros') }}",
    );
    expect(rows).toEqual([{ n: 1, bytes: body.length, hash: createHash('sha256').update(body).digest('hex'), whole: 1 }]);
  });

  it('polls on the schedule, skips repeated replies, serves Prometheus metrics, and stops on SIGINT with exit 0', async () => {
    api.fallback('/poll/astros.json', replies.ok(ASTROS));
    const project = copyExample(api.url('/poll/astros.json'), { schedule: '100ms' });
    const watch = startCli(['ingest', '--watch', '--metrics-port', '0'], { cwd: project.dir, env: project.env });
    const serving = await watch.waitFor(/Serving metrics at http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metricsUrl = /(http:\/\/\S+)$/.exec(serving)![1]!;
    await watch.waitFor(/0 rows landed \(1 already landed, skipped\)/);
    const metrics = await (await fetch(metricsUrl)).text();
    expect(metrics).toContain('tsdbt_ingest_rows_landed_total{source="astro.raw_astros"} 1');
    expect(metrics).toMatch(/tsdbt_ingest_duplicates_total\{source="astro\.raw_astros"\} [1-9]/);
    expect(metrics).toMatch(/tsdbt_ingest_requests_total\{source="astro\.raw_astros"\} [2-9]/);
    expect(metrics).toMatch(/tsdbt_ingest_last_success_timestamp_seconds\{source="astro\.raw_astros"\} 1\d{9}/);
    expect((await fetch(metricsUrl.replace('/metrics', '/'))).status).toBe(404);

    watch.proc.kill('SIGINT');
    expect(await watch.exited).toEqual({ code: 0, signal: null });
    expect(watch.lines.filter((line) => OK_LINE.test(line)).length).toBeGreaterThanOrEqual(2);
    expect(await project.show("select count() as n from {{ source('astro', 'raw_astros') }}")).toEqual([{ n: 1 }]);
  });

  it('leaves the embedded database free between polls, so other commands can use it', async () => {
    api.fallback('/free/astros.json', replies.ok(ASTROS));
    const project = copyExample(api.url('/free/astros.json'));
    const watch = startCli(['ingest', '--watch'], { cwd: project.dir, env: project.env });
    await watch.waitFor(OK_LINE);
    // The next poll is a minute away: the engine is not held meanwhile (another tsdbt process reads it).
    expect(await project.showCli("select count() as n from {{ source('astro', 'raw_astros') }}")).toEqual([{ n: 1 }]);
    watch.proc.kill('SIGTERM');
    expect(await watch.exited).toEqual({ code: 0, signal: null });
  });
});
