import { microbatchSettings } from './microbatch.js';
import { ON_SCHEMA_CHANGE, type OnSchemaChange } from './schema-change.js';

/**
 * The configs of the materializations beyond view and table, read from a model's resolved config.
 * One reader for both parse-time checks (which report the problems with file:line) and planning.
 */

export const INCREMENTAL_STRATEGIES = ['append', 'delete+insert', 'insert_overwrite', 'default', 'microbatch'] as const;
export type IncrementalStrategy = (typeof INCREMENTAL_STRATEGIES)[number];

/** Other spellings accepted for a strategy (dbt-clickhouse's names). */
const STRATEGY_ALIASES: Record<string, IncrementalStrategy> = { delete_insert: 'delete+insert', legacy: 'default' };

export interface IncrementalSettings {
  strategy: IncrementalStrategy;
  /** Column names or expressions; empty when no unique_key. */
  uniqueKey: string[];
  incrementalPredicates: string[];
  onSchemaChange: OnSchemaChange;
}

export interface Problem {
  message: string;
  hint?: string;
  /** The config key at fault, so the error can point where that key is set. */
  key?: string;
  /** Only a warning: the model still runs (e.g. project-wide incremental_predicates reaching an append model). */
  warn?: boolean;
}

export function incrementalSettings(config: Record<string, unknown>): { settings: IncrementalSettings; problems: Problem[] } {
  const problems: Problem[] = [];
  // dbt-clickhouse takes `unique_key='a, b'` as the key (a, b): split at the top-level commas.
  const uniqueKey = stringList(config.unique_key, 'unique_key', problems, "For example: unique_key='id' or unique_key=['craft', 'name']").flatMap(
    splitTopLevelCommas,
  );
  const incrementalPredicates = stringList(
    config.incremental_predicates ?? config.predicates,
    'incremental_predicates',
    problems,
    'For example: incremental_predicates=["snapshot_at > now() - INTERVAL 7 DAY"]',
  );
  const onSchemaChange = oneOf(config.on_schema_change, 'on_schema_change', ON_SCHEMA_CHANGE, 'ignore', problems);
  const raw = config.incremental_strategy;
  let strategy: IncrementalStrategy = uniqueKey.length > 0 ? 'default' : 'append';
  if (raw !== undefined && raw !== null) {
    const named = typeof raw === 'string' ? (STRATEGY_ALIASES[raw] ?? raw) : raw;
    if (typeof named === 'string' && (INCREMENTAL_STRATEGIES as readonly string[]).includes(named)) strategy = named as IncrementalStrategy;
    else
      problems.push({
        message: `Unknown incremental_strategy ${JSON.stringify(raw)}.`,
        hint: `Use one of: ${INCREMENTAL_STRATEGIES.join(', ')}.`,
        key: 'incremental_strategy',
      });
  }
  if ((strategy === 'delete+insert' || strategy === 'default') && uniqueKey.length === 0 && raw !== undefined && raw !== null) {
    problems.push({
      message: `incremental_strategy '${strategy}' needs a unique_key: it replaces the rows whose key comes again.`,
      hint: "Set unique_key (e.g. unique_key='id'), or use incremental_strategy='append'.",
    });
  }
  if (strategy === 'insert_overwrite' && (config.partition_by === undefined || config.partition_by === null || config.partition_by === '')) {
    problems.push({
      message: "incremental_strategy 'insert_overwrite' needs partition_by: it replaces whole partitions.",
      hint: "Set partition_by, e.g. partition_by='toYYYYMM(snapshot_at)'.",
    });
  }
  if (strategy === 'microbatch') problems.push(...microbatchSettings(config).problems);
  if (incrementalPredicates.length > 0 && (strategy === 'append' || strategy === 'insert_overwrite' || strategy === 'microbatch')) {
    problems.push({
      message: `incremental_predicates do nothing with incremental_strategy '${strategy}'; they narrow which existing rows 'delete+insert' and 'default' may replace.`,
      hint: 'Remove incremental_predicates, or filter the new rows in the model with {% if is_incremental() %}.',
      warn: true,
    });
  }
  return { settings: { strategy, uniqueKey, incrementalPredicates, onSchemaChange }, problems };
}

export interface MaterializedViewSettings {
  /** Fill the target table from the source's existing rows when it is (re)built. dbt-clickhouse calls it `catchup`. */
  backfill: boolean;
  onSchemaChange: OnSchemaChange;
  /** A refreshable view (`REFRESH EVERY … [RANDOMIZE FOR …] [DEPENDS ON …] [APPEND]`) instead of an insert trigger. */
  refreshable: { interval: string; randomize?: string; dependsOn: string[]; append: boolean } | undefined;
}

export function materializedViewSettings(config: Record<string, unknown>): { settings: MaterializedViewSettings; problems: Problem[] } {
  const problems: Problem[] = [];
  const raw = config.backfill ?? config.catchup;
  if (raw !== undefined && raw !== null && typeof raw !== 'boolean') {
    problems.push({
      message: `Config 'backfill' must be true or false, but it is ${JSON.stringify(raw)}.`,
      hint: 'For example: backfill=false (create the table empty).',
      key: config.backfill === undefined ? 'catchup' : 'backfill',
    });
  }
  const onSchemaChange = oneOf(config.on_schema_change, 'on_schema_change', ON_SCHEMA_CHANGE, 'ignore', problems);
  return { settings: { backfill: raw !== false, onSchemaChange, refreshable: refreshableSettings(config.refreshable, problems) }, problems };
}

