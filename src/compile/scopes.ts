import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { mergeConfig } from '../config/config-tree.js';
import { splitArgs } from '../template/call-args.js';
import { Relation } from '../template/relation.js';
import type { Scope } from '../template/template-engine.js';
import type { ModelNode, RelationName, SourceNode } from './nodes.js';

/** The callable `config` object: `config(materialized='table')`, `config.get('x', default)`, `config.require('x')`. */
export function configFunction(read: () => Record<string, unknown>, write?: (values: Record<string, unknown>) => void, strict = false) {
  const fn = (...args: unknown[]): string => {
    if (write) {
      const { positional, keywords } = splitArgs(args);
      const first = positional[0];
      if (strict && (positional.length > 1 || (first !== undefined && (typeof first !== 'object' || first === null || Array.isArray(first))))) {
        throw new TsdbtError({
          code: ErrorCodes.MODEL_CONFIG_INVALID,
          message: `config() takes keyword arguments (or one mapping), but it was given ${positional.map((value) => JSON.stringify(value)).join(', ')}.`,
          hint: "For example: {{ config(materialized='table', order_by='id') }}.",
        });
      }
      write({ ...(typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {}), ...keywords });
    }
    return '';
  };
  fn.get = (key: string, fallback: unknown = null) => {
    const value = read()[key.replace(/-/g, '_')];
    return value === undefined ? fallback : value;
  };
  fn.require = (key: string) => {
    const value = read()[key];
    if (value === undefined) {
      throw new TsdbtError({
        code: ErrorCodes.MODEL_CONFIG_INVALID,
        message: `Config '${key}' is required here but not set.`,
        hint: `Set it with {{ config(${key}=…) }} or in the project file.`,
      });
    }
    return value;
  };
  return fn;
}

/** The fields `nodeContext` reads: models, and seeds and tests rendered the same way. */
export type ContextNode = Pick<ModelNode, 'uniqueId' | 'name' | 'packageName' | 'originalFilePath' | 'fqn' | 'config' | 'relation' | 'description'> & {
  resourceType: string;
  rawSql?: string;
};

/** What templates see as `model` / `node`: dbt's node dictionary, reduced to the common fields. */
export function nodeContext(node: ContextNode): Record<string, unknown> {
  return {
    unique_id: node.uniqueId,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    path: node.originalFilePath,
    original_file_path: node.originalFilePath,
    fqn: node.fqn,
    tags: node.config.tags ?? [],
    config: node.config,
    schema: node.relation.schema,
    alias: node.relation.identifier,
    description: node.description,
    raw_code: node.rawSql,
    raw_sql: node.rawSql,
  };
}

export function relationOf(name: RelationName, type?: string): Relation {
  return new Relation(name.schema, name.identifier, type);
}

/** ref() and source() take names: a wrong count or a non-string is a mistake in the model, said at once. */
function checkNameArguments(fn: string, positional: readonly unknown[], counts: readonly number[], example: string): void {
  const bad = positional.find((value) => typeof value !== 'string' || value === '');
  if (counts.includes(positional.length) && bad === undefined) return;
  throw new TsdbtError({
    code: ErrorCodes.TEMPLATE_RENDER,
    message:
      bad === undefined
        ? `${fn}() takes ${counts.map(String).join(' or ')} name${counts.at(-1) === 1 ? '' : 's'}, but it was given ${positional.length}.`
        : `${fn}() takes names (strings), but it was given ${bad === '' ? 'an empty string' : (JSON.stringify(bad) ?? String(bad))}.`,
    hint: `For example: ${example}.`,
  });
}

/** Parse time: record refs, sources and config() calls; relations are placeholders. */
export function parseScope(
  node: ContextNode & Pick<ModelNode, 'refs' | 'sourceCalls'>,
  defaultSchema: string,
  sources: (source: string, table: string) => SourceNode | undefined,
  lineOf: (fn: string, arg: string) => number | undefined,
): Scope {
  let inFileConfig: Record<string, unknown> = {};
  const scope: Scope = {
    ref: (...args: unknown[]) => {
      const { positional } = splitArgs(args);
      checkNameArguments('ref', positional, [1, 2], "ref('people'), or ref('<project>', 'people')");
      const [first, second] = positional.map(String);
      const name = second ?? first!;
      node.refs.push({ name, packageName: second === undefined ? undefined : first, line: lineOf('ref', name) });
      return new Relation(defaultSchema, name);
    },
    source: (...args: unknown[]) => {
      const { positional } = splitArgs(args);
      checkNameArguments('source', positional, [2], "source('astro', 'raw_astros'): the source's name, then the table's");
      const source = String(positional[0]);
      const table = String(positional[1]);
      node.sourceCalls.push({ source, table, line: lineOf('source', table) });
      const found = sources(source, table);
      return found ? relationOf(found.relation) : new Relation(source, table);
    },
    config: configFunction(
      () => mergeConfig(node.config, inFileConfig),
      (values) => {
        inFileConfig = mergeConfig(inFileConfig, values);
      },
      true,
    ),
    this: new Relation(defaultSchema, node.name),
    is_incremental: () => false,
    should_full_refresh: () => false,
    execute: false,
    model: nodeContext(node),
    run_query: () => null,
    // `{% call statement(…) %}` blocks run nothing while parsing (execute is false), as in dbt.
    statement: () => '',
    load_result: () => null,
    graph: { nodes: {}, sources: {} },
  };
  // The compiler reads the config() calls back after rendering.
  Object.defineProperty(scope, 'inFileConfig', { get: () => inFileConfig, enumerable: false });
  return scope;
}

export function inFileConfigOf(scope: Scope): Record<string, unknown> {
  return (scope as { inFileConfig?: Record<string, unknown> }).inFileConfig ?? {};
}
