import type { ExposureNode } from './exposures.js';
import type { FreshnessRule } from './freshness.js';
import type { IngestConfig } from '../ingest/ingest-config.js';
import type { GraphNode } from '../graph/node.js';
import type { SnapshotSpec } from '../materialize/snapshot-spec.js';

export type { SnapshotColumnNames, SnapshotSpec } from '../materialize/snapshot-spec.js';

export interface ColumnProperties {
  name: string;
  description: string;
  dataType: string | undefined;
  meta: Record<string, unknown>;
  tags: string[];
  /** Generic tests declared on the column, as written (`unique`, `{accepted_values: {values: [...]}}`). */
  tests: unknown[];
  /** dbt's `quote: true`: the column's tests get its name quoted (a name with spaces or odd characters). */
  quote?: boolean;
  /** ClickHouse column codec (`ZSTD(3)`, `Delta, LZ4`), from the YAML column. */
  codec?: string;
  /** ClickHouse column TTL expression, from the YAML column. */
  ttl?: string;
  /** dbt constraints declared on the column (`not_null`, `check`, …); acted on when the model's contract is enforced. */
  constraints?: ConstraintProperties[];
}

/** A dbt constraint, on a column or (with `columns`) on the model. */
export interface ConstraintProperties {
  /** `not_null`, `check`, `unique`, `primary_key`, `foreign_key`, `custom`. */
  type: string;
  expression: string | undefined;
  name: string | undefined;
  /** Model-level constraints: the columns they are about. */
  columns: string[] | undefined;
  /** dbt's `warn_unsupported` (default true). */
  warnUnsupported: boolean;
  /** Where it is written. */
  file: string;
  line: number | undefined;
}

/** Where a node's relation lives: a dbt "schema" is a ClickHouse database. */
export interface RelationName {
  schema: string;
  identifier: string;
}

export interface RefCall {
  name: string;
  packageName: string | undefined;
  line: number | undefined;
}

export interface SourceCall {
  source: string;
  table: string;
  line: number | undefined;
}

export interface ModelNode extends GraphNode {
  resourceType: 'model';
  rawSql: string;
  refs: RefCall[];
  sourceCalls: SourceCall[];
  dependsOn: { nodes: string[]; macros: string[] };
  relation: RelationName;
  description: string;
  columns: Record<string, ColumnProperties>;
  meta: Record<string, unknown>;
  /** The YAML file describing this model, if any. */
  patchPath: string | undefined;
  /** Line of the model's entry in that file (for errors about what the entry declares). */
  patchLine?: number | undefined;
  /** Tests declared on the model (not on a column). */
  tests: unknown[];
  /** Model-level constraints (`constraints:` beside `columns:` in YAML). */
  constraints?: ConstraintProperties[];
}

export interface SourceNode extends GraphNode {
  resourceType: 'source';
  sourceName: string;
  relation: RelationName;
  description: string;
  sourceDescription: string;
  columns: Record<string, ColumnProperties>;
  meta: Record<string, unknown>;
  /** What freshness measures: dbt's `loaded_at_field` (a source with `ingest:` defaults to `_inserted_at`). */
  loadedAtField: string | undefined;
  /** dbt 1.10's `loaded_at_query`: a query returning the last load time, instead of a field. */
  loadedAtQuery?: string | undefined;
  /** The `freshness:` rule in force for this table, if any. */
  freshness?: FreshnessRule | undefined;
  /** The raw `ingest:` mapping (Jinja rendered). */
  ingest: Record<string, unknown> | undefined;
  /** The same, validated (set by loadProject). */
  ingestConfig?: IngestConfig | undefined;
  /** Line of the table entry in its YAML file. */
  line: number | undefined;
  tests: unknown[];
}

/** A CSV file under seed-paths, loaded into a table by `tsdbt seed`; `ref('name')` resolves to it. */
export interface SeedNode extends GraphNode {
  resourceType: 'seed';
  /** Seeds depend on nothing; present so every node kind reads the same. */
  dependsOn: { nodes: string[]; macros: string[] };
  relation: RelationName;
  description: string;
  columns: Record<string, ColumnProperties>;
  meta: Record<string, unknown>;
  patchPath: string | undefined;
  tests: unknown[];
}

