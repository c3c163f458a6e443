import { Problems, type YamlDocument } from './yaml-document.js';
import { describeType, didYouMean, isPlainObject, stringList, type Plain } from './value-checks.js';
import { type DispatchEntry, dispatchEntries } from './dispatch-config.js';

/** project.yml (or dbt_project.yml), validated and with defaults filled in. */
export interface ProjectConfig {
  name: string;
  version: string | undefined;
  profile: string;
  modelPaths: string[];
  macroPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  snapshotPaths: string[];
  analysisPaths: string[];
  docsPaths: string[];
  targetPath: string;
  logPath: string;
  cleanTargets: string[];
  /** Where `tsdbt deps` installs packages (`packages-install-path`, default dbt_packages). */
  packagesInstallPath: string;
  /** `require-dbt-version` as written (checked against DBT_COMPATIBLE_VERSION when the project loads). */
  requireDbtVersion: unknown;
  vars: Plain;
  /** The `models:` config tree (folder → `+config` keys), as written. */
  models: Plain;
  seeds: Plain;
  /** The `snapshots:` config tree. */
  snapshots: Plain;
  tests: Plain;
  sources: Plain;
  onRunStart: string[];
  onRunEnd: string[];
  /** `dispatch:`: where adapter.dispatch looks for each macro namespace (dispatch-config.ts). */
  dispatch: DispatchEntry[];
  /** The file it came from, relative to the project dir. */
  file: string;
}

const KNOWN_KEYS = [
  'name',
  'version',
  'config-version',
  'profile',
  'model-paths',
  'macro-paths',
  'seed-paths',
  'test-paths',
  'snapshot-paths',
  'analysis-paths',
  'docs-paths',
  'asset-paths',
  'target-path',
  'log-path',
  'clean-targets',
  'packages-install-path',
  'vars',
  'models',
  'seeds',
  'tests',
  'data_tests',
  'sources',
  'snapshots',
  'analyses',
  'on-run-start',
  'on-run-end',
  'require-dbt-version',
  'quoting',
  'query-comment',
  'dispatch',
  'flags',
  'restrict-access',
  'metrics',
  'semantic-models',
  'saved-queries',
  'exposures',
  'unit_tests',
  'source-paths',
  'data-paths',
];

/** dbt_project.yml keys tsdbt reads past without acting on them: each gets a warning, never silence. */
const NOT_ACTED_ON: Record<string, string> = {
  quoting: 'tsdbt always quotes identifiers with backticks',
  'query-comment': 'tsdbt adds no comment to the queries it sends',
  flags: 'set the behaviour with command-line flags instead',
  'restrict-access': 'model access and groups are not enforced',
  metrics: 'the semantic layer is not part of tsdbt',
  'semantic-models': 'the semantic layer is not part of tsdbt',
  'saved-queries': 'the semantic layer is not part of tsdbt',
  'asset-paths': 'the docs site does not copy assets',
};

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates a parsed project file. Returns every problem at once rather than the first. */
export function validateProjectConfig(doc: YamlDocument) {
  const problems = new Problems(doc, undefined, 'The keys of project.yml, and what each takes, are those of dbt_project.yml (see "Projects" in README.md).');
  const warnings: string[] = [];
  const raw = doc.value;
  if (!isPlainObject(raw)) {
    problems.add([], `must be a mapping of settings (name, profile, model-paths, …), but it is ${describeType(raw)}.`);
    return { config: undefined, errors: problems.errors, warnings };
  }

  warnings.push(...keyWarnings(doc, raw));
  const name = raw.name;
  checkName(name, problems);
  const { paths, single, tree, hooks } = fieldReaders(raw, problems, name);

  const profile = raw.profile;
  if (profile !== undefined && profile !== null && typeof profile !== 'string') {
    problems.add(['profile'], `must be the name of a profile in profiles.yml, but it is ${describeType(profile)}.`);
  }
  const vars = raw.vars;
  if (vars !== undefined && vars !== null && !isPlainObject(vars)) {
    problems.add(['vars'], `must be a mapping of variable names to values, but it is ${describeType(vars)}.`);
  }
  const targetPath = single('target-path', 'target');
  const logPath = single('log-path', 'logs');
  const config: ProjectConfig = {
    name: typeof name === 'string' ? name : 'project',
    version: raw.version === undefined ? undefined : String(raw.version),
    profile: typeof profile === 'string' ? profile : typeof name === 'string' ? name : 'default',
    modelPaths: paths('model-paths', stringList(raw['source-paths']) ?? ['models']),
    macroPaths: paths('macro-paths', ['macros']),
    seedPaths: paths('seed-paths', stringList(raw['data-paths']) ?? ['seeds']),
    testPaths: paths('test-paths', ['tests']),
    snapshotPaths: paths('snapshot-paths', ['snapshots']),
    analysisPaths: paths('analysis-paths', ['analyses']),
    docsPaths: paths('docs-paths', []),
    targetPath,
    logPath,
    cleanTargets: paths('clean-targets', [targetPath, logPath]),
    packagesInstallPath: single('packages-install-path', 'dbt_packages'),
    requireDbtVersion: raw['require-dbt-version'] ?? undefined,
    vars: isPlainObject(vars) ? vars : {},
    models: tree('models'),
    seeds: tree('seeds'),
    snapshots: tree('snapshots'),
    tests: { ...tree('tests'), ...tree('data_tests') },
    sources: tree('sources'),
    onRunStart: hooks('on-run-start'),
    onRunEnd: hooks('on-run-end'),
    dispatch: dispatchEntries(raw.dispatch, problems),
    file: doc.file,
  };
  documents.set(config, doc);
  return { config: problems.errors.length === 0 ? config : undefined, errors: problems.errors, warnings };
}

