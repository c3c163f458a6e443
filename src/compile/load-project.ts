import path from 'node:path';
import { projectConfigLine, type ProjectConfig } from '../config/project-config.js';
import type { Target } from '../config/target.js';
import { throwCollected, type TsdbtError } from '../core/errors.js';
import { limitHeapGrowth } from '../core/heap-growth.js';
import { holdYoungGenerationAt } from '../core/young-generation.js';
import { buildGraph, type ProjectGraph } from '../graph/build-graph.js';
import { readProjectFiles, type ProjectFile } from '../project/project-files.js';
import type { Logger } from '../core/logger.js';
import type { TemplateEngine } from '../template/template-engine.js';
import type { AnalysisNode, ModelNode, ProjectNode, SeedNode, SnapshotNode, SourceNode, TestNode, UnitTestNode } from './nodes.js';
import { parseSnapshots } from './parse-snapshots.js';
import { parseSeeds } from './parse-seeds.js';
import { isGenericTestFile, parseTests } from './parse-tests.js';
import { parseUnitTests } from './parse-unit-tests.js';
import { checkContracts } from './contracts.js';
import { parseProperties } from './properties.js';
import { unusedConfigPaths } from './unused-config-paths.js';
import { resolveExposures } from './resolve-exposures.js';
import { emptyRunState, type RunState } from './run-state.js';
import { allowingSecretEnv } from '../template/secret-env.js';
import { ParseCache } from './parse-cache.js';
import type { PhaseTimer } from './perf-info.js';
import { callLines, parseModel, resolveDependencies, usedMacros } from './parse-models.js';
import { packageMacroFiles, unloadedPackageParts, type LoadedPackage } from './load-packages.js';
import { defineTemplates, openRenderEnvironment, type LoadProjectOptions, type RenderEnvironment } from './render-environment.js';
import {
  movePatchesOfSeeds,
  distinctErrors,
  targetContext,
  collectSources,
  cycleErrors,
  addModels,
  addSnapshots,
  asAnalysis,
  duplicate,
  type ParseState,
} from './load-project-parts.js';

export type { LoadProjectOptions } from './render-environment.js';

export { callLines, lineOfCall, usedMacros } from './parse-models.js';

/**
 * A parsed project: config, target, every node with its dependencies, and the graph. Parsing
 * makes it and nothing changes it afterwards (test/tasks/frozen-manifest.test.ts deep-freezes it
 * and builds through it), except three run-time parts it carries and that are not the manifest:
 * `engine` (the template engine: compiled templates, the scope of the render in progress, the
 * connected server's capabilities), `logger`, and `run` (this command's --defer/--empty switches
 * and compiled SQL; `forRun` in run-state.ts gives a command its own).
 */
export interface Project {
  readonly dir: string;
  readonly config: ProjectConfig;
  readonly target: Target;
  readonly profilesFile: string | undefined;
  readonly warnings: string[];
  readonly engine: TemplateEngine;
  readonly models: Map<string, ModelNode>;
  readonly sources: Map<string, SourceNode>;
  /** CSV files under seed-paths (`tsdbt seed`); `ref()` resolves to them like models. */
  readonly seeds: Map<string, SeedNode>;
  /** Data tests: generic (YAML) and singular (test-paths). */
  readonly tests: Map<string, TestNode>;
  /** Snapshots (`{% snapshot %}` blocks under snapshot-paths, `snapshots:` with `relation:` in YAML); `ref()` resolves to them. */
  readonly snapshots: Map<string, SnapshotNode>;
  /** dbt 1.8 unit tests (`unit_tests:` in YAML), by unique id. */
  readonly unitTests: Map<string, UnitTestNode>;
  /** Analyses (`.sql` under analysis-paths): compiled by `tsdbt compile`, never run, never ref'd. */
  readonly analyses: Map<string, AnalysisNode>;
  readonly nodes: Map<string, ProjectNode>;
  readonly graph: ProjectGraph;
  readonly docs: Map<string, string>;
  readonly vars: Record<string, unknown>;
  readonly invocationId: string;
  readonly logger: Logger;
  /** Run-time: what this command has set and compiled (see run-state.ts). */
  readonly run: RunState;
}

/**
 * Reads and parses a whole project. Problems are collected across all files and thrown
 * together, so one broken model never hides the others.
 */
