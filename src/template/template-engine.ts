import type nunjucks from 'nunjucks';
import type { QueryTable } from './query-table.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { splitArgs } from './call-args.js';
import { fastTemplateRoot } from './fast-closures.js';
import { fastTemplateSource } from './fast-compile.js';
import { jinjaTemplate } from './jinja-runtime.js';
import { addJinjaBuiltins, DoExtension } from './nunjucks-extensions.js';
import { nunjucksLib } from './nunjucks-lib.js';
import { MacroReturn, templateError } from './template-errors.js';
import { withEngineAdapter } from './engine-adapter.js';
import { toNunjucksDialect } from './jinja-dialect.js';
import type { CompiledCodeStore } from './compiled-code-cache.js';
import type { DispatchEntry } from '../config/dispatch-config.js';
import { dispatchMacro, INTERNAL_NAMESPACE, type MacroNamespaces } from './dispatch.js';
import { BUILTIN_DISPATCHERS, BUILTIN_HELPERS, BUILTIN_MACRO_FILE_OF, BUILTIN_MACRO_NAMES } from './builtin-macros/registry.js';

/** Globals with side effects, a clock, or a value per command: see `watchVolatile` and compile/speculation.ts. */
const WATCHED_GLOBALS = ['log', 'print', 'exceptions', 'modules', 'env_var', 'invocation_id', 'run_started_at', 'adapter'];

/** Extensions whose tags fast-compile.ts parses as nunjucks does: `{% do %}`. */
const FAST_EXTENSION_TAGS: ReadonlyMap<string, string> = new Map([['do', 'DoExtension']]);

/** fast-compile.ts for macro files: nunjucks' code for them, generated in one quick pass. */
const fastMacroFileSource = (source: string): string | undefined => fastTemplateSource(source, FAST_EXTENSION_TAGS);

/**
 * How templates are compiled. `closures` (the default): the fast path's parse tree becomes closures,
 * nothing for V8 to compile per template; `code`: the fast path generates nunjucks' code as text;
 * `nunjucks`: nunjucks compiles every template, macro files included. The fast path leaves to nunjucks
 * whatever it does not handle (block sets, blocks, slices…), so every back end renders every template;
 * macros (`macro`, `call`) it handles as generated code only.
 */
export type TemplateBackend = 'closures' | 'code' | 'nunjucks';

export const TEMPLATE_BACKENDS: readonly TemplateBackend[] = ['closures', 'code', 'nunjucks'];

/** The `TSDBT_FAST_TEMPLATES` override of an environment: `0` is nunjucks, `code` is generated code, otherwise closures. */
export function templateBackendFromEnv(env: Record<string, string | undefined>): TemplateBackend {
  const value = env.TSDBT_FAST_TEMPLATES;
  return value === '0' ? 'nunjucks' : value === 'code' ? 'code' : 'closures';
}

export interface TemplateEngineOptions {
  /** Default `closures`. */
  backend?: TemplateBackend;
  /** The root project's name: its macros are also `<name>.macro()`, and dispatch searches it first for a package's namespace. */
  projectName?: string;
  /** The project's `dispatch:` config (search order per macro namespace). */
  dispatch?: readonly DispatchEntry[];
  /** Where macro files' generated code is looked up before nunjucks compiles them (compiled-code-cache.ts). */
  codeStore?: CompiledCodeStore;
}

/** Names whose value depends on what is being rendered (which model, parse or run time). */
export const SCOPED_NAMES = [
  'ref',
  'source',
  'config',
  'this',
  'is_incremental',
  'model',
  'execute',
  'run_query',
  'statement',
  'load_result',
  'graph',
  'sql',
  'should_full_refresh',
  'schema',
  'database',
  'selected_resources',
] as const;

export type Scope = Partial<Record<(typeof SCOPED_NAMES)[number], unknown>>;

export type MacroFunction = (...args: unknown[]) => unknown;

export interface MacroDefinition {
  name: string;
  file: string;
  line: number | undefined;
  fn: MacroFunction;
  /** The macro's text, `{% macro … %}` to `{% endmacro %}` (manifest `macro_sql`, state comparison). */
  sql: string;
  /** The installed package defining it; undefined for the project's own macros. */
  packageName?: string;
}

/** A template compiled once and rendered as often as needed. */
export interface CompiledTemplate {
  file: string;
  /** Which back end compiled it (the fast path hands what it does not handle to nunjucks). */
  backend: TemplateBackend;
  render(scope: Scope, locals?: Record<string, unknown>): string;
}

