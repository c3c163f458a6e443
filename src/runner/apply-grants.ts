import type { ModelNode } from '../compile/nodes.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { currentGrantsQuery, grantsConfig, planGrants, type CurrentGrant } from '../materialize/grants.js';
import type { Statement } from '../materialize/plan.js';
import { requireVersion } from '../materialize/table-features.js';
import type { ExecutionContext } from './node-executor.js';

/** Before any SQL of the model: a server without SQL access control cannot take its grants. */
export function checkGrantsTarget(node: ModelNode, context: ExecutionContext): void {
  if (context.adapter.type === 'chdb' || grantsConfig(node.config.grants).grants.size === 0) return;
  try {
    requireVersion(context.planContext, [20, 4], 'GRANT and REVOKE (SQL-driven access control)');
  } catch (error) {
    if (!(error instanceof TsdbtError)) throw error;
    throw new TsdbtError({
      code: ErrorCodes.GRANTS_UNSUPPORTED,
      message: `Model '${node.name}' has grants: ${error.message}`,
      file: node.originalFilePath,
      hint: 'Remove grants for this target, or upgrade the server to 20.4+ with access_management enabled for the user.',
    });
  }
}

/**
 * Brings the built relation's grants to the model's `grants` config. chDB has no users to grant
 * to: a warning says the config is not applied there. A server without SQL access control (before
 * 20.4) is an error naming the version needed, so production grants are never skipped in silence.
 */
export async function applyGrants(node: ModelNode, context: ExecutionContext, run: (statement: Statement) => Promise<void>): Promise<void> {
  const { grants } = grantsConfig(node.config.grants);
  if (grants.size === 0) return;
  if (context.adapter.type === 'chdb') {
    context.project.logger.log(
      'warn',
      'grants_skipped',
      `${node.originalFilePath}: model '${node.name}' has grants, which chDB cannot apply (an embedded engine has no users or roles); they are applied on a ClickHouse server target (20.4 or newer).`,
    );
    return;
  }
  const { schema, identifier } = node.relation;
  const query = currentGrantsQuery(schema, identifier);
  const current = await context.adapter.query<CurrentGrant>(query.sql, { params: query.params });
  for (const statement of planGrants(schema, identifier, grants, current, context.planContext)) await run(statement);
}
