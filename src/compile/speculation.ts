/**
 * One render instead of two, where that is exact.
 *
 * A model is rendered at parse time (to record its ref(), source() and config() calls) and
 * again at compile time with the real relation names. For most models both renders print the
 * same text: ref('x') prints the same `schema`.`x` whether it is the placeholder of parse time
 * or the parent's final relation. So the parse-time render is kept, with a record of what it
 * depended on, and `tsdbt compile` reuses it when every dependency still holds:
 *
 * - each ref() and source() printed what the final relation prints (no custom schema or alias
 *   changed it, no parent is ephemeral, no --defer or --empty), and so did `this`;
 * - no relation was looked into (`ref('x').identifier`), and nothing that differs between parse
 *   and compile time was read: `execute`, `model`, `is_incremental`, `config.get`, `graph`,
 *   `run_query`…, nor anything with side effects or a clock (`log`, `print`, `modules`).
 *
 * Otherwise the model is rendered again, as before.
 */
import { keptOnce } from '../core/flat-string.js';
import { trimmed } from '../core/trimmed.js';
import { splitArgs } from '../template/call-args.js';
import { Relation } from '../template/relation.js';
import { SCOPED_NAMES, type Scope, type TemplateEngine } from '../template/template-engine.js';
import type { Project } from './load-project.js';
import type { ModelNode, SeedNode } from './nodes.js';
import { relationOf } from './scopes.js';

export interface Speculation {
  /** The text rendered. */
  text: string;
  /** The parse-time render, trimmed as renderModel trims. */
  output: string;
  /** What each ref() printed, by the name it was given. */
  refs: { name: string; printed: string }[];
  /** What each source() printed. */
  sources: { source: string; table: string; printed: string }[];
  /** What `this` printed, if it was used. */
  printedThis: string | undefined;
  /** Set when the render read something that may differ at compile time. */
  volatile: boolean;
  /** False when what the render found may differ in another command (see parse-cache.ts). */
  cacheable: boolean;
  /** The render used `adapter` (its `supports()` assumed a current server). */
  usesAdapter?: boolean;
}

/** Globals that only change from one command to the next: fine to reuse within one, not to keep for the next. */
const PER_COMMAND = new Set(['env_var', 'invocation_id', 'run_started_at']);

/** Scoped names a render may use without making its text depend on parse time. */
const STABLE_NAMES = new Set(['ref', 'source', 'config', 'this']);

/** Relation members that only print it. */
const PRINTING = new Set<PropertyKey>(['toString', 'valueOf', 'render', Symbol.toPrimitive, '__keywords']);

export function newSpeculation(): Speculation {
  return { text: '', output: '', refs: [], sources: [], printedThis: undefined, volatile: false, cacheable: true };
}

/**
 * The parse scope, watched: ref(), source() and `this` return relations that note any use other
 * than printing, `config.get`/`config.require` and every other scoped name mark the render volatile.
 */
export function watchedScope(scope: Scope, record: Speculation, texts: Map<string, string>): Scope {
  const watch = (relation: unknown): unknown => {
    if (typeof relation !== 'object' || relation === null) return relation;
    return new Proxy(relation as Relation, {
      get(target, key) {
        if (PRINTING.has(key)) {
          const value = (target as unknown as Record<PropertyKey, unknown>)[key];
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        }
        record.volatile = true;
        return Reflect.get(target, key, target);
      },
    });
  };
  const ref = scope.ref as (...args: unknown[]) => Relation;
  const source = scope.source as (...args: unknown[]) => Relation;
  const config = scope.config as ((...args: unknown[]) => unknown) & { get: unknown; require: unknown };
  const watchedConfig = Object.assign((...args: unknown[]) => config(...args), {
    get: (...args: unknown[]) => {
      record.volatile = true;
      return (config.get as (...a: unknown[]) => unknown)(...args);
    },
    require: (...args: unknown[]) => {
      record.volatile = true;
      return (config.require as (...a: unknown[]) => unknown)(...args);
    },
  });
  const replaced: Scope = {
    ref: (...args: unknown[]) => {
      const relation = ref(...args);
      const { positional } = splitArgs(args);
      record.refs.push({ name: keptOnce(texts, String(positional[1] ?? positional[0])), printed: keptOnce(texts, relation.render()) });
      return watch(relation);
    },
    source: (...args: unknown[]) => {
      const relation = source(...args);
      const { positional } = splitArgs(args);
      record.sources.push({ source: String(positional[0]), table: String(positional[1]), printed: keptOnce(texts, relation.render()) });
      return watch(relation);
    },
    config: watchedConfig,
  };
  const watched: Scope = {};
  for (const name of SCOPED_NAMES) {
    Object.defineProperty(watched, name, {
      enumerable: true,
      get: () => {
        if (!STABLE_NAMES.has(name)) record.volatile = true;
        if (name === 'this') {
          record.printedThis = (scope.this as Relation).render();
          return watch(scope.this);
        }
        return name in replaced ? replaced[name] : scope[name];
      },
    });
  }
  // The compiler reads the config() calls back from the scope (inFileConfigOf).
  Object.defineProperty(watched, 'inFileConfig', { get: () => (scope as { inFileConfig?: unknown }).inFileConfig, enumerable: false });
  return watched;
}

