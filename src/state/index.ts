/** `--state`: read an earlier run's artifacts, compare them with the project, defer to them. */

export { compareManifests, MODIFIED_ASPECTS, type ModifiedReason, type StateComparison } from './compare.js';
export { deferredRelations, type DeferCandidate } from './defer.js';
export type { ManifestLike, ManifestMacroEntry, ManifestNodeEntry } from './manifest-types.js';
export { readRunResults, readState, type PreviousRunResults, type PreviousState } from './read-state.js';
