/**
 * What a property file may say, and a warning for anything else: a misspelt key (`descripton:`)
 * or a dbt resource tsdbt does not build would otherwise be read past in silence.
 */

import type { YamlDocument } from '../config/yaml-document.js';
import { didYouMean, isPlainObject } from '../config/value-checks.js';

const MODEL_KEYS = [
  'name',
  'description',
  'docs',
  'config',
  'constraints',
  'columns',
  'data_tests',
  'tests',
  'meta',
  'tags',
  'access',
  'group',
  'latest_version',
  'versions',
  'deprecation_date',
  'time_spine',
];
const SEED_KEYS = ['name', 'description', 'docs', 'config', 'columns', 'data_tests', 'tests', 'meta', 'tags'];
const SNAPSHOT_KEYS = ['name', 'description', 'docs', 'config', 'columns', 'data_tests', 'tests', 'meta', 'tags', 'relation'];
const SOURCE_KEYS = [
  'name',
  'description',
  'database',
  'schema',
  'loader',
  'loaded_at_field',
  'loaded_at_query',
  'meta',
  'tags',
  'config',
  'overrides',
  'freshness',
  'quoting',
  'tables',
];
const TABLE_KEYS = [
  'name',
  'description',
  'identifier',
  'loaded_at_field',
  'loaded_at_query',
  'meta',
  'tags',
  'config',
  'freshness',
  'quoting',
  'external',
  'columns',
  'data_tests',
  'tests',
  'ingest',
];
const COLUMN_KEYS = [
  'name',
  'description',
  'data_type',
  'meta',
  'tags',
  'quote',
  'constraints',
  'data_tests',
  'tests',
  'docs',
  'granularity',
  'codec',
  'ttl',
  'policy_tags',
];

/** Keys dbt knows that tsdbt reads past: said once each, with why. */
const NOT_ACTED_ON: Record<string, string> = {
  versions: 'model versions are not supported; the model is built from its .sql file alone',
  latest_version: 'model versions are not supported',
  deprecation_date: 'deprecation dates are not checked',
  access: 'model access is not enforced',
  group: 'groups are not enforced',
  overrides: 'overriding a package source is not supported',
  external: 'external tables are not created; point the source at an existing table',
  loader: 'the loader is shown nowhere',
  time_spine: 'the semantic layer is not part of tsdbt',
  policy_tags: 'policy tags are BigQuery-only',
};

/** Top-level sections of a property file for resources tsdbt does not build. */
const UNBUILT_SECTIONS: Record<string, string> = {
  metrics: 'metrics (the semantic layer) are not part of tsdbt',
  semantic_models: 'semantic models are not part of tsdbt',
  saved_queries: 'saved queries are not part of tsdbt',
  groups: 'groups are not enforced',
  macros: 'macro properties (descriptions, arguments) are not shown anywhere yet',
  analyses: 'analysis properties are not shown anywhere yet',
  data_tests: 'properties of singular tests are not read yet; configure them with config() in the test file',
};

export type EntryKind = 'model' | 'seed' | 'snapshot' | 'source' | 'source table' | 'column';

const KEYS: Record<EntryKind, readonly string[]> = {
  model: MODEL_KEYS,
  seed: SEED_KEYS,
  snapshot: SNAPSHOT_KEYS,
  source: SOURCE_KEYS,
  'source table': TABLE_KEYS,
  column: COLUMN_KEYS,
};

/** A warning per key of `entry` that tsdbt does not know or does not act on. */
export function entryKeyWarnings(entry: unknown, kind: EntryKind, at: (string | number)[], doc: YamlDocument): string[] {
  if (!isPlainObject(entry)) return [];
  const known = KEYS[kind];
  const warnings: string[] = [];
  for (const key of Object.keys(entry)) {
    // Asked for every key, warned or not: a property file's lines asked are kept in partial_parse.json
    // (parse-cache.ts), which must not change. Only the text is left unmade when nothing is said.
    const line = doc.lineOf([...at, key]) ?? doc.lineOf(at) ?? 1;
    if (!known.includes(key)) warnings.push(`${doc.file}:${line}: unknown ${kind} property \`${key}\` is ignored.${didYouMean(key, known)}`);
    else if (NOT_ACTED_ON[key] !== undefined) warnings.push(`${doc.file}:${line}: \`${key}\` is accepted but tsdbt does not act on it (${NOT_ACTED_ON[key]}).`);
  }
  return warnings;
}

/** A warning per top-level section of a property file that tsdbt reads past, or does not know. */
export function sectionWarnings(root: Record<string, unknown>, handled: readonly string[], doc: YamlDocument): string[] {
  const warnings: string[] = [];
  for (const key of Object.keys(root)) {
    if (handled.includes(key)) continue;
    const where = `${doc.file}:${doc.lineOf([key]) ?? 1}`;
    const why = UNBUILT_SECTIONS[key];
    if (why !== undefined) warnings.push(`${where}: \`${key}:\` is ignored: ${why}.`);
    else warnings.push(`${where}: unknown top-level key \`${key}\` is ignored.${didYouMean(key, [...handled, ...Object.keys(UNBUILT_SECTIONS)])}`);
  }
  return warnings;
}

/** Warnings for the keys of each column entry in a `columns:` list. */
export function columnKeyWarnings(columns: unknown, at: (string | number)[], doc: YamlDocument): string[] {
  return Array.isArray(columns) ? columns.flatMap((column, index) => entryKeyWarnings(column, 'column', [...at, index], doc)) : [];
}
