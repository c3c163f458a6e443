import type { ClickHouseClient, DataFormat, ResultSet } from '@clickhouse/client';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { inlineParams, qualifiedName, quoteIdentifier, quoteString } from '../core/sql-literals.js';
import type { TranslateContext } from './translate-error.js';
import { networkCode, redact, translateError } from './translate-error.js';
import type {
  Adapter,
  AdapterResponse,
  Capabilities,
  ColumnInfo,
  EncodedFile,
  EncodedRows,
  ExecuteOptions,
  InsertRows,
  RelationInfo,
  TypedRows,
} from '../core/adapter-types.js';
import { isEncodedRows } from '../core/adapter-types.js';

export interface ClickhouseAdapterOptions {
  type: Adapter['type'];
  client: ClickHouseClient;
  capabilities: Capabilities;
  description: string;
  secrets: readonly string[];
  /** Settings sent with every statement (from the profile). */
  settings: Record<string, string | number | boolean>;
  /** Retries of a request that failed to connect (any statement) or lost its connection (queries only). */
  retries?: number;
  /** First pause before a retry; it doubles each time. */
  retryDelayMs?: number;
  /** Told before each retry (for the log): which retry, of how many, after what pause, and why. */
  onRetry?: ((retry: { attempt: number; retries: number; delayMs: number; reason: string }) => void) | undefined;
  /** system.columns has `position` to order by (not on 18.16). Default true. */
  columnsHavePosition?: boolean;
  /** Who and where, for error messages (never the password). */
  errorContext?: Pick<TranslateContext, 'user' | 'server' | 'timeoutMs'>;
  /**
   * A client whose requests name `database` as the default (HTTP's `database` parameter), for statements
   * given `ExecuteOptions.database`. Without it (chDB), such a statement is sent after `USE <database>`.
   */
  clientForDatabase?: (database: string) => ClickHouseClient;
}

/**
 * The one Adapter implementation: chDB and a real server differ only in the connection
 * handed to @clickhouse/client, and in their capabilities.
 */
/**
 * Reading a spooled file: small blocks, one thread, no parallel parsing, and pread rather than
 * mmap (mapped pages of a 300 MB file count in the process's RSS), so a big file never sits in memory.
 */
const FILE_INSERT_SETTINGS: Record<string, string | number | boolean> = {
  storage_file_read_method: 'pread',
  max_threads: 1,
  max_insert_threads: 1,
  input_format_parallel_parsing: 0,
  max_block_size: 8192,
  min_insert_block_size_rows: 65_536,
  min_insert_block_size_bytes: 16 * 1024 * 1024,
};

/**
 * chDB runs in this process, so its insert blocks count in its memory: it holds a whole block while
 * it sorts and writes it. Smaller ones there (more parts, which a staged landing attaches at once).
 */
const CHDB_FILE_INSERT_SETTINGS: Record<string, string | number | boolean> = {
  ...FILE_INSERT_SETTINGS,
  max_block_size: 2048,
  min_insert_block_size_bytes: 2 * 1024 * 1024,
};

export class ClickhouseAdapter implements Adapter {
  readonly type: Adapter['type'];
  readonly capabilities: Capabilities;
  readonly description: string;
  private readonly client: ClickHouseClient;
  private readonly secrets: readonly string[];
  private readonly settings: Record<string, string | number | boolean>;
  private readonly options: ClickhouseAdapterOptions;
  private closed = false;
  /** Clients made by `clientForDatabase`, one per database, closed with the adapter. */
  private readonly databaseClients = new Map<string, ClickHouseClient>();

  constructor(options: ClickhouseAdapterOptions) {
    this.options = options;
    this.type = options.type;
    this.client = options.client;
    this.capabilities = options.capabilities;
    this.description = options.description;
    this.secrets = options.secrets;
    this.settings = options.settings;
  }

  /** The same connection with other capabilities (known once the server has been asked). */
  withCapabilities(capabilities: Capabilities, more: Partial<ClickhouseAdapterOptions> = {}): ClickhouseAdapter {
    return new ClickhouseAdapter({ ...this.options, ...more, capabilities });
  }

  async execute(sql: string, options: ExecuteOptions = {}): Promise<AdapterResponse> {
    const request = this.request(sql, options);
    return this.attempt(sql, options, false, async () => {
      const result = await this.clientOf(options).command({
        query: request.query,
        query_params: request.params,
        clickhouse_settings: request.settings,
        abort_signal: options.signal,
      });
      const written = result.summary?.written_rows;
      return {
        queryId: result.query_id,
        ...(written === undefined ? {} : { rowsWritten: Number(written) }),
      };
    });
  }

