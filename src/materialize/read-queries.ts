/** Read-only queries tsdbt sends on the user's behalf: the docs catalog and `show`'s preview. SQL text, never run here. */

/**
 * Every column of every relation of one database, with its table's engine: ONE statement per
 * database, whatever the number of models. Reads on old servers (18.x) too: `ANY LEFT JOIN …
 * USING`, and no `position` column (rows come in column order; no ORDER BY, which could reorder them).
 * The database is the `{database:String}` query parameter.
 */
export const CATALOG_SQL = `SELECT table, name, type, comment, engine
FROM system.columns
ANY LEFT JOIN (SELECT name AS table, engine FROM system.tables WHERE database = {database:String}) AS tables USING (table)
WHERE database = {database:String}`;

/**
 * `show`'s query: the model's (or inline) SELECT, limited to `limit` rows; -1 means no limit. A trailing
 * semicolon would end the subquery early, so it is dropped.
 */
export function previewQuery(sql: string, limit: number): string {
  if (limit === -1) return sql;
  return `SELECT * FROM (\n${sql.trim().replace(/;+\s*$/, '')}\n) LIMIT ${limit}`;
}
