import { Command, CommanderError } from 'commander';
import { ErrorCodes, isTsdbtError, TsdbtError } from '../errors.js';
import { TSDBT_VERSION } from '../version.js';
import { registerCompile } from './commands/compile.js';
import { registerDebug } from './commands/debug.js';
import { registerIngest } from './commands/ingest.js';
import { registerLs } from './commands/ls.js';
import { registerRetry } from './commands/retry.js';
import { registerRun } from './commands/run.js';
import { registerShow } from './commands/show.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { Terminal } from './terminal.js';

/**
 * The CLI entry point: wires commands, runs one, and turns any error into a message and an
 * exit code. Nothing below src/cli prints or exits.
 */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const debugFlag = argv.includes('--debug');
  const colorOff = argv.includes('--no-color');
  const terminal = new Terminal(process.stdout, process.stderr, colorOff ? false : undefined);
  terminal.debug = debugFlag;

  const program = new Command('tsdbt')
    .description('dbt-style SQL models for ClickHouse: compile Jinja SQL, build it in dependency order, ingest sources')
    .version(TSDBT_VERSION, '-v, --version', 'print the version')
    .option('--debug', 'show debug logs, SQL statements and stack traces')
    .option('--no-color', 'plain output (NO_COLOR is respected too)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text), writeOut: (text) => process.stdout.write(text) });

  registerDebug(program, terminal);
  registerCompile(program, terminal);
  registerRun(program, terminal);
  registerIngest(program, terminal);
  registerShow(program, terminal);
  registerLs(program, terminal);
  registerRetry(program, terminal);
  for (const command of program.commands) {
    command.exitOverride();
    // --debug and --no-color are accepted after the command name as well.
    command.option('--debug', 'show debug logs, SQL statements and stack traces').option('--no-color', 'plain output');
  }

  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    process.exitCode = handleError(error, terminal);
  }
}

function handleError(error: unknown, terminal: Terminal): number {
  if (error instanceof CommanderError) {
    // Help and version "errors" are commander's way to stop after printing.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.OK;
    return ExitCode.USAGE;
  }
  if (isTsdbtError(error)) {
    terminal.error(error);
    return exitCodeFor(error);
  }
  terminal.error(
    new TsdbtError({
      code: ErrorCodes.INTERNAL,
      message: `tsdbt hit an internal error: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'This is a bug in tsdbt. Please report it with the output of the same command run with --debug.',
      cause: error,
    }),
  );
  if (!terminal.debug && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  return ExitCode.FAILURE;
}
