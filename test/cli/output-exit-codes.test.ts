import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectYml, REPO_ROOT, removeProject, runCli, writeProject } from '../support/cli.js';
import { startHeldReply } from '../support/held-reply.js';
import { freePort } from '../support/ports.js';
import { parseLogLines } from '../report/log-schema-validator.js';

/** Exit codes (README: 0, 1, 2, 3, 130), usage errors, and what --version/--help load. Needs `npm run build`. */
let dir: string;
beforeAll(() => {
  dir = writeProject({ 'project.yml': projectYml('shop'), 'models/a.sql': 'select 1 as x\n' });
});
afterAll(() => removeProject(dir));

describe('usage errors exit 2 with a clear message', () => {
  it.each([
    [['run', '--selec', 'a'], /error: unknown option '--selec'\n\(Did you mean --select\?\)/],
    [['rn'], /error: unknown command 'rn'\n\(Did you mean run\?\)/],
    [['--log-format', 'xml', 'run'], /error: option '--log-format <format>' argument 'xml' is invalid\. Allowed choices are text, json\./],
    [['completion'], /error: missing required argument 'shell'/],
    [['run', '--threads', 'many'], /Error TSDBT1008: --threads must be a whole number from 1 to 256, but it is 'many'\./],
  ])('tsdbt %j', async (args, message) => {
    const result = await runCli(args, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('in JSON mode even a usage error is a JSON line', async () => {
    const result = await runCli(['--log-format', 'json', 'run', '--selec', 'a'], { cwd: dir });
    expect(result.code).toBe(2);
    const lines = parseLogLines(result.stderr);
    expect(lines[0]).toMatchObject({ level: 'error', event: 'usage_error', msg: "unknown option '--selec'\n(Did you mean --select?)" });
  });

  it('a project error exits 2 with file and line', async () => {
    const broken = writeProject({ 'project.yml': 'name: [oops\n' });
    try {
      const result = await runCli(['run'], { cwd: broken });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/Error TSDBT1002: project\.yml is not valid YAML/);
      expect(result.stderr).toMatch(/--> project\.yml:\d/);
    } finally {
      removeProject(broken);
    }
  });
});

describe('a database that cannot be reached exits 3', () => {
  it('logs each retry decision, and never the password, on the console or in the log file', async () => {
    const port = await freePort();
    const project = writeProject({
      'project.yml': projectYml('shop'),
      'models/a.sql': 'select 1 as x\n',
      'profiles.yml': `shop:
  target: prod
  outputs:
    prod:
      type: clickhouse
      host: 127.0.0.1
      port: ${port}
      user: default
      password: "{{ env_var('SHOP_PASSWORD') }}"
      schema: shop
      retries: 2
      connect_timeout: 2
`,
    });
    try {
      const env = { SHOP_PASSWORD: 'hunter2-secret' };
      const result = await runCli(['run', '--log-format', 'json', '--vars', '{note: hunter2-secret}'], { cwd: project, env });
      expect(result.code).toBe(3);
      const lines = parseLogLines(result.stderr);
      expect(lines.filter((line) => line.event === 'retry').map((line) => [line.attempt, line.retries, line.delay_ms, line.reason])).toEqual([
        [1, 2, 100, 'ECONNREFUSED'],
        [2, 2, 200, 'ECONNREFUSED'],
      ]);
      expect(lines.at(-1)).toMatchObject({ level: 'error', event: 'error', code: 'TSDBT4001' });
      const log = readFileSync(path.join(project, 'logs', 'tsdbt.log'), 'utf8');
      expect(log).toMatch(/\[warn \] retry: 127\.0\.0\.1:\d+ did not take the request \(ECONNREFUSED\); retry 2 of 2 in 200 ms\./);
      // The secret is in the command line (--vars) as well as the profile: both are cut.
      expect(log).toContain('--vars {note: ****}');
      expect(result.stderr + result.stdout + log).not.toContain('hunter2');
    } finally {
      removeProject(project);
    }
  });
});

describe('an interrupted run exits 130', () => {
  it('finishes the statement in flight, skips what had not started, and says so in the summary', async () => {
    // The statement's rows come from a reply held back until the run has taken the SIGINT, so the
    // statement is still in flight then, however the machine is loaded.
    const held = await startHeldReply('1\n2\n3\n4\n');
    const project = writeProject({
      'project.yml': projectYml('slow'),
      // One statement that waits for the held reply, then a child that must not start.
      'models/slow.sql': `{{ config(materialized='table') }}\nselect x from url('${held.url}', 'CSV', 'x UInt64') settings http_receive_timeout = 600\n`,
      'models/after.sql': "select * from {{ ref('slow') }}\n",
    });
    try {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), 'run', '--threads', '1'], {
        cwd: project,
        env: { ...process.env, NO_COLOR: '1', TSDBT_PROFILES_DIR: undefined },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      const code = await new Promise<number | null>((resolve) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('START sql table model slow.slow') && !child.killed) child.kill('SIGINT');
          if (stderr.includes('SIGINT received: finishing the statements in flight')) held.release();
        });
        child.on('close', resolve);
      });
      expect(code).toBe(130);
      expect(stderr).toMatch(/SKIP relation slow\.after/);
      expect(stderr).toMatch(/OK created sql table model slow\.slow/);
      expect(stderr).toContain('Interrupted: nodes not yet started were skipped.');
      expect(stderr).toContain('Done. PASS=1 WARN=0 ERROR=0 SKIP=1 TOTAL=2');
    } finally {
      await held.close();
      removeProject(project);
    }
  });
});

