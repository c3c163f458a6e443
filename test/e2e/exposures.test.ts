/** Exposures through the CLI: parsed with dbt's checks, in manifest.json and ls, and `+exposure:x` selects what they need. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, tsdbt } from './example-project.js';

const EXPOSURES = `version: 2
exposures:
  - name: crew_dashboard
    label: Crew dashboard
    type: dashboard
    maturity: high
    url: https://bi.example.com/crew
    description: Who is in space, per craft.
    owner: {name: Data team, email: data@example.com}
    depends_on:
      - ref('people_per_craft')
      - source('astro', 'raw_astros')
`;

let example: ReturnType<typeof copyExample>;
const cli = (args: string[]) => tsdbt(example.dir, example.home, args);

beforeAll(() => {
  example = copyExample();
  writeFileSync(path.join(example.dir, 'models', 'exposures.yml'), EXPOSURES);
});
afterAll(() => example.remove());

describe('exposures', () => {
  it('are listed by ls, and +exposure:x selects every node the exposure depends on', async () => {
    const all = await cli(['ls', '--resource-type', 'exposure']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim()).toBe('exposure:astro.crew_dashboard');
    const upstream = await cli(['ls', '--select', '+exposure:crew_dashboard', '--output', 'name', '--resource-type', 'model', 'source', 'exposure']);
    expect(upstream.code, upstream.stderr).toBe(0);
    expect(upstream.stdout.trim().split('\n').sort()).toEqual(['astro.raw_astros', 'crew_dashboard', 'people', 'people_per_craft']);
  });

  it('are in manifest.json with their owner, dependencies and url, and in the child map of what they use', async () => {
    expect((await cli(['compile'])).code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(example.dir, 'target', 'manifest.json'), 'utf8')) as {
      exposures: Record<string, Record<string, unknown>>;
      child_map: Record<string, string[]>;
    };
    expect(manifest.exposures['exposure.astro.crew_dashboard']).toMatchObject({
      resource_type: 'exposure',
      type: 'dashboard',
      maturity: 'high',
      label: 'Crew dashboard',
      url: 'https://bi.example.com/crew',
      owner: { name: 'Data team', email: 'data@example.com' },
      depends_on: { nodes: ['model.astro.people_per_craft', 'source.astro.astro.raw_astros'] },
    });
    expect(manifest.child_map['model.astro.people_per_craft']).toContain('exposure.astro.crew_dashboard');
  });

  it('are never built by run', async () => {
    const run = await cli(['run', '--select', '+exposure:crew_dashboard', '--skip-ingest']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('crew_dashboard');
  });

  it('report an unknown ref at its line, and a missing owner', async () => {
    writeFileSync(
      path.join(example.dir, 'models', 'exposures.yml'),
      EXPOSURES.replace("ref('people_per_craft')", "ref('people_per_crafts')").replace('    owner: {name: Data team, email: data@example.com}\n', ''),
    );
    const result = await cli(['ls']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "Exposure 'crew_dashboard' depends on ref('people_per_crafts'), but no model or seed has that name. Did you mean 'people_per_craft'?",
    );
    expect(result.stderr).toContain('models/exposures.yml:10');
    expect(result.stderr).toContain('`exposures.0.owner` must have a `name` or an `email`');
    writeFileSync(path.join(example.dir, 'models', 'exposures.yml'), EXPOSURES);
  });
});