/** What a generic test was declared as (dbt's `test_metadata`). */
export interface TestMetadata {
  /** `not_null`, `accepted_values`, or a custom `{% test name %}`. */
  name: string;
  /** `dbt_utils` in `dbt_utils.expression_is_true`, else null. */
  namespace: string | null;
  /** Arguments as written (strings like `ref('x')` are evaluated when the test is compiled), plus `model` and `column_name`. */
  kwargs: Record<string, unknown>;
}

/** A data test: a query returning failing rows. Generic (declared in YAML) or singular (tests/*.sql). */
export interface TestNode extends GraphNode {
  resourceType: 'test';
  /** Singular: the file's SQL. Generic: dbt's `{{ test_<name>(**_dbt_generic_test_kwargs) }}`. */
  rawSql: string;
  refs: RefCall[];
  sourceCalls: SourceCall[];
  dependsOn: { nodes: string[]; macros: string[] };
  /** Where `store_failures` keeps the failing rows. */
  relation: RelationName;
  description: string;
  meta: Record<string, unknown>;
  /** Generic tests only. */
  testMetadata: TestMetadata | undefined;
  columnName: string | undefined;
  /** The model, seed or source a generic test is declared on. */
  attachedNode: string | undefined;
  /** Line of the declaring YAML entry (generic) or undefined (singular). */
  line: number | undefined;
}

/** One `given:` entry of a unit test: the rows standing in for a ref, a source or (incremental) `this`. */
export interface UnitTestInput {
  /** As written: `ref('orders')`, `source('shop', 'raw')`, `this`. */
  input: string;
  /** The node it stands for; undefined for `this`. */
  uniqueId: string | undefined;
  format: 'dict' | 'csv' | 'sql';
  /** dict: a list of mappings; csv/sql: the text (from `rows` or the fixture file). */
  rows: Record<string, unknown>[] | string;
  /** A seed given without rows: its CSV file (project-relative), read when the test runs. */
  seedFile?: string;
  line: number | undefined;
}

/** dbt 1.8's unit test: a model rendered over literal input rows, its output compared with `expect`. */
export interface UnitTestNode extends GraphNode {
  resourceType: 'unit_test';
  /** The model under test (name and unique id). */
  model: string;
  modelId: string;
  given: UnitTestInput[];
  expect: { format: 'dict' | 'csv' | 'sql'; rows: Record<string, unknown>[] | string; line: number | undefined };
  overrides: { macros: Record<string, unknown>; vars: Record<string, unknown>; envVars: Record<string, string> };
  /** The tested model (dbt's depends_on for unit tests). */
  dependsOn: { nodes: string[]; macros: string[] };
  description: string;
  meta: Record<string, unknown>;
  /** Line of the `- name:` entry. */
  line: number | undefined;
}

/**
 * A dbt snapshot: a `{% snapshot name %}` block under snapshot-paths, or a `snapshots:` YAML entry
 * with `relation:` (dbt 1.9). Its query is rendered like a model's; `spec` is its validated config.
 */
export interface SnapshotNode extends Omit<ModelNode, 'resourceType'> {
  resourceType: 'snapshot';
  /** Line of the `{% snapshot %}` tag or of the YAML entry. */
  line: number | undefined;
  spec: SnapshotSpec;
}

/** A `.sql` file under analysis-paths: compiled into target/compiled like a model, never run (dbt's analyses). */
export interface AnalysisNode extends Omit<ModelNode, 'resourceType'> {
  resourceType: 'analysis';
}

export type ProjectNode = ModelNode | SourceNode | SeedNode | TestNode | SnapshotNode | ExposureNode | AnalysisNode | UnitTestNode;

export function isModel(node: GraphNode): node is ModelNode {
  return node.resourceType === 'model';
}

export function isSource(node: GraphNode): node is SourceNode {
  return node.resourceType === 'source';
}

export function isSeed(node: GraphNode): node is SeedNode {
  return node.resourceType === 'seed';
}

export function isSnapshot(node: GraphNode): node is SnapshotNode {
  return node.resourceType === 'snapshot';
}

export function isTest(node: GraphNode): node is TestNode {
  return node.resourceType === 'test';
}

export function isUnitTest(node: GraphNode): node is UnitTestNode {
  return node.resourceType === 'unit_test';
}
