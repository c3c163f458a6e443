import { didYouMean, isPlainObject, stringList } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { SnapshotColumnNames, SnapshotSpec } from './nodes.js';

/** Where a config key was written, for errors and warnings (`file:line`). */
export type KeyOrigin = (key: string) => { file: string; line: number | undefined };

/** dbt's default names of the columns a snapshot adds (`snapshot_meta_column_names` renames them). */
export const DEFAULT_COLUMN_NAMES: SnapshotColumnNames = {
  dbt_scd_id: 'dbt_scd_id',
  dbt_updated_at: 'dbt_updated_at',
  dbt_valid_from: 'dbt_valid_from',
  dbt_valid_to: 'dbt_valid_to',
  dbt_is_deleted: 'dbt_is_deleted',
};

/** Configs a snapshot acts on. */
const ACTED_ON = [
  'strategy',
  'unique_key',
  'updated_at',
  'check_cols',
  'hard_deletes',
  'invalidate_hard_deletes',
  'dbt_valid_to_current',
  'snapshot_meta_column_names',
  'target_schema',
  'schema',
  'alias',
  'enabled',
  'tags',
  'meta',
  'docs',
  'engine',
  'order_by',
  'partition_by',
  'primary_key',
  'settings',
  'query_settings',
  'pre_hook',
  'post_hook',
  'materialized',
  'description',
];

/** dbt configs a snapshot accepts that tsdbt does not act on: each gets a warning naming where it is set. */
const NOT_ACTED_ON: Record<string, string> = {
  target_database: 'ClickHouse has no level above a database (a dbt schema); the snapshot goes to its schema',
  database: 'ClickHouse has no level above a database (a dbt schema); the snapshot goes to its schema',
  persist_docs: 'descriptions are not written to ClickHouse comments',
  grants: 'tsdbt does not manage grants',
  quote_columns: 'column names are always quoted',
  full_refresh: 'a snapshot is never rebuilt from scratch (as in dbt); drop its table to start over',
  contract: 'contracts are not enforced on snapshots',
  group: 'groups are not used',
  access: 'access is not checked',
  packages: 'packages are not supported',
};

export interface CheckedSnapshotConfig {
  spec: SnapshotSpec | undefined;
  errors: TsdbtError[];
  warnings: string[];
}

/**
 * Checks a snapshot's resolved config the way dbt-core does (a strategy and a unique_key are
 * required; `timestamp` needs `updated_at`, `check` needs `check_cols`; `hard_deletes` and
 * `invalidate_hard_deletes` exclude each other) and normalizes it.
 */
export function checkSnapshotConfig(name: string, config: Record<string, unknown>, origin: KeyOrigin): CheckedSnapshotConfig {
  const errors: TsdbtError[] = [];
  const warnings: string[] = [];
  const where = (key: string) => {
    const at = origin(key);
    return at.line === undefined ? at.file : `${at.file}:${at.line}`;
  };
  const invalid = (key: string, message: string, hint: string) =>
    errors.push(new TsdbtError({ code: ErrorCodes.SNAPSHOT_INVALID, message: `Snapshot '${name}': ${message}`, ...origin(key), hint }));

  for (const key of Object.keys(config)) {
    const reason = NOT_ACTED_ON[key];
    if (reason !== undefined) {
      if (config[key] !== undefined && config[key] !== null && config[key] !== false)
        warnings.push(`${where(key)}: snapshot '${name}': config '${key}' is ignored: ${reason}.`);
    } else if (!ACTED_ON.includes(key)) {
      warnings.push(`${where(key)}: snapshot '${name}': unknown config '${key}' is ignored.${didYouMean(key, ACTED_ON)}`);
    }
  }
  if (config.materialized !== undefined && config.materialized !== 'snapshot') {
    invalid(
      'materialized',
      `config 'materialized' is ${JSON.stringify(config.materialized)}, but a snapshot is always materialized as a snapshot.`,
      'Remove the materialized config from the snapshot.',
    );
  }

  const strategy = config.strategy;
  if (strategy === undefined || strategy === null)
    invalid('strategy', 'no strategy is set.', "Set strategy='timestamp' (with updated_at) or strategy='check' (with check_cols).");
  else if (strategy !== 'timestamp' && strategy !== 'check') {
    invalid(
      'strategy',
      `unknown strategy ${JSON.stringify(strategy)}.${typeof strategy === 'string' ? didYouMean(strategy, ['timestamp', 'check']) : ''}`,
      "Use strategy='timestamp' or strategy='check' (custom strategy macros are not supported).",
    );
  }

  const uniqueKey = stringList(config.unique_key)?.map((key) => key.trim());
  if (uniqueKey === undefined || uniqueKey.length === 0 || uniqueKey.some((key) => key === '')) {
    invalid(
      'unique_key',
      config.unique_key === undefined
        ? 'no unique_key is set.'
        : `unique_key must be a column (or SQL expression) or a list of them, but it is ${JSON.stringify(config.unique_key)}.`,
      "For example: unique_key='id', or unique_key=['id', 'region'].",
    );
  }

  const updatedAt = typeof config.updated_at === 'string' && config.updated_at.trim() !== '' ? config.updated_at.trim() : undefined;
  if (config.updated_at !== undefined && config.updated_at !== null && updatedAt === undefined)
    invalid('updated_at', `updated_at must be a column name, but it is ${JSON.stringify(config.updated_at)}.`, "For example: updated_at='updated_at'.");
  if (strategy === 'timestamp' && config.updated_at === undefined)
    invalid('updated_at', 'the timestamp strategy needs updated_at: the column that says when a row last changed.', "For example: updated_at='updated_at'.");

  const checkCols = checkColumns(config.check_cols);
  if (strategy === 'check' && checkCols === undefined) {
    invalid(
      'check_cols',
      config.check_cols === undefined
        ? 'the check strategy needs check_cols.'
        : `check_cols must be 'all' or a list of column names, but it is ${JSON.stringify(config.check_cols)}.`,
      "For example: check_cols=['status', 'amount'], or check_cols='all'.",
    );
  } else if (strategy === 'timestamp' && config.check_cols !== undefined) {
    warnings.push(`${where('check_cols')}: snapshot '${name}': check_cols is ignored by the timestamp strategy.`);
  }

  const hardDeletes = hardDeletesOf(config, invalid);
  const validToCurrent = config.dbt_valid_to_current;
  if (validToCurrent !== undefined && validToCurrent !== null && (typeof validToCurrent !== 'string' || validToCurrent.trim() === '')) {
    invalid(
      'dbt_valid_to_current',
      `dbt_valid_to_current must be a SQL expression, but it is ${JSON.stringify(validToCurrent)}.`,
      'For example: dbt_valid_to_current="toDateTime(\'2100-01-01 00:00:00\')".',
    );
  }
  const columnNames = columnNamesOf(config.snapshot_meta_column_names, invalid);
  if (errors.length > 0 || hardDeletes === undefined || columnNames === undefined) return { spec: undefined, errors, warnings };
  return {
    spec: {
      strategy: strategy as 'timestamp' | 'check',
      uniqueKey: uniqueKey!,
      updatedAt,
      checkCols: checkCols ?? 'all',
      hardDeletes,
      validToCurrent: typeof validToCurrent === 'string' ? validToCurrent.trim() : undefined,
      columnNames,
    },
    errors,
    warnings,
  };
}

