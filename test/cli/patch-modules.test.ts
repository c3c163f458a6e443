/**
 * What the CLI bundle loads for a patched compile (tasks/compile-patch.ts): the render set-up,
 * not the selection, state and graph-selection code a full compile needs. Each chunk of the
 * bundle names the modules it holds (`// dist/<module>.js` lines, esbuild's), so the files a
 * process imported say which of tsdbt's modules it loaded.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProject, writeFiles } from '../../bench/generate.js';
import type { PerfInfo } from '../../src/compile/perf-info.js';
import { PATCHED_PHASE } from '../../src/tasks/compile-patch.js';
import { ageProjectFiles } from '../support/age-files.js';
import { REPO_ROOT, removeProject, writeProject } from '../support/cli.js';

let dir: string;

/** `tsdbt compile --write-perf-info` in a process of its own: whether it patched, and tsdbt's modules it loaded. */
async function compileLoading(): Promise<{ patched: boolean; modules: Set<string> }> {
  const log = path.join(dir, `imported-${Date.now()}.txt`);
  writeFileSync(log, '');
  const resolveHook = path.join(dir, 'resolve-hook.mjs');
  writeFileSync(
    resolveHook,
    `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + '\\n');
  return result;
}
`,
  );
  const hook = path.join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(resolveHook).href)}, { data: { log: ${JSON.stringify(log)} } });\n`,
  );
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', hook, path.join(REPO_ROOT, 'bin', 'tsdbt'), 'compile', '--write-perf-info'], {
      cwd: dir,
      env: { ...process.env, HOME: dir, NO_COLOR: '1' },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  expect(code).toBe(0);
  const modules = new Set<string>();
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    if (!url.startsWith('file:') || !url.includes('/dist/cli-bundle/')) continue;
    for (const match of readFileSync(fileURLToPath(url), 'utf8').matchAll(/^\/\/ (dist\/\S+\.js)$/gm)) modules.add(match[1]!);
  }
  const info = JSON.parse(readFileSync(path.join(dir, 'target', 'perf_info.json'), 'utf8')) as PerfInfo;
  return { patched: info.phases.some((phase) => phase.name === PATCHED_PHASE), modules };
}

beforeAll(() => {
  dir = writeProject({});
  writeFiles(dir, generateProject({ models: 20, seed: 3 }).files);
  ageProjectFiles(dir);
});
afterAll(() => removeProject(dir));

describe('a patched compile in the CLI bundle', () => {
  it('loads the render set-up but not the selection, state or graph-selection code', async () => {
    const full = await compileLoading();
    expect(full.patched).toBe(false);
    // The probe sees them when they are loaded.
    expect(full.modules).toContain('dist/tasks/selection.js');
    expect(full.modules).toContain('dist/tasks/compile.js');
    const model = path.join(dir, 'models', 'marts', 'group_000', 'm_00019.sql');
    appendFileSync(model, '\n-- changed\n');
    ageProjectFiles(dir);
    const patched = await compileLoading();
    expect(patched.patched).toBe(true);
    expect(patched.modules).toContain('dist/tasks/compile-patch.js');
    expect(patched.modules).toContain('dist/compile/render-environment.js');
    const unneeded = [...patched.modules].filter((module) => /^dist\/(tasks\/(compile|selection)\.js|state\/|graph\/select\/)/.test(module));
    expect(unneeded).toEqual([]);
  }, 120_000);
});
