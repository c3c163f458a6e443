/**
 * The runtime tsdbt's templates run with: nunjucks' Jinja compatibility (Python methods on lists and
 * dicts, `True`/`False`/`None`, tuples), Python string methods, string slices as strings, Jinja2's
 * printing and dict iteration (jinja-runtime-python.ts), macros with varargs/kwargs that survive
 * `return()` (macro-frames.ts), and a Frame whose `set` skips `name.split('.')`. All of it lives on
 * a runtime object and a Frame class of tsdbt's own, handed to tsdbt's templates only (see
 * `jinjaTemplate`): nunjucks' module-level runtime, its Frame prototype, its parser and its compiler
 * stay as shipped, so other nunjucks users in the same process see plain nunjucks.
 */
import type nunjucks from 'nunjucks';
import { nunjucksLib } from './nunjucks-lib.js';
import type { CompiledCodeStore } from './compiled-code-cache.js';
import { expandSplats } from './jinja-splat.js';
import { installCompilerPatches } from './jinja-compiler-patches.js';
import { PYTHON_EQUALITY_FUNCTIONS, PYTHON_OPERATOR_FUNCTIONS } from './python-operators.js';
import { installMacroFrameRestore, macroVarargs } from './macro-frames.js';
import { dictIteration, hasOwnMembers, pythonSuppressValue } from './jinja-runtime-python.js';

type Lookup = (this: unknown, obj: unknown, key: unknown, ...rest: unknown[]) => unknown;

export interface FrameLike {
  variables: Record<string, unknown>;
  parent: FrameLike | undefined;
  topLevel: boolean;
  isolateWrites: boolean | undefined;
  set(name: string, value: unknown, resolveUp?: boolean): void;
  resolve(name: string, forWrite: boolean): FrameLike | undefined;
  push(isolateWrites?: boolean): FrameLike;
}

type FrameClass = new (parent?: FrameLike, isolateWrites?: boolean) => FrameLike;

