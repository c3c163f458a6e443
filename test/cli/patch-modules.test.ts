/**
 * What a patched compile (tasks/compile-patch.ts) runs of the CLI bundle: the render set-up, not
 * the selection code a full compile needs. The bundle is one file (dist/cli-bundle/main.cjs), so
 * V8's coverage of it says which of tsdbt's functions a process called. And what a compile with
 * nothing changed sets up: none of the YAML reading (js-yaml included).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProject, writeFiles } from '../../bench/generate.js';
import type { PerfInfo } from '../../src/compile/perf-info.js';
import { PATCHED_PHASE } from '../../src/tasks/compile-patch.js';
import { ageProjectFiles } from '../support/age-files.js';
import { REPO_ROOT, removeProject, writeProject } from '../support/cli.js';

let dir: string;

/** `tsdbt compile --write-perf-info` in a process of its own: whether it patched, and the bundle's functions it called. */
async function compileCalling(): Promise<{ patched: boolean; reused: boolean; called: Set<string> }> {
  const coverage = mkdtempSync(path.join(dir, 'coverage-'));
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), 'compile', '--write-perf-info'], {
      cwd: dir,
      env: { ...process.env, HOME: dir, NO_COLOR: '1', NODE_V8_COVERAGE: coverage },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  expect(code).toBe(0);
  const called = new Set<string>();
  for (const file of readdirSync(coverage)) {
    const report = JSON.parse(readFileSync(path.join(coverage, file), 'utf8')) as {
      result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
    };
    for (const script of report.result.filter((entry) => entry.url.endsWith('/dist/cli-bundle/main.cjs')))
      for (const fn of script.functions) if ((fn.ranges[0]?.count ?? 0) > 0) called.add(fn.functionName.replace(/\d+$/, ''));
  }
  rmSync(coverage, { recursive: true, force: true });
  const info = JSON.parse(readFileSync(path.join(dir, 'target', 'perf_info.json'), 'utf8')) as PerfInfo;
  return {
    patched: info.phases.some((phase) => phase.name === PATCHED_PHASE),
    reused: info.phases.some((phase) => phase.name === 'nothing changed (file stamps checked)'),
    called,
  };
}

beforeAll(() => {
  dir = writeProject({});
  writeFiles(dir, generateProject({ models: 20, seed: 3 }).files);
  ageProjectFiles(dir);
});
afterAll(() => removeProject(dir));

describe('a patched compile in the CLI bundle', () => {
  it('runs the render set-up but not the selection code', async () => {
    const full = await compileCalling();
    expect(full.patched).toBe(false);
    // The probe sees them when they run.
    expect(full.called).toContain('resolveSelection');
    expect(full.called).toContain('openRenderEnvironment');
    const model = path.join(dir, 'models', 'marts', 'group_000', 'm_00019.sql');
    appendFileSync(model, '\n-- changed\n');
    ageProjectFiles(dir);
    const patched = await compileCalling();
    expect(patched.patched).toBe(true);
    expect(patched.called).toContain('patchCompile');
    expect(patched.called).toContain('openRenderEnvironment');
    expect(patched.called).not.toContain('resolveSelection');
  }, 120_000);

  it('sets up none of the YAML reading when nothing changed (the record check needs none of it)', async () => {
    /** The bundled modules of the YAML reading, by the names esbuild gives their set-up functions. */
    const yamlModules = (called: Set<string>) => [...called].filter((name) => /js-yaml|yaml-event-index|yaml-thread/.test(name));
    rmSync(path.join(dir, 'target', 'compile_stamps.json'), { force: true });
    const full = await compileCalling();
    expect(full.reused).toBe(false);
    // The probe sees them when they are set up.
    expect(yamlModules(full.called).length).toBeGreaterThan(0);
    const warm = await compileCalling();
    expect(warm.reused).toBe(true);
    expect(yamlModules(warm.called)).toEqual([]);
  }, 120_000);
});
