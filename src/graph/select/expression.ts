/**
 * The typed form of a selection: what `--select`, `--exclude` and `selectors.yml` all parse into.
 *
 * Like dbt's SelectionSpec, every piece keeps the text it came from (`raw`) so that messages
 * ("the selection criterion 'tag:nightly' matched nothing") can quote the user's own words.
 * Unlike dbt, a criterion also keeps where it started in that text (`offset`), so later
 * errors can point at it.
 */

import type { MethodName } from './method-names.js';

/** How tests attached to selected nodes come along (dbt's `--indirect-selection`). */
export type IndirectSelection = 'eager' | 'cautious' | 'empty';

/** One `[@][N+]method[.arg…]:value[+N]` atom. */
export interface SelectionCriteria {
  kind: 'criteria';
  /** The atom as written (`2+tag:nightly+`), or a rendering of a YAML definition. */
  raw: string;
  /** Where `raw` starts in the text it was parsed from (0 for YAML mapping definitions). */
  offset: number;
  method: MethodName;
  /** The dotted parts after the method name: `config.materialized` → `['materialized']`. */
  methodArgs: string[];
  value: string;
  /** `@x`: x, its descendants, and every ancestor of those. */
  childrensParents: boolean;
  /** `+x` / `N+x`. */
  parents: boolean;
  /** Generations of ancestors for `N+x`; null means all of them. */
  parentsDepth: number | null;
  /** `x+` / `x+N`. */
  children: boolean;
  /** Generations of descendants for `x+N`; null means all of them. */
  childrenDepth: number | null;
  /** Set only by a YAML definition's `indirect_selection:`; otherwise the caller's mode applies. */
  indirectSelection?: IndirectSelection;
}

/** Space-separated atoms, or a YAML `union:`. */
export interface SelectionUnion {
  kind: 'union';
  raw: string;
  members: SelectionExpression[];
}

/** Comma-joined atoms, or a YAML `intersection:`. */
export interface SelectionIntersection {
  kind: 'intersection';
  raw: string;
  members: SelectionExpression[];
}

/** `--select … --exclude …`, or a YAML `exclude:`. */
export interface SelectionDifference {
  kind: 'difference';
  raw: string;
  include: SelectionExpression;
  exclude: SelectionExpression;
}

export type SelectionExpression = SelectionCriteria | SelectionUnion | SelectionIntersection | SelectionDifference;
