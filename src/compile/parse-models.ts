import path from 'node:path';
import { configFromTree, mergeConfig } from '../config/config-tree.js';
import { treeConfigLine, type ProjectConfig } from '../config/project-config.js';
import type { Target } from '../config/target.js';
import { didYouMean } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { trimmed } from '../core/trimmed.js';
import type { ProjectFile } from '../project/project-files.js';
import type { TemplateEngine } from '../template/template-engine.js';
import { fqnOfFile } from './fqn.js';
import { generalConfigErrors, materializationProblems, type ConfigOrigin } from './model-config.js';
import type { ModelNode, SeedNode, SnapshotNode, SourceNode } from './nodes.js';
import type { NodePatch } from './properties.js';
import { inFileConfigOf, parseScope } from './scopes.js';
import { schemaAndAlias } from './schema-names.js';
import { reservedNameErrors } from './reserved-names.js';
import { checksumOf, type ParseCache } from './parse-cache.js';
import { renderAtParse, restoreRender, type Speculation } from './speculation.js';

const inFileConfigs = new WeakMap<ModelNode, Record<string, unknown>>();

/**
 * What the model's own `config()` calls set, as parsing found them (undefined for a node not
 * parsed by parseModel): with the same calls and the same YAML and project file, its config is
 * the same (a re-compile of one changed model relies on it: tasks/compile-patch.ts).
 */
export function inFileConfigOfModel(node: ModelNode): Readonly<Record<string, unknown>> | undefined {
  return inFileConfigs.get(node);
}

/** Parses one model file (config, refs, sources, the parse-time render) into its node. */
export function parseModel(
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
    node.refs = trimmed(node.refs);
    node.sourceCalls = trimmed(node.sourceCalls);
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
  inFileConfigs.set(node, inFile);
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

/** Resolves the refs and source() calls of a parsed model or snapshot into `dependsOn.nodes`, collecting what does not resolve. */
export function resolveDependencies(
  node: ModelNode | SnapshotNode,
  byName: Map<string, ModelNode | SeedNode | SnapshotNode>,
  disabled: Set<string>,
  sources: Map<string, SourceNode>,
  projectName: string,
  packageNames: ReadonlySet<string> = new Set(),
): TsdbtError[] {
  const errors: TsdbtError[] = [];
  const kind = node.resourceType === 'snapshot' ? 'Snapshot' : 'Model';
  const parents = new Set<string>();
  for (const ref of node.refs) {
    const parent = byName.get(ref.name);
    if (ref.packageName !== undefined && parent?.packageName !== ref.packageName) {
      const installed = ref.packageName === projectName || packageNames.has(ref.packageName);
      errors.push(
        new TsdbtError({
          code: ErrorCodes.UNKNOWN_REF,
          message: installed
            ? `${kind} '${node.name}' refers to '${ref.name}' in '${ref.packageName}', which has no model or seed of that name.`
            : `${kind} '${node.name}' refers to '${ref.name}' in package '${ref.packageName}', which is not installed.${didYouMean(ref.packageName, [projectName, ...packageNames])}`,
          file: node.originalFilePath,
          line: ref.line,
          hint: installed ? `Check the spelling, or use ref('${ref.name}').` : 'Add the package to packages.yml and run `tsdbt deps`.',
        }),
      );
      continue;
    }
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
    const own = `source.${node.packageName}.${call.source}.${call.table}`;
    const id = sources.has(own) ? own : `source.${projectName}.${call.source}.${call.table}`;
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

/**
 * Line of `fn('arg'` (or `fn("arg"`, or `arg` quoted after a comma before the call's first `)`) in
 * the raw text, for error messages; `fn` is a non-empty plain name (`ref`, `source`). What the
 * regular expression `\bfn\s*\((?:[^)]*?,\s*)?['"]arg['"]` finds first, found without making one:
 * a model that refs a computed name (`ref(parent)` in a loop) asks once per ref, and building and
 * running a new expression for each showed in the cold compile's profile (bench/notes.md).
 * test/compile/line-of-call.test.ts checks it against the expression.
 */
export function lineOfCall(text: string, fn: string, arg: string): number | undefined {
  for (let at = text.indexOf(fn); at !== -1; at = text.indexOf(fn, at + 1)) {
    if (at > 0 && WORD_CHAR.test(text[at - 1]!)) continue;
    const open = afterSpaces(text, at + fn.length);
    if (text[open] !== '(') continue;
    if (quotedAt(text, open + 1, arg)) return lineAt(text, at);
    const close = text.indexOf(')', open + 1);
    const end = close === -1 ? text.length : close;
    for (let comma = text.indexOf(',', open + 1); comma !== -1 && comma < end; comma = text.indexOf(',', comma + 1)) {
      if (quotedAt(text, afterSpaces(text, comma + 1), arg)) return lineAt(text, at);
    }
  }
  return undefined;
}

const WORD_CHAR = /\w/;
const SPACE = /\s/;

function afterSpaces(text: string, from: number): number {
  let at = from;
  while (at < text.length && SPACE.test(text[at]!)) at += 1;
  return at;
}

/** `arg` between quotes (either kind, as the expression allows) at `at`. */
function quotedAt(text: string, at: number, arg: string): boolean {
  const quote = (char: string | undefined) => char === "'" || char === '"';
  return quote(text[at]) && text.startsWith(arg, at + 1) && quote(text[at + 1 + arg.length]);
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line += 1;
  return line;
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

/**
 * Macros called in `text` (`macro.<name>`): the names followed by `(` that are macros of the
 * project. Each name is looked up once, found from each `(` backwards rather than by a regular
 * expression over the text, whose match objects and iterator were a notable part of what the
 * cold compile's parse allocated (bench/notes.md); test/compile/used-macros.test.ts checks both
 * find the same names.
 */
export function usedMacros(text: string, engine: TemplateEngine): string[] {
  const used = new Set<string>();
  const asked = new Set<string>();
  for (let open = text.indexOf('('); open !== -1; open = text.indexOf('(', open + 1)) {
    const name = nameBefore(text, open);
    if (name === undefined || asked.has(name)) continue;
    asked.add(name);
    if (engine.macro(name)) used.add(`macro.${name}`);
  }
  return [...used].sort();
}

const NAME_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/** The name before the `(` at `open`: what `([A-Za-z_][A-Za-z0-9_]*)\s*\(` captures when its match ends there. */
function nameBefore(text: string, open: number): string | undefined {
  let end = open;
  while (end > 0 && SPACE.test(text[end - 1]!)) end -= 1;
  let start = end;
  while (start > 0 && NAME_CHAR.test(text[start - 1]!)) start -= 1;
  while (start < end && DIGIT.test(text[start]!)) start += 1;
  return start === end ? undefined : text.slice(start, end);
}