export function loadProject(options: LoadProjectOptions = {}): Project {
  const timer = options.timer;
  const environment = openRenderEnvironment(options);
  const { projectDir, config, target, engine, docs, vars, invocationId, logger } = environment;
  timer?.mark('read project and profile');

  const setup: Setup = { ...environment, timer };
  const state: ParseState = { errors: [], warnings: [...environment.warnings], byName: new Map(), disabled: new Set() };
  const read = readDefinitions(setup, state.errors);
  const parsed = parseNodes(setup, read, state);
  const linked = linkNodes(setup, read, parsed, state);
  // One bad value in the project file's tree is found once per model under it: say it once.
  throwCollected(distinctErrors(state.errors));
  timer?.mark('cycle check');
  read.cache.save();
  environment.templateCode.save();
  if (timer !== undefined) {
    const files = read.files;
    timer.mark('partial_parse.json');
    timer.pathCount = files.models.length + files.macros.length + files.properties.length + files.seeds.length + files.tests.length + files.docs.length;
    timer.reusedPathCount = read.cache.hits;
    timer.partialParse = read.cache.enabled;
  }

  return {
    dir: projectDir,
    config,
    target,
    profilesFile: environment.profilesFile,
    warnings: [...state.warnings, ...environment.profileWarnings],
    engine,
    models: parsed.models,
    sources: parsed.sources,
    seeds: parsed.seeds,
    tests: linked.tests,
    snapshots: parsed.snapshots,
    analyses: parsed.analyses,
    unitTests: linked.unitTests,
    nodes: linked.nodes,
    graph: linked.graph,
    docs,
    vars,
    invocationId,
    logger,
    run: emptyRunState(),
  };
}

/** What every parsing phase reads: the project file, its target and the template engine. */
interface Setup extends RenderEnvironment {
  timer: PhaseTimer | undefined;
}

type Definitions = ReturnType<typeof readDefinitions>;

/** The project's files read; doc blocks, macros and generic tests defined; property files (YAML) parsed. */
function readDefinitions(setup: Setup, errors: TsdbtError[]) {
  const { projectDir, config, target, engine, timer } = setup;
  const targetDir = path.resolve(projectDir, config.targetPath);
  // With nothing cached, every property file is parsed: on another thread, while this one reads the models.
  const files = readProjectFiles(projectDir, config, { yamlThread: ParseCache.findsNothing(targetDir) });
  // A large parse's peak memory is mostly how far V8 lets the heap grow between collections.
  limitHeapGrowth(files.models.length);
  timer?.mark('read files');
  const defined = defineTemplates(setup, files);
  errors.push(...defined.errors);
  const cache = ParseCache.open(targetDir, {
    projectFile: setup.projectFileText,
    vars: setup.vars,
    target: targetContext(target, config.profile),
    files: [...files.macros, ...files.tests.filter((file) => isGenericTestFile(file, config)), ...files.docs, ...packageMacroFiles(defined.packages)],
  });
  timer?.mark('macros, docs and generic tests');
  const background = files.propertiesInBackground;
  const properties = parseProperties(background?.files() ?? files.properties, {
    projectName: config.name,
    render: (text, file) => engine.renderString(text, {}, file),
    renderIngest: (text, file) => allowingSecretEnv(() => engine.renderString(text, {}, file)),
    cache,
    parsed: background?.parsed,
  });
  errors.push(...properties.errors);
  timer?.mark('property files (YAML)');
  return { files, cache, properties, packages: defined.packages };
}

/** Sources, seeds, models, snapshots and analyses, each model rendered at parse time and its refs resolved. */
function parseNodes(setup: Setup, { files, cache, properties, packages }: Definitions, state: ParseState) {
  const { projectDir, config, target, engine, timer } = setup;
  const { errors, warnings, byName, disabled } = state;
  for (const loaded of packages) warnings.push(...unloadedPackageParts(loaded));
  const sources = collectSources(properties.sources, errors);
  const sourceLookup = (source: string, table: string) => sources.get(`source.${config.name}.${source}.${table}`);
  movePatchesOfSeeds(
    properties,
    files.models.map((file) => path.posix.basename(file.path, '.sql')),
    files.seeds.map((file) => path.posix.basename(file, '.csv')),
  );
  const parsedSeeds = parseSeeds(files.seeds, { config, target, engine, patches: properties.seeds, projectDir });
  errors.push(...parsedSeeds.errors);
  const seeds = new Map(parsedSeeds.seeds.map((seed) => [seed.uniqueId, seed]));
  for (const seed of seeds.values()) byName.set(seed.name, seed);
  for (const name of parsedSeeds.disabled) disabled.add(name);
  const models = new Map<string, ModelNode>();
  const packageParts = packages.map((loaded) => parsePackageNodes(setup, loaded, cache, { sources, seeds, sourceLookup }, state));
  const modelFqns = addModels(
    [
      ...files.models.map((file, index) => {
        holdYoungGenerationAt(index);
        return parseModel(file, config, target, engine, properties.models, sourceLookup, cache);
      }),
      ...packageParts.flatMap((part) => part.models),
    ],
    models,
    state,
  );
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
    usedMacros: (text) => usedMacros(text, engine),
  });
  errors.push(...parsedSnapshots.errors);
  warnings.push(...parsedSnapshots.warnings);
  for (const name of parsedSnapshots.disabled) disabled.add(name);
  const snapshots = addSnapshots(parsedSnapshots.snapshots, state);
  const analyses = new Map<string, AnalysisNode>();
  for (const file of files.analyses) {
    const parsed = parseModel(file, config, target, engine, new Map(), sourceLookup, cache);
    errors.push(...parsed.errors);
    if (parsed.node !== undefined && parsed.node.config.enabled !== false) {
      const analysis = asAnalysis(parsed.node, config, file.path);
      analyses.set(analysis.uniqueId, analysis);
    }
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
    errors.push(...resolveDependencies(node as ModelNode, byName, disabled, sources, config.name, new Set(packages.map((loaded) => loaded.name))));
  timer?.mark('ref() and source() resolution');
  return { sources, seeds, models, snapshots, analyses, packageProperties: new Map(packageParts.map((part) => [part.name, part.properties])) };
}

