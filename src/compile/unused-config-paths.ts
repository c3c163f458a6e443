/**
 * dbt's "Configuration paths exist in your dbt_project.yml file which do not apply to any
 * resources": a folder under `models:` (or `seeds:`, `snapshots:`, `tests:`, `sources:`) that no
 * node sits in is a typo or a leftover, and its configs apply to nothing. Said once per path, with
 * its line and the closest real folder.
 */

import { KNOWN_CONFIG_KEYS, normalizeConfigKey } from '../config/config-tree.js';
import { didYouMean, isPlainObject, type Plain } from '../config/value-checks.js';

export type ConfigSection = 'models' | 'seeds' | 'snapshots' | 'tests' | 'data_tests' | 'sources' | 'unit_tests';

/** Where the project file says something, for the warning's file:line. */
export type LineOf = (path: readonly (string | number)[]) => number | undefined;

/**
 * One warning per config path that matches no node's fully qualified name. `fqns` are the nodes of
 * each section (disabled ones too: a path that disables them is used).
 */
export function unusedConfigPaths(
  file: string,
  trees: Partial<Record<ConfigSection, unknown>>,
  fqns: Partial<Record<ConfigSection, readonly (readonly string[])[]>>,
  lineOf: LineOf,
): string[] {
  const warnings: string[] = [];
  for (const [section, tree] of Object.entries(trees) as [ConfigSection, unknown][]) {
    if (!isPlainObject(tree)) continue;
    const names = fqns[section] ?? [];
    walk(tree, [], (folders) => {
      if (names.some((fqn) => startsWith(fqn, folders))) return true;
      const siblings = [
        ...new Set(
          names
            .filter((fqn) => startsWith(fqn, folders.slice(0, -1)))
            .map((fqn) => fqn[folders.length - 1])
            .filter((name): name is string => name !== undefined),
        ),
      ];
      const line = lineOf([section, ...folders]);
      warnings.push(
        `${file}${line === undefined ? '' : `:${line}`}: the config path \`${[section, ...folders].join('.')}\` matches no ${noun(section)}, so its configs apply to nothing.${didYouMean(folders[folders.length - 1]!, siblings)}`,
      );
      return false;
    });
  }
  return warnings;
}

/** Visits each folder path of a config tree, depth first; `visit` returns whether to go deeper. */
function walk(level: Plain, folders: string[], visit: (folders: string[]) => boolean): void {
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+') || !isPlainObject(value)) continue;
    // A known config written without `+` whose value is a mapping (meta, docs…) is a config, not a folder.
    if (KNOWN_CONFIG_KEYS.has(key) || KNOWN_CONFIG_KEYS.has(normalizeConfigKey(key))) continue;
    const path = [...folders, key];
    if (visit(path)) walk(value, path, visit);
  }
}

function startsWith(fqn: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= fqn.length && prefix.every((part, index) => fqn[index] === part);
}

function noun(section: ConfigSection): string {
  return section === 'data_tests' || section === 'tests' ? 'test' : section.replace(/s$/, '');
}
