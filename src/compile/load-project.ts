import type { ProjectLineage } from '../graph/lineage/column-graph.js';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { configFromTree, mergeConfig } from '../config/config-tree.js';
import { resolveProfile } from '../config/profiles.js';
import { projectConfigLine, projectKeyLine, treeConfigLine, validateProjectConfig, type ProjectConfig } from '../config/project-config.js';
import type { Target } from '../config/target.js';
import { didYouMean } from '../config/value-checks.js';
import { parseYaml } from '../config/yaml-document.js';
import { ErrorCodes, throwCollected, TsdbtError } from '../core/errors.js';
import { buildGraph, type ProjectGraph } from '../graph/build-graph.js';
import { findCyclePaths } from '../graph/cycles.js';
import { parseIngestConfig } from '../ingest/ingest-config.js';
import { findProject } from '../project/find-project.js';
import { readProjectFiles, type ProjectFile } from '../project/project-files.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { baseGlobals } from '../template/base-globals.js';
import { templateBackendFromEnv, TemplateEngine } from '../template/template-engine.js';
import { parseDocBlocks } from './doc-blocks.js';
import { fqnOfFile } from './fqn.js';
import { generalConfigErrors, materializationProblems, type ConfigOrigin } from './model-config.js';
import type { AnalysisNode, ModelNode, ProjectNode, SeedNode, SnapshotNode, SourceNode, TestNode, UnitTestNode } from './nodes.js';
import { parseSnapshots } from './parse-snapshots.js';
import { parseSeeds } from './parse-seeds.js';
import { addTestMacros, isGenericTestFile, parseTests } from './parse-tests.js';
import { parseUnitTests } from './parse-unit-tests.js';
import { checkContracts } from './contracts.js';
import { parseProperties, type NodePatch } from './properties.js';
import { unusedConfigPaths } from './unused-config-paths.js';
import { resolveExposures } from './resolve-exposures.js';
import type { RuntimeRelations } from './runtime-relation.js';
import { inFileConfigOf, parseScope } from './scopes.js';
import { schemaAndAlias } from './schema-names.js';
import { allowingSecretEnv } from '../template/secret-env.js';
import { checkTargetPath } from '../project/target-path.js';
import { reservedNameErrors } from './reserved-names.js';
import { checksumOf, ParseCache } from './parse-cache.js';
import type { PhaseTimer } from './perf-info.js';
import { renderAtParse, restoreRender, type Speculation } from './speculation.js';

export interface LoadProjectOptions {
  /** A folder inside the project (default: the current directory). */
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  /** --vars, already parsed. */
  vars?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Notes the time of each parsing phase (`--write-perf-info`). */
  timer?: PhaseTimer;
}

/** A parsed project: config, target, every node with its dependencies, and the graph. */
export interface Project {
  dir: string;
  config: ProjectConfig;
  target: Target;
  profilesFile: string | undefined;
  warnings: string[];
  engine: TemplateEngine;
  models: Map<string, ModelNode>;
  sources: Map<string, SourceNode>;
  /** CSV files under seed-paths (`tsdbt seed`); `ref()` resolves to them like models. */
  seeds: Map<string, SeedNode>;
  /** Data tests: generic (YAML) and singular (test-paths). */
  tests: Map<string, TestNode>;
  /** Snapshots (`{% snapshot %}` blocks under snapshot-paths, `snapshots:` with `relation:` in YAML); `ref()` resolves to them. */
  snapshots: Map<string, SnapshotNode>;
  /** dbt 1.8 unit tests (`unit_tests:` in YAML), by unique id. */
  unitTests: Map<string, UnitTestNode>;
  /** Analyses (`.sql` under analysis-paths): compiled by `tsdbt compile`, never run, never ref'd. */
  analyses: Map<string, AnalysisNode>;
  nodes: Map<string, ProjectNode>;
  graph: ProjectGraph;
  docs: Map<string, string>;
  vars: Record<string, unknown>;
  invocationId: string;
  logger: Logger;
  /** Set by commands before rendering: `--defer` (deferTo) and `--empty` (emptyRefs); see runtime-relation.ts. */
  deferTo?: RuntimeRelations['deferTo'];
  emptyRefs?: RuntimeRelations['emptyRefs'];
  /** Set by `check` and `docs generate`: each model's column lineage, up to date (see artifacts/lineage-file.ts). */
  columnLineage?: ProjectLineage;
}

