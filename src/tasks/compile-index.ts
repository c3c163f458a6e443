/**
 * `<target-path>/compile_index.json`: what a re-compile of one changed model needs from the last
 * full compile without parsing the project again (tasks/compile-patch.ts): where each model's
 * entry lies in manifest.json, what each model's own `config()` calls set, and the relations
 * `ref()` and `source()` print. Written after manifest.json, for the manifest of that size and
 * time only; any other manifest makes it void.
 */
import path from 'node:path';
import type { Project } from '../compile/load-project.js';
import { inFileConfigOfModel } from '../compile/parse-models.js';
import { graphWasRead } from '../compile/run-state.js';
import { writeJsonFile } from '../artifacts/json-file.js';
import { readTextFile, statOf } from '../project/file-stamps.js';
import { buildStamp, stableJson } from './compile-stamps.js';

export const INDEX_FILE = 'compile_index.json';
const FORMAT = 1;

/** A relation as `[schema, identifier]`. */
export type RelationParts = [schema: string, identifier: string];

export interface CompileIndex {
  format: number;
  build: string;
  /** Size and modification time of the manifest.json this index describes. */
  manifest: { size: number; mtimeMs: number };
  /** Each root-project model's entry in manifest.json's `nodes`: its value's first and past-the-end byte. */
  offsets: Record<string, [start: number, end: number]>;
  /** Each root-project model's own config() calls (stableJson), by unique id. */
  inFile: Record<string, string>;
  /** The root project's models and seeds by name, as ref() finds them: their relation, null for an ephemeral model. */
  refable: Record<string, RelationParts | null>;
  /** The root project's sources by `source.table`: their relation. */
  sources: Record<string, RelationParts>;
}

/** Collects a model's manifest offsets while manifest.json is written. */
export class IndexOffsets {
  readonly offsets: CompileIndex['offsets'] = {};
  readonly note = (uniqueId: string, start: number, end: number): void => {
    this.offsets[uniqueId] = [start, end];
  };
}

/**
 * Writes the index after a full compile of the whole project; removes it when the compile's
 * output cannot be patched one model at a time (a render read `graph`, packages are installed).
 */
export function writeCompileIndex(project: Project, offsets: IndexOffsets): void {
  const targetDir = path.resolve(project.dir, project.config.targetPath);
  const file = path.join(targetDir, INDEX_FILE);
  try {
    const manifest = statOf(path.join(targetDir, 'manifest.json'));
    const patchable = manifest !== undefined && !graphWasRead(project) && project.engine.packageNames().length === 0;
    if (!patchable) {
      writeJsonFile(file, { format: 0 });
      return;
    }
    const own = project.config.name;
    const inFile: CompileIndex['inFile'] = {};
    const refable: CompileIndex['refable'] = {};
    for (const seed of project.seeds.values()) if (seed.packageName === own) refable[seed.name] = [seed.relation.schema, seed.relation.identifier];
    for (const model of project.models.values()) {
      if (model.packageName !== own) continue;
      const config = inFileConfigOfModel(model);
      if (config !== undefined) inFile[model.uniqueId] = stableJson(config);
      refable[model.name] = model.config.materialized === 'ephemeral' ? null : [model.relation.schema, model.relation.identifier];
    }
    const sources: CompileIndex['sources'] = {};
    for (const source of project.sources.values()) {
      if (source.packageName === own) sources[`${source.sourceName}.${source.name}`] = [source.relation.schema, source.relation.identifier];
    }
    const index: CompileIndex = { format: FORMAT, build: buildStamp(), manifest, offsets: offsets.offsets, inFile, refable, sources };
    writeJsonFile(file, index);
  } catch {
    // A read-only target folder only costs the next re-compile its patch path.
  }
}

/** The index in `targetDir` when it describes the manifest.json there now; undefined otherwise. */
export function readCompileIndex(targetDir: string): CompileIndex | undefined {
  const text = readTextFile(path.join(targetDir, INDEX_FILE));
  if (text === undefined) return undefined;
  try {
    const index = JSON.parse(text) as CompileIndex;
    if (index.format !== FORMAT || index.build !== buildStamp()) return undefined;
    const manifest = statOf(path.join(targetDir, 'manifest.json'));
    return manifest !== undefined && manifest.size === index.manifest.size && manifest.mtimeMs === index.manifest.mtimeMs ? index : undefined;
  } catch {
    return undefined;
  }
}

export function writeIndex(targetDir: string, index: CompileIndex): void {
  writeJsonFile(path.join(targetDir, INDEX_FILE), index);
}