const kept = new WeakMap<object, Speculation>();

/**
 * Per template engine (one per project), the names and printed relations the records hold, each
 * kept once: a 10,000-model project's records print about 50,000 relations, 10,000 distinct,
 * each printed one a tree of the pieces it was concatenated from (see core/flat-string.ts).
 */
const recordTexts = new WeakMap<TemplateEngine, Map<string, string>>();

function textsOf(engine: TemplateEngine): Map<string, string> {
  let texts = recordTexts.get(engine);
  if (texts === undefined) recordTexts.set(engine, (texts = new Map()));
  return texts;
}

/** Renders `node` at parse time with `scope` (watched), and keeps the text for `reusableRender`. */
export function renderAtParse(engine: TemplateEngine, node: ModelNode, scope: Scope): Speculation {
  const record = newSpeculation();
  // Kept for a second render only when one will be needed: 10,000 compiled templates nobody
  // renders again would stay in memory for nothing (and cost every garbage collection).
  const template = engine.compile(node.originalFilePath, node.rawSql);
  const output = engine.watchVolatile(
    (name) => {
      if (name === 'adapter') {
        record.usesAdapter = true;
        return;
      }
      if (!PER_COMMAND.has(name)) record.volatile = true;
      record.cacheable = false;
    },
    () => template.render(watchedScope(scope, record, textsOf(engine))),
  );
  if (record.volatile) {
    record.cacheable = false;
    engine.keepCompiled(node, node.rawSql, template);
  }
  record.text = node.rawSql;
  record.output = output.trim();
  record.refs = trimmed(record.refs);
  record.sources = trimmed(record.sources);
  kept.set(node, record);
  return record;
}

/** Keeps a parse-time render found in the parse cache, as if `renderAtParse` had just made it. */
export function restoreRender(node: ModelNode, render: Pick<Speculation, 'output' | 'refs' | 'sources' | 'printedThis' | 'usesAdapter'>): void {
  kept.set(node, { ...render, text: node.rawSql, volatile: false, cacheable: true });
}

/**
 * The parse-time render of `node`, when a render now (compile, or run: the run-time switches
 * `is_incremental()`, `should_full_refresh()`, `run_query` are scoped names, whose use made the
 * render volatile) would print the same text: see the conditions at the top of this file.
 */
export function reusableRender(project: Pick<Project, 'models' | 'seeds' | 'sources' | 'config' | 'run' | 'engine'>, node: ModelNode): string | undefined {
  const record = kept.get(node);
  if (record === undefined || record.volatile || record.text !== node.rawSql || project.run.deferTo !== undefined || project.run.emptyRefs === true)
    return undefined;
  if (record.usesAdapter === true && !project.engine.adapterModern) return undefined;
  if (record.printedThis !== undefined && record.printedThis !== relationOf(node.relation).render()) return undefined;
  for (const ref of record.refs) {
    const parent = refable(project, ref.name);
    if (parent === undefined) return undefined;
    if (parent.resourceType === 'model' && parent.config.materialized === 'ephemeral') return undefined;
    if (relationOf(parent.relation).render() !== ref.printed) return undefined;
  }
  for (const call of record.sources) {
    const source = project.sources.get(`source.${project.config.name}.${call.source}.${call.table}`);
    const printed = source === undefined ? new Relation(call.source, call.table).render() : relationOf(source.relation).render();
    if (printed !== call.printed) return undefined;
  }
  return record.output;
}

/** Forgets the parse-time render (the node's text or config changed after parsing). */
export function forgetRender(node: ModelNode): void {
  kept.delete(node);
}

function refable(project: Pick<Project, 'models' | 'seeds' | 'config'>, name: string): ModelNode | SeedNode | undefined {
  return project.models.get(`model.${project.config.name}.${name}`) ?? project.seeds.get(`seed.${project.config.name}.${name}`);
}
