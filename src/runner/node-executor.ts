import type { Adapter } from '../core/adapter-types.js';
import type { Project } from '../compile/load-project.js';
import type { ProjectNode } from '../compile/nodes.js';
import type { PlanContext } from '../materialize/plan.js';
import type { RunEvents } from './run-events.js';
import type { RelationCache } from './relation-cache.js';
import type { NodeResult } from './results.js';
import type { MicrobatchRun } from './microbatch-batches.js';

/** Everything an executor may use while running one node. */
export interface ExecutionContext {
  project: Project;
  adapter: Adapter;
  cache: RelationCache;
  planContext: PlanContext;
  /** Worker number, 0-based (run_results' thread_id is `Thread-<slot+1>`). */
  slot: number;
  now: () => Date;
  fullRefresh: boolean;
  events: RunEvents | undefined;
  signal: AbortSignal | undefined;
  /** --event-time-start/--event-time-end, and the batches `retry` re-runs, for microbatch models. */
  microbatch?: MicrobatchRun | undefined;
  /** Writes compiled SQL under target/; returns the path shown to users. */
  onCompiled: ((node: ProjectNode, sql: string) => string | undefined) | undefined;
}

/**
 * Runs one kind of node (model, seed, test…). Must not throw: failures are results with
 * status 'error' (or 'fail' for tests), so the scheduler can skip what depends on them.
 */
export interface NodeExecutor {
  /** Progress text, e.g. `sql table model astro.people`. */
  describe(node: ProjectNode): string;
  execute(node: ProjectNode, context: ExecutionContext): Promise<NodeResult>;
  /** Statuses that let children run (models: success; tests: pass and warn). */
  succeeded(result: NodeResult): boolean;
}
