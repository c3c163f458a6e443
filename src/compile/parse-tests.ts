import { createHash } from 'node:crypto';
import path from 'node:path';
import { configFromTree } from '../config/config-tree.js';
import type { ProjectConfig } from '../config/project-config.js';
import type { Target } from '../config/target.js';
import { didYouMean, isPlainObject, type Plain } from '../config/value-checks.js';
import { quoteIdentifier } from '../core/sql-literals.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ColumnProperties, ModelNode, SeedNode, SourceNode, TestNode } from './nodes.js';
import type { NodePatch } from './properties.js';
import { fqnOfFile, stripSlash } from './fqn.js';
import { inFileConfigOf, parseScope } from './scopes.js';
import { schemaAndAlias } from './schema-names.js';
import type { ProjectFile } from '../project/project-files.js';
import { Relation } from '../template/relation.js';
import type { Scope, TemplateEngine } from '../template/template-engine.js';
import { addBuiltinTestMacros, BUILTIN_MACRO_DIR, BUILTIN_TESTS } from '../testing/builtin-tests.js';
import { kwargsNeedRendering, renderTestKwargs } from '../testing/test-kwargs.js';
import { resolveTestConfig, TEST_CONFIG_KEYS } from '../testing/test-config.js';
import { synthesizeTestNames, testHash } from '../testing/test-names.js';

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
interface TestParse {
  context: ParseTestsContext;
  /** `<source>\0<table>` → the first source so named. An index, not the `sources` iterable: that may be a one-pass iterator. */
  sources: Map<string, SourceNode>;
  requiredParameters: Map<string, string[]>;
  builtin: Map<string, boolean>;
}

/** The node a generic test is declared on, and how the test refers to it. */
interface TestTarget {
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

const TEST_NAME = /^(?:([A-Za-z_][0-9A-Za-z_]*)\.)?([A-Za-z_][0-9A-Za-z_]*)$/;

/** Builds every data test: generic ones from YAML `tests:`/`data_tests:`, singular ones from test-paths. */
export function parseTests(context: ParseTestsContext): { tests: TestNode[]; errors: TsdbtError[] } {
  const sources = new Map<string, SourceNode>();
  for (const source of context.sources) {
    const key = sourceKey(source.sourceName, source.name);
    if (!sources.has(key)) sources.set(key, source);
  }
  const parse: TestParse = { context, sources, requiredParameters: new Map(), builtin: new Map() };
  const tests: TestNode[] = [];
  const errors: TsdbtError[] = [];
  const seen = new Map<string, TestNode>();
  const add = (result: { node?: TestNode; errors: TsdbtError[] }) => {
    errors.push(...result.errors);
    const node = result.node;
    if (node === undefined) return;
    const previous = seen.get(node.uniqueId);
    if (previous) {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.DUPLICATE_NODE,
          message: `Test '${node.name}' is declared twice with the same arguments (${previous.originalFilePath} and ${node.originalFilePath}).`,
          file: node.originalFilePath,
          line: node.line,
          hint: 'Remove one of them, or give one a `name:` of its own.',
        }),
      );
      return;
    }
    seen.set(node.uniqueId, node);
    tests.push(node);
  };

  for (const target of testTargets(context, sources.values())) {
    for (const declaration of target.node.tests) add(genericTest(parse, target, declaration, undefined));
    for (const column of Object.values(target.node.columns)) {
      for (const declaration of column.tests) add(genericTest(parse, target, declaration, column));
    }
  }
  for (const file of context.testFiles) {
    if (isGenericTestFile(file, context.config)) continue;
    add(singularTest(parse, file));
  }
  return { tests, errors };
}

