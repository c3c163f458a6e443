/**
 * The example project end to end on a real ClickHouse server (Debian's 18.16.1 in CI) and on chDB:
 * `tsdbt debug` and `tsdbt run --target server`, the old-server fallbacks (double RENAME instead of
 * EXCHANGE TABLES, temp view + RENAME instead of CREATE OR REPLACE VIEW, visitParamExtract* instead
 * of JSONExtract*), identical rows on both targets, and a wrong password that fails fast without
 * ever showing a password. Runs the built CLI (`npm run build` first); skipped without CLICKHOUSE_URL.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { quoteIdentifier } from '../../src/core/sql-literals.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import type { Target } from '../../src/config/target.js';
import { REPO_ROOT, removeProject, runCli, writeProject, type CliResult } from '../support/cli.js';
import { SERVER_SKIP_REASON, serverTarget, serverUrl, skipServerTests, testDatabase } from '../support/clickhouse-server.js';

const suite = (name: string): string => (skipServerTests ? `${name} (skipped: ${SERVER_SKIP_REASON})` : name);
if (skipServerTests) console.warn(`test/e2e/server.test.ts: skipped. ${SERVER_SKIP_REASON}.`);

/** A password that must never be printed or written anywhere. */
const CANARY = 'canary-Pa55w0rd-9f3e1c';

/** One landed reply of the astros API, with a quote and non-ASCII text to keep the JSON paths honest. */
const PAYLOAD = JSON.stringify({
  message: 'success',
  number: 4,
  people: [
    { name: 'Oleg Kononenko', craft: 'ISS' },
    { name: 'Li "Q" Cong', craft: 'Tiangong' },
    { name: 'Юрий', craft: 'ISS' },
    { name: 'Ye Guangfu', craft: 'Tiangong' },
  ],
});
const LANDED_AT = '2026-01-02 03:04:05';

/** The queries compared across targets; timestamps as text, since 18.16 lands DateTime where chDB has DateTime64. */
const COMPARED = {
  people: "select craft, name, toString(toDateTime(snapshot_at)) as snapshot_at from {{ ref('people') }} order by craft, name",
  people_per_craft: "select craft, people from {{ ref('people_per_craft') }} order by craft",
  people_summary: "select total_people, crafts, toString(toDateTime(as_of)) as as_of from {{ ref('people_summary') }}",
  // Filled by a materialized view as replies land; distinct, since a rebuild may backfill rows a merge has not deduplicated yet.
  people_history: "select distinct craft, name, toString(toDateTime(snapshot_at)) as snapshot_at from {{ ref('people_history') }} order by craft, name",
};

