import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ProjectFile } from './project-files.js';
import { readRegularProjectFile } from './read-file.js';

/** A package folder under packages-install-path, with its project file. */
export interface InstalledPackage {
  /** The folder's name (deps names it after the package's project name). */
  folder: string;
  /** Absolute path (a `local:` package is a link to its folder). */
  dir: string;
  /** The folder relative to the root project, forward slashes: `dbt_packages/dbt_utils`. */
  relativeDir: string;
  projectFile: ProjectFile;
}

/** Every installed package, by folder name; folders without a project file are skipped, as dbt skips them. */
export function listInstalledPackages(projectDir: string, installPath: string): InstalledPackage[] {
  const root = path.resolve(projectDir, installPath);
  if (!existsSync(root) || !statSync(root).isDirectory()) return [];
  const out: InstalledPackage[] = [];
  for (const folder of readdirSync(root).sort()) {
    if (folder.startsWith('.')) continue;
    const dir = path.join(root, folder);
    // statSync follows the link of a `local:` package.
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    const relativeDir = path.relative(projectDir, dir).split(path.sep).join('/');
    for (const name of ['dbt_project.yml', 'project.yml']) {
      const file = path.join(dir, name);
      if (!existsSync(file)) continue;
      out.push({ folder, dir, relativeDir, projectFile: { path: `${relativeDir}/${name}`, text: readRegularProjectFile(file, `${relativeDir}/${name}`) } });
      break;
    }
  }
  return out;
}

/** The `name:`s package-lock.yml pins, when the project has one (to tell which packages must be installed). */
export function readLockFileText(projectDir: string): string | undefined {
  const file = path.join(projectDir, 'package-lock.yml');
  return existsSync(file) ? readRegularProjectFile(file, 'package-lock.yml') : undefined;
}

/** packages.yml and dependencies.yml of the root project, when present (their `packages:` tell what must be installed). */
export function readDeclaredPackagesFiles(projectDir: string): ProjectFile[] {
  return ['dependencies.yml', 'packages.yml']
    .filter((name) => existsSync(path.join(projectDir, name)))
    .map((name) => ({ path: name, text: readRegularProjectFile(path.join(projectDir, name), name) }));
}