/**
 * One nunjucks environment per project. Macros from every macro file are global, and the
 * per-render names (`ref`, `this`, `config`…) are read through getters from the current scope,
 * so a macro sees the model that called it, as in dbt.
 */
export class TemplateEngine {
  private readonly env: nunjucks.Environment;
  private scope: Scope = {};
  private readonly macros = new Map<string, MacroDefinition>();
  /** Installed packages' macros, by package name (addMacroFile with a package). */
  private readonly packages = new Map<string, Map<string, MacroDefinition>>();
  /** Each package's folder (`dbt_packages/pkg/`), to know a node template's package from its file. */
  private readonly packageFolders: [string, string][] = [];
  /** The package of the node being rendered, when it is not the root project (inPackage). */
  private localPackage: string | undefined;
  private readonly projectName: string | undefined;
  private readonly dispatchConfig: readonly DispatchEntry[];
  /** `<root project>.macro()`, and `<package>.macro()` for each package: the macros by name. */
  private readonly rootNamespace: Record<string, MacroFunction> = {};
  private readonly packageNamespaces = new Map<string, Record<string, MacroFunction>>();
  private readonly compiledFor = new WeakMap<object, { text: string; template: CompiledTemplate }>();
  private volatileHook: ((name: string) => void) | undefined;
  /** Every watched global read so far by any render (a compile that read `invocation_id` or `log` cannot be vouched for by file stamps). */
  readonly watchedReads = new Set<string>();
  /** tsdbt's own macros (builtin-macros/registry.ts), compiled on first use. */
  private readonly builtins = new Map<string, MacroFunction>();
  /** The built-in macro files compiled so far (builtinMacro compiles one when one of its macros is first used). */
  private readonly builtinFilesCompiled = new Set<string>();
  /** False once `adapter` answers for a server lacking features (bindAdapterCapabilities): parse-time renders assumed them. */
  adapterModern = true;
  readonly backend: TemplateBackend;
  private readonly codeStore: CompiledCodeStore | undefined;

  constructor(globals: Record<string, unknown>, options: TemplateEngineOptions = {}) {
    this.backend = options.backend ?? 'closures';
    this.projectName = options.projectName;
    this.dispatchConfig = options.dispatch ?? [];
    this.codeStore = options.codeStore;
    this.env = new (nunjucksLib().Environment)([], { autoescape: false, dev: true, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false });
    this.env.addExtension('DoExtension', new DoExtension());
    addJinjaBuiltins(this.env);
    for (const [name, value] of Object.entries(globals)) this.addGlobalValue(name, value);
    const envGlobals = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    for (const name of SCOPED_NAMES) {
      Object.defineProperty(envGlobals, name, { get: () => this.scope[name], enumerable: true, configurable: true });
    }
    this.addBuiltinGlobals(envGlobals);
    if (this.projectName !== undefined && !(this.projectName in envGlobals)) envGlobals[this.projectName] = this.rootNamespace;
    this.env.addGlobal('return', (value: unknown) => {
      throw new MacroReturn(value);
    });
    for (const name of WATCHED_GLOBALS) {
      let value = envGlobals[name];
      Object.defineProperty(envGlobals, name, {
        get: () => {
          this.watchedReads.add(name);
          this.volatileHook?.(name);
          return value;
        },
        set: (next: unknown) => {
          value = next;
        },
        enumerable: true,
        configurable: true,
      });
    }
  }

  /**
   * Runs `work` (a render) and calls `onRead` with the name of each watched global it uses:
   * those a second render would repeat or change (`log`, `print`, `exceptions`, `modules`, the
   * clock), those that differ from one command to the next (`env_var`, `invocation_id`,
   * `run_started_at`), and `adapter` (whose `supports()` answers for the connected server).
   */
  watchVolatile<T>(onRead: (name: string) => void, work: () => T): T {
    const previous = this.volatileHook;
    this.volatileHook = onRead;
    try {
      return work();
    } finally {
      this.volatileHook = previous;
    }
  }

