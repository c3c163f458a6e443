/**
 * target/lineage.json: the column lineage `tsdbt check` derived, by model, each entry with the
 * checksum of the model it was derived from. Each check updates the models it checked and keeps
 * the others, so a check of a selection never forgets the rest of the project; a model checked
 * without lineage (it failed) loses its entry, as a stale answer is worse than none.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../compile/load-project.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ModelLineage, ProjectLineage } from '../graph/lineage/column-graph.js';
import { readProjectFile } from '../project/read-file.js';
import { TSDBT_VERSION } from '../version.js';
import { writeJsonArtifact } from './write-artifacts.js';

export const LINEAGE_FILE = 'lineage.json';

/** The lineage last written, or undefined when no check wrote one. */
export function readLineageFile(project: Project): ProjectLineage | undefined {
  const relative = path.join(project.config.targetPath, LINEAGE_FILE);
  if (!existsSync(path.join(project.dir, relative))) return undefined;
  let parsed: { models?: Record<string, ModelLineage> };
  try {
    parsed = JSON.parse(readProjectFile(project.dir, relative)) as { models?: Record<string, ModelLineage> };
  } catch (error) {
    if (error instanceof TsdbtError) throw error;
    throw new TsdbtError({
      code: ErrorCodes.LINEAGE_FILE_INVALID,
      message: `${relative} is not valid JSON: ${(error as Error).message}.`,
      file: relative,
      hint: 'Delete it and run `tsdbt check` to write it again.',
    });
  }
  return new Map(Object.entries(parsed.models ?? {}));
}

/**
 * Writes `checked` over the previous file: entries of `checked` replace (undefined: remove) the
 * model's old one. Returns what it wrote, so that the caller need not read the file back.
 */
export function updateLineageFile(project: Project, checked: ReadonlyMap<string, ModelLineage | undefined>): ProjectLineage {
  const models = new Map(readLineageFile(project) ?? []);
  for (const [id, entry] of checked) {
    if (entry === undefined) models.delete(id);
    else models.set(id, entry);
  }
  // Models that left the project leave the file too.
  for (const id of models.keys()) if (!project.models.has(id)) models.delete(id);
  const sorted = [...models.keys()].sort();
  writeJsonArtifact(project, LINEAGE_FILE, {
    metadata: { tsdbt_version: TSDBT_VERSION, generated_at: new Date().toISOString() },
    models: Object.fromEntries(sorted.map((id) => [id, models.get(id)!])),
  });
  return new Map(sorted.map((id) => [id, models.get(id)!]));
}

/**
 * The models whose lineage is missing or out of date: no entry, another checksum, or an
 * out-of-date parent model (a parent's columns are part of what a model's lineage says).
 */
export function staleLineage(project: Project, lineage: ProjectLineage | undefined): Set<string> {
  const stale = new Set<string>();
  const verdict = new Map<string, boolean>();
  const isStale = (id: string): boolean => {
    const known = verdict.get(id);
    if (known !== undefined) return known;
    verdict.set(id, false);
    const node = project.models.get(id)!;
    const entry = lineage?.get(id);
    const result =
      entry === undefined ||
      entry.checksum !== (node.checksum ?? '') ||
      project.graph.parentList(id).some((parent) => project.models.has(parent) && isStale(parent));
    verdict.set(id, result);
    return result;
  };
  for (const id of project.models.keys()) if (isStale(id)) stale.add(id);
  return stale;
}

/** The entries of target/lineage.json (or of `written`, what was just written there) that are up to date with the project (see staleLineage). */
export function currentLineage(project: Project, written?: ProjectLineage): ProjectLineage {
  const lineage = written ?? readLineageFile(project) ?? new Map<string, ModelLineage>();
  const stale = staleLineage(project, lineage);
  return new Map([...lineage].filter(([id]) => !stale.has(id)));
}
