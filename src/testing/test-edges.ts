import { parentsIn, type ProjectGraph } from '../graph/build-graph.js';

/**
 * `build` runs a node only after the tests of what it reads have passed (dbt's test edges):
 * a test blocks node N when every node the test reads is upstream of N. So a `relationships`
 * test between orders and customers holds back the marts reading both, but not `orders`
 * itself. Returns, for each selected non-test node, the selected tests it must wait for.
 */
export function testBlockers(graph: ProjectGraph, selected: ReadonlySet<string>): Map<string, string[]> {
  const testsOf = new Map<string, string[]>();
  for (const id of selected) {
    if (graph.node(id)?.resourceType !== 'test') continue;
    for (const parent of parentsIn(graph, id)) testsOf.set(parent, [...(testsOf.get(parent) ?? []), id]);
  }
  const blockers = new Map<string, string[]>();
  if (testsOf.size === 0) return blockers;
  for (const id of selected) {
    // Unit tests run before their model (see unitTestBlockers), never after its data tests.
    const kind = graph.node(id)?.resourceType;
    if (kind === 'test' || kind === 'unit_test') continue;
    const upstream = ancestors(graph, id);
    const tests = new Set<string>();
    for (const node of upstream) {
      for (const test of testsOf.get(node) ?? []) {
        if (parentsIn(graph, test).every((parent) => upstream.has(parent))) tests.add(test);
      }
    }
    if (tests.size > 0) blockers.set(id, [...tests].sort());
  }
  return blockers;
}

function ancestors(graph: ProjectGraph, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...parentsIn(graph, id)];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...parentsIn(graph, next));
  }
  return seen;
}

/** `build`: each selected model waits for its selected unit tests, so a failing unit test skips the model and what reads it. */
export function unitTestBlockers(graph: ProjectGraph, selected: ReadonlySet<string>): Map<string, string[]> {
  const blockers = new Map<string, string[]>();
  for (const id of selected) {
    if (graph.node(id)?.resourceType !== 'unit_test') continue;
    for (const model of parentsIn(graph, id)) if (selected.has(model)) blockers.set(model, [...(blockers.get(model) ?? []), id].sort());
  }
  return blockers;
}
