import type { GraphNode } from '../graph/node.js';
import type { NodeResult } from './results.js';

/** What the runner tells whoever is watching. The runner never prints; src/cli decides how to show these. */
export interface RunEvents {
  nodeStart?(event: { node: GraphNode; index: number; total: number; description: string }): void;
  nodeEnd?(event: { node: GraphNode; index: number; total: number; description: string; result: NodeResult }): void;
  /** SQL about to be sent (debug log). */
  statement?(event: { node: GraphNode; sql: string; purpose: string }): void;
}
