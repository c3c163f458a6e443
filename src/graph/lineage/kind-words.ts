/**
 * How each lineage kind reads to a person: `tsdbt lineage` and the docs site both show these
 * (the site's browser bundle imports this file, so it imports nothing at run time).
 */
import type { LineageKind } from './query-lineage.js';

export const LINEAGE_KIND_WORDS: Readonly<Record<LineageKind, string>> = {
  identity: 'same value',
  transformation: 'computed from',
  aggregation: 'aggregated from',
  join: 'join key',
  group_by: 'group by key',
  filter: 'filter',
};

/** The words for `kind`, or the kind itself when it is one this version does not know. */
export function lineageKindWords(kind: string): string {
  return (LINEAGE_KIND_WORDS as Record<string, string>)[kind] ?? kind;
}
