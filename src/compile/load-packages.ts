/**
 * Installed packages as the root project loads them: each package's project file, its files, and
 * its macros registered under its own name (`pkg.macro()`), after checking that what packages.yml
 * and package-lock.yml declare is installed and that every `require-dbt-version` admits the dbt
 * version tsdbt is compatible with.
 */
import { DBT_COMPATIBLE_VERSION, formatRange, parseRange, parseVersion, satisfies } from '../config/dbt-version.js';
import { validateProjectConfig, type ProjectConfig } from '../config/project-config.js';
import { isPlainObject } from '../config/value-checks.js';
import { parseYaml } from '../config/yaml-document.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { listInstalledPackages, readLockFileText } from '../project/installed-packages.js';
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
    packages.push({ name: config.name, dir: entry.dir, relativeDir: entry.relativeDir, config, files: readProjectFiles(entry.dir, config) });
  }
  return { packages, errors };
}

/** Registers each package's macros and generic tests under the package's name. */
export function addPackageMacros(engine: TemplateEngine, packages: readonly LoadedPackage[]): TsdbtError[] {
  const errors: TsdbtError[] = [];
  for (const loaded of packages) {
    const shown = (file: string) => `${loaded.relativeDir}/${file}`;
    for (const file of loaded.files.macros) errors.push(...engine.addMacroFile(shown(file.path), file.text, loaded.name));
    for (const file of loaded.files.tests) {
      if (isGenericTestFile(file, loaded.config)) errors.push(...engine.addMacroFile(shown(file.path), file.text, loaded.name));
    }
  }
  return errors;
}

/** The package files whose change must invalidate the parse cache (their macros shape every render). */
export function packageMacroFiles(packages: readonly LoadedPackage[]): { path: string; text: string }[] {
  return packages.flatMap((loaded) =>
    [...loaded.files.macros, ...loaded.files.tests.filter((file) => isGenericTestFile(file, loaded.config))].map((file) => ({
      path: `${loaded.relativeDir}/${file.path}`,
      text: file.text,
    })),
  );
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
