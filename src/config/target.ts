/** A resolved connection target (one `outputs:` entry of a profile, validated and normalized). */

interface TargetBase {
  /** The key under `outputs:`, e.g. `dev`. */
  name: string;
  /** Database that models land in unless a model says otherwise (dbt's `schema`). */
  schema: string;
  /** Models built in parallel. */
  threads: number;
  /** ClickHouse settings sent with every statement. */
  settings: Record<string, string | number | boolean>;
}

export interface ChdbTarget extends TargetBase {
  type: 'chdb';
  /** Absolute path of the embedded database directory. */
  path: string;
}

export interface ClickhouseTarget extends TargetBase {
  type: 'clickhouse';
  /** `http://host:port` or `https://…`, without credentials. */
  url: string;
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** Never logged; redact it everywhere. */
  password: string;
  /** Verify the server certificate (HTTPS). */
  verify: boolean;
  /** Path of a CA certificate for HTTPS. */
  caCert: string | undefined;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Retries of idempotent requests on connection errors. */
  retries: number;
  compression: boolean;
  /** `ON CLUSTER` name added to every DDL statement. */
  cluster: string | undefined;
  /** Engine for databases tsdbt creates, e.g. `Atomic` or `Replicated(...)`. */
  databaseEngine: string | undefined;
}

export type Target = ChdbTarget | ClickhouseTarget;

/** Values that must never be printed: collected from the target so every output path can redact them. */
export function secretsOf(target: Target): string[] {
  return target.type === 'clickhouse' && target.password !== '' ? [target.password] : [];
}
