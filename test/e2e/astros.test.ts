/**
 * The issue's "done when", through the CLI on chDB: debug and run on the example project (offline),
 * a captured astros reply landed in astro.raw_astros, run again, and the three models' rows exactly.
 * Runs pass --skip-ingest: the example fetches the astros API before each run, and tests stay off
 * the network (the reply is landed with the adapter instead, as ingestion would).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, isLeftover, landPayload, logLines, PAYLOAD, relationsOf, tsdbt, withChdb } from './example-project.js';

const SNAPSHOT_MS = Date.UTC(2024, 5, 1, 12, 0, 0);
const PER_CRAFT = '{"show":[{"craft":"ISS","people":7},{"craft":"Tiangong","people":3}]}\n';

let project: ReturnType<typeof copyExample>;
const cli = (args: string[], env?: Record<string, string | undefined>) => tsdbt(project.dir, project.home, args, env);

beforeAll(() => {
  project = copyExample();
});
afterAll(() => project?.remove());

describe('the example project, end to end on chDB', () => {
  it('tsdbt debug passes every check', async () => {
    const result = await cli(['debug']);
    expect(result.stderr).toContain('All checks passed!');
    expect(result.stdout).toBe('');
    const lines = logLines(result.stderr);
    for (const check of [
      /^ {2}profiles\.yml: none found \[NOTE\]$/,
      /^ {4}No profiles\.yml found \(looked in .*\), so tsdbt builds into the embedded engine: database 'astro' in \.tsdbt\/chdb\./,
      /^ {2}target: 'dev' \(chdb\), schema 'astro' \[OK\]$/,
      /^ {2}models, sources, macros: \d+, 1, \d+ \[OK\]$/,
      /^ {2}connection: chdb at \.tsdbt\/chdb, .*\[OK\]$/,
    ]) {
      expect(
        lines.some((line) => check.test(line)),
        `a line matching ${check}`,
      ).toBe(true);
    }
    expect(lines.some((line) => /ERROR/.test(line))).toBe(false);
    expect(result.code).toBe(0);
  });

  it('tsdbt run builds the three models offline, on an empty landing table', async () => {
    const result = await cli(['run', '--skip-ingest']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const lines = logLines(result.stderr);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\d+ of \d+ START sql view model astro\.people \.{3,} \[RUN\]$/),
        expect.stringMatching(/^\d+ of \d+ OK created sql view model astro\.people \.{3,} \[OK in \d+\.\d\ds\]$/),
        expect.stringMatching(/^\d+ of \d+ OK created sql materialized_view model astro\.people_history \.{3,} \[OK in \d+\.\d\ds\]$/),
        expect.stringMatching(/^\d+ of \d+ OK created sql table model astro\.people_per_craft \.{3,} \[OK in \d+\.\d\ds\]$/),
        expect.stringMatching(/^\d+ of \d+ OK created sql table model astro\.people_summary \.{3,} \[OK in \d+\.\d\ds\]$/),
        'Completed successfully',
      ]),
    );
    // However many models the example grows, all of them build.
    expect(lines.find((line) => line.startsWith('Done.'))).toMatch(/^Done\. PASS=(\d+) WARN=0 ERROR=0 SKIP=0 TOTAL=\1$/);
    const shown = await cli(['show', '--inline', "select * from {{ ref('people_per_craft') }} order by craft", '--output', 'json']);
    expect(shown.stdout).toBe('{"show":[]}\n');
  });

  it('after a captured reply is landed, a second run shows exactly the expected rows', async () => {
    await withChdb(project.dir, async (adapter) => {
      expect(await relationsOf(adapter, 'astro')).toEqual(
        expect.arrayContaining(['people:view', 'people_per_craft:table', 'people_summary:table', 'raw_astros:table']),
      );
      await landPayload(adapter, PAYLOAD, SNAPSHOT_MS);
    });
    const run = await cli(['run', '--skip-ingest', '--debug']);
    expect(run.code).toBe(0);
    // Tables that exist are replaced by EXCHANGE, not dropped and re-created.
    expect(run.stderr).toContain('EXCHANGE TABLES `astro`.`people_per_craft__tsdbt_tmp` AND `astro`.`people_per_craft`');
    expect(run.stderr).toContain('EXCHANGE TABLES `astro`.`people_summary__tsdbt_tmp` AND `astro`.`people_summary`');

    const perCraft = await cli(['show', '--inline', "select * from {{ ref('people_per_craft') }} order by craft", '--output', 'json']);
    expect(perCraft.stdout).toBe(PER_CRAFT);
    expect(perCraft.code).toBe(0);

    const table = await cli(['show', '--select', 'people_per_craft', '--limit', '1']);
    expect(table.stdout).toBe('| craft | people |\n| ----- | ------ |\n| ISS   | 7      |\n');

    const summary = await cli(['show', '--inline', "select * from {{ ref('people_summary') }}", '--output', 'json']);
    expect(summary.stdout).toBe('{"show":[{"total_people":10,"crafts":2,"as_of":"2024-06-01 12:00:00.000"}]}\n');

    const people = await cli([
      'show',
      '--inline',
      "select craft, name, snapshot_at from {{ ref('people') }} order by craft, name",
      '--output',
      'json',
      '--limit',
      '-1',
    ]);
    expect(JSON.parse(people.stdout)).toEqual({
      show: [
        ['ISS', 'Alexander Grebenkin'],
        ['ISS', 'Jeanette Epps'],
        ['ISS', 'Matthew Dominick'],
        ['ISS', 'Michael Barratt'],
        ['ISS', 'Nikolai Chub'],
        ['ISS', 'Oleg Kononenko'],
        ['ISS', 'Tracy Caldwell Dyson'],
        ['Tiangong', 'Li Cong'],
        ['Tiangong', 'Li Guangsu'],
        ['Tiangong', 'Ye Guangfu'],
      ].map(([craft, name]) => ({ craft, name, snapshot_at: '2024-06-01 12:00:00.000' })),
    });

    await withChdb(project.dir, async (adapter) => {
      expect((await relationsOf(adapter, 'astro')).filter(isLeftover)).toEqual([]);
    });
  });

  it('only the latest landed reply counts', async () => {
    const later = JSON.stringify({ message: 'success', number: 1, people: [{ craft: 'Tiangong', name: 'Ye Guangfu' }] });
    await withChdb(project.dir, (adapter) => landPayload(adapter, later, SNAPSHOT_MS + 60_000));
    expect((await cli(['run', '--skip-ingest', '--select', 'people_per_craft'])).code).toBe(0);
    const shown = await cli(['show', '--select', 'people_per_craft', '--output', 'json']);
    expect(shown.stdout).toBe('{"show":[{"craft":"Tiangong","people":1}]}\n');
    // --vars reaches the models: the view `people` keeps both snapshots, and the table built on it counts them.
    expect((await cli(['run', '--skip-ingest', '--select', 'people+', '--vars', '{snapshots_to_keep: 2}'])).code).toBe(0);
    const both = await cli(['show', '--inline', "select * from {{ ref('people_per_craft') }} order by craft", '--output', 'json']);
    expect(both.stdout).toBe('{"show":[{"craft":"ISS","people":7},{"craft":"Tiangong","people":4}]}\n');
    expect((await cli(['run', '--skip-ingest', '--select', 'people+'])).code).toBe(0);
  });
});

describe('selection and threads', () => {
  it('--select +people_per_craft builds it and its parents only, in order', async () => {
    const result = await cli(['run', '--skip-ingest', '--select', '+people_per_craft', '--threads', '1']);
    expect(result.code).toBe(0);
    const progress = logLines(result.stderr)
      .filter((line) => / of \d (START|OK)/.test(line))
      .map((line) => line.replace(/ \.{3,}.*$/, ''));
    expect(progress).toEqual([
      '1 of 2 START sql view model astro.people',
      '1 of 2 OK created sql view model astro.people',
      '2 of 2 START sql table model astro.people_per_craft',
      '2 of 2 OK created sql table model astro.people_per_craft',
    ]);
    expect(result.stderr).toContain('Concurrency: 1 threads');
  });

  it('--exclude leaves a model out', async () => {
    const result = await cli(['run', '--skip-ingest', '--exclude', 'people_summary', 'people', 'people_history']);
    expect(result.code).toBe(0);
    expect(logLines(result.stderr).filter((line) => / START /.test(line))).toEqual([
      expect.stringMatching(/^1 of 1 START sql table model astro\.people_per_craft /),
    ]);
  });

  it('--threads 4 starts independent models together; --threads 1 one after the other', async () => {
    // people, then people_per_craft and people_summary, which depend on it alone.
    const starts = (stderr: string) =>
      logLines(stderr)
        .filter((line) => / of 3 (START|OK)/.test(line))
        .map((line) => line.split(' ')[3]);
    const four = await cli(['run', '--skip-ingest', '--select', 'people+', '--threads', '4']);
    expect(four.code).toBe(0);
    expect(starts(four.stderr)).toEqual(['START', 'OK', 'START', 'START', 'OK', 'OK']);
    const one = await cli(['run', '--skip-ingest', '--select', 'people+', '--threads', '1']);
    expect(one.code).toBe(0);
    expect(starts(one.stderr)).toEqual(['START', 'OK', 'START', 'OK', 'START', 'OK']);
  });
});
