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
import { buildStamp } from '../version.js';
import { stableJson } from './compile-stamps.js';

export const INDEX_FILE = 'compile_index.json';
const FORMAT = 2;

/** A relation as `[schema, identifier]`. */
export type RelationParts = [schema: string, identifier: string];

/**
 * compile_index.json. Every map is kept as parallel arrays (keys, values) rather than as
 * objects keyed by id: a patched compile parses it whole and writes its offsets again, and
 * arrays of numbers and short strings parse several times faster than objects of 10,000 keys.
 */
export interface CompileIndex {
  format: number;
  build: string;
  /** Size and modification time of the manifest.json this index describes. */
  manifest: { size: number; mtimeMs: number };
  /** The root project's models, by unique id. */
  models: string[];
  /** Each model's entry in manifest.json's `nodes`: its value's first and past-the-end byte (two numbers a model, in `models` order). */
  offsets: number[];
  /** Each model's own config() calls (stableJson), in `models` order; null when they are not known. */
  inFile: (string | null)[];
  /** The root project's models and seeds by name, as ref() finds them: their relation, null for an ephemeral model. */
  refable: { names: string[]; relations: (RelationParts | null)[] };
  /** The root project's sources by `source.table`: their relation. */
  sources: { keys: string[]; relations: RelationParts[] };
}

/** Collects a model's manifest offsets while manifest.json is written. */
export class IndexOffsets {
  readonly offsets: Record<string, [start: number, end: number]> = {};
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
    const index: CompileIndex = {
      format: FORMAT,
      build: buildStamp(),
      manifest,
      models: [],
      offsets: [],
      inFile: [],
      refable: { names: [], relations: [] },
      sources: { keys: [], relations: [] },
    };
    const refable = (name: string, relation: RelationParts | null) => {
      index.refable.names.push(name);
      index.refable.relations.push(relation);
    };
    for (const seed of project.seeds.values()) if (seed.packageName === own) refable(seed.name, [seed.relation.schema, seed.relation.identifier]);
    for (const model of project.models.values()) {
      if (model.packageName !== own) continue;
      refable(model.name, model.config.materialized === 'ephemeral' ? null : [model.relation.schema, model.relation.identifier]);
      const at = offsets.offsets[model.uniqueId];
      if (at === undefined) continue;
      const config = inFileConfigOfModel(model);
      index.models.push(model.uniqueId);
      index.offsets.push(at[0], at[1]);
      index.inFile.push(config === undefined ? null : stableJson(config));
    }
    for (const source of project.sources.values()) {
      if (source.packageName !== own) continue;
      index.sources.keys.push(`${source.sourceName}.${source.name}`);
      index.sources.relations.push([source.relation.schema, source.relation.identifier]);
    }
    writeJsonFile(file, index);
  } catch {
    // A read-only target folder only costs the next re-compile its patch path.
  }
}

/** The index in `targetDir` when it describes the manifest.json there now; undefined otherwise. */
export function readCompileIndex(targetDir: string): IndexLookup | undefined {
  const text = readTextFile(path.join(targetDir, INDEX_FILE));
  if (text === undefined) return undefined;
  try {
    const index = JSON.parse(text) as CompileIndex;
    if (index.format !== FORMAT || index.build !== buildStamp()) return undefined;
    const manifest = statOf(path.join(targetDir, 'manifest.json'));
    return manifest !== undefined && manifest.size === index.manifest.size && manifest.mtimeMs === index.manifest.mtimeMs ? new IndexLookup(index) : undefined;
  } catch {
    return undefined;
  }
}

/** Lookups by id and name into an index (the maps are built on first use: a patch asks for a few models). */
export class IndexLookup {
  private modelAt?: Map<string, number>;
  private refableAt?: Map<string, number>;
  private sourceAt?: Map<string, number>;

  constructor(readonly index: CompileIndex) {}

  /** A model's manifest entry and own config() calls, or undefined when the index does not have both. */
  model(uniqueId: string): { start: number; end: number; inFile: string } | undefined {
    this.modelAt ??= positions(this.index.models);
    const at = this.modelAt.get(uniqueId);
    const inFile = at === undefined ? null : this.index.inFile[at];
    if (at === undefined || inFile === null || inFile === undefined) return undefined;
    return { start: this.index.offsets[2 * at]!, end: this.index.offsets[2 * at + 1]!, inFile };
  }

  /** What ref(`name`) finds: its relation, null for an ephemeral model, undefined for no root-project model or seed. */
  refable(name: string): RelationParts | null | undefined {
    this.refableAt ??= positions(this.index.refable.names);
    const at = this.refableAt.get(name);
    return at === undefined ? undefined : this.index.refable.relations[at];
  }

  /** What source(`source`, `table`) finds, or undefined. */
  source(key: string): RelationParts | undefined {
    this.sourceAt ??= positions(this.index.sources.keys);
    const at = this.sourceAt.get(key);
    return at === undefined ? undefined : this.index.sources.relations[at];
  }
}

/** Each key's position; a key given twice keeps its last, as the object this index once was did (a model named as a seed wins). */
function positions(keys: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  keys.forEach((key, at) => {
    out.set(key, at);
  });
  return out;
}

export function writeIndex(targetDir: string, index: CompileIndex): void {
  writeJsonFile(path.join(targetDir, INDEX_FILE), index);
}
