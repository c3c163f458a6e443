import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { Invocation, TaskResult } from './invocation.js';

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const DEFAULT_NAME = 'my_project';

export interface InitOptions {
  /** The folder to create (relative to the current one); its last part names the project. Default `my_project`. */
  folder?: string;
}

export interface InitResult extends TaskResult {
  name: string;
  /** The absolute path of the new project. */
  folder: string;
  /** The files written, relative to `folder`. */
  files: string[];
}

/** `tsdbt init`: a new project in a new (or empty) folder; never overwrites a file. */
export function init(invocation: Invocation, options: InitOptions = {}): InitResult {
  const folderArg = options.folder === undefined || options.folder.trim() === '' ? DEFAULT_NAME : options.folder.trim();
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
    invocation.log.detail(`wrote ${file}`);
  }
  return { status: 'ok', name, folder, files: Object.keys(files) };
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
