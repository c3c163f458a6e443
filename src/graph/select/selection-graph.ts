/**
 * The little of a graphlib Graph that selection reads. Typed structurally so a `Graph` built
 * with any label generics fits; labels are checked to be GraphNodes when read.
 */

import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import type { GraphNode } from '../node.js';

export interface SelectionGraph {
  nodes(): string[];
  node(id: string): unknown;
  /** Parents (edges run parent → child). */
  predecessors(id: string): string[] | undefined | void;
  /** Children. */
  successors(id: string): string[] | undefined | void;
}

export function graphNode(graph: SelectionGraph, id: string): GraphNode {
  const label = graph.node(id) as GraphNode | undefined;
  if (label === undefined || label === null || typeof label.uniqueId !== 'string') {
    throw new TsdbtError({ code: ErrorCodes.INTERNAL, message: `Graph node '${id}' has no GraphNode label; selection cannot read it.` });
  }
  return label;
}

export function parentsOf(graph: SelectionGraph, id: string): string[] {
  return graph.predecessors(id) ?? [];
}

export function childrenOf(graph: SelectionGraph, id: string): string[] {
  return graph.successors(id) ?? [];
}
