import { configFromTree, mergeConfig } from '../config/config-tree.js';
import { treeConfigLine, type ProjectConfig } from '../config/project-config.js';
import type { Target } from '../config/target.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ProjectFile } from '../project/project-files.js';
import type { TemplateEngine } from '../template/template-engine.js';
import { fqnOfFile } from './fqn.js';
import type { SnapshotNode, SourceNode } from './nodes.js';
import { checksumOf } from './parse-cache.js';
import type { NodePatch } from './properties.js';
import { checkSnapshotConfig } from './snapshot-config.js';
import { schemaAndAlias } from './schema-names.js';
import { inFileConfigOf, parseScope } from './scopes.js';

export interface ParseSnapshotsContext {
  config: ProjectConfig;
  target: Target;
  engine: TemplateEngine;
  /** `snapshots:` entries of the property files, by name. */
  patches: Map<string, NodePatch>;
  sources: (source: string, table: string) => SourceNode | undefined;
  lineOf: (text: string) => (fn: string, arg: string) => number | undefined;
  usedMacros: (text: string) => string[];
}

export interface ParsedSnapshots {
  snapshots: SnapshotNode[];
  disabled: string[];
  errors: TsdbtError[];
  warnings: string[];
}

/** One `{% snapshot name %}…{% endsnapshot %}` block; `body` keeps the file's line numbers (blank lines before it). */
export interface SnapshotBlock {
  name: string;
  line: number;
  body: string;
}

