/**
 * Secrets never leave tsdbt: canary values for a profile password (from env_var, and inside a
 * server `url`), an ingest URL's `user:password@` and `?api_key=`, and an ingest header token are
 * used by real commands (ingest and run on chDB, run/debug/show/compile against servers that
 * refuse or cannot be reached, docs generate, ls), in text, JSON and --debug output. Then every
 * output is searched for them: stdout and stderr of every command, logs/ (the log file), and every
 * file under target/ (manifest, run_results, catalog, compiled SQL, the docs site).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsdbt } from '../e2e/example-project.js';
import { removeProject, writeProject, type CliResult } from '../support/cli.js';
import { ASTROS, replies, startFakeApi, type FakeApi } from '../support/fake-api.js';
import { tempHomeDir } from '../support/home.js';
import { CLOSED_PORT } from '../support/clickhouse-server.js';
import { recordFigure } from '../support/reliability-figures.js';

const CANARIES = {
  TSDBT_CANARY_PASSWORD: 'pw-canary-7f3a91',
  TSDBT_CANARY_SERVER_URL_PASSWORD: 'srvpass-canary-42d0',
  TSDBT_CANARY_TOKEN: 'token-canary-c0de77',
  TSDBT_CANARY_API_KEY: 'apikey-canary-5e5e12',
};
/** Written literally into the source's YAML, as people do. */
const URL_PASSWORD = 'urlpass-canary-91b2c4';
const ALL = [...Object.values(CANARIES), URL_PASSWORD];

let dir: string;
let home: string;
let api: FakeApi;
let refusing: FakeApi;
const outputs: { what: string; text: string }[] = [];

function files(apiUrl: string, refusingUrl: string): Record<string, string> {
  const { host } = new URL(apiUrl);
  return {
    'project.yml': 'name: sec\nprofile: sec\n',
    'profiles.yml': [
      'sec:',
      '  target: dev',
      '  outputs:',
      '    dev: {type: chdb}',
      '    server:',
      '      type: clickhouse',
      '      host: 127.0.0.1',
      `      port: ${CLOSED_PORT}`,
      '      user: canary_user',
      '      password: "{{ env_var(\'TSDBT_CANARY_PASSWORD\') }}"',
      '      connect_timeout: 1',
      '      retries: 0',
      '    refusing:',
      '      type: clickhouse',
      `      url: "http://canary_user:{{ env_var('TSDBT_CANARY_SERVER_URL_PASSWORD') }}@${new URL(refusingUrl).host}"`,
      '      connect_timeout: 2',
      '      retries: 0',
      '',
    ].join('\n'),
    'models/sources.yml': [
      'sources:',
      '  - name: api',
      '    tables:',
      '      - name: with_basic_auth',
      '        ingest:',
      `          url: "http://canary_user:${URL_PASSWORD}@${host}/basic.json?api_key={{ env_var('TSDBT_CANARY_API_KEY') }}"`,
      '          retries: {max_attempts: 2, initial_delay: 10ms, max_delay: 10ms}',
      '          before_run: true',
      '      - name: with_token',
      '        ingest:',
      `          url: "http://${host}/token.json"`,
      '          headers: {Authorization: "Bearer {{ env_var(\'TSDBT_CANARY_TOKEN\') }}"}',
      '          retries: {max_attempts: 2, initial_delay: 10ms, max_delay: 10ms}',
      '          before_run: true',
      '',
    ].join('\n'),
    'models/people.sql': "select JSONExtractInt(payload, 'number') as n from {{ source('api', 'with_token') }}\n",
    // What a model can see of the target: never the password.
    'models/target_info.sql': "select '{{ target.user }}' as u, '{{ target.password }}' as p, '{{ target | string | replace(\"'\", \"\") }}' as t\n",
  };
}

