import { ErrorCodes, TsdbtError } from '../errors.js';
import { didYouMean } from '../config/value-checks.js';
import { dictionarySettings, incrementalSettings, materializedViewSettings, type Problem } from '../materialize/model-settings.js';

/** Materializations tsdbt can build. Adding one means adding a plan in src/materialize. */
export const MATERIALIZATIONS = ['view', 'table', 'incremental', 'materialized_view', 'ephemeral', 'dictionary', 'distributed_table'] as const;
export type Materialization = (typeof MATERIALIZATIONS)[number];

/** Materializations dbt projects use that tsdbt doesn't build yet; named so the error can say so. */
const KNOWN_ELSEWHERE = ['distributed_incremental', 'snapshot', 'seed', 'test'];

/** The checks of each materialization's own configs (problems, without file and line). */
const MATERIALIZATION_CHECKS: Partial<Record<Materialization, (config: Record<string, unknown>) => { problems: Problem[] }>> = {
  incremental: incrementalSettings,
  materialized_view: materializedViewSettings,
  dictionary: dictionarySettings,
};

/** Checks the resolved config of a model; returns errors rather than throwing. */
export function checkModelConfig(config: Record<string, unknown>, file: string, line: number | undefined): TsdbtError[] {
  const errors: TsdbtError[] = [];
  const materialized = config.materialized;
  if (typeof materialized !== 'string' || !(MATERIALIZATIONS as readonly string[]).includes(materialized)) {
    const shown = typeof materialized === 'string' ? `'${materialized}'` : JSON.stringify(materialized);
    const later = typeof materialized === 'string' && KNOWN_ELSEWHERE.includes(materialized);
    errors.push(
      new TsdbtError({
        code: ErrorCodes.MODEL_CONFIG_INVALID,
        message: later
          ? `Materialization ${shown} is not supported by this version of tsdbt.`
          : `Unknown materialization ${shown}.${typeof materialized === 'string' ? didYouMean(materialized, MATERIALIZATIONS) : ''}`,
        file,
        line,
        hint: `Use one of: ${MATERIALIZATIONS.join(', ')}.`,
      }),
    );
  }
  const check = MATERIALIZATION_CHECKS[materialized as Materialization];
  for (const problem of check?.(config).problems ?? []) {
    errors.push(new TsdbtError({ code: ErrorCodes.MODEL_CONFIG_INVALID, message: problem.message, file, line, hint: problem.hint }));
  }
  if (config.database !== undefined && config.database !== null && config.database !== '') {
    // dbt-clickhouse refuses it too: a dbt schema is a ClickHouse database, there is no level above.
    errors.push(
      new TsdbtError({
        code: ErrorCodes.MODEL_CONFIG_INVALID,
        message: `Config 'database' (${JSON.stringify(config.database)}) has no meaning for ClickHouse: a dbt schema is a ClickHouse database, and there is no level above it.`,
        file,
        line,
        hint: "Use schema='…' (the model goes to <target schema>_<schema>, or where a generate_schema_name macro says).",
      }),
    );
  }
  for (const key of ['engine', 'order_by', 'partition_by', 'primary_key', 'ttl']) {
    const value = config[key];
    if (value !== undefined && value !== null && typeof value !== 'string' && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.MODEL_CONFIG_INVALID,
          message: `Config '${key}' must be a SQL expression string (or a list of column names), but it is ${JSON.stringify(value)}.`,
          file,
          line,
          hint: key === 'order_by' ? "For example: config(order_by='(craft, name)')" : undefined,
        }),
      );
    }
  }
  return errors;
}
