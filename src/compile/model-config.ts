import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { didYouMean } from '../config/value-checks.js';
import { tableFeatures } from '../materialize/table-features.js';
import { grantsConfig } from '../materialize/grants.js';
import { dictionarySettings, incrementalSettings, materializedViewSettings, type Problem } from '../materialize/model-settings.js';

/** Materializations tsdbt can build. Adding one means adding a plan in src/materialize. */
export const MATERIALIZATIONS = ['view', 'table', 'incremental', 'materialized_view', 'ephemeral', 'dictionary', 'distributed_table'] as const;
export type Materialization = (typeof MATERIALIZATIONS)[number];

/** Materializations that build a MergeTree table of their own, so take projections and indexes. */
const TABLE_MATERIALIZATIONS = new Set(['table', 'incremental', 'distributed_table']);

/** Materializations dbt projects use that tsdbt doesn't build yet; named so the error can say so. */
const KNOWN_ELSEWHERE = ['distributed_incremental', 'snapshot', 'seed', 'test'];

/** The checks of each materialization's own configs (problems, without file and line). */
const MATERIALIZATION_CHECKS: Partial<Record<Materialization, (config: Record<string, unknown>) => { problems: Problem[] }>> = {
  incremental: incrementalSettings,
  materialized_view: materializedViewSettings,
  dictionary: dictionarySettings,
};

/** Where a config key was set, when not in the model's own file (a property file, the project file's tree). */
export type ConfigOrigin = (key: string) => { file: string; line: number | undefined } | undefined;

/**
 * Checks the resolved config of a model; returns errors rather than throwing. Each points at
 * `file:line` (the model's `config(` call), or where `origin` says the key at fault was set.
 */
export function checkModelConfig(config: Record<string, unknown>, modelFile: string, modelLine: number | undefined, origin?: ConfigOrigin): TsdbtError[] {
  return [...generalConfigErrors(config, modelFile, modelLine, origin), ...materializationProblems(config, modelFile, modelLine, origin)];
}

/**
 * The problems of a model's materialization and its own configs (an unknown or unsupported
 * materialization, a bad incremental_strategy…). The project loads with them as warnings, since a
 * model the command does not run must not stop the others; the model fails with them when it runs.
 */
export function materializationProblems(
  config: Record<string, unknown>,
  modelFile: string,
  modelLine: number | undefined,
  origin?: ConfigOrigin,
  options: { errorsOnly?: boolean } = {},
): TsdbtError[] {
  const errors: TsdbtError[] = [];
  const at = (key: string | undefined) => (key === undefined ? undefined : origin?.(key)) ?? { file: modelFile, line: modelLine };
  const invalid = (key: string | undefined, message: string, hint: string | undefined) =>
    errors.push(new TsdbtError({ code: ErrorCodes.MODEL_CONFIG_INVALID, message, ...at(key), hint }));
  const materialized = config.materialized;
  if (typeof materialized !== 'string' || !(MATERIALIZATIONS as readonly string[]).includes(materialized)) {
    const shown = typeof materialized === 'string' ? `'${materialized}'` : JSON.stringify(materialized);
    const later = typeof materialized === 'string' && KNOWN_ELSEWHERE.includes(materialized);
    invalid(
      'materialized',
      later
        ? `Materialization ${shown} is not supported by this version of tsdbt.`
        : `Unknown materialization ${shown}.${typeof materialized === 'string' ? didYouMean(materialized, MATERIALIZATIONS) : ''}`,
      later && materialized === 'distributed_incremental'
        ? "Use materialized='incremental' on a ReplicatedMergeTree engine, or materialized='distributed_table' (rebuilt on each run)."
        : `Use one of: ${MATERIALIZATIONS.join(', ')}.`,
    );
  }
  const check = MATERIALIZATION_CHECKS[materialized as Materialization];
  for (const problem of check?.(config).problems ?? [])
    if (!(options.errorsOnly === true && problem.warn === true)) invalid(problem.key, problem.message, problem.hint);
  for (const problem of grantsConfig(config.grants).problems) invalid(problem.key, problem.message, problem.hint);
  if (TABLE_MATERIALIZATIONS.has(String(materialized))) {
    for (const problem of tableFeatures(config, undefined).problems) invalid(problem.key, problem.message, problem.hint);
  }
  return errors;
}

