import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCodes, TsdbtError } from '../core/errors.js';

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  type?: unknown;
  cause?: unknown;
  errors?: unknown;
  name?: unknown;
}

/** ClickHouse server error codes that mean "your credentials are wrong". */
const AUTH_CODES: Record<string, string> = {
  '192': 'the user does not exist',
  '193': 'the password is wrong',
  '194': 'the user needs a password',
  '195': 'the user may not connect from this address',
  '516': 'the user does not exist or the password is wrong',
};
const LOCK_CODE = '76';
const READONLY_CODE = '164';
/** TIMEOUT_EXCEEDED: a server-side limit such as `max_execution_time`. */
const SERVER_TIMEOUT_CODE = '159';

/** Node error codes of connections that failed before or while talking to the server. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (nothing listens on that port)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  ETIMEDOUT: 'the server did not accept the connection in time',
  ECONNRESET: 'the connection was closed by the other side',
  EPIPE: 'the connection was closed by the other side',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPROTO: 'the TLS handshake failed (is `secure` right for this port?)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the TLS handshake failed (is `secure` right for this port?)',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'the TLS handshake did not finish within connect_timeout (is `secure` right for this port?)',
};
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface TranslateContext {
  /** Where the adapter connects, without secrets (`http://host:8123 as user`, `chdb at .tsdbt/chdb`). */
  where: string;
  /** The statement that failed, if any. */
  sql?: string | undefined;
  /** Strings to cut out of any message (passwords). */
  secrets: readonly string[];
  /** For server targets: the user logging in, named in authentication errors. */
  user?: string | undefined;
  /** For server targets: `host:port`, named in connection and authentication errors. */
  server?: string | undefined;
  /** The request timeout in force, named in timeout errors. */
  timeoutMs?: number | undefined;
}

/** A ClickHouse server error: its numeric code, its message, and its name when the server sends one. */
export interface ServerError {
  code: string;
  message: string;
  type?: string | undefined;
}

/**
 * Reads the server's error out of whatever the client threw.
 *
 * @clickhouse/client 1.23 parses only the modern format, `Code: 62. DB::Exception: … (SYNTAX_ERROR)`,
 * into a ClickHouseError with `code`. Older servers (Debian's 18.16) answer
 * `Code: 62, e.displayText() = DB::Exception: …, e.what() = DB::Exception`, which the client leaves
 * as a plain Error; both forms are recognised here.
 */
export function parseServerError(error: unknown): ServerError | undefined {
  const e = (error ?? {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : '';
  if (typeof e.code === 'string' && /^\d+$/.test(e.code)) {
    return { code: e.code, message: message.trim(), type: typeof e.type === 'string' ? e.type : undefined };
  }
  const old = /Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?([\s\S]*?)(?:, e\.what\(\) = [\w:]+)?\s*$/.exec(message);
  if (old) return { code: old[1]!, message: old[2]!.trim() };
  const modern = /Code: (\d+)\. DB::Exception: ([\s\S]*?)(?: \(([A-Z][A-Z0-9_]+)\))?(?: \(version [^)]*\))?\.?\s*$/.exec(message);
  if (modern) return { code: modern[1]!, message: modern[2]!.trim(), type: modern[3] };
  return undefined;
}

/** Turns whatever the client threw into a TsdbtError a person can act on. */
export function translateError(error: unknown, context: TranslateContext): TsdbtError {
  if (error instanceof TsdbtError) return error;
  const e = (error ?? {}) as ErrorLike;
  const raw = redact(String(e.message ?? error), context.secrets);
  const server = parseServerError(error);

  if (server?.code === LOCK_CODE || /Cannot lock file/i.test(raw)) return engineLocked(context, undefined, error);
  if (e.code === 'CHDB_CONNECTION') return translateChdbOpenError(raw, error, context);
  if (server !== undefined) return translateServerError(server, error, context);

  const network = networkCode(e);
  if (network !== undefined) return translateNetworkError(network, raw, error, context);

  if (/^Timeout error\.?$/i.test(raw.trim()) || e.name === 'TimeoutError') {
    const within = context.timeoutMs === undefined ? 'in time' : `within ${context.timeoutMs} ms`;
    return new TsdbtError({
      code: ErrorCodes.TIMEOUT,
      message: `ClickHouse at ${serverName(context)} did not answer ${within}, so the statement was abandoned.`,
      hint: 'Raise `send_receive_timeout` for this target in profiles.yml, or make the statement cheaper. The server may still be running it (see system.processes).',
      cause: error,
    });
  }
  if (/The user aborted a request/i.test(raw) || e.name === 'AbortError') {
    return new TsdbtError({
      code: ErrorCodes.SQL_ERROR,
      message: `The statement sent to ${context.where} was cancelled before it finished.`,
      cause: error,
    });
  }
  if (context.server !== undefined && !looksLikeClickhouse(raw)) {
    // An HTTP error whose body is not a ClickHouse error: a proxy, a load balancer, or another service on that port.
    const body = firstLine(raw).trim();
    return new TsdbtError({
      code: ErrorCodes.CONNECTION_FAILED,
      message: `The server at ${context.server} answered, but not like ClickHouse${body === '' ? ' (an error with an empty body)' : `: ${body}`}.`,
      hint: "Check `host`, `port` and `secure` in profiles.yml: the port must be ClickHouse's HTTP(S) port (8123 or 8443 by default), not the native one (9000) or a proxy.",
      cause: error,
    });
  }
  return new TsdbtError({
    code: ErrorCodes.SQL_ERROR,
    message: `The database at ${context.where} failed: ${firstLine(raw)}`,
    hint: context.sql === undefined ? undefined : 'The statement that failed is shown with --debug and written to logs.',
    cause: error,
  });
}

function engineLocked(context: TranslateContext, pid: number | undefined, error: unknown): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.ENGINE_LOCKED,
    message: `The embedded database (${context.where}) is in use by another process${pid === undefined ? '' : ` (pid ${pid})`}, which holds its lock.`,
    hint: 'Wait for the other tsdbt command to finish, or point this target at another `path` in profiles.yml.',
    cause: error,
  });
}

