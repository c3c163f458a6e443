/**
 * A re-compile after model files changed, answered without parsing the project again, when what
 * changed cannot reach beyond those models' own entries: `tsdbt compile` re-renders each changed
 * model, writes its compiled file, and replaces its entry in manifest.json, copying every other
 * byte of the last manifest. The output is what a full compile would write (test/bench checks it
 * byte for byte).
 *
 * It holds only when everything but the contents of some root-project model files is as the last
 * compile's record says (compile-stamps.ts: same options, environment, project and profile
 * files, same set of files, untouched outputs), the last compile compiled the whole project and
 * left its index (compile-index.ts), and each changed model:
 *
 * - still calls the same ref()s and source()s in the same order, and config() with the same
 *   values: its config, its parents, its tests and the graph are then those of the last compile;
 * - renders at parse time to text a compile may reuse (speculation.ts: nothing read that differs
 *   at compile time, every relation it printed is its final one) and reads nothing per command
 *   (`env_var`, `invocation_id`…);
 * - was compiled, is not ephemeral (its SQL would be inside its children's), and no warning of
 *   the last compile names its file (its line numbers may have moved).
 *
 * Other models cannot see a model's text except through `graph`, and a compile whose renders
 * read `graph` leaves no index. Anything else, and the command compiles as usual.
 *
 * Besides the changed entries, only the metadata's `generated_at` and `invocation_id` change;
 * every other node keeps the `created_at` of the compile that parsed it (as dbt's partial parsing
 * keeps it).
 */
import path from 'node:path';
import type { ModelNode } from '../compile/nodes.js';
import { PhaseTimer } from '../compile/perf-info.js';
import { callLines, usedMacros } from '../compile/parse-models.js';
import { checksumOf } from '../compile/parse-cache.js';
import { defineTemplates, openRenderEnvironment, type RenderEnvironment } from '../compile/render-environment.js';
import { isEmptySql } from '../compile/render-model.js';
import { inFileConfigOf, parseScope, relationOf } from '../compile/scopes.js';
import { renderAtParse } from '../compile/speculation.js';
import { macroUniqueId } from '../artifacts/manifest.js';
import { writeJsonFile } from '../artifacts/json-file.js';
import { readDefinitionFiles } from '../project/project-files.js';
import { readRegularProjectFile } from '../project/read-file.js';
import { statOf, stampOf, stampSum } from '../project/file-stamps.js';
import { Relation } from '../template/relation.js';
import { writeFileAtomically } from '../core/atomic-file.js';
import { silentLogger } from '../core/logger.js';
import { ManifestCopy, ManifestFile, metadataPieces, writePatched, type Piece } from './manifest-patch.js';
import { readCompileIndex, writeIndex, type IndexLookup, type RelationParts } from './compile-index.js';
import { compiledText, WatchedEnv } from './compile-record.js';
import {
  compiledPrefixOf,
  envDigest,
  ownEnvNames,
  recordedAnswer,
  stableJson,
  wholeProject,
  writeStamps,
  type CompileStamps,
  type StampCheck,
  type UpToDateCompile,
} from './compile-stamps.js';
import type { CompileOptions } from './compile.js';
import type { Invocation } from './invocation.js';
import { parseVars } from './options.js';

export const PATCHED_PHASE = 'models changed (manifest.json patched)';

/** Watched globals the command may read, as compile-record.ts allows them: env_var through the recorded environment (the profile's), adapter without a server. */
const ALLOWED_READS = new Set(['env_var', 'adapter']);

/** One changed model: where its entry was, and what replaces it. */
interface Replacement {
  file: string;
  start: number;
  end: number;
  entry: Buffer;
  sql: string;
}

