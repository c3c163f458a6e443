import type { ModifiedAspect, StateComparator } from '../graph/select/state.js';
import { breakingChangeError, contractBreakingChanges, contractChanged } from './contract-changes.js';
import type { ManifestLike, ManifestMacroEntry, ManifestNodeEntry } from './manifest-types.js';

export const MODIFIED_ASPECTS: readonly ModifiedAspect[] = ['body', 'configs', 'relation', 'macros', 'contract'];

/** Why a node is selected by `state:modified`: it is new, or these aspects differ. */
export type ModifiedReason = 'new' | ModifiedAspect | 'fqn' | 'source';

export interface StateComparison extends StateComparator {
  /** Every reason the node counts as modified (empty when it is unchanged or unknown). */
  reasons(uniqueId: string): ModifiedReason[];
}

/**
 * Compares the current project's manifest with a previous one (dbt's `state:` method):
 *
 * - `body`: the raw file's sha256 differs (any byte, so also whitespace in a comment);
 * - `configs`: the resolved `config` differs (compared as canonical JSON, key order ignored);
 * - `relation`: the `schema`/`alias`/`database` configs differ (for sources: schema or
 *   identifier). The target's schema is not compared, so dev and prod manifests match;
 * - `macros`: a macro the node calls, directly or through other macros, was added, removed
 *   or changed;
 * - plain `state:modified`: any of these, or the node moved (fqn), or a source's
 *   loaded_at_field changed. A new node counts as modified.
 *
 * Missing fields in the previous manifest (older tsdbt, hand-made files) count as differences.
 */
export function compareManifests(current: ManifestLike, previous: ManifestLike): StateComparison {
  const changedMacros = modifiedMacros(current.macros, previous.macros);
  // A fresh `seen` per question: memoizing inside a cycle of macros could record a wrong "no".
  const usesChangedMacro = (macroIds: readonly string[] | undefined, seen = new Set<string>()): boolean => {
    for (const id of macroIds ?? []) {
      if (seen.has(id)) continue;
      seen.add(id);
      if (changedMacros.has(id) || usesChangedMacro(current.macros[id]?.depends_on?.macros, seen)) return true;
    }
    return false;
  };

  const cache = new Map<string, ModifiedReason[]>();
  const reasons = (uniqueId: string): ModifiedReason[] => {
    const known = cache.get(uniqueId);
    if (known !== undefined) return known;
    const now = current.nodes[uniqueId] ?? current.sources[uniqueId];
    const before = previous.nodes[uniqueId] ?? previous.sources[uniqueId];
    let found: ModifiedReason[];
    if (now === undefined) found = [];
    else if (before === undefined) found = ['new'];
    else {
      // As in dbt, comparing a contracted model with its previous state fails on a breaking change.
      const breaking = contractBreakingChanges(now, before);
      if (breaking.length > 0) throw breakingChangeError(now, breaking);
      found = differences(now, before, (ids) => usesChangedMacro(ids));
    }
    cache.set(uniqueId, found);
    return found;
  };

  return {
    isNew: (uniqueId) => reasons(uniqueId).includes('new'),
    isModified: (uniqueId, aspect) => {
      const found = reasons(uniqueId);
      if (found.includes('new')) return true;
      return aspect === undefined ? found.length > 0 : found.includes(aspect);
    },
    reasons,
  };
}

function differences(now: ManifestNodeEntry, before: ManifestNodeEntry, usesChangedMacro: (ids: readonly string[] | undefined) => boolean): ModifiedReason[] {
  const found: ModifiedReason[] = [];
  const isSource = now.resource_type === 'source';
  if (!isSource && now.checksum?.checksum !== undefined && now.checksum.checksum !== before.checksum?.checksum) found.push('body');
  if (canonical(now.config ?? {}) !== canonical(before.config ?? {})) found.push('configs');
  const relationKeys = isSource ? sourceRelation : modelRelation;
  if (canonical(relationKeys(now)) !== canonical(relationKeys(before))) found.push('relation');
  if (usesChangedMacro(now.depends_on?.macros)) found.push('macros');
  if (contractChanged(now, before)) found.push('contract');
  if (canonical(now.fqn ?? []) !== canonical(before.fqn ?? [])) found.push('fqn');
  if (isSource && (now.loaded_at_field ?? null) !== (before.loaded_at_field ?? null)) found.push('source');
  return found;
}

/** Where the node goes, as configured; the target's schema is left out on purpose. */
function modelRelation(entry: ManifestNodeEntry): unknown {
  const config = entry.config ?? {};
  return { schema: config['schema'] ?? null, alias: config['alias'] ?? null, database: config['database'] ?? null };
}

/** Sources name their database and table in YAML, so those are compared as they are. */
function sourceRelation(entry: ManifestNodeEntry): unknown {
  return { schema: entry.schema ?? null, identifier: entry.identifier ?? null };
}

/** Macros added, removed or changed (by checksum, else by text; with neither, assumed changed). */
function modifiedMacros(now: Record<string, ManifestMacroEntry>, before: Record<string, ManifestMacroEntry>): Set<string> {
  const changed = new Set<string>();
  for (const [id, macro] of Object.entries(now)) {
    const old = before[id];
    if (old === undefined || !sameMacro(macro, old)) changed.add(id);
  }
  for (const id of Object.keys(before)) if (now[id] === undefined) changed.add(id);
  return changed;
}

function sameMacro(a: ManifestMacroEntry, b: ManifestMacroEntry): boolean {
  if (a.checksum?.checksum !== undefined && b.checksum?.checksum !== undefined) return a.checksum.checksum === b.checksum.checksum;
  if (a.macro_sql !== undefined && b.macro_sql !== undefined) return a.macro_sql === b.macro_sql;
  return false;
}

/** JSON with object keys sorted, so key order never counts as a change. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return inner;
    return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
