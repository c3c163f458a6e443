import type { ClickHouseClient } from '@clickhouse/client';
import { inlineParams, quoteString } from './sql-literals.js';
import { translateError } from './translate-error.js';
import type {
  Adapter,
  AdapterResponse,
  Capabilities,
  ColumnInfo,
  ExecuteOptions,
  RelationInfo,
} from './types.js';

export interface ClickhouseAdapterOptions {
  type: Adapter['type'];
  client: ClickHouseClient;
  capabilities: Capabilities;
  description: string;
  secrets: readonly string[];
  /** Settings sent with every statement (from the profile). */
  settings: Record<string, string | number | boolean>;
}

/**
 * The one Adapter implementation: chDB and a real server differ only in the connection
 * handed to @clickhouse/client, and in their capabilities.
 */
export class ClickhouseAdapter implements Adapter {
  readonly type: Adapter['type'];
  readonly capabilities: Capabilities;
  readonly description: string;
  private readonly client: ClickHouseClient;
  private readonly secrets: readonly string[];
  private readonly settings: Record<string, string | number | boolean>;
  private closed = false;

  constructor(options: ClickhouseAdapterOptions) {
    this.type = options.type;
    this.client = options.client;
    this.capabilities = options.capabilities;
    this.description = options.description;
    this.secrets = options.secrets;
    this.settings = options.settings;
  }

  withCapabilities(capabilities: Capabilities): ClickhouseAdapter {
    return new ClickhouseAdapter({
      type: this.type,
      client: this.client,
      capabilities,
      description: this.description,
      secrets: this.secrets,
      settings: this.settings,
    });
  }

  async execute(sql: string, options: ExecuteOptions = {}): Promise<AdapterResponse> {
    const request = this.request(sql, options);
    try {
      const result = await this.client.command({
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
    } catch (error) {
      throw translateError(error, { where: this.description, sql, secrets: this.secrets });
    }
  }

  async query<T = Record<string, unknown>>(sql: string, options: ExecuteOptions = {}): Promise<T[]> {
    const request = this.request(sql, options);
    try {
      const result = await this.client.query({
        query: request.query,
        query_params: request.params,
        clickhouse_settings: request.settings,
        abort_signal: options.signal,
        format: 'JSONEachRow',
      });
      return (await result.json()) as T[];
    } catch (error) {
      throw translateError(error, { where: this.description, sql, secrets: this.secrets });
    }
  }

  async insert(
    database: string,
    table: string,
    rows: readonly Record<string, unknown>[],
    options: ExecuteOptions = {},
  ): Promise<AdapterResponse> {
    if (rows.length === 0) return { rowsWritten: 0 };
    try {
      const result = await this.client.insert({
        table: `${database}.${table}`,
        values: rows as Record<string, unknown>[],
        format: 'JSONEachRow',
        clickhouse_settings: { ...this.settings, ...options.settings },
        abort_signal: options.signal,
      });
      return { queryId: result.query_id, rowsWritten: rows.length };
    } catch (error) {
      throw translateError(error, { where: this.description, sql: `INSERT INTO ${database}.${table}`, secrets: this.secrets });
    }
  }

  async serverVersion(): Promise<string> {
    const rows = await this.query<{ version: string }>('SELECT version() AS version');
    return rows[0]?.version ?? 'unknown';
  }

  async listRelations(database: string): Promise<RelationInfo[]> {
    const rows = await this.query<{ name: string; engine: string }>(
      'SELECT name, engine FROM system.tables WHERE database = {database:String}',
      { params: { database } },
    );
    return rows.map((row) => ({ database, name: row.name, engine: row.engine, kind: kindOfEngine(row.engine) }));
  }

  async listColumns(database: string, table: string): Promise<ColumnInfo[]> {
    return this.query<ColumnInfo>(
      'SELECT name, type FROM system.columns WHERE database = {database:String} AND table = {table:String} ORDER BY position',
      { params: { database, table } },
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  private request(sql: string, options: ExecuteOptions) {
    const settings = { ...this.settings, ...options.settings };
    if (options.params === undefined) return { query: sql, params: undefined, settings };
    if (this.capabilities.queryParameters) return { query: sql, params: options.params, settings };
    return { query: inlineParams(sql, options.params), params: undefined, settings };
  }
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
