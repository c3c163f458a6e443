/**
 * Fuzzed inputs through the real CLI (`node bin/tsdbt`, so `npm run build` first): bad flags and
 * values, and a sample of the broken projects of fuzz-cases.ts. Each must exit non-zero (2: usage,
 * configuration or project) with a message on stderr and no stack trace: a TsdbtError printed as
 * `Error TSDBTnnnn: …`, its `--> file:line` where one applies and its `hint:`, or commander's
 * `error: …` for a command line it cannot parse.
 */
import { describe, expect, it } from 'vitest';
import { removeProject, runCli, writeProject, type CliResult } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';
import { recordFigure } from '../support/reliability-figures.js';
import { BASE_PROJECT, fuzzCases, type FuzzCase } from './fuzz-cases.js';
import { caseFiles } from './fuzz-run.js';

/** Command lines that are wrong in themselves, run in a valid project. */
const BAD_COMMAND_LINES: { args: string[]; usage?: true }[] = [
  { args: ['run', '--threads', 'many'] },
  { args: ['run', '--threads', '0'] },
  { args: ['build', '--threads', '-1'] },
  { args: ['run', '--vars', '{a: [1'] },
  { args: ['run', '--vars', '[1, 2]'] },
  { args: ['--log-format', 'xml', 'run'], usage: true },
  { args: ['--log-level', 'loud', 'run'], usage: true },
  { args: ['--log-file-max-bytes', 'abc', 'run'], usage: true },
  { args: ['run', '--selec', 'a'], usage: true },
  { args: ['rn'], usage: true },
  { args: ['run', '--select'], usage: true },
  { args: ['completion', 'fish'], usage: true },
  { args: ['run', '--profiles-dir', '/nonexistent/tsdbt-fuzz'] },
  { args: ['run', '--target', 'nope'] },
  { args: ['run', '--project-dir', '/nonexistent/tsdbt-fuzz'] },
  { args: ['run', '--state', '/nonexistent/tsdbt-fuzz'] },
  { args: ['run', '--defer'] },
  { args: ['run-operation', 'no_such_macro'] },
  { args: ['run-operation', 'double', '--args', '{x: [1'] },
  { args: ['show'] },
  { args: ['show', '--limit', 'abc', '--inline', 'select 1'] },
  { args: ['ls', '--resource-type', 'bogus'] },
  { args: ['ls', '--output', 'yaml'] },
  { args: ['docs', 'serve', '--port', 'x'] },
  { args: ['init', 'bad-name', '--yes'] },
  { args: ['test', '--select', '@@a'] },
];

/** About ten broken projects spread over the in-process families (seeds fail as nodes at run time, not here). */
function sampledCases(): FuzzCase[] {
  const cases = fuzzCases().filter((c) => c.family !== 'seeds');
  const step = Math.floor(cases.length / 10);
  return cases.filter((_, index) => index % step === 0);
}

const STACK = /^\s+at \S/m;

/**
 * The test starts about 36 CLI processes one after the other: a second or less each on a quiet
 * machine, several seconds each on a loaded one, where vitest's default minute ran out.
 */
const FUZZ_CLI_TIMEOUT_MS = 300_000;

function problems(result: CliResult, expectLocation: FuzzCase['at'], usage = false): string[] {
  const found: string[] = [];
  if (result.code === 0 || result.code === null) found.push(`exit code ${result.code}`);
  if (result.code !== 2) found.push(`exit code ${result.code}, not 2`);
  if (STACK.test(result.stderr)) found.push('a stack trace');
  if (/TSDBT9001/.test(result.stderr)) found.push('an internal error');
  if (usage) {
    if (!/^error: \S/m.test(result.stderr)) found.push('no `error:` line');
    return found;
  }
  const codes = [...result.stderr.matchAll(/^Error (TSDBT\d{4}): \S/gm)].map((match) => match[1]);
  if (codes.length === 0) found.push('no `Error TSDBTnnnn:` line');
  if (!/^ {2}hint: \S/m.test(result.stderr)) found.push('no hint');
  if (expectLocation !== undefined) {
    const places = typeof expectLocation === 'string' ? [expectLocation] : expectLocation;
    const location = /^ {2}--> (\S+?)(:\d+)?$/m.exec(result.stderr);
    if (location === null || !places.some((place) => (place.endsWith('/') ? location[1]!.startsWith(place) : location[1] === place)))
      found.push(`not located at ${places.join(' or ')}`);
  }
  return found;
}

describe('fuzzed inputs through the CLI', { timeout: FUZZ_CLI_TIMEOUT_MS }, () => {
  it('bad command lines and a sample of broken projects: exit 2, a message, a hint, no stack trace', async ({ task }) => {
    const home = tempHomeDir();
    const valid = writeProject({ ...BASE_PROJECT, 'seeds/s.csv': 'id,name\n1,x\n' }, 'tsdbt-fuzz-cli-');
    const failures: string[] = [];
    let tried = 0;
    try {
      for (const line of BAD_COMMAND_LINES) {
        const result = await runCli(line.args, { cwd: valid, env: { HOME: home } });
        tried += 1;
        const found = problems(result, undefined, line.usage);
        if (found.length > 0) failures.push(`tsdbt ${line.args.join(' ')}: ${found.join('; ')}\n${result.stderr}`);
      }
      for (const c of sampledCases()) {
        const dir = writeProject(caseFiles(c), 'tsdbt-fuzz-cli-');
        try {
          const args =
            c.selector !== undefined
              ? ['ls', '--selector', c.selector, ...(c.select ?? []).flatMap((s) => ['--select', s])]
              : c.select !== undefined || c.exclude !== undefined
                ? ['ls', ...(c.select ?? []).flatMap((s) => ['--select', s]), ...(c.exclude ?? []).flatMap((s) => ['--exclude', s])]
                : ['compile'];
          const result = await runCli(args, { cwd: dir, env: { HOME: home } });
          tried += 1;
          const found = problems(result, c.at);
          if (found.length > 0) failures.push(`${c.name} (tsdbt ${args.join(' ')}): ${found.join('; ')}\n${result.stderr}`);
        } finally {
          removeProject(dir);
        }
      }
    } finally {
      removeProject(valid);
      removeProject(home);
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(30);
    recordFigure(task, {
      section: 'fuzz',
      subject: `through the CLI: ${BAD_COMMAND_LINES.length} bad command lines and ${tried - BAD_COMMAND_LINES.length} of the broken projects`,
      count: tried,
      unit: 'inputs tried',
      outcome: "each exited 2 with `Error TSDBTnnnn:` (or commander's `error:`), its location and a hint; no stack trace",
    });
  });
});
