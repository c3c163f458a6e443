/**
 * Installed packages as the root project loads them: each package's project file, its files, and
 * its macros registered under its own name (`pkg.macro()`), after checking that what packages.yml
 * and package-lock.yml declare is installed and that every `require-dbt-version` admits the dbt
 * version tsdbt is compatible with.
 */
import { DBT_COMPATIBLE_VERSION, formatRange, parseRange, parseVersion, satisfies } from '../config/dbt-version.js';
import { projectKeyLine, validateProjectConfig, type ProjectConfig } from '../config/project-config.js';
import { isPlainObject } from '../config/value-checks.js';
import { parseYaml } from '../config/yaml-document.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { listInstalledPackages, readDeclaredPackagesFiles, readLockFileText } from '../project/installed-packages.js';
import { readProjectFiles, type ProjectFiles } from '../project/project-files.js';
import type { TemplateEngine } from '../template/template-engine.js';
import { isGenericTestFile } from './parse-tests.js';

export interface LoadedPackage {
  name: string;
  /** Absolute folder of the package. */
  dir: string;
  /** The folder relative to the root project (`dbt_packages/dbt_utils`): file names in messages start with it. */
  relativeDir: string;
  config: ProjectConfig;
  /** The package's project file as it reads on its own (before the root project's configs): for its lines. */
  ownConfig: ProjectConfig;
  files: ProjectFiles;
}

export interface LoadedPackages {
  packages: LoadedPackage[];
  errors: TsdbtError[];
}

/** Reads every installed package (nothing when the project declares none and none are installed). */
export function readPackages(projectDir: string, root: ProjectConfig, rootRequireLine: number | undefined): LoadedPackages {
  const errors: TsdbtError[] = [];
  const rootVersion = checkDbtVersion(root.name, root.requireDbtVersion, root.file, rootRequireLine);
  if (rootVersion !== undefined) errors.push(rootVersion);
  const installed = listInstalledPackages(projectDir, root.packagesInstallPath);
  const declared = declaredCount(projectDir);
  if (declared.count > installed.length) {
    // Thrown at once: every use of the missing packages' macros would only repeat it.
    throw new TsdbtError({
      code: ErrorCodes.PACKAGES_NOT_INSTALLED,
      message: `${declared.file} lists ${declared.count} package${declared.count === 1 ? '' : 's'}, but ${installed.length === 0 ? 'none is' : `only ${installed.length} ${installed.length === 1 ? 'is' : 'are'}`} installed in ${root.packagesInstallPath}/.`,
      file: declared.file,
      hint: 'Run `tsdbt deps` to install the packages.',
    });
  }
  const missing = lockedNames(projectDir).filter((name) => !installed.some((entry) => entry.folder === name));
  if (missing.length > 0) {
    errors.push(
      new TsdbtError({
        code: ErrorCodes.PACKAGES_NOT_INSTALLED,
        message: `package-lock.yml lists ${missing.map((name) => `'${name}'`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed in ${root.packagesInstallPath}/.`,
        file: 'package-lock.yml',
        hint: 'Run `tsdbt deps` to install the packages.',
      }),
    );
  }
  const packages: LoadedPackage[] = [];
  for (const entry of installed) {
    const validated = validateProjectConfig(parseYaml(entry.projectFile.text, entry.projectFile.path));
    // Warnings about a package's own project file are its authors' to fix, not the user's: not shown.
    if (validated.config === undefined) {
      errors.push(...validated.errors);
      continue;
    }
    const config = validated.config;
    if (config.name === root.name) {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.PACKAGES_INVALID,
          message: `The installed package in ${entry.relativeDir} has the root project's name '${root.name}'.`,
          file: entry.projectFile.path,
          hint: 'A project cannot install itself; remove it from packages.yml and run `tsdbt deps`.',
        }),
      );
      continue;
    }
    const version = checkDbtVersion(config.name, config.requireDbtVersion, entry.projectFile.path, undefined);
    if (version !== undefined) errors.push(version);
    const effective = packageConfig(root, config, entry.relativeDir);
    packages.push({
      name: config.name,
      dir: entry.dir,
      relativeDir: entry.relativeDir,
      config: effective,
      ownConfig: config,
      files: readProjectFiles(projectDir, effective),
    });
  }
  return { packages, errors };
}