/** dbt-clickhouse's `refreshable: {interval, randomize, depends_on, append}` (`refresh_interval` read as `interval`). */
function refreshableSettings(value: unknown, problems: Problem[]): MaterializedViewSettings['refreshable'] {
  if (value === undefined || value === null || value === false) return undefined;
  const hint = "For example: refreshable={'interval': 'EVERY 1 HOUR', 'depends_on': ['shop.orders_mv'], 'append': false}.";
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ message: `Config 'refreshable' must be a mapping, but it is ${JSON.stringify(value)}.`, hint, key: 'refreshable' });
    return undefined;
  }
  const config = value as Record<string, unknown>;
  const interval = config.interval ?? config.refresh_interval;
  if (typeof interval !== 'string' || interval.trim() === '') {
    problems.push({ message: "Config 'refreshable' needs an interval (e.g. 'EVERY 1 HOUR' or 'AFTER 10 MINUTE').", hint, key: 'refreshable' });
    return undefined;
  }
  const dependsOn =
    config.depends_on === undefined || config.depends_on === null ? [] : Array.isArray(config.depends_on) ? config.depends_on : [config.depends_on];
  if (!dependsOn.every((item) => typeof item === 'string'))
    problems.push({ message: "refreshable's depends_on must be a view name or a list of them.", hint, key: 'refreshable' });
  if (config.append !== undefined && typeof config.append !== 'boolean')
    problems.push({ message: "refreshable's append must be true or false.", hint, key: 'refreshable' });
  const randomize = typeof config.randomize === 'string' && config.randomize.trim() !== '' ? config.randomize.trim() : undefined;
  return {
    interval: interval.trim().replace(/^REFRESH\s+/i, ''),
    ...(randomize === undefined ? {} : { randomize }),
    dependsOn: dependsOn.filter((item): item is string => typeof item === 'string'),
    append: config.append === true,
  };
}

export interface DictionarySettings {
  primaryKey: string[];
  /** `LAYOUT(...)` contents; chosen from the key's type when not set. */
  layout: string | undefined;
  /** `LIFETIME(...)` contents. */
  lifetime: string;
  /** `SOURCE(...)` contents; the model's SELECT on this server when not set. */
  source: string | undefined;
  /** Attribute names and types; those of the SELECT when not set. */
  fields: { name: string; type: string }[] | undefined;
  /** `RANGE(...)` contents for range_hashed layouts (`MIN start MAX stop`). */
  range: string | undefined;
}

export function dictionarySettings(config: Record<string, unknown>): { settings: DictionarySettings; problems: Problem[] } {
  const problems: Problem[] = [];
  const primaryKey = stringList(config.primary_key, 'primary_key', problems, "For example: primary_key='id'");
  if (primaryKey.length === 0) {
    problems.push({
      message: 'A dictionary needs a primary_key: the column(s) it is looked up by.',
      hint: "For example: config(materialized='dictionary', primary_key='craft')",
    });
  }
  const text = (key: string): string | undefined => {
    const value = config[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') {
      problems.push({
        message: `Config '${key}' must be a string, but it is ${JSON.stringify(value)}.`,
        hint: `Write the ${key.toUpperCase()}(…) contents as text, e.g. ${key}='${EXAMPLES[key] ?? "CLICKHOUSE(TABLE 't')"}'.`,
        key,
      });
      return undefined;
    }
    return stripCall(value.trim(), key.toUpperCase());
  };
  const fields = fieldList(config.fields, problems);
  const range = text('range');
  return { settings: { primaryKey, layout: text('layout'), lifetime: text('lifetime') ?? 'MIN 0 MAX 300', source: text('source'), fields, range }, problems };
}

const EXAMPLES: Record<string, string> = { layout: 'HASHED()', lifetime: 'MIN 0 MAX 300', range: 'MIN valid_from MAX valid_to' };

/** `LAYOUT(HASHED())` and `HASHED()` both mean the inside. */
function stripCall(value: string, keyword: string): string {
  const match = new RegExp(`^${keyword}\\s*\\(([\\s\\S]*)\\)$`, 'i').exec(value);
  return match ? match[1]!.trim() : value;
}

function fieldList(value: unknown, problems: Problem[]): { name: string; type: string }[] | undefined {
  if (value === undefined || value === null) return undefined;
  const pairs: [unknown, unknown][] = Array.isArray(value)
    ? value.map((item) => (Array.isArray(item) ? [item[0], item[1]] : [item?.name, item?.type]))
    : typeof value === 'object'
      ? Object.entries(value as Record<string, unknown>)
      : [];
  if (pairs.length === 0 || pairs.some(([name, type]) => typeof name !== 'string' || typeof type !== 'string')) {
    problems.push({
      message: `Config 'fields' must map attribute names to ClickHouse types, but it is ${JSON.stringify(value)}.`,
      hint: "For example: fields=[('craft', 'String'), ('people', 'UInt32')], or a mapping {'craft': 'String'}",
    });
    return undefined;
  }
  return pairs.map(([name, type]) => ({ name: name as string, type: type as string }));
}

/** `a, f(b, c)` → `['a', 'f(b, c)']`: commas inside brackets or quotes do not split. */
export function splitTopLevelCommas(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quote !== undefined) {
      if (char === '\\') i += 1;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"' || char === '`') quote = char;
    else if (char === '(' || char === '[') depth += 1;
    else if (char === ')' || char === ']') depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function stringList(value: unknown, key: string, problems: Problem[], hint: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  problems.push({ message: `Config '${key}' must be a string or a list of strings, but it is ${JSON.stringify(value)}.`, hint, key });
  return [];
}

function oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[], fallback: T, problems: Problem[]): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push({
    message: `Config '${key}' must be one of ${allowed.join(', ')}, but it is ${JSON.stringify(value)}.`,
    hint: `For example: ${key}='${allowed[allowed.length - 1]}'.`,
    key,
  });
  return fallback;
}
