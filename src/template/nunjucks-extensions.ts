import type nunjucks from 'nunjucks';
import { addMacroArgumentGlobals, installMacroFrameRestore, installMacroVarargs } from './macro-frames.js';
import { nunjucksLib } from './nunjucks-lib.js';
import { addJinjaFilters } from './jinja-filters.js';
import { pyStr } from './python-values.js';

/** Minimal shape of nunjucks' parser API used by tag extensions (it ships no types for it). */
interface Parser {
  nextToken(): { value: string; lineno: number; colno: number };
  parseExpression(): unknown;
  advanceAfterBlockEnd(name: string): void;
}
interface Nodes {
  NodeList: new (lineno: number, colno: number, children: unknown[]) => unknown;
  CallExtension: new (extension: unknown, method: string, args: unknown, contentArgs: unknown[]) => unknown;
}

/** Jinja's `{% do expr %}`: evaluates an expression for its side effect (`{% do items.append(x) %}`). */
export class DoExtension {
  readonly tags = ['do'];
  parse(parser: Parser, nodes: Nodes): unknown {
    const token = parser.nextToken();
    const expression = parser.parseExpression();
    parser.advanceAfterBlockEnd(token.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(token.lineno, token.colno, [expression]), []);
  }
  run(): string {
    return '';
  }
}

let compatInstalled = false;

const STRING_METHODS: Record<string, (self: string, ...args: never[]) => unknown> = {
  upper: (self) => self.toUpperCase(),
  lower: (self) => self.toLowerCase(),
  strip: (self, chars?: string) => trimChars(self, chars, true, true),
  lstrip: (self, chars?: string) => trimChars(self, chars, true, false),
  rstrip: (self, chars?: string) => trimChars(self, chars, false, true),
  startswith: (self, prefix: string) => self.startsWith(prefix),
  endswith: (self, suffix: string) => self.endsWith(suffix),
  split: (self, separator?: string, max?: number) => {
    const parts = separator === undefined || separator === null ? self.trim().split(/\s+/).filter(Boolean) : self.split(separator);
    if (max === undefined || max < 0 || parts.length <= max + 1) return parts;
    return [...parts.slice(0, max), parts.slice(max).join(separator ?? ' ')];
  },
  replace: (self, from: string, to: string) => self.split(from).join(to),
  join: (self, items: unknown[]) => items.map(String).join(self),
  title: (self) => self.replace(/\w\S*/g, (word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase()),
  capitalize: (self) => (self === '' ? self : self[0]!.toUpperCase() + self.slice(1).toLowerCase()),
  find: (self, needle: string) => self.indexOf(needle),
  count: (self, needle: string) => (needle === '' ? self.length + 1 : self.split(needle).length - 1),
  isdigit: (self) => /^\d+$/.test(self),
  isalpha: (self) => /^[A-Za-z]+$/.test(self),
  format: (self, ...args: unknown[]) => {
    let index = 0;
    return self.replace(/\{(\d*)\}/g, (_match, position: string) => String(args[position === '' ? index++ : Number(position)]));
  },
};

/** Python list methods nunjucks' compat layer lacks or gets wrong (its `pop(i)` returns a list). */
const LIST_METHODS: Record<string, (self: unknown[], ...args: never[]) => unknown> = {
  extend: (self, items: unknown[]) => {
    self.push(...items);
    return null;
  },
  pop: (self, index?: number) => {
    if (self.length === 0) throw new Error('pop from empty list');
    if (index === undefined || index === null) return self.pop();
    const at = index < 0 ? self.length + index : index;
    if (at < 0 || at >= self.length) throw new Error(`pop index ${index} out of range`);
    return self.splice(at, 1)[0];
  },
  copy: (self) => [...self],
};

function trimChars(text: string, chars: string | undefined, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) return left && right ? text.trim() : left ? text.trimStart() : text.trimEnd();
  let start = 0;
  let end = text.length;
  while (left && start < end && chars.includes(text[start]!)) start += 1;
  while (right && end > start && chars.includes(text[end - 1]!)) end -= 1;
  return text.slice(start, end);
}

