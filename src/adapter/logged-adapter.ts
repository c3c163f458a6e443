import type { Adapter, AdapterResponse, InsertRows } from '../core/adapter-types.js';
import { isEncodedRows } from '../core/adapter-types.js';
import { isTsdbtError } from '../core/errors.js';
import { LogEvent, type LogFields, type Logger } from '../core/logger.js';

/**
 * The same adapter, logging (at debug level) every statement before it is sent (`sql`) and how
 * it ended (`sql_finished`: time taken, rows, query id). This is what the log file records as
 * "SQL sent". Every other method is passed through untouched. The adapter's own error messages
 * are redacted already, and the reporter redacts every line again.
 */
export function withStatementLog(adapter: Adapter, logger: Logger, now: () => number = () => performance.now()): Adapter {
  async function timed<T>(sql: string, label: string, run: () => Promise<T>, describe: (result: T) => LogFields): Promise<T> {
    logger.log('debug', LogEvent.SQL, `Sending ${label}`, { sql });
    const started = now();
    try {
      const result = await run();
      const durationMs = Math.round(now() - started);
      logger.log('debug', LogEvent.SQL_FINISHED, `${capitalize(label)} done in ${durationMs} ms`, { duration_ms: durationMs, ok: true, ...describe(result) });
      return result;
    } catch (error) {
      const durationMs = Math.round(now() - started);
      const message = error instanceof Error ? error.message : String(error);
      logger.log('debug', LogEvent.SQL_FINISHED, `${capitalize(label)} failed after ${durationMs} ms: ${message}`, {
        duration_ms: durationMs,
        ok: false,
        error_code: isTsdbtError(error) ? error.code : undefined,
      });
      throw error;
    }
  }
  const responseFields = (response: AdapterResponse): LogFields => ({ query_id: response.queryId, rows_written: response.rowsWritten });

  const logged: Pick<Adapter, WrappedMethod> = {
    execute: (sql, options) => timed(sql, 'statement', () => adapter.execute(sql, options), responseFields),
    query: <T>(sql: string, options?: Parameters<Adapter['query']>[1]) =>
      timed(
        sql,
        'query',
        () => adapter.query<T>(sql, options),
        (rows) => ({ rows: rows.length }),
      ),
    queryWithColumns: <T>(sql: string, options?: Parameters<Adapter['queryWithColumns']>[1]) =>
      timed(
        sql,
        'query',
        () => adapter.queryWithColumns<T>(sql, options),
        (result) => ({ rows: result.rows.length }),
      ),
    queryText: (sql, options) =>
      timed(
        sql,
        'query',
        () => adapter.queryText(sql, options),
        (text) => ({ bytes: text.length }),
      ),
    insert: (database, table, rows, options) =>
      timed(
        `INSERT INTO ${database}.${table}${insertTail(rows)} -- ${rows.length} rows`,
        'insert',
        () => adapter.insert(database, table, rows, options),
        responseFields,
      ),
  };
  return new Proxy(adapter, {
    get(target, property) {
      if (isWrapped(property)) return logged[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

type WrappedMethod = 'execute' | 'query' | 'queryWithColumns' | 'queryText' | 'insert';

function isWrapped(property: string | symbol): property is WrappedMethod {
  return property === 'execute' || property === 'query' || property === 'queryWithColumns' || property === 'queryText' || property === 'insert';
}

/** ` (columns) FORMAT TabSeparated` for encoded rows, ` FORMAT JSONEachRow` for objects. */
function insertTail(rows: InsertRows): string {
  if (!isEncodedRows(rows)) return ' FORMAT JSONEachRow';
  return ` (${rows.columns.join(', ')}) FORMAT ${rows.format}${'file' in rows ? ' -- from a spooled reply' : ''}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