  /**
   * The built-in `dbt` namespace: `dbt.x` is always the built-in dispatcher `x`; a bare `x()` is
   * too, until a project macro named `x` replaces the global (addMacroFile).
   */
  private addBuiltinGlobals(envGlobals: Record<string, unknown>): void {
    const namespace: Record<string, unknown> = {};
    for (const name of BUILTIN_MACRO_NAMES) {
      Object.defineProperty(namespace, name, { get: () => this.builtinMacro(name), enumerable: true });
    }
    // Macros of dbt's global project that tsdbt provides per render: `dbt.run_query(…)`, `dbt.is_incremental()`.
    for (const name of ['run_query', 'statement', 'is_incremental', 'should_full_refresh']) {
      Object.defineProperty(namespace, name, { get: () => envGlobals[name], enumerable: true });
    }
    envGlobals.dbt = namespace;
    for (const [name, value] of Object.entries(BUILTIN_HELPERS)) envGlobals[name] = value;
    for (const name of BUILTIN_DISPATCHERS) {
      if (name in envGlobals) continue; // a global tsdbt defines itself (e.g. string_literal) keeps its meaning
      Object.defineProperty(envGlobals, name, {
        get: () => this.builtinMacro(name),
        set: (value: unknown) => Object.defineProperty(envGlobals, name, { value, writable: true, enumerable: true, configurable: true }),
        enumerable: true,
        configurable: true,
      });
    }
  }

  /** A built-in macro (`default__dateadd`, `type_string`…): the last place adapter.dispatch looks. */
  builtinMacro(name: string): MacroFunction | undefined {
    const found = this.builtins.get(name);
    if (found !== undefined) return found;
    // Only the file that defines it is compiled (nunjucks compiling them all cost a re-compile of
    // one changed model 0.2 s), and none for a name no file defines.
    const defining = BUILTIN_MACRO_FILE_OF.get(name);
    if (defining === undefined || this.builtinFilesCompiled.has(defining.file)) return undefined;
    this.builtinFilesCompiled.add(defining.file);
    for (const [macro, fn] of Object.entries(this.exportedMacros(defining.file, defining.text))) {
      // A name another file defines too is that file's (the last one, as when all were compiled at once).
      if (typeof fn === 'function' && BUILTIN_MACRO_FILE_OF.get(macro) === defining) this.builtins.set(macro, wrapMacro(fn as MacroFunction));
    }
    return this.builtins.get(name);
  }

  /** Runs a macro file's top level once, defining its macros; throws on a syntax error. */
  private exportedMacros(file: string, source: string, codeStore?: CompiledCodeStore): Record<string, unknown> {
    let exported: Record<string, unknown> = {};
    const template = jinjaTemplate(toNunjucksDialect(source), this.env, file, codeStore, this.backend === 'nunjucks' ? undefined : fastMacroFileSource);
    (template as unknown as { getExported(ctx: object, frame: unknown, cb: (err: unknown, out: Record<string, unknown>) => void): void }).getExported(
      {},
      null,
      (err, out) => {
        if (err) throw err;
        exported = out;
      },
    );
    return exported;
  }

  /**
   * Registers the macros of one file: the root project's, or with `packageName` an installed
   * package's (reachable as `<package>.macro()` and through dispatch, not as bare names, as in dbt).
   * Returns errors instead of throwing, so all files are checked.
   */
  addMacroFile(file: string, text: string, packageName?: string): TsdbtError[] {
    const source = rewriteTestBlocks(text);
    let exported: Record<string, unknown> = {};
    try {
      exported = this.exportedMacros(file, source, this.codeStore);
    } catch (error) {
      return [templateError(error, file, 0, lineCount(text))];
    }
    const inPackage = packageName !== undefined && packageName !== this.projectName;
    const macros = inPackage ? this.packageMacros(packageName) : this.macros;
    const namespace = inPackage ? this.packageNamespaces.get(packageName)! : this.rootNamespace;
    const errors: TsdbtError[] = [];
    for (const [name, macro] of Object.entries(exported)) {
      if (typeof macro !== 'function') continue;
      const previous = macros.get(name);
      if (previous && previous.file !== file) {
        errors.push(
          new TsdbtError({
            code: ErrorCodes.DUPLICATE_NODE,
            message: `Macro '${name}' is defined twice${inPackage ? ` in package '${packageName}'` : ''}: in ${previous.file} and in ${file}.`,
            file,
            line: lineOfMacro(text, name),
            hint: 'Rename or delete one of them; macro names are global across a project.',
          }),
        );
        continue;
      }
      const fn = wrapMacro(macro as MacroFunction);
      macros.set(name, macroDefinition(name, file, text, fn, { packageName: inPackage ? packageName : undefined }));
      namespace[name] = fn;
      if (!inPackage) this.env.addGlobal(name, fn);
    }
    return errors;
  }

