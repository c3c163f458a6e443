import type { Target } from '../config/target.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { canExchange, contextForDatabase, createDatabase, dropDatabase } from '../materialize/ddl.js';
import type { PlanContext } from '../materialize/plan.js';
import { CLUSTERS_SQL, planScratchTable } from '../materialize/plan-connection-check.js';
import { connect, pingServer } from '../adapter/connect.js';
import type { Adapter, Capabilities } from '../core/adapter-types.js';

/** One line of `tsdbt debug`'s connection section. */
export interface CheckResult {
  label: string;
  status: 'ok' | 'error' | 'skipped';
  detail?: string;
  /** Said after the line, also when the check passed (missing server features, an Ordinary database…). */
  warnings: string[];
  error?: TsdbtError;
}

/** What each capability is, since when servers have it, and what tsdbt does without it. */
export const FEATURES: Record<Exclude<keyof Capabilities, 'version'>, { name: string; since: string; without: string }> = {
  exchangeTables: { name: 'EXCHANGE TABLES', since: '20.10', without: 'tables are swapped in with one double RENAME instead' },
  createOrReplaceView: { name: 'CREATE OR REPLACE VIEW', since: '20.3', without: 'views are built under a temporary name and swapped in with one RENAME' },
  queryParameters: { name: 'query parameters', since: '19.11', without: 'tsdbt inlines escaped literals instead' },
  jsonExtract: {
    name: 'JSONExtract* functions',
    since: '19.1',
    without: "models must use visitParamExtract* (macros can ask adapter.supports('json_extract'))",
  },
  lightweightDelete: { name: 'lightweight DELETE', since: '23.3', without: 'deletes run as ALTER TABLE … DELETE mutations' },
  dateTime64: { name: 'DateTime64', since: '20.1', without: 'columns of that type cannot be created; DateTime (seconds) is used where tsdbt picks the type' },
  mutationsSync: {
    name: 'the mutations_sync setting',
    since: '20.1',
    without:
      'incremental delete+insert deletes with an ALTER TABLE … DELETE that finishes in the background (the new rows are never deleted; readers may see the old ones for a moment)',
  },
  alterViewQuery: {
    name: 'ALTER TABLE … MODIFY QUERY',
    since: '23.11',
    without: "a materialized view's SELECT is changed by dropping and creating the view again (rows inserted in between are not captured)",
  },
};

/** The oldest server tsdbt is tested with (Debian's clickhouse-server in CI). */
export const OLDEST_TESTED_VERSION = '18.16';

/** A warning when the server is older than anything tsdbt is tested with. */
export function oldVersionWarning(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [oldestMajor, oldestMinor] = OLDEST_TESTED_VERSION.split('.').map(Number) as [number, number];
  if (major > oldestMajor || (major === oldestMajor && minor >= oldestMinor)) return undefined;
  return `ClickHouse ${version} is older than ${OLDEST_TESTED_VERSION}, the oldest version tsdbt is tested with: statements may fail in ways tsdbt cannot explain. Upgrade the server if you can.`;
}

/** One warning line per feature the server lacks, naming it and what happens instead. */
export function missingFeatureWarnings(capabilities: Capabilities): string[] {
  return (Object.keys(FEATURES) as (keyof typeof FEATURES)[])
    .filter((key) => !capabilities[key])
    .map((key) => {
      const feature = FEATURES[key];
      return `This server lacks ${feature.name} (ClickHouse ${feature.since}+): ${feature.without}.`;
    });
}

export interface ConnectionCheckOptions {
  projectDir?: string;
  /** Suffix of the scratch table made by the create check (tests pass a fixed one). */
  scratchSuffix?: string;
}

/**
 * `tsdbt debug`'s database checks, in order, each stopping the rest when it fails:
 * reachable (server `/ping`, no credentials), authenticated (and the version, with a warning per
 * missing feature), the profile's cluster exists, and tsdbt can create what `run` creates — the
 * target database when it is missing, else a table in it. Nothing is left behind.
 * Messages never hold the password (errors are translated with the target's secrets).
 */
export async function runConnectionChecks(target: Target, options: ConnectionCheckOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const started = Date.now();
  if (target.type === 'clickhouse') {
    try {
      await pingServer(target);
      results.push({ label: 'reachable', status: 'ok', detail: `${target.url} answers /ping`, warnings: [] });
    } catch (error) {
      results.push(failed('reachable', error));
      return skipRest(results, ['authenticated', 'can create']);
    }
  }
  let adapter: Adapter;
  try {
    adapter = await connect(target, { projectDir: options.projectDir });
  } catch (error) {
    results.push(failed(target.type === 'clickhouse' ? 'authenticated' : 'connection', error));
    return skipRest(results, ['can create']);
  }
  try {
    const version = await adapter.serverVersion();
    const as = target.type === 'clickhouse' ? `logged in as '${target.user}'` : adapter.description;
    results.push({
      label: target.type === 'clickhouse' ? 'authenticated' : 'connection',
      status: 'ok',
      detail: `${as}, ClickHouse ${version}, in ${Date.now() - started} ms`,
      warnings: [...[oldVersionWarning(version)].filter((warning) => warning !== undefined), ...missingFeatureWarnings(adapter.capabilities)],
    });
    const context = checkContext(target, adapter);
    if (context.cluster !== undefined) {
      const cluster = await checkCluster(adapter, context.cluster);
      results.push(cluster);
      if (cluster.status === 'error') return skipRest(results, ['can create']);
    }
    results.push(await checkCanCreate(adapter, target, context, options.scratchSuffix ?? `${process.pid}`));
  } catch (error) {
    results.push(failed('server queries', error));
  } finally {
    await adapter.close();
  }
  return results;
}

