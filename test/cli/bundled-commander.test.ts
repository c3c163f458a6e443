/**
 * The CLI bundle carries commander inside dist/cli-bundle/main.cjs (scripts/build-cli-bundle.mjs),
 * with its licence in LICENSES.txt beside it, instead of loading it module by module from
 * node_modules, and what it does with it (help, usage errors, an option's own error, completion's
 * arguments) still works.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeProject, runCli, writeProject } from '../support/cli.js';

describe('commander in the CLI bundle', () => {
  it('is inside the one-file bundle, with its licence, and help, usage errors and completion work through it', async () => {
    expect(readFileSync(path.resolve('dist/cli-bundle/LICENSES.txt'), 'utf8')).toMatch(/^commander \d+\.\d+\.\d+:/m);
    const dir = writeProject({});
    try {
      const env = { HOME: dir, NODE_DEBUG: 'module' };
      const help = await runCli(['--help'], { cwd: dir, env });
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Usage: tsdbt \[options\] \[command\]/);
      expect(help.stdout).toContain('compile');
      expect(help.stderr).not.toMatch(/node_modules\/commander\//);
      const unknown = await runCli(['compile', '--no-such-option'], { cwd: dir, env: { HOME: dir } });
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain("unknown option '--no-such-option'");
      const wrongValue = await runCli(['--log-file-max-bytes', 'lots', 'ls'], { cwd: dir, env: { HOME: dir } });
      expect(wrongValue.code).not.toBe(0);
      expect(wrongValue.stderr).toContain('It must be a whole number of bytes');
      const completion = await runCli(['completion', 'bash'], { cwd: dir, env: { HOME: dir } });
      expect(completion.code, completion.stderr).toBe(0);
      expect(completion.stdout).toContain('compile');
    } finally {
      removeProject(dir);
    }
  });
});
