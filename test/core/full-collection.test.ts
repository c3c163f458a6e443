import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { collectParseGarbage } from '../../src/core/full-collection.js';
import { BOUNDED_FROM_FILES } from '../../src/core/heap-growth.js';
import { freshModule } from '../support/fresh-module.js';

/** A WeakRef to an object nothing else holds, made in a job of its own (a WeakRef keeps its target to the end of the job that made it). */
async function unheld(): Promise<WeakRef<object>> {
  const ref = new WeakRef({ payload: new Array(1000).fill('x') });
  await new Promise((resolve) => setImmediate(resolve));
  return ref;
}

describe('collectParseGarbage', () => {
  it('collects what nothing holds, for a large parse, without leaving gc() to anyone', async () => {
    const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
    const ref = await unheld();
    collectParseGarbage(BOUNDED_FROM_FILES);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ref.deref()).toBeUndefined();
    // The flag it sets to reach gc() is set back: neither this context nor a new one has it.
    expect(typeof (globalThis as { gc?: unknown }).gc === 'function').toBe(hasGc);
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });

  it('leaves a small parse to V8: it does not even reach for gc()', async () => {
    // A fresh copy of the module, which has not reached for gc() yet.
    const { collectParseGarbage: collectInCopy } = await freshModule<typeof import('../../src/core/full-collection.js')>('../../src/core/full-collection.js');
    const setFlags = vi.spyOn(v8, 'setFlagsFromString');
    try {
      collectInCopy(BOUNDED_FROM_FILES - 1);
      expect(setFlags).not.toHaveBeenCalled();
      collectInCopy(BOUNDED_FROM_FILES);
      expect(setFlags.mock.calls).toEqual([['--expose-gc'], ['--no-expose-gc']]);
    } finally {
      setFlags.mockRestore();
    }
  });
});
