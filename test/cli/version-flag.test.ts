/**
 * `--version` answered by the CLI's entry point (bin/tsdbt answers a lone `--version` itself): the
 * full report whenever the flag is there, however it is written, although the report is only made
 * when the command line may ask for it (src/cli/main.ts, mayAskVersion).
 */
import { describe, expect, it } from 'vitest';
import { mayAskVersion } from '../../src/cli/main.js';
import { versionReport } from '../../src/version.js';
import { runCliInProcess } from '../support/cli-in-process.js';

describe('--version through the CLI entry point', () => {
  it('prints the whole report for --version, -v and -v among short flags', async () => {
    for (const args of [['--version', '--no-color'], ['-v', '--no-color'], ['-qv'], ['--debug', '-v']]) {
      const result = await runCliInProcess(args, { cwd: process.cwd() });
      expect(result.stdout, args.join(' ')).toBe(`${versionReport()}\n`);
      expect(result.stdout).toContain('chdb ');
    }
  });

  it('makes the report only when the command line may ask for it', () => {
    expect(['--version', '-v', '-qv', '-vq'].every((arg) => mayAskVersion([arg]))).toBe(true);
    expect(mayAskVersion(['ls', '--select', 'people', '--vars', '{a: 1}', '--output', 'json'])).toBe(false);
  });
});
