/**
 * The warm path of `tsdbt compile` (src/tasks/compile-stamps.ts) on the benchmarks' generated
 * project: with nothing changed the command answers from target/compile_stamps.json and writes
 * nothing; after any change that can alter the output (a model, a macro, a var, an env var the
 * models read, project.yml, the profile, a new file, a lost output) it compiles, and its output
 * is byte for byte that of a cold compile. Times are the benchmarks' business, not this test's.
 */
import { hash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProject, writeFiles } from '../../bench/generate.js';
import type { PerfInfo } from '../../src/compile/perf-info.js';
import { PROJECT_FILE_NAMES } from '../../src/config/project-config.js';
import { PROJECT_FILES, targetPathOf } from '../../src/tasks/compile-stamps.js';
import { type CliResult, removeProject, runCli, writeProject } from '../support/cli.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { ageProjectFiles } from '../support/age-files.js';
import { differences } from '../support/output-differences.js';

const REUSED = 'nothing changed (file stamps checked)';
let dir: string;

function age(): void {
  ageProjectFiles(dir);
}

/**
 * `tsdbt compile --write-perf-info …`, by the CLI's entry point in this process (what is tested is the
 * record on disk and the output, not the process; the last test of the first block compares with a process of its own).
 */
async function compile(
  args: string[] = [],
  env: Record<string, string | undefined> = {},
  inProcess = true,
): Promise<{ reused: boolean; stdout: string; stderr: string }> {
  const options = { cwd: dir, env: { HOME: dir, BENCH_SUFFIX: undefined, ...env } };
  const command = ['compile', '--write-perf-info', ...args];
  const result: CliResult = inProcess ? await runCliInProcess(command, options) : await runCli(command, { ...options, timeoutMs: 120_000 });
  expect(result.code, result.stderr).toBe(0);
  const info = JSON.parse(readFileSync(path.join(dir, 'target', 'perf_info.json'), 'utf8')) as PerfInfo;
  return { reused: info.phases.some((phase) => phase.name === REUSED), stdout: result.stdout, stderr: result.stderr };
}

/** target/manifest.json (its per-command fields masked) and every compiled file, by path. */
function outputs(): Map<string, string> {
  const out = new Map<string, string>();
  const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as { metadata: Record<string, unknown> };
  manifest.metadata.invocation_id = '<masked>';
  manifest.metadata.generated_at = '<masked>';
  // Each node's parse time (dbt's `created_at`) is per command too.
  out.set('manifest.json', JSON.stringify(manifest).replace(/"created_at":[0-9.e+]+/g, '"created_at":0'));
  const walk = (at: string, relative: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(at, entry.name), `${relative}${entry.name}/`);
      else out.set(`${relative}${entry.name}`, readFileSync(path.join(at, entry.name), 'utf8'));
    }
  };
  walk(path.join(dir, 'target', 'compiled'), 'compiled/');
  return out;
}

/** What a cold compile (no target/ at all) writes, for the same files and environment. */
async function coldOutputs(env: Record<string, string | undefined> = {}, args: string[] = [], inProcess = true): Promise<Map<string, string>> {
  const kept = path.join(dir, `target-kept-${Date.now()}`);
  renameSync(path.join(dir, 'target'), kept);
  try {
    expect((await compile(args, env, inProcess)).reused).toBe(false);
    return outputs();
  } finally {
    rmSync(path.join(dir, 'target'), { recursive: true, force: true });
    renameSync(kept, path.join(dir, 'target'));
  }
}

/** The modification time of every file under target/compiled/bench, by path. */
function compiledTimes(): Map<string, number> {
  const root = path.join(dir, 'target', 'compiled', 'bench');
  return new Map(
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const full = path.join(entry.parentPath, entry.name);
        return [path.relative(root, full), statSync(full).mtimeMs] as const;
      }),
  );
}

