import { lockOwnerCommand, setLockOwnerCommand } from '../../src/adapter/lock-owner.js';
import { main } from '../../src/cli/main.js';
import type { CliResult } from './cli.js';

/**
 * `tsdbt <args>` run by the CLI's own entry point (src/cli/main.ts's `main`) in this process: the
 * same command line, working directory and environment as `runCli` gives a child process, the
 * same exit code and the same stdout and stderr, without paying Node's start and the CLI's module
 * loading for every command. For tests about what a command writes and reads on disk (the compile
 * record, its outputs), not about the process itself; a test file that uses it should check once
 * that a real process gives the same output (test/bench/warm-compile.test.ts does).
 *
 * It changes process-wide state while the command runs (the working directory, process.env, the
 * writes to stdout and stderr, process.exitCode, the command name lock files record for this
 * process) and puts it all back after: run one at a time
 * (vitest.config.ts's RUNS_COMMANDS_IN_PROCESS says why files that use it may share a fork).
 */
export async function runCliInProcess(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    TSDBT_PROFILES_DIR: undefined,
    DBT_PROFILES_DIR: undefined,
    ...options.env,
  };
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const savedExitCode = process.exitCode;
  const savedLockOwner = lockOwnerCommand();
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (text: string) => void) =>
    (chunk: string | Uint8Array, encodingOrDone?: BufferEncoding | ((error?: Error | null) => void), done?: (error?: Error | null) => void): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
      if (callback) queueMicrotask(() => callback());
      return true;
    };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.exitCode = undefined;
  process.chdir(options.cwd);
  process.stdout.write = capture((text) => (stdout += text)) as typeof process.stdout.write;
  process.stderr.write = capture((text) => (stderr += text)) as typeof process.stderr.write;
  try {
    await main([process.execPath, 'tsdbt', ...args]);
    const code = process.exitCode;
    return { code: code === undefined ? 0 : Number(code), signal: null, stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.chdir(savedCwd);
    process.exitCode = savedExitCode;
    setLockOwnerCommand(savedLockOwner);
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
  }
}
