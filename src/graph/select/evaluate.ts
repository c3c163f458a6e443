/**
 * Expression → selected unique ids, the way dbt's NodeSelector walks a SelectionSpec:
 * a criterion picks nodes by its method, adds the relatives its operators ask for, then its
 * attached tests; unions, intersections and differences combine what their members picked.
 */

import type { IndirectSelection, SelectionCriteria, SelectionExpression } from './expression.js';
import { columnDescendants } from './column-method.js';
import { ancestors, childrensParents, descendants } from './graph-walk.js';
import { admitPendingTests, withAttachedTests, type Selection } from './indirect-selection.js';
import { nodeTestFor, type MethodContext } from './node-methods.js';
import type { GraphNode } from '../node.js';
import type { SelectionGraph } from './selection-graph.js';
import { differenceOf, intersectionOf, unionOf } from './set-ops.js';

export interface EvaluationContext extends MethodContext {
  graph: SelectionGraph;
  /** The nodes a method may pick from (enabled ones). */
  members: readonly GraphNode[];
  indirectSelection: IndirectSelection;
  /** Called with every sub-expression and what it selected, so callers can warn about empty ones. */
  onEvaluated?: (expression: SelectionExpression, selected: ReadonlySet<string>) => void;
}

export function evaluate(expression: SelectionExpression, context: EvaluationContext): Selection {
  const selection = expression.kind === 'criteria' ? evaluateCriteria(expression, context) : evaluateGroup(expression, context);
  context.onEvaluated?.(expression, selection.direct);
  return selection;
}

function evaluateCriteria(criteria: SelectionCriteria, context: EvaluationContext): Selection {
  const test = nodeTestFor(criteria, context);
  const picked = new Set(context.members.filter(test).map((node) => node.uniqueId));
  const selected = new Set(picked);
  const add = (ids: Iterable<string>): void => {
    for (const id of ids) selected.add(id);
  };
  if (criteria.childrensParents) add(childrensParents(context.graph, picked));
  if (criteria.parents) add(ancestors(context.graph, picked, criteria.parentsDepth));
  if (criteria.children && criteria.method === 'column') {
    const nodes = context.members.filter((node) => picked.has(node.uniqueId));
    add(columnDescendants(criteria, nodes, context.graph, context.columnLineage?.()));
  } else if (criteria.children) add(descendants(context.graph, picked, criteria.childrenDepth));
  return withAttachedTests(context.graph, selected, criteria.indirectSelection ?? context.indirectSelection);
}

function evaluateGroup(expression: Exclude<SelectionExpression, SelectionCriteria>, context: EvaluationContext): Selection {
  const parts = expression.kind === 'difference' ? [expression.include, expression.exclude] : expression.members;
  const selections = parts.map((part) => evaluate(part, context));
  const directs = selections.map((selection) => selection.direct);
  const withPending = selections.map((selection) => unionOf([selection.direct, selection.pending]));
  const combine = combiner(expression.kind);
  const pending = combine(withPending);
  // dbt lets held-back tests in after unions and intersections, but not after a difference.
  const mode = expression.kind === 'difference' ? 'eager' : context.indirectSelection;
  return { direct: admitPendingTests(context.graph, combine(directs), pending, mode), pending };
}

function combiner(kind: 'union' | 'intersection' | 'difference'): (sets: Set<string>[]) => Set<string> {
  switch (kind) {
    case 'union':
      return unionOf;
    case 'intersection':
      return intersectionOf;
    case 'difference':
      return ([from = new Set<string>(), minus = new Set<string>()]) => differenceOf(from, minus);
  }
}
