import { TsdbtError } from '../core/errors.js';
import type { QueryTable } from './query-table.js';
import { relationMethods } from './adapter-api.js';

type MacroFunction = (...args: unknown[]) => unknown;

export interface EngineAdapterDeps {
  /** tsdbt's built-in macros (builtin-macros/registry.ts). */
  builtinMacro(name: string): MacroFunction | undefined;
  /** The current render's `run_query` (undefined or a stub returning null while parsing). */
  currentRunQuery(): ((sql: string) => QueryTable | null) | undefined;
}

/**
 * The `adapter` global as the engine hands it to templates: the given one (dispatch, supports…,
 * from base-globals.ts), plus the relation methods that run queries through the current render,
 * and dispatch falling back to tsdbt's built-in `clickhouse__x`/`default__x` when the project and
 * its packages define neither (the built-ins are the last place dbt's search order reaches).
 */
export function withEngineAdapter(adapter: unknown, deps: EngineAdapterDeps): unknown {
  if (typeof adapter !== 'object' || adapter === null) return adapter;
  const given = adapter as Record<string, unknown>;
  const dispatch = given.dispatch as ((name: string, namespace?: unknown) => unknown) | undefined;
  return {
    ...relationMethods(() => deps.currentRunQuery()),
    ...given,
    dispatch: (name: string, namespace?: unknown) => {
      let failure: unknown;
      if (dispatch !== undefined) {
        try {
          return dispatch(name, namespace);
        } catch (error) {
          if (!(error instanceof TsdbtError)) throw error;
          failure = error;
        }
      }
      const builtin = deps.builtinMacro(`clickhouse__${name}`) ?? deps.builtinMacro(`default__${name}`);
      if (builtin !== undefined) return builtin;
      throw failure;
    },
  };
}
