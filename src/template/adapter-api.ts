import type { QueryTable } from './query-table.js';
import {
  columnsQuery,
  createSchemaStatement,
  dropRelationStatement,
  dropSchemaStatement,
  relationsQuery,
  renameRelationStatement,
  truncateStatement,
} from '../materialize/template-relation-sql.js';
import { Column } from './api-global.js';
import { splitArgs } from './call-args.js';
import { Relation } from './relation.js';

/**
 * The relation methods of dbt's `adapter` object that packages call (`adapter.get_relation`,
 * `adapter.get_columns_in_relation`, `adapter.drop_relation`…). They run on the current render's
 * `run_query`, so they take part in its replay (compile/replay-render.ts) like the template's own
 * queries. While parsing (no connection, `execute` false) nothing runs: lookups find nothing and
 * DDL does nothing, as packages expect when they guard with `{% if execute %}`.
 */
export type CurrentRunQuery = () => ((sql: string) => QueryTable | null) | undefined;

type RelationLike = { schema?: string; database?: string; identifier?: string; type?: string };

/** ClickHouse engine → dbt relation type. */
function typeOfEngine(engine: string): string {
  if (engine === 'View' || engine === 'LiveView') return 'view';
  if (engine === 'MaterializedView') return 'materialized_view';
  if (engine === 'Dictionary') return 'dictionary';
  return 'table';
}

function databaseOf(relation: RelationLike): string {
  return String(relation.schema ?? relation.database ?? '');
}

export function relationMethods(currentRunQuery: CurrentRunQuery): Record<string, unknown> {
  const query = (sql: string): QueryTable | null => {
    const run = currentRunQuery();
    return typeof run === 'function' ? run(sql) : null;
  };
  const columns = (relation: RelationLike): Column[] => {
    const table = query(columnsQuery(databaseOf(relation), String(relation.identifier)));
    return table === null ? [] : table.rows.map((row) => new Column(String(row[0]), String(row[1])));
  };
  const getRelation = (...args: unknown[]): Relation | null => {
    const { positional, keywords } = splitArgs(args);
    const database = (keywords.database ?? positional[0]) as string | undefined;
    const schema = (keywords.schema ?? positional[1] ?? database) as string;
    const identifier = String(keywords.identifier ?? positional[2]);
    const row = query(relationsQuery(String(schema), identifier))?.rows[0];
    return row === undefined ? null : new Relation(String(schema), identifier, typeOfEngine(String(row[1])));
  };
  const run = (sql: string): string => {
    query(sql);
    return '';
  };
  return {
    get_columns_in_relation: columns,
    get_relation: getRelation,
    load_relation: (relation: RelationLike) => getRelation(databaseOf(relation), databaseOf(relation), relation.identifier),
    list_relations_without_caching: (schemaRelation: RelationLike) => {
      const database = databaseOf(schemaRelation);
      const table = query(relationsQuery(database));
      return table === null ? [] : table.rows.map((row) => new Relation(database, String(row[0]), typeOfEngine(String(row[1]))));
    },
    /** Columns of `from` missing in `to`, by name (case-insensitive, as dbt compares them). */
    get_missing_columns: (from: RelationLike, to: RelationLike) => {
      const present = new Set(columns(to).map((column) => column.name.toLowerCase()));
      return columns(from).filter((column) => !present.has(column.name.toLowerCase()));
    },
    drop_relation: (relation: RelationLike) => run(dropRelationStatement(databaseOf(relation), String(relation.identifier), relation.type).sql),
    rename_relation: (from: RelationLike, to: RelationLike) =>
      run(renameRelationStatement([databaseOf(from), String(from.identifier)], [databaseOf(to), String(to.identifier)]).sql),
    truncate_relation: (relation: RelationLike) => run(truncateStatement(databaseOf(relation), String(relation.identifier)).sql),
    create_schema: (relation: RelationLike) => run(createSchemaStatement(databaseOf(relation)).sql),
    drop_schema: (relation: RelationLike) => run(dropSchemaStatement(databaseOf(relation)).sql),
    /** ClickHouse columns are not widened in place by dbt (dbt-clickhouse does nothing here either). */
    expand_target_column_types: () => '',
  };
}
