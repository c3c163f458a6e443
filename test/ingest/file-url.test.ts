/** Replies exported to disk (`file:` URLs) and the example's captured sample, landed through the CLI. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyExample, tsdbt } from '../e2e/example-project.js';
import { projectYml, removeProject, runCli, writeProject } from '../support/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

function sourceProject(url: string): string {
  const dir = writeProject({
    'project.yml': projectYml(),
    'models/sources.yml': `version: 2\nsources:\n  - name: api\n    tables:\n      - name: raw\n        ingest:\n          url: "${url}"\n          format: json_each\n          retries: {max_attempts: 1}\n`,
    'models/counted.sql': "select count() as n from {{ source('api', 'raw') }}\n",
    'data/reply.json': JSON.stringify([{ id: 1 }, { id: 2 }, { id: 3 }]),
  });
  dirs.push(dir);
  return dir;
}

describe('ingest from file: URLs', () => {
  it('lands a reply from a file relative to the project, and from an absolute file:// URL', async () => {
    const relative = sourceProject('file:data/reply.json');
    const first = await runCli(['ingest'], { cwd: relative });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('OK ingested api.raw: 3 rows landed');

    const absolute = sourceProject('');
    writeFileSync(
      path.join(absolute, 'models', 'sources.yml'),
      `version: 2\nsources:\n  - name: api\n    tables:\n      - name: raw\n        ingest:\n          url: "file://${path.join(relative, 'data', 'reply.json')}"\n          format: json_each\n`,
    );
    const second = await runCli(['ingest'], { cwd: absolute });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('OK ingested api.raw: 3 rows landed');
    const shown = await runCli(['run', '--skip-ingest'], { cwd: absolute });
    expect(shown.code, shown.stderr).toBe(0);
  });

  it('refuses a FIFO or a folder with a coded error instead of hanging, and a missing file names the path', async () => {
    const dir = sourceProject('file:data/pipe');
    execFileSync('mkfifo', [path.join(dir, 'data', 'pipe')]);
    const fifo = await runCli(['ingest'], { cwd: dir, timeoutMs: 30_000 });
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toMatch(/TSDBT1801: .*data\/pipe is a named pipe \(FIFO\); tsdbt reads only regular files\./);
    mkdirSync(path.join(dir, 'data', 'folder'));
    writeFileSync(
      path.join(dir, 'models', 'sources.yml'),
      'version: 2\nsources:\n  - name: api\n    tables:\n      - name: raw\n        ingest: {url: "file:data/missing.json"}\n',
    );
    const missing = await runCli(['ingest'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/could not read .*data\/missing\.json/);
  });
});

describe("the example's captured sample", () => {
  it('is named by the warning when the API cannot be reached, and `tsdbt ingest --sample` lands it so models have rows', async () => {
    const example = copyExample();
    try {
      const offline = await tsdbt(example.dir, example.home, ['run'], { ASTROS_URL: 'http://offline.invalid/astros.json' });
      expect(offline.code).toBe(0);
      expect(offline.stderr).toContain(
        'To land the captured reply samples/astros.json instead, so the models have rows offline: tsdbt ingest --sample --select source:astro.raw_astros',
      );
      const sample = await tsdbt(example.dir, example.home, ['ingest', '--sample', '--select', 'source:astro.raw_astros']);
      expect(sample.code, sample.stderr).toBe(0);
      expect(sample.stderr).toContain('OK ingested astro.raw_astros: 1 row landed');
      expect((await tsdbt(example.dir, example.home, ['run', '--skip-ingest'])).code).toBe(0);
      const shown = await tsdbt(example.dir, example.home, ['show', '--select', 'people_per_craft', '--output', 'json']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(JSON.parse(shown.stdout)).not.toEqual([]);
    } finally {
      example.remove();
    }
  });
});