function checkColumns(value: unknown): string[] | 'all' | undefined {
  if (value === 'all') return 'all';
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const list = stringList(value);
  return list?.every((column) => column.trim() !== '') ? list.map((column) => column.trim()) : undefined;
}

type Invalid = (key: string, message: string, hint: string) => void;

/** dbt's adapter.get_hard_deletes_behavior: `invalidate_hard_deletes: true` means `hard_deletes: invalidate`. */
function hardDeletesOf(config: Record<string, unknown>, invalid: Invalid): SnapshotSpec['hardDeletes'] | undefined {
  const legacy = config.invalidate_hard_deletes;
  const mode = config.hard_deletes;
  if (legacy !== undefined && legacy !== null && mode !== undefined && mode !== null) {
    invalid(
      'hard_deletes',
      'both invalidate_hard_deletes and hard_deletes are set.',
      'Keep hard_deletes (ignore, invalidate or new_record); invalidate_hard_deletes is its older form.',
    );
    return undefined;
  }
  if (legacy !== undefined && legacy !== null && typeof legacy !== 'boolean') {
    invalid(
      'invalidate_hard_deletes',
      `invalidate_hard_deletes must be true or false, but it is ${JSON.stringify(legacy)}.`,
      'Or use hard_deletes: invalidate.',
    );
    return undefined;
  }
  if (legacy === true) return 'invalidate';
  if (mode === undefined || mode === null) return 'ignore';
  if (mode === 'ignore' || mode === 'invalidate' || mode === 'new_record') return mode;
  invalid(
    'hard_deletes',
    `hard_deletes must be ignore, invalidate or new_record, but it is ${JSON.stringify(mode)}.${typeof mode === 'string' ? didYouMean(mode, ['ignore', 'invalidate', 'new_record']) : ''}`,
    'For example: hard_deletes: invalidate.',
  );
  return undefined;
}

function columnNamesOf(value: unknown, invalid: Invalid): SnapshotColumnNames | undefined {
  if (value === undefined || value === null) return DEFAULT_COLUMN_NAMES;
  if (!isPlainObject(value)) {
    invalid(
      'snapshot_meta_column_names',
      `snapshot_meta_column_names must be a mapping, but it is ${JSON.stringify(value)}.`,
      'For example: {dbt_valid_from: valid_from, dbt_valid_to: valid_to}.',
    );
    return undefined;
  }
  const names: SnapshotColumnNames = { ...DEFAULT_COLUMN_NAMES };
  let ok = true;
  for (const [key, name] of Object.entries(value)) {
    if (!(key in DEFAULT_COLUMN_NAMES)) {
      invalid(
        'snapshot_meta_column_names',
        `snapshot_meta_column_names has an unknown key '${key}'.${didYouMean(key, Object.keys(DEFAULT_COLUMN_NAMES))}`,
        `Its keys are ${Object.keys(DEFAULT_COLUMN_NAMES).join(', ')}.`,
      );
      ok = false;
    } else if (typeof name !== 'string' || name.trim() === '') {
      invalid(
        'snapshot_meta_column_names',
        `snapshot_meta_column_names.${key} must be a column name, but it is ${JSON.stringify(name)}.`,
        `For example: ${key}: my_${key.replace(/^dbt_/, '')}.`,
      );
      ok = false;
    } else if (name !== null) {
      names[key as keyof SnapshotColumnNames] = name.trim();
    }
  }
  if (ok && new Set(Object.values(names)).size !== Object.keys(names).length) {
    invalid(
      'snapshot_meta_column_names',
      'snapshot_meta_column_names gives two columns the same name.',
      'Give each of dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to and dbt_is_deleted its own name.',
    );
    return undefined;
  }
  return ok ? names : undefined;
}
