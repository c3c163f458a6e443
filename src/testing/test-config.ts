import { mergeConfig } from '../config/config-tree.js';
import { isPlainObject, type Plain } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';

/** What every test starts from (dbt's defaults). */
export const TEST_DEFAULTS: Plain = {
  materialized: 'test',
  enabled: true,
  severity: 'ERROR',
  tags: [],
  meta: {},
  warn_if: '!= 0',
  error_if: '!= 0',
  fail_calc: 'count(*)',
  store_failures: null,
  where: null,
  limit: null,
  schema: 'dbt_test__audit',
};

/** Keys of a test entry that are configs, not arguments of the test macro (dbt's CONFIG_ARGS). */
export const TEST_CONFIG_KEYS = [
  'severity',
  'tags',
  'enabled',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'fail_calc',
  'store_failures',
  'store_failures_as',
  'meta',
  'database',
  'schema',
  'alias',
] as const;

/** Merges configs in precedence order (later wins), then normalizes and checks the result. */
export function resolveTestConfig(layers: Plain[], where: { name: string; file: string; line: number | undefined }): { config: Plain; errors: TsdbtError[] } {
  let config: Plain = { ...TEST_DEFAULTS };
  // An empty layer changes nothing (most tests have no project-level or YAML config): not merged.
  for (const layer of layers) if (Object.keys(layer).length > 0) config = mergeConfig(config, layer);
  const errors: TsdbtError[] = [];
  const problem = (message: string, hint: string) =>
    errors.push(new TsdbtError({ code: ErrorCodes.TEST_INVALID, message: `Test '${where.name}': ${message}`, file: where.file, line: where.line, hint }));
  const severity = typeof config.severity === 'string' ? config.severity.toUpperCase() : config.severity;
  if (severity !== 'ERROR' && severity !== 'WARN')
    problem(`severity must be 'error' or 'warn', but it is ${JSON.stringify(config.severity)}.`, 'For example: config: {severity: warn}');
  else config.severity = severity;
  for (const key of ['warn_if', 'error_if', 'fail_calc'] as const) {
    if (typeof config[key] !== 'string' || (config[key] as string).trim() === '')
      problem(`${key} must be SQL text such as '!= 0' or '>= 10', but it is ${JSON.stringify(config[key])}.`, `For example: config: {${key}: '> 10'}`);
  }
  const limit = config.limit;
  if (limit !== null && limit !== undefined && !(Number.isInteger(limit) && (limit as number) >= 0))
    problem(`limit must be a whole number, but it is ${JSON.stringify(limit)}.`, 'For example: config: {limit: 100}');
  if (config.where !== null && config.where !== undefined && typeof config.where !== 'string')
    problem(`where must be a SQL condition, but it is ${JSON.stringify(config.where)}.`, 'For example: config: {where: "status != \'returned\'"}');
  if (!isPlainObject(config.meta)) config.meta = {};
  return { config, errors };
}
