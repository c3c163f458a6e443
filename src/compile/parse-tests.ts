import { createHash } from 'node:crypto';
import path from 'node:path';
import { configFromTree } from '../config/config-tree.js';
import type { ProjectConfig } from '../config/project-config.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ProjectFile } from '../project/project-files.js';
import type { TemplateEngine } from '../template/template-engine.js';
import { addBuiltinTestMacros } from '../testing/builtin-tests.js';
import { resolveTestConfig } from '../testing/test-config.js';
import { fqnOfFile, stripSlash } from './fqn.js';
import { genericTest } from './generic-test.js';
import type { SourceNode, TestNode } from './nodes.js';
import { inFileConfigOf, parseScope } from './scopes.js';
import { newTestSharing } from './test-sharing.js';
import { findSource, finish, isEmpty, located, sourceKey, type ParseTestsContext, type TestParse, type TestTarget } from './test-parse.js';

export type { ParseTestsContext } from './test-parse.js';

/** Builds every data test: generic ones from YAML `tests:`/`data_tests:`, singular ones from test-paths. */
export function parseTests(context: ParseTestsContext): { tests: TestNode[]; errors: TsdbtError[] } {
  const sources = new Map<string, SourceNode>();
  for (const source of context.sources) {
    const key = sourceKey(source.sourceName, source.name);
    if (!sources.has(key)) sources.set(key, source);
  }
  const parse: TestParse = { context, sources, requiredParameters: new Map(), builtin: new Map(), texts: new Map(), sharing: newTestSharing() };
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

/** Files under `<test-path>/generic/` define `{% test %}` blocks (macros), not singular tests. */
export function isGenericTestFile(file: ProjectFile, config: ProjectConfig): boolean {
  return config.testPaths.some((dir) => file.path.startsWith(`${stripSlash(dir)}/generic/`));
}

function testTargets(context: ParseTestsContext, sources: Iterable<SourceNode>): TestTarget[] {
  const targets: TestTarget[] = [];
  const foldersOf = (file: string) => path.posix.dirname(file).split('/').slice(1);
  for (const model of context.models) {
    const patch = context.modelPatches.get(model.name);
    if (patch)
      targets.push({ node: model, name: model.name, call: `ref('${model.name}')`, file: patch.file, line: patch.line, folders: foldersOf(patch.file) });
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