/** The parts of nunjucks' runtime module tsdbt replaces; the rest is copied as is. */
interface RuntimeModule {
  memberLookup: Lookup;
  contextOrFrameLookup: (...args: unknown[]) => unknown;
  Frame: FrameClass;
  suppressValue: (value: unknown, autoescape: boolean) => unknown;
  SafeString: new () => object;
  fromIterator(value: unknown): unknown;
  isArray(value: unknown): boolean;
  makeMacro: (names: string[], kwNames: string[], fn: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown;
  callWrap: (obj: unknown, name: string, context: unknown, args: unknown[]) => unknown;
}

type RootRenderFunc = (env: unknown, context: unknown, frame: FrameLike, runtime: unknown, cb: unknown) => void;

let scoped: { runtime: RuntimeModule; Frame: FrameClass } | undefined;

/**
 * Runs `compile` with nunjucks' Jinja-compatible parser and compiler installed (tuples, slices), and
 * macros compiled to restore their caller's frame (macro-frames.ts), and removes both again before
 * returning. Compiling is synchronous, so nothing else runs meanwhile.
 */
export function withJinjaParser<T>(compile: () => T): T {
  const uninstall = (nunjucksLib() as unknown as { installJinjaCompat(): () => void }).installJinjaCompat();
  const uninstallFrameRestore = installMacroFrameRestore();
  const uninstallPatches = installCompilerPatches();
  try {
    return compile();
  } finally {
    uninstallPatches();
    uninstallFrameRestore();
    uninstall();
  }
}

/** tsdbt's runtime object and Frame class, built once from nunjucks' own. */
export function jinjaRuntime(): { runtime: RuntimeModule; Frame: FrameClass } {
  if (scoped !== undefined) return scoped;
  const base = (nunjucksLib() as unknown as { runtime: RuntimeModule }).runtime;
  // nunjucks' compat layer patches the shared runtime; take its lookups and put the originals back.
  const compat = withJinjaParser(() => ({ memberLookup: base.memberLookup, contextOrFrameLookup: base.contextOrFrameLookup }));
  class TsdbtFrame extends base.Frame {
    override push(isolateWrites?: boolean): FrameLike {
      return new TsdbtFrame(this, isolateWrites);
    }
  }
  // On tsdbt's own Frame class only; nunjucks' Frame.prototype keeps its own `set`.
  TsdbtFrame.prototype.set = fastFrameSet;
  const memberLookup: Lookup = function memberLookup(obj, key, ...rest) {
    // A slice of a string is a string (`s[1:]`), not jinja-compat's list of characters.
    if (rest.length === 2 && typeof obj === 'string') return (compat.memberLookup.call(this, obj, key, ...rest) as string[]).join('');
    // dbt projects also call Python string methods, and list methods nunjucks' compat layer lacks.
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
    return compat.memberLookup.call(this, obj, key, ...rest);
  };
  const runtime: RuntimeModule = {
    ...base,
    memberLookup,
    contextOrFrameLookup: compat.contextOrFrameLookup,
    Frame: TsdbtFrame,
    suppressValue: pythonSuppressValue(base.SafeString),
    ...dictIteration(base),
    makeMacro: macroVarargs(base.makeMacro, base.SafeString),
    // `f(*args, **kwargs)`: the dialect marks the spread arguments (jinja-splat.ts).
    callWrap: (obj, name, context, args) => base.callWrap(obj, name, context, expandSplats(args)),
    ...PYTHON_OPERATOR_FUNCTIONS,
    ...PYTHON_EQUALITY_FUNCTIONS,
  };
  scoped = { runtime, Frame: TsdbtFrame };
  return scoped;
}

/**
 * A nunjucks Template in tsdbt's environment: compiled with the Jinja parser, and rendered with
 * tsdbt's runtime and frames whatever nunjucks' `render` passes (its own shared runtime).
 */
export function jinjaTemplate(
  source: string | { type: 'code'; obj: unknown },
  env: nunjucks.Environment,
  file: string,
  codeStore?: CompiledCodeStore,
  frontEnd?: FrontEnd,
): nunjucks.Template {
  const lib = nunjucksLib();
  // Code from the fast path is not parsed again; only text goes through nunjucks' (Jinja) parser.
  const make = () => new lib.Template(source as string, env, file, true);
  const template =
    typeof source !== 'string'
      ? make()
      : codeStore === undefined && frontEnd === undefined
        ? withJinjaParser(make)
        : new lib.Template({ type: 'code', obj: compiledProps(source, env, file, codeStore, frontEnd) } as unknown as string, env, file, true);
  const compiled = template as unknown as { rootRenderFunc: RootRenderFunc };
  const root = compiled.rootRenderFunc;
  const { runtime, Frame } = jinjaRuntime();
  compiled.rootRenderFunc = (renderEnv, context, frame, _shared, cb) => root(renderEnv, context, adopt(frame, Frame), runtime, cb);
  return template;
}

/**
 * The same code as nunjucks' compiler generates for a template, from a faster front end
 * (fast-compile.ts), or undefined where that front end leaves the template to nunjucks.
 */
export type FrontEnd = (source: string) => string | undefined;

/**
 * What `new Template(source, env, file, true)` makes of `source` (nunjucks' `_compile`: its
 * compiler's code, run by `new Function`), with the code taken from `codeStore` when it has it and
 * kept there when not, and generated by `frontEnd` when that handles the template: the same code
 * either way, so the cache does not depend on which made it. Errors are nunjucks' own, as its
 * Template constructor words them: a template the front end leaves, or whose code does not
 * compile, goes to nunjucks' compiler, which reports it.
 */
function compiledProps(
  source: string,
  env: nunjucks.Environment,
  file: string,
  codeStore: CompiledCodeStore | undefined,
  frontEnd: FrontEnd | undefined,
): unknown {
  const lib = nunjucksLib() as unknown as NunjucksInternals;
  const settings = env as unknown as { asyncFilters: unknown; extensionsList: unknown; opts: { dev?: boolean } };
  const kept = codeStore?.code(file, source);
  try {
    let code = kept;
    let props: unknown;
    if (code === undefined && frontEnd !== undefined) {
      const fast = frontEnd(source);
      try {
        if (fast !== undefined) props = new Function(fast)();
        code = fast;
      } catch {
        props = undefined; // nunjucks' compiler says why
      }
    }
    code ??= withJinjaParser(() => lib.compiler.compile(source, settings.asyncFilters, settings.extensionsList, file, settings.opts));
    props ??= new Function(code)();
    if (kept === undefined) codeStore?.keep(file, source, code);
    return props;
  } catch (error) {
    throw lib.lib._prettifyError(file, settings.opts.dev, error);
  }
}

/** The parts of nunjucks' modules compiledProps uses (not in its type definitions). */
interface NunjucksInternals {
  compiler: { compile(source: string, asyncFilters: unknown, extensions: unknown, name: string, opts: unknown): string };
  lib: { _prettifyError(path: string, withInternals: boolean | undefined, error: unknown): Error };
}

/** The frame nunjucks made for a render, as one of tsdbt's frames (same variables, parent and flags). */
function adopt(frame: FrameLike, Frame: FrameClass): FrameLike {
  const made: object = frame;
  if (made instanceof Frame) return frame;
  const ours = new Frame(frame.parent, frame.isolateWrites);
  ours.variables = frame.variables;
  ours.topLevel = frame.topLevel;
  return ours;
}

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

/** The parts of each dotted name set so far (`loop.index` → `loop`, `index`): see fastFrameSet. */
const DOTTED_PATHS = new Map<string, readonly string[]>();
/** Dotted names come from template text (`loop.*` in every loop); a bound keeps an odd project's from growing without end. */
const DOTTED_PATHS_KEPT = 4096;

/**
 * nunjucks' `Frame.prototype.set`, without `name.split('.')` on every call: every loop iteration
 * sets eight names (`loop.index`…), in every macro and template. A dotted name's parts are split
 * once and kept: parts sliced anew each time are fresh strings V8 has to look up again before it
 * can use them as property names, which made this the largest single cost of rendering models
 * that call macros with loops (bench/notes.md). Same semantics: dotted names build nested objects,
 * `resolveUp` writes where the first part is already defined.
 */
export function fastFrameSet(this: FrameLike, name: string, value: unknown, resolveUp?: boolean): void {
  const dot = name.indexOf('.');
  if (resolveUp) {
    const owner = this.resolve(dot === -1 ? name : name.slice(0, dot), true);
    if (owner) {
      owner.set(name, value);
      return;
    }
  }
  if (dot === -1) {
    this.variables[name] = value;
    return;
  }
  const parts = dottedPath(name);
  const last = parts.length - 1;
  let target = this.variables;
  for (let i = 0; i < last; i += 1) {
    const id = parts[i]!;
    if (!target[id]) target[id] = {};
    target = target[id] as Record<string, unknown>;
  }
  target[parts[last]!] = value;
}

function dottedPath(name: string): readonly string[] {
  let parts = DOTTED_PATHS.get(name);
  if (parts === undefined) {
    parts = name.split('.');
    if (DOTTED_PATHS.size < DOTTED_PATHS_KEPT) DOTTED_PATHS.set(name, parts);
  }
  return parts;
}
