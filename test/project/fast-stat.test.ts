/**
 * The record checks' stat (src/project/fast-stat.ts): through Node's binding it must give exactly
 * what `statSync` gives (a recorded mtimeMs compares equal), and a binding that answers anything
 * else is not used.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fastStatOf, statThroughBinding, statThroughNode, warnsOfPendingDeprecations, type StatBinding } from '../../src/project/fast-stat.js';
import { statOf } from '../../src/project/file-stamps.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-fast-stat-'));
  mkdirSync(path.join(dir, 'folder'));
  writeFileSync(path.join(dir, 'model.sql'), 'select 1\n');
  writeFileSync(path.join(dir, 'empty.sql'), '');
  // A time with a fraction of a millisecond, as file systems with nanosecond times record.
  utimesSync(path.join(dir, 'model.sql'), 1_700_000_000.123456, 1_700_000_000.987654);
  symlinkSync(path.join(dir, 'model.sql'), path.join(dir, 'link.sql'));
  symlinkSync(path.join(dir, 'gone.sql'), path.join(dir, 'dangling.sql'));
  symlinkSync(path.join(dir, 'folder'), path.join(dir, 'folder-link'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Node's own binding, as fast-stat.ts asks for it. */
function nodeBinding(): StatBinding {
  return (process as unknown as { binding: (name: string) => StatBinding }).binding('fs');
}

const CASES = [
  'model.sql',
  'empty.sql',
  'link.sql',
  'dangling.sql',
  'folder',
  'folder-link',
  'missing.sql',
  'model.sql/below',
  'missing/below.sql',
  'nul\0.sql',
];

describe('fast stat', () => {
  it('gives what statSync gives for files, links, folders and missing paths', () => {
    const read = statThroughBinding(nodeBinding(), process.execPath);
    expect(read).toBeDefined();
    for (const name of CASES) {
      const file = path.join(dir, name);
      expect(read!(file), name).toEqual(statThroughNode(file));
      expect(statOf(file), name).toEqual(statThroughNode(file));
      expect(fastStatOf(file), name).toEqual(statThroughNode(file));
    }
    expect(statThroughNode(path.join(dir, 'model.sql'))).toEqual({ size: 9, mtimeMs: expect.any(Number) });
    expect(statThroughNode(path.join(dir, 'folder'))).toBeUndefined();
  });

  it('is not used when the binding answers in another shape or with other values', () => {
    const probe = path.join(dir, 'model.sql');
    const real = nodeBinding();
    const shifted: StatBinding = {
      stat: (file, ...rest) => {
        const values = real.stat(file, ...rest);
        if (!(values instanceof Float64Array)) return values;
        const copy = Float64Array.from(values);
        copy[13] = copy[13]! + 1000; // a microsecond off: the time no longer equals statSync's
        return copy;
      },
    };
    expect(statThroughBinding(shifted, probe)).toBeUndefined();
    expect(statThroughBinding({ stat: () => [0, 0o100644, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0] }, probe)).toBeUndefined();
    expect(statThroughBinding({ stat: () => new Float64Array(4) }, probe)).toBeUndefined();
    expect(
      statThroughBinding(
        {
          stat: () => {
            throw new Error('refused');
          },
        },
        probe,
      ),
    ).toBeUndefined();
    expect(statThroughBinding(real, path.join(dir, 'missing.sql'))).toBeUndefined();
  });

  it('is not asked for when Node would warn of its deprecation, however that was asked for', () => {
    expect(warnsOfPendingDeprecations([], {})).toBe(false);
    expect(warnsOfPendingDeprecations(['--pending-deprecation'], {})).toBe(true);
    expect(warnsOfPendingDeprecations(['--pending_deprecation'], {})).toBe(true);
    expect(warnsOfPendingDeprecations([], { NODE_OPTIONS: '--max-old-space-size=100 --pending_deprecation' })).toBe(true);
    expect(warnsOfPendingDeprecations([], { NODE_OPTIONS: '--pending-deprecation' })).toBe(true);
    expect(warnsOfPendingDeprecations([], { NODE_PENDING_DEPRECATION: '1' })).toBe(true);
    expect(warnsOfPendingDeprecations([], { NODE_PENDING_DEPRECATION: '0', NODE_OPTIONS: '--trace-warnings' })).toBe(false);
  });
});
