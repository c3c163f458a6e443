/**
 * runCliInProcess puts back what a command changes in the test's process: files that use it share
 * forks with others (vitest.config.ts's RUNS_COMMANDS_IN_PROCESS), so whatever it left behind
 * would reach the next file (a library user's lock file named `tsdbt ls`, test/cli/errors.test.ts).
 */
import { afterAll, expect, it } from 'vitest';
import { lockOwnerCommand } from '../../src/adapter/lock-owner.js';
import { removeProject, writeProject } from './cli.js';
import { runCliInProcess } from './cli-in-process.js';

const dir = writeProject({ 'project.yml': 'name: demo\n', 'models/a.sql': 'select 1 as x\n' });
afterAll(() => removeProject(dir));

it('leaves the working directory, environment, exit code and lock owner name as they were', async () => {
  const before = { cwd: process.cwd(), env: { ...process.env }, exitCode: process.exitCode, owner: lockOwnerCommand() };
  const listed = await runCliInProcess(['ls'], { cwd: dir, env: { TSDBT_EXTRA_FOR_TEST: '1' } });
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout).toContain('demo.a');
  const failed = await runCliInProcess(['frobnicate'], { cwd: dir });
  expect(failed.code).toBe(2);
  expect({ cwd: process.cwd(), env: { ...process.env }, exitCode: process.exitCode, owner: lockOwnerCommand() }).toEqual(before);
});