/** `tsdbt compile` after model files changed, patched; undefined when it must compile as usual (nothing has been written then). */
export async function patchCompile(invocation: Invocation, options: CompileOptions, checked: StampCheck): Promise<UpToDateCompile | undefined> {
  const startedAt = Date.now();
  const timer = options.writePerfInfo === true ? new PhaseTimer() : undefined;
  if (!wholeProject(options) || checked.changed.length === 0) return undefined;
  const { stamps } = checked;
  const targetDir = path.resolve(stamps.projectDir, stamps.targetPath);
  const index = readCompileIndex(targetDir);
  if (index === undefined) return undefined;
  const changed = checked.changed.map((at) => stamps.inputs.files[at]!);
  if (changed.some((file) => stamps.said.some(([, text]) => text.includes(file)))) return undefined;
  const compiledAt = new Map(stamps.compiled.files.map((file, at) => [file, at]));
  if (!changed.every((file) => compiledAt.has(file))) return undefined;

  const env = new WatchedEnv(invocation.env);
  let replacements: Replacement[] | undefined;
  let pieces: Piece[];
  let environment: RenderEnvironment;
  let manifest: ManifestFile;
  try {
    manifest = new ManifestFile(path.join(targetDir, 'manifest.json'));
  } catch {
    return undefined;
  }
  const copy = new ManifestCopy(manifest);
  try {
    environment = openRenderEnvironment({
      projectDir: options.projectDir,
      profilesDir: options.profilesDir,
      target: options.target,
      vars: parseVars(options.vars),
      env: env.env,
      logger: silentLogger,
    });
    if (environment.projectDir !== stamps.projectDir) return abandon(manifest, copy);
    // The check found the files under the record's folders as it lists them: no folder is walked again.
    const definitions = readDefinitionFiles(environment.projectDir, environment.config, { roots: stamps.roots, files: stamps.inputs.files });
    const defined = defineTemplates(environment, definitions);
    if (defined.errors.length > 0 || defined.packages.length > 0) return abandon(manifest, copy);
    replacements = [];
    for (const file of changed) {
      const replacement = rerender(environment, index, manifest, file);
      if (replacement === undefined) return abandon(manifest, copy);
      replacements.push(replacement);
    }
    const first = Math.min(...replacements.map((replacement) => replacement.start));
    pieces = [
      ...metadataPieces(manifest, { generated_at: new Date().toISOString(), invocation_id: environment.invocationId }, first),
      ...replacements.map(({ start, end, entry }) => ({ start, end, bytes: entry })),
    ].sort((a, b) => a.start - b.start);
  } catch {
    return abandon(manifest, copy); // a full compile reports it, with file and line
  }
  if (env.listed || [...environment.engine.watchedReads].some((name) => !ALLOWED_READS.has(name))) return abandon(manifest, copy);
  timer?.mark('changed models rendered');

  let shifts: Map<number, number>;
  try {
    // Compiled files first: a manifest written without them would let the record vouch for stale files.
    const compiledPrefix = compiledPrefixOf(stamps);
    for (const { file, sql } of replacements) writeFileAtomically(compiledPrefix + file, compiledText(sql));
    shifts = await writePatched(manifest, pieces, copy);
  } catch {
    await copy.discard();
    return undefined; // the outputs no longer match the record: the full compile that follows writes them all
  } finally {
    manifest.close();
  }
  timer?.mark('manifest.json and compiled files written');
  invocation.events.projectReused?.({ dir: stamps.projectDir, invocationId: environment.invocationId, config: { logPath: stamps.logPath } });
  for (const [level, text] of stamps.said) invocation.log[level](text);
  recordPatch({ stamps, index, targetDir, changed: checked.changed, folders: checked.folders, replacements, offsets: shifts, env, startedAt, compiledAt });
  if (timer !== undefined) {
    timer.mark(PATCHED_PHASE);
    timer.partialParse = true;
    timer.pathCount = stamps.inputs.files.length;
    timer.reusedPathCount = stamps.inputs.files.length - changed.length;
    writeJsonFile(path.join(targetDir, 'perf_info.json'), timer.info());
  }
  return recordedAnswer(stamps, false);
}