  async query<T = Record<string, unknown>>(sql: string, options: ExecuteOptions = {}): Promise<T[]> {
    return this.select(sql, options, 'JSONEachRow', async (result) => (await result.json()) as T[]);
  }

  async queryWithColumns<T = Record<string, unknown>>(sql: string, options: ExecuteOptions = {}): Promise<TypedRows<T>> {
    // JSON (not JSONEachRow): its `meta` names every column with its type, even when no row comes back.
    return this.select(sql, options, 'JSON', async (result) => {
      const { meta = [], data = [] } = await result.json<T>();
      return { columns: meta.map(({ name, type }) => ({ name, type })), rows: data };
    });
  }

  async queryText(sql: string, options: ExecuteOptions = {}): Promise<string> {
    return this.select(sql, options, 'TabSeparatedRaw', (result) => result.text());
  }

  /** One SELECT in the given output format, read by `read`, with tsdbt's retries and error translation. */
  private select<F extends DataFormat, R>(sql: string, options: ExecuteOptions, format: F, read: (result: ResultSet<F>) => Promise<R>): Promise<R> {
    const request = this.request(sql, options);
    return this.attempt(sql, options, true, async () => {
      const result = await this.clientOf(options).query({
        query: request.query,
        query_params: request.params,
        clickhouse_settings: request.settings,
        abort_signal: options.signal,
        format,
      });
      return read(result);
    });
  }

  async insert(database: string, table: string, rows: InsertRows, options: ExecuteOptions = {}): Promise<AdapterResponse> {
    if (rows.length === 0) return { rowsWritten: 0 };
    // The client pastes `table` (and `columns`) into `INSERT INTO <table> FORMAT …` as is, so they must be quoted here.
    const target = qualifiedName(database, table);
    if (isEncodedRows(rows) && 'file' in rows) return this.insertFile(target, rows, options);
    const encoded = isEncodedRows(rows) ? (rows as EncodedRows) : undefined;
    return this.attempt(`INSERT INTO ${target}`, options, false, async () => {
      const result = await this.client.insert({
        table: target,
        // A string stream (not Buffers): chDB's connection concatenates the text to the statement as it is.
        values: encoded === undefined ? (rows as Record<string, unknown>[]) : Readable.from([encoded.text], { objectMode: false, encoding: 'utf8' }),
        format: encoded?.format ?? 'JSONEachRow',
        columns: encoded?.columns.map(quoteIdentifier) as [string, ...string[]] | undefined,
        clickhouse_settings: { ...this.settings, ...options.settings },
        abort_signal: options.signal,
      });
      return { queryId: result.query_id, rowsWritten: rows.length };
    });
  }

  /**
   * Rows spooled to a file, streamed: a server reads them as the body of one HTTP INSERT; chDB, whose
   * client would paste a stream into the statement as one string, reads the file itself with
   * `file()`, in small blocks on one thread, so memory stays bounded whatever the file's size.
   */
  private async insertFile(target: string, rows: EncodedFile, options: ExecuteOptions): Promise<AdapterResponse> {
    const columns = rows.columns.map(quoteIdentifier);
    const settings = { ...this.settings, ...FILE_INSERT_SETTINGS, ...options.settings };
    if (this.type === 'chdb') {
      const structure = rows.columns.map((column) => `${quoteIdentifier(column)} String`).join(', ');
      // Settings written into the statement: chDB's connection does not apply a command's clickhouse_settings.
      const clause = Object.entries(CHDB_FILE_INSERT_SETTINGS)
        .map(([name, value]) => `${name} = ${typeof value === 'string' ? quoteString(value) : String(value)}`)
        .join(', ');
      const sql = `INSERT INTO ${target} (${columns.join(', ')}) SELECT * FROM file(${quoteString(rows.file)}, 'TabSeparated', ${quoteString(structure)}) SETTINGS ${clause}`;
      await this.execute(sql, options);
      return { rowsWritten: rows.length };
    }
    return this.attempt(`INSERT INTO ${target}`, options, false, async () => {
      const result = await this.client.insert({
        table: target,
        values: createReadStream(rows.file),
        format: rows.format,
        columns: columns as [string, ...string[]],
        clickhouse_settings: settings,
        abort_signal: options.signal,
      });
      return { queryId: result.query_id, rowsWritten: rows.length };
    });
  }

  /** `GET /ping` (no credentials needed); throws the translated error when the server does not answer. */
  async ping(): Promise<void> {
    const result = await this.client.ping();
    if (!result.success) {
      throw translateError(result.error, { where: this.description, secrets: this.secrets, ...this.options.errorContext });
    }
  }

  async serverVersion(): Promise<string> {
    const rows = await this.query<{ version: string }>('SELECT version() AS version');
    return rows[0]?.version ?? 'unknown';
  }

