import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { Scope } from '../template/template-engine.js';
import { Relation } from '../template/relation.js';
import type { Project } from './load-project.js';
import type { ModelNode, SeedNode, SnapshotNode } from './nodes.js';
import { configFunction, nodeContext, relationOf, type ContextNode } from './scopes.js';
import { splitArgs } from '../template/call-args.js';
import { InputRelation, runtimeRelation } from './runtime-relation.js';
import { EphemeralCtes } from './ephemeral.js';
import { statementFunctions, type QueryTable } from './query-results.js';
import { reusableRender } from './speculation.js';
import { graphContext } from './graph-context.js';
import { noteCompiled, noteGraphRead } from './run-state.js';

export interface RuntimeFlags {
  /** The model's relation already exists as a table and --full-refresh was not given. */
  isIncremental?: boolean;
  fullRefresh?: boolean;
  /**
   * Runs a query while rendering (`run_query`, `statement`); undefined at compile time without a
   * connection. Synchronous: see replay-render.ts for how the runner provides one.
   */
  runQuery?: (sql: string) => QueryTable;
  /**
   * A microbatch model's batch (`[start, end)`, UTC `YYYY-MM-DD hh:mm:ss`): `model.batch` tells the
   * template, and refs to models and seeds with an `event_time` read only that window, as in dbt 1.9.
   */
  batch?: { start: string; end: string };
  /**
   * Unit tests: SELECTs standing in for parents (by unique id) and for the model itself (`this`
   * under the key THIS_INPUT). Each ref()/source() they cover renders as `(<select>)`.
   */
  inputs?: ReadonlyMap<string, string>;
  /**
   * How the inputs are put in: CTEs named like the relations (default; ClickHouse 20.10+), or
   * subqueries for servers without `WITH name AS (SELECT …)`.
   */
  inputsAs?: 'cte' | 'subquery';
}

/** The key of `flags.inputs` for the model's own relation (`input: this` in a unit test). */
export const THIS_INPUT = 'this';

/**
 * Renders a model's SQL with real relation names (dbt's compile/execute phase). Ephemeral models
 * it refs are rendered too and put in front as CTEs (`WITH __tsdbt__cte__name AS (…)`).
 */
export function renderModel(project: Project, node: ModelNode, flags: RuntimeFlags = {}): string {
  const reused = flags.batch === undefined && flags.inputs === undefined ? reusableRender(project, node) : undefined;
  if (reused !== undefined) return refuseEmpty(node, reused);
  const template = project.engine.compileFor(node, node.originalFilePath, node.rawSql);
  const ctes: EphemeralCtes = new EphemeralCtes((parent): string => renderEphemeral(project, parent, flags, ctes));
  return ctes.inject(refuseEmpty(node, template.render(runtimeScope(project, node, flags, ctes)).trim()));
}

/** Renders a snapshot's query at run time (ephemeral models it refs become CTEs, as for a model). */
export function renderSnapshot(project: Project, node: SnapshotNode, flags: RuntimeFlags = {}): string {
  const template = project.engine.compileFor(node, node.originalFilePath, node.rawSql);
  const ctes: EphemeralCtes = new EphemeralCtes((parent): string => renderEphemeral(project, parent, flags, ctes));
  return ctes.inject(template.render(runtimeScope(project, node, flags, ctes)).trim());
}

function renderEphemeral(project: Project, node: ModelNode, flags: RuntimeFlags, ctes: EphemeralCtes): string {
  // Its own is_incremental() is false: an ephemeral model has no table of its own.
  const own = { ...flags, isIncremental: false };
  return refuseEmpty(
    node,
    project.engine
      .compileFor(node, node.originalFilePath, node.rawSql)
      .render(runtimeScope(project, node, own, ctes))
      .trim(),
  );
}

/**
 * The names a node sees at run time. `ctes` collects the ephemeral models it refs; without one
 * (tests, hooks) an ephemeral ref reads as a subquery `(…)` instead.
 */
