import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ChdbTarget, ClickhouseTarget, Target } from '../config/target.js';
import { withStatementLog } from './logged-adapter.js';
import type { Logger } from '../core/logger.js';
import { secretsOf } from '../config/target.js';
import type { ServerProbe } from './capabilities.js';
import { capabilitiesForVersion, capabilitiesFromProbe, modernCapabilities, SERVER_PROBE_SQL } from './capabilities.js';
import { ChdbPool } from './chdb-pool.js';
import { ClickhouseAdapter } from './clickhouse-adapter.js';
import { acquireEngineLock, releasingOnClose } from './engine-lock.js';
import { withFailpoint } from './failpoint.js';
import { createServerAgent } from './server-agent.js';
import { translateError } from './translate-error.js';
import type { Adapter } from '../core/adapter-types.js';
import { ErrorCodes, isTsdbtError, TsdbtError } from '../core/errors.js';

/**
 * Opens an adapter for a target. The client libraries (and chDB's large native engine) are
 * imported here, lazily, so commands that need no database never pay for them.
 */
export async function connect(target: Target, options: { projectDir?: string; logger?: Logger } = {}): Promise<Adapter> {
  const adapter = target.type === 'chdb' ? await connectChdb(target, options.projectDir, options.logger) : await connectServer(target, options.logger);
  // With a logger (the CLI's), every statement and its timing goes to the log (debug level).
  const logged = options.logger === undefined ? adapter : withStatementLog(adapter, options.logger);
  // Untouched unless TSDBT_FAILPOINT is set (the crash-safety tests).
  return withFailpoint(logged);
}

async function connectChdb(target: ChdbTarget, projectDir: string | undefined, logger?: Logger): Promise<Adapter> {
  mkdirSync(target.path, { recursive: true });
  const shown = projectDir === undefined ? target.path : path.relative(projectDir, target.path) || '.';
  // Our lock file first: a second tsdbt process is turned away before it loads the engine (see engine-lock.ts).
  const lock = await acquireEngineLock(target.path, shown);
  if (lock.tookOver !== undefined) {
    const { pid, command } = lock.tookOver;
    logger?.log('debug', 'log', `Took over the lock of ${shown} from pid ${pid} (\`${command}\`), which is no longer running.`);
  }
  try {
    return releasingOnClose(await openChdb(target, shown), lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openChdb(target: ChdbTarget, shown: string): Promise<Adapter> {
  const [{ createClient }, { createChdbConnection }] = await Promise.all([import('@clickhouse/client'), import('chdb/connection')]);
  // chdb/connection is typed against an older copy of the client's Connection interface; the shapes match at run time.
  type Connection = Parameters<typeof createClient>[0] extends infer O ? (O extends { connection?: infer C } ? C : never) : never;
  const openClient = () => createClient({ connection: createChdbConnection({ path: target.path }) as unknown as Connection });
  // chdb 3.4 opens the session (and takes the path's lock) right here, synchronously, so a held lock
  // surfaces from this call as CHDB_CONNECTION; translateError turns it into ENGINE_LOCKED.
  let first;
  try {
    first = openClient();
  } catch (error) {
    throw translateError(error, { where: `chdb at ${shown}`, secrets: [] });
  }
  // More connections to the same database are opened when statements run at the same time (--threads).
  const pool = new ChdbPool(first, openClient);
  const adapter = new ClickhouseAdapter({
    type: 'chdb',
    client: pool.asClient(),
    capabilities: modernCapabilities,
    description: `chdb at ${shown}`,
    secrets: [],
    settings: target.settings,
  });
  // One round trip now, so a session that opened but cannot work is reported here rather than by the first model.
  try {
    await adapter.query('SELECT 1');
  } catch (error) {
    await adapter.close().catch(() => undefined);
    throw error;
  }
  return adapter;
}

async function connectServer(target: ClickhouseTarget, logger?: Logger): Promise<Adapter> {
  const base = await serverAdapter(target, logger);
  try {
    const probe = await probeServer(base, target);
    return base.withCapabilities(capabilitiesFromProbe(probe), { columnsHavePosition: Number(probe.columns_position) > 0 });
  } catch (error) {
    await base.close().catch(() => undefined);
    throw error;
  }
}

/**
 * The server's version and features, checked to come from ClickHouse: any HTTP server answers
 * `/ping`, and one that is not ClickHouse replies to the probe with something else (a web page,
 * another API's JSON), which is said plainly rather than failing later on a missing field.
 */
async function probeServer(base: ClickhouseAdapter, target: ClickhouseTarget): Promise<ServerProbe> {
  let rows: unknown;
  try {
    rows = await base.query<ServerProbe>(SERVER_PROBE_SQL);
  } catch (error) {
    if (isTsdbtError(error)) throw error;
    throw notClickhouse(target, error instanceof Error ? error.message : String(error));
  }
  const probe = Array.isArray(rows) ? (rows[0] as Partial<ServerProbe> | undefined) : undefined;
  if (probe === undefined || typeof probe !== 'object' || typeof probe.version !== 'string' || !/^\d+\.\d+/.test(probe.version)) {
    throw notClickhouse(target, `it replied ${JSON.stringify(rows)?.slice(0, 120) ?? String(rows)}`);
  }
  return probe as ServerProbe;
}

function notClickhouse(target: ClickhouseTarget, what: string): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.NOT_CLICKHOUSE,
    message: `The server at ${target.url} answered over HTTP, but it is not a ClickHouse server: asked for its version, ${what}.`,
    hint: 'Check `host` and `port` (or `url`) of this target in profiles.yml: ClickHouse serves HTTP on 8123 (8443 with TLS) by default.',
  });
}