/**
 * chdb 3.4 opens its session when the connection is created and, when that fails, throws
 * `ChdbConnectionError` (code CHDB_CONNECTION) saying only "Failed to create connection for path '…'";
 * the reason (e.g. code 76, "Cannot lock file <path>/status") goes to stderr. The lock's holder
 * writes its pid into `<path>/status` and removes the file on close, so a live pid there other
 * than ours means another process has the database open.
 */
function translateChdbOpenError(raw: string, error: unknown, context: TranslateContext): TsdbtError {
  const dataPath = /for path '([^']*)'/.exec(raw)?.[1];
  const holder = dataPath === undefined ? undefined : lockHolder(dataPath);
  if (holder !== undefined && holder !== process.pid) return engineLocked(context, holder, error);
  return new TsdbtError({
    code: ErrorCodes.CONNECTION_FAILED,
    message: `Could not open the embedded database (${context.where}): ${sentence(firstLine(raw))}`,
    hint: /one active data directory per process/.test(raw)
      ? 'chDB keeps one embedded database open per process: close the open one first (when tsdbt itself does this, it is a bug; please report it).'
      : 'Check that the directory can be created and written, and that no other chDB database is open in this process.',
    cause: error,
  });
}

/** The live pid recorded in `<dataPath>/status`, if any. */
function lockHolder(dataPath: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dataPath, 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID: (\d+)/m.exec(text)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (probe) {
    // EPERM: alive, but owned by another user.
    return (probe as { code?: string }).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * An `ON CLUSTER` statement that failed on another server comes back as
 * `There was an error on [host:port]: <that server's error>`; the inner error is the one to show.
 */
export function remoteServerError(server: ServerError): { host: string; error: ServerError } | undefined {
  const match = /^There was an error on \[([^\]]+)\]: ([\s\S]*)$/.exec(server.message);
  if (match === null) return undefined;
  const inner = parseServerError(new Error(match[2]!));
  return inner === undefined ? undefined : { host: match[1]!, error: inner };
}

function translateServerError(outer: ServerError, error: unknown, context: TranslateContext): TsdbtError {
  const remote = remoteServerError(outer);
  const server = remote?.error ?? outer;
  const text = sentence(redact(firstLine(server.message), context.secrets));
  const label = `ClickHouse error ${server.code}${server.type === undefined ? '' : ` ${server.type}`}`;
  const authReason = AUTH_CODES[server.code];
  if (authReason !== undefined) {
    const user = context.user === undefined ? 'the configured user' : `user '${context.user}'`;
    return new TsdbtError({
      code: ErrorCodes.AUTH_FAILED,
      message: `ClickHouse at ${serverName(context)} refused to log in ${user}: ${authReason} (${label}).`,
      hint: 'Check `user` and `password` for this target in profiles.yml, or the environment variable the password is read from (`env_var`).',
      cause: error,
    });
  }
  if (server.code === READONLY_CODE) {
    const setting = /Cannot override setting \(?([\w.]+)\)? in readonly mode/i.exec(server.message)?.[1];
    const user = context.user === undefined ? 'This user' : `User '${context.user}'`;
    return new TsdbtError({
      code: ErrorCodes.SQL_ERROR,
      message: `${user} is read-only on ${serverName(context)}, so ClickHouse refused the statement (${label}): ${text}`,
      hint:
        setting === undefined
          ? 'Use a user that may create tables and insert for `run`, `build` and `seed`; a read-only user (profile with `readonly = 1`) can only run queries.'
          : `A read-only user (readonly = 1) cannot change any setting: remove \`${setting}\` from this target's \`settings\`${setting === 'enable_http_compression' ? ', or set `compression: false`' : ''}, or give the user \`readonly = 2\`.`,
      cause: error,
    });
  }
  if (server.code === SERVER_TIMEOUT_CODE) {
    return new TsdbtError({
      code: ErrorCodes.TIMEOUT,
      message: `ClickHouse at ${serverName(context)} stopped the statement at its time limit (${label}): ${text}`,
      hint: "Raise `max_execution_time` in this target's `settings`, or make the statement cheaper.",
      cause: error,
    });
  }
  const location = sqlLocation(server.message);
  return new TsdbtError({
    code: ErrorCodes.SQL_ERROR,
    message: `ClickHouse${remote === undefined ? '' : ` server ${remote.host} (of the cluster)`} rejected the statement${location === undefined ? '' : ` at line ${location.line}, column ${location.column}`} (${label}): ${text}`,
    hint: context.sql === undefined ? undefined : 'The statement that failed is shown with --debug and written to logs.',
    cause: error,
  });
}

function translateNetworkError(code: string, raw: string, error: unknown, context: TranslateContext): TsdbtError {
  const where = serverName(context);
  if (TLS_CODES.has(code)) {
    return new TsdbtError({
      code: ErrorCodes.CONNECTION_FAILED,
      message: `Could not establish a trusted TLS connection to ClickHouse at ${where}: ${firstLine(raw)} (${code}).`,
      hint: 'Point `ca_cert` in profiles.yml at the CA that signed the server certificate, or (for a test server only) set `verify: false`.',
      cause: error,
    });
  }
  const reason = NETWORK_CODES[code] ?? firstLine(raw);
  return new TsdbtError({
    code: ErrorCodes.CONNECTION_FAILED,
    message: `Could not connect to ClickHouse at ${where}: ${reason} (${code}).`,
    hint: 'Check that the server is running and that `host`, `port` and `secure` in profiles.yml are right; `tsdbt debug` tests the connection.',
    cause: error,
  });
}

/** The Node error code of a failed connection, looking through `cause` and AggregateError's `errors`. */
export function networkCode(e: ErrorLike): string | undefined {
  const candidates: ErrorLike[] = [e];
  if (e.cause && typeof e.cause === 'object') candidates.push(e.cause as ErrorLike);
  if (Array.isArray(e.errors)) candidates.push(...(e.errors as ErrorLike[]));
  for (const candidate of candidates) {
    const code = candidate?.code;
    if (typeof code === 'string' && (code in NETWORK_CODES || TLS_CODES.has(code))) return code;
  }
  if (/socket hang up/i.test(String(e.message ?? ''))) return 'ECONNRESET';
  return undefined;
}

/** `(line 3, col 7)` in a ClickHouse syntax error. */
function sqlLocation(message: string): { line: number; column: number } | undefined {
  const match = /\(line (\d+), col (\d+)\)/.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

function serverName(context: TranslateContext): string {
  return context.server ?? context.where;
}

function looksLikeClickhouse(text: string): boolean {
  return /DB::Exception|Code: \d+/.test(text);
}

function sentence(text: string): string {
  const trimmed = text.trim().replace(/[,:;]$/, '');
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 600 ? `${line.slice(0, 600)}…` : line;
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('****');
  }
  // user:password@host in URLs
  return out.replace(/(\/\/[^/:@\s]+):[^@\s/]+@/g, '$1:****@');
}
