/**
 * The entry point commands call: `--select`, `--exclude`, `--selector`, `--resource-type`
 * and `--indirect-selection` in, the unique ids to act on out.
 */

import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import type { GraphNode, ResourceType } from '../node.js';
import type { ColumnLineageContext } from './column-method.js';
import { evaluate, type EvaluationContext } from './evaluate.js';
import type { IndirectSelection, SelectionExpression } from './expression.js';
import { parseSelection } from './parse-selection.js';
import { noMatchGuess } from './no-match-guess.js';
import { graphNode, type SelectionGraph } from './selection-graph.js';
import { differenceOf } from './set-ops.js';
import { enabledMembers, unselected } from './unselected.js';
import type { PreviousResults, SourceStatus, StateComparator } from './state.js';

export interface SelectNodesOptions {
  /** The project graph: node ids are unique ids, labels GraphNodes, edges parent → child. */
  graph: SelectionGraph;
  /** `--select` values; several are a union. Undefined or empty: every enabled node. */
  select?: readonly string[] | undefined;
  /** `--exclude` values, taken away from the selection (with their tests, eagerly, as dbt does). */
  exclude?: readonly string[] | undefined;
  /** A named selector's expression (`--selector`, see parseSelectorsFile); replaces select/exclude. */
  selector?: SelectionExpression | undefined;
  /** Answers `state:` criteria; without it they are an error. */
  state?: StateComparator | undefined;
  /** Answers `column:` criteria, called on first use; without it they are an error. */
  columnLineage?: (() => ColumnLineageContext) | undefined;
  /** Answers `result:` criteria; without it they are an error. */
  previousResults?: PreviousResults | undefined;
  /** Answers `source_status:` criteria; without it they are an error. */
  sourceStatus?: SourceStatus | undefined;
  /** `--resource-type`: keep only these kinds of node in the end. */
  resourceTypes?: readonly ResourceType[] | undefined;
  /** How tests attached to selected nodes come along; dbt's default, 'eager', when unset. */
  indirectSelection?: IndirectSelection | undefined;
  /**
   * Told about each `--select` criterion that matched nothing, with a NOTHING_SELECTED error
   * the caller may print as a warning or throw (dbt's warn-or-error).
   */
  onNoMatch?: ((warning: TsdbtError) => void) | undefined;
}

export function selectNodes(options: SelectNodesOptions): Set<string> {
  const { graph } = options;
  const select = nonEmpty(options.select);
  const exclude = nonEmpty(options.exclude);
  if (options.selector !== undefined && (select !== undefined || exclude !== undefined)) {
    throw new TsdbtError({
      code: ErrorCodes.SELECTOR_INVALID,
      message: '--selector cannot be combined with --select or --exclude.',
      hint: 'Put the extra criteria into the selector definition in selectors.yml, or drop --selector.',
    });
  }

  if (options.selector === undefined && select === undefined && exclude === undefined) return unselected(graph, options.resourceTypes);
  const members = enabledMembers(graph);
  const context: EvaluationContext = {
    graph,
    members,
    state: options.state,
    columnLineage: once(options.columnLineage),
    previousResults: options.previousResults,
    sourceStatus: options.sourceStatus,
    indirectSelection: options.indirectSelection ?? 'eager',
  };

  const include = options.selector ?? (select === undefined ? undefined : unionOfTexts(select));
  const watched = new Set(select === undefined || include === undefined ? [] : topLevelMembers(include));
  const included =
    include === undefined
      ? new Set(members.map((node) => node.uniqueId))
      : evaluate(include, { ...context, onEvaluated: (expression, selected) => warnIfEmpty(expression, selected, watched, members, options) }).direct;
  // Excluding a model takes its tests with it whatever the mode, as in dbt.
  const excluded = exclude === undefined ? new Set<string>() : evaluate(unionOfTexts(exclude), { ...context, indirectSelection: 'eager' }).direct;

  const memberIds = new Set(members.map((node) => node.uniqueId));
  const kinds = options.resourceTypes === undefined || options.resourceTypes.length === 0 ? undefined : new Set(options.resourceTypes);
  return new Set(
    [...differenceOf(included, excluded)].filter((id) => memberIds.has(id) && (kinds === undefined || kinds.has(graphNode(graph, id).resourceType))),
  );
}

/** `read`, called at most once (a selection with several `column:` criteria reads the lineage once). */
function once<T>(read: (() => T) | undefined): (() => T) | undefined {
  if (read === undefined) return undefined;
  let value: { read: T } | undefined;
  return () => {
    value ??= { read: read() };
    return value.read;
  };
}

function nonEmpty(values: readonly string[] | undefined): readonly string[] | undefined {
  return values === undefined || values.length === 0 ? undefined : values;
}

/** Several flag values are one union, like dbt's `--select a --select b` = `--select "a b"`. */
function unionOfTexts(texts: readonly string[]): SelectionExpression {
  const members = texts.map((text) => parseSelection(text));
  return members.length === 1 ? members[0]! : { kind: 'union', raw: texts.join(' '), members };
}

/** The space-separated specs the user typed, which each should match something. */
function topLevelMembers(expression: SelectionExpression): SelectionExpression[] {
  return expression.kind === 'union' ? expression.members.flatMap(topLevelMembers) : [expression];
}

function warnIfEmpty(
  expression: SelectionExpression,
  selected: ReadonlySet<string>,
  watched: ReadonlySet<SelectionExpression>,
  members: readonly GraphNode[],
  options: SelectNodesOptions,
): void {
  if (options.onNoMatch === undefined || selected.size > 0 || !watched.has(expression)) return;
  const guess = expression.kind === 'criteria' ? noMatchGuess(expression, members) : '';
  options.onNoMatch(
    new TsdbtError({
      code: ErrorCodes.NOTHING_SELECTED,
      message: `The selection criterion '${expression.raw}' does not match any enabled nodes.${guess}`,
      hint: 'Check the spelling; `tsdbt ls --select <criterion>` shows what a criterion matches.',
    }),
  );
}