/** Python-style methods on lists, dicts and strings (`.append`, `.items()`, `.upper()`…), as dbt projects use them. */
export function installJinjaCompat(): void {
  if (compatInstalled) return;
  nunjucksLib().installJinjaCompat();
  installMacroFrameRestore();
  installMacroVarargs();
  // nunjucks' compat layer covers lists and dicts; dbt projects also call Python string methods.
  const runtime = (nunjucksLib() as unknown as { runtime: { memberLookup: (obj: unknown, key: unknown, ...rest: unknown[]) => unknown } }).runtime;
  const lookup = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(obj: unknown, key: unknown, ...rest: unknown[]) {
    // A slice of a string is a string (`s[1:]`), not jinja-compat's list of characters.
    if (rest.length === 2 && typeof obj === 'string') return (lookup.call(this, obj, key, ...rest) as string[]).join('');
    if (rest.length < 2 && (typeof obj === 'string' || obj instanceof String) && typeof key === 'string' && Object.hasOwn(STRING_METHODS, key)) {
      return STRING_METHODS[key]!.bind(null, String(obj));
    }
    if (rest.length < 2 && Array.isArray(obj) && typeof key === 'string' && Object.hasOwn(LIST_METHODS, key)) {
      return LIST_METHODS[key]!.bind(null, obj);
    }
    // A function carrying its own members (`api.Column`, callable with `.translate_type`) stays itself:
    // nunjucks would hand out a bare wrapper without them.
    if (rest.length < 2 && obj !== null && obj !== undefined && typeof key === 'string') {
      const value = (obj as Record<string, unknown>)[key];
      if (typeof value === 'function' && hasOwnMembers(value)) return value;
    }
    return lookup.call(this, obj, key, ...rest);
  };
  // `{{ value }}` prints as Jinja2 prints it (Python's str): None, True, ['a', 1]. Undefined prints nothing.
  const output = runtime as unknown as { suppressValue: (value: unknown, autoescape: boolean) => unknown; SafeString: new () => unknown };
  output.suppressValue = (value: unknown) => (value === undefined ? '' : typeof value === 'string' || value instanceof output.SafeString ? value : pyStr(value));
  installDictIteration(runtime as unknown as LoopRuntime);
  const frame = (runtime as unknown as { Frame: { prototype: FrameLike } }).Frame.prototype;
  frame.set = fastFrameSet;
  compatInstalled = true;
}

function hasOwnMembers(fn: object): boolean {
  for (const _member in fn) return true;
  return false;
}

interface LoopRuntime {
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
function installDictIteration(runtime: LoopRuntime): void {
  const fromIterator = runtime.fromIterator.bind(runtime);
  const isArray = runtime.isArray.bind(runtime);
  runtime.fromIterator = (value: unknown) => {
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
  };
  runtime.isArray = (value: unknown) => isArray(value) && (value as { [DICT_KEYS]?: boolean })[DICT_KEYS] !== true;
}

interface FrameLike {
  variables: Record<string, unknown>;
  set(name: string, value: unknown, resolveUp?: boolean): void;
  resolve(name: string, forWrite: boolean): FrameLike | undefined;
}

/**
 * nunjucks' `Frame.prototype.set`, without `name.split('.')`: every loop iteration sets eight
 * names (`loop.index`…), in every macro and template. Same semantics: dotted names build nested
 * objects, `resolveUp` writes where the first part is already defined.
 */
export function fastFrameSet(this: FrameLike, name: string, value: unknown, resolveUp?: boolean): void {
  if (resolveUp) {
    const dot = name.indexOf('.');
    const owner = this.resolve(dot === -1 ? name : name.slice(0, dot), true);
    if (owner) {
      owner.set(name, value);
      return;
    }
  }
  let target = this.variables;
  let from = 0;
  for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', from)) {
    const id = name.slice(from, dot);
    if (!target[id]) target[id] = {};
    target = target[id] as Record<string, unknown>;
    from = dot + 1;
  }
  target[name.slice(from)] = value;
}

