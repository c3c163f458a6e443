import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { setLockOwnerCommand } from '../adapter/lock-owner.js';
import { ErrorCodes, isTsdbtError, TsdbtError } from '../core/errors.js';
import { LogEvent } from '../report/log-record.js';
import { TSDBT_VERSION, versionReport } from '../version.js';
import { ExitCode, exitCodeFor, exitCodeOf, takeCommandStatus } from './exit-codes.js';
import { ignoreClosedPipes } from './closed-pipe.js';
import { createTerminal, outputSettingsFromArgv, type Terminal } from './terminal.js';
import { fileSystemError } from './file-system-error.js';

export type RegisterCommand = (program: Command, terminal: Terminal) => void;

export interface LazyCommand {
  name: string;
  aliases?: string[];
  /** The line `tsdbt --help` shows; the command's own `.description()` is shown by `tsdbt <name> --help`. */
  summary: string;
  load: () => Promise<RegisterCommand>;
}

/**
 * Every command, imported only when it is the one being run (or asked for help), so that
 * `tsdbt --version`, `tsdbt --help` and shell completion never load chDB, the ClickHouse client,
 * nunjucks or the compiler. To add a command: one entry here (keep the static imports out).
 */
export const COMMANDS: readonly LazyCommand[] = [
  {
    name: 'init',
    summary: 'create a new project: project.yml, profiles.yml, example models',
    load: async () => (await import('./commands/init.js')).registerInit,
  },
  {
    name: 'debug',
    summary: 'check versions, project and profile configuration, and the database connection',
    load: async () => (await import('./commands/debug.js')).registerDebug,
  },
  { name: 'compile', summary: 'render models to SQL in target/compiled', load: async () => (await import('./commands/compile.js')).registerCompile },
  {
    name: 'check',
    summary: 'check models against the real ClickHouse analyzer without building anything',
    load: async () => (await import('./commands/check.js')).registerCheck,
  },
  {
    name: 'lineage',
    summary: "a column's lineage, from the analyzer: the columns it is computed from, or the models it reaches",
    load: async () => (await import('./commands/lineage.js')).registerLineage,
  },
  { name: 'run', summary: 'build the selected models in the database, in dependency order', load: async () => (await import('./commands/run.js')).registerRun },
  { name: 'seed', summary: 'load the CSV files under seed-paths into tables', load: async () => (await import('./commands/seed.js')).registerSeed },
  {
    name: 'test',
    summary: 'run data tests: PASS, WARN or FAIL with the number of failing rows',
    load: async () => (await import('./commands/test.js')).registerTest,
  },
  {
    name: 'snapshot',
    summary: 'record changes of snapshots as SCD type 2 history',
    load: async () => (await import('./commands/snapshot.js')).registerSnapshot,
  },
  { name: 'build', summary: 'seed, run and test in one pass, in graph order', load: async () => (await import('./commands/build.js')).registerBuild },
  {
    name: 'source',
    summary: 'source freshness: how recently each source was loaded (target/sources.json)',
    load: async () => (await import('./commands/source.js')).registerSource,
  },
  {
    name: 'ingest',
    summary: 'fetch sources that have an `ingest:` block and land their replies',
    load: async () => (await import('./commands/ingest.js')).registerIngest,
  },
  {
    name: 'show',
    summary: "preview a model's or an inline query's rows without building anything",
    load: async () => (await import('./commands/show.js')).registerShow,
  },
  {
    name: 'ls',
    aliases: ['list'],
    summary: 'list the nodes of the project that a selection matches',
    load: async () => (await import('./commands/ls.js')).registerLs,
  },
  {
    name: 'run-operation',
    summary: 'run a macro against the target (backups, purges, grants…) with --args',
    load: async () => (await import('./commands/run-operation.js')).registerRunOperation,
  },
  {
    name: 'retry',
    summary: 'run again what failed or was skipped last time (target/run_results.json)',
    load: async () => (await import('./commands/retry.js')).registerRetry,
  },
  {
    name: 'docs',
    summary: 'generate a documentation site with a lineage graph (docs generate), and serve it (docs serve)',
    load: async () => (await import('./commands/docs.js')).registerDocs,
  },
  {
    name: 'deps',
    summary: 'install the packages of packages.yml into dbt_packages/ and pin them in package-lock.yml',
    load: async () => (await import('./commands/deps.js')).registerDeps,
  },
  {
    name: 'clean',
    summary: 'delete the folders listed in clean-targets (target/, logs/)',
    load: async () => (await import('./commands/clean.js')).registerClean,
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash or zsh)',
    load: async () => (await import('./commands/completion.js')).registerCompletion,
  },
];

