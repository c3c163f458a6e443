/** What parsing generic and singular tests shares: the parse's context and indexes, and how a test node is finished. */
import { trimmed } from '../core/trimmed.js';
import type { ProjectConfig } from '../config/project-config.js';
import type { Target } from '../config/target.js';
import { didYouMean, type Plain } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { keptOnce } from '../core/flat-string.js';
import type { ProjectFile } from '../project/project-files.js';
import type { TemplateEngine } from '../template/template-engine.js';
import { BUILTIN_MACRO_DIR, BUILTIN_TESTS } from '../testing/builtin-tests.js';
import type { ModelNode, RefCall, SeedNode, SourceNode, TestNode } from './nodes.js';
import type { NodePatch } from './properties.js';
import { schemaAndAlias } from './schema-names.js';
import { NO_ITEMS, sharedConfig, sharedParents, sharedRefs, type TestSharing } from './test-sharing.js';

export interface ParseTestsContext {
  config: ProjectConfig;
  target: Target;
  engine: TemplateEngine;
  models: Iterable<ModelNode>;
  seeds: Iterable<SeedNode>;
  sources: Iterable<SourceNode>;
  /** YAML entries, for the file:line of tests declared there. */
  modelPatches: Map<string, NodePatch>;
  seedPatches: Map<string, NodePatch>;
  /** What `ref('name')` can point at: models and seeds. */
  refable: ReadonlyMap<string, { uniqueId: string }>;
  /** Names of disabled models and seeds: tests reading one are left out, as in dbt. */
  disabled: ReadonlySet<string>;
  /** `.sql` files under test-paths (singular tests; `generic/` folders hold test macros instead). */
  testFiles: readonly ProjectFile[];
}

/**
 * What all tests of one parse share, worked out once rather than per test (a 10,000-model
 * project declares 30,000): sources by name, and per test macro its required parameters and
 * whether it is tsdbt's own.
 */
export interface TestParse {
  context: ParseTestsContext;
  /** `<source>\0<table>` → the first source so named. An index, not the `sources` iterable: that may be a one-pass iterator. */
  sources: Map<string, SourceNode>;
  requiredParameters: Map<string, string[]>;
  builtin: Map<string, boolean>;
  /** Texts many tests repeat, each kept once (see `shared`). */
  texts: Map<string, string>;
  /** Configs and lists many tests repeat, each kept once (see test-sharing.ts). */
  sharing: TestSharing;
}

/** The node a generic test is declared on, and how the test refers to it. */
export interface TestTarget {
  node: ModelNode | SeedNode | SourceNode;
  /** `orders`, or `<source>_<table>` for sources (dbt's naming). */
  name: string;
  /** `ref('orders')` or `source('shop', 'orders')`. */
  call: string;
  file: string;
  line: number | undefined;
  /** The YAML file's folders below the resource path: the middle of the tests' fqn. */
  folders: string[];
}

export function isEmpty(object: object): boolean {
  for (const _ in object) return false;
  return true;
}

/**
 * Final config, tags, dependencies and where failures are stored. `resolved` is the config
 * resolved before rendering when the test called no config(): the same layers give the same
 * result, and a second merge of every test's config was a tenth of the parse.
 */
export function finish(
  parse: TestParse,
  node: TestNode,
  resolved: { config: Plain; errors: TsdbtError[] },
  extraTags: string[],
): { node?: TestNode; errors: TsdbtError[] } {
  const { context } = parse;
  node.refs = sharedRefs(parse.sharing, node.refs) as RefCall[];
  node.sourceCalls = node.sourceCalls.length === 0 ? (NO_ITEMS as never[]) : trimmed(node.sourceCalls);
  node.config = resolved.config;
  if (resolved.errors.length > 0) return { errors: resolved.errors };
  if (node.config.enabled === false) return { errors: [] };
  const tags = node.config.tags as string[];
  node.tags = tags.length === 0 && extraTags.length === 0 ? (NO_ITEMS as never[]) : [...new Set([...tags, ...extraTags])].sort();
  node.config.tags = node.tags;
  node.meta = node.config.meta as Record<string, unknown>;
  const errors: TsdbtError[] = [];
  const parents = new Set<string>();
  for (const ref of node.refs) {
    const parent = context.refable.get(ref.name);
    if (parent) parents.add(parent.uniqueId);
    else if (context.disabled.has(ref.name)) return { errors: [] };
    else {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.UNKNOWN_REF,
          message: `Test '${node.name}' refers to '${ref.name}', but no model or seed has that name.${didYouMean(ref.name, context.refable.keys())}`,
          file: node.originalFilePath,
          line: ref.line ?? node.line,
          hint: 'Check the spelling in ref(), or create the model or seed.',
        }),
      );
    }
  }
  for (const call of node.sourceCalls) {
    const source = findSource(parse, call.source, call.table);
    if (source) parents.add(source.uniqueId);
    else {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.UNKNOWN_SOURCE,
          message: `Test '${node.name}' uses source('${call.source}', '${call.table}'), which is not declared.`,
          file: node.originalFilePath,
          line: call.line ?? node.line,
          hint: 'Declare it under `sources:` in a .yml file in models/ (name, then tables).',
        }),
      );
    }
  }
  if (node.attachedNode !== undefined) parents.add(node.attachedNode);
  node.dependsOn.nodes = sharedParents(parse.sharing, [...parents].sort()) as string[];
  try {
    const relation = schemaAndAlias(node, context.target, context.engine);
    node.relation = { ...relation, schema: shared(parse, relation.schema) };
  } catch (error) {
    errors.push(...located(error, node.originalFilePath, node.line));
  }
  if (errors.length > 0) return { errors };
  // Shared (and frozen) only now: the macros that named the test's schema could still read and write it.
  node.config = sharedConfig(parse.sharing, node.config);
  node.tags = node.config.tags as string[];
  node.meta = node.config.meta as Record<string, unknown>;
  return { node, errors };
}

/**
 * One string for texts most tests repeat (their raw code, macro and schema): each test built its
 * own, about 30,000 copies of a few strings in a 10k-model project.
 */
export function shared(parse: TestParse, text: string): string {
  return keptOnce(parse.texts, text);
}

/** True when `test_<name>`, what it dispatches to, and the macros they call all are tsdbt's built-in ones. */
export function isBuiltinTest(parse: TestParse, name: string): boolean {
  let builtin = parse.builtin.get(name);
  if (builtin === undefined) parse.builtin.set(name, (builtin = usesOnlyBuiltinMacros(parse.context.engine, name)));
  return builtin;
}

function usesOnlyBuiltinMacros(engine: TemplateEngine, name: string): boolean {
  if (!(BUILTIN_TESTS as readonly string[]).includes(name)) return false;
  const chain = [`test_${name}`, `clickhouse__test_${name}`, `default__test_${name}`, 'should_store_failures', 'string_literal'];
  return chain.every((macro) => {
    const found = engine.macro(macro);
    return found === undefined || found.file.startsWith(BUILTIN_MACRO_DIR);
  });
}

export function findSource(parse: TestParse, source: string, table: string): SourceNode | undefined {
  return parse.sources.get(sourceKey(source, table));
}

export function sourceKey(source: string, table: string): string {
  return `${source}\0${table}`;
}

export function located(error: unknown, file: string, line: number | undefined): TsdbtError[] {
  if (!(error instanceof TsdbtError)) throw error;
  return error
    .all()
    .map((one) =>
      one.file === undefined || one.file.startsWith('<')
        ? new TsdbtError({ code: one.code, message: one.message, file, line, hint: one.hint, cause: one.cause })
        : one,
    );
}
