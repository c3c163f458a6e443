import type { ProjectConfig } from '../config/project-config.js';
import type { Target } from '../config/target.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ProjectGraph } from '../graph/build-graph.js';
import { findCyclePaths } from '../graph/cycles.js';
import { parseIngestConfig } from '../ingest/ingest-config.js';
import type { Logger } from '../core/logger.js';
import { baseGlobals } from '../template/base-globals.js';
import { templateBackendFromEnv, TemplateEngine } from '../template/template-engine.js';
import type { CompiledCodeStore } from '../template/compiled-code-cache.js';
import { fqnOfFile } from './fqn.js';
import type { AnalysisNode, ModelNode, ProjectNode, SeedNode, SnapshotNode, SourceNode } from './nodes.js';
import type { NodePatch } from './properties.js';
import { allowingSecretEnv } from '../template/secret-env.js';
import type { parseModel } from './parse-models.js';

export { callLines, lineOfCall, usedMacros } from './parse-models.js';

/**
 * An entry under `models:` whose name is a seed (and no model) describes that seed, as dbt reads it:
 * its columns, config and tests go to the seed rather than being dropped with a warning.
 */
export function movePatchesOfSeeds(
  properties: { models: Map<string, NodePatch>; seeds: Map<string, NodePatch> },
  modelNames: string[],
  seedNames: string[],
): void {
  const models = new Set(modelNames);
  for (const seed of seedNames) {
    const patch = properties.models.get(seed);
    if (patch === undefined || models.has(seed) || properties.seeds.has(seed)) continue;
    properties.seeds.set(seed, patch);
    properties.models.delete(seed);
  }
}

export function distinctErrors(errors: readonly TsdbtError[]): TsdbtError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.code}\u0000${error.location ?? ''}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function duplicate(what: string, file: string, line: number | undefined, otherFile: string): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.DUPLICATE_NODE,
    message: `${what} is defined twice: in ${otherFile} and in ${file}.`,
    file,
    line,
    hint: 'Names must be unique across the project; rename one of them.',
  });
}

/** What templates see as `target`. Never includes the password. */
export function targetContext(target: Target, profileName: string): Record<string, unknown> {
  const common = { name: target.name, schema: target.schema, database: target.schema, type: target.type, threads: target.threads, profile_name: profileName };
  if (target.type === 'chdb') return { ...common, path: target.path };
  return { ...common, host: target.host, port: target.port, user: target.user, secure: target.secure, cluster: target.cluster };
}

/**
 * The project's template engine. Macros reach each other through `macro`, and `doc()` reads the
 * doc blocks as they are parsed, so both are looked up when called, not when made.
 */
export function projectEngine(options: {
  projectName: string;
  dispatch: ProjectConfig['dispatch'];
  vars: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  invocationId: string;
  docs: Map<string, string>;
  codeStore?: CompiledCodeStore;
}): TemplateEngine {
  const { env, docs } = options;
  const engine: TemplateEngine = new TemplateEngine(
    baseGlobals({
      projectName: options.projectName,
      vars: options.vars,
      env,
      logger: options.logger,
      invocationId: options.invocationId,
      macro: (name) => engine.macro(name)?.fn,
      doc: (name) => docs.get(name),
    }),
    // TSDBT_FAST_TEMPLATES in the command's environment picks another template back end (README).
    { backend: templateBackendFromEnv(env), projectName: options.projectName, dispatch: options.dispatch, codeStore: options.codeStore },
  );
  return engine;
}

/** A Jinja value of profiles.yml (`{{ env_var('PASSWORD') }}`), rendered with secrets allowed; errors point at the profile line. */
export function renderProfileValue(engine: TemplateEngine, text: string, where: { file: string; line: number | undefined }): string {
  try {
    return allowingSecretEnv(() => engine.renderString(text, {}, where.file));
  } catch (error) {
    // Point at the profile line, not the line inside the one-line template.
    if (error instanceof TsdbtError)
      throw new TsdbtError({ code: error.code, message: error.message, file: where.file, line: where.line, hint: error.hint, cause: error.cause });
    throw error;
  }
}

