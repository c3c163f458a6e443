/**
 * `tsdbt ingest` and `tsdbt run` end to end: the built CLI on a copy of the example project,
 * its astros source pointed (ASTROS_URL) at a scripted fake API on 127.0.0.1. Run `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASTROS, replies, startFakeApi, type FakeApi } from '../support/fake-api.js';
import { copyExample } from './ingest-helpers.js';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api?.close());

/** people_per_craft as the payload says it should be: crafts in order, with their head counts. */
function perCraft(reply: { people: { craft: string }[] }): { craft: string; people: number }[] {
  const counts = new Map<string, number>();
  for (const person of reply.people) counts.set(person.craft, (counts.get(person.craft) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([craft, people]) => ({ craft, people }));
}

const PER_CRAFT = "select craft, people from {{ ref('people_per_craft') }} order by craft";
const RAW_ROWS = "select count() as n from {{ source('astro', 'raw_astros') }}";
const PEOPLE_ROWS = "select count() as n from {{ ref('people') }}";

/** The lines of an `Error TSDBTnnnn` block: the error line, then its indented location/hint lines. */
function errorBlock(stderr: string, code: string): string[] {
  const lines = stderr.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`Error ${code}:`));
  if (start < 0) throw new Error(`no Error ${code} in:\n${stderr}`);
  const block = [lines[start]!];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    block.push(line);
  }
  return block;
}

/** The first tests start four or five CLI processes each: under a minute on a quiet machine, not always on a loaded one. */
const CLI_SEQUENCE_TIMEOUT_MS = 180_000;

