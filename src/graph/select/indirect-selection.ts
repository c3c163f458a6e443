/**
 * Tests come along with what they test, as in dbt. A test is a child of each node it reads,
 * so once a criterion has picked its nodes, the tests among their children are considered:
 *
 * - eager (dbt's default): a test comes along when any of its parents is selected;
 * - cautious: only when all its parents are; a test with a parent still missing is held back,
 *   and let in later if a union or intersection brings that parent in;
 * - empty: tests come only when selected themselves.
 */

import type { IndirectSelection } from './expression.js';
import { childrenOf, graphNode, parentsOf, type SelectionGraph } from './selection-graph.js';

export interface Selection {
  /** What is selected. */
  direct: Set<string>;
  /** Tests held back by cautious mode until all their parents are selected. */
  pending: Set<string>;
}

export function withAttachedTests(graph: SelectionGraph, selected: Set<string>, mode: IndirectSelection): Selection {
  const direct = new Set(selected);
  const pending = new Set<string>();
  if (mode === 'empty') return { direct, pending };
  for (const id of selected) {
    for (const child of childrenOf(graph, id)) {
      const kind = graphNode(graph, child).resourceType;
      // Unit tests come along with the model they test, as data tests do.
      if (kind !== 'test' && kind !== 'unit_test') continue;
      if (mode === 'eager' || allParentsIn(graph, child, selected)) direct.add(child);
      else pending.add(child);
    }
  }
  return { direct, pending };
}

/** After a union or intersection, lets in held-back tests whose parents are now all selected. */
export function admitPendingTests(graph: SelectionGraph, direct: Set<string>, pending: Set<string>, mode: IndirectSelection): Set<string> {
  if (mode !== 'cautious') return direct;
  const admitted = new Set(direct);
  for (const id of pending) if (allParentsIn(graph, id, direct)) admitted.add(id);
  return admitted;
}

function allParentsIn(graph: SelectionGraph, id: string, selected: ReadonlySet<string>): boolean {
  return parentsOf(graph, id).every((parent) => selected.has(parent));
}
