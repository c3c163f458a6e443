/** readDefinitionFiles from a current filesUnder list (the patched compile) finds what its own walk finds. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesUnder } from '../../src/project/file-stamps.js';
import { readDefinitionFiles, type ProjectPaths } from '../../src/project/project-files.js';

let dir: string;

function write(file: string, text = 'x\n'): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

const PATHS: ProjectPaths = {
  modelPaths: ['models'],
  macroPaths: ['macros', 'more_macros/'],
  seedPaths: ['seeds'],
  testPaths: ['tests'],
  snapshotPaths: ['snapshots'],
  analysisPaths: ['analyses'],
  docsPaths: [],
};

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-definitions-'));
  for (const file of [
    'models/a.sql',
    'models/docs.md',
    'models/deep/er/b.md',
    'models/.hidden.md',
    'models/node_modules/c.md',
    'models/target/d.md',
    'macros/m.sql',
    'macros/j.jinja',
    'macros/k.j2',
    'macros/notes.md',
    'macros/sub/n.sql',
    'macros/.dot/o.sql',
    'more_macros/p.sql',
    'tests/t.sql',
    'tests/fixtures/f.sql',
    'tests/readme.md',
    'seeds/s.csv',
  ])
    write(file);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readDefinitionFiles from a listing', () => {
  it('finds the same files, read the same, as its walk', () => {
    const roots = ['models', 'macros', 'more_macros/', 'seeds', 'tests', 'snapshots', 'analyses'];
    const listed = { roots, files: filesUnder(dir, roots) };
    const walked = readDefinitionFiles(dir, PATHS);
    expect(walked.macros.map((file) => file.path)).toEqual(['macros/j.jinja', 'macros/k.j2', 'macros/m.sql', 'macros/sub/n.sql', 'more_macros/p.sql']);
    expect(walked.docs.map((file) => file.path)).toContain('models/deep/er/b.md');
    expect(readDefinitionFiles(dir, PATHS, listed)).toEqual(walked);
    // The listing is what is used (no walk behind it).
    expect(readDefinitionFiles(dir, PATHS, { roots, files: [] }).macros).toEqual([]);
  });

  it('walks a folder the listing does not cover', () => {
    const listed = { roots: ['models'], files: filesUnder(dir, ['models']) };
    expect(readDefinitionFiles(dir, PATHS, listed)).toEqual(readDefinitionFiles(dir, PATHS));
  });

  it('still refuses a path that is a file', () => {
    write('analyses_file');
    const paths = { ...PATHS, macroPaths: ['macros', 'analyses_file'] };
    const listed = { roots: ['macros', 'analyses_file'], files: filesUnder(dir, ['macros', 'analyses_file']) };
    expect(() => readDefinitionFiles(dir, paths, listed)).toThrow(/is a file, but it should be a folder/);
  });
});
