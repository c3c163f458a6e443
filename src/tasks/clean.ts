import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { validateProjectConfig, type ProjectConfig } from '../config/project-config.js';
import { parseYaml } from '../config/yaml-document.js';
import { ErrorCodes, throwCollected, TsdbtError } from '../core/errors.js';
import { findProject } from '../project/find-project.js';
import { inside, realResolve, sourceFolders } from '../project/project-paths.js';
import type { Invocation, TaskResult } from './invocation.js';

export interface CleanOptions {
  projectDir?: string;
}

export interface CleanResult extends TaskResult {
  projectDir: string;
  /** Each clean-target, in project.yml order: its absolute path and whether there was anything to delete. */
  cleaned: { path: string; existed: boolean }[];
}

/**
 * `tsdbt clean`: deletes the folders in clean-targets, after checking every one. Only
 * project.yml is read, so clean works even when a model or the profile is broken.
 */
export function clean(invocation: Invocation, options: CleanOptions = {}): CleanResult {
  const { projectDir, projectFile } = findProject(options.projectDir ?? process.cwd());
  const doc = parseYaml(projectFile.text, projectFile.path);
  const validated = validateProjectConfig(doc);
  if (validated.config === undefined) throwCollected(validated.errors);
  const config = validated.config!;
  // No log file is opened for clean: it would recreate the logs/ folder it just deleted.
  const doomed = planClean(projectDir, config, (index) => doc.lineOf(['clean-targets', index]));
  const cleaned: CleanResult['cleaned'] = [];
  for (const target of doomed) {
    const existed = existsSync(target);
    if (existed) rmSync(target, { recursive: true, force: true });
    cleaned.push({ path: target, existed });
    invocation.log.detail(`${existed ? 'deleted' : 'nothing at'} ${target}`);
  }
  return { status: 'ok', projectDir, cleaned };
}

/**
 * The absolute paths `clean-targets` asks to delete, after checking every one (before anything
 * is deleted): inside the project (also after following symlinks), not the project folder itself,
 * and not a folder holding the project's sources (models, macros, seeds, tests, the project file).
 */
export function planClean(
  projectDir: string,
  config: Pick<
    ProjectConfig,
    'cleanTargets' | 'file' | 'modelPaths' | 'macroPaths' | 'seedPaths' | 'testPaths' | 'snapshotPaths' | 'analysisPaths' | 'docsPaths'
  >,
  lineOf: (index: number) => number | undefined = () => undefined,
): string[] {
  const root = realResolve(projectDir, '.');
  const sources = [...sourceFolders(config), config.file, 'profiles.yml', 'selectors.yml'].map((source) => ({ source, full: realResolve(projectDir, source) }));
  const errors: TsdbtError[] = [];
  const doomed: string[] = [];
  config.cleanTargets.forEach((target, index) => {
    const full = realResolve(projectDir, target);
    const refuse = (why: string) =>
      errors.push(
        new TsdbtError({
          code: ErrorCodes.CLEAN_TARGET_UNSAFE,
          message: `clean-targets entry '${target}' ${why}, so tsdbt clean deletes nothing.`,
          file: config.file,
          line: lineOf(index),
          hint: 'List only folders tsdbt writes inside the project, e.g. clean-targets: ["target", "logs"].',
        }),
      );
    if (full === root) refuse('is the project folder itself');
    else if (!inside(root, full)) refuse(`points outside the project (to ${full})`);
    else {
      const hit = sources.find(({ full: source }) => source === full || inside(full, source));
      if (hit !== undefined) refuse(`would delete the project's own files (${hit.source})`);
      else doomed.push(path.resolve(projectDir, target));
    }
  });
  throwCollected(errors);
  return doomed;
}
