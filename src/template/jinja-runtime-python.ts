/**
 * Jinja2 behaviours of tsdbt's scoped runtime (jinja-runtime.ts) that nunjucks' runtime lacks:
 * Python-style printing and dict iteration. Each function builds a replacement from nunjucks' own
 * function and is installed on tsdbt's runtime object only, never on nunjucks' shared runtime.
 */
import { pyStr } from './python-values.js';

/** `{{ value }}` prints as Jinja2 prints it (Python's str): None, True, ['a', 1]. Undefined prints nothing. */
export function pythonSuppressValue(SafeString: new () => unknown): (value: unknown, autoescape: boolean) => unknown {
  return (value: unknown) => (value === undefined ? '' : typeof value === 'string' || value instanceof SafeString ? value : pyStr(value));
}

/** A function carrying its own members (`api.Column`, callable with `.translate_type`). */
export function hasOwnMembers(fn: object): boolean {
  for (const _member in fn) return true;
  return false;
}

export interface LoopRuntime {
  fromIterator(value: unknown): unknown;
  isArray(value: unknown): boolean;
}

const DICT_KEYS = Symbol('dict keys');

/**
 * `{% for key in dict %}` iterates the keys, as in Python; nunjucks iterated nothing. Loops get the
 * dict's keys as an array (for one loop variable), which also carries the dict's entries as its
 * enumerable properties and answers false to runtime.isArray, so `{% for k, v in dict %}` (nunjucks'
 * spelling of `.items()`) still walks the entries, with the same loop.length.
 */
export function dictIteration(base: LoopRuntime): LoopRuntime {
  const fromIterator = base.fromIterator.bind(base);
  const isArray = base.isArray.bind(base);
  return {
    fromIterator: (value: unknown) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fromIterator(value);
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return fromIterator(value);
      const keys = Object.keys(value).filter((key) => key !== '__keywords');
      if (keys.some((key) => /^(0|[1-9]\d*)$/.test(key) || key === 'length')) return fromIterator(value);
      const view: unknown[] = [];
      keys.forEach((key, index) => Object.defineProperty(view, index, { value: key, enumerable: false, writable: true, configurable: true }));
      for (const key of keys) Object.defineProperty(view, key, { value: (value as Record<string, unknown>)[key], enumerable: true });
      Object.defineProperty(view, DICT_KEYS, { value: true });
      return view;
    },
    isArray: (value: unknown) => isArray(value) && (value as { [DICT_KEYS]?: boolean })[DICT_KEYS] !== true,
  };
}
