/**
 * `tsdbt deps`, as dbt 1.7+ does it: packages.yml (or dependencies.yml) is resolved into
 * package-lock.yml (kept as long as the packages list's hash is unchanged, re-resolved with
 * `--upgrade`), then the locked packages are installed into `packages-install-path` at once.
 * `--lock` writes the lock file only.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import { parsePackagesFile, type PackagesFile } from '../config/packages-config.js';
import { projectKeyLine, validateProjectConfig } from '../config/project-config.js';
import { parseYaml } from '../config/yaml-document.js';
import { ErrorCodes, throwCollected, TsdbtError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { findProject } from '../project/find-project.js';
import { checkTargetPath } from '../project/target-path.js';
import { Downloads, installPackages, readTextIfExists, writeText, type FetchedFolder } from '../project/package-install.js';
import { baseGlobals } from '../template/base-globals.js';
import { allowingSecretEnv } from '../template/secret-env.js';
import { TemplateEngine } from '../template/template-engine.js';
import { Resolver, type ResolvedPackage } from './deps-resolve.js';

export const LOCK_FILE = 'package-lock.yml';
export const DEFAULT_HUB_URL = 'https://hub.getdbt.com/';

export interface DepsOptions {
  projectDir?: string;
  /** Resolve and write package-lock.yml, install nothing. */
  lock?: boolean;
  /** Resolve again even when package-lock.yml matches packages.yml. */
  upgrade?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface DepsResult {
  /** What is installed (or, with --lock, locked), in lock file order. */
  packages: { name: string; kind: string; version?: string; revision?: string }[];
  /** True when package-lock.yml was (re)written. */
  lockWritten: boolean;
  installPath: string;
  warnings: string[];
}

export async function deps(options: DepsOptions = {}): Promise<DepsResult> {
  const env = options.env ?? process.env;
  const { projectDir, projectFile } = findProject(options.projectDir ?? process.cwd());
  const validated = validateProjectConfig(parseYaml(projectFile.text, projectFile.path));
  if (validated.config === undefined) throwCollected(validated.errors);
  const config = validated.config!;
  // deps replaces the install folder as a whole: never one holding the project's own files.
  checkTargetPath(projectDir, { ...config, targetPath: config.packagesInstallPath }, projectKeyLine(config, 'packages-install-path'), 'packages-install-path');
  const warnings: string[] = [];
  const engine = new TemplateEngine(
    baseGlobals({ projectName: config.name, vars: config.vars, env, logger: silentLogger, macro: () => undefined, doc: () => undefined }),
  );
  const render = (text: string, file: string) => allowingSecretEnv(() => engine.renderString(text, {}, file));
  const declared = readDeclared(projectDir, render, warnings);
  if (declared.specs.length === 0) return { packages: [], lockWritten: false, installPath: config.packagesInstallPath, warnings };
  const lockPath = path.join(projectDir, LOCK_FILE);
  const lockText = readTextIfExists(lockPath);
  const lockDoc = lockText === undefined ? undefined : parseYaml(lockText, LOCK_FILE, ErrorCodes.PACKAGES_INVALID);
  const previousHash = (lockDoc?.value as { sha1_hash?: unknown } | null | undefined)?.sha1_hash;
  const relock = lockDoc === undefined || options.upgrade === true || previousHash !== declared.hash;

  const downloads = new Downloads();
  try {
    const hubUrl = env.TSDBT_PACKAGE_HUB_URL ?? env.DBT_PACKAGE_HUB_URL ?? DEFAULT_HUB_URL;
    const context = { downloads, hubUrl, render, warnings };
    let resolved: ResolvedPackage[];
    if (relock) {
      resolved = await new Resolver(context).resolve(declared.specs, config.name, projectDir, false);
    } else {
      const locked = parsePackagesFile(lockDoc!, (text) => render(text, LOCK_FILE));
      throwCollected(locked.errors);
      resolved = await new Resolver(context).resolve(locked.specs, config.name, projectDir, true);
    }
    if (relock) writeText(lockPath, lockFileText(resolved, declared.hash));
    if (options.lock !== true) {
      installPackages(projectDir, config.packagesInstallPath, new Map<string, FetchedFolder>(resolved.map((item) => [item.name, item.fetched])));
    }
    return {
      packages: resolved.map((item) => ({
        name: item.name,
        kind: item.kind,
        version: item.version,
        revision: typeof item.lockEntry.revision === 'string' ? item.lockEntry.revision : undefined,
      })),
      lockWritten: relock,
      installPath: config.packagesInstallPath,
      warnings,
    };
  } finally {
    downloads.dispose();
  }
}

/** packages.yml or dependencies.yml of the root project (both may exist; only one may list packages, as in dbt). */
function readDeclared(projectDir: string, render: (text: string, file: string) => string, warnings: string[]): PackagesFile {
  const files: { file: string; parsed: PackagesFile; lists: boolean }[] = [];
  for (const file of ['dependencies.yml', 'packages.yml']) {
    const text = readTextIfExists(path.join(projectDir, file));
    if (text === undefined) continue;
    const doc = parseYaml(text, file, ErrorCodes.PACKAGES_INVALID);
    const parsed = parsePackagesFile(doc, (value) => render(value, file));
    throwCollected(parsed.errors);
    warnings.push(...parsed.warnings);
    files.push({ file, parsed, lists: parsed.specs.length > 0 });
  }
  const listing = files.filter((entry) => entry.lists);
  if (listing.length > 1) {
    throw new TsdbtError({
      code: ErrorCodes.PACKAGES_INVALID,
      message: 'Both dependencies.yml and packages.yml list packages.',
      file: 'packages.yml',
      hint: 'List them in one file only (dbt reads one of the two).',
    });
  }
  return listing[0]?.parsed ?? files[0]?.parsed ?? parsePackagesFile(parseYaml('packages: []', 'packages.yml'));
}

/** package-lock.yml in dbt's layout: the resolved entries, each with its project name, then the hash. */
function lockFileText(resolved: readonly ResolvedPackage[], hash: string): string {
  const packages = resolved.map((item) => ({ ...item.lockEntry, name: item.name }));
  return stringify({ packages, sha1_hash: hash }, { indent: 2, indentSeq: true, lineWidth: 0 });
}