describe('tsdbt ingest, then tsdbt run, on the example project', { timeout: CLI_SEQUENCE_TIMEOUT_MS }, () => {
  it('retries two 500s, lands exactly one row, and people_per_craft matches the payload; a replay adds nothing', async () => {
    const path = '/ok/astros.json';
    api.script(path, replies.status(500), replies.status(500), replies.ok(ASTROS));
    const project = copyExample(api.url(path));

    const ingest = await project.cli(['ingest', '--select', 'source:astro.raw_astros']);
    expect(ingest.stderr).toContain('Attempt 1 of 5 failed: HTTP 500 Internal Server Error; retrying in');
    expect(ingest.stderr).toContain('Attempt 2 of 5 failed: HTTP 500 Internal Server Error; retrying in');
    expect(ingest.stderr).toContain('OK ingested astro.raw_astros: 1 row landed');
    expect(ingest.code).toBe(0);
    expect(api.requestsTo(path)).toBe(3);
    expect(await project.show(RAW_ROWS)).toEqual([{ n: 1 }]);

    // The run's before_run fetch gets the same reply again: nothing new lands.
    api.fallback(path, replies.ok(ASTROS));
    const run = await project.cli(['run']);
    expect(run.stderr).toContain('OK ingested astro.raw_astros: 0 rows landed (1 already landed, skipped)');
    expect(run.stderr).toContain('Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4');
    expect(run.code).toBe(0);
    expect(await project.show(PER_CRAFT)).toEqual(perCraft(ASTROS));

    // Replays through `tsdbt ingest` too: still one raw row, and no duplicate people downstream.
    const replay = await project.cli(['ingest']);
    expect(replay.code).toBe(0);
    expect(replay.stderr).toContain('OK ingested astro.raw_astros: 0 rows landed (1 already landed, skipped)');
    expect((await project.cli(['run', '--skip-ingest'])).code).toBe(0);
    expect(await project.show(RAW_ROWS)).toEqual([{ n: 1 }]);
    expect(await project.show(PEOPLE_ROWS)).toEqual([{ n: ASTROS.people.length }]);
    expect(await project.show(PER_CRAFT)).toEqual(perCraft(ASTROS));
  });

  it('builds from the latest reply only: a changed reply replaces the snapshot, and an old one coming back is current again', async () => {
    const path = '/changes/astros.json';
    const changed = {
      message: 'success',
      number: 2,
      people: [
        { name: 'Sunita Williams', craft: 'ISS' },
        { name: 'Butch Wilmore', craft: 'Starliner' },
      ],
    };
    api.script(path, replies.ok(ASTROS), replies.ok(changed), replies.ok(ASTROS));
    const project = copyExample(api.url(path));
    const states: unknown[] = [];
    for (let poll = 0; poll < 3; poll += 1) {
      // `run` ingests the before_run source first.
      const run = await project.cli(['run']);
      expect(run.stderr).toContain('OK ingested astro.raw_astros: 1 row landed');
      expect(run.code).toBe(0);
      states.push(await project.show(PER_CRAFT));
    }
    expect(states).toEqual([perCraft(ASTROS), perCraft(changed), perCraft(ASTROS)]);
  });

  it('with the API down: ingest exits 1 after exactly max_attempts attempts with a one-paragraph error; run warns and builds', async () => {
    // A port that refuses connections: the fake API's own, once it is closed.
    const down = await startFakeApi();
    const url = down.url('/astros.json');
    await down.close();
    const project = copyExample(url, { retries: '{max_attempts: 3, initial_delay: 10ms, max_delay: 20ms}' });

    const ingest = await project.cli(['ingest']);
    expect(ingest.code).toBe(1);
    const attempts = ingest.stderr.split('\n').filter((line) => / \(attempt \d+ of 3\)$/.test(line));
    expect(attempts).toHaveLength(3);
    expect(ingest.stderr).toContain('Attempt 3 of 3 failed: network error: ECONNREFUSED');
    const block = errorBlock(ingest.stderr, 'TSDBT5001');
    expect(block[0]).toBe(
      `Error TSDBT5001: Could not fetch ${url} for source astro.raw_astros after 3 attempts; the last attempt failed: network error: ECONNREFUSED.` +
        ' To land the captured reply samples/astros.json instead, so the models have rows offline: tsdbt ingest --sample --select source:astro.raw_astros',
    );
    expect(block.slice(1).map((line) => line.trim().split(':')[0])).toEqual(['hint']);
    expect(ingest.stderr).toContain('Done. OK=0 ERROR=1 SKIP=0 TOTAL=1');
    expect(ingest.stderr.match(/Could not fetch/g)).toHaveLength(1);

    const run = await project.cli(['run']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `Warning: Could not ingest astro.raw_astros; building from the data already landed. Could not fetch ${url} for source astro.raw_astros after 3 attempts;`,
    );
    expect(run.stderr).toContain('Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4');
    expect(await project.show(PER_CRAFT)).toEqual([]);

    const strict = await project.cli(['run', '--fail-on-ingest-error']);
    expect(strict.stderr).toContain('Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4');
    expect(strict.code).toBe(1);
  });

  it('counts attempts on the server side too: a 503 every time means exactly max_attempts requests', async () => {
    const path = '/down/astros.json';
    api.fallback(path, replies.status(503));
    const project = copyExample(api.url(path), { retries: '{max_attempts: 4, initial_delay: 10ms, max_delay: 20ms}' });
    const ingest = await project.cli(['ingest']);
    expect(ingest.code).toBe(1);
    expect(api.requestsTo(path)).toBe(4);
    expect(errorBlock(ingest.stderr, 'TSDBT5001')[0]).toContain('after 4 attempts; the last attempt failed: HTTP 503 Service Unavailable.');
  });

  it('rejects a truncated reply whole: nothing lands, the reply is quarantined, exit 1', async () => {
    const path = '/truncated/astros.json';
    api.script(path, replies.truncated(ASTROS));
    const project = copyExample(api.url(path));
    const ingest = await project.cli(['ingest']);
    expect(ingest.code).toBe(1);
    expect(errorBlock(ingest.stderr, 'TSDBT5002')[0]).toContain('the reply is truncated JSON');
    expect(await project.show(RAW_ROWS)).toEqual([{ n: 0 }]);
    expect(await project.show('select count() as n from astro.raw_astros__rejected')).toEqual([{ n: 1 }]);
  });

  it('refuses a --metrics-port that is not a port, with exit 2', async () => {
    const project = copyExample(api.url('/unused'));
    const ingest = await project.cli(['ingest', '--metrics-port', 'ninety']);
    expect(ingest.code).toBe(2);
    expect(ingest.stderr).toContain("--metrics-port must be a port number from 0 to 65535, but it is 'ninety'.");
  });

  it('says when the selection holds no source to ingest, and exits 0', async () => {
    const project = copyExample(api.url('/unused'));
    const ingest = await project.cli(['ingest', '--select', 'people']);
    expect(ingest.code).toBe(0);
    expect(ingest.stderr).toContain('Nothing to ingest: no selected source has an `ingest:` block.');
    expect(api.requestsTo('/unused')).toBe(0);
  });
});