/** Global options: accepted before or after the command name. */
export function globalOptions(program: Command): Command {
  return program
    .option('-d, --debug', 'show debug logs, SQL statements and stack traces')
    .option('--no-color', 'plain output (NO_COLOR is respected too)')
    .option('-q, --quiet', 'show only errors on the console (the log file still gets everything)')
    .addOption(
      new Option('--log-format <format>', 'console log format: text, or json lines for CI and log shippers').choices(['text', 'json']).env('TSDBT_LOG_FORMAT'),
    )
    .addOption(new Option('--log-level <level>', 'smallest level shown on the console').choices(['debug', 'info', 'warn', 'error']).env('TSDBT_LOG_LEVEL'))
    .option('--log-path <dir>', "folder for tsdbt.log (default: the project's log-path, logs/)")
    .option('--log-file-max-bytes <n>', 'size at which tsdbt.log rolls over to tsdbt.log.1 (0: never)', wholeBytes);
}

/** --log-file-max-bytes: a wrong value is a usage error, not silently the default. */
function wholeBytes(value: string): number {
  const bytes = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(bytes))
    throw new InvalidArgumentError('It must be a whole number of bytes, e.g. 10485760 (0: never roll over).');
  return bytes;
}

/**
 * The CLI entry point: wires commands, runs one, and turns any error into a message and an
 * exit code. Nothing below src/cli prints or exits.
 */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const args = argv.slice(2);
  ignoreClosedPipes(process.stdout, process.stderr);
  const terminal = await createTerminal(outputSettingsFromArgv(args));
  terminal.event('debug', LogEvent.COMMAND_START, `Running with tsdbt=${TSDBT_VERSION}: tsdbt ${args.join(' ')}`, { args, version: TSDBT_VERSION });

  const program = globalOptions(new Command('tsdbt'))
    .description('dbt-style SQL models for ClickHouse: compile Jinja SQL, build it in dependency order, ingest sources')
    .version(mayAskVersion(args) ? versionReport() : TSDBT_VERSION, '-v, --version', 'print the versions of tsdbt, chDB and the ClickHouse client')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      // In JSON mode even commander's own lines (usage hints, help after an error) become JSON lines.
      writeErr: (text) => (terminal.format === 'json' ? terminal.event('info', LogEvent.LOG, text.trimEnd()) : process.stderr.write(text)),
      writeOut: (text) => process.stdout.write(text),
      outputError: (text, write) => {
        if (terminal.format === 'json') terminal.event('error', LogEvent.USAGE_ERROR, text.trim().replace(/^error: /, ''));
        else write(text);
      },
    });

  try {
    const chosen = commandWord(args, program);
    // Named in the lock file of an embedded database this command opens (see engine-lock.ts).
    if (chosen !== undefined) setLockOwnerCommand(`tsdbt ${chosen}`);
    for (const entry of COMMANDS) {
      if (chosen !== undefined && (entry.name === chosen || entry.aliases?.includes(chosen))) {
        (await entry.load())(program, terminal);
      } else {
        // Only a name and a line for `tsdbt --help`; never run.
        program
          .command(entry.name)
          .aliases(entry.aliases ?? [])
          .description(entry.summary);
      }
    }
    for (const command of program.commands) command.exitOverride();
    await program.parseAsync(argv as string[]);
    // The one place a command's result becomes the exit code (errors: handleError below).
    const status = takeCommandStatus();
    process.exitCode = status === undefined ? ExitCode.OK : exitCodeOf(status);
  } catch (error) {
    process.exitCode = handleError(error, terminal);
  } finally {
    terminal.close(typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0));
  }
}

/**
 * Whether the command line may ask for --version (`-v`, also among short flags: `-qv`). Only then
 * is the report made: it reads chDB's and the ClickHouse client's package.json, a few ms that
 * every other command would spend on text nobody prints.
 */
export function mayAskVersion(args: readonly string[]): boolean {
  return args.some((arg) => arg === '--version' || /^-[^-]*v/.test(arg));
}

/** The command named on the command line (skipping global options and their values), or for `help <name>`, that name. */
export function commandWord(args: readonly string[], program: Command): string | undefined {
  const takesValue = new Set(
    program.options.filter((option) => option.required || option.optional).flatMap((option) => [option.long, option.short].filter(Boolean) as string[]),
  );
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--') return undefined;
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) index += 1;
      continue;
    }
    return arg === 'help' ? args[index + 1] : arg;
  }
  return undefined;
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
  const fileError = fileSystemError(error);
  if (fileError !== undefined) {
    terminal.error(fileError);
    return exitCodeFor(fileError);
  }
  terminal.error(
    new TsdbtError({
      code: ErrorCodes.INTERNAL,
      message: `tsdbt hit an internal error: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'This is a bug in tsdbt. Please report it with the output of the same command run with --debug.',
      cause: error,
    }),
  );
  if (!terminal.debug && terminal.format === 'text' && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  return ExitCode.FAILURE;
}
