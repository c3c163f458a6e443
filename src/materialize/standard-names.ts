import { quoteIdentifier } from '../core/sql-literals.js';

/**
 * ClickHouse keeps a table prefix on an output column when the bare name is ambiguous among the
 * joined tables: `select customers.customer_id … from customers left join a … left join b …` makes
 * a column literally named `customers.customer_id`. Standard SQL (and every dbt tutorial) calls it
 * `customer_id`. These helpers decide which names to give back and wrap the model's SELECT so the
 * relation is built with them.
 */

/** Materializations whose relation takes its columns from the model's SELECT. */
const RENAMED_MATERIALIZATIONS = new Set(['table', 'view', 'incremental', 'materialized_view', 'distributed_table']);

/**
 * Whether the model's output names must be read (one `DESCRIBE (query)` round trip): only a query
 * that joins can carry prefixed names, and `keep_qualified_names=true` keeps ClickHouse's names.
 */
export function mayHaveQualifiedNames(config: Record<string, unknown>, sql: string): boolean {
  if (config.keep_qualified_names === true) return false;
  if (!RENAMED_MATERIALIZATIONS.has(String(config.materialized))) return false;
  return /\bjoin\b/i.test(sql);
}

/**
 * `customers.customer_id` → `customer_id` when no other output column is called `customer_id` and
 * no other prefixed column would get the same name. Returns the renames, in output order.
 */
export function standardNames(names: readonly string[]): Map<string, string> {
  const taken = new Set(names);
  const wanted = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const name of names) {
    const match = /^[A-Za-z_][A-Za-z0-9_]*\.([^.]+)$/.exec(name);
    if (match === null) continue;
    wanted.set(name, match[1]!);
    counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + 1);
  }
  const renames = new Map<string, string>();
  for (const [name, bare] of wanted) if (!taken.has(bare) && counts.get(bare) === 1) renames.set(name, bare);
  return renames;
}

/** `SELECT \`customers.customer_id\` AS customer_id, … FROM (<sql>)`, columns in their order. */
export function renameOutput(sql: string, names: readonly string[], renames: ReadonlyMap<string, string>): string {
  const list = names.map((name) => {
    const to = renames.get(name);
    return to === undefined ? quoteIdentifier(name) : `${quoteIdentifier(name)} AS ${quoteIdentifier(to)}`;
  });
  // A trailing `;` would end the statement early; a trailing `-- comment` ends at the newline.
  return `SELECT ${list.join(', ')}\nFROM (\n${sql.trim().replace(/(\s*;)+$/, '')}\n)`;
}
