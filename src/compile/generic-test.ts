/** Generic data tests: the `tests:`/`data_tests:` entries of YAML properties, as dbt builds them. */
import { configFromTree } from '../config/config-tree.js';
import { didYouMean, isPlainObject, type Plain } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { flattened } from '../core/flat-string.js';
import { trimmed } from '../core/trimmed.js';
import { quoteIdentifier } from '../core/sql-literals.js';
import { Relation } from '../template/relation.js';
import type { Scope } from '../template/template-engine.js';
import { kwargsNeedRendering, renderTestKwargs } from '../testing/test-kwargs.js';
import { resolveTestConfig, TEST_CONFIG_KEYS } from '../testing/test-config.js';
import { synthesizeTestNames, testHash } from '../testing/test-names.js';
import type { ColumnProperties, TestNode } from './nodes.js';
import { inFileConfigOf, parseScope } from './scopes.js';
import { findSource, finish, isBuiltinTest, isEmpty, located, shared, type TestParse, type TestTarget } from './test-parse.js';
import { sharedColumnArgs, sharedMacroList } from './test-sharing.js';

const TEST_NAME = /^(?:([A-Za-z_][0-9A-Za-z_]*)\.)?([A-Za-z_][0-9A-Za-z_]*)$/;

/** A generic test declared in YAML (`- unique`, `- accepted_values: {values: [...]}`) on a model, seed, source or column. */
export function genericTest(
  parse: TestParse,
  target: TestTarget,
  declaration: unknown,
  column: ColumnProperties | undefined,
): { node?: TestNode; errors: TsdbtError[] } {
  const { engine } = parse.context;
  const fail = (message: string, hint: string): { errors: TsdbtError[] } => {
    const where = `${column ? `column '${column.name}' of ` : ''}'${target.node.name}'`;
    return {
      errors: [new TsdbtError({ code: ErrorCodes.TEST_INVALID, message: `The test on ${where} ${message}`, file: target.file, line: target.line, hint })],
    };
  };
  const declared = readDeclaration(declaration);
  if ('problem' in declared) return fail(declared.problem, declared.hint);
  const { testName, name, rawArgs } = declared;
  if ('model' in rawArgs) return fail(`'${testName}' passes \`model\`, which tsdbt sets itself.`, 'Remove the `model:` argument.');
  const columnName = column === undefined ? undefined : column.quote === true ? quoteIdentifier(column.name) : column.name;
  const sorted = sortArguments(parse, rawArgs, columnName, shared(parse, `{{ get_where_subquery(${target.call}) }}`));
  if (sorted === CONFIG_NOT_A_MAPPING) return fail(`'${testName}' has a \`config\` that is not a mapping.`, 'For example: config: {severity: warn}');
  const { args, builderConfig } = sorted;
  for (const [key, value] of Object.entries(builderConfig)) {
    if (typeof value === 'string' && /\{[{%]/.test(value)) {
      try {
        builderConfig[key] = engine.renderString(value, {}, target.file);
      } catch (error) {
        return { errors: located(error, target.file, target.line) };
      }
    }
  }
  const problem = checkTestMacro(parse, declared, args);
  if (problem !== undefined) return fail(problem.message, problem.hint);
  const node = genericTestNode(parse, target, declared, sorted, column);
  return renderAtParse(parse, target, node, { name, args, builderConfig, tags: column?.tags ?? [] });
}

/** `- unique`, `- accepted_values: {values: [...]}`, or `- {test_name: unique, name: ...}`: the test's name and raw arguments. */
function readDeclaration(declaration: unknown): Declared | { problem: string; hint: string } {
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
    return { problem: `is not a test: ${JSON.stringify(declaration)}.`, hint: 'Write a test as `- not_null`, or `- accepted_values: {values: [a, b]}`.' };
  }
  if (!isPlainObject(rawArgs))
    return {
      problem: `'${testName}' needs its arguments as a mapping, but they are ${JSON.stringify(rawArgs)}.`,
      hint: `For example: - ${testName}: {arg: value}`,
    };
  const match = TEST_NAME.exec(testName);
  if (!match)
    return {
      problem: `has an invalid test name '${testName}'.`,
      hint: 'Test names are identifiers, optionally with a package: `unique`, `dbt_utils.expression_is_true`.',
    };
  return { testName, namespace: match[1] ?? null, name: match[2]!, rawArgs };
}

/** The test's macro exists and gets every argument it needs (dbt fails accepted_values without values…), before any SQL is built. */
function checkTestMacro(parse: TestParse, declared: Declared, args: Plain): { message: string; hint: string } | undefined {
  const { engine } = parse.context;
  const { testName, namespace, name } = declared;
  const macroName = `test_${name}`;
  const macro = engine.macro(macroName, namespace);
  if (macro === undefined) {
    const known = engine
      .macroNames()
      .filter((candidate) => candidate.startsWith('test_'))
      .map((candidate) => candidate.slice(5));
    return {
      message: `uses the generic test '${testName}', which is not defined.${didYouMean(name, known)}`,
      hint: `Define it in macros/ or tests/generic/ as {% test ${name}(model, column_name) %} … {% endtest %}.`,
    };
  }
  let required = parse.requiredParameters.get(macroName);
  if (required === undefined) parse.requiredParameters.set(macroName, (required = requiredParameters(macro.sql)));
  const missing = required.filter((parameter) => !(parameter in args));
  if (missing.length > 0) {
    const example = Object.fromEntries(
      missing.map((parameter) => [parameter, parameter === 'values' ? '[a, b]' : parameter === 'to' ? "ref('other_model')" : '…']),
    );
    return {
      message: `'${testName}' needs the argument${missing.length === 1 ? '' : 's'} ${missing.map((parameter) => `\`${parameter}\``).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not given.`,
      hint: `For example: - ${testName}: {${Object.entries(example)
        .map(([key, value]) => `${key}: ${value}`)
        .join(', ')}}`,
    };
  }
  // (A Jinja string, `"{{ var('methods') }}"`, is rendered into a list later.)
  if (namespace === null && name === 'accepted_values' && !Array.isArray(args.values) && !(typeof args.values === 'string' && /\{[{%]/.test(args.values))) {
    return {
      message: `'accepted_values' needs \`values\` as a list, but it is ${JSON.stringify(args.values)}.`,
      hint: 'For example: - accepted_values: {values: [ISS, Tiangong]}',
    };
  }
  return undefined;
}