const BLOCK = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;
const OPENING = /\{%-?\s*snapshot\b/;
const JINJA_COMMENT = /\{#[\s\S]*?#\}/g;

/** The snapshot blocks of one file; text outside them (other than comments) is reported, never run. */
export function snapshotBlocks(file: ProjectFile): { blocks: SnapshotBlock[]; errors: TsdbtError[]; warnings: string[] } {
  const blocks: SnapshotBlock[] = [];
  const errors: TsdbtError[] = [];
  const warnings: string[] = [];
  const lineAt = (index: number) => file.text.slice(0, index).split('\n').length;
  let outside = '';
  let end = 0;
  for (const match of file.text.matchAll(BLOCK)) {
    outside += file.text.slice(end, match.index);
    end = match.index + match[0].length;
    const bodyStart = match.index + match[0].length - match[2]!.length - /\{%-?\s*endsnapshot\s*-?%\}$/.exec(match[0])![0].length;
    const line = lineAt(match.index);
    blocks.push({ name: match[1]!, line, body: '\n'.repeat(lineAt(bodyStart) - 1) + match[2]! });
  }
  outside += file.text.slice(end);
  const unclosed = OPENING.test(outside);
  if (unclosed) {
    errors.push(
      new TsdbtError({
        code: ErrorCodes.SNAPSHOT_INVALID,
        message: 'A {% snapshot %} block is not closed (or its name is not a plain name).',
        file: file.path,
        line: lineAt(Math.max(0, file.text.slice(end).search(OPENING) + end)),
        hint: 'Write {% snapshot my_name %} select … {% endsnapshot %}.',
      }),
    );
  } else if (
    blocks.length > 0 &&
    outside
      .replace(JINJA_COMMENT, '')
      .replace(/--[^\n]*/g, '')
      .trim() !== ''
  ) {
    warnings.push(`${file.path}: text outside {% snapshot %} … {% endsnapshot %} blocks is ignored.`);
  }
  if (blocks.length === 0 && !unclosed) warnings.push(`${file.path}: no {% snapshot %} block in this file under snapshot-paths; it is ignored.`);
  return { blocks, errors, warnings };
}

/**
 * Snapshots of the project: each `{% snapshot %}` block of the .sql files under snapshot-paths, and
 * each `snapshots:` YAML entry with a `relation:` (dbt 1.9's YAML-defined snapshot). A YAML entry
 * without `relation:` describes (and configures) the block of the same name.
 */
export function parseSnapshots(files: readonly ProjectFile[], context: ParseSnapshotsContext): ParsedSnapshots {
  const out: ParsedSnapshots = { snapshots: [], disabled: [], errors: [], warnings: [] };
  const seen = new Map<string, string>();
  const add = (name: string, file: string, line: number | undefined, body: string, patch: NodePatch | undefined) => {
    const previous = seen.get(name);
    if (previous !== undefined) {
      out.errors.push(
        new TsdbtError({
          code: ErrorCodes.DUPLICATE_NODE,
          message: `Snapshot '${name}' is defined twice: in ${previous} and in ${file}.`,
          file,
          line,
          hint: 'Snapshot names must be unique; rename one of them.',
        }),
      );
      return;
    }
    seen.set(name, file);
    parseOne({ name, file, line, body, patch }, context, out);
  };
  for (const file of files) {
    const found = snapshotBlocks(file);
    out.errors.push(...found.errors);
    out.warnings.push(...found.warnings);
    for (const block of found.blocks) add(block.name, file.path, block.line, block.body, context.patches.get(block.name));
  }
  for (const patch of context.patches.values()) {
    if (patch.relation !== undefined) {
      if (seen.has(patch.name)) {
        out.errors.push(
          new TsdbtError({
            code: ErrorCodes.DUPLICATE_NODE,
            message: `Snapshot '${patch.name}' has a relation: in YAML and a {% snapshot %} block in ${seen.get(patch.name)}.`,
            file: patch.file,
            line: patch.line,
            hint: 'Define it once: either the YAML relation: or the SQL block.',
          }),
        );
        continue;
      }
      add(patch.name, patch.file, patch.line, `select * from {{ ${patch.relation} }}`, patch);
    } else if (!seen.has(patch.name)) {
      out.warnings.push(
        `${patch.file}${patch.line === undefined ? '' : `:${patch.line}`}: snapshot '${patch.name}' is described but has neither a relation: nor a {% snapshot ${patch.name} %} block; it is ignored.`,
      );
    }
  }
  return out;
}

interface SnapshotSource {
  name: string;
  file: string;
  line: number | undefined;
  body: string;
  patch: NodePatch | undefined;
}

function parseOne(source: SnapshotSource, context: ParseSnapshotsContext, out: ParsedSnapshots): void {
  const { config, target, engine } = context;
  const { name, file, patch } = source;
  const fqn = fqnOfFile(config.name, config.snapshotPaths, file, name);
  const tree = configFromTree(config.snapshots, fqn);
  const node: SnapshotNode = {
    uniqueId: `snapshot.${config.name}.${name}`,
    name,
    resourceType: 'snapshot',
    packageName: config.name,
    fqn,
    originalFilePath: file,
    tags: [],
    config: mergeConfig(mergeConfig({ enabled: true, tags: [], materialized: 'snapshot' }, tree), patch?.config ?? {}),
    checksum: checksumOf(source.body),
    rawSql: source.body,
    refs: [],
    sourceCalls: [],
    dependsOn: { nodes: [], macros: [] },
    relation: { schema: target.schema, identifier: name },
    description: patch?.description ?? '',
    columns: patch?.columns ?? {},
    meta: patch?.meta ?? {},
    patchPath: patch?.file,
    tests: patch?.tests ?? [],
    line: source.line,
    spec: undefined as unknown as SnapshotNode['spec'],
  };
  const scope = parseScope(node, target.schema, context.sources, context.lineOf(source.body));
  try {
    engine.compileFor(node, file, source.body).render(scope);
  } catch (error) {
    if (error instanceof TsdbtError) {
      out.errors.push(...error.all());
      return;
    }
    throw error;
  }
  const inFile = inFileConfigOf(scope);
  node.config = mergeConfig(node.config, inFile);
  node.tags = (node.config.tags as string[] | undefined) ?? [];
  if (node.config.enabled === false) {
    out.disabled.push(name);
    return;
  }
  const configLine = configCallLine(source.body) ?? source.line;
  const origin = (key: string) => {
    if (key in inFile) return { file, line: configLine };
    if (patch !== undefined && key in patch.config) return { file: patch.file, line: patch.line };
    const line = treeConfigLine(config, 'snapshots', fqn, key);
    return line === undefined ? { file, line: configLine } : { file: config.file, line };
  };
  const checked = checkSnapshotConfig(name, node.config, origin);
  out.errors.push(...checked.errors);
  out.warnings.push(...checked.warnings);
  if ((patch?.tests.length ?? 0) > 0 || Object.values(node.columns).some((column) => column.tests.length > 0)) {
    out.warnings.push(
      `${patch!.file}${patch!.line === undefined ? '' : `:${patch!.line}`}: tests declared on snapshot '${name}' are not run: tsdbt runs data tests on models, seeds and sources.`,
    );
  }
  if (checked.spec === undefined) return;
  node.spec = checked.spec;
  node.relation = snapshotRelation(node, target, engine);
  node.dependsOn.macros = context.usedMacros(source.body);
  out.snapshots.push(node);
}

/**
 * dbt 1.9: the legacy `target_schema` is used as written; otherwise `schema` goes through
 * generate_schema_name like a model's (no schema at all: the target's schema).
 */
function snapshotRelation(node: SnapshotNode, target: Target, engine: TemplateEngine): SnapshotNode['relation'] {
  const named = schemaAndAlias(node, target, engine);
  const legacy = node.config.target_schema;
  return typeof legacy === 'string' && legacy.trim() !== '' ? { schema: legacy.trim(), identifier: named.identifier } : named;
}

function configCallLine(text: string): number | undefined {
  const index = text.search(/\bconfig\s*\(/);
  return index === -1 ? undefined : text.slice(0, index).split('\n').length;
}
