/**
 * Concurrency on one embedded database: a second tsdbt process is turned away at once with
 * TSDBT4003 (exit 3) naming the holder, never touching the data (no sweep, no build); processes
 * racing for a free database let exactly one in; a lock left by a killed process (SIGKILL, a zombie,
 * another host name) is taken over at once.
 * And within one run, parallel threads never build the same relation twice.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/adapter/engine-lock.js';
import { connect } from '../../src/adapter/connect.js';
import { copyExample, startCli } from '../e2e/ingest-helpers.js';
import { ASTROS, replies, startFakeApi } from '../support/fake-api.js';
import { isLeftover, relationsOf, tsdbt, withChdb } from '../e2e/example-project.js';
import { REPO_ROOT, removeProject, writeProject, type CliResult } from '../support/cli.js';
import { type HeldReply, startHeldReply } from '../support/held-reply.js';
import { tempHomeDir } from '../support/home.js';
import { jsonEvents, sentStatements } from '../support/json-log.js';
import { recordFigure } from '../support/reliability-figures.js';

let dir: string;
let home: string;
/** What the slow table reads while a test needs the database held: 5,000 rows, sent when the test releases them. */
let held: HeldReply;
const ROWS = 5000;
/** A run of the slow table that holds the database until `held` is released. */
const HOLD = ['--select', 'slow', '--vars', '{hold: true}'];
const lockFile = () => path.join(dir, '.tsdbt', 'chdb', LOCK_FILE_NAME);
const cli = (args: string[]) => tsdbt(dir, home, args, { HELD_REPLY_URL: held.url });
const heldEnv = () => ({ HOME: home, HELD_REPLY_URL: held.url });

/** 24 tables in four layers (each reads two of the layer before), and one slow table. */
function files(): Record<string, string> {
  const out: Record<string, string> = {
    'project.yml': 'name: conc\nprofile: conc\nmodels:\n  conc:\n    +materialized: table\n',
    // With `hold`, the rows come from the test's held reply: the run holds the database until the
    // test releases it, however slow the processes racing it are to start (a receive timeout well
    // past any test's wait). Without, three rows at once.
    'models/slow.sql':
      "{% if var('hold', false) %}select n from url('{{ env_var('HELD_REPLY_URL') }}', 'CSV', 'n UInt64') settings http_receive_timeout = 600{% else %}select number as n from numbers(3){% endif %}\n",
  };
  for (let layer = 0; layer < 4; layer += 1) {
    for (let i = 0; i < 6; i += 1) {
      const name = `m${layer}_${i}`;
      out[`models/${name}.sql`] =
        layer === 0
          ? `select ${i} as v\n`
          : `select a.v + b.v as v from {{ ref('m${layer - 1}_${i}') }} as a cross join {{ ref('m${layer - 1}_${(i + 1) % 6}') }} as b\n`;
    }
  }
  return out;
}

beforeAll(async () => {
  held = await startHeldReply(Array.from({ length: ROWS }, (_, n) => `${n}\n`).join(''));
  dir = writeProject(files(), 'tsdbt-conc-');
  home = tempHomeDir();
  const first = await cli(['run']);
  expect(first.code, first.stderr).toBe(0);
});
afterAll(async () => {
  await held?.close();
  if (dir) removeProject(dir);
  if (home) removeProject(home);
});

