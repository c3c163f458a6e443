/**
 * Folder stamps (src/project/file-stamps.ts): a re-compile reads no folder while every folder's
 * stamp holds, so any entry added, removed or renamed under the walked folders must change one.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesUnder, listFilesUnder, sameFolders } from '../../src/project/file-stamps.js';

const ROOTS = ['models', 'macros', 'analyses'];
let dir: string;

function write(file: string, text = 'select 1\n'): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

/** The folder stamps of the project now, trusted however recent. */
function stamps() {
  const listed = listFilesUnder(dir, ROOTS, Number.POSITIVE_INFINITY);
  expect(listed.files).toEqual(filesUnder(dir, ROOTS));
  expect(listed.folders).toBeDefined();
  return listed.folders!;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-folders-'));
  write('models/a.sql');
  write('models/marts/b.sql');
  write('macros/m.sql', '{% macro m() %}1{% endmacro %}\n');
  // A change within the same tick of the kernel's clock keeps the ctime (what `trustBefore` is for).
  await new Promise((resolve) => setTimeout(resolve, 50));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('folder stamps', () => {
  it('hold while nothing is added, removed or renamed, even when a file is rewritten in place', () => {
    const folders = stamps();
    expect(Object.keys(folders).sort()).toEqual(['analyses/', 'macros/', 'models/', 'models/marts/']);
    expect(folders['analyses/']).toBeNull();
    write('models/marts/b.sql', 'select 2\n'); // its own stamp sees that
    expect(sameFolders(dir, folders)).toBe(true);
  });

  it.each([
    ['a new file', () => write('models/marts/c.sql')],
    ['a new file in a new folder', () => write('models/new/c.sql')],
    ['a new empty folder', () => mkdirSync(path.join(dir, 'models', 'marts', 'empty'))],
    ['a root folder created', () => write('analyses/x.sql')],
    ['a file removed', () => rmSync(path.join(dir, 'models', 'marts', 'b.sql'))],
    ['a folder removed', () => rmSync(path.join(dir, 'models', 'marts'), { recursive: true })],
    ['a file renamed', () => renameSync(path.join(dir, 'models', 'a.sql'), path.join(dir, 'models', 'z.sql'))],
    [
      'a file saved by rename (temp file, then rename over it)',
      () => {
        writeFileSync(path.join(dir, 'models', '.a.sql.swp'), 'select 3\n');
        renameSync(path.join(dir, 'models', '.a.sql.swp'), path.join(dir, 'models', 'a.sql'));
      },
    ],
    [
      'a folder replaced by a copy',
      () => {
        renameSync(path.join(dir, 'macros'), path.join(dir, 'macros-old'));
        write('macros/m.sql', '{% macro m() %}1{% endmacro %}\n');
      },
    ],
  ])('change with %s', (_what, change) => {
    const folders = stamps();
    change();
    expect(sameFolders(dir, folders)).toBe(false);
  });

  it('are not given for a folder changed at or after the time they may vouch from', () => {
    expect(listFilesUnder(dir, ROOTS, Date.now() - 60_000).folders).toBeUndefined();
    expect(listFilesUnder(dir, ROOTS, Date.now() + 60_000).folders).toBeDefined();
  });
});
