/** The commands that need no database, on a copy of the example project: --version, --help, compile, ls, colors. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, tsdbt } from '../e2e/example-project.js';
import { REPO_ROOT } from '../support/cli.js';

let project: ReturnType<typeof copyExample>;
const cli = (args: string[], env?: Record<string, string | undefined>) => tsdbt(project.dir, project.home, args, env);

beforeAll(() => {
  project = copyExample();
});
afterAll(() => project?.remove());

describe('--version and --help', () => {
  it('--version prints the version on stdout', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^tsdbt \d+\.\d+\.\d+/);
  });

  it('the bundled CLI reads the same version from package.json (it sits deeper in dist/ than the API)', async () => {
    const { version } = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    // Two arguments: answered by the CLI bundle, not by bin/tsdbt's --version shortcut.
    const result = await cli(['--version', '--no-color']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`tsdbt ${version}`);
  });

  it.each(['debug', 'compile', 'run', 'show', 'ls'])('%s --help', async (command) => {
    const result = await cli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: tsdbt ${command}(\\|\\w+)? \\[options\\]`));
    for (const option of ['--project-dir', '--profiles-dir', '--target', '--vars']) expect(result.stdout).toContain(option);
  });
});

describe('compile', () => {
  it('--select prints the compiled SQL on stdout, the same as it writes to target/compiled', async () => {
    const result = await cli(['compile', '--select', 'people']);
    expect(result.code).toBe(0);
    const written = readFileSync(path.join(project.dir, 'target', 'compiled', 'astro', 'models', 'staging', 'people.sql'), 'utf8');
    expect(result.stdout.trim()).toBe(written.trim());
    expect(result.stdout.trim()).toMatch(/^(select|with)\b/i);
    expect(result.stdout).toContain('from `astro`.`raw_astros`');
    expect(result.stdout).not.toMatch(/\{\{|\{%/);
    expect(result.stderr).toMatch(/Compiled 1 model into target\/compiled\.\n$/);
  });

  it('without --select writes every model and the manifest, printing no SQL', async () => {
    const result = await cli(['compile']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    for (const file of ['compiled/astro/models/marts/people_per_craft.sql', 'compiled/astro/models/marts/people_summary.sql', 'manifest.json']) {
      expect(existsSync(path.join(project.dir, 'target', file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(path.join(project.dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, unknown> };
    expect(Object.keys(manifest.nodes).sort()).toEqual([
      'model.astro.people',
      'model.astro.people_history',
      'model.astro.people_per_craft',
      'model.astro.people_summary',
    ]);
  });

  it('several models are printed one after the other, each under its path', async () => {
    const result = await cli(['compile', '--select', 'people_per_craft', 'people_summary']);
    expect(result.stdout.match(/^-- .*$/gm)).toEqual(['-- models/marts/people_per_craft.sql', '-- models/marts/people_summary.sql']);
  });

  it('--inline renders a query against the project', async () => {
    const result = await cli(['compile', '--inline', "select * from {{ ref('people') }} where craft = '{{ var('craft', 'ISS') }}'"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("select * from `astro`.`people` where craft = 'ISS'\n");
  });
});

describe('ls', () => {
  it.each([
    {
      args: [],
      out: [
        'astro.staging.people',
        'astro.staging.people_history',
        'astro.marts.people_per_craft',
        'astro.marts.people_summary',
        'source:astro.astro.raw_astros',
      ],
    },
    { args: ['--output', 'name'], out: ['people', 'people_history', 'people_per_craft', 'people_summary', 'astro.raw_astros'] },
    {
      args: ['--output', 'path'],
      out: [
        'models/staging/people.sql',
        'models/staging/people_history.sql',
        'models/marts/people_per_craft.sql',
        'models/marts/people_summary.sql',
        'models/sources.yml',
      ],
    },
    { args: ['--resource-type', 'source', '--output', 'name'], out: ['astro.raw_astros'] },
    { args: ['--select', '+people_per_craft', '--output', 'name'], out: ['people', 'people_per_craft', 'astro.raw_astros'] },
    { args: ['--select', 'people+', '--exclude', 'people_summary', '--output', 'name'], out: ['people', 'people_per_craft'] },
    { args: ['--select', 'tag:mart', '--output', 'name'], out: ['people_per_craft', 'people_summary'] },
  ])('ls $args', async ({ args, out }) => {
    const result = await cli(['ls', ...args]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(out);
  });

  it('--output json prints one JSON object per node', async () => {
    const result = await cli(['ls', '--select', 'people_per_craft', '--output', 'json']);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      name: 'people_per_craft',
      resource_type: 'model',
      unique_id: 'model.astro.people_per_craft',
      original_file_path: 'models/marts/people_per_craft.sql',
      tags: ['mart'],
      config: { materialized: 'table' },
    });
  });

  it('a selection that matches nothing warns on stderr and prints nothing', async () => {
    const result = await cli(['ls', '--select', 'tag:nothing_has_this']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Warning: /);
  });
});

describe('colors', () => {
  const broken = ['compile', '--vars', 'not: [valid'];

  it('are off with NO_COLOR, and with --no-color', async () => {
    expect((await cli(broken, { NO_COLOR: '1', FORCE_COLOR: '1' })).stderr).not.toContain('\u001b[');
    expect((await cli([...broken, '--no-color'], { NO_COLOR: undefined, FORCE_COLOR: '1' })).stderr).not.toContain('\u001b[');
  });

  it('are on when forced and not disabled', async () => {
    const result = await cli(broken, { NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('\u001b[');
  });
});

describe('a reader that stops early (tsdbt ls | head -1)', () => {
  it('is no error: no stack trace, and the command exits with its own code', async () => {
    for (const args of [['ls'], ['compile', '--select', 'people']]) {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), ...args, '--no-color'], {
        cwd: project.dir,
        env: { ...process.env, HOME: project.home, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // The pipe is closed before the command writes anything, so its first write meets EPIPE.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr, args.join(' ')).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(0);
    }
  });
});
