import nunjucks from 'nunjucks';
import { withJinjaParser } from '../../src/template/jinja-runtime.js';
import { addJinjaBuiltins, DoExtension } from '../../src/template/nunjucks-extensions.js';

/** An environment set up as TemplateEngine sets up its own (the `do` extension, Jinja's builtins). */
export function fastCompileEnv(): nunjucks.Environment {
  const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false });
  env.addExtension('DoExtension', new DoExtension());
  addJinjaBuiltins(env);
  return env;
}

/** The tag → extension map fast-compile.ts is given for that environment. */
export const FAST_TAGS: ReadonlyMap<string, string> = new Map([['do', 'DoExtension']]);

const compiler = (
  nunjucks as unknown as { compiler: { compile(src: string, asyncFilters: unknown[], extensions: unknown[], name: string, opts: object): string } }
).compiler;

/** nunjucks' own generated code for `text` in `env`, with tsdbt's parser and compiler patches (throws its errors). */
export function nunjucksSource(env: nunjucks.Environment, text: string, file = 'x.sql'): string {
  const e = env as unknown as { asyncFilters: unknown[]; extensionsList: unknown[]; opts: object };
  return withJinjaParser(() => compiler.compile(text, e.asyncFilters, e.extensionsList, file, e.opts));
}