/** A changed model rendered again and its new manifest entry; undefined when the conditions above do not hold. */
function rerender(environment: RenderEnvironment, index: IndexLookup, manifest: ManifestFile, file: string): Replacement | undefined {
  const { config, target, engine } = environment;
  const name = path.posix.basename(file, '.sql');
  const uniqueId = `model.${config.name}.${name}`;
  const indexed = index.model(uniqueId);
  if (indexed === undefined || !file.endsWith('.sql')) return undefined;
  const entry = JSON.parse(manifest.read(indexed.start, indexed.end).toString('utf8')) as ModelEntry;
  if (entry.unique_id !== uniqueId || entry.original_file_path !== file || entry.compiled !== true || entry.config.materialized === 'ephemeral')
    return undefined;

  const text = readRegularProjectFile(path.join(environment.projectDir, file), file);
  const checksum = checksumOf(text);
  const node: ModelNode = {
    uniqueId,
    name,
    resourceType: 'model',
    packageName: config.name,
    fqn: entry.fqn,
    originalFilePath: file,
    tags: entry.tags,
    config: entry.config,
    checksum,
    rawSql: text,
    refs: [],
    sourceCalls: [],
    dependsOn: { nodes: [], macros: [] },
    relation: { schema: target.schema, identifier: name },
    description: entry.description,
    columns: {},
    meta: entry.meta,
    patchPath: undefined,
    tests: [],
  };
  const source = (sourceName: string, table: string) => {
    const parts = index.source(`${sourceName}.${table}`);
    return parts === undefined ? undefined : { relation: { schema: parts[0], identifier: parts[1] } };
  };
  const scope = parseScope(node, target.schema, source as Parameters<typeof parseScope>[2], callLines(text));
  const render = renderAtParse(engine, node, scope);
  if (render.volatile || !render.cacheable || (render.usesAdapter === true && !engine.adapterModern) || isEmptySql(render.output)) return undefined;
  // The same calls: the same config, parents, tests and graph as the last compile found.
  if (stableJson(inFileConfigOf(scope)) !== indexed.inFile) return undefined;
  if (
    !sameList(
      node.refs.map((ref) => [ref.name, ref.packageName ?? null]),
      entry.refs.map((ref) => [ref.name, ref.package]),
    )
  )
    return undefined;
  if (
    !sameList(
      node.sourceCalls.map((call) => [call.source, call.table]),
      entry.sources,
    )
  )
    return undefined;
  // What it printed is what the final relations print (speculation.ts' reusableRender, from the index).
  const printed = (parts: RelationParts | null | undefined) =>
    parts === null || parts === undefined ? undefined : relationOf({ schema: parts[0], identifier: parts[1] }).render();
  if (render.refs.some((ref) => printed(index.refable(ref.name)) !== ref.printed)) return undefined;
  for (const call of render.sources) {
    const parts = index.source(`${call.source}.${call.table}`);
    if ((parts === undefined ? new Relation(call.source, call.table).render() : printed(parts)) !== call.printed) return undefined;
  }
  if (render.printedThis !== undefined && render.printedThis !== printed([entry.schema, entry.alias])) return undefined;

  entry.checksum = { name: 'sha256', checksum };
  entry.raw_code = text;
  entry.depends_on = { macros: usedMacros(text, engine).map((id) => macroUniqueId(config.name, id)), nodes: entry.depends_on.nodes };
  entry.compiled_code = render.output;
  return { file, start: indexed.start, end: indexed.end, entry: Buffer.from(JSON.stringify(entry)), sql: render.output };
}

/** The fields of a model's manifest entry this module reads or replaces (artifacts/manifest.ts writes them; key order is kept). */
interface ModelEntry {
  unique_id: string;
  original_file_path: string;
  schema: string;
  alias: string;
  fqn: string[];
  tags: string[];
  config: ModelNode['config'];
  description: string;
  meta: Record<string, unknown>;
  checksum: { name: string; checksum: string };
  raw_code: string;
  refs: { name: string; package: string | null }[];
  sources: [string, string][];
  depends_on: { macros: string[]; nodes: string[] };
  compiled: boolean;
  compiled_code: string | null;
}

