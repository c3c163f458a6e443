import { createRequire } from 'node:module';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { freshModule } from '../support/fresh-module.js';

type HeapGrowthModule = typeof import('../../src/core/heap-growth.js');

// The module remembers its decision once per process: each test loads a fresh copy.
const fresh = () => freshModule<HeapGrowthModule>('../../src/core/heap-growth.js');

describe('limitHeapGrowth', () => {
  const setFlags = vi.fn<(flags: string) => void>();
  const quiet = { execArgv: [], nodeOptions: '', setFlags };
  beforeEach(() => setFlags.mockClear());

  it("sets V8's heap growing percent once per process, for a large project", async () => {
    const { BOUNDED_FROM_FILES, HEAP_GROWING_PERCENT, limitHeapGrowth } = await fresh();
    limitHeapGrowth(BOUNDED_FROM_FILES, quiet);
    limitHeapGrowth(BOUNDED_FROM_FILES * 5, quiet);
    expect(setFlags.mock.calls).toEqual([[`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]]);
  });

  it('leaves a small project to V8 (and does not load node:v8 for it)', async () => {
    const { BOUNDED_FROM_FILES, limitHeapGrowth } = await fresh();
    limitHeapGrowth(0, quiet);
    limitHeapGrowth(BOUNDED_FROM_FILES - 1, quiet);
    expect(setFlags).not.toHaveBeenCalled();
  });

  it("leaves the growth to the user's own flag, given on the command line or in NODE_OPTIONS", async () => {
    const { BOUNDED_FROM_FILES, limitHeapGrowth } = await fresh();
    limitHeapGrowth(BOUNDED_FROM_FILES, { ...quiet, execArgv: ['--heap-growing-percent=200'] });
    limitHeapGrowth(BOUNDED_FROM_FILES, { ...quiet, execArgv: ['--heap_growing_percent', '200'] });
    limitHeapGrowth(BOUNDED_FROM_FILES, { ...quiet, nodeOptions: '--max-old-space-size=4096 --heap-growing-percent=10' });
    expect(setFlags).not.toHaveBeenCalled();
    // Other flags are not the user's choice of this one.
    limitHeapGrowth(BOUNDED_FROM_FILES, { ...quiet, execArgv: ['--max-old-space-size=4096', '--heap-growing-percentage'], nodeOptions: '--expose-gc' });
    expect(setFlags).toHaveBeenCalledTimes(1);
  });

  it("sets the flag through this process's node:v8 by default", async () => {
    const { BOUNDED_FROM_FILES, HEAP_GROWING_PERCENT, limitHeapGrowth } = await fresh();
    const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
    // Not passed on to V8: the value is process-wide, and this worker runs other tests.
    const spy = vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
    try {
      limitHeapGrowth(BOUNDED_FROM_FILES, undefined);
      // Unless this worker's Node was started with the flag, which the default context reads.
      if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) {
        expect(spy.mock.calls).toEqual([[`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]]);
      }
    } finally {
      spy.mockRestore();
    }
  });
});

describe('growingPercent', () => {
  it('is HEAP_GROWING_PERCENT up to SCALED_FROM_FILES model files, then grows more slowly than the project', async () => {
    const { HEAP_GROWING_PERCENT, SCALED_FROM_FILES, growingPercent } = await fresh();
    expect(growingPercent(1000)).toBe(HEAP_GROWING_PERCENT);
    expect(growingPercent(SCALED_FROM_FILES)).toBe(HEAP_GROWING_PERCENT);
    expect(growingPercent(2 * SCALED_FROM_FILES)).toBe(76);
    // 50,000 models: 131%, not 250% (the peak stays under five times the 10,000-model one).
    expect(growingPercent(5 * SCALED_FROM_FILES)).toBe(131);
  });

  it('is what a large project sets', async () => {
    const { SCALED_FROM_FILES, growingPercent, limitHeapGrowth } = await fresh();
    const setFlags = vi.fn<(flags: string) => void>();
    limitHeapGrowth(3 * SCALED_FROM_FILES, { execArgv: [], nodeOptions: '', setFlags });
    expect(setFlags.mock.calls).toEqual([[`--heap-growing-percent=${growingPercent(3 * SCALED_FROM_FILES)}`]]);
  });
});

describe('givenByUser', () => {
  it('recognises the flag with either spelling, with or without a value', async () => {
    const { givenByUser } = await fresh();
    expect(givenByUser(['--heap-growing-percent=30'], '')).toBe(true);
    expect(givenByUser([], '  --heap_growing_percent=30 ')).toBe(true);
    expect(givenByUser(['--max-semi-space-size=8'], '--expose-gc')).toBe(false);
  });
});
