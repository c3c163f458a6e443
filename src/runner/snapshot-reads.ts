import type { Adapter } from '../core/adapter-types.js';
import { describeSelect } from '../materialize/ddl-data.js';
import type { Column } from '../materialize/schema-change.js';

/** The columns a SELECT returns, without running it (`DESCRIBE TABLE (…)`). */
export async function describeSelectOf(adapter: Adapter, sql: string): Promise<Column[]> {
  const rows = await adapter.query<{ name: string; type: string }>(describeSelect(sql));
  return rows.map((row) => ({ name: row.name, type: row.type }));
}