function sameList(left: unknown[][], right: unknown[][]): boolean {
  return left.length === right.length && left.every((item, at) => JSON.stringify(item) === JSON.stringify(right[at]));
}

/** Closes the manifest and removes the copy begun; undefined (the command compiles as usual). */
function abandon(manifest: ManifestFile, copy: ManifestCopy): Promise<undefined> {
  manifest.close();
  return copy.discard();
}

/** The stamps and the index of the patched compile; when the changed files cannot be vouched for, the stale record is left (the outputs it names have changed, so it is never trusted). */
function recordPatch(record: {
  stamps: CompileStamps;
  index: IndexLookup;
  targetDir: string;
  changed: number[];
  folders: StampCheck['folders'];
  replacements: readonly Replacement[];
  offsets: Map<number, number>;
  env: WatchedEnv;
  startedAt: number;
  compiledAt: Map<string, number>;
}): void {
  const { stamps, index, targetDir, replacements, env, startedAt, compiledAt } = record;
  try {
    for (const at of record.changed) {
      const stamp = stampOf(path.join(stamps.projectDir, stamps.inputs.files[at]!));
      if (stamp === null || stamp[1] >= startedAt - 1000) return;
      stamps.inputs.sizes[at] = stamp[0];
      stamps.inputs.mtimes[at] = stamp[1];
      stamps.sums.setInput(at, stamp[2]);
    }
    // The folders as the check read them (an editor that saves by renaming changes its folder's stamp).
    if (record.folders === null) delete stamps.folders;
    else if (record.folders !== undefined) stamps.folders = record.folders;
    for (const name of [...env.names, ...ownEnvNames(env.env)]) if (!(name in stamps.env)) stamps.env[name] = envDigest(env.env[name]);
    const compiledPrefix = compiledPrefixOf(stamps);
    const newline = [...stamps.compiled.newline];
    for (const { file, sql } of replacements) {
      const at = compiledAt.get(file)!;
      const stats = statOf(compiledPrefix + file);
      if (stats === undefined) return;
      stamps.compiled.sizes[at] = stats.size;
      stamps.compiled.mtimes[at] = stats.mtimeMs;
      stamps.sums.setCompiled(at, stampSum(compiledText(sql)));
      newline[at] = sql.endsWith('\n') ? '0' : '1';
    }
    stamps.compiled.newline = newline.join('');
    const manifest = statOf(path.join(targetDir, 'manifest.json'));
    const manifestAt = stamps.outputs.files.indexOf('manifest.json');
    if (manifest === undefined || manifestAt === -1) return;
    stamps.outputs.sizes[manifestAt] = manifest.size;
    stamps.outputs.mtimes[manifestAt] = manifest.mtimeMs;

    // Every entry moves by the size change of the pieces before it: the shift noted at the first piece at or after its start.
    const starts = [...record.offsets.keys()].sort((x, y) => x - y);
    const lengths = new Map(replacements.map((replacement) => [replacement.start, replacement.entry.length]));
    const offsets = index.index.offsets;
    for (let at = 0; at < offsets.length; at += 2) {
      const start = offsets[at]!;
      let first = 0;
      while (starts[first]! < start) first += 1;
      const moved = record.offsets.get(starts[first]!)!;
      const length = lengths.get(start);
      offsets[at] = start + moved;
      offsets[at + 1] = length === undefined ? offsets[at + 1]! + moved : start + moved + length;
    }
    index.index.manifest = manifest;
    writeIndex(targetDir, index.index);
    writeStamps(targetDir, stamps);
  } catch {
    // A read-only target folder only costs the next compile its fast paths.
  }
}
