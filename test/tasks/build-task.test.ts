import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { build, clean, createInvocation, docsGenerate, ls, show } from '../../src/index.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { copyExample, tsdbt } from '../e2e/example-project.js';

/**
 * The API is the CLI: `build` called from a program on the example project writes the same
 * artifacts (manifest.json, run_results.json: the same nodes with the same statuses) as
 * `tsdbt build` on another copy of it.
 */
describe('the build task, called from a program', () => {
  const viaCli = copyExample();
  const viaApi = copyExample();
  const artifact = (dir: string, name: string) => JSON.parse(readFileSync(path.join(dir, 'target', name), 'utf8')) as Record<string, unknown>;
  const statuses = (dir: string) =>
    Object.fromEntries(
      (artifact(dir, 'run_results.json')['results'] as { unique_id: string; status: string }[]).map((result) => [result.unique_id, result.status]),
    );

  beforeAll(async () => {
    const cli = await tsdbt(viaCli.dir, viaCli.home, ['build', '--skip-ingest']);
    expect(cli.code, cli.stderr).toBe(0);
  }, 120_000);

  afterAll(() => {
    viaCli.remove();
    viaApi.remove();
  });

  it('writes the artifacts the CLI writes, with the same statuses', async () => {
    const logger = new MemoryLogger();
    // An empty HOME, as for the CLI: no profiles.yml anywhere, so the built-in embedded target.
    const env = { ...process.env, HOME: viaApi.home, TSDBT_PROFILES_DIR: undefined };
    const result = await build(createInvocation({ logger, env }), { projectDir: viaApi.dir, skipIngest: true });
    expect(result.status).toBe('ok');
    expect(result.summary?.results.length).toBeGreaterThan(0);
    expect(statuses(viaApi.dir)).toEqual(statuses(viaCli.dir));
    expect(Object.values(statuses(viaApi.dir)).every((status) => status === 'success' || status === 'pass')).toBe(true);

    const [apiManifest, cliManifest] = [artifact(viaApi.dir, 'manifest.json'), artifact(viaCli.dir, 'manifest.json')];
    expect(Object.keys(apiManifest).sort()).toEqual(Object.keys(cliManifest).sort());
    for (const section of ['nodes', 'sources', 'macros', 'parent_map', 'child_map']) {
      expect(Object.keys(apiManifest[section] as object).sort(), section).toEqual(Object.keys(cliManifest[section] as object).sort());
    }
    const args = (dir: string) => artifact(dir, 'run_results.json')['args'] as Record<string, unknown>;
    expect(args(viaApi.dir)['which']).toBe('build');
    expect(args(viaApi.dir)['skip_ingest']).toBe(args(viaCli.dir)['skip_ingest']);
    // What the CLI prints reached the program's logger instead.
    expect(logger.events.some((event) => event.message.startsWith('Concurrency: '))).toBe(true);
  }, 120_000);

  it('lists, previews, documents and cleans through the same tasks the CLI runs', async () => {
    const invocation = createInvocation({ env: { ...process.env, HOME: viaApi.home, TSDBT_PROFILES_DIR: undefined } });
    const listed = ls(invocation, { projectDir: viaApi.dir, select: ['people+'], resourceType: ['model'] });
    expect(listed.nodes.map((entry) => entry.node.name).sort()).toEqual(['people', 'people_per_craft', 'people_summary']);
    const shown = await show(invocation, { projectDir: viaApi.dir, inline: "select count() as n from {{ ref('people') }}" });
    expect(shown.sql).toContain('`astro`.`people`');
    expect(shown.rows).toEqual([{ n: 0 }]);
    const docs = await docsGenerate(invocation, { projectDir: viaApi.dir });
    expect(docs.compileErrors).toEqual([]);
    expect(docs.databases).toContain('astro');
    expect(existsSync(docs.indexFile)).toBe(true);
    const cleaned = clean(invocation, { projectDir: viaApi.dir });
    expect(cleaned.cleaned.find((entry) => entry.path.endsWith('target'))?.existed).toBe(true);
    expect(existsSync(path.join(viaApi.dir, 'target'))).toBe(false);
  }, 120_000);
});
