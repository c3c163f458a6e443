import { existsSync } from 'node:fs';
import path from 'node:path';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { PROJECT_FILE_NAMES } from '../config/project-config.js';
import type { ProjectFile } from './project-files.js';
import { readRegularProjectFile } from './read-file.js';

/** Finds the project file in `dir` or its parents: `project.yml`, else `dbt_project.yml`. */
export function findProject(startDir: string): { projectDir: string; projectFile: ProjectFile } {
  let dir = path.resolve(startDir);
  for (;;) {
    for (const name of PROJECT_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return { projectDir: dir, projectFile: { path: name, text: readRegularProjectFile(candidate, name) } };
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new TsdbtError({
    code: ErrorCodes.CONFIG_FILE_MISSING,
    message: `No project.yml or dbt_project.yml found in ${path.resolve(startDir)} or any folder above it.`,
    hint: 'Run tsdbt inside a project (a folder with a project.yml), or pass --project-dir <folder>.',
  });
}
