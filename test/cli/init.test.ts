import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scaffoldFiles } from '../../src/tasks/init.js';
import { validateProjectConfig } from '../../src/config/project-config.js';
import { parseYaml } from '../../src/config/yaml-document.js';
import { removeProject, runCli } from '../support/cli.js';
import { parseLogLines } from '../report/log-schema-validator.js';

/** `tsdbt init` end to end: the new project passes `debug` and `build` at once. Needs `npm run build`. */
let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-init-'));
});
afterAll(() => removeProject(cwd));

const listed = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub))) {
      const relative = path.join(sub, name);
      if (statSync(path.join(dir, relative)).isDirectory()) walk(relative);
      else out.push(relative);
    }
  };
  walk('');
  return out.sort();
};

describe('tsdbt init demo, then debug and build', () => {
  it('scaffolds a project without asking anything when stdin is not a terminal', async () => {
    const result = await runCli(['init', 'demo'], { cwd });
    expect(result.code).toBe(0);
    expect(listed(path.join(cwd, 'demo'))).toEqual([
      '.gitignore',
      'macros/.gitkeep',
      'models/example/my_first_model.sql',
      'models/example/my_second_model.sql',
      'models/example/schema.yml',
      'profiles.yml',
      'project.yml',
      'seeds/.gitkeep',
      'tests/.gitkeep',
    ]);
    expect(result.stderr.replace(/^\d\d:\d\d:\d\d {2}/gm, '')).toMatchInlineSnapshot(`
      "Created project 'demo' in demo/:
        project.yml       name, paths and folder-level model configs
        profiles.yml      target dev: embedded ClickHouse (chDB) in .tsdbt/; a server target, commented out
        models/example/   my_first_model (table), my_second_model (view on it), schema.yml (descriptions, tests)
        .gitignore        target/, logs/, .tsdbt/

      Next:
        cd demo
        npx tsdbt debug   # checks the configuration and the connection
        npx tsdbt build   # builds the example models and runs their tests
      "
    `);
  });

  it('passes tsdbt debug', async () => {
    const result = await runCli(['debug'], { cwd: path.join(cwd, 'demo') });
    expect(result.stderr).toContain('All checks passed!');
    expect(result.code).toBe(0);
  });

  it('passes tsdbt build: two models and four tests', async () => {
    const result = await runCli(['build'], { cwd: path.join(cwd, 'demo') });
    expect(result.stderr).toContain('Done. PASS=6 WARN=0 ERROR=0 SKIP=0 TOTAL=6');
    expect(result.code).toBe(0);
    // The same build as JSON lines: seeds, models and tests all fit docs/log-schema.json.
    const json = await runCli(['build', '--log-format', 'json'], { cwd: path.join(cwd, 'demo') });
    expect(json.code).toBe(0);
    const finished = parseLogLines(json.stderr).filter((line) => line.event === 'node_finished');
    expect(finished.map((line) => `${line.resource_type} ${line.status}`).sort()).toEqual([
      'model success',
      'model success',
      'test pass',
      'test pass',
      'test pass',
      'test pass',
    ]);
    const rows = await runCli(['show', '--select', 'my_second_model', '--output', 'json'], { cwd: path.join(cwd, 'demo') });
    expect(JSON.parse(rows.stdout)).toEqual({
      show: [
        { id: 2, name: 'ITEM 2' },
        { id: 3, name: 'ITEM 3' },
      ],
    });
  });

  it('refuses to write into it again, changing nothing', async () => {
    const before = readFileSync(path.join(cwd, 'demo', 'project.yml'), 'utf8');
    const result = await runCli(['init', 'demo'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Error TSDBT1010: 'demo' already holds a project (project.yml); tsdbt init never overwrites files.");
    expect(readFileSync(path.join(cwd, 'demo', 'project.yml'), 'utf8')).toBe(before);
  });
});

describe('tsdbt init names and folders', () => {
  it('refuses a folder that has any file, and a name that cannot name a database', async () => {
    mkdirSync(path.join(cwd, 'busy'));
    writeFileSync(path.join(cwd, 'busy', 'notes.txt'), 'mine');
    const busy = await runCli(['init', 'busy'], { cwd });
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain("'busy' already exists and is not empty (1 entry)");
    expect(existsSync(path.join(cwd, 'busy', 'project.yml'))).toBe(false);

    const dashed = await runCli(['init', 'my-shop'], { cwd });
    expect(dashed.code).toBe(2);
    expect(dashed.stderr).toContain("'my-shop' cannot name a project");
    expect(dashed.stderr).toContain('hint: For example: tsdbt init my_shop');
    expect(existsSync(path.join(cwd, 'my-shop'))).toBe(false);
  });

  it('uses my_project with --yes and no name; a path creates the folders, the last part names the project', async () => {
    const plain = await runCli(['init', '--yes'], { cwd });
    expect(plain.code).toBe(0);
    expect(parse(readFileSync(path.join(cwd, 'my_project', 'project.yml'), 'utf8'))).toMatchObject({ name: 'my_project', profile: 'my_project' });

    mkdirSync(path.join(cwd, 'empty'));
    const nested = await runCli(['init', 'empty/deep/analytics'], { cwd });
    expect(nested.code).toBe(0);
    const profiles = parse(readFileSync(path.join(cwd, 'empty', 'deep', 'analytics', 'profiles.yml'), 'utf8')) as Record<
      string,
      { outputs: Record<string, unknown> }
    >;
    expect(Object.keys(profiles)).toEqual(['analytics']);
    expect(profiles.analytics!.outputs).toEqual({ dev: { type: 'chdb', path: '.tsdbt/chdb', schema: 'analytics', threads: 4 } });
  });
});

describe('scaffoldFiles', () => {
  it('writes a project.yml with no unknown keys, and a server target that is valid once uncommented', () => {
    const files = scaffoldFiles('shop');
    const validated = validateProjectConfig(parseYaml(files['project.yml']!, 'project.yml'));
    expect(validated.errors).toEqual([]);
    expect(validated.warnings).toEqual([]);
    expect(validated.config).toMatchObject({ name: 'shop', profile: 'shop', cleanTargets: ['target', 'logs', 'dbt_packages'], logPath: 'logs' });
    const uncommented = files['profiles.yml']!.replace(/^ {4}# ?/gm, '    ');
    expect((parse(uncommented) as Record<string, { outputs: Record<string, unknown> }>).shop!.outputs.prod).toMatchObject({
      type: 'clickhouse',
      host: 'localhost',
      port: 8123,
      schema: 'shop',
    });
  });
});
