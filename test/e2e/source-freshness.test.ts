/** `tsdbt source freshness` through the CLI on chDB: pass, warn and error, sources.json, source_status:fresher. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, tsdbt } from './example-project.js';
import { projectYml, removeProject, runCli, writeProject } from '../support/cli.js';

const SOURCES = `version: 2
sources:
  - name: app
    schema: loads
    freshness:
      warn_after: {count: 1, period: hour}
      error_after: {count: 1, period: day}
    loaded_at_field: loaded_at
    tables:
      - name: fresh_events
      - name: stale_events
      - name: old_events
      - name: empty_events
      - name: filtered_events
        freshness:
          warn_after: {count: 1, period: hour}
          filter: "kind = 'new'"
      - name: unchecked
        freshness: null
`;
const table = (sql: string) => `{{ config(materialized='table', schema='loads') }}\n${sql}\n`;

let dir: string;
const cli = (args: string[]) => runCli(args, { cwd: dir });

beforeAll(async () => {
  dir = writeProject({
    'project.yml': projectYml('fr', "models:\n  fr:\n    +schema: ''\n"),
    'macros/schema.sql': '{% macro generate_schema_name(custom, node) %}{{ custom | trim if custom else target.schema }}{% endmacro %}\n',
    'models/sources.yml': SOURCES,
    'models/fresh_events.sql': table('select now() - interval 5 minute as loaded_at'),
    'models/stale_events.sql': table('select now() - interval 3 hour as loaded_at'),
    'models/old_events.sql': table('select now() - interval 3 day as loaded_at'),
    'models/empty_events.sql': table('select now() as loaded_at where 0'),
    'models/filtered_events.sql': table("select now() - interval 3 day as loaded_at, 'old' as kind union all select now() - interval 2 minute, 'new'"),
    'models/unchecked.sql': table('select now() - interval 30 day as loaded_at'),
    'models/reads_fresh.sql': "select count() as n from {{ source('app', 'fresh_events') }}\n",
  });
  const built = await cli(['run', '--exclude', 'reads_fresh']);
  expect(built.code, built.stderr).toBe(0);
});
afterAll(() => removeProject(dir));

describe('tsdbt source freshness', () => {
  it('passes, warns and errors by age against warn_after/error_after, writes sources.json in dbt shape, and exits 1 on an error', async () => {
    const result = await cli(['source', 'freshness']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/PASS freshness of app\.fresh_events: last loaded \d+ (s|min) ago/);
    expect(result.stderr).toMatch(/WARN freshness of app\.stale_events: last loaded 3\.0 h ago/);
    expect(result.stderr).toMatch(/ERROR freshness of app\.old_events: last loaded 3\.0 days ago/);
    expect(result.stderr).toContain('ERROR freshness of app.empty_events: no rows to measure');
    expect(result.stderr).toMatch(/PASS freshness of app\.filtered_events/);
    expect(result.stderr).not.toContain('app.unchecked');
    expect(result.stderr).toContain('Done. PASS=2 WARN=1 ERROR=2 TOTAL=5');

    const json = JSON.parse(readFileSync(path.join(dir, 'target', 'sources.json'), 'utf8')) as {
      metadata: Record<string, unknown>;
      results: Record<string, unknown>[];
    };
    expect(json.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/sources/v3.json');
    const byId = new Map(json.results.map((entry) => [entry.unique_id, entry]));
    expect([...byId.keys()].sort()).toEqual([
      'source.fr.app.empty_events',
      'source.fr.app.filtered_events',
      'source.fr.app.fresh_events',
      'source.fr.app.old_events',
      'source.fr.app.stale_events',
    ]);
    const stale = byId.get('source.fr.app.stale_events')!;
    expect(stale).toMatchObject({
      status: 'warn',
      criteria: { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null },
    });
    expect(Math.abs(Number(stale.max_loaded_at_time_ago_in_s) - 3 * 3600)).toBeLessThan(120);
    expect(byId.get('source.fr.app.filtered_events')!.criteria).toEqual({
      warn_after: { count: 1, period: 'hour' },
      error_after: { count: null, period: null },
      filter: "kind = 'new'",
    });
  });

  it('puts the rule in manifest.json', async () => {
    expect((await cli(['compile'])).code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as {
      sources: Record<string, { freshness: unknown; loaded_at_field: unknown }>;
    };
    expect(manifest.sources['source.fr.app.old_events']).toMatchObject({
      loaded_at_field: 'loaded_at',
      freshness: { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' } },
    });
    expect(manifest.sources['source.fr.app.unchecked']!.freshness).toBeNull();
  });

  it('selects with source_status:fresher+ what was loaded since the state', async () => {
    await cli(['source', 'freshness', '--select', 'source:app.fresh_events']);
    const state = path.join(dir, 'prod-state');
    cpSync(path.join(dir, 'target'), state, { recursive: true });
    writeFileSync(path.join(dir, 'models', 'fresh_events.sql'), table('select now() as loaded_at'));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await cli(['run', '--select', 'fresh_events'])).code).toBe(0);
    await cli(['source', 'freshness', '--select', 'source:app.fresh_events']);
    const listed = await cli(['ls', '--select', 'source_status:fresher+', '--state', 'prod-state', '--output', 'name']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n').sort()).toEqual(['app.fresh_events', 'reads_fresh']);
  });

  it('rejects a bad rule at its line', async () => {
    const broken = writeProject({
      'project.yml': projectYml(),
      'models/sources.yml':
        'version: 2\nsources:\n  - name: s\n    tables:\n      - name: t\n        freshness:\n          warn_after: {count: 0, period: fortnight}\n',
    });
    try {
      const result = await runCli(['ls'], { cwd: broken });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('`sources.0.tables.0.freshness.warn_after.count` must be a whole number above 0');
      expect(result.stderr).toContain('models/sources.yml:7');
    } finally {
      removeProject(broken);
    }
  });
});

describe('a source tsdbt ingests', () => {
  it('is measured by its landing time (_inserted_at) without a loaded_at_field', async () => {
    const example = copyExample();
    try {
      const sources = path.join(example.dir, 'models', 'sources.yml');
      writeFileSync(sources, readFileSync(sources, 'utf8').replace('    tables:\n', '    freshness: {warn_after: {count: 1, period: hour}}\n    tables:\n'));
      expect((await tsdbt(example.dir, example.home, ['ingest', '--sample'])).code).toBe(0);
      const result = await tsdbt(example.dir, example.home, ['source', 'freshness']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/PASS freshness of astro\.raw_astros: last loaded \d+ s ago/);
    } finally {
      example.remove();
    }
  });
});
