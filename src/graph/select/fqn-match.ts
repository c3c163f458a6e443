/**
 * The `fqn` method, which bare names use: dbt's rules, plus name wildcards.
 *
 * `people` matches the node whose name is people; `marts.finance` matches every node whose
 * fully qualified name starts with those parts (a folder, with or without the project name in
 * front); a wildcard part matches the rest of the name from there (`marts.*`). tsdbt also lets
 * a dot-free wildcard match the node's own name (`stg_*`), which dbt only matches against the
 * whole dotted path.
 */

import { hasWildcard, wildcardMatch } from './glob.js';

export function fqnMatches(fqn: readonly string[], selector: string): boolean {
  return matchesFrom(fqn, selector) || matchesFrom(fqn.slice(1), selector);
}

function matchesFrom(fqn: readonly string[], selector: string): boolean {
  const leaf = fqn[fqn.length - 1];
  if (leaf === undefined) return false;
  if (leaf === selector) return true;
  if (!selector.includes('.') && hasWildcard(selector) && wildcardMatch(leaf, selector)) return true;

  // Dots inside a part (versioned names, dotted folders) act as separators too.
  const flat = fqn.flatMap((part) => part.split('.'));
  const parts = selector.split('.');
  if (flat.length < parts.length) return false;
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index]!;
    if (hasWildcard(part)) return wildcardMatch(flat.slice(index).join('.'), parts.slice(index).join('.'));
    if (flat[index] !== part) return false;
  }
  return true;
}
