import { qualifiedName } from '../core/sql-literals.js';
import { createDatabase, dropTable, onCluster, renameTables } from './ddl.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type ExistingRelation, type Plan, type PlanContext } from './plan.js';

export interface ViewModel {
  schema: string;
  identifier: string;
  sql: string;
}

/**
 * A view is replaced in one statement where the server can (`CREATE OR REPLACE VIEW`).
 * Otherwise, or when a table holds the name, the new view is created under a temporary
 * name and swapped in with one RENAME, so the name never points at nothing.
 */
export function planView(model: ViewModel, existing: ExistingRelation, context: PlanContext): Plan {
  const { schema, identifier } = model;
  const create = (name: string, orReplace: boolean) => ({
    sql: `CREATE ${orReplace ? 'OR REPLACE ' : ''}VIEW ${qualifiedName(schema, name)}${onCluster(context)}\nAS\n${model.sql}`,
    purpose: orReplace ? 'create or replace the view' : 'create the view',
  });
  if (existing === undefined || (existing === 'view' && context.createOrReplaceView)) {
    return { statements: [createDatabase(schema, context), create(identifier, existing !== undefined || context.createOrReplaceView)], cleanup: [] };
  }
  const temp = `${identifier}${TEMP_SUFFIX}`;
  const backup = `${identifier}${BACKUP_SUFFIX}`;
  return {
    statements: [
      createDatabase(schema, context),
      dropTable(schema, temp, context, 'drop a temporary view left by an earlier run'),
      dropTable(schema, backup, context, 'drop a backup left by an earlier run'),
      create(temp, false),
      renameTables(
        schema,
        [
          [identifier, backup],
          [temp, identifier],
        ],
        context,
        'swap in the new view',
      ),
      dropTable(schema, backup, context, 'drop the previous relation'),
    ],
    cleanup: [dropTable(schema, temp, context, 'remove the temporary view after a failure')],
  };
}