  async listRelations(database: string): Promise<RelationInfo[]> {
    const rows = await this.query<{ name: string; engine: string }>('SELECT name, engine FROM system.tables WHERE database = {database:String}', {
      params: { database },
    });
    return rows.map((row) => ({ database, name: row.name, engine: row.engine, kind: kindOfEngine(row.engine) }));
  }

  async listColumns(database: string, table: string): Promise<ColumnInfo[]> {
    const order = this.options.columnsHavePosition === false ? '' : ' ORDER BY position';
    return this.query<ColumnInfo>(`SELECT name, type FROM system.columns WHERE database = {database:String} AND table = {table:String}${order}`, {
      params: { database, table },
    });
  }

  /** The engine of a database (`Atomic`, `Ordinary`, `Replicated`, …), or undefined when it does not exist. */
  async databaseEngine(database: string): Promise<string | undefined> {
    const rows = await this.query<{ engine: string }>('SELECT engine FROM system.databases WHERE name = {database:String}', {
      params: { database },
    });
    return rows[0]?.engine;
  }

  async databaseEngines(): Promise<Map<string, string>> {
    const rows = await this.query<{ name: string; engine: string }>('SELECT name, engine FROM system.databases');
    return new Map(rows.map((row) => [row.name, row.engine]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const client of this.databaseClients.values()) await client.close().catch(() => undefined);
    await this.client.close();
  }

  /**
   * Runs one request, retrying it while the failure is a connection that never got through (safe for any
   * statement) or, when `idempotent`, a connection lost mid-request. Errors come out translated.
   */
  private async attempt<R>(sql: string, options: ExecuteOptions, idempotent: boolean, run: () => Promise<R>): Promise<R> {
    const retries = Math.max(0, this.options.retries ?? 0);
    const baseDelay = this.options.retryDelayMs ?? 100;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await run();
      } catch (error) {
        if (attempt >= retries || options.signal?.aborted || !isRetryable(error, idempotent)) {
          throw translateError(error, {
            where: this.description,
            sql,
            secrets: this.secrets,
            ...this.options.errorContext,
          });
        }
        const delayMs = Math.min(baseDelay * 2 ** attempt, 2_000);
        this.options.onRetry?.({
          attempt: attempt + 1,
          retries,
          delayMs,
          reason: redact(networkCode((error ?? {}) as object) ?? String((error as Error | undefined)?.message ?? error).split('\n')[0]!, this.secrets),
        });
        await sleep(delayMs);
      }
    }
  }

  private clientOf(options: ExecuteOptions): ClickHouseClient {
    const factory = this.options.clientForDatabase;
    if (options.database === undefined || factory === undefined) return this.client;
    let client = this.databaseClients.get(options.database);
    if (client === undefined) {
      client = factory(options.database);
      this.databaseClients.set(options.database, client);
    }
    return client;
  }

  private request(sql: string, options: ExecuteOptions) {
    const settings = { ...this.settings, ...options.settings };
    // chDB has no per-request database: `USE` it first (the session keeps it; tsdbt's own statements qualify every name).
    if (options.database !== undefined && this.options.clientForDatabase === undefined) sql = `USE ${quoteIdentifier(options.database)};\n${sql}`;
    if (options.params === undefined) return { query: sql, params: undefined, settings };
    if (this.capabilities.queryParameters) return { query: sql, params: options.params, settings };
    return { query: inlineParams(sql, options.params), params: undefined, settings };
  }
}

/**
 * `connect ECONNREFUSED …`, `connect ETIMEDOUT …` (our connect timeout), `getaddrinfo EAI_AGAIN …`: the
 * request never reached the server, so sending it again cannot apply it twice. A reset or hang-up after
 * that may have run the statement, so only idempotent requests (queries) are retried then.
 */
function isRetryable(error: unknown, idempotent: boolean): boolean {
  const e = error as { message?: unknown; cause?: { message?: unknown } } | undefined;
  const code = networkCode((error ?? {}) as object);
  if (code === undefined || code === 'ENOTFOUND') return false;
  const message = `${String(e?.message ?? '')} ${String(e?.cause?.message ?? '')}`;
  if (/(^|\s)(connect|getaddrinfo) E[A-Z_]+/.test(message)) return true;
  return idempotent && (code === 'ECONNRESET' || code === 'EPIPE');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function kindOfEngine(engine: string): RelationInfo['kind'] {
  if (engine === 'View' || engine === 'LiveView') return 'view';
  if (engine === 'MaterializedView') return 'materialized_view';
  if (engine === 'Dictionary') return 'dictionary';
  return 'table';
}

/** Used in messages: `'db'.'name'`. */
export function describeRelation(database: string, name: string): string {
  return `${quoteString(database)}.${quoteString(name)}`;
}
