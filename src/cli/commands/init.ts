import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import { commandAction } from '../exit-codes.js';
import type { TaskStatus } from '../../tasks/invocation.js';
import type { Terminal } from '../terminal.js';

interface InitOptions {
  yes?: boolean;
}

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_NAME = 'my_project';

export function registerInit(program: Command, terminal: Terminal): void {
  program
    .command('init')
    .argument('[name]', 'folder to create; its last part names the project (letters, digits, underscores)')
    .description('create a new project: project.yml, profiles.yml for the embedded engine, two example models and their properties, .gitignore')
    .option('-y, --yes', 'ask nothing: use the defaults (also the case when stdin is not a terminal)')
    .action(commandAction((name: string | undefined, options: InitOptions) => init(name, options, terminal)));
}

async function init(given: string | undefined, options: InitOptions, terminal: Terminal): Promise<TaskStatus> {
  const interactive = options.yes !== true && process.stdin.isTTY === true;
  const answer = given ?? (interactive ? await ask(`Name of the new project (letters, digits, underscores) [${DEFAULT_NAME}]: `) : '');
  const folderArg = answer.trim() === '' ? DEFAULT_NAME : answer.trim();
  const folder = path.resolve(folderArg);
  const name = path.basename(folder);
  checkName(name);
  checkFolder(folder, folderArg);

  const files = scaffoldFiles(name);
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(folder, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    // 'wx': never replace a file, even one that appeared since the check above.
    writeFileSync(file, text, { flag: 'wx' });
  }
  const shown = path.relative(process.cwd(), folder) || '.';
  terminal.info(`Created project '${name}' in ${shown}/:`);
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
  return 'ok';
}

/** `build` (models and their tests) once that command exists, else `run`. */
async function buildCommand(): Promise<string> {
  const { COMMANDS } = await import('../main.js');
  return COMMANDS.some((command) => command.name === 'build') ? 'build' : 'run';
}

function checkName(name: string): void {
  if (NAME_PATTERN.test(name)) return;
  const suggestion = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_') || DEFAULT_NAME;
  throw new TsdbtError({
    code: ErrorCodes.USAGE,
    message: `'${name}' cannot name a project: use letters, digits and underscores, not starting with a digit (it becomes the database and profile name).`,
    hint: `For example: tsdbt init ${suggestion}`,
  });
}

function checkFolder(folder: string, shown: string): void {
  if (!existsSync(folder)) return;
  if (!statSync(folder).isDirectory()) {
    throw new TsdbtError({
      code: ErrorCodes.INIT_FOLDER_NOT_EMPTY,
      message: `'${shown}' already exists and is a file, so tsdbt init cannot create a project there.`,
      hint: 'Pick another name.',
    });
  }
  const entries = readdirSync(folder);
  if (entries.length === 0) return;
  const project = ['project.yml', 'dbt_project.yml'].find((file) => entries.includes(file));
  throw new TsdbtError({
    code: ErrorCodes.INIT_FOLDER_NOT_EMPTY,
    message: project
      ? `'${shown}' already holds a project (${project}); tsdbt init never overwrites files.`
      : `'${shown}' already exists and is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}); tsdbt init never overwrites files.`,
    hint: 'Pick another name, or empty the folder first.',
  });
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

/** The files of a new project, relative path → text. Pure, so tests can check them without a disk. */
export function scaffoldFiles(name: string): Record<string, string> {
  return {
    'project.yml': `# A tsdbt project. The keys are those of dbt's dbt_project.yml.
name: ${name}
version: "1.0.0"
profile: ${name}              # the entry in profiles.yml to connect with

model-paths: ["models"]
macro-paths: ["macros"]
seed-paths: ["seeds"]
test-paths: ["tests"]
target-path: "target"         # compiled SQL, manifest.json, run_results.json
log-path: "logs"              # logs/tsdbt.log: debug-level log of every command
clean-targets: ["target", "logs", "dbt_packages"]   # what \`tsdbt clean\` deletes (dbt_packages: \`tsdbt deps\` installs it again)

models:
  ${name}:
    # Configs for every model in models/example/; a model's own config() wins.
    example:
      +materialized: view
`,
    'profiles.yml': `# Where ${name} builds. tsdbt looks for profiles.yml in --profiles-dir, $TSDBT_PROFILES_DIR,
# $DBT_PROFILES_DIR, the project folder, ~/.tsdbt/, then ~/.dbt/. Keep passwords out of this file: use env_var().
${name}:
  target: dev
  outputs:
    dev:
      type: chdb              # embedded ClickHouse (chDB): nothing to install or start
      path: .tsdbt/chdb       # data folder, relative to the project; one process at a time
      schema: ${name}          # database the models are built in
      threads: 4

    # A ClickHouse server over HTTP(S). Uncomment, then: tsdbt debug --target prod
    # prod:
    #   type: clickhouse
    #   host: localhost
    #   port: 8123            # 8443 with secure: true
    #   secure: false
    #   user: default
    #   password: "{{ env_var('CLICKHOUSE_PASSWORD', '') }}"
    #   schema: ${name}
    #   threads: 4
`,
    'models/example/my_first_model.sql': `-- A table: tsdbt builds it under a temporary name, then swaps it in with EXCHANGE TABLES,
-- so readers never see it half-built. config() here overrides project.yml.
{{ config(materialized='table', order_by='id') }}

select
    number + 1 as id,
    concat('item ', toString(number + 1)) as name
from numbers(3)
`,
    'models/example/my_second_model.sql': `-- A view on the first model: ref() tells tsdbt to build my_first_model first.
select
    id,
    upper(name) as name
from {{ ref('my_first_model') }}
where id >= 2
`,
    'models/example/schema.yml': `version: 2

models:
  - name: my_first_model
    description: A starter table with three rows.
    columns:
      - name: id
        description: The primary key of this table.
        data_tests:
          - unique
          - not_null
      - name: name
        description: A label for the row.

  - name: my_second_model
    description: A starter view on my_first_model, without its first row.
    columns:
      - name: id
        description: The primary key of this view.
        data_tests:
          - unique
          - not_null
`,
    'macros/.gitkeep': '',
    'seeds/.gitkeep': '',
    'tests/.gitkeep': '',
    '.gitignore': `target/
logs/
.tsdbt/
`,
  };
}