function checkContext(target: Target, adapter: Adapter): PlanContext {
  return {
    cluster: target.type === 'clickhouse' ? target.cluster : undefined,
    databaseEngine: target.type === 'clickhouse' ? target.databaseEngine : undefined,
    exchangeTables: adapter.capabilities.exchangeTables,
    createOrReplaceView: adapter.capabilities.createOrReplaceView,
  };
}

async function checkCluster(adapter: Adapter, cluster: string): Promise<CheckResult> {
  const rows = await adapter.query<{ cluster: string; hosts: number | string }>(CLUSTERS_SQL);
  const found = rows.find((row) => row.cluster === cluster);
  if (found !== undefined) return { label: 'cluster', status: 'ok', detail: `'${cluster}' with ${Number(found.hosts)} host(s)`, warnings: [] };
  const names = rows.map((row) => row.cluster);
  return failed(
    'cluster',
    new TsdbtError({
      code: ErrorCodes.CONFIG_INVALID,
      message: `The target's cluster '${cluster}' is not defined on this server, so ON CLUSTER statements would fail.`,
      hint: `${names.length === 0 ? 'The server defines no clusters. ' : `Clusters defined: ${names.join(', ')}. `}Fix \`cluster\` in profiles.yml, define the cluster under <remote_servers> in the server config, or remove \`cluster\` for a single server.`,
    }),
  );
}

/** Creates (and drops again) what `tsdbt run` would create first: the target database, or a table in it. */
async function checkCanCreate(adapter: Adapter, target: Target, context: PlanContext, suffix: string): Promise<CheckResult> {
  const schema = target.schema;
  const engine = await databaseEngineOf(adapter, schema);
  if (engine === undefined) {
    const create = createDatabase(schema, context);
    try {
      await adapter.execute(create.sql);
      await adapter.execute(dropDatabase(schema, context).sql);
      return { label: 'can create', status: 'ok', detail: `database '${schema}' (created and dropped again; \`run\` creates it)`, warnings: [] };
    } catch (error) {
      return failed(
        'can create',
        cannotCreate(
          error,
          `Cannot create the target database '${schema}'`,
          `Create database '${schema}' beforehand and let the user create tables in it, or give the user the right to create databases${context.databaseEngine === undefined ? '' : `; check \`database_engine: ${context.databaseEngine}\` in profiles.yml`}.`,
        ),
      );
    }
  }
  const scratch = `__tsdbt_debug_${suffix}`;
  const warnings: string[] = [];
  if (context.exchangeTables && !canExchange(schema, { ...context, databaseEngines: new Map([[schema, engine]]) })) {
    warnings.push(
      `Database '${schema}' uses the ${engine} engine, which has no EXCHANGE TABLES: tables are swapped in with one double RENAME. Recreate it as Atomic for atomic swaps.`,
    );
  }
  try {
    const inDatabase = contextForDatabase(schema, { ...context, databaseEngines: new Map([[schema, engine]]) });
    for (const statement of planScratchTable(schema, scratch, inDatabase).statements) await adapter.execute(statement.sql);
    return { label: 'can create', status: 'ok', detail: `tables in database '${schema}' (${engine})`, warnings };
  } catch (error) {
    return failed(
      'can create',
      cannotCreate(
        error,
        `Cannot create tables in the target database '${schema}'`,
        `Let the user create and drop tables in '${schema}', or point \`schema\` in profiles.yml at a database it may write.`,
      ),
    );
  }
}

async function databaseEngineOf(adapter: Adapter, database: string): Promise<string | undefined> {
  if (adapter.databaseEngine !== undefined) return adapter.databaseEngine(database);
  const relations = await adapter.listRelations(database);
  return relations.length > 0 ? 'unknown' : undefined;
}

/** Says what could not be done, with the database's reason; a read-only user's error keeps its own hint. */
function cannotCreate(error: unknown, what: string, hint: string): TsdbtError {
  const reason = error instanceof TsdbtError ? error : undefined;
  const readOnly = reason !== undefined && /read-only/.test(reason.message);
  return new TsdbtError({
    code: reason?.code ?? ErrorCodes.SQL_ERROR,
    message: `${what}: ${reason?.message ?? String(error)}`,
    hint: readOnly ? reason.hint : hint,
    cause: error,
  });
}

function failed(label: string, error: unknown): CheckResult {
  const translated = error instanceof TsdbtError ? error : new TsdbtError({ code: ErrorCodes.INTERNAL, message: String(error), cause: error });
  return { label, status: 'error', warnings: [], error: translated };
}

function skipRest(results: CheckResult[], labels: string[]): CheckResult[] {
  for (const label of labels) results.push({ label, status: 'skipped', detail: 'skipped: the check before it failed', warnings: [] });
  return results;
}
