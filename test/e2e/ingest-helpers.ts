/**
 * For the ingestion end-to-end tests: a copy of the repository's example project in a temp
 * folder (its source pointed at the fake API through ASTROS_URL), the built CLI run in it, and
 * a way to watch a long-running `tsdbt ingest --watch` line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';
import { REPO_ROOT, removeProject, runCli, writeProject, type CliResult } from '../support/cli.js';

/** What the example's `ingest:` says, and what the tests swap in so no test waits for real backoff. */
const EXAMPLE_RETRIES = 'retries: { max_attempts: 5, initial_delay: 1s, max_delay: 30s, jitter: full }';

export interface ExampleCopy {
  dir: string;
  /** Env for the CLI: ASTROS_URL, and an empty HOME so no ~/.tsdbt/profiles.yml leaks in. */
  env: Record<string, string>;
  cli(args: string[], timeoutMs?: number): Promise<CliResult>;
  /** The rows of `tsdbt show --inline SQL --output json`, from the show task run in this process (see showInProcess). */
  show<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** The same through the built CLI, for tests about another process using the database. */
  showCli<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

/**
 * Copies project.yml, models/ and macros/ of the example into a temp folder removed after the
 * test. `ingest` replaces keys of the source's `ingest:` block by their text (`retries`, `schedule`).
 */
export function copyExample(astrosUrl: string, ingest: { retries?: string; schedule?: string } = {}): ExampleCopy {
  const dir = writeProject({});
  const home = path.join(dir, '.home');
  mkdirSync(home);
  onTestFinished(() => removeProject(dir));
  for (const entry of ['project.yml', 'models', 'macros']) cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
  const sourcesFile = path.join(dir, 'models', 'sources.yml');
  let sources = readFileSync(sourcesFile, 'utf8');
  sources = replaceOnce(sources, EXAMPLE_RETRIES, `retries: ${ingest.retries ?? '{max_attempts: 5, initial_delay: 10ms, max_delay: 20ms}'}`);
  if (ingest.schedule !== undefined) sources = replaceOnce(sources, 'schedule: 60s', `schedule: ${ingest.schedule}`);
  writeFileSync(sourcesFile, sources);

  const env = { ASTROS_URL: astrosUrl, HOME: home };
  const cli = (args: string[], timeoutMs?: number) => runCli(args, { cwd: dir, env, timeoutMs });
  return {
    dir,
    env,
    cli,
    // Loaded on first use: a file that never reads rows back does not load the tasks' modules.
    show: async <T>(sql: string) => (await import('../support/show-in-process.js')).showInProcess<T>(dir, env, sql),
    showCli: async <T>(sql: string) => {
      const result = await cli(['show', '--inline', sql, '--output', 'json', '--limit', '1000']);
      if (result.code !== 0) throw new Error(`tsdbt show failed (${result.code}):\n${result.stderr}`);
      return (JSON.parse(result.stdout) as { show: T[] }).show;
    },
  };
}

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`The example's models/sources.yml no longer contains '${from}'; update test/e2e/ingest-helpers.ts.`);
  return text.replace(from, to);
}

export interface LiveCli {
  proc: ChildProcess;
  /** stderr lines so far. */
  lines: string[];
  /** Resolves with the first stderr line (seen or to come) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built CLI and follows its stderr line by line (for --watch). Killed after the test if still running. */
export function startCli(args: string[], options: { cwd: string; env: Record<string, string> }): LiveCli {
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tsdbt'), ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, TSDBT_PROFILES_DIR: undefined, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  onTestFinished(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return {
    proc,
    lines,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No stderr line matched ${pattern} within ${timeoutMs}ms. Lines:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}
