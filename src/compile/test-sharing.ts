/**
 * Parts most generic tests repeat, kept once per parse and frozen: a 10,000-model project declares
 * 30,000 tests, nearly all with the same config and empty lists, and nodes stay alive for the
 * whole command (bench/notes.md, "Peak RSS of the 10,000-model compile"). Frozen, because one
 * object now stands for many tests: a write into it would change all of them, so it fails instead.
 */
import type { Plain } from '../config/value-checks.js';

/** Distinct configs kept for sharing: a project whose tests each have their own config stops adding past this. */
export const DISTINCT_CONFIGS_KEPT = 1024;

/** The empty list every test without tags, refs or source() calls holds. */
export const NO_ITEMS: readonly never[] = Object.freeze([]);

export interface TestSharing {
  /** Configs by `dataKey`. */
  configs: Map<string, Plain>;
  /** A generic test's `dependsOn.macros`, `[macroId]`, by macro. */
  macroLists: Map<string, readonly string[]>;
  /** The last list of parents handed out: a model's tests follow one another and depend on the same nodes. */
  lastParents: readonly string[];
  /** The last ref list handed out, for the same reason. */
  lastRefs: readonly { name: string; packageName: string | undefined; line: number | undefined }[];
  /** The last `{column_name, model}` arguments of a test without arguments (`- unique`, `- not_null` on one column). */
  lastColumnArgs: Plain | undefined;
}

export function newTestSharing(): TestSharing {
  return { configs: new Map(), macroLists: new Map(), lastParents: NO_ITEMS, lastRefs: NO_ITEMS, lastColumnArgs: undefined };
}

/**
 * An equal config already handed out (same keys in the same order, same values), else `config`
 * itself, frozen and remembered. A config with an alias is left alone: the alias names one
 * test's relation, so no other test has it.
 */
export function sharedConfig(sharing: TestSharing, config: Plain): Plain {
  if (config.alias !== undefined && config.alias !== null) return config;
  const key = dataKey(config);
  if (key === undefined) return config;
  const known = sharing.configs.get(key);
  if (known !== undefined) return known;
  if (sharing.configs.size >= DISTINCT_CONFIGS_KEPT) return config;
  sharing.configs.set(key, deepFreeze(config));
  return config;
}

/** The one-macro list `[macroId]` of a generic test's `dependsOn.macros`. */
export function sharedMacroList(sharing: TestSharing, macroId: string): string[] {
  let list = sharing.macroLists.get(macroId);
  if (list === undefined) sharing.macroLists.set(macroId, (list = Object.freeze([macroId])));
  return list as string[];
}

/** `parents`, or the equal list handed out just before it. */
export function sharedParents(sharing: TestSharing, parents: string[]): readonly string[] {
  if (parents.length === 0) return NO_ITEMS;
  const last = sharing.lastParents;
  if (last.length === parents.length && last.every((id, index) => id === parents[index])) return last;
  sharing.lastParents = Object.freeze(parents);
  return sharing.lastParents;
}

/** `refs`, or the equal list handed out just before it. */
export function sharedRefs(sharing: TestSharing, refs: TestSharing['lastRefs'][number][]): TestSharing['lastRefs'] {
  if (refs.length === 0) return NO_ITEMS;
  const last = sharing.lastRefs;
  const same = (a: (typeof refs)[number], b: (typeof refs)[number]) => a.name === b.name && a.packageName === b.packageName && a.line === b.line;
  if (last.length === refs.length && last.every((ref, index) => same(ref, refs[index]!))) return last;
  sharing.lastRefs = Object.freeze(refs.map((ref) => Object.freeze({ ...ref })));
  return sharing.lastRefs;
}

/** The arguments of a test declared without any (`- unique`): the previous test's when it was on the same column of the same node. */
export function sharedColumnArgs(sharing: TestSharing, columnName: string | undefined, model: string): Plain {
  const last = sharing.lastColumnArgs;
  if (last !== undefined && last.column_name === columnName && last.model === model) return last;
  const args: Plain = columnName === undefined ? { model } : { column_name: columnName, model };
  sharing.lastColumnArgs = Object.freeze(args);
  return args;
}

/**
 * A text that is equal for equal data and differs otherwise, for data made of strings, finite
 * numbers, booleans, null, lists and plain objects (key order counts, as it does in the
 * manifest); undefined for anything else, which is then not shared.
 */
export function dataKey(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : undefined;
    case 'object':
      return Array.isArray(value) ? listKey(value) : objectKey(value);
    default:
      return undefined;
  }
}

function listKey(list: unknown[]): string | undefined {
  let key = '[';
  for (let index = 0; index < list.length; index += 1) {
    if (!(index in list)) return undefined;
    const item = dataKey(list[index]);
    if (item === undefined) return undefined;
    key += index === 0 ? item : `,${item}`;
  }
  return `${key}]`;
}

function objectKey(object: object): string | undefined {
  if (Object.getPrototypeOf(object) !== Object.prototype) return undefined;
  let key = '{';
  let first = true;
  for (const name of Object.keys(object)) {
    const item = dataKey((object as Plain)[name]);
    if (item === undefined) return undefined;
    key += `${first ? '' : ','}${JSON.stringify(name)}:${item}`;
    first = false;
  }
  return `${key}}`;
}

/** `value` and the lists and objects in it, frozen (only data `dataKey` accepts reaches here). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
