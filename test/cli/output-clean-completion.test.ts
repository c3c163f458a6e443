import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planClean } from '../../src/tasks/clean.js';
import { projectYml, REPO_ROOT, removeProject, runCli, writeProject } from '../support/cli.js';

/** `tsdbt clean` and `tsdbt completion bash|zsh`, through the built CLI. */
const folders = (dir: string) => ['target', 'logs', 'models', '.tsdbt'].filter((name) => existsSync(path.join(dir, name)));

describe('tsdbt clean', () => {
  it('deletes clean-targets (target/ and logs/ by default) and nothing else, even with a broken model', async () => {
    const dir = writeProject({
      'project.yml': projectYml('shop'),
      'models/broken.sql': "select {{ ref('nope') }}\n",
      'target/compiled/x.sql': 'x',
      'logs/tsdbt.log': 'x',
      '.tsdbt/chdb/keep': 'x',
    });
    try {
      const result = await runCli(['clean'], { cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stderr.replace(/^\d\d:\d\d:\d\d {2}/gm, '')).toBe('Deleted target/\nDeleted logs/\nFinished cleaning 2 paths.\n');
      expect(folders(dir)).toEqual(['models', '.tsdbt']);
      const again = await runCli(['clean'], { cwd: dir });
      expect(again.stderr).toContain('Nothing to delete at target/');
      // clean writes no log file: that would bring logs/ back.
      expect(folders(dir)).toEqual(['models', '.tsdbt']);
    } finally {
      removeProject(dir);
    }
  });

  it('refuses, deleting nothing, when a target is outside the project, the project itself, or its sources', async () => {
    const dir = writeProject({
      'project.yml': `${projectYml('shop')}clean-targets: ["target", "../elsewhere", ".", "models", "models/.."]\n`,
      'models/a.sql': 'select 1\n',
      'target/x': 'x',
    });
    try {
      const result = await runCli(['clean'], { cwd: dir });
      expect(result.code).toBe(2);
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error'));
      expect(errors).toEqual([
        expect.stringMatching(
          /^Error TSDBT1011: clean-targets entry '\.\.\/elsewhere' points outside the project \(to .*elsewhere\), so tsdbt clean deletes nothing\.$/,
        ),
        "Error TSDBT1011: clean-targets entry '.' is the project folder itself, so tsdbt clean deletes nothing.",
        "Error TSDBT1011: clean-targets entry 'models' would delete the project's own files (models), so tsdbt clean deletes nothing.",
        "Error TSDBT1011: clean-targets entry 'models/..' is the project folder itself, so tsdbt clean deletes nothing.",
      ]);
      expect(result.stderr).toContain('--> project.yml:3');
      expect(folders(dir)).toEqual(['target', 'models']);
    } finally {
      removeProject(dir);
    }
  });
});

describe('planClean', () => {
  const config = {
    file: 'project.yml',
    modelPaths: ['models'],
    macroPaths: ['macros'],
    seedPaths: ['seeds'],
    testPaths: ['tests'],
    snapshotPaths: [],
    analysisPaths: [],
    docsPaths: [],
  };

  it('follows symlinks: a target that leads out of the project is refused', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-clean-'));
    try {
      const project = path.join(root, 'project');
      const outside = path.join(root, 'outside');
      mkdirSync(project);
      mkdirSync(outside);
      symlinkSync(outside, path.join(project, 'link'));
      expect(() => planClean(project, { ...config, cleanTargets: ['link/target'] })).toThrow(/points outside the project/);
      expect(() => planClean(project, { ...config, cleanTargets: ['link'] })).toThrow(/points outside the project/);
      expect(planClean(project, { ...config, cleanTargets: ['target', 'build/out'] })).toEqual([path.join(project, 'target'), path.join(project, 'build/out')]);
    } finally {
      removeProject(root);
    }
  });

  it('refuses a folder that holds a source path, and the project or profiles file', () => {
    const project = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-clean-'));
    try {
      expect(() => planClean(project, { ...config, modelPaths: ['src/models'], cleanTargets: ['src'] })).toThrow(
        /would delete the project's own files \(src\/models\)/,
      );
      expect(() => planClean(project, { ...config, cleanTargets: ['profiles.yml'] })).toThrow(/profiles\.yml/);
    } finally {
      removeProject(project);
    }
  });
});

