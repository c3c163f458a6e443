/**
 * A port that accepts TCP but never speaks TLS (an HTTP port with `secure: true`, a stuck proxy) fails
 * within connect_timeout, saying to check `secure`, instead of hanging until send_receive_timeout.
 * Loopback only; no ClickHouse needed.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import { serverTarget } from '../support/clickhouse-server.js';

describe('TLS handshake timeout', () => {
  let server: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails after connect_timeout with a hint about `secure`, not after the request timeout', async () => {
    const target = serverTarget(
      { host: '127.0.0.1', port, secure: true, connectTimeoutMs: 300, requestTimeoutMs: 30_000, retries: 0 },
      'https://tsdbt:pw@127.0.0.1:1',
    );
    const started = Date.now();
    const error = await connect(target).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(TsdbtError);
    expect((error as TsdbtError).code).toBe(ErrorCodes.CONNECTION_FAILED);
    expect((error as TsdbtError).message).toBe(
      `Could not connect to ClickHouse at 127.0.0.1:${port}: the TLS handshake did not finish within connect_timeout (is \`secure\` right for this port?) (ERR_TLS_HANDSHAKE_TIMEOUT).`,
    );
  });
});