function expectLocked(result: CliResult, holderPid: number): void {
  expect(result.code, result.stderr).toBe(3);
  expect(result.stderr).toMatch(
    new RegExp(
      `Error TSDBT4003: Another tsdbt process \\(pid ${holderPid}, \`tsdbt run\`, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\) holds the embedded database at \\.tsdbt/chdb, so this command did not open it\\.`,
    ),
  );
  expect(result.stderr).toMatch(/hint: Wait for it to finish/);
  // Turned away before loading the engine: chDB's own "Cannot lock file" never shows, nothing was swept or built.
  expect(result.stderr).not.toMatch(/Cannot lock file|Code: 76|Dropped \d+ relation|START sql/);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('two tsdbt processes on one embedded database', () => {
  it('the second fails at once with TSDBT4003 naming the first; the first completes with its rows intact', async ({ task }) => {
    held.hold();
    const holder = startCli(['run', ...HOLD], { cwd: dir, env: heldEnv() });
    await holder.waitFor(/START sql table model conc\.slow/);
    const lock = JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number; command: string };
    expect(lock).toMatchObject({ pid: holder.proc.pid, command: 'tsdbt run' });

    const others = await Promise.all([cli(['run']), cli(['build', '--select', 'm0_0']), cli(['show', '--inline', 'select 1'])]);
    // Each was turned away while the holder still ran: none waited for it.
    expect(holder.proc.exitCode).toBeNull();
    for (const other of others) expectLocked(other, holder.proc.pid!);

    held.release();
    expect((await holder.exited).code).toBe(0);
    expect(() => readFileSync(lockFile())).toThrow(/ENOENT/);
    await withChdb(dir, async (adapter) => {
      expect(await adapter.query('SELECT count() AS rows, max(n) AS top FROM conc.slow', { settings: { output_format_json_quote_64bit_integers: 0 } })).toEqual(
        [{ rows: ROWS, top: ROWS - 1 }],
      );
      expect((await relationsOf(adapter, 'conc')).filter(isLeftover)).toEqual([]);
    });
    recordFigure(task, {
      section: 'concurrency',
      subject: 'commands started while another `tsdbt run` held the database (`run`, `build`, `show`)',
      count: others.length,
      unit: 'commands turned away',
      outcome: 'each exited 3 with TSDBT4003 before opening the engine; the holder finished with all its rows',
    });
  });

  it('four runs started together: exactly one builds, the others exit 3', async ({ task }) => {
    held.hold();
    // The one that gets in holds the database until the other three have exited: were two let
    // in, both would wait on the held reply until the minute below runs out, and the codes say so.
    let exited = 0;
    const safety = setTimeout(() => held.release(), 60_000);
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        cli(['run', ...HOLD]).finally(() => {
          exited += 1;
          if (exited === 3) held.release();
        }),
      ),
    );
    clearTimeout(safety);
    const codes = results.map((result) => result.code).sort();
    expect(codes, results.map((r) => r.stderr).join('\n---\n')).toEqual([0, 3, 3, 3]);
    for (const loser of results.filter((result) => result.code === 3)) expect(loser.stderr).toMatch(/Error TSDBT4003: Another tsdbt process/);
    recordFigure(task, {
      section: 'concurrency',
      subject: '`tsdbt run` started four times at once on one database',
      count: 4,
      unit: 'racing processes',
      outcome: 'exactly one took the lock and built; three exited 3',
    });
  });

  it('a lock left by a killed process is taken over, and removed when the run ends', async () => {
    held.hold();
    const victim = startCli(['run', ...HOLD, '--debug'], { cwd: dir, env: heldEnv() });
    // Killed while it fills its temporary table (waiting for the held reply).
    await victim.waitFor(/^INSERT INTO `conc`\.`slow__tsdbt_tmp`/);
    victim.proc.kill('SIGKILL');
    await victim.exited;
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: victim.proc.pid });

    const next = await cli(['run', '--select', 'slow', '--debug']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`Took over the lock of .tsdbt/chdb from pid ${victim.proc.pid} (\`tsdbt run\`), which is no longer running.`);
    expect(next.stderr).toMatch(/Dropped 1 relation left by an interrupted run: conc\.slow__tsdbt_tmp/);
    expect(() => readFileSync(lockFile())).toThrow(/ENOENT/);
  });

  it('a lock file from another host naming a live pid, with nobody on its socket, is taken over at once', async () => {
    // What a container restarted under a new host name leaves: the old holder is gone, its pid (here
    // this test process's, alive) means nothing on this host. The lock is the socket, which nobody holds.
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, host: 'container-1f3a', command: 'tsdbt run', since: '2020-01-01T00:00:00Z', token: 'old' }));
    const started = Date.now();
    const next = await cli(['run', '--select', 'm0_0']);
    expect(next.code, next.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a holder SIGKILLed and left a zombie (its parent never reaps it) is taken over at once', async ({ task }) => {
    const log = path.join(dir, 'zombie-holder.log');
    // sh starts the holder in the background, prints its pid, and becomes sleep, which never waits for children.
    const script = `"${process.execPath}" "${path.join(REPO_ROOT, 'bin', 'tsdbt')}" run --select slow --vars '{hold: true}' 2>"${log}" >/dev/null & echo $!; exec sleep 120`;
    const env: Record<string, string | undefined> = { ...process.env, ...heldEnv(), NO_COLOR: '1', FORCE_COLOR: undefined, TSDBT_PROFILES_DIR: undefined };
    held.hold();
    const parent = spawn('sh', ['-c', script], { cwd: dir, env, stdio: ['ignore', 'pipe', 'ignore'] });
    onTestFinished(() => void parent.kill('SIGKILL'));
    const holderPid = Number((await once(parent.stdout, 'data'))[0].toString().trim());
    await until(() => existsSync(log) && /START sql table model conc\.slow/.test(readFileSync(log, 'utf8')));
    process.kill(holderPid, 'SIGKILL');
    await until(() => /^State:\s+Z/m.test(readFileSync(`/proc/${holderPid}/status`, 'utf8')));
    // A zombie: its pid still answers kill(pid, 0), which a pid-liveness check took for a live holder.
    expect(() => process.kill(holderPid, 0)).not.toThrow();

    const next = await cli(['run', '--select', 'slow', '--debug']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`Took over the lock of .tsdbt/chdb from pid ${holderPid} (\`tsdbt run\`), which is no longer running.`);
    expect(() => readFileSync(lockFile())).toThrow(/ENOENT/);
    recordFigure(task, {
      section: 'concurrency',
      subject: 'holders gone without releasing the lock: SIGKILLed, SIGKILLed and left a zombie, a lock file from another host naming a live pid',
      count: 3,
      unit: 'stale locks',
      outcome: 'the next run took over at once (the lock is a socket the OS closes when the holder dies; no pid or host checks)',
    });
  });
});

