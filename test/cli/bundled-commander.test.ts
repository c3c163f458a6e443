/**
 * The CLI bundle loads commander from dist/cli-bundle/commander.js (scripts/build-cli-bundle.mjs,
 * through package.json's "imports"), not module by module from node_modules, and what it does
 * with it (help, usage errors, an option's own error, completion's arguments) still works.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeProject, runCli, writeProject } from '../support/cli.js';

describe('commander in the CLI bundle', () => {
  it('is the one-file bundle, with its licence, and help, usage errors and completion work through it', async () => {
    expect(existsSync(path.resolve('dist/cli-bundle/commander.js'))).toBe(true);
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
