import type { Invocation } from './invocation.js';
import { runSelectedNodes, type RunNodesOptions, type RunNodesResult } from './run-nodes.js';

/**
 * `tsdbt snapshot`: record the changes of the selected snapshots (src/runner/snapshot-executor.ts
 * builds each, with the plan of src/materialize/plan-snapshot.ts), in graph order; the flow around
 * them (select, connect, hooks, artifacts) is the one run, build, seed and test share.
 */
export function snapshot(invocation: Invocation, options: RunNodesOptions = {}): Promise<RunNodesResult> {
  return runSelectedNodes('snapshot', invocation, options);
}