  /**
   * Registers tsdbt's own macro `name`, the only macro of `text` (the built-in generic tests), to be
   * compiled when first called: a parse defines them all, but only a test's render calls them, and
   * nunjucks compiling the nine of them was a fifth of the CPU of a parsing `tsdbt ls`. Their text
   * is tsdbt's and known to compile (test/testing/builtin-test-macros.test.ts), so there is no
   * syntax error a parse would have reported.
   */
  addBuiltinMacro(name: string, file: string, text: string): void {
    let compiled: MacroFunction | undefined;
    const fn: MacroFunction = (...args) => {
      compiled ??= wrapMacro(this.exportedMacros(file, text)[name] as MacroFunction);
      return compiled(...args);
    };
    this.macros.set(name, macroDefinition(name, file, text, fn));
    this.rootNamespace[name] = fn;
    this.env.addGlobal(name, fn);
  }

  /**
   * Declares an installed package (a dependency), with or without macros: `<package>.macro()`
   * resolves, and `adapter.dispatch(…, '<package>')` searches the root project, then it.
   */
  addPackage(packageName: string, folder?: string): void {
    this.packageMacros(packageName);
    if (folder !== undefined) this.packageFolders.push([`${folder.replace(/\/+$/, '')}/`, packageName]);
  }

  /** The installed package a template file belongs to (its path starts with the package's folder). */
  private packageOfFile(file: string): string | undefined {
    for (const [prefix, packageName] of this.packageFolders) if (file.startsWith(prefix)) return packageName;
    return undefined;
  }

  private packageMacros(packageName: string): Map<string, MacroDefinition> {
    let macros = this.packages.get(packageName);
    if (macros === undefined) {
      macros = new Map();
      this.packages.set(packageName, macros);
      const namespace: Record<string, MacroFunction> = {};
      this.packageNamespaces.set(packageName, namespace);
      const envGlobals = (this.env as unknown as { globals: Record<string, unknown> }).globals;
      // A package named like a global tsdbt defines (or the root project) keeps that global's meaning.
      if (!(packageName in envGlobals)) this.env.addGlobal(packageName, namespace);
    }
    return macros;
  }

  /** The installed packages, in the order they were declared. */
  packageNames(): string[] {
    return [...this.packages.keys()];
  }

  /** A macro of an installed package. */
  packageMacro(packageName: string, name: string): MacroDefinition | undefined {
    return this.packages.get(packageName)?.get(name);
  }

  /**
   * Runs `work` (a render of a node of package `packageName`) with that package as the local
   * namespace, as dbt renders a package's nodes: its macros are bare names there, ahead of the root
   * project's, and dispatch's unqualified lookups look there first.
   */
  inPackage<T>(packageName: string | undefined, work: () => T): T {
    if (packageName === undefined || packageName === this.projectName || !this.packages.has(packageName)) return work();
    const previous = this.localPackage;
    this.localPackage = packageName;
    try {
      return this.withGlobals({ ...this.packageNamespaces.get(packageName) }, work);
    } finally {
      this.localPackage = previous;
    }
  }

  /** The namespaces adapter.dispatch searches (dispatch.ts). */
  private namespaces(): MacroNamespaces {
    const root = this.projectName;
    return {
      rootProject: root ?? '',
      dispatchConfig: this.dispatchConfig,
      isPackage: (name) => this.packages.has(name),
      fromPackage: (packageName, name) => {
        if (packageName === root) return this.macros.get(name)?.fn;
        if (packageName === INTERNAL_NAMESPACE) return this.builtinMacro(name);
        return this.packages.get(packageName)?.get(name)?.fn;
      },
      flat: (name) =>
        (this.localPackage === undefined ? undefined : this.packages.get(this.localPackage)?.get(name)?.fn) ??
        this.macros.get(name)?.fn ??
        this.builtinMacro(name),
    };
  }

  /** dbt's `adapter.dispatch(name, macro_namespace)` over this engine's namespaces. */
  dispatch(name: unknown, macroNamespace?: unknown): MacroFunction {
    return dispatchMacro(this.namespaces(), name, macroNamespace);
  }

  /** Adds or replaces a global seen by every template (e.g. `target`, once the profile is known). */
  addGlobalValue(name: string, value: unknown): void {
    this.env.addGlobal(name, name === 'adapter' ? this.engineAdapter(value) : value);
  }

