import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { QueryTable } from './query-results.js';

/**
 * Rendering with `run_query`/`statement`, which need query results while nunjucks renders
 * synchronously. The render is repeated ("replayed"): it runs until the first query whose result
 * is not known yet, stops there, the query runs (asynchronously, on the normal connection), and the
 * template is rendered again from the top with the results so far, until it completes.
 *
 * Each query therefore runs exactly once and in template order, control flow always sees real
 * results, and both targets (chDB and a server over HTTP) work the same way. Costs: a template
 * with N queries renders N + 1 times; it must ask for the same queries given the same results (it
 * does unless it reads the clock or randomness into its SQL; this is checked); and `log()` output
 * is held back until the render completes, so each message is printed once.
 */

/** Thrown inside the render to stop it at a query whose result is not known yet. */
class QueryNeeded extends Error {
  constructor(readonly sql: string) {
    super('run_query: the result is not known yet (this render will be repeated once it is)');
  }
}

export interface ReplayOptions {
  /** The project's logger: what templates `log()` during a render that gets repeated is dropped, not printed twice. */
  logger?: Logger;
  /** Give up after this many queries in one render. */
  maxQueries?: number;
  /** Where the template lives, for errors. */
  file?: string;
}

export async function renderWithQueries<T>(
  render: (runQuery: (sql: string) => QueryTable) => T,
  execute: (sql: string) => Promise<QueryTable>,
  options: ReplayOptions = {},
): Promise<T> {
  const done: { sql: string; result: QueryTable }[] = [];
  const maxQueries = options.maxQueries ?? 1000;
  for (;;) {
    let index = 0;
    let needed: string | undefined;
    const runQuery = (sql: string): QueryTable => {
      const known = done[index];
      if (known === undefined) {
        needed = sql;
        throw new QueryNeeded(sql);
      }
      if (known.sql !== sql) {
        throw new TsdbtError({
          code: ErrorCodes.RENDER_NOT_REPEATABLE,
          message: `A template asked for different queries when rendered again with the same results: query ${index + 1} was\n${known.sql}\nand is now\n${sql}`,
          file: options.file,
          hint: 'Templates using run_query/statement are rendered once per query; keep their SQL free of values that change between renders (now(), random numbers). Use run_started_at for a fixed time.',
        });
      }
      index += 1;
      return known.result;
    };
    const held = holdLogs(options.logger ?? silentLogger);
    let value: T;
    try {
      value = render(runQuery);
    } catch (error) {
      held.release(false);
      if (needed === undefined) throw error;
      if (done.length >= maxQueries) {
        throw new TsdbtError({
          code: ErrorCodes.TEMPLATE_RENDER,
          message: `A template ran more than ${maxQueries} queries while rendering.`,
          file: options.file,
          hint: 'Look for a run_query() inside a loop.',
        });
      }
      done.push({ sql: needed, result: await execute(needed) });
      continue;
    }
    held.release(true);
    return value;
  }
}

/**
 * Holds a logger's messages until `release`: printed when the render completed, dropped when it
 * stopped at a query (the next render says them again). Renders are synchronous, so no other
 * code logs through this logger while it is held.
 */
function holdLogs(logger: Logger): { release(print: boolean): void } {
  if (logger === silentLogger) return { release: () => undefined };
  const held: Parameters<Logger['log']>[] = [];
  const own = Object.hasOwn(logger, 'log');
  const original = logger.log;
  logger.log = (...args) => {
    held.push(args);
  };
  return {
    release(print) {
      if (own) logger.log = original;
      else delete (logger as Partial<Logger>).log;
      if (print) for (const args of held) logger.log(...args);
    },
  };
}
