/**
 * `tsdbt docs generate` and `tsdbt docs serve` as a user runs them, on a copy of the example
 * project (built first, so the catalog and the last-run statuses are real). Needs `npm run build`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, tsdbt } from '../e2e/example-project.js';
import { projectYml, removeProject, runCli, writeProject } from '../support/cli.js';
import { readChunk, readGraphFile, startServe } from './docs-helpers.js';

describe('tsdbt docs generate / serve on the example project', () => {
  let example: ReturnType<typeof copyExample>;
  const cli = (args: string[]) => tsdbt(example.dir, example.home, args);

  beforeAll(async () => {
    example = copyExample();
    const run = await cli(['run', '--skip-ingest']);
    expect(run.code, run.stderr).toBe(0);
  });
  afterAll(() => example?.remove());

  it('serve before generate says what to do', async () => {
    const result = await cli(['docs', 'serve', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Error TSDBT1012: There is no generated documentation in');
    expect(result.stderr).toContain('hint: Run `tsdbt docs generate` first.');
  });

  it('generate writes index.html, the site data, manifest.json and catalog.json with the real columns', async () => {
    const result = await cli(['docs', 'generate']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Catalog: \d+ relations? found in 1 database \(astro\)\./);
    expect(result.stderr).toMatch(/Documentation of \d+ nodes written to target\/index\.html/);
    const target = path.join(example.dir, 'target');
    for (const file of [
      'index.html',
      'manifest.json',
      'catalog.json',
      'docs/tsdbt-docs.js',
      'docs/tsdbt-docs.css',
      'docs/data/graph.js',
      'docs/data/nodes-0000.js',
    ]) {
      expect(existsSync(path.join(target, file)), file).toBe(true);
    }
    const html = readFileSync(path.join(target, 'index.html'), 'utf8');
    expect(html).toContain('<title>astro · tsdbt docs</title>');
    // Self-contained: nothing is loaded from another host.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = readFileSync(path.join(target, 'docs', 'tsdbt-docs.js'), 'utf8');
    expect(script).not.toMatch(/<script[^>]+src=["']https?:/);

    const graph = readGraphFile(example.dir);
    const byName = new Map(graph.nodes.map((node) => [node.name, node]));
    const people = byName.get('people')!;
    expect(graph.nodes[people.parents[0]!]!.uniqueId).toBe('source.astro.astro.raw_astros');
    expect(graph.nodes[byName.get('people_per_craft')!.parents[0]!]!.name).toBe('people');
    expect(people.lastRun?.status).toBe('success');
    expect(graph.project.lastRun?.command).toBe('run');

    const details = readChunk(example.dir, people.chunk).find((one) => one.uniqueId === 'model.astro.people')!;
    expect(details.compiledSql).toContain('JSONExtractString');
    expect(details.compiledSql).toContain('`astro`.`raw_astros`');
    expect(details.rawSql).toContain("source('astro', 'raw_astros')");
    expect(details.columns.map((column) => [column.name, column.type])).toEqual([
      ['craft', 'String'],
      ['name', 'String'],
      ['snapshot_at', "DateTime64(3, 'UTC')"],
    ]);

    const catalog = JSON.parse(readFileSync(path.join(target, 'catalog.json'), 'utf8')) as {
      nodes: Record<string, { columns: Record<string, { type: string }> }>;
      sources: Record<string, unknown>;
    };
    expect(catalog.nodes['model.astro.people_per_craft']!.columns['craft']!.type).toBe('String');
    expect(Object.keys(catalog.sources)).toEqual(['source.astro.astro.raw_astros']);
    const manifest = JSON.parse(readFileSync(path.join(target, 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code: string | null }> };
    expect(manifest.nodes['model.astro.people']!.compiled_code).toContain('JSONExtractString');
  });

  it('generate --empty-catalog needs no database, and a second generate replaces the data files', async () => {
    writeFileSync(path.join(example.dir, 'target', 'docs', 'data', 'nodes-0099.js'), 'stale');
    const result = await cli(['docs', 'generate', '--empty-catalog']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Catalog skipped (--empty-catalog).');
    expect(readdirSync(path.join(example.dir, 'target', 'docs', 'data')).sort()).toEqual(['graph.js', 'nodes-0000.js']);
    const graph = readGraphFile(example.dir);
    expect(graph.project.catalogNote).toContain('--empty-catalog');
    expect(
      readChunk(example.dir, 0)
        .find((one) => one.uniqueId === 'model.astro.people')!
        .columns.map((column) => column.type),
    ).toEqual([undefined, undefined, undefined]);
    // Back to the full catalog for the serve test.
    expect((await cli(['docs', 'generate'])).code).toBe(0);
  });

  it('serve answers on 127.0.0.1 with the site, 404s for anything outside it, and stops on SIGTERM', async () => {
    const server = await startServe(example.dir, example.home);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await fetch(server.url);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toContain('text/html');
      expect(await index.text()).toContain('docs/tsdbt-docs.js');
      const graph = await fetch(`${server.url}docs/data/graph.js`);
      expect(graph.status).toBe(200);
      expect(graph.headers.get('content-type')).toContain('javascript');
      expect((await fetch(`${server.url}nope.html`)).status).toBe(404);
      // The project's own files are outside the served folder.
      expect((await fetch(`${server.url}..%2fproject.yml`)).status).toBe(404);
      expect((await fetch(`${server.url}%2e%2e/project.yml`)).status).toBe(404);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('serve rejects a bad port with a clear message', async () => {
    const result = await cli(['docs', 'serve', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Error TSDBT1013: --port must be a whole number from 0 to 65535, but it is 'eighty'.");
  });
});

describe('tsdbt docs generate with a model that fails to render', () => {
  it('still writes the site, shows the error on that page, and exits 2 with the error', async () => {
    const dir = writeProject({
      'project.yml': projectYml('broken'),
      'models/fine.sql': 'select 1 as id',
      'models/bad.sql': "{% if execute %}{{ exceptions.raise_compiler_error('bad needs a partition key') }}{% endif %}\nselect * from {{ ref('fine') }}",
    });
    try {
      const result = await runCli(['docs', 'generate', '--empty-catalog'], { cwd: dir, env: { HOME: dir } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('1 node did not compile; their pages show the error instead of compiled SQL.');
      expect(result.stderr).toContain('bad needs a partition key');
      const graph = readGraphFile(dir);
      const bad = graph.nodes.find((node) => node.name === 'bad')!;
      expect(graph.nodes[bad.parents[0]!]!.name).toBe('fine');
      const details = readChunk(dir, 0);
      expect(details.find((one) => one.uniqueId === 'model.broken.bad')).toMatchObject({ compileError: expect.stringContaining('bad needs a partition key') });
      expect(details.find((one) => one.uniqueId === 'model.broken.fine')!.compiledSql).toBe('select 1 as id');
    } finally {
      removeProject(dir);
    }
  });
});