/** A warning for each top-level key tsdbt does not know, or knows but does not act on. */
function keyWarnings(doc: YamlDocument, raw: Plain): string[] {
  const warnings: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) {
      const line = doc.lineOf([key]);
      warnings.push(`${doc.file}${line === undefined ? '' : `:${line}`}: unknown setting \`${key}\` is ignored.${didYouMean(key, KNOWN_KEYS)}`);
    } else if (NOT_ACTED_ON[key] !== undefined) {
      const line = doc.lineOf([key]);
      warnings.push(
        `${doc.file}${line === undefined ? '' : `:${line}`}: \`${key}\` is accepted for dbt compatibility but tsdbt does not act on it (${NOT_ACTED_ON[key]}).`,
      );
    }
  }

  return warnings;
}

function checkName(name: unknown, problems: Problems): void {
  if (name === undefined || name === null || name === '') {
    problems.add(['name'], 'is required: the project name, used in unique ids and as the default profile name.', 'Add e.g. `name: my_project` at the top.');
  } else if (typeof name !== 'string') {
    problems.add(['name'], `must be a string, but it is ${describeType(name)}.`, 'For example: `name: my_project`.');
  } else if (!NAME_PATTERN.test(name)) {
    problems.add(
      ['name'],
      `must contain only letters, digits and underscores, and not start with a digit; got '${name}'.`,
      `For example: \`name: ${name.replace(/^(?=\d)/, '_').replace(/[^A-Za-z0-9_]/g, '_')}\`.`,
    );
  }
}

/** Readers of the typed keys, each reporting a wrong type to `problems` and returning the default instead. */
function fieldReaders(raw: Plain, problems: Problems, name: unknown) {
  const paths = (key: string, fallback: string[]): string[] => {
    const value = raw[key];
    if (value === undefined || value === null) return fallback;
    const list = stringList(value);
    if (list === undefined) {
      problems.add([key], `must be a list of folder paths, but it is ${describeType(value)}.`, `For example: ${key}: ["${fallback[0] ?? key}"]`);
      return fallback;
    }
    return list;
  };
  const single = (key: string, fallback: string): string => {
    const value = raw[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string') {
      problems.add([key], `must be a folder path, but it is ${describeType(value)}.`, `For example: \`${key}: ${fallback}\` (the default).`);
      return fallback;
    }
    return value;
  };
  const tree = (key: string): Plain => {
    const value = raw[key];
    if (value === undefined || value === null) return {};
    if (!isPlainObject(value)) {
      problems.add(
        [key],
        `must be a mapping of folders to configs (e.g. \`${key}: {${String(name)}: {+materialized: table}}\`), but it is ${describeType(value)}.`,
      );
      return {};
    }
    return value;
  };
  const hooks = (key: string): string[] => {
    const value = raw[key];
    if (value === undefined || value === null) return [];
    const list = stringList(value);
    if (list === undefined) {
      problems.add(
        [key],
        `must be a SQL statement or a list of them, but it is ${describeType(value)}.`,
        `For example: \`${key}: ["OPTIMIZE TABLE {{ target.schema }}.events FINAL"]\`.`,
      );
      return [];
    }
    return list;
  };
  return { paths, single, tree, hooks };
}

/** The line of a top-level key of the project file (e.g. `target-path`), if the file sets it. */
export function projectKeyLine(config: ProjectConfig, key: string): number | undefined {
  return documents.get(config)?.lineOf([key]);
}

/** The YAML each validated config was read from, for treeConfigLine. */
const documents = new WeakMap<ProjectConfig, YamlDocument>();

/** The line of the project file at `path` (`['models', 'demo', 'staging']`), when known. */
export function projectConfigLine(config: ProjectConfig, path: readonly (string | number)[]): number | undefined {
  return documents.get(config)?.lineOf(path);
}

/**
 * The line of the project file that sets config `key` for the node at `fqn` in a config tree
 * (`models:`, `seeds:`…): the deepest folder that sets `+key` (or `key`). Undefined when the tree
 * does not set it.
 */
export function treeConfigLine(
  config: ProjectConfig,
  section: 'models' | 'seeds' | 'snapshots' | 'tests' | 'sources',
  fqn: readonly string[],
  key: string,
): number | undefined {
  const doc = documents.get(config);
  if (doc === undefined) return undefined;
  for (let depth = fqn.length; depth >= 0; depth -= 1) {
    let level: unknown = config[section];
    for (const part of fqn.slice(0, depth)) level = isPlainObject(level) ? level[part] : undefined;
    if (!isPlainObject(level)) continue;
    const spellings = [key, key.replace(/_hook$/, '-hook')];
    const written = spellings.flatMap((name) => [`+${name}`, name]).find((name) => name in level);
    if (written !== undefined) return doc.lineOf([section, ...fqn.slice(0, depth), written]);
  }
  return undefined;
}

export const PROJECT_FILE_NAMES = ['project.yml', 'dbt_project.yml'] as const;
