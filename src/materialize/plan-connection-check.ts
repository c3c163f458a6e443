/** The statements `tsdbt debug` runs to prove it can build: a scratch table created and dropped again. */
import { qualifiedName } from '../core/sql-literals.js';
import { dropTable, onCluster } from './ddl.js';
import type { PlanContext, Plan } from './plan.js';

/** Every cluster the server defines, with its number of hosts. */
export const CLUSTERS_SQL = 'SELECT cluster, count() AS hosts FROM system.clusters GROUP BY cluster ORDER BY cluster';

/** Creates a one-column Memory table in `schema` and drops it again; `context` is the database's (see contextForDatabase). */
export function planScratchTable(schema: string, scratch: string, context: PlanContext): Plan {
  return {
    statements: [
      { sql: `CREATE TABLE ${qualifiedName(schema, scratch)}${onCluster(context)} (x UInt8) ENGINE = Memory`, purpose: 'create a scratch table' },
      dropTable(schema, scratch, context, 'drop the scratch table'),
    ],
    cleanup: [],
  };
}
