import type { Adapter } from '../core/adapter-types.js';
import type { Project } from '../compile/load-project.js';
import { TsdbtError } from '../core/errors.js';
import { CATALOG_SQL } from '../materialize/read-queries.js';
import { TSDBT_VERSION } from '../version.js';

/** A relation as the database describes it. */
export interface CatalogRelation {
  schema: string;
  name: string;
  /** ClickHouse engine (`MergeTree`, `View`, …); empty when system.tables had no row for it. */
  engine: string;
  columns: CatalogColumn[];
}

export interface CatalogColumn {
  name: string;
  type: string;
  /** 1-based position in the relation. */
  index: number;
  comment: string;
}

export interface Catalog {
  /** By `schema.name`. */
  relations: Map<string, CatalogRelation>;
  /** Databases that could not be read, with the reason (dbt's catalog `errors`). */
  errors: string[];
}

export const emptyCatalog = (): Catalog => ({ relations: new Map(), errors: [] });

export function relationKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

export { CATALOG_SQL };

interface CatalogRow {
  table: string;
  name: string;
  type: string;
  comment: string;
  engine: string | null;
}

/**
 * Reads the columns and types of the relations in `databases`, one query per database. A
 * statement the server rejects is recorded in `errors` (the site says so) and the other
 * databases are still read; a connection problem is thrown.
 */
export async function readCatalog(adapter: Adapter, databases: Iterable<string>): Promise<Catalog> {
  const catalog = emptyCatalog();
  for (const database of [...new Set(databases)].sort()) {
    let rows: CatalogRow[];
    try {
      rows = await adapter.query<CatalogRow>(CATALOG_SQL, { params: { database } });
    } catch (error) {
      if (error instanceof TsdbtError && error.code === 'TSDBT4002') {
        catalog.errors.push(`Could not read the columns of database '${database}': ${error.message}`);
        continue;
      }
      throw error;
    }
    for (const row of rows) {
      const key = relationKey(database, row.table);
      let relation = catalog.relations.get(key);
      if (relation === undefined) {
        relation = { schema: database, name: row.table, engine: row.engine ?? '', columns: [] };
        catalog.relations.set(key, relation);
      }
      relation.columns.push({ name: row.name, type: row.type, index: relation.columns.length + 1, comment: row.comment ?? '' });
    }
  }
  catalog.relations = new Map([...catalog.relations].sort(([a], [b]) => a.localeCompare(b)));
  return catalog;
}

/** The databases a project's models, seeds and sources live in (tests' audit tables are left out). */
export function projectDatabases(project: Project): string[] {
  return [
    ...new Set(
      [...project.nodes.values()].flatMap((node) =>
        node.resourceType === 'test' || node.resourceType === 'unit_test' || node.resourceType === 'exposure' ? [] : [node.relation.schema],
      ),
    ),
  ].sort();
}

const VIEW_ENGINES = new Set(['View', 'MaterializedView']);

/** catalog.json in dbt's v1 shape: `nodes` (models and seeds) and `sources`, each with metadata, columns and stats. */
export function buildCatalogJson(project: Project, catalog: Catalog, generatedAt: Date = new Date()): Record<string, unknown> {
  const entry = (uniqueId: string, schema: string, name: string): [string, unknown] | undefined => {
    const relation = catalog.relations.get(relationKey(schema, name));
    if (relation === undefined) return undefined;
    return [
      uniqueId,
      {
        unique_id: uniqueId,
        // Like dbt-clickhouse: views and materialized views are 'view', everything else 'table'.
        metadata: {
          type: VIEW_ENGINES.has(relation.engine) ? 'view' : 'table',
          schema,
          name,
          database: null,
          comment: null,
          owner: null,
          engine: relation.engine,
        },
        columns: Object.fromEntries(
          relation.columns.map((column) => [
            column.name,
            { type: column.type, index: column.index, name: column.name, comment: column.comment === '' ? null : column.comment },
          ]),
        ),
        stats: {
          has_stats: {
            id: 'has_stats',
            label: 'Has Stats?',
            value: false,
            include: false,
            description: 'Indicates whether there are statistics for this table',
          },
        },
      },
    ];
  };
  const nodes = [...project.models.values(), ...project.seeds.values(), ...(project.snapshots?.values() ?? [])]
    .map((node) => entry(node.uniqueId, node.relation.schema, node.relation.identifier))
    .filter((one) => one !== undefined);
  const sources = [...project.sources.values()]
    .map((node) => entry(node.uniqueId, node.relation.schema, node.relation.identifier))
    .filter((one) => one !== undefined);
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json',
      dbt_version: TSDBT_VERSION,
      tsdbt_version: TSDBT_VERSION,
      generated_at: generatedAt.toISOString(),
      invocation_id: project.invocationId,
      env: {},
    },
    nodes: Object.fromEntries(nodes),
    sources: Object.fromEntries(sources),
    errors: catalog.errors.length === 0 ? null : catalog.errors,
  };
}
