/**
 * The re-compile of changed models without a full parse (src/tasks/compile-patch.ts), on the
 * benchmarks' generated project: when only model bodies changed, `tsdbt compile` patches
 * manifest.json and writes the changed compiled files, and the output is byte for byte what a
 * cold compile writes; whenever a change can reach beyond a model's own entry (its config, refs,
 * a macro, YAML, a var, an env var it reads, a new, deleted or renamed file, an ephemeral model,
 * a model reading `graph`) it compiles in full, to the same output as a cold compile.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProject, writeFiles } from '../../bench/generate.js';
import type { PerfInfo } from '../../src/compile/perf-info.js';
import { PATCHED_PHASE } from '../../src/tasks/compile-patch.js';
import { type CliResult, removeProject, runCli, writeProject } from '../support/cli.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { ageProjectFiles } from '../support/age-files.js';
import { differences } from '../support/output-differences.js';

const REUSED = 'nothing changed (file stamps checked)';
type How = 'reused' | 'patched' | 'compiled';
let dir: string;

function age(): void {
  ageProjectFiles(dir);
}

/**
 * `tsdbt compile --write-perf-info`, by the CLI's entry point in this process (what is tested is the
 * record on disk and the output, not the process; the last test compares with a process of its own).
 */
async function compile(env: Record<string, string | undefined> = {}, inProcess = true): Promise<How> {
  const options = { cwd: dir, env: { HOME: dir, BENCH_SUFFIX: undefined, ...env } };
  const args = ['compile', '--write-perf-info'];
  const result: CliResult = inProcess ? await runCliInProcess(args, options) : await runCli(args, { ...options, timeoutMs: 120_000 });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toMatch(/Compiled \d+ models into target\/compiled\./);
  const info = JSON.parse(readFileSync(path.join(dir, 'target', 'perf_info.json'), 'utf8')) as PerfInfo;
  const names = info.phases.map((phase) => phase.name);
  return names.includes(REUSED) ? 'reused' : names.includes(PATCHED_PHASE) ? 'patched' : 'compiled';
}

