/**
 * A large (spooled) reply lands all or nothing, even when `tsdbt ingest` is SIGKILLed in the middle
 * of landing it, and a killed process's spool folder does not stay behind:
 *   - killed after each statement of the landing (TSDBT_FAILPOINT), and from outside while the
 *     rows are being inserted: readers see none or all of the reply's rows, never part of it;
 *     the next ingest lands the reply once (no row lost, none doubled, even without FINAL) and
 *     leaves no staging table and no spool folder;
 *   - the spool sweep removes only folders named by a tsdbt process of this host that is gone.
 * Each kill lands a reply whose elements carry a new round number, so the rows say which reply
 * they came from.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsdbt, withChdb } from '../e2e/example-project.js';
import { type CliResult, REPO_ROOT, removeProject, writeProject } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';
import { jsonEvents, sentStatements } from '../support/json-log.js';
import { HEAVY, recordFigure } from '../support/reliability-figures.js';
import { streamJsonArray } from '../support/json-array-stream.js';

/**
 * About 10.4 MB: spooled (over 8 MiB, SPOOL_OVER_BYTES; beforeAll checks that the landing reads the spooled file),
 * and several of chDB's 2 MiB insert blocks. (It was 31 MB: three times the bytes to serve, land and scan
 * in every round, for the same path.)
 */
const ELEMENTS = 10_000;

let dir: string;
let home: string;
/** The TMPDIR of every tsdbt process here, so their spool folders can be watched. */
let spoolTmp: string;
let server: http.Server;
let round = 0;
let firstLandingStatement = 0;

function sendRound(res: http.ServerResponse, r: number): void {
  streamJsonArray(res, {
    head: '{"data": [',
    count: ELEMENTS,
    element: (i) => `{"id": ${i}, "round": ${r}, "pad": "${'x'.repeat(1000)}"}`,
    separator: ',',
    tail: ']}',
  });
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/big.json') sendRound(res, round);
    else if (req.url === '/small.json') res.end('{"data": [{"id": 1}]}');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const source = (name: string, file: string) =>
    [
      `      - name: ${name}`,
      '        ingest:',
      `          url: "${base}/${file}"`,
      '          format: json_each',
      '          path: data',
      '          retries: {max_attempts: 1}',
    ].join('\n');
  dir = writeProject(
    {
      'project.yml': 'name: landing\nprofile: landing\n',
      'profiles.yml': 'landing:\n  target: dev\n  outputs:\n    dev: {type: chdb, schema: landing, threads: 1}\n',
      'models/sources.yml': ['sources:', '  - name: api', '    tables:', source('big', 'big.json'), source('small', 'small.json'), ''].join('\n'),
    },
    'tsdbt-crash-ingest-',
  );
  home = tempHomeDir();
  spoolTmp = path.join(dir, 'tmp');
  mkdirSync(spoolTmp);
  // Round 0 lands first: the landing table exists and holds a batch before any kill.
  const first = await cli(INGEST_BIG);
  expect(first.code, first.stderr).toBe(0);
  expect(
    sentStatements(jsonEvents(first.stderr)).some((s) => /^INSERT INTO .* -- from a spooled reply -- /.test(s.sql)),
    'the reply was spooled and inserted from its file',
  ).toBe(true);
  // Kills start at the landing's first statement (a leftover staging table's lookup, or the latest batch's read), after the tables' CREATE … IF NOT EXISTS.
  firstLandingStatement =
    sentStatements(jsonEvents(first.stderr)).findIndex((s) => /^SELECT (comment FROM system\.tables|toString\(count\(\)\))/.test(s.sql)) + 1;
  expect(firstLandingStatement).toBeGreaterThan(0);
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  if (dir) removeProject(dir);
  if (home) removeProject(home);
});

const INGEST_BIG = ['ingest', '--select', 'source:api.big', '--log-format', 'json', '--log-level', 'debug'];
const cli = (args: string[], env: Record<string, string> = {}) => tsdbt(dir, home, args, { TMPDIR: spoolTmp, ...env }, 120_000);

/** Rows of round `r` in the landing table as a reader sees them (no FINAL), and how many distinct. */
async function roundRows(r: number): Promise<{ rows: number; ids: number; staging: number }> {
  return withChdb(dir, async (adapter) => {
    const [row] = await adapter.query<{ rows: number; ids: number; staging: number }>(
      `SELECT count() AS rows, uniqExact(JSONExtractInt(payload, 'id')) AS ids,
         (SELECT count() FROM system.tables WHERE database = 'api' AND name LIKE '%__tsdbt_landing') AS staging
       FROM api.big WHERE JSONExtractInt(payload, 'round') = ${r}`,
      { settings: { output_format_json_quote_64bit_integers: 0 } },
    );
    return row!;
  });
}

/** After a kill: none or all of the reply; then the next ingest lands it once and leaves nothing behind. */
async function expectRecovered(r: number, because: string): Promise<void> {
  const after = await roundRows(r);
  expect([0, ELEMENTS], `rows of the reply visible after a kill ${because}`).toContain(after.rows);
  const next = await cli(['ingest', '--select', 'source:api.big']);
  expect(next.code, next.stderr).toBe(0);
  expect(await roundRows(r), `after the next ingest (killed ${because})`).toEqual({ rows: ELEMENTS, ids: ELEMENTS, staging: 0 });
  expect(readdirSync(spoolTmp), `spool folders left after the next ingest (killed ${because})`).toEqual([]);
}

