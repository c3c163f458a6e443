/** Error translation without a server: the shapes @clickhouse/client and chdb throw, as seen on this machine. */
import net from 'node:net';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { armConnectTimeout, createServerAgent } from '../../src/adapter/server-agent.js';
import { parseServerError, redact, translateError } from '../../src/adapter/translate-error.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';

const server = { where: 'http://db.example:8123 as etl', secrets: ['s3cret'], user: 'etl', server: 'db.example:8123', timeoutMs: 1000 };

/** What the client throws for an error response it cannot parse (every 18.16 error). */
function oldServerError(code: number, text: string): Error {
  return new Error(`Code: ${code}, e.displayText() = DB::Exception: ${text}, e.what() = DB::Exception\n`);
}

/** What the client throws for a modern error response: a ClickHouseError with code and type. */
function modernServerError(code: number, text: string, type: string): Error {
  return Object.assign(new Error(text), { code: String(code), type });
}

describe('parseServerError', () => {
  it('reads the 18.16 format the client leaves unparsed', () => {
    expect(parseServerError(oldServerError(193, 'Wrong password for user etl'))).toEqual({
      code: '193',
      message: 'Wrong password for user etl',
    });
  });

  it('reads a ClickHouseError and the modern text format', () => {
    expect(parseServerError(modernServerError(62, 'Syntax error', 'SYNTAX_ERROR'))).toEqual({
      code: '62',
      message: 'Syntax error',
      type: 'SYNTAX_ERROR',
    });
    expect(parseServerError(new Error('Code: 60. DB::Exception: Unknown table expression identifier. (UNKNOWN_TABLE) (version 24.3.1.1)'))).toEqual({
      code: '60',
      message: 'Unknown table expression identifier.',
      type: 'UNKNOWN_TABLE',
    });
  });

  it('ignores errors that are not from ClickHouse', () => {
    expect(parseServerError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(parseServerError(new Error(''))).toBeUndefined();
  });
});

describe('translateError', () => {
  it('names user and host on a failed login, and never a secret', () => {
    for (const [code, reason] of [
      [193, 'the password is wrong'],
      [192, 'the user does not exist'],
      [516, 'the user does not exist or the password is wrong'],
    ] as const) {
      const error = translateError(oldServerError(code, 'Wrong password for user etl, password s3cret'), server);
      expect(error.code).toBe(ErrorCodes.AUTH_FAILED);
      expect(error.message).toBe(`ClickHouse at db.example:8123 refused to log in user 'etl': ${reason} (ClickHouse error ${code}).`);
      expect(`${error.message} ${error.hint}`).not.toContain('s3cret');
    }
  });

  it('keeps the SQL location of a syntax error', () => {
    const error = translateError(
      modernServerError(62, 'Syntax error: failed at position 31 (line 3, col 6): dummy = 0. Expected one of: WHERE', 'SYNTAX_ERROR'),
      { ...server, sql: 'SELECT 1' },
    );
    expect(error.code).toBe(ErrorCodes.SQL_ERROR);
    expect(error.message).toBe(
      'ClickHouse rejected the statement at line 3, column 6 (ClickHouse error 62 SYNTAX_ERROR): Syntax error: failed at position 31 (line 3, col 6): dummy = 0. Expected one of: WHERE.',
    );
  });

  it('maps network failures, the request timeout and a server time limit', () => {
    const refused = translateError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8123'), { code: 'ECONNREFUSED' }), server);
    expect(refused.code).toBe(ErrorCodes.CONNECTION_FAILED);
    expect(refused.message).toContain('db.example:8123: the connection was refused');

    const hangUp = translateError(new Error('socket hang up'), server);
    expect(hangUp.code).toBe(ErrorCodes.CONNECTION_FAILED);

    const tls = translateError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), server);
    expect(tls.code).toBe(ErrorCodes.CONNECTION_FAILED);
    expect(tls.hint).toContain('`ca_cert`');

    const timeout = translateError(new Error('Timeout error.'), server);
    expect(timeout.code).toBe(ErrorCodes.TIMEOUT);
    expect(timeout.message).toBe('ClickHouse at db.example:8123 did not answer within 1000 ms, so the statement was abandoned.');

    const limit = translateError(oldServerError(159, 'Timeout exceeded: elapsed 1.0001 seconds, maximum: 1'), server);
    expect(limit.code).toBe(ErrorCodes.TIMEOUT);
  });

  it('says when the answer did not come from ClickHouse', () => {
    const error = translateError(new Error(''), server);
    expect(error.code).toBe(ErrorCodes.CONNECTION_FAILED);
    expect(error.message).toBe('The server at db.example:8123 answered, but not like ClickHouse (an error with an empty body).');
  });

  it('passes TsdbtErrors through and redacts URL credentials', () => {
    const original = new TsdbtError({ code: ErrorCodes.USAGE, message: 'x' });
    expect(translateError(original, server)).toBe(original);
    expect(redact('GET http://etl:pa55@db:8123/?q', [])).toBe('GET http://etl:****@db:8123/?q');
  });
});

describe('connect timeout', () => {
  it('destroys a socket that does not connect in time with ETIMEDOUT', async () => {
    const socket = Object.assign(
      new Duplex({
        read() {},
        write(_c, _e, cb) {
          cb();
        },
      }),
      { connecting: true },
    );
    const destroyed = new Promise<Error | undefined>((resolve) => socket.once('error', resolve));
    armConnectTimeout(socket, 20, 'db.example:8123');
    const error = (await destroyed) as NodeJS.ErrnoException;
    expect(error.code).toBe('ETIMEDOUT');
    expect(error.message).toBe('connect ETIMEDOUT db.example:8123 (no connection after 20 ms)');
    expect(translateError(error, server).code).toBe(ErrorCodes.CONNECTION_FAILED);
  });

  it('leaves a socket alone once it connected', async () => {
    const listener = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as net.AddressInfo;
    const agent = createServerAgent({ secure: false, connectTimeoutMs: 30, verify: true, maxSockets: 1 });
    const socket = agent.createConnection({ host: '127.0.0.1', port }) as net.Socket;
    await new Promise((resolve) => socket.once('connect', resolve));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(socket.destroyed && socket.errored).toBeFalsy();
    socket.destroy();
    agent.destroy();
    await new Promise((resolve) => listener.close(resolve));
  });
});

describe('errors from another server of the cluster (ON CLUSTER)', () => {
  it('shows that server and its own error, in the 18.16 and the modern format', () => {
    const old = translateError(
      oldServerError(
        81,
        "There was an error on [127.0.0.1:9001]: Code: 81, e.displayText() = DB::Exception: Database astro doesn't exist, e.what() = DB::Exception",
      ),
      { ...server, sql: 'CREATE VIEW …' },
    );
    expect(old.message).toBe("ClickHouse server 127.0.0.1:9001 (of the cluster) rejected the statement (ClickHouse error 81): Database astro doesn't exist.");
    const modern = translateError(
      new Error(
        'Code: 81. DB::Exception: There was an error on [ch-2:9000]: Code: 81. DB::Exception: Database astro does not exist. (UNKNOWN_DATABASE) (version 24.3.1.1). (UNKNOWN_DATABASE) (version 24.3.1.1)',
      ),
      server,
    );
    expect(modern.message).toBe(
      'ClickHouse server ch-2:9000 (of the cluster) rejected the statement (ClickHouse error 81 UNKNOWN_DATABASE): Database astro does not exist.',
    );
  });
});
