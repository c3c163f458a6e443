import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

/**
 * The HTTP(S) agent tsdbt hands to @clickhouse/client for a server target.
 *
 * We bring our own agent because the client's built-in one has no connect timeout (only a
 * request timeout, so an unreachable host would hang for the whole `send_receive_timeout`)
 * and no way to turn certificate verification off for a test server.
 */
export interface ServerAgentOptions {
  secure: boolean;
  /** How long a new TCP connection may take before the request fails with ETIMEDOUT. */
  connectTimeoutMs: number;
  /** Verify the server certificate (HTTPS only). */
  verify: boolean;
  /** CA certificate(s) to trust for HTTPS, in PEM. */
  ca?: Buffer | undefined;
  maxSockets: number;
}

export function createServerAgent(options: ServerAgentOptions): http.Agent {
  const agent = options.secure
    ? new https.Agent({
        keepAlive: true,
        maxSockets: options.maxSockets,
        rejectUnauthorized: options.verify,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      })
    : new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const create = agent.createConnection.bind(agent) as (
    request: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ) => Duplex | null | undefined;
  agent.createConnection = (request, callback) => {
    const socket = create(request, callback);
    if (socket) armConnectTimeout(socket, options.connectTimeoutMs, `${request.host ?? request.hostname ?? 'localhost'}:${request.port ?? ''}`, options.secure);
    return socket;
  };
  return agent;
}

/**
 * Destroys `socket` with an ETIMEDOUT error unless it connects within `timeoutMs`. With `secure`,
 * the TLS handshake must finish in that time too (ERR_TLS_HANDSHAKE_TIMEOUT): a server that does not
 * speak TLS on that port may otherwise just wait for more bytes until the request timeout.
 * Once connected, the client's request timeout applies.
 */
export function armConnectTimeout(socket: Duplex, timeoutMs: number, address: string, secure = false): void {
  const pending = socket as Duplex & { connecting?: boolean };
  if (!(timeoutMs > 0) || pending.connecting !== true) return;
  let connected = false;
  const timer = setTimeout(() => {
    // "connect E…" marks a request that never reached the server, so it is safe to retry.
    const error = connected
      ? Object.assign(new Error(`connect ERR_TLS_HANDSHAKE_TIMEOUT ${address} (no TLS handshake after ${timeoutMs} ms)`), { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' })
      : Object.assign(new Error(`connect ETIMEDOUT ${address} (no connection after ${timeoutMs} ms)`), { code: 'ETIMEDOUT' });
    socket.destroy(error);
  }, timeoutMs);
  timer.unref();
  const clear = (): void => clearTimeout(timer);
  socket.once('connect', () => {
    connected = true;
    if (!secure) clear();
  });
  if (secure) socket.once('secureConnect', clear);
  socket.once('close', clear);
}
