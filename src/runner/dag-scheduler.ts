/**
 * Runs work along a DAG with a fixed number of workers. A node starts when every parent in
 * the run has succeeded; when one fails, its descendants are skipped, never started. Among
 * ready nodes, those heading the longest remaining chain go first, which keeps wall time
 * close to the critical path.
 */

export interface SchedulerNode {
  id: string;
  /** Parents that are part of this run (others are assumed to exist already). */
  parents: readonly string[];
}

export type Outcome = 'success' | 'failure';

export interface SchedulerHooks {
  /** Does the work of one node; `slot` is the worker number (0-based). Must not throw. */
  run(id: string, slot: number): Promise<Outcome>;
  /** Called for every node not run because a parent failed (or the run was stopped). */
  skip(id: string, reason: { failedParent?: string; stopped?: boolean }): void;
}

export async function runDag(nodes: readonly SchedulerNode[], concurrency: number, hooks: SchedulerHooks, signal?: AbortSignal): Promise<void> {
  const children = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const node of nodes) {
    children.set(node.id, []);
    waiting.set(node.id, node.parents.length);
  }
  for (const node of nodes) for (const parent of node.parents) children.get(parent)?.push(node.id);
  const rank = criticalPathRank(nodes, children);
  const ready = nodes.filter((node) => node.parents.length === 0).map((node) => node.id);
  const done = new Set<string>();
  let running = 0;
  let resolveAll!: () => void;
  const finished = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const limit = Math.max(1, Math.floor(concurrency) || 1);
  const freeSlots = Array.from({ length: limit }, (_, i) => i).reverse();

  const skipDescendants = (id: string, failedParent: string) => {
    const stack = [...(children.get(id) ?? [])];
    while (stack.length > 0) {
      const child = stack.pop()!;
      if (done.has(child)) continue;
      done.add(child);
      hooks.skip(child, { failedParent });
      stack.push(...(children.get(child) ?? []));
    }
  };

  const pump = () => {
    if (signal?.aborted) {
      for (const node of nodes) {
        if (!done.has(node.id) && !inFlight.has(node.id)) {
          done.add(node.id);
          hooks.skip(node.id, { stopped: true });
        }
      }
      ready.length = 0;
    }
    ready.sort((a, b) => (rank.get(b) ?? 0) - (rank.get(a) ?? 0) || a.localeCompare(b));
    while (running < limit && ready.length > 0) {
      const id = ready.shift()!;
      if (done.has(id)) continue;
      const slot = freeSlots.pop() ?? 0;
      running += 1;
      inFlight.add(id);
      void hooks.run(id, slot).then(
        (outcome) => settle(id, slot, outcome),
        () => settle(id, slot, 'failure'),
      );
    }
    if (running === 0 && (ready.length === 0 || signal?.aborted)) resolveAll();
  };

  const inFlight = new Set<string>();
  const settle = (id: string, slot: number, outcome: Outcome) => {
    running -= 1;
    inFlight.delete(id);
    freeSlots.push(slot);
    done.add(id);
    if (outcome === 'success') {
      for (const child of children.get(id) ?? []) {
        const left = (waiting.get(child) ?? 1) - 1;
        waiting.set(child, left);
        if (left === 0 && !done.has(child)) ready.push(child);
      }
    } else {
      skipDescendants(id, id);
    }
    pump();
  };

  const onAbort = () => pump();
  signal?.addEventListener('abort', onAbort, { once: true });
  pump();
  await finished;
  signal?.removeEventListener('abort', onAbort);
}

/** Length of the longest chain of nodes from each node to a leaf (counting the node). */
function criticalPathRank(nodes: readonly SchedulerNode[], children: Map<string, string[]>): Map<string, number> {
  const rank = new Map<string, number>();
  const visit = (id: string): number => {
    const known = rank.get(id);
    if (known !== undefined) return known;
    rank.set(id, 1); // guards against cycles, which parsing already rejected
    let best = 0;
    for (const child of children.get(id) ?? []) best = Math.max(best, visit(child));
    rank.set(id, best + 1);
    return best + 1;
  };
  for (const node of nodes) visit(node.id);
  return rank;
}
