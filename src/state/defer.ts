import type { RelationName } from '../compile/nodes.js';
import type { DeferredRelation } from '../compile/runtime-relation.js';
import type { ManifestLike } from './manifest-types.js';

/** A node that ref() can point at, as the current project knows it. */
export interface DeferCandidate {
  uniqueId: string;
  /** Where this environment builds it. */
  relation: RelationName;
  config: Record<string, unknown>;
}

/**
 * dbt's defer rule: a parent that is not selected, and does not exist in this environment
 * (or any unselected parent, with favor-state), is read from the relation the state manifest
 * names. Ephemeral parents are never deferred (they are inlined), nor nodes the state lacks.
 */
export function deferredRelations(
  candidates: Iterable<DeferCandidate>,
  state: ManifestLike,
  options: { selected: ReadonlySet<string>; favorState: boolean; existsHere: (relation: RelationName) => boolean },
): Map<string, DeferredRelation> {
  const deferred = new Map<string, DeferredRelation>();
  for (const node of candidates) {
    if (options.selected.has(node.uniqueId) || node.config['materialized'] === 'ephemeral') continue;
    const entry = state.nodes[node.uniqueId];
    if (entry === undefined || entry.config?.['materialized'] === 'ephemeral') continue;
    const identifier = entry.alias ?? entry.identifier ?? entry.name;
    if (typeof entry.schema !== 'string' || entry.schema === '' || typeof identifier !== 'string') continue;
    if (!options.favorState && options.existsHere(node.relation)) continue;
    const materialized = entry.config?.['materialized'];
    deferred.set(node.uniqueId, { schema: entry.schema, identifier, materialized: typeof materialized === 'string' ? materialized : undefined });
  }
  return deferred;
}