describe('tsdbt --version and --help', () => {
  it('--version names tsdbt, chDB and the client, read from package.json files', async () => {
    const result = await runCli(['--version'], { cwd: dir });
    const pkg = (name: string) => (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    const own = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `tsdbt ${own}\n  chdb ${pkg('chdb')} (embedded ClickHouse)\n  @clickhouse/client ${pkg('@clickhouse/client')}\n  node ${process.versions.node}\n`,
    );
  });

  it.each([[['--version']], [['--help']], [['run', '--help']], [['build', '--help']], [['completion', '--help']], [[]]])(
    'tsdbt %j loads neither chDB, the ClickHouse client nor nunjucks',
    async (args) => {
      const loaded = await modulesLoadedBy(args);
      expect(loaded.filter((name) => /chdb|@clickhouse|nunjucks/.test(name))).toEqual([]);
      // Proves the probe sees package loads at all; `--version` alone is answered by bin/tsdbt without even commander.
      if (args.join(' ') !== '--version') expect(loaded).toContain('commander');
    },
  );

  it('the probe sees a bundled package that runs: a parsing ls runs nunjucks', async () => {
    const project = writeProject({
      'project.yml': projectYml('shop'),
      'macros/m.sql': '{% macro m() %}1{% endmacro %}',
      'models/a.sql': 'select {{ m() }} as x\n',
    });
    try {
      expect(await modulesLoadedBy(['ls'], project)).toContain('nunjucks');
    } finally {
      removeProject(project);
    }
  });

  it('--help lists every command with a line each; no command prints the help and exits 0', async () => {
    const help = await runCli(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    for (const command of ['init', 'debug', 'compile', 'run', 'seed', 'test', 'build', 'show', 'ls|list', 'clean', 'completion']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command.replace('|', '\\|')} {2,}\\S`, 'm'));
    }
    expect(help.stdout).toContain('--log-format <format>');
    const bare = await runCli([], { cwd: dir });
    expect(bare.code).toBe(0);
    expect(bare.stderr).toContain('Usage: tsdbt [options] [command]');
  });

  it("a command's help shows its options and the global ones", async () => {
    const help = await runCli(['run', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--select <selector...>');
    expect(help.stdout).toMatch(/Global Options:[\s\S]*--log-format <format>/);
  });
});

/**
 * Bare package names of the node_modules code a CLI invocation loaded (package.json reads do not
 * count): the installed ones from require's cache, and those bundled into dist/cli-bundle/main.cjs
 * (commander, nunjucks…) from V8's coverage of it: a bundled package ran when one of the functions
 * esbuild wraps its files in (named for the file) was called.
 */
async function modulesLoadedBy(args: string[], cwd: string = dir): Promise<string[]> {
  const hook = path.join(dir, 'loaded-hook.mjs');
  writeFileSync(
    hook,
    `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
process.on('exit', () => {
  const names = Object.keys(require.cache).filter((key) => key.includes('node_modules') && !key.endsWith('package.json'))
    .map((key) => key.slice(key.lastIndexOf('node_modules/') + 13).split('/'))
    .map((parts) => (parts[0].startsWith('@') ? parts[0] + '/' + parts[1] : parts[0]));
  process.stderr.write('LOADED:' + JSON.stringify([...new Set(names)]) + '\\n');
});
`,
  );
  const coverage = mkdtempSync(path.join(dir, 'coverage-'));
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', hook, path.join(REPO_ROOT, 'bin', 'tsdbt'), ...args], {
      cwd,
      env: { ...process.env, NODE_V8_COVERAGE: coverage },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  const match = /LOADED:(.*)/.exec(stderr);
  if (match === null) throw new Error(`no module list in: ${stderr}`);
  const names = new Set(JSON.parse(match[1]!) as string[]);
  let sawBundle = false;
  for (const file of readdirSync(coverage)) {
    const report = JSON.parse(readFileSync(path.join(coverage, file), 'utf8')) as {
      result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
    };
    for (const script of report.result.filter((entry) => entry.url.endsWith('/dist/cli-bundle/main.cjs'))) {
      sawBundle = true;
      for (const fn of script.functions) {
        const bundled = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(fn.functionName);
        if (bundled !== null && (fn.ranges[0]?.count ?? 0) > 0) names.add(bundled[1]!);
      }
    }
  }
  rmSync(coverage, { recursive: true, force: true });
  if (!sawBundle && args.join(' ') !== '--version') throw new Error(`no coverage of the CLI bundle for ${args.join(' ')}`);
  return [...names];
}
