/**
 * Each selector method as a test on one node. A criterion is turned into its test once, so
 * errors that depend on the caller (no `--state` given) are raised once, before any node is
 * looked at.
 */

import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import type { GraphNode } from '../node.js';
import { type ColumnLineageContext, columnOf } from './column-method.js';
import { configMatches } from './config-match.js';
import type { SelectionCriteria } from './expression.js';
import { fqnMatches } from './fqn-match.js';
import { wildcardMatch } from './glob.js';
import type { StateValue } from './method-names.js';
import { pathMatches } from './path-match.js';
import type { ModifiedAspect, PreviousResults, SourceStatus, StateComparator } from './state.js';

export interface MethodContext {
  /** Answers `column:` criteria (read on first use); without it they are an error. */
  columnLineage?: (() => ColumnLineageContext) | undefined;
  state?: StateComparator | undefined;
  previousResults?: PreviousResults | undefined;
  sourceStatus?: SourceStatus | undefined;
}

export type NodeTest = (node: GraphNode) => boolean;

export function nodeTestFor(criteria: SelectionCriteria, context: MethodContext): NodeTest {
  const value = criteria.value;
  switch (criteria.method) {
    case 'fqn':
      return (node) => node.resourceType !== 'source' && fqnMatches(node.fqn, value);
    case 'tag':
      return (node) => node.tags.some((tag) => wildcardMatch(tag, value));
    case 'path':
      return (node) => pathMatches(node.originalFilePath, value);
    case 'file':
      return (node) => fileMatches(node.originalFilePath, value);
    case 'config':
      return (node) => configMatches(node.config, criteria.methodArgs, value);
    case 'source':
      return sourceTest(value);
    case 'resource_type':
      return (node) => node.resourceType === value;
    case 'package':
      return (node) => wildcardMatch(node.packageName, value);
    case 'exposure':
      return (node) => node.resourceType === 'exposure' && wildcardMatch(node.name, value);
    case 'test_type': {
      // dbt 1.8: `unit` is unit tests, `data` every data test (generic and singular).
      if (value === 'unit') return (node) => node.resourceType === 'unit_test';
      if (value === 'data') return (node) => node.resourceType === 'test';
      const generic = value === 'generic' || value === 'schema';
      return (node) => node.resourceType === 'test' && isGenericTest(node) === generic;
    }
    case 'test_name':
      return (node) => {
        const name = genericTestName(node);
        return name !== undefined && wildcardMatch(name, value);
      };
    case 'unit_test':
      // dbt's unit_test:<name>, or <model>.<name> (wildcards allowed).
      return (node) => node.resourceType === 'unit_test' && (wildcardMatch(node.name, value) || wildcardMatch(node.fqn.slice(-2).join('.'), value));
    case 'state':
      return stateTest(criteria, context.state);
    case 'column':
      return (node) => columnOf(node, value) !== undefined;
    case 'result': {
      const results = context.previousResults;
      if (results === undefined) throw needsState(criteria, 'the previous run_results.json');
      return (node) => results.get(node.uniqueId) === value;
    }
    case 'source_status': {
      const status = context.sourceStatus;
      if (status === undefined) throw needsState(criteria, "the sources.json of the state's `tsdbt source freshness` and of this one");
      // dbt's rule: newer than in the state, or measured now and not then.
      return (node) => {
        const now = status.current.get(node.uniqueId);
        const before = status.previous.get(node.uniqueId);
        return node.resourceType === 'source' && now !== undefined && (before === undefined || Date.parse(now) > Date.parse(before));
      };
    }
  }
}

/** Matches the file's name with or without its extension: `file:people.sql` and `file:people`. */
function fileMatches(filePath: string, pattern: string): boolean {
  const name = filePath.slice(filePath.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return wildcardMatch(name, pattern) || wildcardMatch(stem, pattern);
}

/** `source`, `source.table` or `package.source.table`; missing leading parts match anything. */
function sourceTest(value: string): NodeTest {
  const parts = value.split('.');
  const [packagePattern, sourcePattern, tablePattern] =
    parts.length === 1 ? ['*', parts[0]!, '*'] : parts.length === 2 ? ['*', parts[0]!, parts[1]!] : [parts[0]!, parts[1]!, parts[2]!];
  return (node) =>
    node.resourceType === 'source' &&
    wildcardMatch(node.packageName, packagePattern) &&
    wildcardMatch(node.sourceName ?? '', sourcePattern) &&
    wildcardMatch(node.name, tablePattern);
}

function stateTest(criteria: SelectionCriteria, state: StateComparator | undefined): NodeTest {
  if (state === undefined) throw needsState(criteria, 'a previous manifest to compare against');
  const value = criteria.value as StateValue;
  switch (value) {
    case 'new':
      return (node) => state.isNew(node.uniqueId);
    case 'old':
      return (node) => !state.isNew(node.uniqueId);
    case 'modified':
      return (node) => state.isModified(node.uniqueId);
    case 'unmodified':
      return (node) => !state.isNew(node.uniqueId) && !state.isModified(node.uniqueId);
    default: {
      const aspect = value.slice('modified.'.length) as ModifiedAspect;
      return (node) => state.isModified(node.uniqueId, aspect);
    }
  }
}

function needsState(criteria: SelectionCriteria, what: string): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.SELECTOR_INVALID,
    message: `The selector '${criteria.raw}' needs ${what}, but no state was given.`,
    hint: 'Pass --state <dir> with the target/ folder of the run to compare with (for example the production artifacts).',
  });
}

/**
 * Test metadata is not part of GraphNode yet. Generic tests are recognised as dbt does: by a
 * `testMetadata: { name }` on the node when the compiler provides one, else by being defined
 * in a YAML properties file; singular tests are `.sql` files of their own.
 */
function genericTestName(node: GraphNode): string | undefined {
  if (node.resourceType !== 'test') return undefined;
  const metadata = (node as GraphNode & { testMetadata?: { name?: unknown } }).testMetadata;
  return typeof metadata?.name === 'string' ? metadata.name : undefined;
}

function isGenericTest(node: GraphNode): boolean {
  return genericTestName(node) !== undefined || /\.ya?ml$/i.test(node.originalFilePath);
}
