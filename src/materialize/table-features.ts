import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { qualifiedName, quoteIdentifier } from '../core/sql-literals.js';
import { onCluster } from './ddl.js';
import type { PlanContext, Statement } from './plan.js';
import type { Problem } from './model-settings.js';

/**
 * What dbt-clickhouse adds to a table beyond its engine: projections, data-skipping indexes, and a
 * codec or TTL per column (from the model's YAML columns). tsdbt adds them to the new table while it
 * is still empty, before it is filled, so they cover every row without a MATERIALIZE mutation.
 */
export interface TableFeatures {
  projections: { name: string; query: string }[];
  indexes: { name: string; definition: string }[];
  columns: { name: string; codec?: string; ttl?: string }[];
}

/** A YAML column's ClickHouse extras, as the compile step keeps them. */
export type ColumnExtras = Readonly<Record<string, { codec?: string; ttl?: string }>>;

export function tableFeatures(config: Record<string, unknown>, columns: ColumnExtras | undefined): { features: TableFeatures; problems: Problem[] } {
  const problems: Problem[] = [];
  const projections = namedList(
    config.projections,
    'projections',
    'query',
    problems,
    "For example: projections=[{'name': 'by_craft', 'query': 'select craft, count() group by craft'}]",
  );
  const indexes = namedList(
    config.indexes,
    'indexes',
    'definition',
    problems,
    "For example: indexes=[{'name': 'idx_craft', 'definition': 'craft TYPE bloom_filter GRANULARITY 1'}]",
  );
  const extras = Object.entries(columns ?? {})
    .filter(([, column]) => column.codec !== undefined || column.ttl !== undefined)
    .map(([name, column]) => ({
      name,
      ...(column.codec === undefined ? {} : { codec: column.codec }),
      ...(column.ttl === undefined ? {} : { ttl: column.ttl }),
    }));
  return {
    features: {
      projections: projections.map(({ name, value }) => ({ name, query: value })),
      indexes: indexes.map(({ name, value }) => ({ name, definition: value })),
      columns: extras,
    },
    problems,
  };
}

export function hasTableFeatures(features: TableFeatures): boolean {
  return features.projections.length + features.indexes.length + features.columns.length > 0;
}

/** `[{name, query}]` (dbt-clickhouse's shape); a name must be a name, the other key SQL text. */
function namedList(value: unknown, key: string, field: string, problems: Problem[], hint: string): { name: string; value: string }[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const out: { name: string; value: string }[] = [];
  for (const item of items) {
    const entry = item as Record<string, unknown> | null;
    const name = entry?.name;
    const text = entry?.[field];
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || typeof text !== 'string' || text.trim() === '') {
      problems.push({ message: `Config '${key}' must be a list of {'name': …, '${field}': …}, but it has ${JSON.stringify(item)}.`, hint, key });
      continue;
    }
    out.push({ name, value: text.trim() });
  }
  return out;
}

/**
 * `ALTER TABLE t ADD INDEX …, ADD PROJECTION …, MODIFY COLUMN c CODEC(…), MODIFY COLUMN c TTL …`:
 * one statement on the new, still empty table. Refused before any SQL on a server too old for them.
 */
export function addTableFeatures(database: string, table: string, features: TableFeatures, context: PlanContext): Statement[] {
  if (!hasTableFeatures(features)) return [];
  if (features.projections.length > 0) requireVersion(context, [21, 6], 'Projections (config projections)');
  if (features.indexes.length > 0) requireVersion(context, [20, 1], 'Data-skipping indexes (config indexes)');
  if (features.columns.some((column) => column.codec !== undefined)) requireVersion(context, [20, 1], 'Column codecs (codec on a YAML column)');
  if (features.columns.some((column) => column.ttl !== undefined)) requireVersion(context, [20, 1], 'Column TTLs (ttl on a YAML column)');
  const clauses = [
    ...features.indexes.map((index) => `ADD INDEX ${quoteIdentifier(index.name)} ${index.definition}`),
    ...features.projections.map((projection) => `ADD PROJECTION ${quoteIdentifier(projection.name)} (${projection.query.trim().replace(/;+$/, '')})`),
    ...features.columns.flatMap((column) => [
      ...(column.codec === undefined ? [] : [`MODIFY COLUMN ${quoteIdentifier(column.name)} CODEC(${column.codec.replace(/^CODEC\s*\(([\s\S]*)\)$/i, '$1')})`]),
      ...(column.ttl === undefined ? [] : [`MODIFY COLUMN ${quoteIdentifier(column.name)} TTL ${column.ttl}`]),
    ]),
  ];
  return [
    {
      sql: `ALTER TABLE ${qualifiedName(database, table)}${onCluster(context)}\n${clauses.join(',\n')}`,
      purpose: 'add projections, indexes and column codecs/TTLs to the new table',
    },
  ];
}

/**
 * Throws a coded error naming the ClickHouse version a feature needs when the server is older.
 * chDB and servers of unknown version pass (they are current).
 */
export function requireVersion(context: PlanContext, [major, minor]: [number, number], feature: string): void {
  const version = context.serverVersion;
  if (version === undefined) return;
  const [have = 0, haveMinor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  if (have > major || (have === major && haveMinor >= minor)) return;
  throw new TsdbtError({
    code: ErrorCodes.SERVER_TOO_OLD,
    message: `${feature} need ClickHouse ${major}.${minor} or newer, but the server is ${version}.`,
    hint: `Upgrade the server to ${major}.${minor}+, or remove the config for this target.`,
  });
}