describe('tsdbt completion', () => {
  let script: { bash: string; zsh: string };
  let dir: string;
  beforeAll(async () => {
    dir = writeProject({ 'project.yml': projectYml('shop'), 'models/orders.sql': 'select 1\n', 'models/customers.sql': 'select 1\n' });
    const bash = await runCli(['completion', 'bash'], { cwd: dir });
    const zsh = await runCli(['completion', 'zsh'], { cwd: dir });
    expect([bash.code, zsh.code]).toEqual([0, 0]);
    script = { bash: bash.stdout, zsh: zsh.stdout };
  });
  afterAll(() => removeProject(dir));

  /** Runs the bash completion function on a command line (the last word is being completed). */
  function completeBash(words: string[]): string[] {
    const file = path.join(dir, 'completion.bash');
    writeFileSync(file, script.bash);
    const program = `source ${JSON.stringify(file)}; COMP_WORDS=(${words.map((word) => JSON.stringify(word)).join(' ')}); COMP_CWORD=${words.length - 1}; _tsdbt; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = spawnSync('bash', ['-c', program], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${path.join(REPO_ROOT, 'bin')}:${process.env.PATH}` },
    });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter(Boolean);
  }

  it('bash: commands, options of the command being typed, option values and model names', () => {
    expect(completeBash(['tsdbt', 'comp'])).toEqual(['compile', 'completion']);
    expect(completeBash(['tsdbt', 'r'])).toEqual(expect.arrayContaining(['run', 'retry']));
    expect(completeBash(['tsdbt', 'li'])).toEqual(['lineage', 'list']);
    expect(completeBash(['tsdbt', '--log-format', 'json', 'run', '--ful'])).toEqual(['--full-refresh']);
    expect(completeBash(['tsdbt', '--log-level', ''])).toEqual(['debug', 'info', 'warn', 'error']);
    expect(completeBash(['tsdbt', 'completion', ''])).toEqual(['bash', 'zsh']);
    expect(completeBash(['tsdbt', 'ls', '--select', ''])).toEqual(['customers', 'orders']);
    expect(completeBash(['tsdbt', '--q'])).toEqual(['--quiet']);
  });

  const zsh = spawnSync('zsh', ['--version']).status === 0;
  it.skipIf(!zsh)('zsh: the script parses, and completes commands and options', () => {
    const file = path.join(dir, '_tsdbt');
    writeFileSync(file, script.zsh);
    expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).stderr).toBe('');
    // compadd and _describe only exist inside a completion widget: stand-ins print what they are given.
    const stubs = `compdef() { :; }; compadd() { while [[ "$1" == -* ]]; do shift; done; print -l -- "$@"; }
_describe() { local arg; for arg in "$@"; do [[ "$arg" == (commands|global|opts) ]] && print -l -- "\${(@P)arg}"; done; }`;
    const complete = (words: string[]) =>
      spawnSync(
        'zsh',
        [
          '-f',
          '-c',
          `${stubs}; source ${JSON.stringify(file)}; words=(${words.map((word) => JSON.stringify(word)).join(' ')}); CURRENT=${words.length}; _tsdbt`,
        ],
        { cwd: dir, encoding: 'utf8' },
      );
    const commands = complete(['tsdbt', '']);
    expect(commands.stderr).toBe('');
    expect(commands.stdout).toContain('run:build the selected models in the database, in dependency order\n');
    expect(complete(['tsdbt', 'run', '--']).stdout).toMatch(/^--full-refresh:rebuild incremental models/m);
    expect(complete(['tsdbt', '--log-format', '']).stdout).toBe('text\njson\n');
  });
});