/** Sources by unique id, each `ingest:` block checked; a source declared twice is an error. */
export function collectSources(declared: readonly SourceNode[], errors: TsdbtError[]): Map<string, SourceNode> {
  const sources = new Map<string, SourceNode>();
  for (const source of declared) {
    if (sources.has(source.uniqueId)) {
      errors.push(
        duplicate(`Source '${source.sourceName}.${source.name}'`, source.originalFilePath, source.line, sources.get(source.uniqueId)!.originalFilePath),
      );
      continue;
    }
    sources.set(source.uniqueId, source);
    if (source.ingest !== undefined) {
      const parsed = parseIngestConfig(source.ingest, { file: source.originalFilePath, line: source.line, source: source.sourceName, table: source.name });
      errors.push(...parsed.errors);
      source.ingestConfig = parsed.config;
    }
  }
  return sources;
}

/** One error per dependency cycle, at the ref() that closes it. */
export function cycleErrors(graph: ProjectGraph, nodes: ReadonlyMap<string, ProjectNode>): TsdbtError[] {
  const errors: TsdbtError[] = [];
  for (const cycle of findCyclePaths(graph)) {
    const first = nodes.get(cycle[0]!);
    // The cycle runs along the edges (parent > child), so the first node refs the one before it.
    const closing = nodes.get(cycle[cycle.length - 2]!)?.name;
    errors.push(
      new TsdbtError({
        code: ErrorCodes.CYCLE,
        message: `Found a dependency cycle: ${cycle.map((id) => nodes.get(id)?.name ?? id).join(' > ')}.`,
        file: first?.originalFilePath,
        line: first !== undefined && 'refs' in first ? first.refs.find((ref) => ref.name === closing)?.line : undefined,
        hint: 'A model cannot depend on itself, directly or through others; remove one of these ref() calls.',
      }),
    );
  }
  return errors;
}

/** What the parsing phases share: the problems found so far, and the names ref() can reach. */
export interface ParseState {
  errors: TsdbtError[];
  warnings: string[];
  /** Models, seeds and snapshots by name (what ref() finds). */
  byName: Map<string, ModelNode | SeedNode | SnapshotNode>;
  /** Names of disabled nodes (a ref to one says so). */
  disabled: Set<string>;
}

/** Adds the parsed models (enabled, with unique names) to `models`; returns the fqn of every model file, disabled ones too. */
export function addModels(parsedModels: ReturnType<typeof parseModel>[], models: Map<string, ModelNode>, state: ParseState): string[][] {
  const fqns: string[][] = [];
  for (const parsed of parsedModels) {
    state.errors.push(...parsed.errors);
    state.warnings.push(...(parsed.warnings ?? []));
    const node = parsed.node;
    if (node === undefined) continue;
    fqns.push(node.fqn);
    if (node.config.enabled === false) {
      state.disabled.add(node.name);
      continue;
    }
    const previous = state.byName.get(node.name);
    if (previous) {
      state.errors.push(
        duplicate(`${previous.resourceType === 'seed' ? 'The name' : 'Model'} '${node.name}'`, node.originalFilePath, 1, previous.originalFilePath),
      );
      continue;
    }
    state.byName.set(node.name, node);
    models.set(node.uniqueId, node);
  }
  return fqns;
}

/** Snapshots by unique id; a name already taken by a model or seed is an error. */
export function addSnapshots(parsed: readonly SnapshotNode[], state: ParseState): Map<string, SnapshotNode> {
  const snapshots = new Map<string, SnapshotNode>();
  for (const node of parsed) {
    const previous = state.byName.get(node.name);
    if (previous) {
      state.errors.push(duplicate(`The name '${node.name}'`, node.originalFilePath, node.line, previous.originalFilePath));
      continue;
    }
    state.byName.set(node.name, node);
    snapshots.set(node.uniqueId, node);
  }
  return snapshots;
}

/** An analysis is parsed as a model would be, then named as dbt names analyses. */
export function asAnalysis(node: ModelNode, config: ProjectConfig, file: string): AnalysisNode {
  return {
    ...node,
    resourceType: 'analysis',
    uniqueId: `analysis.${config.name}.${node.name}`,
    fqn: [config.name, 'analysis', ...fqnOfFile(config.name, config.analysisPaths, file, node.name).slice(1)],
  };
}
