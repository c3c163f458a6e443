/**
 * An array built by `push` (or spread into a literal) keeps room for 17 elements or more: about
 * 170 bytes for a list of one to eight names. Nodes hold tens of thousands of such lists (fqn,
 * refs, graph edges) for the whole command, so those are kept as exact-size copies: `slice()`
 * allocates only what the elements need. An empty list is kept as it is (it holds no room).
 */
export function trimmed<T>(items: T[]): T[] {
  return items.length === 0 ? items : items.slice();
}