describe.skipIf(skipServerTests)(suite('the example project on a real server and on chDB'), () => {
  const schema = testDatabase('tsdbt_e2e');
  const sourceSchema = `${schema}_src`;
  const password = skipServerTests ? '' : serverTarget().password;
  let dir: string;
  const outputs: CliResult[] = [];

  const cli = async (args: string[], env: Record<string, string> = {}): Promise<CliResult> => {
    // The example ingests before each run: point it at a closed loopback port (tests never reach the internet).
    const result = await runCli(args, {
      cwd: dir,
      env: { CLICKHOUSE_PASSWORD: password, ASTROS_URL: 'http://127.0.0.1:1/astros.json', ...env },
      timeoutMs: 60_000,
    });
    outputs.push(result);
    return result;
  };
  const show = async (target: string, sql: string): Promise<unknown[]> => {
    const result = await cli(['show', '--target', target, '--inline', sql, '--limit', '-1', '--output', 'json']);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { show: unknown[] }).show;
  };

  beforeAll(() => {
    const server = serverTarget();
    dir = writeProject({ 'profiles.yml': profiles(server.url, server.user, schema) });
    cpSync(path.join(REPO_ROOT, 'project.yml'), path.join(dir, 'project.yml'));
    cpSync(path.join(REPO_ROOT, 'models'), path.join(dir, 'models'), { recursive: true });
    cpSync(path.join(REPO_ROOT, 'macros'), path.join(dir, 'macros'), { recursive: true });
    // The landing table lives in the source's database: give it one of its own, so test runs never share it.
    const sourcesFile = path.join(dir, 'models', 'sources.yml');
    const sources = readFileSync(sourcesFile, 'utf8');
    const patched = sources.replace(/^(\s*)- name: astro\n/m, (line, indent: string) => `${line}${indent}  schema: ${sourceSchema}\n`);
    expect(patched, 'models/sources.yml declares the source `astro`').not.toBe(sources);
    writeFileSync(sourcesFile, patched);
  });

  afterAll(async () => {
    if (!skipServerTests) {
      const adapter = await connect(serverTarget());
      for (const db of [schema, sourceSchema]) await adapter.execute(`DROP DATABASE IF EXISTS ${quoteIdentifier(db)}`).catch(() => undefined);
      await adapter.close();
    }
    if (dir !== undefined) removeProject(dir);
  });

  it('debug --target server: reachable, authenticated, version with missing features named, can create', async () => {
    const result = await cli(['debug', '--target', 'server']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/reachable: http:\/\/127\.0\.0\.1:\d+ answers \/ping \[OK\]/);
    expect(result.stderr).toMatch(/authenticated: logged in as 'tsdbt', ClickHouse \d+\.\d+/);
    expect(result.stderr).toMatch(new RegExp(`can create: database '${schema}'`));
    expect(result.stderr).toContain('All checks passed!');
    if (/ClickHouse 18\./.test(result.stderr)) {
      expect(result.stderr).toContain('This server lacks EXCHANGE TABLES (ClickHouse 20.10+)');
      expect(result.stderr).toContain('This server lacks JSONExtract* functions');
    }
  });

  it('debug says which check fails and what to fix: nothing listening, a read-only user', async () => {
    const closed = await cli(['debug', '--target', 'closed']);
    expect(closed.code).toBe(3);
    expect(closed.stderr).toContain('reachable: [ERROR]');
    expect(closed.stderr).toContain('Could not connect to ClickHouse at 127.0.0.1:1: the connection was refused');
    expect(closed.stderr).toMatch(/authenticated: skipped: the check before it failed \[SKIP\]/);
    const reader = await cli(['debug', '--target', 'reader']);
    expect(reader.code).toBe(3);
    expect(reader.stderr).toContain("authenticated: logged in as 'reader'");
    expect(reader.stderr).toContain('can create: [ERROR]');
    expect(reader.stderr).toContain(`Cannot create the target database '${schema}_reader': User 'reader' is read-only`);
    expect(reader.stderr).toContain('1 check failed.');
  });

  it('run --target server builds the example twice (the second time over existing relations), leaving no temp relations', async () => {
    const first = await cli(['run', '--target', 'server', '--skip-ingest']);
    expect(first.code, first.stderr).toBe(0);
    await land(serverTarget({ schema }));
    const second = await cli(['run', '--target', 'server', '--skip-ingest', '--debug']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
    const server = await connect(serverTarget());
    try {
      if (!server.capabilities.exchangeTables) {
        // Old server: the table swap is one double RENAME, the view is built aside and renamed in.
        expect(second.stderr).toMatch(
          /RENAME TABLE `[^`]+`\.`people_per_craft` TO `[^`]+`\.`people_per_craft__tsdbt_backup`, `[^`]+`\.`people_per_craft__tsdbt_tmp` TO/,
        );
        expect(second.stderr).toMatch(/RENAME TABLE `[^`]+`\.`people` TO `[^`]+`\.`people__tsdbt_backup`, `[^`]+`\.`people__tsdbt_tmp` TO/);
        expect(second.stderr).not.toMatch(/EXCHANGE TABLES|CREATE OR REPLACE/);
      }
      if (!server.capabilities.jsonExtract) expect(second.stderr).toContain('visitParamExtractString(person, ');
      const relations = (await server.listRelations(schema)).map((relation) => `${relation.name}:${relation.kind}`);
      expect(relations).toEqual(expect.arrayContaining(['people:view', 'people_per_craft:table', 'people_summary:table']));
      expect(relations.filter((name) => name.includes('__tsdbt'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('gives the same rows on the server as on chDB', async () => {
    const chdbRun = await cli(['run', '--target', 'dev', '--skip-ingest']);
    expect(chdbRun.code, chdbRun.stderr).toBe(0);
    await land({ type: 'chdb', name: 'dev', path: path.join(dir, '.tsdbt', 'chdb'), schema, threads: 1, settings: {} });
    const again = await cli(['run', '--target', 'dev', '--skip-ingest']);
    expect(again.code, again.stderr).toBe(0);
    for (const [name, sql] of Object.entries(COMPARED)) {
      if (!existsSync(path.join(dir, 'models', 'staging', `${name}.sql`)) && !existsSync(path.join(dir, 'models', 'marts', `${name}.sql`))) continue;
      const onServer = await show('server', sql);
      const onChdb = await show('dev', sql);
      expect(onServer.length, `${name} has rows`).toBeGreaterThan(0);
      expect(onServer, name).toEqual(onChdb);
    }
    expect(await show('server', COMPARED.people_per_craft)).toEqual([
      { craft: 'ISS', people: 2 },
      { craft: 'Tiangong', people: 2 },
    ]);
    expect(await show('server', COMPARED.people)).toContainEqual({ craft: 'Tiangong', name: 'Li "Q" Cong', snapshot_at: LANDED_AT });
  });

  it('fails on a wrong password in under 5 s, naming user and host but never the password', async () => {
    const port = new URL(serverUrl!).port;
    for (const command of ['run', 'debug']) {
      const started = Date.now();
      const result = await cli([command, '--target', 'server', ...(command === 'run' ? ['--skip-ingest'] : [])], { CLICKHOUSE_PASSWORD: CANARY });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain('TSDBT4004');
      expect(result.stderr).toContain(`refused to log in user 'tsdbt'`);
      expect(result.stderr).toContain(`127.0.0.1:${port}`);
    }
  });

  it('never writes a password to stdout, stderr, target/ or logs/', () => {
    expect(outputs.length).toBeGreaterThan(5);
    const texts = outputs.flatMap((result) => [result.stdout, result.stderr]);
    for (const folder of ['target', 'logs']) texts.push(...filesUnder(path.join(dir, folder)).map((file) => readFileSync(file, 'utf8')));
    expect(texts.length).toBeGreaterThan(outputs.length * 2);
    for (const text of texts) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(password);
    }
  });

  /** Lands PAYLOAD in the example's landing table on `target`, as tsdbt's ingestion would. */
  async function land(target: Target): Promise<void> {
    const adapter: Adapter = await connect(target, { projectDir: dir });
    try {
      await adapter.insert(sourceSchema, 'raw_astros', [
        { payload: PAYLOAD, _hash: 'e2e', _source_url: 'http://127.0.0.1/astros.json', _inserted_at: LANDED_AT },
      ]);
    } finally {
      await adapter.close();
    }
  }
});

function profiles(url: string, user: string, schema: string): string {
  return [
    'astro:',
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: chdb',
    `      schema: ${schema}`,
    '      threads: 2',
    '    server:',
    '      type: clickhouse',
    `      url: ${url}`,
    `      user: ${user}`,
    `      password: "{{ env_var('CLICKHOUSE_PASSWORD') }}"`,
    `      schema: ${schema}`,
    '      threads: 2',
    '      connect_timeout: 2',
    '      send_receive_timeout: 30',
    '    reader:',
    '      type: clickhouse',
    `      url: ${url}`,
    '      user: reader',
    `      password: "{{ env_var('CLICKHOUSE_PASSWORD') }}"`,
    `      schema: ${schema}_reader`,
    '    closed:',
    '      type: clickhouse',
    '      url: http://127.0.0.1:1',
    '      connect_timeout: 2',
    '',
  ].join('\n');
}

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((entry) => {
    const full = path.join(root, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}