/** Tests and filters dbt projects expect from Jinja2 that nunjucks lacks. */
export function addJinjaBuiltins(env: nunjucks.Environment): void {
  addMacroArgumentGlobals((env as unknown as { globals: Record<string, unknown> }).globals);
  const tests = env as unknown as { addTest(name: string, test: (...args: never[]) => boolean): void };
  tests.addTest('none', (value: unknown) => value === null || value === undefined);
  tests.addTest('boolean', (value: unknown) => typeof value === 'boolean');
  tests.addTest('integer', (value: unknown) => Number.isInteger(value));
  tests.addTest('float', (value: unknown) => typeof value === 'number' && !Number.isInteger(value));
  tests.addTest('sequence', (value: unknown) => Array.isArray(value) || typeof value === 'string');
  tests.addTest('in', (value: unknown, container: unknown) => {
    if (Array.isArray(container)) return container.includes(value);
    if (typeof container === 'string') return container.includes(String(value));
    return typeof container === 'object' && container !== null && Object.hasOwn(container, String(value));
  });
  tests.addTest('true', (value: unknown) => value === true);
  tests.addTest('false', (value: unknown) => value === false);
  tests.addTest('filter', (value: unknown) => typeof value === 'string' && (env as unknown as { filters: Record<string, unknown> }).filters[value] !== undefined);
  tests.addTest('test', (value: unknown) => typeof value === 'string' && (env as unknown as { tests: Record<string, unknown> }).tests[value] !== undefined);
  // Python's truth: empty lists and dicts are false (see jinja-dialect.ts, which puts it in conditions).
  env.addFilter('tsdbt_truth', (value: unknown) => {
    if (Array.isArray(value)) return value.length > 0;
    if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) return Object.keys(value).some((key) => key !== '__keywords');
    return Boolean(value instanceof String ? String(value) : value);
  });
  env.addFilter('fromjson', (value: string) => JSON.parse(value) as unknown);
  env.addFilter('as_text', (value: unknown) => (value === null || value === undefined ? '' : String(value)));
  env.addFilter('as_bool', (value: unknown) => value === true || value === 'true' || value === 'True');
  env.addFilter('as_number', (value: unknown) => Number(value));
  env.addFilter('as_native', (value: unknown) => value);
  env.addFilter('format', (format: string, ...args: unknown[]) => printf(String(format), args));
  addJinjaFilters(env);
}

/** Python's `'%s: %05.2f' % (a, b)`, as Jinja's `format` filter applies it: %s %r %d %i %f %x %%, flags, width, precision. */
export function printf(format: string, args: readonly unknown[]): string {
  let next = 0;
  return format.replace(/%([-+ 0]*)(\d+)?(?:\.(\d+))?([srdifx%])/g, (_match, flags: string, width: string | undefined, precision: string | undefined, kind: string) => {
    if (kind === '%') return '%';
    const value = args[next++];
    let text: string;
    if (kind === 's') text = value === null || value === undefined ? 'None' : String(value);
    else if (kind === 'r') text = typeof value === 'string' ? `'${value}'` : String(value);
    else if (kind === 'f') text = Number(value).toFixed(precision === undefined ? 6 : Number(precision));
    else if (kind === 'x') text = Math.trunc(Number(value)).toString(16);
    else text = String(Math.trunc(Number(value)));
    if (kind !== 's' && kind !== 'r' && flags.includes('+') && Number(value) >= 0) text = `+${text}`;
    if (kind === 's' && precision !== undefined) text = text.slice(0, Number(precision));
    const size = width === undefined ? 0 : Number(width);
    if (text.length >= size) return text;
    if (flags.includes('-')) return text.padEnd(size);
    if (flags.includes('0') && kind !== 's' && kind !== 'r') {
      const sign = /^[+-]/.test(text) ? text[0]! : '';
      return sign + text.slice(sign.length).padStart(size - sign.length, '0');
    }
    return text.padStart(size);
  });
}
