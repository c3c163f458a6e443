import { qualifiedName, quoteIdentifier, quoteString } from '../core/sql-literals.js';
import { createDatabase, onCluster } from './ddl.js';
import { dropDictionary } from './ddl-data.js';
import { dictionarySettings } from './model-settings.js';
import type { ExistingRelation, Plan, PlanContext, Statement } from './plan.js';
import { dropRelation } from './plan-materialized-view.js';
import type { Column } from './schema-change.js';

export interface DictionaryModel {
  schema: string;
  identifier: string;
  sql: string;
  config: Record<string, unknown>;
}

export interface DictionaryState {
  existing: ExistingRelation;
  /** Columns the SELECT returns (the attributes, unless `fields` is set). */
  queryColumns: readonly Column[];
}

/** Unsigned integer types a plain HASHED/FLAT layout can key on. */
const UINT_KEY = /^UInt(8|16|32|64)$/;

/**
 * A dictionary whose source is the model's SELECT on this server (or `source`, as written):
 * `CREATE OR REPLACE DICTIONARY` where the server has it, else DROP + CREATE. The layout defaults
 * to HASHED for one unsigned integer key and COMPLEX_KEY_HASHED otherwise; the lifetime to
 * `MIN 0 MAX 300` seconds. A dictionary loads its rows lazily, so building one is instant.
 */
export function planDictionary(model: DictionaryModel, state: DictionaryState, context: PlanContext): Plan {
  const { settings } = dictionarySettings(model.config);
  const { schema, identifier } = model;
  const fields = settings.fields ?? state.queryColumns;
  const types = new Map(fields.map((field) => [field.name, field.type]));
  const key = settings.primaryKey;
  const layout = settings.layout ?? (key.length === 1 && UINT_KEY.test(types.get(key[0]!) ?? '') ? 'HASHED()' : 'COMPLEX_KEY_HASHED()');
  const source = settings.source ?? `CLICKHOUSE(QUERY ${quoteString(model.sql)})`;
  const orReplace = context.createOrReplaceView;
  const statements: Statement[] = [createDatabase(schema, context)];
  if (state.existing !== undefined && state.existing !== 'dictionary') {
    statements.push(dropRelation(schema, identifier, state.existing, context, `drop the ${state.existing.replace('_', ' ')} that holds the name`));
  } else if (state.existing === 'dictionary' && !orReplace) {
    statements.push(dropDictionary(schema, identifier, context, 'drop the previous dictionary'));
  }
  statements.push({
    sql: [
      `CREATE ${orReplace ? 'OR REPLACE ' : ''}DICTIONARY ${qualifiedName(schema, identifier)}${onCluster(context)}`,
      `(\n${fields.map((field) => `    ${quoteIdentifier(field.name)} ${field.type}`).join(',\n')}\n)`,
      `PRIMARY KEY ${key.join(', ')}`,
      `SOURCE(${source})`,
      `LAYOUT(${layout})`,
      `LIFETIME(${settings.lifetime})`,
      ...(settings.range === undefined ? [] : [`RANGE(${settings.range})`]),
    ].join('\n'),
    purpose: orReplace ? 'create or replace the dictionary' : 'create the dictionary',
  });
  return { statements, cleanup: [] };
}
