/**
 * Fault injection for the crash-safety tests (test/reliability): with
 *
 *   TSDBT_FAILPOINT=kill-after-statement:N    or    TSDBT_FAILPOINT=kill-before-statement:N
 *
 * the process sends itself SIGKILL right after the Nth statement sent to the database has
 * finished (or right before it is sent). Statements are counted as the log counts its `sql`
 * events (every execute, query and insert, in the order they are sent), so a test can replay a
 * run, stop it between any two statements of a plan, and check what the database was left with.
 * A SIGKILL cannot be caught: nothing of tsdbt runs after it, as when a machine loses power.
 * Unset (always, outside those tests), the adapter is returned untouched.
 */
import type { Adapter } from '../core/adapter-types.js';

export interface Failpoint {
  when: 'before' | 'after';
  statement: number;
}

export function parseFailpoint(spec: string | undefined): Failpoint | undefined {
  const match = /^kill-(before|after)-statement:(\d+)$/.exec(spec?.trim() ?? '');
  if (match === null) return undefined;
  return { when: match[1] as Failpoint['when'], statement: Number(match[2]) };
}

export function withFailpoint(adapter: Adapter, spec: string | undefined = process.env['TSDBT_FAILPOINT'], kill: () => void = killSelf): Adapter {
  const failpoint = parseFailpoint(spec);
  if (failpoint === undefined) return adapter;
  let sent = 0;
  const counted =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      sent += 1;
      const hit = sent === failpoint.statement;
      if (hit && failpoint.when === 'before') kill();
      const result = await call(...args);
      if (hit && failpoint.when === 'after') kill();
      return result;
    };
  const wrapped: Pick<Adapter, 'execute' | 'query' | 'queryWithColumns' | 'queryText' | 'insert'> = {
    execute: counted((sql: string, options?: Parameters<Adapter['execute']>[1]) => adapter.execute(sql, options)),
    query: counted((sql: string, options?: Parameters<Adapter['query']>[1]) => adapter.query(sql, options)) as Adapter['query'],
    queryWithColumns: counted((sql: string, options?: Parameters<Adapter['queryWithColumns']>[1]) =>
      adapter.queryWithColumns(sql, options),
    ) as Adapter['queryWithColumns'],
    queryText: counted((sql: string, options?: Parameters<Adapter['queryText']>[1]) => adapter.queryText(sql, options)),
    insert: counted((database: string, table: string, rows: Parameters<Adapter['insert']>[2], options?: Parameters<Adapter['insert']>[3]) =>
      adapter.insert(database, table, rows, options),
    ),
  };
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'execute' || property === 'query' || property === 'queryWithColumns' || property === 'queryText' || property === 'insert')
        return wrapped[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function killSelf(): void {
  process.kill(process.pid, 'SIGKILL');
}