/** target/manifest.json (its per-command fields masked) and every compiled file, by path. */
function outputs(): Map<string, string> {
  const out = new Map<string, string>();
  const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as { metadata: Record<string, unknown> };
  expect(manifest.metadata.generated_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  manifest.metadata.invocation_id = '<masked>';
  manifest.metadata.generated_at = '<masked>';
  out.set('manifest.json', JSON.stringify(manifest).replace(/"created_at":[0-9.e+]+/g, '"created_at":0'));
  const walk = (at: string, relative: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(at, entry.name), `${relative}${entry.name}/`);
      // The compiled file of a deleted model stays, after any compile (as dbt leaves it): not compared.
      else if (existsSync(path.join(dir, `${relative}${entry.name}`.replace(/^compiled\/bench\//, ''))))
        out.set(`${relative}${entry.name}`, readFileSync(path.join(at, entry.name), 'utf8'));
    }
  };
  walk(path.join(dir, 'target', 'compiled'), 'compiled/');
  return out;
}

/** What a cold compile (no target/ at all) writes, for the same files and environment. */
async function coldOutputs(env: Record<string, string | undefined> = {}, inProcess = true): Promise<Map<string, string>> {
  const kept = path.join(dir, `target-kept-${Date.now()}`);
  renameSync(path.join(dir, 'target'), kept);
  try {
    expect(await compile(env, inProcess)).toBe('compiled');
    return outputs();
  } finally {
    rmSync(path.join(dir, 'target'), { recursive: true, force: true });
    renameSync(kept, path.join(dir, 'target'));
  }
}

function edit(file: string, change: (text: string) => string): void {
  const full = path.join(dir, file);
  writeFileSync(full, change(readFileSync(full, 'utf8')));
  age();
}

/** After a change: how the next compile went, its output against a cold compile's, and that the one after reuses it. */
async function expectAfterChange(how: How, env: Record<string, string | undefined> = {}): Promise<Map<string, string>> {
  expect(await compile(env)).toBe(how);
  const after = outputs();
  expect(differences(await coldOutputs(env), after)).toEqual([]);
  expect(await compile(env)).toBe('reused');
  return after;
}

function modelFile(folder: string, index = 0): string {
  const models = readdirSync(path.join(dir, folder))
    .filter((file) => file.endsWith('.sql'))
    .sort();
  return `${folder}/${models[index]}`;
}

const marts = 'models/marts/group_000';

beforeAll(async () => {
  const generated = generateProject({ models: 40, seed: 7 });
  dir = writeProject({});
  writeFiles(dir, generated.files);
  writeFileSync(path.join(dir, 'models', 'reads_env.sql'), "select '{{ env_var('BENCH_SUFFIX', 'none') }}' as suffix\n");
  writeFileSync(path.join(dir, 'models', 'eph.sql'), "{{ config(materialized='ephemeral') }}\nselect 1 as id\n");
  writeFileSync(path.join(dir, 'models', 'uses_eph.sql'), "select id from {{ ref('eph') }}\n");
  age();
  expect(await compile()).toBe('compiled');
}, 180_000);
afterAll(() => removeProject(dir));

describe('tsdbt compile after model files changed', () => {
  it('patches one changed model: only its compiled file is written, and the output is a cold compile’s', async () => {
    expect(await compile()).toBe('reused');
    const model = modelFile(marts);
    const compiledFile = path.join(dir, 'target', 'compiled', 'bench', model);
    const other = path.join(dir, 'target', 'compiled', 'bench', modelFile(marts, 1));
    const otherTime = statSync(other).mtimeMs;
    appendFileSync(path.join(dir, model), '\n-- changed once\n');
    age();
    const after = await expectAfterChange('patched');
    expect(after.get(`compiled/bench/${model}`)).toContain('-- changed once');
    expect(readFileSync(compiledFile, 'utf8')).toContain('-- changed once');
    expect(statSync(other).mtimeMs).toBe(otherTime);
  });

  it('patches again on top of a patched manifest, and several models at once', async () => {
    for (const round of [1, 2]) {
      appendFileSync(path.join(dir, modelFile(marts, 0)), `\n-- round ${round}\n`);
      appendFileSync(path.join(dir, modelFile('models/intermediate/group_000', 0)), `\n-- round ${round}\n`);
      age();
      expect(await compile()).toBe('patched');
    }
    // An entry of the same length is written in place; the rest of the file is not written again.
    edit(modelFile(marts, 0), (text) => text.replace('-- round 2', '-- round 9'));
    expect(await compile()).toBe('patched');
    expect(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')).toContain('-- round 9');
    expect(differences(await coldOutputs(), outputs())).toEqual([]);
  });

  it('a model that uses another macro gets its new macro list; its text with Jinja is rendered again', async () => {
    edit(modelFile(marts, 2), (text) => text.replace(/\nfrom /, ",\n    {{ money('1') }} as extra_money\nfrom "));
    const after = await expectAfterChange('patched');
    expect(after.get(`compiled/bench/${modelFile(marts, 2)}`)).toContain('as extra_money');
  });

  it('compiles in full when a model’s config() changes', async () => {
    edit(modelFile(marts, 0), (text) => `{{ config(tags=['changed_tag']) }}\n${text}`);
    const after = await expectAfterChange('compiled');
    expect(after.get('manifest.json')).toContain('changed_tag');
  });

  it('leaves no copy of the manifest behind, whether it patched or gave up after the copy began', async () => {
    const temps = () => readdirSync(path.join(dir, 'target')).filter((file) => file.endsWith('.tmp'));
    appendFileSync(path.join(dir, modelFile(marts, 3)), '\n-- patched\n');
    age();
    expect(await compile()).toBe('patched');
    expect(temps()).toEqual([]);
    // A changed config() is found while rendering, after the copy was started.
    edit(modelFile(marts, 3), (text) => `{{ config(tags=['late_tag']) }}\n${text}`);
    expect(await compile()).toBe('compiled');
    expect(temps()).toEqual([]);
  });

  it('compiles in full when a model’s refs change (its parents, tests and the graph may move)', async () => {
    const parent = path.posix.basename(modelFile('models/staging/group_000', 0), '.sql');
    edit(modelFile(marts, 1), (text) => `${text}\n-- {{ ref('${parent}') }}\n`);
    await expectAfterChange('compiled');
  });

  it('compiles in full when a macro changes, and every model using it follows', async () => {
    edit('macros/amounts.sql', (text) => text.replace('round({{ column_name }}, {{ scale }})', 'roundBankers({{ column_name }}, {{ scale }})'));
    const after = await expectAfterChange('compiled');
    expect([...after.values()].some((text) => text.includes('roundBankers('))).toBe(true);
  });

  it('compiles in full when a YAML file changes (tests, descriptions)', async () => {
    const yaml = readdirSync(path.join(dir, marts)).find((file) => file.endsWith('.yml'))!;
    edit(`${marts}/${yaml}`, (text) => text.replace(/description: ([^\n]*)/, 'description: "changed description"'));
    const after = await expectAfterChange('compiled');
    expect(after.get('manifest.json')).toContain('changed description');
  });

  it('compiles in full when a changed model reads an env var, and when the env var changes', async () => {
    edit('models/reads_env.sql', (text) => `${text}-- and more\n`);
    await expectAfterChange('compiled');
    await expectAfterChange('compiled', { BENCH_SUFFIX: 'green' });
  });

  it('compiles in full when an ephemeral model changes: its SQL is inside its children’s', async () => {
    edit('models/eph.sql', (text) => text.replace('select 1 as id', 'select 2 as id'));
    const after = await expectAfterChange('compiled');
    expect(after.get('compiled/bench/models/uses_eph.sql')).toContain('select 2 as id');
  });

  it('compiles in full after a new, a deleted or a renamed model', async () => {
    writeFileSync(path.join(dir, 'models', 'brand_new.sql'), 'select 1 as one\n');
    age();
    await expectAfterChange('compiled');
    renameSync(path.join(dir, 'models', 'brand_new.sql'), path.join(dir, 'models', 'renamed_new.sql'));
    age();
    const renamed = await expectAfterChange('compiled');
    expect([...renamed.keys()]).toContain('compiled/bench/models/renamed_new.sql');
    expect([...renamed.keys()]).not.toContain('compiled/bench/models/brand_new.sql');
    rmSync(path.join(dir, 'models', 'renamed_new.sql'));
    age();
    await expectAfterChange('compiled');
  });

  it('never patches when a render read `graph` (a model may print another’s raw code)', async () => {
    const watched = modelFile(marts, 3);
    const id = `model.bench.${path.posix.basename(watched, '.sql')}`;
    writeFileSync(path.join(dir, 'models', 'reads_graph.sql'), `select {{ graph.nodes['${id}'].raw_code | length }} as code_length\n`);
    age();
    await expectAfterChange('compiled');
    appendFileSync(path.join(dir, watched), '\n-- longer now\n');
    age();
    const after = await expectAfterChange('compiled');
    expect(after.get('compiled/bench/models/reads_graph.sql')).toMatch(/select \d+ as code_length/);
    rmSync(path.join(dir, 'models', 'reads_graph.sql'));
    age();
    await expectAfterChange('compiled');
    appendFileSync(path.join(dir, watched), '\n-- and patched again\n');
    age();
    await expectAfterChange('patched');
  });

  it('compiles in full when installed packages are there', async () => {
    mkdirSync(path.join(dir, 'dbt_packages', 'pkg', 'macros'), { recursive: true });
    writeFileSync(path.join(dir, 'dbt_packages', 'pkg', 'dbt_project.yml'), 'name: pkg\nversion: "1.0.0"\n');
    age();
    await expectAfterChange('compiled');
    appendFileSync(path.join(dir, modelFile(marts, 0)), '\n-- with a package\n');
    age();
    await expectAfterChange('compiled');
    rmSync(path.join(dir, 'dbt_packages'), { recursive: true });
  });

  it('a cold compile in a process of its own writes what the in-process compiles left', async () => {
    await compile();
    expect(differences(await coldOutputs({}, false), outputs())).toEqual([]);
  });
});
