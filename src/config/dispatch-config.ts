import type { Problems } from './yaml-document.js';
import { describeType, isPlainObject, stringList } from './value-checks.js';

/**
 * One entry of the project's `dispatch:` list: where `adapter.dispatch(name, macro_namespace)`
 * looks, in order, for calls naming `macro_namespace` (dbt's `search_order`).
 */
export interface DispatchEntry {
  macro_namespace: string;
  search_order: string[];
}

const EXAMPLE = 'For example:\n  dispatch:\n    - macro_namespace: dbt_utils\n      search_order: [my_project, dbt_utils]';

/** Reads `dispatch:` as dbt does: a list of {macro_namespace, search_order (a list of package names)}. */
export function dispatchEntries(value: unknown, problems: Problems): DispatchEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.add(['dispatch'], `must be a list of {macro_namespace, search_order} entries, but it is ${describeType(value)}.`, EXAMPLE);
    return [];
  }
  const entries: DispatchEntry[] = [];
  value.forEach((entry: unknown, index) => {
    const where = ['dispatch', index];
    if (!isPlainObject(entry)) {
      problems.add(where, `must be a mapping with macro_namespace and search_order, but it is ${describeType(entry)}.`, EXAMPLE);
      return;
    }
    const unknown = Object.keys(entry).filter((key) => key !== 'macro_namespace' && key !== 'search_order');
    if (unknown.length > 0) problems.add([...where, unknown[0]!], 'is not a dispatch setting (only macro_namespace and search_order are).', EXAMPLE);
    const namespace = entry.macro_namespace;
    const order = Array.isArray(entry.search_order) ? stringList(entry.search_order) : undefined;
    if (typeof namespace !== 'string' || namespace === '') {
      problems.add(where, 'needs `macro_namespace`: the namespace packages pass to adapter.dispatch (e.g. dbt_utils).', EXAMPLE);
      return;
    }
    if (order === undefined) {
      problems.add(
        [...where, ...(entry.search_order === undefined ? [] : ['search_order'])],
        'needs `search_order`: a list of package names, searched in order.',
        EXAMPLE,
      );
      return;
    }
    entries.push({ macro_namespace: namespace, search_order: order });
  });
  return entries;
}
