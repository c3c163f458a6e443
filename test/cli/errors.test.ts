/**
 * Errors through the CLI: code, message, file:line and hint on stderr, the documented exit code,
 * nothing on stdout, and no stack trace unless --debug.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { removeProject, runCli, writeProject, type CliResult } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';

const dirs: string[] = [];
const home = tempHomeDir();
dirs.push(home);
afterAll(() => dirs.forEach(removeProject));

function project(files: Record<string, string>): string {
  const dir = writeProject({ 'project.yml': 'name: demo\nprofile: demo\n', ...files }, 'tsdbt-cli-errors-');
  dirs.push(dir);
  return dir;
}

function cli(dir: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(args, { cwd: dir, env: { HOME: home, ...env } });
}

/** A stack trace line, as Node prints them. */
const STACK = /^\s+at .+\(?.*:\d+:\d+\)?$/m;

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('configuration and project errors: exit 2', () => {
  it('bad YAML in project.yml', async () => {
    const dir = project({ 'project.yml': 'name: demo\nmodels:\n  demo:\n    +materialized: [view\n', 'models/a.sql': 'select 1' });
    const result = await cli(dir, ['run']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [first, where, hint] = result.stderr.split('\n');
    expect(first).toMatch(/^Error TSDBT1002: project\.yml is not valid YAML: /);
    expect(where).toMatch(/^ {2}--> project\.yml:\d$/);
    expect(hint).toMatch(/^ {2}hint: Add the closing \]/);
    expect(result.stderr).not.toMatch(STACK);
  });

  it('a target/ that cannot be written: which path and why, no stack trace', async () => {
    const dir = project({ 'models/staging/people.sql': 'select 1 as id' });
    // A file where compile must make the folder target/compiled/demo.
    mkdirSync(path.join(dir, 'target', 'compiled'), { recursive: true });
    writeFileSync(path.join(dir, 'target', 'compiled', 'demo'), 'not a folder');
    const result = await cli(dir, ['compile']);
    expect(result.code).toBe(2);
    const folder = path.join(dir, 'target', 'compiled', 'demo', 'models', 'staging');
    expect(result.stderr).toBe(
      [
        `Error TSDBT1014: tsdbt could not create the folder ${folder}: a part of the path is a file, not a folder (ENOTDIR).`,
        "  hint: Check that this user can write the project's target-path and logs, that no file stands where a folder should be, and that the disk has room; `tsdbt clean` removes target/.",
        '',
      ].join('\n'),
    );
  });

  it('an unknown ref, with did-you-mean, for run and compile alike', async () => {
    const dir = project({ 'models/people.sql': 'select 1 as id', 'models/marts/per_craft.sql': "select count()\nfrom {{ ref('peple') }}" });
    const expected = [
      "Error TSDBT2003: Model 'per_craft' refers to 'peple', but no model or seed has that name. Did you mean 'people'?",
      '  --> models/marts/per_craft.sql:2',
      '  hint: Check the spelling, or create models/peple.sql.',
      '',
    ].join('\n');
    for (const command of ['run', 'compile', 'ls']) {
      const result = await cli(dir, [command]);
      expect({ command, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ command, code: 2, stdout: '', stderr: expected });
    }
  });

  it('every broken file at once', async () => {
    const dir = project({ 'models/a.sql': "select * from {{ ref('b') }}", 'models/b.sql': "select * from {{ ref('a') }}", 'models/c.sql': 'select {{ 1 + }}' });
    const result = await cli(dir, ['compile']);
    expect(result.code).toBe(2);
    expect(result.stderr.match(/^Error TSDBT\d{4}/gm)).toEqual(['Error TSDBT2001', 'Error TSDBT3001']);
    expect(result.stderr).toContain('Error TSDBT3001: Found a dependency cycle: a > b > a.\n  --> models/a.sql:1\n');
  });

  it('a missing environment variable in profiles.yml, at its line', async () => {
    const dir = project({
      'models/a.sql': 'select 1',
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: clickhouse\n      password: "{{ env_var(\'CLICKHOUSE_PASSWORD\') }}"\n',
    });
    const result = await cli(dir, ['run'], { CLICKHOUSE_PASSWORD: undefined });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        "Error TSDBT1006: Environment variable 'CLICKHOUSE_PASSWORD' is not set, and env_var('CLICKHOUSE_PASSWORD') gives no default.",
        '  --> profiles.yml:6',
        "  hint: Export CLICKHOUSE_PASSWORD before running tsdbt, or write env_var('CLICKHOUSE_PASSWORD', 'default').",
        '',
      ].join('\n'),
    );
  });

  it('tsdbt debug reports a broken configuration as a failed check, with its hint', async () => {
    const dir = project({ 'models/a.sql': 'select 1', 'profiles.yml': 'demo:\n  outputs:\n    dev: {type: chdbb}\n' });
    const result = await cli(dir, ['debug']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ {2}project and profile: \[ERROR\]\n/);
    expect(result.stderr).toContain(
      "Error TSDBT1003: profiles.yml: `demo.outputs.dev.type` must be 'chdb' (embedded) or 'clickhouse' (a server), but it is string \"chdbb\". Did you mean 'chdb'?\n  --> profiles.yml:3\n",
    );
    expect(result.stderr).not.toMatch(STACK);
  });

  it('bad usage', async () => {
    const dir = project({ 'models/a.sql': 'select 1' });
    const threads = await cli(dir, ['run', '--threads', 'many']);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toMatch(/^Error TSDBT1008: --threads must be a whole number from 1 to 256, but it is 'many'\.\n/);
    const unknown = await cli(dir, ['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown command 'frobnicate'");
    const vars = await cli(dir, ['compile', '--vars', '[1, 2]']);
    expect(vars.code).toBe(2);
    expect(vars.stderr).toMatch(/^Error TSDBT1007: --vars must be a YAML mapping/);
  });

  it('--debug adds the stack trace', async () => {
    const dir = project({ 'models/a.sql': "select * from {{ ref('nope') }}" });
    const result = await cli(dir, ['compile', '--debug']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Error TSDBT2003: /m);
    expect(result.stderr).toMatch(STACK);
  });
});

