/**
 * `npm run build` is incremental (tsc -b keeps dist/tsconfig.build.tsbuildinfo), and tsc would not
 * write again an output someone deleted; scripts/forget-stale-build-info.mjs removes the record
 * when a source has no output, so the next build writes everything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

let root: string;
const record = () => path.join(root, 'dist', 'tsconfig.build.tsbuildinfo');
function write(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
}
function forget(): string {
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'forget-stale-build-info.mjs'), root], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-build-info-'));
  write({
    'src/index.ts': '',
    'src/cli/load.cts': '',
    'src/core/types.d.ts': '',
    'src/docs/client/page.ts': '',
    'dist/index.js': '',
    'dist/cli/load.cjs': '',
    'dist/tsconfig.build.tsbuildinfo': '{}',
  });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('forget-stale-build-info', () => {
  it('keeps the record while every source has its output (declarations and the browser script have none)', () => {
    expect(forget()).toBe('');
    expect(existsSync(record())).toBe(true);
  });

  it('removes the record when an output is gone, naming it', () => {
    rmSync(path.join(root, 'dist', 'cli', 'load.cjs'));
    expect(forget()).toContain(path.join('dist', 'cli', 'load.cjs'));
    expect(existsSync(record())).toBe(false);
  });

  it('does nothing without a record (the first build)', () => {
    rmSync(record());
    rmSync(path.join(root, 'dist', 'index.js'));
    expect(forget()).toBe('');
  });
});