/**
 * A package's project config as the root project sees it: its paths under the install folder (so
 * its files are named from the root: `dbt_packages/pkg/models/x.sql`), and the root project's
 * `models: pkg: …` (seeds, tests, snapshots) laid over the package's own, as dbt does.
 */
function packageConfig(root: ProjectConfig, own: ProjectConfig, relativeDir: string): ProjectConfig {
  const under = (paths: string[]) => paths.map((dir) => `${relativeDir}/${dir.replace(/^\.\/+/, '').replace(/\/+$/, '')}`);
  const tree = (section: 'models' | 'seeds' | 'tests' | 'snapshots' | 'sources') => {
    const fromRoot = root[section][own.name];
    return fromRoot === undefined ? own[section] : deepMerge(own[section], { [own.name]: fromRoot });
  };
  const fromRootVars = isPlainObject(root.vars[own.name]) ? (root.vars[own.name] as Record<string, unknown>) : {};
  return {
    ...own,
    modelPaths: under(own.modelPaths),
    macroPaths: under(own.macroPaths),
    seedPaths: under(own.seedPaths),
    testPaths: under(own.testPaths),
    snapshotPaths: under(own.snapshotPaths),
    analysisPaths: under(own.analysisPaths),
    docsPaths: under(own.docsPaths),
    models: tree('models'),
    seeds: tree('seeds'),
    tests: tree('tests'),
    snapshots: tree('snapshots'),
    sources: tree('sources'),
    // dbt's order for a package's var(): the root project's `vars: {pkg: …}`, then its global vars,
    // then the package's own (its scoped, then global); --vars win over all (added by the caller).
    vars: {
      ...withoutScopes(own.vars),
      ...(isPlainObject(own.vars[own.name]) ? (own.vars[own.name] as Record<string, unknown>) : {}),
      ...withoutScopes(root.vars),
      ...fromRootVars,
    },
  };
}

