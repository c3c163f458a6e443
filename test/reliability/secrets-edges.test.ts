/**
 * Secret leaks found by attacking the CLI (issue 20, items 7-10), through the built CLI:
 *   - `docs serve` answers only for the generated site's own files, never dotfiles or what else
 *     lies in the target folder, and only to a loopback Host header (DNS rebinding); so does the
 *     ingest metrics endpoint;
 *   - ingest headers and URL credentials never follow a redirect to another origin (or the
 *     redirect is refused), and non-HTTP(S) redirects are never followed;
 *   - every query-parameter value is masked in the console, the log file and `_source_url`;
 *   - `DBT_ENV_SECRET_` / `TSDBT_ENV_SECRET_` variables work in profiles and ingest blocks, are
 *     refused in models, and never appear in any output.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/ingest/metrics.js';
import { tsdbt, withChdb } from '../e2e/example-project.js';
import { removeProject, writeProject } from '../support/cli.js';
import { startServe } from '../docs/docs-helpers.js';
import { ASTROS, replies, startFakeApi, type FakeApi } from '../support/fake-api.js';
import { tempHomeDir } from '../support/home.js';
import { recordFigure } from '../support/reliability-figures.js';

const made: string[] = [];
const apis: FakeApi[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) removeProject(dir);
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

function project(files: Record<string, string>) {
  const dir = writeProject(
    {
      'project.yml': 'name: demo\nprofile: demo\n',
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev: {type: chdb, schema: sec, threads: 1}\n',
      ...files,
    },
    'tsdbt-sec-',
  );
  const home = tempHomeDir();
  made.push(dir, home);
  return { dir, home, cli: (args: string[], env: Record<string, string> = {}) => tsdbt(dir, home, args, env) };
}

async function api(): Promise<FakeApi> {
  const started = await startFakeApi();
  apis.push(started);
  return started;
}

/** GET with a chosen Host header (fetch cannot set one). */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: host === undefined ? {} : { host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

function allFiles(root: string): string[] {
  const out: string[] = [];
  if (!existsSync(root)) return out;
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

describe('docs serve and the metrics endpoint (item 7)', () => {
  it('serves only the generated site, never other files of the target folder, and only to a loopback Host', async ({ task }) => {
    const { dir, home, cli } = project({ 'models/people.sql': 'select 1 as id\n' });
    expect((await cli(['docs', 'generate'])).code).toBe(0);
    const target = path.join(dir, 'target');
    writeFileSync(path.join(target, '.env'), 'PASSWORD=dotfile-canary\n');
    writeFileSync(path.join(target, 'notes.txt'), 'stray-canary\n');
    mkdirSync(path.join(target, 'docs', 'extra'), { recursive: true });
    writeFileSync(path.join(target, 'docs', 'extra', 'x.js'), 'stray-canary\n');
    symlinkSync(path.join(dir, 'profiles.yml'), path.join(target, 'profiles-link.yml'));
    const server = await startServe(dir, home);
    try {
      expect((await get(server.url)).status).toBe(200);
      expect((await get(`${server.url}docs/data/graph.js`)).status).toBe(200);
      expect((await get(`${server.url}index.html`, 'localhost')).status).toBe(200);
      for (const file of ['.env', 'notes.txt', 'docs/extra/x.js', 'profiles-link.yml', 'run_results.json', 'partial_parse.msgpack', '%2eenv']) {
        const reply = await get(`${server.url}${file}`);
        expect(reply.status, file).toBe(404);
        expect(reply.body).not.toContain('canary');
      }
      // DNS rebinding: a page at evil.example re-pointed at 127.0.0.1.
      const port = new URL(server.url).port;
      for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`])
        expect((await get(server.url, host)).status, host).toBe(403);
    } finally {
      await server.stop();
    }
    recordFigure(task, {
      section: 'security',
      subject: '`docs serve` asked for dotfiles, stray files, a link to profiles.yml, artifacts, and with foreign Host headers',
      count: 10,
      unit: 'requests',
      outcome: "stray files 404, foreign Hosts 403; only the site's own files served",
    });
  }, 120_000);

  it('the metrics endpoint answers only to a loopback Host', async () => {
    const { Registry } = await import('prom-client');
    const server = await startMetricsServer(0, new Registry());
    try {
      expect((await get(server.url)).status).toBe(200);
      expect((await get(server.url, `evil.example:${server.port}`)).status).toBe(403);
    } finally {
      await server.close();
    }
  });
});

function ingestProject(table: string, ingest: string[], extraFiles: Record<string, string> = {}) {
  return project({
    'models/sources.yml': [
      'sources:',
      '  - name: api',
      '    tables:',
      `      - name: ${table}`,
      '        ingest:',
      ...ingest.map((line) => `          ${line}`),
      '',
    ].join('\n'),
    ...extraFiles,
  });
}

describe('ingest redirects (item 8)', () => {
  it('configured headers and URL credentials are not sent to another origin', async ({ task }) => {
    const [first, other] = [await api(), await api()];
    first.fallback('/data.json', replies.status(302, '', { location: other.url('/moved.json') }));
    other.fallback('/moved.json', replies.ok(ASTROS));
    const { cli } = ingestProject('moved', [
      `url: "${first.url('/data.json').replace('http://', 'http://user:urlpass-canary@')}"`,
      'headers: {X-Api-Key: header-canary}',
      'retries: {max_attempts: 1}',
    ]);
    const result = await cli(['ingest']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(first.requests[0]!.headers['x-api-key']).toBe('header-canary');
    const sent = other.requests[0]!;
    expect(sent.headers['x-api-key']).toBeUndefined();
    expect(sent.headers.authorization).toBeUndefined();
    recordFigure(task, {
      section: 'security',
      subject: 'an ingest source with an API-key header and URL credentials redirected to another origin',
      count: 1,
      unit: 'redirect',
      outcome: 'neither the header nor the credentials reached the other origin',
    });
  }, 120_000);

  it('cross_origin_redirects: refuse fails at once with a coded error; a file: redirect is never followed', async ({ task }) => {
    const [first, other] = [await api(), await api()];
    first.fallback('/cross.json', replies.status(302, '', { location: other.url('/x.json') }));
    first.fallback('/file.json', replies.status(302, '', { location: 'file:///etc/passwd' }));
    first.fallback('/loop.json', replies.status(302, '', { location: first.url('/loop.json') }));
    const retries = 'retries: {max_attempts: 3, initial_delay: 10ms, max_delay: 10ms}';
    const cases: [string, string[]][] = [
      ['cross', [`url: "${first.url('/cross.json')}"`, 'headers: {X-Api-Key: k}', 'cross_origin_redirects: refuse', retries]],
      ['file', [`url: "${first.url('/file.json')}"`, retries]],
      ['loop', [`url: "${first.url('/loop.json')}"`, retries]],
    ];
    for (const [name, ingest] of cases) {
      const { cli } = ingestProject(name, ingest);
      const before = first.requests.length;
      const result = await cli(['ingest']);
      expect(result.code, name).not.toBe(0);
      expect(result.stdout + result.stderr, name).toContain('TSDBT5801');
      // Not retried: one attempt (the loop: its one redirect hop).
      expect(first.requests.length - before, name).toBe(name === 'loop' ? 1 : 1);
    }
    expect(other.requests).toEqual([]);
    recordFigure(task, {
      section: 'security',
      subject: 'redirects to another origin (refuse), to file:, and in a loop',
      count: 3,
      unit: 'redirects',
      outcome: 'each refused with TSDBT5801 after one request, never retried',
    });
  }, 120_000);
});

describe('query parameters (item 9)', () => {
  it('every query value is masked in the console, the log and _source_url; names kept; redact_query: false opts out', async ({ task }) => {
    const server = await api();
    server.fallback('/q.json', replies.ok(ASTROS));
    const url = server.url('/q.json?appid=appid-canary&private_token=token-canary&city=Paris');
    const { dir, cli } = ingestProject('q', [`url: "${url}"`, 'retries: {max_attempts: 1}']);
    const result = await cli(['ingest', '--log-level', 'debug']);
    expect(result.code, result.stderr).toBe(0);
    const log = readFileSync(path.join(dir, 'logs', 'tsdbt.log'), 'utf8');
    for (const text of [result.stdout, result.stderr, log]) {
      expect(text).not.toContain('canary');
      expect(text).not.toContain('Paris');
    }
    const rows = await withChdb(dir, (adapter) => adapter.query<{ _source_url: string }>('SELECT _source_url FROM api.q'));
    expect(rows.map((row) => row._source_url)).toEqual([server.url('/q.json?appid=***&private_token=***&city=***')]);

    const optOut = ingestProject('q', [`url: "${server.url('/q.json?city=Paris&api_key=k-canary')}"`, 'redact_query: false', 'retries: {max_attempts: 1}']);
    expect((await optOut.cli(['ingest'])).code).toBe(0);
    const kept = await withChdb(optOut.dir, (adapter) => adapter.query<{ _source_url: string }>('SELECT _source_url FROM api.q'));
    expect(kept.map((row) => row._source_url)).toEqual([server.url('/q.json?city=Paris&api_key=***')]);
    recordFigure(task, {
      section: 'security',
      subject: 'query parameters with unlisted secret names (`appid`, `private_token`)',
      count: 3,
      unit: 'outputs searched (console, log, `_source_url`)',
      outcome: 'every value masked, names kept; `redact_query: false` opted out',
    });
  }, 120_000);
});

describe('DBT_ENV_SECRET_ variables (item 10)', () => {
  const SECRET = 'env-secret-canary-93ab';

  it('a model reading one is refused with a coded error naming the file; nothing written holds the value', async ({ task }) => {
    const { dir, cli } = project({ 'models/leaky.sql': "select '{{ env_var('DBT_ENV_SECRET_TOKEN') }}' as t\n" });
    const result = await cli(['run'], { DBT_ENV_SECRET_TOKEN: SECRET });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TSDBT2801');
    expect(result.stderr).toContain('models/leaky.sql');
    const outputs = [
      result.stdout,
      result.stderr,
      ...['logs', 'target'].flatMap((folder) => allFiles(path.join(dir, folder)).map((file) => readFileSync(file, 'utf8'))),
    ];
    for (const text of outputs) expect(text).not.toContain(SECRET);
    recordFigure(task, {
      section: 'security',
      subject: 'a model reading `DBT_ENV_SECRET_TOKEN`',
      count: 1,
      unit: 'model',
      outcome: 'refused with TSDBT2801; the value in no output or file',
    });
  }, 120_000);

  it('profiles and ingest blocks may read them, and their values are scrubbed from every output', async ({ task }) => {
    const server = await api();
    server.fallback('/s.json', replies.ok(ASTROS));
    const { dir, cli } = ingestProject(
      's',
      [
        `url: "${server.url('/s.json')}"`,
        'headers: {Authorization: "Bearer {{ env_var(\'TSDBT_ENV_SECRET_API\') }}"}',
        'before_run: true',
        'retries: {max_attempts: 1}',
      ],
      {
        'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev: {type: chdb, schema: "{{ env_var(\'DBT_ENV_SECRET_SCHEMA\') }}", threads: 1}\n',
        'models/people.sql': "select JSONExtractInt(payload, 'number') as n from {{ source('api', 's') }}\n",
      },
    );
    const env = { TSDBT_ENV_SECRET_API: SECRET, DBT_ENV_SECRET_SCHEMA: 'secretschema' };
    const outputs: string[] = [];
    for (const args of [['run', '--log-level', 'debug'], ['docs', 'generate'], ['ls']]) {
      const result = await cli(args, env);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      outputs.push(result.stdout, result.stderr);
    }
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    outputs.push(...['logs', 'target'].flatMap((folder) => allFiles(path.join(dir, folder)).map((file) => readFileSync(file, 'utf8'))));
    for (const text of outputs) expect(text).not.toContain(SECRET);
    recordFigure(task, {
      section: 'security',
      subject: 'a `TSDBT_ENV_SECRET_` header and a `DBT_ENV_SECRET_` profile value through run, docs generate and ls',
      count: outputs.length,
      unit: 'outputs searched',
      outcome: 'the header was sent; the value appeared in none of them',
    });
  }, 120_000);
});