/**
 * Reads and parses a whole project. Problems are collected across all files and thrown
 * together, so one broken model never hides the others.
 */
export function loadProject(options: LoadProjectOptions = {}): Project {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const timer = options.timer;
  const { projectDir, projectFile } = findProject(options.projectDir ?? process.cwd());
  const validated = validateProjectConfig(parseYaml(projectFile.text, projectFile.path));
  if (validated.config === undefined) throwCollected(validated.errors);
  const config = validated.config!;
  checkTargetPath(projectDir, config, projectKeyLine(config, 'target-path'));
  const warnings = [...validated.warnings];
  const vars = { ...config.vars, ...(options.vars ?? {}) };
  const invocationId = randomUUID();

  const docs = new Map<string, string>();
  let engine: TemplateEngine | undefined;
  engine = new TemplateEngine(
    baseGlobals({
      projectName: config.name,
      vars,
      env,
      logger,
      invocationId,
      macro: (name) => engine?.macro(name)?.fn,
      doc: (name) => docs.get(name),
    }),
    // TSDBT_FAST_TEMPLATES in the command's environment picks another template back end (README).
    { backend: templateBackendFromEnv(env) },
  );

  const profile = resolveProfile({
    projectDir,
    profileName: config.profile,
    projectName: config.name,
    profilesDir: options.profilesDir,
    targetName: options.target,
    env,
    renderValue: (text, where) => {
      try {
        return allowingSecretEnv(() => engine!.renderString(text, {}, where.file));
      } catch (error) {
        // Point at the profile line, not the line inside the one-line template.
        if (error instanceof TsdbtError)
          throw new TsdbtError({ code: error.code, message: error.message, file: where.file, line: where.line, hint: error.hint, cause: error.cause });
        throw error;
      }
    },
  });
  const target = profile.target;
  engine.addGlobalValue('target', targetContext(target, config.profile));

  timer?.mark('read project and profile');
  const files = readProjectFiles(projectDir, config);
  timer?.mark('read files');
  const errors: TsdbtError[] = [];
  for (const doc of files.docs) {
    const parsed = parseDocBlocks(doc);
    errors.push(...parsed.errors);
    for (const [name, text] of parsed.blocks) docs.set(name, text);
  }
  for (const macroFile of files.macros) errors.push(...engine.addMacroFile(macroFile.path, macroFile.text));
  errors.push(...addTestMacros(engine, files.tests, config));
  const cache = ParseCache.open(path.resolve(projectDir, config.targetPath), {
    projectFile: projectFile.text,
    vars,
    target: targetContext(target, config.profile),
    files: [...files.macros, ...files.tests.filter((file) => isGenericTestFile(file, config)), ...files.docs],
  });

  timer?.mark('macros, docs and generic tests');
  const properties = parseProperties(files.properties, {
    projectName: config.name,
    render: (text, file) => engine!.renderString(text, {}, file),
    renderIngest: (text, file) => allowingSecretEnv(() => engine!.renderString(text, {}, file)),
    cache,
  });
  errors.push(...properties.errors);

  timer?.mark('property files (YAML)');
  const sources = new Map<string, SourceNode>();
  for (const source of properties.sources) {
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
  const sourceLookup = (source: string, table: string) => sources.get(`source.${config.name}.${source}.${table}`);

  const models = new Map<string, ModelNode>();
  const byName = new Map<string, ModelNode | SeedNode | SnapshotNode>();
  movePatchesOfSeeds(
    properties,
    files.models.map((file) => path.posix.basename(file.path, '.sql')),
    files.seeds.map((file) => path.posix.basename(file, '.csv')),
  );
  const parsedSeeds = parseSeeds(files.seeds, { config, target, engine, patches: properties.seeds, projectDir });
  errors.push(...parsedSeeds.errors);
  const seeds = new Map(parsedSeeds.seeds.map((seed) => [seed.uniqueId, seed]));
  for (const seed of seeds.values()) byName.set(seed.name, seed);
  const disabled = new Set<string>(parsedSeeds.disabled);
  const modelFqns: string[][] = [];
  for (const file of files.models) {
    const parsed = parseModel(file, config, target, engine, properties.models, sourceLookup, cache);
    errors.push(...parsed.errors);
    warnings.push(...(parsed.warnings ?? []));
    const node = parsed.node;
    if (node === undefined) continue;
    modelFqns.push(node.fqn);
    if (node.config.enabled === false) {
      disabled.add(node.name);
      continue;
    }
    const previous = byName.get(node.name);
    if (previous) {
      errors.push(duplicate(`${previous.resourceType === 'seed' ? 'The name' : 'Model'} '${node.name}'`, node.originalFilePath, 1, previous.originalFilePath));
      continue;
    }
    byName.set(node.name, node);
    models.set(node.uniqueId, node);
  }

  for (const patch of properties.models.values()) {
    if (!byName.has(patch.name) && !disabled.has(patch.name)) {
      warnings.push(`${patch.file}${patch.line ? `:${patch.line}` : ''}: model '${patch.name}' is described but there is no models/**/${patch.name}.sql.`);
    }
  }

  const parsedSnapshots = parseSnapshots(files.snapshots, {
    config,
    target,
    engine,
    patches: properties.snapshots,
    sources: sourceLookup,
    lineOf: callLines,
    usedMacros: (text) => usedMacros(text, engine!),
  });
  errors.push(...parsedSnapshots.errors);
  warnings.push(...parsedSnapshots.warnings);
  for (const name of parsedSnapshots.disabled) disabled.add(name);
  const snapshots = new Map<string, SnapshotNode>();
  for (const node of parsedSnapshots.snapshots) {
    const previous = byName.get(node.name);
    if (previous) {
      errors.push(duplicate(`The name '${node.name}'`, node.originalFilePath, node.line, previous.originalFilePath));
      continue;
    }
    byName.set(node.name, node);
    snapshots.set(node.uniqueId, node);
  }

  const analyses = new Map<string, AnalysisNode>();
  for (const file of files.analyses) {
    const parsed = parseModel(file, config, target, engine, new Map(), sourceLookup, cache);
    errors.push(...parsed.errors);
    if (parsed.node === undefined || parsed.node.config.enabled === false) continue;
    const analysis: AnalysisNode = {
      ...parsed.node,
      resourceType: 'analysis',
      uniqueId: `analysis.${config.name}.${parsed.node.name}`,
      fqn: [config.name, 'analysis', ...fqnOfFile(config.name, config.analysisPaths, file.path, parsed.node.name).slice(1)],
    };
    analyses.set(analysis.uniqueId, analysis);
  }
  for (const file of files.packageFiles) {
    warnings.push(`${file}: packages are not supported by tsdbt yet: nothing is installed, and their macros (dbt_utils.…) and models are not defined.`);
  }
  for (const file of files.pythonModels) warnings.push(`${file}: Python models are not supported by tsdbt; this file is not built (write the model in SQL).`);
  warnings.push(...properties.warnings);
  warnings.push(
    ...unusedConfigPaths(
      config.file,
      { models: config.models, seeds: config.seeds, sources: config.sources, snapshots: config.snapshots },
      {
        models: modelFqns,
        snapshots: [...snapshots.values()].map((snapshot) => snapshot.fqn),
        seeds: [...seeds.values()].map((seed) => seed.fqn),
        sources: [...sources.values()].map((source) => source.fqn),
      },
      (at) => projectConfigLine(config, at),
    ),
  );
  timer?.mark('sources, seeds and models (parse-time render)');
  for (const node of [...models.values(), ...snapshots.values(), ...analyses.values()])
    errors.push(...resolveDependencies(node as ModelNode, byName, disabled, sources, config.name));
  timer?.mark('ref() and source() resolution');
  const parsedTests = parseTests({
    config,
    target,
    engine,
    models: models.values(),
    seeds: seeds.values(),
    sources: sources.values(),
    modelPatches: properties.models,
    seedPatches: properties.seeds,
    refable: byName,
    disabled,
    testFiles: files.tests,
  });
  errors.push(...parsedTests.errors);
  const tests = new Map(parsedTests.tests.map((test) => [test.uniqueId, test]));
  const parsedUnitTests = parseUnitTests(properties.unitTests, {
    projectName: config.name,
    models,
    refable: byName,
    sources,
    disabled,
    fixtures: files.fixtures,
  });
  errors.push(...parsedUnitTests.errors);
  warnings.push(...parsedUnitTests.warnings);
  const unitTests = new Map(parsedUnitTests.unitTests.map((test) => [test.uniqueId, test]));
  const contracts = checkContracts(models.values());
  errors.push(...contracts.errors);
  warnings.push(...contracts.warnings);

  timer?.mark('data tests');
  const exposures = properties.exposures.filter((exposure) => exposure.config.enabled !== false);
  errors.push(
    ...resolveExposures(exposures, {
      refable: byName,
      sources: new Map([...sources.values()].map((source) => [`${source.sourceName}.${source.name}`, source])),
      disabled,
    }),
  );
  const nodes = new Map<string, ProjectNode>([
    ...sources,
    ...seeds,
    ...models,
    ...snapshots,
    ...analyses,
    ...tests,
    ...unitTests,
    ...exposures.map((exposure) => [exposure.uniqueId, exposure] as const),
  ]);
  // Every node kind that depends on others carries `dependsOn.nodes` (models, seeds' tests, tests…).
  const graph = buildGraph(nodes.values(), (node) => ('dependsOn' in node ? (node as { dependsOn: { nodes: string[] } }).dependsOn.nodes : []));
  timer?.mark('graph');
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
  // One bad value in the project file's tree is found once per model under it: say it once.
  throwCollected(distinctErrors(errors));
  timer?.mark('cycle check');
  cache.save();
  if (timer !== undefined) {
    timer.mark('partial_parse.json');
    timer.pathCount = files.models.length + files.macros.length + files.properties.length + files.seeds.length + files.tests.length + files.docs.length;
    timer.reusedPathCount = cache.hits;
    timer.partialParse = cache.enabled;
  }

  return {
    dir: projectDir,
    config,
    target,
    profilesFile: profile.profilesFile,
    warnings: [...warnings, ...profile.warnings],
    engine,
    models,
    sources,
    seeds,
    tests,
    snapshots,
    analyses,
    unitTests,
    nodes,
    graph,
    docs,
    vars,
    invocationId,
    logger,
  };
}

function parseModel(
  file: ProjectFile,
  config: ProjectConfig,
  target: Target,
  engine: TemplateEngine,
  patches: Map<string, NodePatch>,
  sources: (source: string, table: string) => SourceNode | undefined,
  cache: ParseCache,
): { node?: ModelNode; errors: TsdbtError[]; warnings?: string[] } {
  const name = path.posix.basename(file.path, '.sql');
  const fqn = fqnOfFile(config.name, config.modelPaths, file.path, name);
  const patch = patches.get(name);
  const baseConfig = mergeConfig(mergeConfig({ materialized: 'view', enabled: true, tags: [] }, configFromTree(config.models, fqn)), patch?.config ?? {});
  const checksum = checksumOf(file.text);
  const node: ModelNode = {
    uniqueId: `model.${config.name}.${name}`,
    name,
    resourceType: 'model',
    packageName: config.name,
    fqn,
    originalFilePath: file.path,
    tags: [],
    config: baseConfig,
    checksum,
    rawSql: file.text,
    compiledSql: undefined,
    refs: [],
    sourceCalls: [],
    dependsOn: { nodes: [], macros: [] },
    relation: { schema: target.schema, identifier: name },
    description: patch?.description ?? '',
    columns: patch?.columns ?? {},
    meta: patch?.meta ?? {},
    patchPath: patch?.file,
    patchLine: patch?.line,
    tests: patch?.tests ?? [],
    constraints: patch?.constraints ?? [],
  };
  let inFile: Record<string, unknown>;
  const cached = cache.model(file.path, checksum);
  if (cached !== undefined) {
    // Partial parsing: the same text in the same project parses the same.
    node.refs = cached.refs;
    node.sourceCalls = cached.sourceCalls;
    inFile = cached.inFileConfig;
    if (cached.render !== undefined) restoreRender(node, cached.render);
  } else {
    const scope = parseScope(node, target.schema, sources, callLines(file.text));
    let render: Speculation;
    try {
      render = renderAtParse(engine, node, scope);
    } catch (error) {
      if (error instanceof TsdbtError) return { errors: error.all() };
      throw error;
    }
    inFile = inFileConfigOf(scope);
    if (render.cacheable) {
      const { output, refs, sources: printedSources, printedThis, usesAdapter } = render;
      cache.setModel(file.path, checksum, {
        refs: node.refs,
        sourceCalls: node.sourceCalls,
        inFileConfig: inFile,
        render: { output, refs, sources: printedSources, printedThis, usesAdapter },
      });
    }
  }
  node.config = mergeConfig(node.config, inFile);
  node.tags = (node.config.tags as string[] | undefined) ?? [];
  if (node.config.enabled === false) return { node, errors: [] };
  // A bad config is reported where it is written: the model's config(), its YAML entry, or the project file's tree.
  const origin: ConfigOrigin = (key) => {
    if (key in inFile) return undefined;
    if (patch !== undefined && key in patch.config) return { file: patch.file, line: patch.line };
    const line = treeConfigLine(config, 'models', fqn, key);
    return line === undefined ? undefined : { file: config.file, line };
  };
  const errors = generalConfigErrors(node.config, file.path, configLine(file.text), origin);
  // Reported now as warnings; the model fails with them when a command runs it (see materializationProblems).
  const fatal = new Set(materializationProblems(node.config, file.path, configLine(file.text), origin, { errorsOnly: true }).map((problem) => problem.message));
  const warnings = materializationProblems(node.config, file.path, configLine(file.text), origin).map(
    (problem) =>
      `${problem.location ?? file.path}: ${problem.message}${fatal.has(problem.message) ? ` Model '${name}' fails with this error when it runs.` : ''}${problem.hint === undefined ? '' : ` ${problem.hint}`}`,
  );
  node.relation = schemaAndAlias(node, target, engine);
  errors.push(
    ...reservedNameErrors('Model', node.name, node.relation.identifier, {
      file: file.path,
      nameLine: 1,
      aliasLine: () => origin('alias') ?? { file: file.path, line: configLine(file.text) },
    }),
  );
  node.dependsOn.macros = usedMacros(file.text, engine);
  return { node, errors, warnings };
}

/**
 * An entry under `models:` whose name is a seed (and no model) describes that seed, as dbt reads it:
 * its columns, config and tests go to the seed rather than being dropped with a warning.
 */
function movePatchesOfSeeds(properties: { models: Map<string, NodePatch>; seeds: Map<string, NodePatch> }, modelNames: string[], seedNames: string[]): void {
  const models = new Set(modelNames);
  for (const seed of seedNames) {
    const patch = properties.models.get(seed);
    if (patch === undefined || models.has(seed) || properties.seeds.has(seed)) continue;
    properties.seeds.set(seed, patch);
    properties.models.delete(seed);
  }
}

function resolveDependencies(
  node: ModelNode | SnapshotNode,
  byName: Map<string, ModelNode | SeedNode | SnapshotNode>,
  disabled: Set<string>,
  sources: Map<string, SourceNode>,
  projectName: string,
): TsdbtError[] {
  const errors: TsdbtError[] = [];
  const kind = node.resourceType === 'snapshot' ? 'Snapshot' : 'Model';
  const parents = new Set<string>();
  for (const ref of node.refs) {
    if (ref.packageName !== undefined && ref.packageName !== projectName) {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.UNKNOWN_REF,
          message: `${kind} '${node.name}' refers to '${ref.name}' in package '${ref.packageName}', but tsdbt has no packages: only this project ('${projectName}') can be referred to.`,
          file: node.originalFilePath,
          line: ref.line,
          hint: `Use ref('${ref.name}'), or ref('${projectName}', '${ref.name}').`,
        }),
      );
      continue;
    }
    const parent = byName.get(ref.name);
    if (parent) {
      parents.add(parent.uniqueId);
      continue;
    }
    errors.push(
      new TsdbtError({
        code: ErrorCodes.UNKNOWN_REF,
        message: disabled.has(ref.name)
          ? `${kind} '${node.name}' refers to '${ref.name}', which is disabled (enabled: false).`
          : `${kind} '${node.name}' refers to '${ref.name}', but no model or seed has that name.${didYouMean(ref.name, byName.keys())}`,
        file: node.originalFilePath,
        line: ref.line,
        hint: disabled.has(ref.name) ? `Enable '${ref.name}' or remove the ref().` : `Check the spelling, or create models/${ref.name}.sql.`,
      }),
    );
  }
  for (const call of node.sourceCalls) {
    const id = `source.${projectName}.${call.source}.${call.table}`;
    if (sources.has(id)) {
      parents.add(id);
      continue;
    }
    const known = [...sources.values()].map((source) => `${source.sourceName}.${source.name}`);
    errors.push(
      new TsdbtError({
        code: ErrorCodes.UNKNOWN_SOURCE,
        message: `${kind} '${node.name}' uses source('${call.source}', '${call.table}'), which is not declared.${didYouMean(`${call.source}.${call.table}`, known)}`,
        file: node.originalFilePath,
        line: call.line,
        hint: 'Declare it under `sources:` in a .yml file in models/ (name, then tables).',
      }),
    );
  }
  node.dependsOn.nodes = [...parents].sort();
  return errors;
}

