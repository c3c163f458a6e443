import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { freshModule } from '../support/fresh-module.js';

type YoungGenerationModule = typeof import('../../src/core/young-generation.js');

// The module remembers its decision once per process: each test loads a fresh copy.
const fresh = () => freshModule<YoungGenerationModule>('../../src/core/young-generation.js');

const MIB = 1024 * 1024;
const V8_11 = '11.3.244.8-node.33';

describe('capYoungGeneration and holdYoungGeneration', () => {
  const setFlags = vi.fn<(flags: string) => void>();
  const quiet = { execArgv: [], nodeOptions: '', setFlags };
  beforeEach(() => setFlags.mockClear());

  it('holds the young generation once it reaches the cap, for a large project, at every hold', async () => {
    const { capYoungGeneration, holdYoungGeneration, YOUNG_GENERATION_CAP_BYTES } = await fresh();
    let size = 2 * MIB;
    capYoungGeneration(1000, quiet, V8_11, () => size);
    holdYoungGeneration();
    expect(setFlags, 'still below the cap: it may grow').not.toHaveBeenCalled();
    size = YOUNG_GENERATION_CAP_BYTES;
    holdYoungGeneration();
    holdYoungGeneration();
    // Set again each time: a thread started meanwhile sets the factor back to 2.
    expect(setFlags.mock.calls).toEqual([['--semi-space-growth-factor=1'], ['--semi-space-growth-factor=1']]);
  });

  it("does nothing for a small project, on a V8 it was not checked on, or against the user's own flags", async () => {
    const cases: [number, string, { execArgv?: string[]; nodeOptions?: string }][] = [
      [999, V8_11, {}],
      [10_000, '12.4.254.21-node.33', {}],
      [10_000, V8_11, { execArgv: ['--max-semi-space-size=64'] }],
      [10_000, V8_11, { execArgv: ['--semi_space_growth_factor', '4'] }],
      [10_000, V8_11, { nodeOptions: '--enable-source-maps --min-semi-space-size=8' }],
    ];
    for (const [files, v8, given] of cases) {
      const { capYoungGeneration, holdYoungGeneration, threadStarting } = await fresh();
      capYoungGeneration(files, { ...quiet, ...given }, v8, () => 64 * MIB);
      holdYoungGeneration();
      expect(threadStarting(), 'no flag for a thread when nothing is held').toBeUndefined();
    }
    expect(setFlags).not.toHaveBeenCalled();
  });

  it('waits for a thread said to be starting before it holds, and only once', async () => {
    const { capYoungGeneration, holdYoungGeneration, threadStarting } = await fresh();
    capYoungGeneration(5000, quiet, V8_11, () => 64 * MIB);
    setFlags.mockClear();
    const flag = threadStarting()!;
    expect(flag).toBeInstanceOf(Int32Array);
    Atomics.store(flag, 0, 1);
    const waited = vi.spyOn(Atomics, 'wait');
    try {
      holdYoungGeneration();
      holdYoungGeneration();
      expect(waited.mock.calls.map(([array]) => array)).toEqual([flag]);
      expect(setFlags).toHaveBeenCalledTimes(2);
    } finally {
      waited.mockRestore();
    }
  });
});

describe('withFullYoungGeneration', () => {
  const setFlags = vi.fn<(flags: string) => void>();
  const quiet = { execArgv: [], nodeOptions: '', setFlags };
  beforeEach(() => setFlags.mockClear());

  it("starts the thread with V8's largest starting size, and gives it the flag that sets it back", async () => {
    const { withFullYoungGeneration } = await fresh();
    const seen: [string[], string | undefined][] = [];
    const result = withFullYoungGeneration((reset) => (seen.push([setFlags.mock.calls.flat(), reset]), 'started'), quiet, V8_11);
    expect(result).toBe('started');
    expect(seen).toEqual([[['--min-semi-space-size=16'], '--min-semi-space-size=0']]);
  });

  it('sets it back itself when the start fails, and sets nothing elsewhere', async () => {
    const { withFullYoungGeneration } = await fresh();
    expect(() =>
      withFullYoungGeneration(
        () => {
          throw new Error('no thread');
        },
        quiet,
        V8_11,
      ),
    ).toThrow('no thread');
    expect(setFlags.mock.calls).toEqual([['--min-semi-space-size=16'], ['--min-semi-space-size=0']]);
    setFlags.mockClear();
    expect(withFullYoungGeneration((reset) => reset, quiet, '12.4.254.21-node.33')).toBeUndefined();
    expect(withFullYoungGeneration((reset) => reset, { ...quiet, execArgv: ['--min-semi-space-size=2'] }, V8_11)).toBeUndefined();
    expect(setFlags).not.toHaveBeenCalled();
  });
});

// V8 itself, in a child (the flags are the process's): the built modules cap the young generation,
// a thread's start undoes it, and the hold after the thread's start puts it back.
describe.runIf(process.versions.v8.startsWith('11.'))("on this Node's V8", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const run = async (holdAfterThread: boolean) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-young-'));
    dirs.push(dir);
    const module = (file: string) => JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'dist', file)).href);
    const script = `
      const v8 = await import('node:v8');
      const { capYoungGeneration, holdYoungGeneration } = await import(${module('core/young-generation.js')});
      const { writeFilesInBackground } = await import(${module('artifacts/write-files-in-background.js')});
      const newSpace = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
      const kept = [];
      // Texts of about 1 KB that survive, as a parse's files do: V8 grows the young generation for them.
      const text = (i) => String(i).padEnd(1000, '.');
      const survive = (count) => { for (let i = 0; i < count; i += 1) { kept.push(text(i)); if (i % 16 === 0) holdYoungGeneration(); } };
      capYoungGeneration(1000);
      survive(40_000);
      const capped = newSpace();
      const files = Array.from({ length: 600 }, (_, i) => [${JSON.stringify(dir)} + '/f' + i + '.sql', 'select ' + i]);
      const writing = writeFilesInBackground(files);
      if (process.argv[2] === 'hold') holdYoungGeneration();
      else await new Promise((resolve) => setTimeout(resolve, 300));
      for (let i = 0; i < 40_000; i += 1) kept.push(text(i));
      await writing;
      process.stdout.write(JSON.stringify({ capped, after: newSpace() }));
    `;
    // A file, not `--input-type=module -e`: threads inherit that flag, and the writing thread's code is CommonJS.
    const file = path.join(dir, 'child.mjs');
    writeFileSync(file, script);
    const { stdout } = await promisify(execFile)(process.execPath, [file, holdAfterThread ? 'hold' : 'no-hold'], {
      timeout: 120_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    return JSON.parse(stdout) as { capped: number; after: number };
  };

  it('keeps the young generation at the cap while a large parse keeps what it makes, also after a thread starts', async () => {
    const { YOUNG_GENERATION_CAP_BYTES } = await fresh();
    const held = await run(true);
    expect(held.capped).toBe(YOUNG_GENERATION_CAP_BYTES);
    expect(held.after).toBe(YOUNG_GENERATION_CAP_BYTES);
    // Without the hold after the thread's start, V8 grows it again: what the hold is for (the check can fail).
    const unheld = await run(false);
    expect(unheld.capped).toBe(YOUNG_GENERATION_CAP_BYTES);
    expect(unheld.after).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES);
  }, 150_000);
});
