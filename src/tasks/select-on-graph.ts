/**
 * --select/--exclude/--selector (or selectors.yml's default selector) resolved on a graph whose
 * labels are GraphNodes: the part of selection that needs neither the parsed project nor --state.
 * `resolveSelection` (selection.ts) runs it on the parsed project's graph; `tsdbt ls` answered from
 * the last compile (ls-recorded.ts) runs it on a graph read back from manifest.json. One function
 * for both, so both say and select the same.
 *
 * Light on purpose (the graph's selector modules, no YAML, no compiler): ls-recorded.ts loads it
 * before deciding whether to parse.
 */
import { TsdbtError, throwCollected } from '../core/errors.js';
import type { ResourceType } from '../graph/node.js';
import type { ColumnLineageContext } from '../graph/select/column-method.js';
import { selectNodes } from '../graph/select/select-nodes.js';
import type { SelectionGraph } from '../graph/select/selection-graph.js';
import type { SelectionExpression } from '../graph/select/expression.js';
import type { PreviousResults, SourceStatus, StateComparator } from '../graph/select/state.js';
import type { TaskLog } from './invocation.js';
import type { SelectOptions } from './options.js';

/** What `selectors.yml` gives selection: --selector's expression by name, and the default one. */
export interface SelectorsSource {
  /** The expression of the selector named `name` (throws SELECTOR_INVALID when there is none). */
  find(name: string): SelectionExpression;
  /** The selector marked `default: true`, if any. */
  fallback(): { name: string; expression: SelectionExpression } | undefined;
}

export interface GraphSelectionInput {
  graph: SelectionGraph;
  options: SelectOptions;
  resourceTypes: readonly ResourceType[];
  log: TaskLog;
  /** selectors.yml; undefined when the file is absent and not `required` (it throws when required and absent). */
  readSelectors: (required: boolean) => SelectorsSource | undefined;
  /** With --state: its folder (named in messages) and what it answers. */
  state?: { dir: string; comparison: StateComparator | undefined; previousResults: PreviousResults | undefined; sourceStatus: SourceStatus | undefined };
  /** Answers `column:` criteria (read on first use). */
  columnLineage?: () => ColumnLineageContext;
}

/** The selected unique ids, sorted. */
export function selectOnGraph(input: GraphSelectionInput): string[] {
  const { options, log, state } = input;
  const select = [...(options.select ?? []), ...(options.models ?? [])];
  const unmatched: TsdbtError[] = [];
  const given = select.length > 0 || (options.exclude?.length ?? 0) > 0 || options.selector !== undefined;
  const selectors = options.selector !== undefined || !given ? input.readSelectors(options.selector !== undefined) : undefined;
  let selector = options.selector === undefined || selectors === undefined ? undefined : selectors.find(options.selector);
  if (!given && selectors !== undefined) {
    const fallback = selectors.fallback();
    if (fallback !== undefined) log.info(`Using the default selector '${fallback.name}' from selectors.yml.`);
    selector = fallback?.expression;
  }
  const ids = selectNodes({
    graph: input.graph,
    select,
    exclude: options.exclude,
    selector,
    state: state?.comparison,
    columnLineage: input.columnLineage,
    previousResults: state?.previousResults,
    sourceStatus: state?.sourceStatus,
    resourceTypes: input.resourceTypes,
    onNoMatch: (warning) => {
      // In CI, "nothing changed" is a normal answer, not a typo.
      const criterion = /'([^']*)'/.exec(warning.message)?.[1] ?? '';
      if (state !== undefined && /^(\d*\+|@)?(state|result):/.test(criterion))
        log.info(`Nothing matches '${criterion}' compared with the state in ${state.dir}.`);
      else if (options.failOnEmptySelection === true) unmatched.push(warning);
      else log.warn(`${warning.message} (${warning.code})`);
    },
  });
  throwCollected(
    unmatched.map(
      (error) =>
        new TsdbtError({
          code: error.code,
          message: error.message,
          hint: 'Check the spelling; `tsdbt ls --select <criterion>` shows what a criterion matches. Without --fail-on-empty-selection this is a warning.',
        }),
    ),
  );
  return [...ids].sort();
}