function withoutScopes(vars: Record<string, unknown>): Record<string, unknown> {
  // A mapping under a name is a project's scope, not a var: kept out of the flat view.
  return Object.fromEntries(Object.entries(vars).filter(([, value]) => !isPlainObject(value)));
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** Registers each package's macros and generic tests under the package's name. */
export function addPackageMacros(engine: TemplateEngine, packages: readonly LoadedPackage[]): TsdbtError[] {
  const errors: TsdbtError[] = [];
  for (const loaded of packages) {
    // Declared even without macros: `pkg.x` and dispatch's namespace `pkg` then resolve as in dbt.
    engine.addPackage(loaded.name, loaded.relativeDir);
    for (const file of loaded.files.macros) errors.push(...engine.addMacroFile(file.path, file.text, loaded.name));
    for (const file of loaded.files.tests) {
      if (isGenericTestFile(file, loaded.config)) errors.push(...engine.addMacroFile(file.path, file.text, loaded.name));
    }
  }
  return errors;
}

/** Makes `var()` answer with the package's vars while one of its nodes renders (the root project's otherwise). */
export function scopeVarsByPackage(engine: TemplateEngine, packages: readonly LoadedPackage[], cliVars: Record<string, unknown>): void {
  if (packages.length === 0) return;
  const rootVar = engine.globalValue('var') as (...args: unknown[]) => unknown;
  const byPackage = new Map(packages.map((loaded) => [loaded.name, packageVar(loaded, cliVars)]));
  engine.addGlobalValue('var', (...args: unknown[]) => (byPackage.get(engine.renderingPackage() ?? '') ?? rootVar)(...args));
}

/** `var()` as a package's nodes see it: --vars, then the package's layered vars (see packageConfig). */
export function packageVar(loaded: LoadedPackage, cliVars: Record<string, unknown>): (...args: unknown[]) => unknown {
  const vars = { ...loaded.config.vars, ...cliVars };
  return (...args: unknown[]) => {
    const positional = args.filter((arg) => !(isPlainObject(arg) && (arg as { __keywords?: unknown }).__keywords === true));
    const name = String(positional[0]);
    if (Object.hasOwn(vars, name)) return vars[name];
    if (positional.length > 1) return positional[1];
    throw new TsdbtError({
      code: ErrorCodes.TEMPLATE_RENDER,
      message: `Required variable '${name}' has no value in package '${loaded.name}'.`,
      hint: `Set it in your project file under \`vars: {${loaded.name}: {${name}: …}}\`, or pass --vars.`,
    });
  };
}

/** The package files whose change must invalidate the parse cache (their macros shape every render). */
export function packageMacroFiles(packages: readonly LoadedPackage[]): { path: string; text: string }[] {
  return packages.flatMap((loaded) => [...loaded.files.macros, ...loaded.files.tests.filter((file) => isGenericTestFile(file, loaded.config))]);
}

/** How many entries packages.yml (or dependencies.yml) lists, as dbt counts them before loading. */
function declaredCount(projectDir: string): { file: string; count: number } {
  let found = { file: 'packages.yml', count: 0 };
  for (const file of readDeclaredPackagesFiles(projectDir)) {
    const value = parseYaml(file.text, file.path, ErrorCodes.PACKAGES_INVALID).value;
    const count = isPlainObject(value) && Array.isArray(value.packages) ? value.packages.length : 0;
    if (count > found.count) found = { file: file.path, count };
  }
  return found;
}

function lockedNames(projectDir: string): string[] {
  const text = readLockFileText(projectDir);
  if (text === undefined) return [];
  const value = parseYaml(text, 'package-lock.yml', ErrorCodes.PACKAGES_INVALID).value;
  const list = isPlainObject(value) && Array.isArray(value.packages) ? value.packages : [];
  return list.flatMap((entry) => (isPlainObject(entry) && typeof entry.name === 'string' ? [entry.name] : []));
}

/** An error when `require-dbt-version` excludes DBT_COMPATIBLE_VERSION (or cannot be read). */
export function checkDbtVersion(project: string, required: unknown, file: string, line: number | undefined): TsdbtError | undefined {
  if (required === undefined || required === null) return undefined;
  const range = parseRange(required);
  if (range === undefined) {
    return new TsdbtError({
      code: ErrorCodes.CONFIG_INVALID,
      message: `${file}: \`require-dbt-version\` is not a version range tsdbt reads: ${JSON.stringify(required)}.`,
      file,
      line,
      hint: 'For example: require-dbt-version: [">=1.3.0", "<2.0.0"]',
    });
  }
  if (satisfies(parseVersion(DBT_COMPATIBLE_VERSION)!, range)) return undefined;
  return new TsdbtError({
    code: ErrorCodes.DBT_VERSION_UNSUPPORTED,
    message: `Project '${project}' requires dbt ${formatRange(range)}, but tsdbt is compatible with dbt ${DBT_COMPATIBLE_VERSION}.`,
    file,
    line,
    hint: 'Install a version of the package made for dbt 1.8 (or widen require-dbt-version in your own project).',
  });
}

/**
 * What an installed package holds that tsdbt does not load from packages (yet): each named in a
 * warning, so nothing a package ships is skipped without a word.
 */
export function unloadedPackageParts(loaded: LoadedPackage): string[] {
  const warnings: string[] = [];
  const skip = (where: string, what: string) =>
    warnings.push(`${where}: package '${loaded.name}' has ${what}, which tsdbt does not load from packages; it is skipped.`);
  for (const file of loaded.files.snapshots) skip(file.path, 'a snapshot file');
  for (const file of loaded.files.analyses) skip(file.path, 'an analysis');
  for (const file of loaded.files.pythonModels) skip(file, 'a Python model');
  for (const file of loaded.files.properties) {
    const line = lineOfKey(file.text, 'unit_tests');
    if (line !== undefined) skip(`${file.path}:${line}`, 'unit tests');
  }
  for (const file of loaded.files.docs) {
    if (/\{%-?\s*docs\s/.test(file.text)) skip(file.path, 'doc blocks');
  }
  const hookLine = (key: string) => {
    const line = projectKeyLine(loaded.ownConfig, key);
    return line === undefined ? loaded.config.file : `${loaded.config.file}:${line}`;
  };
  if (loaded.config.onRunStart.length > 0) skip(hookLine('on-run-start'), 'on-run-start hooks');
  if (loaded.config.onRunEnd.length > 0) skip(hookLine('on-run-end'), 'on-run-end hooks');
  return warnings;
}

/** The 1-based line of a top-level `key:` in a YAML text, if it has one. */
function lineOfKey(text: string, key: string): number | undefined {
  const index = text.split('\n').findIndex((line) => line.startsWith(`${key}:`));
  return index === -1 ? undefined : index + 1;
}
