import type { ModelNode } from '../compile/nodes.js';
import type { ExistingRelation, Plan, PlanContext } from './plan.js';
import { planTable } from './plan-table.js';
import { planView } from './plan-view.js';

/** The plan for one compiled model, chosen by its materialization. */
export function planModel(node: ModelNode, sql: string, existing: ExistingRelation, context: PlanContext): Plan {
  const model = { schema: node.relation.schema, identifier: node.relation.identifier, sql, config: node.config };
  switch (node.config.materialized) {
    case 'table':
      return planTable(model, existing, context);
    case 'view':
      return planView(model, existing, context);
    default:
      // checkModelConfig rejects other materializations at parse time.
      throw new Error(`No plan for materialization ${String(node.config.materialized)}`);
  }
}
