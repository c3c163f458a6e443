/**
 * Crashes, hangs and unbounded resources found by attacking the CLI (issue 20, items 11-15), each
 * through the built CLI: every one ends in one coded error with a hint (never TSDBT9001, never a
 * stack trace), promptly, or in the right data.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tsdbt, withChdb } from '../e2e/example-project.js';
import { removeProject, writeProject, type CliResult } from '../support/cli.js';
import { replies, startFakeApi, type FakeApi } from '../support/fake-api.js';
import { tempHomeDir } from '../support/home.js';
import { recordFigure } from '../support/reliability-figures.js';

const made: string[] = [];
const apis: FakeApi[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) removeProject(dir);
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev: {type: chdb, schema: hostile, threads: 1}\n';

function project(files: Record<string, string>) {
  const dir = writeProject({ 'project.yml': 'name: demo\nprofile: demo\n', 'profiles.yml': PROFILE, ...files }, 'tsdbt-hostile-');
  const home = tempHomeDir();
  made.push(dir, home);
  return { dir, cli: (args: string[], timeoutMs = 60_000) => tsdbt(dir, home, args, {}, timeoutMs) };
}

/** One coded error, the given exit code, no stack trace, no internal error. */
function expectCoded(result: CliResult, code: string, exit: number): void {
  const output = result.stdout + result.stderr;
  expect(result.signal, output).toBeNull();
  expect(result.code, output).toBe(exit);
  expect(output).toContain(code);
  expect(output).not.toContain('TSDBT9001');
  expect(output).not.toMatch(/\n\s+at \S+ \(/);
}

describe('hostile servers and replies', () => {
  it('a clickhouse target pointing at another HTTP server that answers /ping: TSDBT4800, exit 3 (item 11)', async ({ task }) => {
    const other = await startFakeApi();
    apis.push(other);
    other.fallback('/ping', replies.ok('Ok.\n'));
    other.fallback('/', replies.ok({ hello: 'world' }));
    const { port } = new URL(other.url('/'));
    const { cli } = project({
      'profiles.yml': `demo:\n  target: srv\n  outputs:\n    srv: {type: clickhouse, host: 127.0.0.1, port: ${port}, connect_timeout: 2, retries: 0}\n`,
      'models/people.sql': 'select 1 as id\n',
    });
    const result = await cli(['run']);
    expectCoded(result, 'TSDBT4800', 3);
    expect(result.stderr).toContain('not a ClickHouse server');
    recordFigure(task, {
      section: 'fuzz',
      subject: 'a `clickhouse` target pointing at another HTTP server that answers /ping',
      count: 1,
      unit: 'input tried',
      outcome: 'TSDBT4800 naming what answered, exit 3',
    });
  }, 60_000);

  it('a reply larger than max_reply_bytes: TSDBT5800, one request, not retried (item 14)', async ({ task }) => {
    const big = await startFakeApi();
    apis.push(big);
    big.fallback('/big.json', replies.ok({ data: 'x'.repeat(5_000) }));
    const { cli } = project({
      'models/sources.yml': [
        'sources:',
        '  - name: api',
        '    tables:',
        '      - name: big',
        '        ingest:',
        `          url: "${big.url('/big.json')}"`,
        '          max_reply_bytes: 1000',
        '          retries: {max_attempts: 3, initial_delay: 10ms, max_delay: 10ms}',
        '',
      ].join('\n'),
    });
    const result = await cli(['ingest']);
    expectCoded(result, 'TSDBT5800', 1);
    expect(big.requests).toHaveLength(1);
    recordFigure(task, {
      section: 'ingest',
      subject: 'a reply larger than `max_reply_bytes`',
      count: 1,
      unit: 'fault',
      outcome: 'TSDBT5800 after one request, not retried',
    });
  }, 60_000);
});

describe('hostile project files', () => {
  it('a YAML alias bomb in project.yml, profiles.yml, a property file or --vars is refused at once (item 12)', async ({ task }) => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i += 1)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const bomb = (key: string) => `${key}:\n${levels.map((line) => `  ${line}`).join('\n')}\n`;
    // [where, files, arguments, the code of that file's YAML errors]
    const placements: [string, Record<string, string>, string[], string][] = [
      ['project.yml', { 'project.yml': `name: demo\nprofile: demo\n${bomb('vars')}` }, [], 'TSDBT1002'],
      ['profiles.yml', { 'profiles.yml': `${PROFILE}${bomb('bomb')}` }, [], 'TSDBT1002'],
      ['a property file', { 'models/schema.yml': `version: 2\n${bomb('bomb')}` }, [], 'TSDBT1009'],
      ['--vars', {}, ['--vars', `{${levels.join(', ')}}`], 'TSDBT1007'],
    ];
    for (const [where, files, args, code] of placements) {
      const { cli } = project({ 'models/m.sql': 'select 1\n', ...files });
      const started = Date.now();
      const result = await cli(['compile', ...args], 30_000);
      expect([where, result.code]).toEqual([where, 2]);
      expectCoded(result, code, 2);
      expect(result.stdout + result.stderr, where).toMatch(/alias/i);
      expect(Date.now() - started, where).toBeLessThan(20_000);
    }
    recordFigure(task, {
      section: 'fuzz',
      subject: 'a YAML alias bomb (9 levels of 9 aliases) in project.yml, profiles.yml, a property file and `--vars`',
      count: placements.length,
      unit: 'inputs tried',
      outcome:
        "refused within seconds, exit 2, with the file's YAML error naming the aliases (TSDBT1002; TSDBT1009 for the property file, TSDBT1007 for --vars)",
    });
  }, 120_000);

  it('durations past the timer limit are refused with the maximum (item 13)', async ({ task }) => {
    const { cli } = project({
      'models/sources.yml': [
        'sources:',
        '  - name: api',
        '    tables:',
        '      - name: slow',
        '        ingest:',
        '          url: "http://127.0.0.1:9/x.json"',
        '          schedule: 25d',
        '          timeout: 30d',
        '',
      ].join('\n'),
    });
    const result = await cli(['ingest', '--watch'], 30_000);
    // Ingest reports a source's config error as that source failing (exit 1), before any wait starts.
    expectCoded(result, 'TSDBT5003', 1);
    expect(result.stderr).toContain('longer than the longest duration');
    expect(result.stderr).toContain('schedule');
    expect(result.stderr).toContain('timeout');
    recordFigure(task, {
      section: 'fuzz',
      subject: '`schedule: 25d` and `timeout: 30d`',
      count: 2,
      unit: 'inputs tried',
      outcome: 'each refused with TSDBT5003 naming the maximum',
    });
  }, 60_000);

  it('profiles.yml that is a folder, a model linked to /dev/zero, a FIFO model: TSDBT1801 (item 15)', async ({ task }) => {
    const folder = project({ 'models/m.sql': 'select 1\n', 'profiles.yml': '' });
    removeProject(path.join(folder.dir, 'profiles.yml'));
    mkdirSync(path.join(folder.dir, 'profiles.yml'));
    expectCoded(await folder.cli(['compile']), 'TSDBT1801', 2);

    const zero = project({ 'models/m.sql': 'select 1\n' });
    symlinkSync('/dev/zero', path.join(zero.dir, 'models', 'zero.sql'));
    expectCoded(await zero.cli(['compile'], 30_000), 'TSDBT1801', 2);

    const fifo = project({ 'models/m.sql': 'select 1\n' });
    execFileSync('mkfifo', [path.join(fifo.dir, 'models', 'pipe.sql')]);
    expectCoded(await fifo.cli(['compile'], 30_000), 'TSDBT1801', 2);
    recordFigure(task, {
      section: 'fuzz',
      subject: 'project files that are a folder, a link to /dev/zero, a FIFO',
      count: 3,
      unit: 'inputs tried',
      outcome: 'each refused with TSDBT1801 at once (only regular files up to 256 MiB are read)',
    });
  }, 120_000);

  it('Jinja nested 5,000 deep: TSDBT2802 (item 15)', async ({ task }) => {
    const { cli } = project({ 'models/deep.sql': `select ${'{% if true %}'.repeat(5_000)}1${'{% endif %}'.repeat(5_000)}\n` });
    const result = await cli(['compile']);
    expectCoded(result, 'TSDBT2802', 2);
    expect(result.stderr).toContain('models/deep.sql');
    recordFigure(task, { section: 'fuzz', subject: 'Jinja nested 5,000 deep', count: 1, unit: 'input tried', outcome: 'TSDBT2802 naming the file' });
  }, 60_000);

  it('show --limit 1e99 is refused before anything is sent (item 15)', async ({ task }) => {
    const { cli } = project({ 'models/m.sql': 'select 1 as x\n' });
    for (const limit of ['1e99', '0x10', '1.0', '99999999999999999999']) {
      const result = await cli(['show', '--select', 'm', '--limit', limit]);
      expectCoded(result, 'TSDBT1008', 2);
    }
    recordFigure(task, {
      section: 'fuzz',
      subject: '`show --limit` 1e99, 0x10, 1.0, 20 digits',
      count: 4,
      unit: 'inputs tried',
      outcome: 'each refused with TSDBT1008 before a query is sent',
    });
  }, 60_000);

  it('seed integers above Int64 keep every digit (item 15)', async ({ task }) => {
    const { dir, cli } = project({
      'seeds/big.csv':
        'u,i,w\n9223372036854775808,-170141183460469231731687303715884105728,123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890\n1,2,3\n',
    });
    const result = await cli(['seed']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const rows = await withChdb(dir, (adapter) =>
      adapter.query<Record<string, string>>(
        'SELECT toString(u) AS us, toTypeName(u) AS ut, toString(i) AS is, toTypeName(i) AS it, toString(w) AS ws FROM hostile.big ORDER BY u DESC LIMIT 1',
      ),
    );
    expect(rows).toEqual([
      {
        us: '9223372036854775808',
        ut: 'Int128',
        is: '-170141183460469231731687303715884105728',
        it: 'Int128',
        ws: '123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890',
      },
    ]);
    recordFigure(task, {
      section: 'fuzz',
      subject: 'seed integers above Int64 (Int128 twice, 90 digits)',
      count: 3,
      unit: 'columns',
      outcome: 'every digit kept (Int128, Int128, text)',
    });
  }, 60_000);
});