export function runtimeScope(project: Project, node: ContextNode, flags: RuntimeFlags, ctes?: EphemeralCtes): Scope {
  const inline: EphemeralCtes = ctes ?? new EphemeralCtes((parent): string => renderEphemeral(project, parent, flags, inline), true);
  const statements = statementFunctions(flags.runQuery);
  const byName = refableByName(project);
  const inputRelation = (schema: string, identifier: string, sql: string) =>
    flags.inputsAs === 'subquery' ? new InputRelation(schema, identifier, 'table', sql) : inline.input(schema, identifier, sql);
  return {
    ref: (...args: unknown[]) => {
      const { positional } = splitArgs(args);
      const name = String(positional[1] ?? positional[0]);
      const parent = byName.get(name);
      const given = parent === undefined ? undefined : flags.inputs?.get(parent.uniqueId);
      if (given !== undefined) return inputRelation(parent!.relation.schema, parent!.relation.identifier, given);
      if (parent?.resourceType === 'model' && parent.config.materialized === 'ephemeral') return inline.ref(parent);
      // Parsing already proved every ref resolves; a miss here means a ref computed differently at run time.
      if (parent === undefined) return relationOf({ schema: project.target.schema, identifier: name });
      const relation = runtimeRelation(
        project.run,
        parent.uniqueId,
        relationOf(parent.relation, parent.resourceType === 'model' ? String(parent.config.materialized) : 'table'),
      );
      const eventTime = parent.config.event_time;
      return flags.batch !== undefined && typeof eventTime === 'string' && eventTime !== '' ? new BatchRelation(relation, eventTime, flags.batch) : relation;
    },
    source: (...args: unknown[]) => {
      const { positional } = splitArgs(args);
      // A package's node finds its package's sources first (as parsing resolved it).
      const key = `${String(positional[0])}.${String(positional[1])}`;
      const source = project.sources.get(`source.${node.packageName}.${key}`) ?? project.sources.get(`source.${project.config.name}.${key}`);
      const given = source === undefined ? undefined : flags.inputs?.get(source.uniqueId);
      if (given !== undefined) return inputRelation(source!.relation.schema, source!.relation.identifier, given);
      return runtimeRelation(
        project.run,
        undefined,
        relationOf(source ? source.relation : { schema: String(positional[0]), identifier: String(positional[1]) }, 'table'),
      );
    },
    config: configFunction(() => node.config),
    this:
      flags.inputs?.has(THIS_INPUT) === true
        ? inputRelation(node.relation.schema, node.relation.identifier, flags.inputs.get(THIS_INPUT)!)
        : relationOf(node.relation, String(node.config.materialized)),
    is_incremental: () => flags.isIncremental === true,
    should_full_refresh: () => flags.fullRefresh === true,
    execute: true,
    model:
      flags.batch === undefined
        ? nodeContext(node)
        : { ...nodeContext(node), batch: { event_time_start: flags.batch.start, event_time_end: flags.batch.end, id: flags.batch.start.replace(/\D/g, '') } },
    run_query: (sql: unknown) => (flags.runQuery ? flags.runQuery(String(sql)) : null),
    statement: statements.statement,
    load_result: statements.load_result,
    get graph() {
      noteGraphRead(project);
      return graphContext(project);
    },
  };
}

/** A parent read for one batch: `(select * from db.t where event_time >= … and event_time < …)`, like dbt's event-time filter. */
class BatchRelation extends Relation {
  constructor(
    private readonly inner: Relation,
    private readonly eventTime: string,
    private readonly window: { start: string; end: string },
  ) {
    super(inner.schema, inner.identifier, inner.type);
  }

  override render(): string {
    const { start, end } = this.window;
    return `(select * from ${this.inner.render()} where ${this.eventTime} >= toDateTime('${start}', 'UTC') and ${this.eventTime} < toDateTime('${end}', 'UTC'))`;
  }
}

const refable = new WeakMap<Project, { models: number; seeds: number; snapshots: number; byName: Map<string, ModelNode | SeedNode | SnapshotNode> }>();

/** Models, seeds and snapshots by name (what `ref()` finds), built once per project rather than once per render. */
function refableByName(project: Project): Map<string, ModelNode | SeedNode | SnapshotNode> {
  const snapshots = project.snapshots?.size ?? 0;
  const known = refable.get(project);
  if (known !== undefined && known.models === project.models.size && known.seeds === project.seeds.size && known.snapshots === snapshots) return known.byName;
  const byName = new Map<string, ModelNode | SeedNode | SnapshotNode>();
  for (const seed of project.seeds.values()) byName.set(seed.name, seed);
  for (const snapshot of project.snapshots?.values() ?? []) byName.set(snapshot.name, snapshot);
  for (const model of project.models.values()) byName.set(model.name, model);
  refable.set(project, { models: project.models.size, seeds: project.seeds.size, snapshots, byName });
  return byName;
}

/** Compiles every model (or the models and snapshots in `ids`), noting each one's SQL in the project's run state. Errors are collected. */
export function compileModels(project: Project, ids?: Iterable<string>): TsdbtError[] {
  const errors: TsdbtError[] = [];
  const wanted = ids === undefined ? [...project.models.keys()] : [...ids];
  for (const id of wanted) {
    const node = project.models.get(id) ?? project.snapshots?.get(id) ?? project.analyses?.get(id);
    if (node === undefined) continue;
    try {
      // An analysis renders exactly as a model would; it is only never run.
      noteCompiled(project, node.uniqueId, node.resourceType === 'snapshot' ? renderSnapshot(project, node) : renderModel(project, node as ModelNode));
    } catch (error) {
      if (error instanceof TsdbtError) errors.push(...error.all());
      else throw error;
    }
  }
  return errors;
}

/** Nothing but comments and white space: what a model may not compile to. */
export function isEmptySql(sql: string): boolean {
  return (
    sql
      .replace(/--[^\n]*/g, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .trim() === ''
  );
}

/** SQL with nothing but comments and white space in it: the database would answer with a bare syntax error. */
function refuseEmpty(node: ModelNode, sql: string): string {
  if (!isEmptySql(sql)) return sql;
  throw new TsdbtError({
    code: ErrorCodes.EMPTY_MODEL,
    message: `The model '${node.name}' has no SQL: ${node.originalFilePath} ${node.rawSql.trim() === '' ? 'is empty' : 'renders to nothing but comments and white space'}.`,
    file: node.originalFilePath,
    line: 1,
    hint: 'Write the SELECT the model stands for, delete the file, or disable the model with {{ config(enabled=false) }}.',
  });
}