beforeAll(async () => {
  [api, refusing] = await Promise.all([startFakeApi(), startFakeApi()]);
  api.fallback('/basic.json', replies.ok(ASTROS));
  api.fallback('/token.json', replies.ok(ASTROS));
  // A server that refuses the login and, carelessly, quotes the password back in its error.
  const refusal = replies.status(
    403,
    `Code: 516. DB::Exception: canary_user: Authentication failed: password ${CANARIES.TSDBT_CANARY_SERVER_URL_PASSWORD} is incorrect. (AUTHENTICATION_FAILED) (version 24.8.1.1)`,
  );
  refusing.fallback('/', refusal);
  refusing.fallback('/ping', replies.ok('Ok.\n'));
  dir = writeProject(files(api.url('/'), refusing.url('/')), 'tsdbt-secrets-');
  home = tempHomeDir();
});
afterAll(async () => {
  await Promise.all([api?.close(), refusing?.close()]);
  if (dir) removeProject(dir);
  if (home) removeProject(home);
});

async function run(args: string[]): Promise<CliResult> {
  const result = await tsdbt(dir, home, args, CANARIES);
  outputs.push({ what: `tsdbt ${args.join(' ')} (stdout)`, text: result.stdout }, { what: `tsdbt ${args.join(' ')} (stderr)`, text: result.stderr });
  return result;
}

function filesUnder(folder: string): string[] {
  const root = path.join(dir, folder);
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at)) {
      const full = path.join(at, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(root);
  return out;
}

describe('secrets in every output path', () => {
  it('the canaries are used: sent to the APIs, and read from the profile', async () => {
    const ingested = await run(['ingest', '--debug']);
    expect(ingested.code, ingested.stderr).toBe(0);
    const token = api.requests.find((request) => request.path === '/token.json');
    expect(token?.headers.authorization).toBe(`Bearer ${CANARIES.TSDBT_CANARY_TOKEN}`);
    // fetch refuses URLs with credentials: they go as a Basic Authorization header.
    const basic = api.requests.find((request) => request.path === '/basic.json');
    expect(basic?.headers.authorization).toBe(`Basic ${Buffer.from(`canary_user:${URL_PASSWORD}`).toString('base64')}`);
    const landed = await run(['show', '--inline', "select _source_url from {{ source('api', 'with_basic_auth') }}", '--output', 'json']);
    expect(JSON.parse(landed.stdout)).toEqual({ show: [{ _source_url: `${api.url('/basic.json').replace('http://', 'http://***@')}?api_key=***` }] });
  });

  it('commands that succeed, and commands that fail on the password, say nothing secret', async ({ task }) => {
    const runs: [string[], number][] = [
      [['run', '--debug'], 0],
      [['run', '--log-format', 'json', '--log-level', 'debug'], 0],
      [['show', '--inline', "select * from {{ ref('target_info') }}", '--output', 'json'], 0],
      [['compile', '--target', 'server', '--select', 'target_info', '--debug'], 0],
      [['ls', '--output', 'json', '--resource-type', 'all'], 0],
      [['docs', 'generate'], 0],
      [['run', '--target', 'server', '--debug'], 3],
      [['debug', '--target', 'server'], 3],
      [['run', '--target', 'refusing', '--debug'], 3],
      [['debug', '--target', 'refusing', '--log-format', 'json', '--log-level', 'debug'], 3],
    ];
    for (const [args, code] of runs) {
      const result = await run(args);
      expect(result.code, `tsdbt ${args.join(' ')}\n${result.stderr}`).toBe(code);
    }
    // The refusing server's quoted password reached tsdbt, and was cut.
    expect(outputs.find((output) => output.what.startsWith('tsdbt run --target refusing') && output.what.endsWith('(stderr)'))?.text).toMatch(
      /Authentication failed: password \*{4} is incorrect/,
    );

    for (const file of [...filesUnder('logs'), ...filesUnder('target')]) outputs.push({ what: path.relative(dir, file), text: readFileSync(file, 'latin1') });
    expect(outputs.some((output) => output.what.startsWith('target/index.html'))).toBe(true);
    expect(outputs.some((output) => output.what === 'logs/tsdbt.log')).toBe(true);

    const leaks = outputs.flatMap((output) => ALL.filter((canary) => output.text.includes(canary)).map((canary) => `${canary} in ${output.what}`));
    expect(leaks).toEqual([]);
    recordFigure(task, {
      section: 'security',
      subject: `canary secrets (a profile password from env_var, a password in a server url, an ingest URL's user:password@ and api_key, an ingest header token) through ${runs.length + 1} commands`,
      count: outputs.length,
      unit: 'outputs searched (stdout, stderr, log file, every file under target/)',
      outcome: 'no canary in any of them',
    });
  });
});