/** The test node, named as dbt names it (`name:` if given, else synthesized; a long name gets a short alias). */
function genericTestNode(parse: TestParse, target: TestTarget, declared: Declared, sorted: SortedArguments, column: ColumnProperties | undefined): TestNode {
  const { config: project } = parse.context;
  const { namespace, name } = declared;
  const { args, builderConfig, description, givenName } = sorted;
  const isSource = target.node.resourceType === 'source';
  const testType = `${namespace === null ? '' : `${namespace}_`}${isSource ? 'source_' : ''}${name}`;
  const names = givenName !== undefined ? { fullName: String(givenName), shortName: String(givenName) } : synthesizeTestNames(testType, target.name, args);
  const fullName = flattened(names.fullName);
  if (names.shortName !== names.fullName && builderConfig.alias === undefined) builderConfig.alias = flattened(names.shortName);
  const macroName = `test_${name}`;
  const metadata = { name, namespace, kwargs: args };
  return {
    uniqueId: flattened(`test.${project.name}.${fullName}.${testHash(fullName, metadata)}`),
    name: fullName,
    resourceType: 'test',
    packageName: project.name,
    fqn: trimmed([project.name, ...target.folders, fullName]),
    originalFilePath: target.file,
    tags: [],
    config: {},
    rawSql: shared(parse, `{{ ${namespace === null ? '' : `${namespace}.`}${macroName}(**_dbt_generic_test_kwargs) }}`),
    refs: [],
    sourceCalls: [],
    dependsOn: { nodes: [], macros: sharedMacroList(parse.sharing, `macro.${project.name}.${macroName}`) },
    relation: { schema: parse.context.target.schema, identifier: fullName },
    description,
    meta: {},
    testMetadata: metadata,
    columnName: column?.name,
    attachedNode: target.node.uniqueId,
    line: target.line,
  };
}

/** Renders the test once at parse time, as dbt does: collects ref()/source() in the arguments and config() in the macro. */
function renderAtParse(
  parse: TestParse,
  target: TestTarget,
  node: TestNode,
  test: { name: string; args: Plain; builderConfig: Plain; tags: string[] },
): { node?: TestNode; errors: TsdbtError[] } {
  const { context } = parse;
  const { engine } = context;
  const layers = [configFromTree(context.config.tests, node.fqn)];
  const where = { name: node.name, file: target.file, line: target.line };
  const parseTimeConfig = resolveTestConfig([...layers, test.builderConfig], where);
  node.config = parseTimeConfig.config;
  // dbt's own test macros call no ref(), source() or config(): rendering them records nothing.
  const builtin = isBuiltinTest(parse, test.name);
  if (builtin && !kwargsNeedRendering(test.args)) {
    // Nor do plain arguments: all there is to record is the ref to the model or seed tested,
    // done here without building a parse scope (most of the 30,000 tests of a 10k-model project).
    if (target.node.resourceType !== 'source') node.refs.push({ name: target.node.name, packageName: undefined, line: target.line });
    return finish(parse, node, parseTimeConfig, test.tags);
  }
  const scope = parseScope(
    node,
    context.target.schema,
    (source, table) => findSource(parse, source, table),
    () => target.line,
  );
  try {
    const kwargs = renderTestKwargs(engine, scope, test.args, target.file);
    const model = targetRelation(target, scope);
    if (!builtin) engine.callMacro(`test_${test.name}`, scope, [{ ...kwargs, model, __keywords: true }], node.testMetadata?.namespace);
  } catch (error) {
    return { errors: located(error, target.file, target.line) };
  }
  const inFile = inFileConfigOf(scope);
  return finish(parse, node, isEmpty(inFile) ? parseTimeConfig : resolveTestConfig([...layers, inFile, test.builderConfig], where), test.tags);
}

/** A test declaration read: its name as written, its package (`dbt_utils`) if any, the bare name, the raw arguments. */
interface Declared {
  testName: string;
  namespace: string | null;
  name: string;
  rawArgs: Plain;
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

/** The relation a generic test reads (`model` in the test macro), at parse time: recorded as a dependency. */
function targetRelation(target: TestTarget, scope: Scope): unknown {
  const node = target.node;
  if (node.resourceType === 'source') return new Relation(node.relation.schema, node.relation.identifier, 'table');
  return (scope.ref as (name: string) => unknown)(node.name);
}

const CONFIG_NOT_A_MAPPING = Symbol('config is not a mapping');

/** A generic test's YAML arguments sorted out: the macro's kwargs (`model` last), its configs, description and `name:`. */
interface SortedArguments {
  args: Plain;
  builderConfig: Plain;
  description: string;
  givenName: unknown;
}

function sortArguments(parse: TestParse, rawArgs: Plain, columnName: string | undefined, model: string): SortedArguments | typeof CONFIG_NOT_A_MAPPING {
  // `- unique`, the most common test, has nothing to sort out.
  if (isEmpty(rawArgs)) return { args: sharedColumnArgs(parse.sharing, columnName, model), builderConfig: {}, description: '', givenName: undefined };
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