function distinctErrors(errors: readonly TsdbtError[]): TsdbtError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.code}\u0000${error.location ?? ''}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function duplicate(what: string, file: string, line: number | undefined, otherFile: string): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.DUPLICATE_NODE,
    message: `${what} is defined twice: in ${otherFile} and in ${file}.`,
    file,
    line,
    hint: 'Names must be unique across the project; rename one of them.',
  });
}

/** Line of `fn('arg'` (or `fn("arg"`) in the raw text, for error messages. */
export function lineOfCall(text: string, fn: string, arg: string): number | undefined {
  const escaped = arg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`\\b${fn}\\s*\\((?:[^)]*?,\\s*)?['"]${escaped}['"]`).exec(text);
  return match ? text.slice(0, match.index).split('\n').length : undefined;
}

/**
 * `lineOfCall` for every `ref(`/`source(` of one file, found in one pass over the text (a model
 * with eight refs would otherwise build and run eight regular expressions over the whole file).
 * A call the scan cannot read (a computed argument) falls back to `lineOfCall`.
 */
export function callLines(text: string): (fn: string, arg: string) => number | undefined {
  let found: Map<string, number> | undefined;
  return (fn, arg) => {
    if (found === undefined) {
      found = new Map();
      const calls = /\b(ref|source)\s*\(((?:[^)'"]|'[^']*'|"[^"]*")*)\)/g;
      let line = 1;
      let scanned = 0;
      for (const match of text.matchAll(calls)) {
        for (let at = text.indexOf('\n', scanned); at !== -1 && at < match.index; at = text.indexOf('\n', at + 1)) line += 1;
        scanned = match.index;
        for (const quoted of match[2]!.matchAll(/['"]([^'"]*)['"]/g)) {
          const key = `${match[1]}\u0000${quoted[1]}`;
          if (!found.has(key)) found.set(key, line);
        }
      }
    }
    return found.get(`${fn}\u0000${arg}`) ?? lineOfCall(text, fn, arg);
  };
}

function configLine(text: string): number | undefined {
  const index = text.search(/\bconfig\s*\(/);
  return index === -1 ? undefined : text.slice(0, index).split('\n').length;
}

/** Macros called in `text` (`macro.<name>`): the names followed by `(` that are macros of the project. */
export function usedMacros(text: string, engine: TemplateEngine): string[] {
  const used = new Set<string>();
  for (const match of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    const name = match[1]!;
    if (engine.macro(name)) used.add(`macro.${name}`);
  }
  return [...used].sort();
}

/** What templates see as `target`. Never includes the password. */
function targetContext(target: Target, profileName: string): Record<string, unknown> {
  const common = { name: target.name, schema: target.schema, database: target.schema, type: target.type, threads: target.threads, profile_name: profileName };
  if (target.type === 'chdb') return { ...common, path: target.path };
  return { ...common, host: target.host, port: target.port, user: target.user, secure: target.secure, cluster: target.cluster };
}
