import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';

export type SourceFolderConfig = Pick<ProjectConfig, 'modelPaths' | 'macroPaths' | 'seedPaths' | 'testPaths' | 'snapshotPaths' | 'analysisPaths' | 'docsPaths'>;

/** The folders the project's own files live in (every `*-paths` setting): what tsdbt reads and must never delete or overwrite. */
export function sourceFolders(config: SourceFolderConfig): string[] {
  return [
    ...config.modelPaths,
    ...config.macroPaths,
    ...config.seedPaths,
    ...config.testPaths,
    ...config.snapshotPaths,
    ...config.analysisPaths,
    ...config.docsPaths,
  ];
}

/** Whether `child` lies strictly inside `parent` (both absolute). */
export function inside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * `path.resolve`, with symlinks in the existing part of the path followed: a path that is (or lies
 * under) a link to elsewhere resolves to where it really is.
 */
export function realResolve(base: string, relative: string): string {
  const full = path.resolve(base, relative);
  let existing = full;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) return full;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  return path.join(realpathSync(existing), ...rest);
}