function edit(file: string, change: (text: string) => string): void {
  const full = path.join(dir, file);
  writeFileSync(full, change(readFileSync(full, 'utf8')));
  age();
}

const modelsUsing = (needle: string) =>
  [...outputs().keys()].filter(
    (file) => file.endsWith('.sql') && readFileSync(path.join(dir, file.replace(/^compiled\/bench\//, '')), 'utf8').includes(needle),
  );

beforeAll(async () => {
  const generated = generateProject({ models: 40, seed: 7 });
  dir = writeProject({});
  writeFiles(dir, generated.files);
  mkdirSync(path.join(dir, 'dbt_packages', 'pkg', 'macros'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'reads_env.sql'), "select '{{ env_var('BENCH_SUFFIX', 'none') }}' as suffix\n");
  age();
  expect((await compile()).reused).toBe(false);
}, 180_000);
afterAll(() => removeProject(dir));

describe('tsdbt compile, warm', () => {
  it('writes nothing when nothing changed, and says what the compile it reuses said', async () => {
    const before = outputs();
    const manifestTime = statSync(path.join(dir, 'target', 'manifest.json')).mtimeMs;
    const warm = await compile();
    expect(warm.reused).toBe(true);
    expect(warm.stderr).toContain('Compiled 41 models into target/compiled.');
    expect(statSync(path.join(dir, 'target', 'manifest.json')).mtimeMs).toBe(manifestTime);
    expect(differences(outputs(), before)).toEqual([]);
    expect(differences(await coldOutputs(), before)).toEqual([]);
  });

  it('prints the selected models from their compiled files, as a compile does', async () => {
    const cold = await compile(['--select', 'reads_env']);
    const warm = await compile(['--select', 'reads_env']);
    expect(cold.reused).toBe(false);
    expect(warm.reused).toBe(true);
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.stdout).toContain("select 'none' as suffix");
  });

  it('compiles again after a model changed, to what a cold compile writes', async () => {
    await compile();
    const model = readdirSync(path.join(dir, 'models', 'marts', 'group_000')).find((file) => file.endsWith('.sql'))!;
    const timesBefore = compiledTimes();
    appendFileSync(path.join(dir, 'models', 'marts', 'group_000', model), '\n-- changed\n');
    age();
    const warm = await compile();
    expect(warm.reused).toBe(false);
    const after = outputs();
    expect(after.get(`compiled/bench/models/marts/group_000/${model}`)).toContain('-- changed');
    // Only the changed model's compiled file was written again.
    const timesAfter = compiledTimes();
    expect([...timesAfter.keys()].filter((file) => timesAfter.get(file) !== timesBefore.get(file))).toEqual([`models/marts/group_000/${model}`]);
    expect(differences(await coldOutputs(), after)).toEqual([]);
  });

  it('still reuses when a file was only touched (same bytes, new time)', async () => {
    await compile();
    const later = new Date(Date.now() - 60_000);
    utimesSync(path.join(dir, 'macros', 'amounts.sql'), later, later);
    expect((await compile()).reused).toBe(true);
  });

  it('checks a touched file against the sums of its own compile only (compile_sums.json)', async () => {
    await compile();
    const sumsFile = path.join(dir, 'target', 'compile_sums.json');
    const kept = readFileSync(sumsFile, 'utf8');
    const sums = JSON.parse(kept) as { id: string };
    expect(readFileSync(path.join(dir, 'target', 'compile_stamps.json'), 'utf8')).toContain(`"sumsId":"${sums.id}"`);
    // The same sums under another compile's name: not trusted, so a touched file counts as changed.
    writeFileSync(sumsFile, JSON.stringify({ ...sums, id: 'another compile' }));
    const later = new Date(Date.now() - 50_000);
    utimesSync(path.join(dir, 'macros', 'amounts.sql'), later, later);
    expect((await compile()).reused).toBe(false);
    expect((await compile()).reused).toBe(true);
    rmSync(sumsFile);
    utimesSync(path.join(dir, 'macros', 'amounts.sql'), new Date(Date.now() - 40_000), new Date(Date.now() - 40_000));
    expect((await compile()).reused).toBe(false);
    expect(existsSync(sumsFile)).toBe(true);
  });

  it('a record of this format but of another shape (written by hand, cut short) makes it compile, not fail', async () => {
    await compile();
    const record = path.join(dir, 'target', 'compile_stamps.json');
    const kept = readFileSync(record, 'utf8');
    const withoutPatchedSums = JSON.stringify({ ...(JSON.parse(kept) as object), patchedSums: null });
    const withShortNewline = JSON.stringify({ ...(JSON.parse(kept) as object), newline: '1' });
    for (const text of ['{"format":3}', '{"format":3,"columnsId":"x","newline":""}', withoutPatchedSums, withShortNewline]) {
      writeFileSync(record, text);
      expect((await compile()).reused).toBe(false);
      expect((await compile()).reused).toBe(true);
    }
  });

  it('checks the columns of its own compile only (compile_stamps.bin): another, a damaged or no columns file compiles', async () => {
    await compile();
    const columns = path.join(dir, 'target', 'compile_stamps.bin');
    const kept = readFileSync(columns);
    // Another compile's columns: the same bytes under another id.
    const foreign = Buffer.from(kept);
    const idAt = kept.indexOf('{"id":"') + '{"id":"'.length;
    foreign[idAt] = kept[idAt] === 0x58 ? 0x59 : 0x58;
    const cut = kept.subarray(0, kept.length - 8);
    const damaged = Buffer.from(kept);
    damaged.writeDoubleLE(1e6, kept.length - 8 * 3);
    for (const bytes of [foreign, cut, damaged, undefined]) {
      if (bytes === undefined) rmSync(columns);
      else writeFileSync(columns, bytes);
      expect((await compile()).reused).toBe(false);
      expect((await compile()).reused).toBe(true);
    }
  });

  it('a model touched after a patched compile is checked against the sum that compile took', async () => {
    await compile();
    const model = path.join(
      dir,
      'models',
      'marts',
      'group_000',
      readdirSync(path.join(dir, 'models', 'marts', 'group_000')).find((file) => file.endsWith('.sql'))!,
    );
    appendFileSync(model, '\n-- patched then touched\n');
    age();
    expect((await compile()).reused).toBe(false);
    expect(readFileSync(path.join(dir, 'target', 'compile_stamps.json'), 'utf8')).toContain('"patchedSums"');
    const later = new Date(Date.now() - 30_000);
    utimesSync(model, later, later);
    expect((await compile()).reused).toBe(true);
    appendFileSync(model, '-- and changed again\n');
    utimesSync(model, later, later);
    expect((await compile()).reused).toBe(false);
    expect(readFileSync(path.join(dir, 'target', 'compiled', 'bench', path.relative(dir, model)), 'utf8')).toContain('-- and changed again');
  });

  it('a changed macro recompiles every model that uses it', async () => {
    await compile();
    const users = modelsUsing('money(');
    expect(users.length).toBeGreaterThan(3);
    edit('macros/amounts.sql', (text) => text.replace('round({{ column_name }}, {{ scale }})', 'roundBankers({{ column_name }}, {{ scale }})'));
    expect((await compile()).reused).toBe(false);
    const after = outputs();
    for (const file of users) expect(after.get(file)).toContain('roundBankers(');
    expect(differences(await coldOutputs(), after)).toEqual([]);
  });

  it('a changed var (project.yml or --vars) recompiles what reads it', async () => {
    await compile();
    edit('project.yml', (text) => text.replace('categories: [books, games', 'categories: [films, games'));
    expect((await compile()).reused).toBe(false);
    const after = outputs();
    expect([...after.values()].some((text) => text.includes("'films'"))).toBe(true);
    expect([...after.values()].some((text) => text.includes("'books'"))).toBe(false);
    expect(differences(await coldOutputs(), after)).toEqual([]);
    expect((await compile(['--vars', '{categories: [books]}'])).reused).toBe(false);
    expect((await compile(['--vars', '{categories: [books]}'])).reused).toBe(true);
    expect((await compile()).reused).toBe(false);
  });

  it('a changed env var recompiles what reads it; an unrelated one does not', async () => {
    await compile();
    expect((await compile([], { SOME_UNRELATED_VARIABLE: 'x' })).reused).toBe(true);
    expect((await compile([], { BENCH_SUFFIX: 'blue' })).reused).toBe(false);
    expect(outputs().get('compiled/bench/models/reads_env.sql')).toContain("'blue'");
    expect(differences(await coldOutputs({ BENCH_SUFFIX: 'blue' }), outputs())).toEqual([]);
    expect((await compile([], { BENCH_SUFFIX: 'blue' })).reused).toBe(true);
    expect((await compile([], { TSDBT_FAST_TEMPLATES: 'code', BENCH_SUFFIX: 'blue' })).reused).toBe(false);
  });

  it('a changed profile, a new file or a lost output compiles again', async () => {
    await compile();
    edit('profiles.yml', (text) => `${text}\n`);
    expect((await compile()).reused).toBe(false);
    expect((await compile()).reused).toBe(true);
    writeFileSync(path.join(dir, 'models', 'brand_new.sql'), 'select 1 as one\n');
    age();
    expect((await compile()).reused).toBe(false);
    expect((await compile()).reused).toBe(true);
    rmSync(path.join(dir, 'target', 'compiled', 'bench', 'models', 'brand_new.sql'));
    expect((await compile()).reused).toBe(false);
    expect(existsSync(path.join(dir, 'target', 'compiled', 'bench', 'models', 'brand_new.sql'))).toBe(true);
  });

  it('sees a compiled file rewritten in place (same size, new time) and compiles it again; the check leaves the working folder as it was', async () => {
    await compile();
    const compiled = path.join(dir, 'target', 'compiled', 'bench', 'models', 'reads_env.sql');
    const text = readFileSync(compiled, 'utf8');
    writeFileSync(compiled, text.toUpperCase());
    expect(readFileSync(compiled, 'utf8')).not.toBe(text);
    const workingFolder = process.cwd();
    expect((await compile()).reused).toBe(false);
    expect(process.cwd()).toBe(workingFolder);
    expect(readFileSync(compiled, 'utf8')).toBe(text);
    expect((await compile()).reused).toBe(true);
  });

  it('reads no folder while their stamps hold, and still sees a file added in a new folder', async () => {
    // Folders changed less than a second before a compile are not vouched for.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    edit('profiles.yml', (text) => `${text}\n`);
    expect((await compile()).reused).toBe(false);
    const record = JSON.parse(readFileSync(path.join(dir, 'target', 'compile_stamps.json'), 'utf8')) as { folders?: Record<string, unknown> };
    expect(Object.keys(record.folders ?? {})).toContain('models/');
    expect((await compile()).reused).toBe(true);
    mkdirSync(path.join(dir, 'models', 'marts', 'deeper'), { recursive: true });
    writeFileSync(path.join(dir, 'models', 'marts', 'deeper', 'added.sql'), 'select 2 as two\n');
    age();
    expect((await compile()).reused).toBe(false);
    expect(existsSync(path.join(dir, 'target', 'compiled', 'bench', 'models', 'marts', 'deeper', 'added.sql'))).toBe(true);
    expect((await compile()).reused).toBe(true);
  });

  it('an installed package that changed compiles again', async () => {
    writeFileSync(path.join(dir, 'dbt_packages', 'pkg', 'macros', 'helpers.sql'), '{% macro helper() %}1{% endmacro %}\n', { flag: 'w' });
    age();
    await compile();
    expect((await compile()).reused).toBe(true);
    edit('dbt_packages/pkg/macros/helpers.sql', (text) => text.replace('1', '2'));
    expect((await compile()).reused).toBe(false);
  });

  it('keeps neither a secret nor its hash in the record', async () => {
    const secret = 'hunter2-warm-compile';
    await compile([], { TSDBT_ENV_SECRET_TOKEN: secret });
    const record = readFileSync(path.join(dir, 'target', 'compile_stamps.json'), 'utf8');
    expect(record).toContain('TSDBT_ENV_SECRET_TOKEN');
    for (const encoding of ['hex', 'base64url', 'base64'] as const) expect(record).not.toContain(hash('sha1', secret, encoding));
    expect(record).not.toContain(secret);
    expect((await compile([], { TSDBT_ENV_SECRET_TOKEN: secret })).reused).toBe(true);
    expect((await compile([])).reused).toBe(false);
  });

  it('a cold compile in a process of its own writes what the in-process compiles left, and says the same', async () => {
    const said = (stderr: string) => stderr.match(/Compiled \d+ models into target\/compiled\./g);
    const here = await compile();
    const cold = await compile([], {}, false);
    expect(cold.reused).toBe(false);
    expect(said(cold.stderr)).toHaveLength(1);
    expect(said(here.stderr)).toEqual(said(cold.stderr));
    expect(differences(await coldOutputs({}, [], false), outputs())).toEqual([]);
    // The record is this process's again (a record from dist/'s build is not this build's), for the next test.
    await compile();
    expect((await compile()).reused).toBe(true);
  });

  it('a process of its own reuses the record, under --pending-deprecation too, without a warning (fast-stat.ts asks Node for its binding only when that is silent)', async () => {
    await compile([], {}, false);
    const warm = await compile([], {}, false);
    expect(warm.reused).toBe(true);
    const pending = await compile([], { NODE_OPTIONS: '--pending-deprecation' }, false);
    expect(pending.reused).toBe(true);
    expect(pending.stderr).not.toMatch(/Deprecation|DEP0/);
    const untimed = (stderr: string) => stderr.replace(/\d\d:\d\d:\d\d/g, '<time>');
    expect(untimed(pending.stderr)).toBe(untimed(warm.stderr));
    await compile();
    expect((await compile()).reused).toBe(true);
  });

  it('a process of its own answers without loading node:crypto (its invocation id only tags log lines)', async () => {
    await compile([], {}, false);
    const preload = path.join(dir, 'target', 'module-list.cjs');
    const list = path.join(dir, 'target', 'module-list.txt');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`);
    const warm = await compile([], { NODE_OPTIONS: `--require ${preload}` }, false);
    expect(warm.reused).toBe(true);
    const loaded = readFileSync(list, 'utf8').split('\n');
    expect(loaded).toContain('NativeModule fs');
    expect(loaded).not.toContain('NativeModule crypto');
    rmSync(preload);
    rmSync(list);
    await compile();
  });

  it('never vouches for a compile that read the clock or the invocation id', async () => {
    writeFileSync(path.join(dir, 'models', 'stamped.sql'), "select '{{ invocation_id }}' as id\n");
    age();
    expect((await compile()).reused).toBe(false);
    expect((await compile()).reused).toBe(false);
    rmSync(path.join(dir, 'models', 'stamped.sql'));
  });
});

describe('finding the record', () => {
  it('looks for the project files findProject looks for', () => {
    expect([...PROJECT_FILES]).toEqual([...PROJECT_FILE_NAMES]);
  });

  it('reads only a plain target-path', () => {
    expect(targetPathOf('name: x\n')).toBe('target');
    expect(targetPathOf('name: x\ntarget-path: "build/out" # here\n')).toBe('build/out');
    expect(targetPathOf('target-path: \'{{ env_var("X") }}\'\n')).toBeUndefined();
  });
});
