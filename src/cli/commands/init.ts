import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_NAME, init } from '../../tasks/init.js';
import { commandAction } from '../exit-codes.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';

interface InitCliOptions {
  yes?: boolean;
}

export function registerInit(program: Command, terminal: Terminal): void {
  program
    .command('init')
    .argument('[name]', 'folder to create; its last part names the project (letters, digits, underscores)')
    .description('create a new project: project.yml, profiles.yml for the embedded engine, two example models and their properties, .gitignore')
    .option('-y, --yes', 'ask nothing: use the defaults (also the case when stdin is not a terminal)')
    .action(
      commandAction(async (given: string | undefined, options: InitCliOptions) => {
        const interactive = options.yes !== true && process.stdin.isTTY === true;
        const folder = given ?? (interactive ? await ask(`Name of the new project (letters, digits, underscores) [${DEFAULT_NAME}]: `) : '');
        const result = init(cliInvocation(terminal), { folder });
        const shown = path.relative(process.cwd(), result.folder) || '.';
        terminal.info(`Created project '${result.name}' in ${shown}/:`);
        terminal.info('  project.yml       name, paths and folder-level model configs');
        terminal.info('  profiles.yml      target dev: embedded ClickHouse (chDB) in .tsdbt/; a server target, commented out');
        terminal.info('  models/example/   my_first_model (table), my_second_model (view on it), schema.yml (descriptions, tests)');
        terminal.info('  .gitignore        target/, logs/, .tsdbt/');
        terminal.info('');
        terminal.info('Next:');
        terminal.info(`  cd ${shown}`);
        const build = await buildCommand();
        terminal.info(`${'  npx tsdbt debug'.padEnd(20)}# checks the configuration and the connection`);
        terminal.info(`${`  npx tsdbt ${build}`.padEnd(20)}# builds the example models${build === 'build' ? ' and runs their tests' : ''}`);
        return result.status;
      }),
    );
}

/** `build` (models and their tests) once that command exists, else `run`. */
async function buildCommand(): Promise<string> {
  const { COMMANDS } = await import('../main.js');
  return COMMANDS.some((command) => command.name === 'build') ? 'build' : 'run';
}

async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
}
