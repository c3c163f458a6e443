import { qualifiedName, quoteIdentifier } from '../core/sql-literals.js';
import { onCluster } from './ddl.js';
import type { Problem } from './model-settings.js';
import type { PlanContext, Statement } from './plan.js';

/**
 * dbt's `grants` config (`{select: ['analyst', 'bi_role']}`): after a model is built, its grants are
 * brought to exactly the configured set — what is configured and missing is granted, what the
 * relation has beyond it is revoked (dbt's default `+grants` replace semantics).
 */
export type Grants = ReadonlyMap<string, readonly string[]>;

/** One row of system.grants on the relation. */
export interface CurrentGrant {
  privilege: string;
  grantee: string;
}

export function grantsConfig(value: unknown): { grants: Grants; problems: Problem[] } {
  const problems: Problem[] = [];
  const grants = new Map<string, string[]>();
  if (value === undefined || value === null) return { grants, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({
      message: `Config 'grants' must map privileges to grantees, but it is ${JSON.stringify(value)}.`,
      hint: "For example: grants={'select': ['analyst', 'bi_role']}.",
      key: 'grants',
    });
    return { grants, problems };
  }
  for (const [privilege, raw] of Object.entries(value as Record<string, unknown>)) {
    const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : undefined;
    if (!/^[A-Za-z][A-Za-z ]*$/.test(privilege) || list === undefined || !list.every((item) => typeof item === 'string' && item !== '')) {
      problems.push({
        message: `Config 'grants' has ${JSON.stringify({ [privilege]: raw })}: a privilege must map to a user or role name, or a list of them.`,
        hint: "For example: grants={'select': ['analyst']}.",
        key: 'grants',
      });
      continue;
    }
    grants.set(privilege.trim().toUpperCase(), [...new Set(list as string[])]);
  }
  return { grants, problems };
}

/** The read of the relation's current grants (system.grants, 20.4+). */
export function currentGrantsQuery(database: string, table: string): { sql: string; params: Record<string, unknown> } {
  return {
    sql: 'SELECT access_type AS privilege, ifNull(user_name, role_name) AS grantee FROM system.grants WHERE database = {database:String} AND table = {table:String}',
    params: { database, table },
  };
}

/** REVOKE what is granted beyond the configuration, GRANT what is configured and missing. */
export function planGrants(database: string, table: string, wanted: Grants, current: readonly CurrentGrant[], context: PlanContext): Statement[] {
  const relation = qualifiedName(database, table);
  const has = new Set(current.map((grant) => `${grant.privilege.toUpperCase()}\u0000${grant.grantee}`));
  const wants = new Set([...wanted].flatMap(([privilege, grantees]) => grantees.map((grantee) => `${privilege}\u0000${grantee}`)));
  const statements: Statement[] = [];
  for (const grant of current) {
    const privilege = grant.privilege.toUpperCase();
    // Exactly the configured set, as dbt's apply_grants: a privilege the config does not list goes too.
    if (wants.has(`${privilege}\u0000${grant.grantee}`)) continue;
    statements.push({
      sql: `REVOKE${onCluster(context)} ${privilege} ON ${relation} FROM ${quoteIdentifier(grant.grantee)}`,
      purpose: `revoke ${privilege} from ${grant.grantee} (not in grants)`,
    });
  }
  for (const [privilege, grantees] of wanted) {
    const missing = grantees.filter((grantee) => !has.has(`${privilege}\u0000${grantee}`));
    if (missing.length > 0)
      statements.push({
        sql: `GRANT${onCluster(context)} ${privilege} ON ${relation} TO ${missing.map(quoteIdentifier).join(', ')}`,
        purpose: `grant ${privilege} to ${missing.join(', ')}`,
      });
  }
  return statements;
}