/**
 * One installed package's sources, seeds and models, under its own name (load-packages.ts): its
 * property files parsed, its sources and seeds added, its models parsed with its source() lookup
 * (its own package's sources first).
 */
function parsePackageNodes(
  setup: Setup,
  loaded: LoadedPackage,
  cache: Definitions['cache'],
  into: { sources: Map<string, SourceNode>; seeds: Map<string, SeedNode>; sourceLookup: (source: string, table: string) => SourceNode | undefined },
  state: ParseState,
) {
  const { projectDir, target, engine } = setup;
  const properties = parseProperties(loaded.files.properties, {
    projectName: loaded.name,
    render: (text, file) => engine.renderString(text, {}, file),
    renderIngest: (text, file) => engine.renderString(text, {}, file),
    cache,
  });
  state.errors.push(...properties.errors);
  for (const source of properties.sources) if (!into.sources.has(source.uniqueId)) into.sources.set(source.uniqueId, source);
  const parsedSeeds = parseSeeds(loaded.files.seeds, { config: loaded.config, target, engine, patches: properties.seeds, projectDir });
  state.errors.push(...parsedSeeds.errors);
  for (const seed of parsedSeeds.seeds) {
    const previous = state.byName.get(seed.name);
    if (previous !== undefined) {
      state.errors.push(duplicate(`The name '${seed.name}'`, seed.originalFilePath, 1, previous.originalFilePath));
      continue;
    }
    state.byName.set(seed.name, seed);
    into.seeds.set(seed.uniqueId, seed);
  }
  const lookup = (source: string, table: string) => into.sources.get(`source.${loaded.name}.${source}.${table}`) ?? into.sourceLookup(source, table);
  const models = loaded.files.models.map((file) => parseModel(file, loaded.config, target, engine, properties.models, lookup, cache));
  return { name: loaded.name, properties, models };
}

/** Data tests, unit tests, contracts and exposures on top of the parsed nodes; then the graph and its cycles. */
function linkNodes(setup: Setup, { files, properties, packages }: Definitions, parsed: ReturnType<typeof parseNodes>, state: ParseState) {
  const { config, target, engine, timer } = setup;
  const { errors, warnings, byName, disabled } = state;
  const { sources, seeds, models, snapshots, analyses } = parsed;
  // The root project's data and singular tests, then each package's under its own name.
  const testsOf = (project: ProjectConfig, patches: Pick<typeof properties, 'models' | 'seeds'>, testFiles: ProjectFile[]): ReturnType<typeof parseTests> => {
    const own = <T extends { packageName: string }>(nodes: Iterable<T>) =>
      packages.length === 0 ? nodes : [...nodes].filter((node) => node.packageName === project.name);
    return parseTests({
      config: project,
      target,
      engine,
      models: own(models.values()),
      seeds: own(seeds.values()),
      sources: own(sources.values()),
      modelPatches: patches.models,
      seedPatches: patches.seeds,
      refable: byName,
      disabled,
      testFiles,
    });
  };
  const tests = new Map<string, TestNode>();
  for (const parsedTests of [
    testsOf(config, properties, files.tests),
    ...packages.map((loaded) => testsOf(loaded.config, parsed.packageProperties.get(loaded.name)!, loaded.files.tests)),
  ]) {
    errors.push(...parsedTests.errors);
    for (const test of parsedTests.tests) tests.set(test.uniqueId, test);
  }
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
  errors.push(...cycleErrors(graph, nodes));
  return { tests, unitTests, nodes, graph };
}
