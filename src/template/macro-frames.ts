import { nunjucksLib } from './nunjucks-lib.js';

interface CompilerLike {
  codebuf: string[];
}

let installed = false;

/**
 * nunjucks compiles a macro (and a `{% call %}` body) as a function that switches the file's
 * shared `frame` variable to its own scope on entry and back on exit. `{{ return(x) }}` leaves a
 * macro by throwing (template-errors.ts MacroReturn), as does a `run_query` waiting for its result
 * (compile/replay-render.ts), so that switch back never ran: the next macro of the same file, or the
 * rest of the calling macro, then worked in the wrong scope — `frame.pop()` reached past the top and
 * rendering failed with "Cannot read properties of undefined (reading 'lookup')".
 *
 * This wraps each compiled macro body in `try { … } finally { frame = callerFrame; }`, so the scope
 * is restored however the macro ends. Only nunjucks' own compiler makes macros (fast-compile.ts
 * leaves them to it), so that is the one place to patch.
 */
export function installMacroFrameRestore(): void {
  if (installed) return;
  installed = true;
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
}
