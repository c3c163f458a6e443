import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/core/errors.js';
import { readRunResults, readState } from '../../src/state/read-state.js';
import { catchError as caught } from '../graph/select/catch-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(relative: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
  writeFileSync(path.join(dir, relative), text);
}

describe('readState', () => {
  it('reads the manifest and, when present, the statuses of run_results.json', () => {
    write('prod/manifest.json', JSON.stringify({ metadata: { project_name: 'shop' }, nodes: { 'model.shop.a': { name: 'a' } }, sources: {}, macros: {} }));
    write('prod/run_results.json', JSON.stringify({ results: [{ unique_id: 'model.shop.a', status: 'error' }], args: { which: 'run' } }));
    const state = readState('prod', dir);
    expect(state.dir).toBe('prod');
    expect(Object.keys(state.manifest.nodes)).toEqual(['model.shop.a']);
    expect(state.manifest.metadata?.project_name).toBe('shop');
    expect([...state.results!]).toEqual([['model.shop.a', 'error']]);
  });

  it('works without run_results.json and with a manifest missing sources and macros', () => {
    write('prod/manifest.json', JSON.stringify({ nodes: {} }));
    const state = readState('prod', dir);
    expect(state.results).toBeUndefined();
    expect(state.manifest.sources).toEqual({});
    expect(state.manifest.macros).toEqual({});
  });

  it('says which folder is missing', () => {
    const error = caught(() => readState('prod', dir));
    expect(error.code).toBe(ErrorCodes.STATE_NOT_FOUND);
    expect(error.message).toBe(`The state folder 'prod' does not exist (looked for ${path.join(dir, 'prod')}).`);
    expect(error.hint).toContain('--state');
  });

  it('says the folder has no manifest.json, and how to get one', () => {
    mkdirSync(path.join(dir, 'prod'));
    const error = caught(() => readState('prod', dir));
    expect(error.code).toBe(ErrorCodes.STATE_NOT_FOUND);
    expect(error.message).toBe("The state folder 'prod' has no manifest.json.");
    expect(error.hint).toContain('target/manifest.json');
  });

  it('rejects a cut-short manifest with the file named', () => {
    write('prod/manifest.json', '{"nodes": {');
    const error = caught(() => readState('prod', dir));
    expect(error.code).toBe(ErrorCodes.STATE_INVALID);
    expect(error.file).toBe(path.join('prod', 'manifest.json'));
    expect(error.message).toMatch(/^prod\/manifest\.json is not valid JSON: /);
  });

  it('rejects JSON that is not a manifest', () => {
    write('prod/manifest.json', '[1, 2]');
    expect(caught(() => readState('prod', dir)).message).toBe('prod/manifest.json is not a manifest: it has no "nodes" mapping.');
  });
});

describe('readRunResults', () => {
  it('returns statuses, args and the time it was written', () => {
    write(
      'run_results.json',
      JSON.stringify({
        metadata: { generated_at: '2024-01-01T00:00:00Z' },
        results: [{ unique_id: 'model.shop.a', status: 'success' }, { bad: true }],
        args: { which: 'run', select: ['a'] },
      }),
    );
    const results = readRunResults(path.join(dir, 'run_results.json'), 'target/run_results.json');
    expect([...results.statuses]).toEqual([['model.shop.a', 'success']]);
    expect(results.args).toEqual({ which: 'run', select: ['a'] });
    expect(results.generatedAt).toBe('2024-01-01T00:00:00Z');
  });

  it('rejects a file without a results list', () => {
    write('run_results.json', '{}');
    const error = caught(() => readRunResults(path.join(dir, 'run_results.json'), 'target/run_results.json'));
    expect(error.code).toBe(ErrorCodes.STATE_INVALID);
    expect(error.message).toBe('target/run_results.json is not a run_results.json: it has no "results" list.');
  });
});
