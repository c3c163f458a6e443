/** Analyses: compiled into target/compiled with their refs resolved, listed by ls, in the manifest, never run. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, tsdbt } from './example-project.js';

let example: ReturnType<typeof copyExample>;
const cli = (args: string[]) => tsdbt(example.dir, example.home, args);

beforeAll(() => {
  example = copyExample();
  mkdirSync(path.join(example.dir, 'analyses'));
  writeFileSync(
    path.join(example.dir, 'analyses', 'crew_sizes.sql'),
    "-- who flies where\nselect craft, count() as n from {{ ref('people') }} group by craft\n",
  );
});
afterAll(() => example.remove());

describe('analyses', () => {
  it('are compiled by compile, with refs resolved, and listed by ls', async () => {
    const compiled = await cli(['compile']);
    expect(compiled.code, compiled.stderr).toBe(0);
    const sql = readFileSync(path.join(example.dir, 'target', 'compiled', 'astro', 'analyses', 'crew_sizes.sql'), 'utf8');
    expect(sql).toContain('from `astro`.`people` group by craft');
    const manifest = JSON.parse(readFileSync(path.join(example.dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
    expect(manifest.nodes['analysis.astro.crew_sizes']).toMatchObject({ resource_type: 'analysis', depends_on: { nodes: ['model.astro.people'] } });
    const listed = await cli(['ls', '--resource-type', 'analysis']);
    expect(listed.stdout.trim()).toBe('astro.analysis.crew_sizes');
  });

  it('are never run, and run writes no compiled file for them', async () => {
    const target = path.join(example.dir, 'target');
    const again = await cli(['run', '--skip-ingest']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('crew_sizes');
    expect(existsSync(target)).toBe(true);
  });
});