/** Checks of the configs every model has; these stop the project from loading. */
export function generalConfigErrors(config: Record<string, unknown>, modelFile: string, modelLine: number | undefined, origin?: ConfigOrigin): TsdbtError[] {
  const errors: TsdbtError[] = [];
  const at = (key: string | undefined) => (key === undefined ? undefined : origin?.(key)) ?? { file: modelFile, line: modelLine };
  const invalid = (key: string | undefined, message: string, hint: string | undefined) =>
    errors.push(new TsdbtError({ code: ErrorCodes.MODEL_CONFIG_INVALID, message, ...at(key), hint }));
  if (config.database !== undefined && config.database !== null && config.database !== '') {
    // dbt-clickhouse refuses it too: a dbt schema is a ClickHouse database, there is no level above.
    invalid(
      'database',
      `Config 'database' (${JSON.stringify(config.database)}) has no meaning for ClickHouse: a dbt schema is a ClickHouse database, and there is no level above it.`,
      "Use schema='…' (the model goes to <target schema>_<schema>, or where a generate_schema_name macro says).",
    );
  }
  for (const key of ['engine', 'order_by', 'partition_by', 'primary_key', 'ttl']) {
    const value = config[key];
    if (value !== undefined && value !== null && typeof value !== 'string' && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      invalid(key, `Config '${key}' must be a SQL expression string (or a list of column names), but it is ${JSON.stringify(value)}.`, SQL_EXAMPLES[key]);
    }
  }
  // Setting names go into the SQL as they are written (values are quoted): they must be names.
  for (const key of ['settings', 'query_settings']) {
    const value = config[key];
    const bad = typeof value === 'object' && value !== null ? Object.keys(value).find((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) : undefined;
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value) || bad !== undefined)) {
      invalid(
        key,
        `Config '${key}' must map ClickHouse setting names to values, but ${bad === undefined ? `it is ${JSON.stringify(value)}` : `'${bad}' is not a setting name`}.`,
        `For example: ${key}={'max_threads': 4}.`,
      );
    }
  }
  // Configs every model has: a wrong type would otherwise be read as something else in silence.
  for (const key of ['enabled', 'full_refresh']) {
    const value = config[key];
    if (value !== undefined && value !== null && typeof value !== 'boolean')
      invalid(key, `Config '${key}' must be true or false, but it is ${JSON.stringify(value)}.`, `For example: ${key}=false.`);
  }
  for (const key of ['schema', 'alias']) {
    const value = config[key];
    if (value !== undefined && value !== null && typeof value !== 'string')
      invalid(key, `Config '${key}' must be a name, but it is ${JSON.stringify(value)}.`, `For example: ${key}='marts'.`);
  }
  for (const key of ['tags', 'pre_hook', 'post_hook']) {
    const value = config[key];
    // A hook may also be dbt's `{sql: …, transaction: …}`.
    const fits = (item: unknown) => typeof item === 'string' || (key !== 'tags' && typeof (item as { sql?: unknown } | null)?.sql === 'string');
    if (value !== undefined && value !== null && !fits(value) && !(Array.isArray(value) && value.every(fits))) {
      invalid(
        key,
        `Config '${key}' must be a string or a list of strings, but it is ${JSON.stringify(value)}.`,
        key === 'tags' ? "For example: tags=['nightly', 'finance']." : `For example: ${key}="OPTIMIZE TABLE {{ this }} FINAL".`,
      );
    }
  }
  return errors;
}

const SQL_EXAMPLES: Record<string, string> = {
  engine: "For example: config(engine='ReplacingMergeTree(updated_at)')",
  order_by: "For example: config(order_by='(craft, name)')",
  partition_by: "For example: config(partition_by='toYYYYMM(snapshot_at)')",
  primary_key: "For example: config(primary_key='id')",
  ttl: "For example: config(ttl='snapshot_at + INTERVAL 90 DAY')",
};
