/** Node selection: the `--select`/`--exclude`/`--selector` grammar and its resolution on the project graph. */

export type { IndirectSelection, SelectionCriteria, SelectionDifference, SelectionExpression, SelectionIntersection, SelectionUnion } from './expression.js';
export { METHOD_NAMES, RESULT_STATUSES, STATE_VALUES, type MethodName, type ResultStatus, type StateValue } from './method-names.js';
export { parseSelection, type TextOrigin } from './parse-selection.js';
export { selectNodes, type SelectNodesOptions } from './select-nodes.js';
export type { SelectionGraph } from './selection-graph.js';
export { defaultSelector, findSelector, parseSelectorsFile, type SelectorDefinition, type Selectors } from './selectors-file.js';
export type { ModifiedAspect, PreviousResults, StateComparator } from './state.js';
