/**
 * Atomic replacement on chDB through the CLI: a failed model leaves its previous table serving and
 * its descendants skipped; a process killed mid-build leaves the old table readable, and the next
 * run cleans up after it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter-types.js';
import { REPO_ROOT, removeProject, writeProject } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';
import { isLeftover, logLines, relationsOf, tsdbt, withChdb } from './example-project.js';

const FILES = {
  'project.yml': 'name: atom\nprofile: atom\nmodels:\n  atom:\n    +materialized: table\n',
  'models/base.sql': "select toUInt32({{ var('v', 1) }}) as v",
  'models/mid.sql':
    "{% if var('break_mid', false) %}\nselect v,\n  v * 10 as w\nfrom {{ ref('base') }} where\n{% else %}\nselect v, v * 10 as w from {{ ref('base') }}\n{% endif %}",
  'models/leaf.sql': "select w from {{ ref('mid') }}",
  'models/side.sql': "{{ config(materialized='view') }}select v from {{ ref('base') }}",
  // Deterministic and heavy: a hundred billion hashes on one thread would take minutes.
  'models/slow.sql':
    "{% if var('slow', false) %}select toUInt32(2) as v, sum(cityHash64(number)) as s from numbers(100000000000) settings max_threads = 1{% else %}select toUInt32(1) as v, toUInt64(0) as s{% endif %}",
};

let dir: string;
let home: string;
const cli = (args: string[]) => tsdbt(dir, home, args);

beforeAll(() => {
  dir = writeProject(FILES, 'tsdbt-atomic-');
  home = tempHomeDir();
});
afterAll(() => {
  if (dir) removeProject(dir);
  if (home) removeProject(home);
});

async function rows(adapter: Adapter, table: string): Promise<unknown[]> {
  return adapter.query(`SELECT * FROM atom.${table} ORDER BY tuple(*)`);
}

describe('atomic replacement', () => {
  it('a second run replaces every table and leaves no temporary or backup relation', async () => {
    expect((await cli(['run'])).code).toBe(0);
    const second = await cli(['run', '--vars', '{v: 3}']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('Done. PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5');
    await withChdb(dir, async (adapter) => {
      expect(await relationsOf(adapter, 'atom')).toEqual(['base:table', 'leaf:table', 'mid:table', 'side:view', 'slow:table']);
      expect(await rows(adapter, 'leaf')).toEqual([{ w: 30 }]);
    });
    expect((await cli(['run'])).code).toBe(0);
  });

  it('a model whose SQL fails: exit 1, named with its file, descendants skipped, the previous table still serving', async () => {
    const result = await cli(['run', '--vars', '{v: 2, break_mid: true}']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = logLines(result.stderr);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\d of 5 ERROR creating sql table model atom\.mid \.{3,} \[ERROR in \d+\.\d\ds\]$/),
        expect.stringMatching(/^\d of 5 SKIP relation \S*leaf\S* \.{3,} \[SKIP\]$/),
        expect.stringMatching(/^\d of 5 OK created sql table model atom\.base /),
        expect.stringMatching(/^\d of 5 OK created sql view model atom\.side /),
        'Failure in model mid (models/mid.sql)',
        'Done. PASS=3 WARN=0 ERROR=1 SKIP=1 TOTAL=5',
      ]),
    );
    const failure = lines.slice(lines.indexOf('Failure in model mid (models/mid.sql)'));
    expect(failure[1]).toMatch(/^ {2}(Error )?(TSDBT4002:? )?ClickHouse rejected the statement .*\(ClickHouse error 62 SYNTAX_ERROR\): Syntax error/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    await withChdb(dir, async (adapter) => {
      expect(await rows(adapter, 'base')).toEqual([{ v: 2 }]);
      expect(await rows(adapter, 'mid')).toEqual([{ v: 1, w: 10 }]);
      expect(await rows(adapter, 'leaf')).toEqual([{ w: 10 }]);
      expect((await relationsOf(adapter, 'atom')).filter(isLeftover)).toEqual([]);
    });
  });

  it('SIGKILL mid-build leaves the old table readable; the next run succeeds and cleans up', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), 'run', '--select', 'slow', '--vars', '{slow: true}'], {
      cwd: dir,
      env: { ...process.env, HOME: home, NO_COLOR: '1', TSDBT_PROFILES_DIR: undefined },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/START sql table model atom\.slow/.test(stderr)) resolve();
      });
      child.on('close', () => reject(new Error(`tsdbt exited before building slow:\n${stderr}`)));
    });
    // The build statements follow the START line at once; give them a moment to be under way.
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    await withChdb(dir, async (adapter) => {
      expect(await rows(adapter, 'slow')).toEqual([{ v: 1, s: 0 }]);
      // Whatever the kill left carries tsdbt's suffix (never the server's hidden _tmp_replace_ table).
      expect((await relationsOf(adapter, 'atom')).filter(isLeftover).every((name) => name.startsWith('slow__tsdbt_tmp'))).toBe(true);
    });

    const next = await cli(['run', '--select', 'slow']);
    expect(next.code).toBe(0);
    await withChdb(dir, async (adapter) => {
      expect(await rows(adapter, 'slow')).toEqual([{ v: 1, s: 0 }]);
      expect((await relationsOf(adapter, 'atom')).filter(isLeftover)).toEqual([]);
    });
  });
});
