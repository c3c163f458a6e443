/**
 * A source's `freshness:` (dbt's shape): `warn_after`/`error_after` as `{count, period}`, an
 * optional `filter`, read at source level and overridden per table (`freshness: null` on a table
 * turns it off), with `loaded_at_field` (or dbt 1.10's `loaded_at_query`) saying what to measure.
 */

import { describeType, isPlainObject, type Plain } from '../config/value-checks.js';

export type FreshnessPeriod = 'minute' | 'hour' | 'day';

export interface FreshnessThreshold {
  count: number;
  period: FreshnessPeriod;
}

export interface FreshnessRule {
  warnAfter: FreshnessThreshold | undefined;
  errorAfter: FreshnessThreshold | undefined;
  /** A SQL condition the measured rows must meet (`_etl_loaded_at >= date_sub(…)`). */
  filter: string | undefined;
}

const PERIODS: readonly FreshnessPeriod[] = ['minute', 'hour', 'day'];
const SECONDS: Record<FreshnessPeriod, number> = { minute: 60, hour: 3600, day: 86400 };

export type ReportProblem = (path: (string | number)[], message: string, hint?: string) => void;

/**
 * The rule in force for a table: the table's own `freshness` (or its `config.freshness`) when it has
 * one, `null` meaning none, else the source's. Undefined when there is none.
 */
export function freshnessOf(
  source: Plain,
  table: Plain,
  at: { source: (string | number)[]; table: (string | number)[] },
  report: ReportProblem,
): FreshnessRule | undefined {
  const own = pick(table);
  if (own.given) return own.value === null ? undefined : readRule(own.value, [...at.table, own.key], report);
  const inherited = pick(source);
  if (inherited.given && inherited.value !== null) return readRule(inherited.value, [...at.source, inherited.key], report);
  return undefined;
}

/** `max_loaded_at` older than the threshold: the threshold in seconds. */
export function thresholdSeconds(threshold: FreshnessThreshold): number {
  return threshold.count * SECONDS[threshold.period];
}

/** The rule as dbt writes it into manifest.json and sources.json. */
export function freshnessJson(rule: FreshnessRule | undefined): Record<string, unknown> | null {
  if (rule === undefined) return null;
  const threshold = (value: FreshnessThreshold | undefined) =>
    value === undefined ? { count: null, period: null } : { count: value.count, period: value.period };
  return { warn_after: threshold(rule.warnAfter), error_after: threshold(rule.errorAfter), filter: rule.filter ?? null };
}

function pick(entry: Plain): { given: boolean; key: string; value: unknown } {
  if ('freshness' in entry) return { given: true, key: 'freshness', value: entry.freshness };
  const config = entry.config;
  if (isPlainObject(config) && 'freshness' in config) return { given: true, key: 'config', value: config.freshness };
  return { given: false, key: 'freshness', value: undefined };
}

function readRule(raw: unknown, at: (string | number)[], report: ReportProblem): FreshnessRule | undefined {
  if (!isPlainObject(raw)) {
    report(
      at,
      `must be a mapping with \`warn_after\` and/or \`error_after\`, but it is ${describeType(raw)}.`,
      'For example: `freshness: {warn_after: {count: 12, period: hour}, error_after: {count: 24, period: hour}}`.',
    );
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!['warn_after', 'error_after', 'filter'].includes(key)) report([...at, key], 'is not a freshness setting (warn_after, error_after, filter).');
  }
  const rule: FreshnessRule = {
    warnAfter: readThreshold(raw.warn_after, [...at, 'warn_after'], report),
    errorAfter: readThreshold(raw.error_after, [...at, 'error_after'], report),
    filter: typeof raw.filter === 'string' && raw.filter.trim() !== '' ? raw.filter : undefined,
  };
  if (raw.filter !== undefined && raw.filter !== null && typeof raw.filter !== 'string')
    report([...at, 'filter'], `must be a SQL condition (a string), but it is ${describeType(raw.filter)}.`);
  return rule.warnAfter === undefined && rule.errorAfter === undefined ? undefined : rule;
}

function readThreshold(raw: unknown, at: (string | number)[], report: ReportProblem): FreshnessThreshold | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) {
    report(at, `must be \`{count: N, period: minute|hour|day}\`, but it is ${describeType(raw)}.`);
    return undefined;
  }
  const count = typeof raw.count === 'string' ? Number(raw.count) : raw.count;
  const period = raw.period;
  if (count === null && period === null) return undefined;
  let ok = true;
  if (typeof count !== 'number' || !Number.isInteger(count) || count <= 0) {
    report([...at, 'count'], `must be a whole number above 0, but it is ${describeType(raw.count)}.`);
    ok = false;
  }
  if (typeof period !== 'string' || !PERIODS.includes(period as FreshnessPeriod)) {
    report([...at, 'period'], `must be minute, hour or day, but it is ${describeType(period)}.`);
    ok = false;
  }
  return ok ? { count: count as number, period: period as FreshnessPeriod } : undefined;
}