  private engineAdapter(adapter: unknown): unknown {
    return withEngineAdapter(adapter, {
      dispatch: (name, macroNamespace) => this.dispatch(name, macroNamespace),
      currentRunQuery: () => this.scope.run_query as ((sql: string) => QueryTable | null) | undefined,
    });
  }

  /**
   * Runs `work` with some globals replaced (a unit test's `overrides` of macros, var, env_var),
   * putting the originals back after. `work` must be synchronous, so no other render sees them.
   */
  withGlobals<T>(replacements: Record<string, unknown>, work: () => T): T {
    const globals = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    const saved = Object.keys(replacements).map((name) => [name, Object.getOwnPropertyDescriptor(globals, name)] as const);
    try {
      for (const [name, value] of Object.entries(replacements))
        Object.defineProperty(globals, name, { value, writable: true, configurable: true, enumerable: true });
      return work();
    } finally {
      for (const [name, descriptor] of saved) {
        if (descriptor === undefined) delete globals[name];
        else Object.defineProperty(globals, name, descriptor);
      }
    }
  }

  /** The current value of a global (`var`, `env_var`, a macro). */
  globalValue(name: string): unknown {
    return (this.env as unknown as { globals: Record<string, unknown> }).globals[name];
  }

  /**
   * A macro by name. `namespace` undefined: the root project's (and tsdbt's) only, as for
   * `generate_schema_name`. A package name: that package's. `null`: the root project's, else the
   * first package defining it, as dbt finds an unqualified generic test or a dispatched macro.
   */
  macro(name: string, namespace?: string | null): MacroDefinition | undefined {
    if (namespace !== undefined && namespace !== null && this.packages.has(namespace)) return this.packages.get(namespace)!.get(name);
    const own = this.macros.get(name);
    if (own !== undefined || namespace !== null || this.packages.size === 0) return own;
    for (const registry of this.packages.values()) {
      const found = registry.get(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The names of the root project's (and tsdbt's) macros; a package's are `packageMacroNames(pkg)`. */
  macroNames(): string[] {
    return [...this.macros.keys()];
  }

  packageMacroNames(packageName: string): string[] {
    return [...(this.packages.get(packageName)?.keys() ?? [])];
  }

  /** The package of the node being rendered, while one of an installed package's nodes renders (for `var()` scoping). */
  renderingPackage(): string | undefined {
    return this.localPackage;
  }

  /** Compiles a model/test/hook template. Syntax errors surface here, with file:line. */
  compile(file: string, text: string): CompiledTemplate {
    let compiled: { template: nunjucks.Template; backend: TemplateBackend };
    try {
      const source = toNunjucksDialect(text);
      compiled = this.fastTemplate(file, source) ?? { template: jinjaTemplate(source, this.env, file), backend: 'nunjucks' };
    } catch (error) {
      throw templateError(error, file, 0, lineCount(text));
    }
    const { template, backend } = compiled;
    return {
      file,
      backend,
      // The package is told by the file, not by `model`: reading the scope would mark a parse-time render volatile (speculation.ts).
      render: (scope, locals = {}) => this.renderWith(scope, () => this.inPackage(this.packageOfFile(file), () => template.render(locals)), file),
    };
  }

  /**
   * `compile`, kept for as long as `owner` lives and its text is unchanged: a model is compiled
   * once per process, though it is rendered at parse time and again at run time.
   */
  compileFor(owner: object, file: string, text: string): CompiledTemplate {
    const cached = this.compiledFor.get(owner);
    if (cached !== undefined && cached.text === text && cached.template.file === file) return cached.template;
    const template = this.compile(file, text);
    this.compiledFor.set(owner, { text, template });
    return template;
  }

  /** Keeps `template` (compiled from `text`) as `compileFor(owner, …)` would, for a later render. */
  keepCompiled(owner: object, text: string, template: CompiledTemplate): void {
    this.compiledFor.set(owner, { text, template });
  }

  /**
   * The template compiled by fast-closures.ts or fast-compile.ts (nunjucks' own code, generated
   * in one quick pass), or undefined when they leave the template to nunjucks.
   */
  private fastTemplate(file: string, text: string): { template: nunjucks.Template; backend: TemplateBackend } | undefined {
    if (this.backend === 'nunjucks') return undefined;
    // Closures first (nothing for V8 to compile per template), then the generated code.
    let props: unknown = this.backend === 'closures' ? fastTemplateRoot(text, FAST_EXTENSION_TAGS) : undefined;
    let backend: TemplateBackend = 'closures';
    if (props === undefined) {
      const source = fastTemplateSource(text, FAST_EXTENSION_TAGS);
      if (source === undefined) return undefined;
      try {
        props = new Function(source)();
      } catch {
        return undefined; // what nunjucks would generate does not compile either: let it say why
      }
      backend = 'code';
    }
    return { template: jinjaTemplate({ type: 'code', obj: props }, this.env, file), backend };
  }

  /** Renders a one-off string (profiles values, YAML descriptions, hooks). */
  renderString(text: string, scope: Scope, file: string, locals: Record<string, unknown> = {}): string {
    if (!/\{[{%#]/.test(text)) return text;
    return this.compile(file, text).render(scope, locals);
  }

  /** Calls a macro by name (in `namespace`, a package, when given) with `scope` as the current render scope (hooks, dispatch, operations, tests). */
  callMacro(name: string, scope: Scope, args: unknown[], namespace?: string | null): unknown {
    const macro = this.macro(name, namespace);
    if (macro === undefined) throw new TsdbtError({ code: ErrorCodes.TEMPLATE_RENDER, message: `Macro '${name}' is not defined.` });
    return this.renderWith(scope, () => this.inPackage(this.packages.size === 0 ? undefined : packageOf(scope), () => macro.fn(...args)), macro.file);
  }

  private renderWith<T>(scope: Scope, work: () => T, file?: string): T {
    const previous = this.scope;
    this.scope = scope;
    try {
      return work();
    } catch (error) {
      if (error instanceof MacroReturn) return error.value as T;
      throw templateError(error, file ?? '<template>');
    } finally {
      this.scope = previous;
    }
  }
}

/** The package of the node a scope renders (`model.package_name`): a package's nodes see its macros unqualified (inPackage). */
function packageOf(scope: Scope): string | undefined {
  const name = (scope.model as { package_name?: unknown } | undefined)?.package_name;
  return typeof name === 'string' ? name : undefined;
}

/** `{{ return(x) }}` inside a macro makes the macro's value x (dbt semantics). */
function wrapMacro(macro: MacroFunction): MacroFunction {
  return (...args: unknown[]) => {
    try {
      return macro(...args);
    } catch (error) {
      const signal = findReturn(error);
      if (signal) return signal.value;
      throw error;
    }
  };
}

function findReturn(error: unknown): MacroReturn | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof MacroReturn) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** dbt's `{% test name(model, column_name) %}` blocks are macros named `test_name`. */
function rewriteTestBlocks(text: string): string {
  if (!text.includes('test')) return text;
  return text.replace(/\{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g, '{%$1 macro test_$2(').replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
}

/**
 * A macro's definition, whose line and text in `fileText` are found when first read: the manifest
 * and run-operation read them, a parse does not (finding them builds a regular expression per macro).
 * `packageName` is given for a macro file's macros (present, perhaps undefined), not for built-in tests.
 */
function macroDefinition(name: string, file: string, fileText: string, fn: MacroFunction, owner?: { packageName: string | undefined }): MacroDefinition {
  let line: { value: number | undefined } | undefined;
  let sql: string | undefined;
  return {
    name,
    file,
    get line() {
      line ??= { value: lineOfMacro(fileText, name) };
      return line.value;
    },
    fn,
    get sql() {
      sql ??= macroText(fileText, name);
      return sql;
    },
    ...owner,
  };
}

/** One macro's definition in its file (the whole file if it cannot be delimited). */
function macroText(text: string, name: string): string {
  const start = macroStart(text, name);
  if (start === -1) return text;
  const end = /\{%-?\s*end(macro|test)\s*-?%\}/.exec(text.slice(start));
  return end === null ? text.slice(start) : text.slice(start, start + end.index + end[0].length);
}

function macroStart(text: string, name: string): number {
  return text.search(new RegExp(`\\{%-?\\s*(macro|test)\\s+(test_)?${name.replace(/^test_/, '')}\\b`));
}

function lineOfMacro(text: string, name: string): number | undefined {
  const index = macroStart(text, name);
  return index === -1 ? undefined : text.slice(0, index).split('\n').length;
}

function lineCount(text: string): number {
  return text.replace(/\n$/, '').split('\n').length;
}

export { splitArgs };
