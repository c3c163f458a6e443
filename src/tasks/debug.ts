import type { Project } from '../compile/load-project.js';
import { embeddedFallbackNotice } from '../config/profiles.js';
import { packageVersions, TSDBT_VERSION } from '../version.js';
import { runConnectionChecks, type CheckResult } from './debug-checks.js';
import type { Invocation, TaskResult } from './invocation.js';
import { openProjectQuietly } from './open-project.js';
import type { ProjectOptions } from './options.js';

export interface DebugResult extends TaskResult {
  versions: { tsdbt: string; node: string; client: string; chdb: string };
  /** undefined when the project or the profile did not load (`projectError` says why). */
  project: Project | undefined;
  projectError?: unknown;
  /** Without a profiles.yml: where the embedded database lives, and how to point elsewhere. */
  embeddedNotice?: string | undefined;
  /** The connection checks, in order (none when the project did not load). */
  checks: CheckResult[];
  /** How many checks failed (the project counts as one). */
  failed: number;
}

/** `tsdbt debug`: versions, the project and profile, then each connection check. Never throws for a broken project: it is one failed check. */
export async function debug(invocation: Invocation, options: ProjectOptions = {}): Promise<DebugResult> {
  const { client, chdb } = packageVersions();
  const versions = { tsdbt: TSDBT_VERSION, node: process.versions.node, client, chdb };
  let project: Project;
  try {
    // Its warnings are said by the caller, after the project's own lines.
    project = openProjectQuietly(options, invocation);
  } catch (error) {
    return { status: 'invalid', versions, project: undefined, projectError: error, checks: [], failed: 1 };
  }
  const embeddedNotice = project.profilesFile === undefined ? embeddedFallbackNotice(project.dir, project.target, invocation.env) : undefined;
  const checks = await runConnectionChecks(project.target, { projectDir: project.dir });
  const failed = checks.filter((check) => check.status === 'error').length;
  return { status: failed === 0 ? 'ok' : 'unreachable', versions, project, embeddedNotice, checks, failed };
}
