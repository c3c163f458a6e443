/** `tsdbt compile --write-perf-info`: target/perf_info.json with the time of each phase. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PerfInfo } from '../../src/compile/perf-info.js';
import { copyExample, tsdbt } from '../e2e/example-project.js';

let project: ReturnType<typeof copyExample>;
const cli = (args: string[]) => tsdbt(project.dir, project.home, args);
const perfInfo = () => JSON.parse(readFileSync(path.join(project.dir, 'target', 'perf_info.json'), 'utf8')) as PerfInfo;

beforeAll(() => {
  project = copyExample();
});
afterAll(() => project?.remove());

describe('compile --write-perf-info', () => {
  it('is not written without the flag', async () => {
    expect((await cli(['compile'])).code).toBe(0);
    expect(existsSync(path.join(project.dir, 'target', 'perf_info.json'))).toBe(false);
  });

  it('names every phase in order, with times that add up to the whole', async () => {
    // A compile, not the answer from the previous one's record (compile-stamps.ts; tested in test/bench/warm-compile.test.ts).
    rmSync(path.join(project.dir, 'target', 'compile_stamps.json'), { force: true });
    const result = await cli(['compile', '--write-perf-info']);
    expect(result.code).toBe(0);
    const info = perfInfo();
    expect(info.phases.map((phase) => phase.name)).toEqual([
      'start (loading tsdbt)',
      'read project and profile',
      'read files',
      'macros, docs and generic tests',
      'property files (YAML)',
      'sources, seeds and models (parse-time render)',
      'ref() and source() resolution',
      'data tests',
      'graph',
      'cycle check',
      'partial_parse.json',
      'selection',
      'render',
      'manifest.json (build and write)',
      'target/compiled (rest of the writes)',
    ]);
    for (const phase of info.phases) expect(phase.elapsed).toBeGreaterThanOrEqual(0);
    const sum = info.phases.reduce((total, phase) => total + phase.elapsed, 0);
    expect(Math.abs(sum - info.elapsed)).toBeLessThan(0.01);
    expect(info.is_partial_parse_enabled).toBe(true);
  });

  it('counts the files read and, on the next compile, those partial parsing reused', async () => {
    const models = (await cli(['ls', '--resource-type', 'model', '--output', 'path'])).stdout.trim().split('\n').length;
    expect((await cli(['compile', '--write-perf-info'])).code).toBe(0);
    const info = perfInfo();
    // Every model, plus macros and property files.
    expect(info.path_count).toBeGreaterThan(models);
    // Nothing changed since the previous compile: every model and property file is reused.
    expect(info.reused_path_count).toBeGreaterThanOrEqual(models);
  });
});
