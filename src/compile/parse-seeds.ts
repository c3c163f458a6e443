import path from 'node:path';
import { configFromTree, mergeConfig } from '../config/config-tree.js';
import { treeConfigLine, type ProjectConfig } from '../config/project-config.js';
import type { Target } from '../config/target.js';
import { isPlainObject } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { SeedNode } from './nodes.js';
import type { NodePatch } from './properties.js';
import { fqnOfFile } from './fqn.js';
import { schemaAndAlias } from './schema-names.js';
import { reservedNameErrors } from './reserved-names.js';
import { fileChecksum } from '../project/file-checksum.js';
import type { TemplateEngine } from '../template/template-engine.js';

export interface ParseSeedsContext {
  config: ProjectConfig;
  target: Target;
  engine: TemplateEngine;
  /** `seeds:` entries of the YAML property files, by seed name. */
  patches: Map<string, NodePatch>;
  /** When given, each seed gets a checksum of its file (for `state:modified`). */
  projectDir?: string;
}

export interface ParsedSeeds {
  seeds: SeedNode[];
  /** Names of seeds turned off with `enabled: false` (a ref to one says so). */
  disabled: Set<string>;
  errors: TsdbtError[];
}

/** Config every seed starts from; the `seeds:` tree in the project file, then YAML properties, override it. */
const SEED_DEFAULTS = { materialized: 'seed', enabled: true, tags: [], column_types: {}, delimiter: ',', quote_columns: null };

/**
 * Turns each CSV under seed-paths into a seed node, with dbt's config precedence. The CSV
 * itself is read only when seeding, so compiling a project never pays for large seeds.
 */
export function parseSeeds(paths: readonly string[], context: ParseSeedsContext): ParsedSeeds {
  const { config, target, engine } = context;
  const out: ParsedSeeds = { seeds: [], disabled: new Set(), errors: [] };
  for (const file of paths) {
    const name = path.posix.basename(file, '.csv');
    const fqn = fqnOfFile(config.name, config.seedPaths, file, name);
    const patch = context.patches.get(name);
    const seedConfig = mergeConfig(mergeConfig(SEED_DEFAULTS, configFromTree(config.seeds, fqn)), patch?.config ?? {});
    const node: SeedNode = {
      uniqueId: `seed.${config.name}.${name}`,
      name,
      resourceType: 'seed',
      packageName: config.name,
      fqn,
      originalFilePath: file,
      tags: toStrings(seedConfig.tags),
      config: seedConfig,
      ...(context.projectDir === undefined ? {} : { checksum: fileChecksum(context.projectDir, file) }),
      dependsOn: { nodes: [], macros: [] },
      relation: { schema: target.schema, identifier: name },
      description: patch?.description ?? '',
      columns: patch?.columns ?? {},
      meta: patch?.meta ?? {},
      patchPath: patch?.file,
      tests: patch?.tests ?? [],
    };
    if (seedConfig.enabled === false) {
      out.disabled.add(name);
      continue;
    }
    // A seed with bad config is still a seed: refs to it resolve, so its own error is the only one.
    out.errors.push(...checkSeedConfig(node, patch, config));
    try {
      node.relation = schemaAndAlias(node, target, engine);
    } catch (error) {
      if (error instanceof TsdbtError) out.errors.push(...error.all());
      else throw error;
      continue;
    }
    out.errors.push(
      ...reservedNameErrors('Seed', name, node.relation.identifier, {
        file,
        nameLine: undefined,
        aliasLine: () => (patch === undefined ? undefined : { file: patch.file, line: patch.line }),
      }),
    );
    out.seeds.push(node);
  }
  return out;
}

function checkSeedConfig(node: SeedNode, patch: NodePatch | undefined, project: ProjectConfig): TsdbtError[] {
  const errors: TsdbtError[] = [];
  // Where the key is written: the seed's YAML entry, else the project file's `seeds:` tree, else the CSV.
  const at = (key: string) => {
    if (patch !== undefined && key in patch.config) return { file: patch.file, line: patch.line };
    const line = treeConfigLine(project, 'seeds', node.fqn, key);
    return line === undefined ? { file: patch?.file ?? node.originalFilePath, line: patch?.line } : { file: project.file, line };
  };
  const types = node.config.column_types;
  if (types !== undefined && types !== null && (!isPlainObject(types) || Object.values(types).some((type) => typeof type !== 'string' || type.trim() === ''))) {
    errors.push(
      new TsdbtError({
        code: ErrorCodes.SEED_INVALID,
        message: `Seed '${node.name}': column_types must map column names to ClickHouse types, but it is ${JSON.stringify(types)}.`,
        ...at('column_types'),
        hint: "For example: column_types: {zip_code: String, amount: 'Decimal(10, 2)'}",
      }),
    );
  }
  const delimiter = node.config.delimiter;
  if (typeof delimiter !== 'string' || delimiter.length !== 1) {
    errors.push(
      new TsdbtError({
        code: ErrorCodes.SEED_INVALID,
        message: `Seed '${node.name}': delimiter must be one character, but it is ${JSON.stringify(delimiter)}.`,
        ...at('delimiter'),
        hint: "For example: delimiter: ';'",
      }),
    );
  }
  return errors;
}

function toStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
