/** What the rest of tsdbt needs from a ClickHouse connection. Only src/adapter talks to ClickHouse. */

export interface Capabilities {
  /** `EXCHANGE TABLES a AND b` (needs an Atomic database). Otherwise a double RENAME is used. */
  readonly exchangeTables: boolean;
  /** `CREATE OR REPLACE VIEW`. Otherwise DROP + CREATE. */
  readonly createOrReplaceView: boolean;
  /** Server-side `{name:Type}` query parameters. Otherwise values are inlined as escaped literals. */
  readonly queryParameters: boolean;
  /** `JSONExtract*` functions (recent servers); old ones only have `visitParamExtract*`. */
  readonly jsonExtract: boolean;
  /** Lightweight `DELETE FROM`. Otherwise `ALTER TABLE … DELETE` (a mutation). */
  readonly lightweightDelete: boolean;
  /** The `DateTime64(precision, tz)` type (20.1+). Otherwise only second-precision `DateTime`. */
  readonly dateTime64: boolean;
  /** `ALTER TABLE mv MODIFY QUERY` on materialized views, without the experimental setting (23.11+). Otherwise the view is recreated. */
  readonly alterViewQuery: boolean;
  /** The `mutations_sync` setting (20.1+), to wait for an `ALTER TABLE … DELETE`. Otherwise the mutation finishes in the background. */
  readonly mutationsSync: boolean;
  /** The server's version (`18.16.1`), when known; features newer than it are refused with the version they need. */
  readonly version?: string;
}

export type QueryParams = Record<string, unknown>;

export interface ExecuteOptions {
  /** Per-statement ClickHouse settings. */
  settings?: Record<string, string | number | boolean>;
  params?: QueryParams;
  /** Abort the statement (client side) when this signal fires. */
  signal?: AbortSignal;
  /**
   * The session's default database for this statement, for the names it does not qualify (dbt-clickhouse
   * makes the target schema the connection's database). The database must exist.
   */
  database?: string;
}

export interface RelationInfo {
  database: string;
  name: string;
  /** ClickHouse engine, e.g. `MergeTree`, `View`, `MaterializedView`. */
  engine: string;
  kind: 'table' | 'view' | 'materialized_view' | 'dictionary';
}

export interface ColumnInfo {
  name: string;
  type: string;
}

/** A query's rows with its columns' names and ClickHouse types, in the order the query returns them (known even when no row comes back). */
export interface TypedRows<T = Record<string, unknown>> {
  columns: ColumnInfo[];
  rows: T[];
}

export interface AdapterResponse {
  /** Statement summary as reported by the server, when known. */
  rowsWritten?: number;
  queryId?: string;
}

/**
 * Rows already written as TabSeparated text (escaped, one `\n`-terminated line per row), filling
 * `columns` in that order. For a caller that makes many rows and can write the text itself faster
 * than the client encodes objects as JSON (ingestion lands replies of 100,000 rows).
 */
export interface EncodedRows {
  readonly format: 'TabSeparated';
  readonly columns: readonly string[];
  readonly text: string;
  /** How many rows `text` holds; named like an array's so that code counting rows handles both kinds. */
  readonly length: number;
}

/**
 * Rows already written as TabSeparated text into a file (an ingest reply too large to hold in
 * memory, spooled to disk): streamed to the database, never read whole. Every column is read as
 * String and cast to the table's type.
 */
export interface EncodedFile {
  readonly format: 'TabSeparated';
  readonly columns: readonly string[];
  /** Absolute path of the file. */
  readonly file: string;
  readonly length: number;
}

export type InsertRows = readonly Record<string, unknown>[] | EncodedRows | EncodedFile;

export function isEncodedRows(rows: InsertRows): rows is EncodedRows | EncodedFile {
  return !Array.isArray(rows);
}

export interface Adapter {
  readonly type: 'chdb' | 'clickhouse';
  readonly capabilities: Capabilities;
  /** A human description of where this adapter connects, with no secrets (`chdb at .tsdbt/chdb`, `http://host:8123 as user`). */
  readonly description: string;
  /** Runs one statement that returns no rows (DDL, INSERT … SELECT). */
  execute(sql: string, options?: ExecuteOptions): Promise<AdapterResponse>;
  /** Runs one SELECT and returns its rows as objects. */
  query<T = Record<string, unknown>>(sql: string, options?: ExecuteOptions): Promise<T[]>;
  /** Runs one SELECT and returns its rows with each column's name and type (what templates' `run_query` builds its table from). */
  queryWithColumns<T = Record<string, unknown>>(sql: string, options?: ExecuteOptions): Promise<TypedRows<T>>;
  /**
   * Runs one query and returns its output as text, one line per row, values unescaped
   * (`TabSeparatedRaw`): for long text read back whole, such as an EXPLAIN, where decoding a
   * JSON object per line costs more than the query.
   */
  queryText(sql: string, options?: ExecuteOptions): Promise<string>;
  /** Inserts rows (objects keyed by column name, or rows already encoded as text) into `database.table`, as one INSERT. */
  insert(database: string, table: string, rows: InsertRows, options?: ExecuteOptions): Promise<AdapterResponse>;
  serverVersion(): Promise<string>;
  /** All relations of one database, in a single round trip. */
  listRelations(database: string): Promise<RelationInfo[]>;
  listColumns(database: string, table: string): Promise<ColumnInfo[]>;
  /**
   * The engine of a database (`Atomic`, `Ordinary`, `Replicated`, …), or undefined when it does not exist.
   * `EXCHANGE TABLES` needs `Atomic` whatever the server version, so check this before relying on
   * `capabilities.exchangeTables` for tables in an existing database.
   */
  databaseEngine?(database: string): Promise<string | undefined>;
  /** Every database's engine (name → engine), in one round trip. */
  databaseEngines?(): Promise<Map<string, string>>;
  close(): Promise<void>;
}
