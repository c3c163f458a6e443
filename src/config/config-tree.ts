import { isPlainObject, type Plain } from './value-checks.js';

/** Config keys whose values accumulate down the hierarchy instead of replacing. */
const LIST_KEYS = new Set(['tags', 'pre_hook', 'post_hook']);
const DICT_KEYS = new Set(['meta', 'settings', 'query_settings', 'column_types', 'docs']);

/** Keys understood as configs even when written without a `+` in a project config tree. */
export const KNOWN_CONFIG_KEYS = new Set([
  'materialized',
  'schema',
  'database',
  'alias',
  'tags',
  'enabled',
  'engine',
  'order_by',
  'partition_by',
  'primary_key',
  'sample_by',
  'settings',
  'query_settings',
  'ttl',
  'unique_key',
  'incremental_strategy',
  'incremental_predicates',
  'on_schema_change',
  'pre_hook',
  'post_hook',
  'pre-hook',
  'post-hook',
  'meta',
  'docs',
  'persist_docs',
  'full_refresh',
  'column_types',
  'quote_columns',
  'delimiter',
  'severity',
  'store_failures',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'fail_calc',
  'grants',
  'contract',
  'access',
  'group',
  'quoting',
  'sql_security',
  'definer',
  'backfill',
  'layout',
  'lifetime',
  'source',
  'sharding_key',
  'projections',
  'indexes',
  'fields',
  'range',
  'event_time',
  'batch_size',
  'begin',
  'lookback',
  'refreshable',
  'materialization_target_table',
  'keep_qualified_names',
  'codec',
  'catchup',
  'local_suffix',
  // snapshots
  'strategy',
  'updated_at',
  'check_cols',
  'hard_deletes',
  'invalidate_hard_deletes',
  'dbt_valid_to_current',
  'snapshot_meta_column_names',
  'target_schema',
  'target_database',
]);

/** `pre-hook` → `pre_hook`: dbt accepts both spellings. */
export function normalizeConfigKey(key: string): string {
  const bare = key.startsWith('+') ? key.slice(1) : key;
  return bare === 'pre-hook' ? 'pre_hook' : bare === 'post-hook' ? 'post_hook' : bare;
}

/** Merges `override` into `base` with dbt's rules: tags and hooks accumulate, meta/settings merge, the rest replaces. */
export function mergeConfig(base: Plain, override: Plain): Plain {
  const out: Plain = { ...base };
  for (const [rawKey, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const key = normalizeConfigKey(rawKey);
    if (LIST_KEYS.has(key)) {
      const previous = toList(out[key]);
      const next = toList(value);
      out[key] = key === 'tags' ? [...new Set([...previous, ...next])] : [...previous, ...next];
    } else if (DICT_KEYS.has(key) && isPlainObject(value) && isPlainObject(out[key])) {
      out[key] = { ...(out[key] as Plain), ...value };
    } else {
      out[key] = value;
    }
  }
  return out;
}

function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The configs that a project config tree (`models:` in project.yml) gives a node at `fqn`
 * (`['astro', 'marts', 'people_per_craft']`): the section's own `+key` values, then each level's, deeper levels winning.
 */
export function configFromTree(tree: Plain, fqn: readonly string[]): Plain {
  // `models: {+materialized: table}`: configs right under the section apply to every node (dbt does so too).
  let config: Plain = configsAt(tree);
  let level: unknown = tree;
  for (const part of fqn) {
    if (!isPlainObject(level)) break;
    const next = level[part];
    if (!isPlainObject(next)) break;
    config = mergeConfig(config, configsAt(next));
    level = next;
  }
  return config;
}

/** The config keys at one level of a tree: `+anything`, and known config names that aren't sub-folders. */
function configsAt(level: Plain): Plain {
  const out: Plain = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+')) out[key] = value;
    else if (KNOWN_CONFIG_KEYS.has(key) && !isPlainObject(value)) out[key] = value;
    else if (KNOWN_CONFIG_KEYS.has(key) && DICT_KEYS.has(normalizeConfigKey(key))) out[key] = value;
  }
  return out;
}