describe('database errors', () => {
  it('a SQL syntax error in a model: exit 1, the model and its file named, no stack trace', async () => {
    const dir = project({ 'models/good.sql': 'select 1 as x', 'models/bad.sql': "select x,\nfrom {{ ref('good') }} where" });
    const result = await cli(dir, ['run']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /Failure in model bad \(models\/bad\.sql\)\n.*TSDBT4002:? ClickHouse rejected the model at models\/bad\.sql:2:\d+, line 2 of target\/compiled\/demo\/models\/bad\.sql .*SYNTAX_ERROR/,
    );
    expect(result.stderr).toMatch(/compiled (SQL|code) at target\/compiled\/demo\/models\/bad\.sql/);
    expect(result.stderr).not.toMatch(STACK);
  });

  it('an unreachable server: exit 3 quickly, with the address and a hint', async () => {
    const port = await closedPort();
    const dir = project({
      'models/a.sql': 'select 1',
      'profiles.yml': `demo:\n  outputs:\n    dev:\n      type: clickhouse\n      host: 127.0.0.1\n      port: ${port}\n      connect_timeout: 2\n`,
    });
    const started = Date.now();
    const result = await cli(dir, ['run']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      [
        `Error TSDBT4001: Could not connect to ClickHouse at 127.0.0.1:${port}: the connection was refused (nothing listens on that port) (ECONNREFUSED).`,
        '  hint: Check that the server is running and that `host`, `port` and `secure` in profiles.yml are right; `tsdbt debug` tests the connection.',
      ].join('\n'),
    );
    expect(result.stderr).not.toMatch(STACK);
    const debug = await cli(dir, ['debug']);
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/: \[ERROR\]\nError TSDBT4001: Could not connect to ClickHouse at 127\.0\.0\.1:\d+/);
  });

  it('the embedded database locked by another process: exit 3, saying who holds it', async () => {
    const dir = project({ 'models/a.sql': 'select 1' });
    const holder = await connect({ type: 'chdb', name: 'dev', schema: 'demo', threads: 1, settings: {}, path: path.join(dir, '.tsdbt', 'chdb') });
    let result: CliResult;
    try {
      result = await cli(dir, ['run']);
    } finally {
      await holder.close();
    }
    expect(result.code).toBe(3);
    // The lock file (src/adapter/engine-lock.ts) names the holder: this test process, a program using tsdbt as a library.
    expect(result.stderr).toMatch(
      new RegExp(
        `Error TSDBT4003: Another tsdbt process \\(pid ${process.pid}, \`node [^\`]*\`, since [^)]+\\) holds the embedded database at \\.tsdbt/chdb, so this command did not open it\\.\n` +
          '  hint: Wait for it to finish \\(or stop it\\) and run this command again, or point this target at another `path` in profiles\\.yml\\.',
      ),
    );
    expect(result.stderr).not.toMatch(STACK);
    // Once the other process lets go, the same command works.
    expect((await cli(dir, ['run'])).code).toBe(0);
  });
});
