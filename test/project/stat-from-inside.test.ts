/**
 * The record checks' stats from inside a folder (src/project/stat-from-inside.ts): the same
 * answers as stats by full path, the working folder always set back, and full paths wherever the
 * process cannot move into the folder and come back. Its own fork (test/project/ is not shared):
 * it moves this process's working folder.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fastStatOf } from '../../src/project/fast-stat.js';
import { statEachUnder } from '../../src/project/stat-from-inside.js';

let dir: string;
let started: string;

const NAMES = ['model.sql', 'sub/deep.sql', 'link.sql', 'dangling.sql', 'sub', 'missing.sql', 'sub/../model.sql', 'model.sql/below', ''];

beforeEach(() => {
  started = process.cwd();
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tsdbt-stat-inside-')));
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'model.sql'), 'select 1\n');
  writeFileSync(path.join(dir, 'sub', 'deep.sql'), 'select 22\n');
  symlinkSync(path.join(dir, 'model.sql'), path.join(dir, 'link.sql'));
  symlinkSync(path.join(dir, 'gone.sql'), path.join(dir, 'dangling.sql'));
});
afterEach(() => {
  process.chdir(started);
  rmSync(dir, { recursive: true, force: true });
});

/** Each name's stats and the working folder at its stat, as statEachUnder gives them. */
function walk(folder: string, names: readonly string[]): { stats: unknown[]; asked: string[]; whereAsked: string[]; all: boolean } {
  const stats: unknown[] = [];
  const asked: string[] = [];
  const whereAsked: string[] = [];
  const all = statEachUnder(
    folder,
    names,
    (index, got) => {
      stats[index] = got;
      return true;
    },
    (file) => {
      asked.push(file);
      whereAsked.push(workingFolder());
      return fastStatOf(file);
    },
  );
  return { stats, asked, whereAsked, all };
}

/** The working folder, or `(gone)`. */
function workingFolder(): string {
  try {
    return process.cwd();
  } catch {
    return '(gone)';
  }
}

describe('statEachUnder', () => {
  it('gives what stats by full path give, each name stat from inside the folder, and sets the working folder back', () => {
    const { stats, asked, whereAsked, all } = walk(dir, NAMES);
    expect(all).toBe(true);
    expect(stats).toEqual(NAMES.map((name) => fastStatOf(`${dir}${path.sep}${name}`)));
    expect(stats[0]).toEqual({ size: 9, mtimeMs: expect.any(Number) });
    expect(stats[1]).toEqual({ size: 10, mtimeMs: expect.any(Number) });
    expect(asked).toEqual(NAMES);
    expect(new Set(whereAsked)).toEqual(new Set([dir]));
    expect(process.cwd()).toBe(started);
  });

  it('stops where the visitor says so', () => {
    const seen: number[] = [];
    expect(statEachUnder(dir, NAMES, (index) => (seen.push(index), index < 2))).toBe(false);
    expect(seen).toEqual([0, 1, 2]);
    expect(process.cwd()).toBe(started);
  });

  it('sets the working folder back when the visitor throws', () => {
    expect(() =>
      statEachUnder(dir, NAMES, () => {
        throw new Error('visitor failed');
      }),
    ).toThrow('visitor failed');
    expect(process.cwd()).toBe(started);
  });

  it('stats by full path a folder it cannot enter or is not absolute', () => {
    const missing = path.join(dir, 'no-such-folder');
    const fromMissing = walk(missing, ['model.sql']);
    expect(fromMissing.asked).toEqual([`${missing}${path.sep}model.sql`]);
    expect(fromMissing.stats).toEqual([undefined]);
    process.chdir(dir);
    const relative = walk('sub', ['deep.sql', 'missing.sql']);
    expect(relative.asked).toEqual([`sub${path.sep}deep.sql`, `sub${path.sep}missing.sql`]);
    expect(relative.stats).toEqual([fastStatOf(path.join(dir, 'sub', 'deep.sql')), undefined]);
    expect(process.cwd()).toBe(dir);
  });

  it('stays where it is when its working folder is gone (it could not come back to it)', () => {
    const gone = path.join(dir, 'gone');
    mkdirSync(gone);
    process.chdir(gone);
    rmSync(gone, { recursive: true });
    const { stats, asked } = walk(dir, ['model.sql']);
    expect(asked).toEqual([`${dir}${path.sep}model.sql`]);
    expect(stats).toEqual([fastStatOf(path.join(dir, 'model.sql'))]);
  });
});
