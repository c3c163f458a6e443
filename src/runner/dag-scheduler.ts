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
  // Ready nodes, longest remaining chain first (then by id): a heap, so a large run does not sort on every completion.
  const ready = new ReadyQueue((a, b) => (rank.get(b) ?? 0) - (rank.get(a) ?? 0) || a.localeCompare(b));
  for (const node of nodes) if (node.parents.length === 0) ready.push(node.id);
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
      ready.clear();
    }
    while (running < limit && ready.size > 0) {
      const id = ready.pop()!;
      if (done.has(id)) continue;
      const slot = freeSlots.pop() ?? 0;
      running += 1;
      inFlight.add(id);
      void hooks.run(id, slot).then(
        (outcome) => settle(id, slot, outcome),
        () => settle(id, slot, 'failure'),
      );
    }
    if (running === 0 && (ready.size === 0 || signal?.aborted)) resolveAll();
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

/**
 * Length of the longest chain of nodes from each node to a leaf (counting the node), computed
 * leaves first without recursion (a chain of 50,000 nodes would overflow the call stack).
 */
export function criticalPathRank(nodes: readonly SchedulerNode[], children: Map<string, string[]>): Map<string, number> {
  const rank = new Map<string, number>();
  const pendingChildren = new Map<string, number>();
  const parents = new Map<string, string[]>();
  for (const node of nodes) {
    const own = (children.get(node.id) ?? []).filter((child) => children.has(child));
    pendingChildren.set(node.id, own.length);
    for (const child of own) {
      const list = parents.get(child);
      if (list === undefined) parents.set(child, [node.id]);
      else list.push(node.id);
    }
  }
  const ready = nodes.filter((node) => pendingChildren.get(node.id) === 0).map((node) => node.id);
  while (ready.length > 0) {
    const id = ready.pop()!;
    let best = 0;
    for (const child of children.get(id) ?? []) best = Math.max(best, rank.get(child) ?? 0);
    rank.set(id, best + 1);
    for (const parent of parents.get(id) ?? []) {
      const left = pendingChildren.get(parent)! - 1;
      pendingChildren.set(parent, left);
      if (left === 0) ready.push(parent);
    }
  }
  // Nodes on a cycle (parsing rejects those) never become ready: rank them 1.
  for (const node of nodes) if (!rank.has(node.id)) rank.set(node.id, 1);
  return rank;
}

/** A binary heap of node ids, smallest first by `compare`. */
class ReadyQueue {
  private readonly items: string[] = [];
  constructor(private readonly compare: (a: string, b: string) => number) {}

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items.length = 0;
  }

  push(id: string): void {
    const items = this.items;
    items.push(id);
    let at = items.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.compare(items[at]!, items[parent]!) >= 0) break;
      [items[at], items[parent]] = [items[parent]!, items[at]!];
      at = parent;
    }
  }

  pop(): string | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let at = 0;
      for (;;) {
        const left = at * 2 + 1;
        const right = left + 1;
        let smallest = at;
        if (left < items.length && this.compare(items[left]!, items[smallest]!) < 0) smallest = left;
        if (right < items.length && this.compare(items[right]!, items[smallest]!) < 0) smallest = right;
        if (smallest === at) break;
        [items[at], items[smallest]] = [items[smallest]!, items[at]!];
        at = smallest;
      }
    }
    return top;
  }
}
