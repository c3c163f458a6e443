import { nunjucksLib } from './nunjucks-lib.js';
import { MacroReturn } from './template-errors.js';

interface CompilerLike {
  codebuf: string[];
}

/**
 * nunjucks compiles a macro (and a `{% call %}` body) as a function that switches the file's
 * shared `frame` variable to its own scope on entry and back on exit. `{{ return(x) }}` leaves a
 * macro by throwing (template-errors.ts MacroReturn), as does a `run_query` waiting for its result
 * (compile/replay-render.ts), so that switch back never ran: the next macro of the same file, or the
 * rest of the calling macro, then worked in the wrong scope — `frame.pop()` reached past the top and
 * rendering failed with "Cannot read properties of undefined (reading 'lookup')".
 *
 * This wraps each compiled macro body in `try { … } finally { frame = callerFrame; }`, so the scope
 * is restored however the macro ends. fast-codegen.ts writes the same wrap into the macros it
 * generates. The wrap is installed for one compile only (jinja-runtime.ts withJinjaParser)
 * and the returned function puts nunjucks' compiler back as shipped.
 */
export function installMacroFrameRestore(): () => void {
  const compiler = (nunjucksLib() as unknown as { compiler: { Compiler: { prototype: Record<string, unknown> } } }).compiler.Compiler.prototype;
  const compileMacro = compiler._compileMacro as (this: CompilerLike, ...args: unknown[]) => string;
  compiler._compileMacro = function wrappedCompileMacro(this: CompilerLike, ...args: unknown[]): string {
    const start = this.codebuf.length;
    const id = compileMacro.apply(this, args);
    const header = this.codebuf.indexOf('var callerFrame = frame;\n', start);
    const footer = this.codebuf.lastIndexOf('});\n');
    if (header !== -1 && footer > header) {
      this.codebuf[footer] = '} finally { frame = callerFrame; }\n});\n';
      this.codebuf[header] = 'var callerFrame = frame;\ntry {\n';
    }
    return id;
  };
  return () => {
    compiler._compileMacro = compileMacro;
  };
}

type MakeMacro = (names: string[], kwNames: string[], fn: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown;

const NONE: unknown[] = [];
const EMPTY: Record<string, unknown> = {};

/** The extra arguments of the macros being called, innermost last (Jinja2's `varargs` and `kwargs`). */
const extras: { varargs: unknown[]; kwargs: Record<string, unknown> }[] = [];

/**
 * Jinja2 gives a macro the positional arguments beyond its parameters as `varargs`, and the
 * unknown keyword arguments as `kwargs`; nunjucks drops them. This keeps them for the macro's
 * body, which reads them through the `varargs`/`kwargs` globals (see addMacroArgumentGlobals).
 * Returns the `makeMacro` of tsdbt's scoped runtime (jinja-runtime.ts), built from nunjucks' own.
 */
export function macroVarargs(makeMacro: MakeMacro, SafeString: new () => object): MakeMacro {
  const wrapped = (argNames: string[], kwargNames: string[], fn: (...args: unknown[]) => unknown) => {
    const macro = makeMacro(argNames, kwargNames, fn);
    const known = new Set([...argNames, ...kwargNames, '__keywords', 'caller']);
    const declared = argNames.length + kwargNames.length;
    return function call(this: unknown, ...args: unknown[]): unknown {
      const last = args[args.length - 1] as Record<string, unknown> | undefined;
      const keywords = typeof last === 'object' && last !== null && Object.hasOwn(last, '__keywords') ? last : undefined;
      const positionalCount = keywords === undefined ? args.length : args.length - 1;
      const varargs = positionalCount > declared ? args.slice(declared, positionalCount) : NONE;
      let kwargs: Record<string, unknown> = EMPTY;
      if (keywords !== undefined) {
        for (const name in keywords) {
          if (known.has(name)) continue;
          if (kwargs === EMPTY) kwargs = {};
          kwargs[name] = keywords[name];
        }
      }
      extras.push({ varargs, kwargs });
      try {
        const result = macro.apply(this, args);
        // A macro's text is a plain string, as Jinja2's Markup is a str: `m() == m()`, `m() is string`.
        // (nunjucks' SafeString only matters with autoescape, which tsdbt never turns on.)
        return result instanceof SafeString ? String(result) : result;
      } catch (error) {
        // `{{ return(x) }}`: the call gives x, also when the caller is a macro of the same file
        // (which calls this function directly, not through TemplateEngine's wrapper).
        if (error instanceof MacroReturn) return error.value;
        throw error;
      } finally {
        extras.pop();
      }
    };
  };
  return wrapped;
}

/** `varargs` and `kwargs` as globals answering for the innermost macro being called. */
export function addMacroArgumentGlobals(globals: Record<string, unknown>): void {
  // Copies, so a template changing them changes nothing shared.
  Object.defineProperty(globals, 'varargs', { get: () => [...(extras[extras.length - 1]?.varargs ?? [])], enumerable: true, configurable: true });
  Object.defineProperty(globals, 'kwargs', { get: () => ({ ...(extras[extras.length - 1]?.kwargs ?? {}) }), enumerable: true, configurable: true });
}
