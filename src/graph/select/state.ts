/**
 * What `state:` and `result:` selectors ask of the previous run. Selection stays pure: the
 * caller compares manifests (and reads run_results.json) and plugs the answers in here.
 */

import type { ResultStatus } from './method-names.js';

/** The sub-selectors of `state:modified`. */
export type ModifiedAspect = 'body' | 'configs' | 'relation' | 'macros' | 'contract';

export interface StateComparator {
  /** The node has no counterpart in the previous manifest. */
  isNew(uniqueId: string): boolean;
  /**
   * The node differs from its counterpart in the previous manifest. Without `aspect`, any
   * difference counts, including a change in a macro it calls (dbt's `state:modified`);
   * with one, only that kind of difference. A new node counts as modified, as in dbt.
   */
  isModified(uniqueId: string, aspect?: ModifiedAspect): boolean;
}

/** Status of each node in the previous run_results.json, by unique id. */
export type PreviousResults = ReadonlyMap<string, ResultStatus | string>;

/** The newest load time of each source in a sources.json (target/sources.json, and the one in --state). */
export type SourceLoadTimes = ReadonlyMap<string, string>;

/** What `source_status:fresher` compares: this run's `source freshness` results against the state's. */
export interface SourceStatus {
  current: SourceLoadTimes;
  previous: SourceLoadTimes;
}