/** The embedded database at `chdbPath`, or undefined while another process holds it. */
async function tryConnect(chdbPath: string): Promise<Awaited<ReturnType<typeof connect>> | undefined> {
  try {
    return await connect({ type: 'chdb', name: 'dev', schema: 'astro', threads: 1, settings: {}, path: chdbPath });
  } catch {
    return undefined;
  }
}

/** Polls `condition` every 50 ms, for up to 30 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > 30_000) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('ingest --watch while another process holds the database', () => {
  it('counts every poll the lock turned away in tsdbt_ingest_failures_total, and lands once it is free', async ({ task }) => {
    const api = await startFakeApi();
    onTestFinished(() => api.close());
    api.fallback('/astros.json', replies.ok(ASTROS));
    const project = copyExample(api.url('/astros.json'), { schedule: '500ms' });
    const watch = startCli(['ingest', '--watch', '--metrics-port', '0'], { cwd: project.dir, env: project.env });
    const serving = await watch.waitFor(/Serving metrics at http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metricsUrl = /(http:\/\/\S+)$/.exec(serving)![1]!;
    await watch.waitFor(/OK ingested astro\.raw_astros: 1 row landed/);
    // Between two polls, this test process takes the database, as a `tsdbt run` would.
    const chdbPath = path.join(project.dir, '.tsdbt', 'chdb');
    let holder: Awaited<ReturnType<typeof connect>> | undefined;
    for (let tries = 0; holder === undefined && tries < 500; tries += 1) {
      holder = await tryConnect(chdbPath);
      if (holder === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(holder).toBeDefined();
    onTestFinished(async () => holder?.close());
    const turnedAway = () => watch.lines.filter((line) => line.includes('holds the embedded database at .tsdbt/chdb')).length;
    await until(() => turnedAway() >= 3).catch((error) => {
      throw new Error(`${error}: ${watch.lines.join('\n')}`);
    });
    const requests = api.requestsTo('/astros.json');
    const failures = Number(/tsdbt_ingest_failures_total\{source="astro\.raw_astros"\} (\d+)/.exec(await (await fetch(metricsUrl)).text())?.[1] ?? 0);
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(failures).toBeGreaterThanOrEqual(turnedAway() - 1);
    // The endpoint of the running CLI answers only to a loopback Host (DNS rebinding, issue 20 item 7).
    const port = new URL(metricsUrl).port;
    const hosts = { [`127.0.0.1:${port}`]: 200, [`localhost:${port}`]: 200, [`evil.example:${port}`]: 403, [`127.0.0.1.evil.example:${port}`]: 403 };
    for (const [host, status] of Object.entries(hosts)) expect([host, await statusFor(metricsUrl, host)]).toEqual([host, status]);

    await holder!.close();
    holder = undefined;
    await until(() => api.requestsTo('/astros.json') > requests);
    await watch.waitFor(/0 rows landed \(1 already landed, skipped\)/);
    watch.proc.kill('SIGINT');
    expect(await watch.exited).toEqual({ code: 0, signal: null });
    recordFigure(task, {
      section: 'concurrency',
      subject: '`ingest --watch --metrics-port` polling while another process held the database',
      count: failures,
      unit: 'polls turned away',
      outcome: 'each counted in tsdbt_ingest_failures_total (no request sent); the first poll after the holder let go landed the reply',
    });
    recordFigure(task, {
      section: 'security',
      subject: 'the metrics endpoint of a running `ingest --watch --metrics-port` asked with loopback and foreign Host headers',
      count: Object.keys(hosts).length,
      unit: 'requests',
      outcome: '127.0.0.1 and localhost answered; foreign Hosts (DNS rebinding) got 403',
    });
  });
});

/** The status of a GET of `url` sent with this Host header (fetch cannot set Host). */
function statusFor(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

describe('parallel threads within one run', () => {
  it('never build the same relation twice', async ({ task }) => {
    const result = await cli(['run', '--threads', '6', '--log-format', 'json', '--log-level', 'debug']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonEvents(result.stderr);
    const models = Object.keys(files())
      .filter((file) => file.endsWith('.sql'))
      .map((file) => path.basename(file, '.sql'));
    const sql = sentStatements(events).map((statement) => statement.sql);
    for (const model of models) {
      const staged = sql.filter((text) => text.startsWith(`CREATE TABLE \`conc\`.\`${model}__tsdbt_tmp\``));
      const swapped = sql.filter((text) => text.startsWith('EXCHANGE TABLES') && text.endsWith(` AND \`conc\`.\`${model}\``));
      expect([model, staged.length, swapped.length]).toEqual([model, 1, 1]);
    }
    const starts = events.filter((event) => event.event === 'node_start').map((event) => event['node_id']);
    expect(starts.length).toBe(models.length);
    expect(new Set(starts).size).toBe(models.length);
    // It did run in parallel: at some point more than one node was in flight.
    let inFlight = 0;
    let most = 0;
    for (const event of events) {
      if (event.event === 'node_start') most = Math.max(most, ++inFlight);
      if (event.event === 'node_finished') inFlight -= 1;
    }
    expect(most).toBeGreaterThan(1);
    const results = (JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] })
      .results;
    expect(results.map((r) => r.unique_id).sort()).toEqual(models.map((m) => `model.conc.${m}`).sort());
    expect(new Set(results.map((r) => r.status))).toEqual(new Set(['success']));
    recordFigure(task, {
      section: 'concurrency',
      subject: `a run of ${models.length} tables on 6 threads (up to ${most} at once)`,
      count: models.length,
      unit: 'relations',
      outcome: 'each staged once and swapped once (from the sql events); each once in run_results.json',
    });
  });
});
