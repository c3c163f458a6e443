import type { ProjectConfig } from '../config/project-config.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { inside, realResolve, sourceFolders } from './project-paths.js';

type PathConfig = Pick<
  ProjectConfig,
  'targetPath' | 'file' | 'modelPaths' | 'macroPaths' | 'seedPaths' | 'testPaths' | 'snapshotPaths' | 'analysisPaths' | 'docsPaths'
>;

/**
 * Refuses a `target-path` that overlaps the project: the project folder itself, a folder holding
 * it, or one holding (or inside) a source folder. tsdbt replaces what it writes under target/ (the
 * docs site, compiled SQL, artifacts), and `docs serve` serves it: pointed at the project, that
 * would overwrite the user's files and serve profiles.yml. Checked (after following symlinks)
 * before anything is written, as `clean` checks clean-targets.
 */
export function checkTargetPath(
  projectDir: string,
  config: PathConfig,
  line: number | undefined,
  setting: 'target-path' | 'packages-install-path' = 'target-path',
): void {
  const root = realResolve(projectDir, '.');
  const target = realResolve(projectDir, config.targetPath);
  const sources = [...sourceFolders(config), '.tsdbt', 'profiles.yml', config.file];
  let why: string | undefined;
  if (target === root) why = 'is the project folder itself';
  else if (inside(target, root)) why = 'holds the project folder';
  else {
    const hit = sources.find((source) => {
      const full = realResolve(projectDir, source);
      return full === target || inside(full, target) || inside(target, full);
    });
    if (hit !== undefined) why = `overlaps the project's own ${hit}`;
  }
  if (why === undefined) return;
  throw new TsdbtError({
    code: ErrorCodes.TARGET_PATH_UNSAFE,
    message: `${setting} '${config.targetPath}' ${why}; tsdbt writes and replaces files there, so it does nothing.`,
    file: config.file,
    line,
    hint: `Use a folder of its own for what tsdbt writes, e.g. ${setting}: "${setting === 'target-path' ? 'target' : 'dbt_packages'}".`,
  });
}