/**
 * Whether the server answers at all: `GET /ping`, which needs no credentials, so `tsdbt debug` can tell
 * "not reachable" from "reachable, but the login is refused". Throws a translated CONNECTION_FAILED.
 */
export async function pingServer(target: ClickhouseTarget): Promise<void> {
  const base = await serverAdapter(target);
  try {
    await base.ping();
  } finally {
    await base.close().catch(() => undefined);
  }
}

/** The server connection before the server has been asked anything (least capabilities assumed). */
async function serverAdapter(target: ClickhouseTarget, logger?: Logger): Promise<ClickhouseAdapter> {
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
  const ca = target.caCert === undefined ? undefined : await readCa(target.caCert);
  // One agent per client: a client tracks how long its own sockets have idled, and would reuse another's stale one.
  const newAgent = () =>
    createServerAgent({
      secure: target.secure,
      connectTimeoutMs: target.connectTimeoutMs,
      verify: target.verify,
      ca,
      maxSockets: Math.max(target.threads, 1) + 1,
    });
  // Checked against Debian's clickhouse-server 18.16.1 with @clickhouse/client 1.23.1: SELECT, command,
  // insert and query in JSONEachRow, and gzip both ways work as they are; the client sends no settings of
  // its own except `enable_http_compression` for compressed responses (which a `readonly = 1` user may
  // not set, see translate-error.ts). What 18.16 lacks: query parameters (`param_x` is "Unknown setting",
  // so the adapter inlines literals), the X-ClickHouse-Summary header (no written_rows), and the modern
  // error format (parsed in translate-error.ts).
  const clientFor = (database: string | undefined) =>
    createClient({
      ...(database === undefined ? {} : { database }),
      url: target.url,
      username: target.user,
      password: target.password,
      application: 'tsdbt',
      request_timeout: target.requestTimeoutMs,
      compression: { request: target.compression, response: target.compression },
      http_agent: newAgent(),
      keep_alive: { enabled: true },
      // Failures reach the user once, translated; the client's own logger would print them again, raw.
      log: { level: ClickHouseLogLevel.OFF },
    });
  const client = clientFor(undefined);
  const server = `${target.host}:${target.port}`;
  return new ClickhouseAdapter({
    type: 'clickhouse',
    client,
    // Until the server is asked, assume the least: no query parameters.
    capabilities: capabilitiesForVersion('0.0'),
    description: `${target.url} as ${target.user}`,
    secrets: secretsOf(target),
    settings: target.settings,
    clientForDatabase: (database) => clientFor(database),
    retries: target.retries,
    onRetry:
      logger === undefined
        ? undefined
        : ({ attempt, retries, delayMs, reason }) =>
            logger.log('warn', 'retry', `${server} did not take the request (${reason}); retry ${attempt} of ${retries} in ${delayMs} ms.`, {
              attempt,
              retries,
              delay_ms: delayMs,
              reason,
            }),
    errorContext: { user: target.user, server, timeoutMs: target.requestTimeoutMs },
  });
}

async function readCa(file: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file);
}
