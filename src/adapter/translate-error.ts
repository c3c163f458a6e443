import { ErrorCodes, TsdbtError } from '../errors.js';

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  type?: unknown;
  cause?: unknown;
}

/** ClickHouse server error codes that mean "your credentials are wrong". */
const AUTH_CODES = new Set(['192', '193', '194', '516']);
const LOCK_CODE = '76';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export interface TranslateContext {
  /** Where the adapter connects, without secrets. */
  where: string;
  /** The statement that failed, if any. */
  sql?: string | undefined;
  /** Strings to cut out of any message (passwords). */
  secrets: readonly string[];
}

/** Turns whatever the client threw into a TsdbtError a person can act on. */
export function translateError(error: unknown, context: TranslateContext): TsdbtError {
  if (error instanceof TsdbtError) return error;
  const e = (error ?? {}) as ErrorLike;
  const raw = redact(String(e.message ?? error), context.secrets);
  const code = String(e.code ?? networkCode(e) ?? '');

  if (code === LOCK_CODE || /Cannot lock file/i.test(raw)) {
    return new TsdbtError({
      code: ErrorCodes.ENGINE_LOCKED,
      message: `The embedded database (${context.where}) is in use by another process.`,
      hint: 'Wait for the other tsdbt command to finish, or point this target at another `path` in profiles.yml.',
      cause: error,
    });
  }
  if (AUTH_CODES.has(code) || /Authentication failed|Wrong password|password is incorrect/i.test(raw)) {
    return new TsdbtError({
      code: ErrorCodes.AUTH_FAILED,
      message: `ClickHouse refused the credentials at ${context.where}: ${firstLine(raw)}`,
      hint: 'Check `user` and `password` in profiles.yml (or the environment variable they read).',
      cause: error,
    });
  }
  if (NETWORK_CODES.has(code)) {
    return new TsdbtError({
      code: ErrorCodes.CONNECTION_FAILED,
      message: `Could not reach ClickHouse at ${context.where} (${code}).`,
      hint: 'Check that the server is running and that `host`, `port` and `secure` in profiles.yml are right; `tsdbt debug` tests the connection.',
      cause: error,
    });
  }
  if (/timeout|timed out/i.test(raw) && !/^\d+$/.test(code)) {
    return new TsdbtError({
      code: ErrorCodes.TIMEOUT,
      message: `ClickHouse at ${context.where} did not answer in time: ${firstLine(raw)}`,
      hint: 'Raise `send_receive_timeout` in profiles.yml, or make the query cheaper.',
      cause: error,
    });
  }
  const serverCode = /^\d+$/.test(code) ? ` (ClickHouse error ${code}${typeof e.type === 'string' ? ` ${e.type}` : ''})` : '';
  return new TsdbtError({
    code: ErrorCodes.SQL_ERROR,
    message: `Database error${serverCode}: ${firstLine(raw)}`,
    hint: context.sql === undefined ? undefined : 'The statement that failed is shown with --debug and written to logs.',
    cause: error,
  });
}

function networkCode(e: ErrorLike): string | undefined {
  const cause = e.cause as ErrorLike | undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return undefined;
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
