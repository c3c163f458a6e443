/**
 * The CLI's `tsdbt ls` both ways, as a user runs it: after a compile it answers from the record
 * (logs/tsdbt.log notes it), and its stdout, stderr (times aside) and exit code are those of the
 * same command parsing the project (the record moved away). test/tasks/ls-recorded.test.ts
 * compares many more forms in-process.
 */
import { readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { writeLsProject } from '../support/ls-project.js';

let dir: string;
const FROM_RECORD = 'Listed from target/manifest.json';

async function tsdbt(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const result = await runCli(args, { cwd: dir, env: { HOME: dir, ...env }, timeoutMs: 120_000 });
  // Console lines start with the time of day.
  return { code: result.code, stdout: result.stdout, stderr: result.stderr.replace(/^\d\d:\d\d:\d\d {2}/gm, '') };
}

function answeredFromRecord(): number {
  return readFileSync(path.join(dir, 'logs', 'tsdbt.log'), 'utf8').split(FROM_RECORD).length - 1;
}

beforeAll(async () => {
  dir = writeLsProject();
  const compiled = await tsdbt(['compile']);
  expect(compiled.code, compiled.stderr).toBe(0);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tsdbt ls (CLI) from the compile record', () => {
  it('prints and says what the parse does, for the default output, json, a warning and a selector', async () => {
    const forms = [
      ['ls'],
      ['ls', '--output', 'json'],
      ['list', '-s', 'custmers', '--resource-type', 'model', 'test'],
      ['ls', '--selector', 'marts_only', '--output', 'name'],
    ];
    const recorded = [];
    for (const form of forms) {
      const before = answeredFromRecord();
      recorded.push(await tsdbt(form));
      expect(answeredFromRecord(), form.join(' ')).toBe(before + 1);
    }
    const stamps = path.join(dir, 'target', 'compile_stamps.json');
    renameSync(stamps, `${stamps}.kept`);
    const parsed = [];
    try {
      for (const form of forms) parsed.push(await tsdbt(form));
    } finally {
      renameSync(`${stamps}.kept`, stamps);
    }
    expect(recorded).toEqual(parsed);
    expect(recorded[0]!.stdout.split('\n').length).toBeGreaterThan(10);
    expect(recorded[0]!.stderr).toContain("package 'fixture_pkg' has an analysis");
    expect(recorded[2]!.stderr).toContain("Did you mean 'customers'?");
  }, 180_000);

  it('redacts the values of secret environment variables as the parse does', async () => {
    // A secret that happens to equal text ls prints: the parse path's terminal masks it.
    const secret = { TSDBT_ENV_SECRET_TOKEN: 'staging' };
    const withSecret = (args: string[]) => tsdbt(args, secret);
    expect((await withSecret(['compile'])).code).toBe(0);
    const before = answeredFromRecord();
    const recorded = await withSecret(['ls', '--output', 'path']);
    expect(answeredFromRecord()).toBe(before + 1);
    const stamps = path.join(dir, 'target', 'compile_stamps.json');
    renameSync(stamps, `${stamps}.kept`);
    try {
      expect(recorded).toEqual(await withSecret(['ls', '--output', 'path']));
    } finally {
      renameSync(`${stamps}.kept`, stamps);
    }
    expect(recorded.stdout).not.toContain('staging');
  }, 180_000);
});
