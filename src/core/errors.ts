/**
 * Every error a user can see is a TsdbtError: a stable code, a full-sentence message,
 * where it happened (file:line) and what to do about it. The CLI prints these without
 * a stack trace; anything else reaching the top is a bug and is reported as one.
 */

/** Stable error codes. 1xxx config, 2xxx compile, 3xxx graph/selection, 4xxx database, 5xxx ingest, 9xxx internal. */
export const ErrorCodes = {
  // 1xxx: configuration (project.yml, profiles.yml, CLI flags)
  CONFIG_FILE_MISSING: 'TSDBT1001',
  CONFIG_YAML_INVALID: 'TSDBT1002',
  CONFIG_INVALID: 'TSDBT1003',
  PROFILE_NOT_FOUND: 'TSDBT1004',
  TARGET_NOT_FOUND: 'TSDBT1005',
  ENV_VAR_MISSING: 'TSDBT1006',
  VARS_INVALID: 'TSDBT1007',
  USAGE: 'TSDBT1008',
  PROPERTIES_INVALID: 'TSDBT1009',
  /** `tsdbt init` would write into a folder that already has files. */
  INIT_FOLDER_NOT_EMPTY: 'TSDBT1010',
  /** A `clean-targets` entry points outside the project or at its sources. */
  CLEAN_TARGET_UNSAFE: 'TSDBT1011',
  /** `tsdbt docs serve` found no generated site (target/index.html). */
  DOCS_NOT_GENERATED: 'TSDBT1012',
  /** `tsdbt docs serve --port N`: the port is taken, not allowed, or not a port number. */
  DOCS_PORT_UNAVAILABLE: 'TSDBT1013',
  /** A file or folder tsdbt reads or writes cannot be used: permissions, a file where a folder must be, a full disk. */
  FILE_ACCESS: 'TSDBT1014',
  /** `target-path` is the project folder, holds it, or overlaps one of its source folders. */
  TARGET_PATH_UNSAFE: 'TSDBT1800',
  /** A project file that is not a regular file (a FIFO, a device) or is larger than tsdbt reads. */
  PROJECT_FILE_UNREADABLE: 'TSDBT1801',
  /** packages.yml / dependencies.yml / package-lock.yml is malformed: an entry of no known kind, a missing or bad key. */
  PACKAGES_INVALID: 'TSDBT1600',
  /** The project declares packages but they are not installed (or not as the lock file says): run `tsdbt deps`. */
  PACKAGES_NOT_INSTALLED: 'TSDBT1601',
  /** A project's `require-dbt-version` excludes the dbt version tsdbt is compatible with. */
  DBT_VERSION_UNSUPPORTED: 'TSDBT1602',
  /** Two packages require versions of a third that no version satisfies. */
  PACKAGE_VERSION_CONFLICT: 'TSDBT1603',
  /** The dbt package hub cannot be reached (offline, DNS, proxy) or answered with something else than its index. */
  PACKAGE_HUB_UNREACHABLE: 'TSDBT1604',
  /** A package could not be fetched: git failed, a tarball is missing or not a tar.gz, a local path does not exist. */
  PACKAGE_FETCH_FAILED: 'TSDBT1605',
  /** A unit test fixture file (tests/fixtures/<name>.csv|.sql) named by `fixture:` does not exist. */
  UNIT_TEST_FIXTURE_MISSING: 'TSDBT1400',
  // 2xxx: compiling models and macros
  TEMPLATE_SYNTAX: 'TSDBT2001',
  TEMPLATE_RENDER: 'TSDBT2002',
  UNKNOWN_REF: 'TSDBT2003',
  UNKNOWN_SOURCE: 'TSDBT2004',
  DUPLICATE_NODE: 'TSDBT2005',
  MODEL_CONFIG_INVALID: 'TSDBT2006',
  COMPILER_ERROR_RAISED: 'TSDBT2007',
  /** A seed CSV cannot be read, or its column_types/values do not fit together. */
  SEED_INVALID: 'TSDBT2008',
  /** A data test is declared wrongly: unknown generic test, bad arguments or config. */
  TEST_INVALID: 'TSDBT2009',
  /** `tsdbt run-operation` names a macro that does not exist. */
  MACRO_NOT_FOUND: 'TSDBT2010',
  /** A template ran different queries (run_query/statement) when rendered again with the same results. */
  RENDER_NOT_REPEATABLE: 'TSDBT2011',
  /** A model file that is empty, or renders to nothing but comments. */
  EMPTY_MODEL: 'TSDBT2012',
  /** adapter.dispatch(name, macro_namespace) found no implementation, or was called wrongly (a dotted name, a namespace that is not a string). */
  DISPATCH_FAILED: 'TSDBT2100',
  /** A snapshot is declared wrongly: no strategy/unique_key, a bad hard_deletes, a block that does not close. */
  SNAPSHOT_INVALID: 'TSDBT2300',
  /** A model or seed name (or alias) ending in tsdbt's own `__tsdbt_tmp` / `__tsdbt_backup` suffixes. */
  RESERVED_NAME: 'TSDBT2800',
  /** A model, macro or test reads a `DBT_ENV_SECRET_` / `TSDBT_ENV_SECRET_` variable, which only profiles, packages.yml and ingest blocks may. */
  SECRET_IN_MODEL: 'TSDBT2801',
  /** A template nests blocks or expressions deeper than tsdbt renders. */
  TEMPLATE_TOO_DEEP: 'TSDBT2802',
  /** A `unit_tests:` entry is declared wrongly: unknown model, missing `given` input for a ref/source, bad rows. */
  UNIT_TEST_INVALID: 'TSDBT2400',
  /** A model contract is declared wrongly: enforced without column data types, a bad constraint. */
  CONTRACT_INVALID: 'TSDBT2401',
  // 3xxx: graph and selection
  CYCLE: 'TSDBT3001',
  SELECTOR_INVALID: 'TSDBT3002',
  NOTHING_SELECTED: 'TSDBT3003',
  /** --state folder (or its manifest.json), or target/run_results.json for retry, is missing. */
  STATE_NOT_FOUND: 'TSDBT3004',
  /** A state or results file is not JSON, or not a manifest / run_results. */
  STATE_INVALID: 'TSDBT3005',
  /** A contracted model lost a column, changed a column's type, or dropped its contract, compared with --state. */
  CONTRACT_BREAKING_CHANGE: 'TSDBT3400',
  /** `tsdbt lineage` or `column:` names a model or column that does not exist (or was not checked). */
  LINEAGE_COLUMN_UNKNOWN: 'TSDBT3200',
  /** `column:` needs target/lineage.json up to date for the models it looks at: run `tsdbt check`. */
  LINEAGE_OUT_OF_DATE: 'TSDBT3201',
  /** target/lineage.json is not JSON. */
  LINEAGE_FILE_INVALID: 'TSDBT3202',
  // 4xxx: database
  CONNECTION_FAILED: 'TSDBT4001',
  SQL_ERROR: 'TSDBT4002',
  ENGINE_LOCKED: 'TSDBT4003',
  AUTH_FAILED: 'TSDBT4004',
  TIMEOUT: 'TSDBT4005',
  UNSUPPORTED_BY_SERVER: 'TSDBT4006',
  /** An incremental model's or materialized view's columns changed, and on_schema_change says stop. */
  SCHEMA_CHANGED: 'TSDBT4007',
  /** A pre_hook/post_hook or on-run-start/on-run-end statement failed. */
  HOOK_FAILED: 'TSDBT4008',
  /** A snapshot's query returns a unique_key twice or NULL: tracking history by it would make duplicate current rows. */
  SNAPSHOT_KEY_NOT_UNIQUE: 'TSDBT4300',
  /** A snapshot's relation exists but is not a snapshot table tsdbt can extend (a view, or the dbt_* columns are missing). */
  SNAPSHOT_TARGET_INVALID: 'TSDBT4301',
  /** Snapshots cannot be built on this target (a cluster). */
  SNAPSHOT_UNSUPPORTED: 'TSDBT4302',
  /** A model's config needs a newer ClickHouse than the target's server (projections, refreshable views…); the message names the version. */
  SERVER_TOO_OLD: 'TSDBT4700',
  /** `grants` on a target that has no SQL access control (chDB, or a server before 20.4). */
  GRANTS_UNSUPPORTED: 'TSDBT4701',
  /** The target's host answered over HTTP, but it is not a ClickHouse server. */
  NOT_CLICKHOUSE: 'TSDBT4800',
  /** A model's query does not return the columns and types its enforced contract declares (checked before any DDL). */
  CONTRACT_MISMATCH: 'TSDBT4400',
  // 5xxx: ingestion
  INGEST_FETCH_FAILED: 'TSDBT5001',
  INGEST_INVALID_PAYLOAD: 'TSDBT5002',
  INGEST_CONFIG_INVALID: 'TSDBT5003',
  INGEST_LANDING_FAILED: 'TSDBT5004',
  /** A reply was larger than the source's `max_reply_bytes` (not retried). */
  INGEST_REPLY_TOO_LARGE: 'TSDBT5800',
  /** A redirect tsdbt will not follow: another scheme, a loop, too many, or another origin with `cross_origin_redirects: refuse`. */
  INGEST_REDIRECT_REFUSED: 'TSDBT5801',
  // 9xxx: internal
  INTERNAL: 'TSDBT9001',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface TsdbtErrorOptions {
  code: ErrorCode;
  message: string;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  hint?: string | undefined;
  cause?: unknown;
  /** Further errors found in the same pass (config and compile errors are collected, not thrown one by one). */
  related?: TsdbtError[];
}

export class TsdbtError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly hint: string | undefined;
  readonly related: TsdbtError[];

  constructor(options: TsdbtErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TsdbtError';
    this.code = options.code;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.hint = options.hint;
    this.related = options.related ?? [];
  }

  /** `models/people.sql:12` or just the file, or undefined. */
  get location(): string | undefined {
    if (this.file === undefined) return undefined;
    return this.line === undefined ? this.file : `${this.file}:${this.line}`;
  }

  /** All errors carried by this one: itself first, then the related ones. */
  all(): TsdbtError[] {
    return [this, ...this.related];
  }
}

/** Throws one error standing for all of `errors` (the first leads, the others ride along). */
export function throwCollected(errors: TsdbtError[]): void {
  const [first, ...rest] = errors;
  if (first === undefined) return;
  throw new TsdbtError({
    code: first.code,
    message: first.message,
    file: first.file,
    line: first.line,
    column: first.column,
    hint: first.hint,
    cause: first.cause,
    related: [...first.related, ...rest],
  });
}

export function isTsdbtError(value: unknown): value is TsdbtError {
  return value instanceof TsdbtError;
}