/** Parameters without a default in a macro's `{% macro name(a, b, c=1) %}` (or `{% test … %}`) signature. */
export function requiredParameters(macroSql: string): string[] {
  const open = /\{%-?\s*(?:macro|test)\s+[\w.]+\s*\(/.exec(macroSql);
  if (open === null) return [];
  const parameters: string[] = [];
  let depth = 0;
  let current = '';
  let quote: string | undefined;
  for (const char of macroSql.slice(open.index + open[0].length)) {
    if (quote !== undefined) {
      current += char;
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '(' || char === '[' || char === '{') depth += 1;
    else if (char === ')' && depth === 0) break;
    else if (char === ')' || char === ']' || char === '}') depth -= 1;
    if (char === ',' && depth === 0) {
      parameters.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parameters.push(current);
  return parameters.map((parameter) => parameter.trim()).filter((parameter) => /^[A-Za-z_]\w*$/.test(parameter));
}

/** Files under `<test-path>/generic/` define `{% test %}` blocks (macros), not singular tests. */
export function isGenericTestFile(file: ProjectFile, config: ProjectConfig): boolean {
  return config.testPaths.some((dir) => file.path.startsWith(`${stripSlash(dir)}/generic/`));
}

function testTargets(context: ParseTestsContext, sources: Iterable<SourceNode>): TestTarget[] {
  const targets: TestTarget[] = [];
  const foldersOf = (file: string) => path.posix.dirname(file).split('/').slice(1);
  for (const model of context.models) {
    const patch = context.modelPatches.get(model.name);
    if (patch) targets.push({ node: model, name: model.name, call: `ref('${model.name}')`, file: patch.file, line: patch.line, folders: foldersOf(patch.file) });
  }
  for (const seed of context.seeds) {
    const patch = context.seedPatches.get(seed.name);
    if (patch) targets.push({ node: seed, name: seed.name, call: `ref('${seed.name}')`, file: patch.file, line: patch.line, folders: foldersOf(patch.file) });
  }
  for (const source of sources) {
    targets.push({
      node: source,
      name: `${source.sourceName}_${source.name}`,
      call: `source('${source.sourceName}', '${source.name}')`,
      file: source.originalFilePath,
      line: source.line,
      folders: foldersOf(source.originalFilePath),
    });
  }
  return targets;
}

function genericTest(parse: TestParse, target: TestTarget, declaration: unknown, column: ColumnProperties | undefined): { node?: TestNode; errors: TsdbtError[] } {
  const { context } = parse;
  const { config: project, engine } = context;
  const fail = (message: string, hint: string): { errors: TsdbtError[] } => {
    const where = `${column ? `column '${column.name}' of ` : ''}'${target.node.name}'`;
    return { errors: [new TsdbtError({ code: ErrorCodes.TEST_INVALID, message: `The test on ${where} ${message}`, file: target.file, line: target.line, hint })] };
  };

  // `- unique`, `- accepted_values: {values: [...]}`, or `- {test_name: unique, name: ...}`.
  let testName: string;
  let rawArgs: unknown;
  if (typeof declaration === 'string') {
    testName = declaration;
    rawArgs = {};
  } else if (isPlainObject(declaration) && typeof declaration.test_name === 'string') {
    const { test_name: name, ...rest } = declaration;
    testName = name as string;
    rawArgs = rest;
  } else if (isPlainObject(declaration) && Object.keys(declaration).length === 1) {
    const [entry] = Object.entries(declaration);
    testName = entry![0];
    rawArgs = entry![1] ?? {};
  } else {
    return fail(`is not a test: ${JSON.stringify(declaration)}.`, 'Write a test as `- not_null`, or `- accepted_values: {values: [a, b]}`.');
  }
  if (!isPlainObject(rawArgs)) return fail(`'${testName}' needs its arguments as a mapping, but they are ${JSON.stringify(rawArgs)}.`, `For example: - ${testName}: {arg: value}`);
  const match = TEST_NAME.exec(testName);
  if (!match) return fail(`has an invalid test name '${testName}'.`, 'Test names are identifiers, optionally with a package: `unique`, `dbt_utils.expression_is_true`.');
  const namespace = match[1] ?? null;
  const name = match[2]!;

  if ('model' in rawArgs) return fail(`'${testName}' passes \`model\`, which tsdbt sets itself.`, 'Remove the `model:` argument.');
  const columnName = column === undefined ? undefined : column.quote === true ? quoteIdentifier(column.name) : column.name;
  const sorted = sortArguments(rawArgs, columnName, `{{ get_where_subquery(${target.call}) }}`);
  if (sorted === CONFIG_NOT_A_MAPPING) return fail(`'${testName}' has a \`config\` that is not a mapping.`, 'For example: config: {severity: warn}');
  const { args, builderConfig, description, givenName } = sorted;
  for (const [key, value] of Object.entries(builderConfig)) {
    if (typeof value === 'string' && /\{[{%]/.test(value)) {
      try {
        builderConfig[key] = engine.renderString(value, {}, target.file);
      } catch (error) {
        return { errors: located(error, target.file, target.line) };
      }
    }
  }

  const isSource = target.node.resourceType === 'source';
  const testType = `${namespace === null ? '' : `${namespace}_`}${isSource ? 'source_' : ''}${name}`;
  let fullName: string;
  let shortName: string;
  if (givenName !== undefined) {
    fullName = String(givenName);
    shortName = fullName;
  } else {
    ({ fullName, shortName } = synthesizeTestNames(testType, target.name, args));
  }
  if (shortName !== fullName && builderConfig.alias === undefined) builderConfig.alias = shortName;

  const macroName = `test_${name}`;
  if (engine.macro(macroName) === undefined) {
    const known = engine.macroNames().filter((macro) => macro.startsWith('test_')).map((macro) => macro.slice(5));
    return fail(
      `uses the generic test '${testName}', which is not defined.${didYouMean(name, known)}`,
      `Define it in macros/ or tests/generic/ as {% test ${name}(model, column_name) %} … {% endtest %}.`,
    );
  }

  // dbt fails a test missing an argument its macro needs (accepted_values without values…); so does tsdbt, before any SQL is built.
  let required = parse.requiredParameters.get(macroName);
  if (required === undefined) parse.requiredParameters.set(macroName, (required = requiredParameters(engine.macro(macroName)!.sql)));
  const missing = required.filter((parameter) => !(parameter in args));
  if (missing.length > 0) {
    const example = Object.fromEntries(missing.map((parameter) => [parameter, parameter === 'values' ? '[a, b]' : parameter === 'to' ? "ref('other_model')" : '…']));
    return fail(
      `'${testName}' needs the argument${missing.length === 1 ? '' : 's'} ${missing.map((parameter) => `\`${parameter}\``).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not given.`,
      `For example: - ${testName}: {${Object.entries(example).map(([key, value]) => `${key}: ${value}`).join(', ')}}`,
    );
  }

  // (A Jinja string, `"{{ var('methods') }}"`, is rendered into a list later.)
  if (namespace === null && name === 'accepted_values' && !Array.isArray(args.values) && !(typeof args.values === 'string' && /\{[{%]/.test(args.values))) {
    return fail(`'accepted_values' needs \`values\` as a list, but it is ${JSON.stringify(args.values)}.`, 'For example: - accepted_values: {values: [ISS, Tiangong]}');
  }

  const metadata = { name, namespace, kwargs: args };
  const fqn = [project.name, ...target.folders, fullName];
  const node: TestNode = {
    uniqueId: `test.${project.name}.${fullName}.${testHash(fullName, metadata)}`,
    name: fullName,
    resourceType: 'test',
    packageName: project.name,
    fqn,
    originalFilePath: target.file,
    tags: [],
    config: {},
    rawSql: `{{ ${namespace === null ? '' : `${namespace}.`}${macroName}(**_dbt_generic_test_kwargs) }}`,
    compiledSql: undefined,
    refs: [],
    sourceCalls: [],
    dependsOn: { nodes: [], macros: [`macro.${project.name}.${macroName}`] },
    relation: { schema: context.target.schema, identifier: fullName },
    description,
    meta: {},
    testMetadata: metadata,
    columnName: column?.name,
    attachedNode: target.node.uniqueId,
    line: target.line,
  };

  // Render once at parse time, as dbt does: collects ref()/source() in the arguments and config() in the macro.
  const layers = [configFromTree(project.tests, fqn)];
  const where = { name: fullName, file: target.file, line: target.line };
  const parseTimeConfig = resolveTestConfig([...layers, builderConfig], where);
  node.config = parseTimeConfig.config;
  // dbt's own test macros call no ref(), source() or config(): rendering them records nothing.
  const builtin = isBuiltinTest(parse, name);
  if (builtin && !kwargsNeedRendering(args)) {
    // Nor do plain arguments: all there is to record is the ref to the model or seed tested,
    // done here without building a parse scope (most of the 30,000 tests of a 10k-model project).
    if (target.node.resourceType !== 'source') node.refs.push({ name: target.node.name, packageName: undefined, line: target.line });
    return finish(parse, node, parseTimeConfig, column?.tags ?? []);
  }
  const scope = parseScope(node, context.target.schema, (source, table) => findSource(parse, source, table), () => target.line);
  try {
    const kwargs = renderTestKwargs(engine, scope, args, target.file);
    const model = targetRelation(target, scope);
    if (!builtin) engine.callMacro(macroName, scope, [{ ...kwargs, model, __keywords: true }]);
  } catch (error) {
    return { errors: located(error, target.file, target.line) };
  }
  const inFile = inFileConfigOf(scope);
  return finish(parse, node, isEmpty(inFile) ? parseTimeConfig : resolveTestConfig([...layers, inFile, builderConfig], where), column?.tags ?? []);
}

function singularTest(parse: TestParse, file: ProjectFile): { node?: TestNode; errors: TsdbtError[] } {
  const { context } = parse;
  const { config: project, engine } = context;
  const name = path.posix.basename(file.path, '.sql');
  const fqn = fqnOfFile(project.name, project.testPaths, file.path, name);
  const node: TestNode = {
    uniqueId: `test.${project.name}.${name}`,
    name,
    resourceType: 'test',
    packageName: project.name,
    fqn,
    originalFilePath: file.path,
    tags: [],
    config: {},
    checksum: createHash('sha256').update(file.text).digest('hex'),
    rawSql: file.text,
    compiledSql: undefined,
    refs: [],
    sourceCalls: [],
    dependsOn: { nodes: [], macros: [] },
    relation: { schema: context.target.schema, identifier: name },
    description: '',
    meta: {},
    testMetadata: undefined,
    columnName: undefined,
    attachedNode: undefined,
    line: undefined,
  };
  const layers = [configFromTree(project.tests, fqn)];
  const where = { name, file: file.path, line: undefined };
  const parseTimeConfig = resolveTestConfig(layers, where);
  node.config = parseTimeConfig.config;
  const lineOf = (fn: string, arg: string) => {
    const index = file.text.search(new RegExp(`\\b${fn}\\s*\\([^)]*['"]${arg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`));
    return index === -1 ? undefined : file.text.slice(0, index).split('\n').length;
  };
  const scope = parseScope(node, context.target.schema, (source, table) => findSource(parse, source, table), lineOf);
  try {
    engine.compile(file.path, file.text).render(scope);
  } catch (error) {
    return { errors: located(error, file.path, undefined) };
  }
  const inFile = inFileConfigOf(scope);
  return finish(parse, node, isEmpty(inFile) ? parseTimeConfig : resolveTestConfig([...layers, inFile], where), []);
}

const CONFIG_NOT_A_MAPPING = Symbol('config is not a mapping');

/** A generic test's YAML arguments sorted out: the macro's kwargs (`model` last), its configs, description and `name:`. */
interface SortedArguments {
  args: Plain;
  builderConfig: Plain;
  description: string;
  givenName: unknown;
}

function sortArguments(rawArgs: Plain, columnName: string | undefined, model: string): SortedArguments | typeof CONFIG_NOT_A_MAPPING {
  // `- unique`, the most common test, has nothing to sort out.
  if (isEmpty(rawArgs)) {
    const args: Plain = columnName === undefined ? { model } : { column_name: columnName, model };
    return { args, builderConfig: {}, description: '', givenName: undefined };
  }
  // Sorted out in a Map, made an object once at the end: deleting keys (fourteen config keys per
  // test) turned the object into a slow dictionary, paid for by every later reader.
  const entries = new Map<string, unknown>();
  for (const key of Object.keys(rawArgs)) entries.set(key, copyData(rawArgs[key]));
  const nested = entries.get('arguments');
  if (isPlainObject(nested)) {
    for (const key of Object.keys(nested)) entries.set(key, nested[key]);
    entries.delete('arguments');
  }
  if (columnName !== undefined) entries.set('column_name', columnName);
  const builderConfig: Plain = {};
  for (const key of TEST_CONFIG_KEYS) {
    const value = entries.get(key);
    if (value !== undefined && value !== null) builderConfig[key] = value;
    entries.delete(key);
  }
  const configArgument = entries.get('config');
  if (configArgument !== undefined) {
    if (!isPlainObject(configArgument)) return CONFIG_NOT_A_MAPPING;
    for (const [key, value] of Object.entries(configArgument)) if (value !== null && value !== undefined) builderConfig[key] = value;
    entries.delete('config');
  }
  const describedAs = entries.get('description');
  entries.delete('description');
  const givenName = entries.get('name');
  entries.delete('name');
  entries.set('model', model);
  return { args: Object.fromEntries(entries), builderConfig, description: typeof describedAs === 'string' ? describedAs : '', givenName };
}

/** A copy of YAML data (mappings, lists, scalars), as structuredClone made it but without its serializer. */
function copyData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyData);
  if (isPlainObject(value)) {
    const copy: Plain = {};
    for (const key of Object.keys(value)) copy[key] = copyData(value[key]);
    return copy;
  }
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

function isEmpty(object: object): boolean {
  for (const _ in object) return false;
  return true;
}

/**
 * Final config, tags, dependencies and where failures are stored. `resolved` is the config
 * resolved before rendering when the test called no config(): the same layers give the same
 * result, and a second merge of every test's config was a tenth of the parse.
 */
function finish(parse: TestParse, node: TestNode, resolved: { config: Plain; errors: TsdbtError[] }, extraTags: string[]): { node?: TestNode; errors: TsdbtError[] } {
  const { context } = parse;
  node.config = resolved.config;
  if (resolved.errors.length > 0) return { errors: resolved.errors };
  if (node.config.enabled === false) return { errors: [] };
  const tags = node.config.tags as string[];
  node.tags = tags.length === 0 && extraTags.length === 0 ? [] : [...new Set([...tags, ...extraTags])].sort();
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
  node.dependsOn.nodes = [...parents].sort();
  try {
    node.relation = schemaAndAlias(node, context.target, context.engine);
  } catch (error) {
    errors.push(...located(error, node.originalFilePath, node.line));
  }
  return errors.length > 0 ? { errors } : { node, errors };
}

/** True when `test_<name>`, what it dispatches to, and the macros they call all are tsdbt's built-in ones. */
function isBuiltinTest(parse: TestParse, name: string): boolean {
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

/** The relation a generic test reads (`model` in the test macro), at parse time: recorded as a dependency. */
function targetRelation(target: TestTarget, scope: Scope): unknown {
  const node = target.node;
  if (node.resourceType === 'source') return new Relation(node.relation.schema, node.relation.identifier, 'table');
  return (scope.ref as (name: string) => unknown)(node.name);
}

function findSource(parse: TestParse, source: string, table: string): SourceNode | undefined {
  return parse.sources.get(sourceKey(source, table));
}

function sourceKey(source: string, table: string): string {
  return `${source}\0${table}`;
}

function located(error: unknown, file: string, line: number | undefined): TsdbtError[] {
  if (!(error instanceof TsdbtError)) throw error;
  return error.all().map((one) => (one.file === undefined || one.file.startsWith('<') ? new TsdbtError({ code: one.code, message: one.message, file, line, hint: one.hint, cause: one.cause }) : one));
}

/**
 * Registers test macros: `{% test %}` blocks under `<test-path>/generic/`, then the built-in
 * generic tests the project does not override. Call after the project's macro files.
 */
export function addTestMacros(engine: TemplateEngine, testFiles: readonly ProjectFile[], config: ProjectConfig): TsdbtError[] {
  const errors: TsdbtError[] = [];
  for (const file of testFiles) if (isGenericTestFile(file, config)) errors.push(...engine.addMacroFile(file.path, file.text));
  errors.push(...addBuiltinTestMacros(engine));
  return errors;
}
