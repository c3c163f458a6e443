import type { QueryTable } from './query-table.js';
import { relationMethods } from './adapter-api.js';
import { splitArgs } from './call-args.js';

type MacroFunction = (...args: unknown[]) => unknown;

export interface EngineAdapterDeps {
  /** dbt's dispatch over the engine's namespaces: root project, packages, tsdbt's built-ins (dispatch.ts). */
  dispatch(name: unknown, macroNamespace?: unknown): MacroFunction;
  /** The current render's `run_query` (undefined or a stub returning null while parsing). */
  currentRunQuery(): ((sql: string) => QueryTable | null) | undefined;
}

/**
 * The `adapter` global as the engine hands it to templates: the given one (supports, quote…, from
 * base-globals.ts), plus the relation methods that run queries through the current render, and
 * the engine's dispatch, which knows every macro namespace (the given one knows only flat names).
 */
export function withEngineAdapter(adapter: unknown, deps: EngineAdapterDeps): unknown {
  if (typeof adapter !== 'object' || adapter === null) return adapter;
  return {
    ...relationMethods(() => deps.currentRunQuery()),
    ...(adapter as Record<string, unknown>),
    dispatch: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      return deps.dispatch(positional[0] ?? keywords.macro_name, positional[1] ?? keywords.macro_namespace);
    },
  };
}