describe('a spooled reply killed mid-landing lands all or nothing', () => {
  it('SIGKILL after each statement of the landing: none or all rows, then exactly once', async ({ task }) => {
    let points = 0;
    for (let statement = firstLandingStatement; statement < firstLandingStatement + 20; statement += 1) {
      round += 1;
      const killed = await cli(INGEST_BIG, { TSDBT_FAILPOINT: `kill-after-statement:${statement}` });
      if (killed.signal !== 'SIGKILL') {
        expect(killed.code, killed.stderr).toBe(0);
        break;
      }
      const completed = sentStatements(jsonEvents(killed.stderr)).map((s) => s.sql.split('\n')[0]);
      await expectRecovered(round, `after:\n${completed.join('\n')}`);
      points += 1;
    }
    // The landing's statements: the staging lookup, the latest batch's read, create, stop merges, insert, attach, drop.
    expect(points).toBeGreaterThanOrEqual(6);
    recordFigure(task, {
      section: 'crash',
      subject: `\`tsdbt ingest\` landing a spooled reply (${ELEMENTS.toLocaleString('en-US')} elements, about 10 MB: staged, then attached in one step)`,
      count: points,
      unit: 'kill points (after each statement)',
      outcome:
        'readers saw none or all of the reply after each kill; the next ingest landed it exactly once (no FINAL needed) and left no staging table or spool folder',
    });
  }, 900_000);

  it('SIGKILL from outside while the rows are being inserted: none or all rows, then exactly once', async ({ task }) => {
    let midInsert = 0;
    for (const delay of HEAVY ? [30, 100, 200, 300] : [30, 150]) {
      round += 1;
      const killed = await killDuringInsert(delay);
      if (killed.signal !== 'SIGKILL') {
        // Landed before the kill came (a fast machine): nothing to check but the rows.
        expect(killed.code, killed.stderr).toBe(0);
        expect(await roundRows(round)).toEqual({ rows: ELEMENTS, ids: ELEMENTS, staging: 0 });
        continue;
      }
      const insert = sentStatements(jsonEvents(killed.stderr)).find((s) => /^INSERT INTO /.test(s.sql));
      if (insert?.ok === undefined) midInsert += 1;
      await expectRecovered(round, `${delay} ms into the insert`);
    }
    expect(midInsert, 'kills that came while the INSERT was in flight').toBeGreaterThan(0);
    recordFigure(task, {
      section: 'crash',
      subject: '`tsdbt ingest` killed from outside while a spooled reply is being inserted',
      count: midInsert,
      unit: 'kills with the INSERT in flight (30 ms or more after it was sent)',
      outcome: 'none or all of the reply visible; the next ingest landed it exactly once and removed the dead process’s spool folder',
    });
  }, 900_000);

  it('a table named like the staging table but not made by tsdbt is refused, never dropped', async () => {
    await withChdb(dir, async (adapter) => {
      await adapter.execute('CREATE TABLE api.big__tsdbt_landing (x UInt8) ENGINE = MergeTree ORDER BY x');
      await adapter.execute('INSERT INTO api.big__tsdbt_landing VALUES (7)');
    });
    round += 1;
    const refused = await cli(['ingest', '--select', 'source:api.big']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('TSDBT5004');
    expect(refused.stderr).toContain('api.big__tsdbt_landing exists and was not made by tsdbt');
    expect(refused.stderr).not.toMatch(/\n\s+at \S+ \(/);
    await withChdb(dir, async (adapter) => {
      expect(await adapter.query('SELECT x FROM api.big__tsdbt_landing')).toEqual([{ x: 7 }]);
      await adapter.execute('DROP TABLE api.big__tsdbt_landing');
    });
    expect((await roundRows(round)).rows).toBe(0);
    expect(readdirSync(spoolTmp)).toEqual([]);
  }, 120_000);

  it('the spool sweep removes only the folders of tsdbt processes of this host that are gone', async ({ task }) => {
    const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const folders = {
      gone: `tsdbt-reply-${dead}@${host}-abc123`,
      live: `tsdbt-reply-${process.pid}@${host}-abc123`,
      otherHost: `tsdbt-reply-${dead}@another-host-abc123`,
      notOurs: 'tsdbt-reply-abc123',
    };
    for (const name of Object.values(folders)) {
      mkdirSync(path.join(spoolTmp, name));
      writeFileSync(path.join(spoolTmp, name, 'reply.json'), '{}');
    }
    const small = await cli(['ingest', '--select', 'source:api.small', '--log-level', 'debug']);
    expect(small.code, small.stderr).toBe(0);
    expect(small.stderr).toContain(`Removed ${path.join(spoolTmp, folders.gone)}, a reply spooled by a tsdbt process that is no longer running.`);
    expect(readdirSync(spoolTmp).sort()).toEqual([folders.live, folders.notOurs, folders.otherHost].sort());
    for (const name of Object.values(folders)) if (name !== folders.gone) expect(existsSync(path.join(spoolTmp, name, 'reply.json'))).toBe(true);
    recordFigure(task, {
      section: 'data',
      subject: 'spool folders in TMPDIR: a dead tsdbt process’s, a live one’s, another host’s, one not named by tsdbt',
      count: 4,
      unit: 'folders',
      outcome: 'only the dead process’s folder was removed (at the next ingest); the others kept with their files',
    });
  }, 120_000);
});

/** Starts `tsdbt ingest` and SIGKILLs it `delay` ms after it sends the INSERT of the reply's rows. */
function killDuringInsert(delay: number): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), ...INGEST_BIG], {
    cwd: dir,
    env: { ...process.env, HOME: home, NO_COLOR: '1', TMPDIR: spoolTmp, TSDBT_PROFILES_DIR: undefined, TSDBT_FAILPOINT: undefined },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let aimed = false;
  return new Promise((resolve) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!aimed && sentStatements(jsonEvents(stderr)).some((s) => /^INSERT INTO `?api`?\.`?big/.test(s.sql))) {
        aimed = true;
        setTimeout(() => child.kill('SIGKILL'), delay);
      }
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
  });
}
