/**
 * The HTTP path of the adapter against a real server (Debian's clickhouse-server 18.16.1 in CI).
 * Skipped, with the reason in its name, when CLICKHOUSE_URL is not set.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesForVersion } from '../../src/adapter/capabilities.js';
import { connect } from '../../src/adapter/connect.js';
import { qualifiedName, quoteIdentifier } from '../../src/core/sql-literals.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { ErrorCodes, type TsdbtError } from '../../src/core/errors.js';
import { CLOSED_PORT, SERVER_SKIP_REASON, readonlyServerTarget, serverTarget, skipServerTests, failure, testDatabase } from '../support/clickhouse-server.js';
import { freePort } from '../support/ports.js';

const suite = (name: string): string => (skipServerTests ? `${name} (skipped: ${SERVER_SKIP_REASON})` : name);
if (skipServerTests) console.warn(`test/adapter/server.test.ts: skipped. ${SERVER_SKIP_REASON}.`);

/** Everything a user could see of an error, to check that no secret leaks into it. */
function visible(error: TsdbtError): string {
  return [error.message, error.hint ?? '', error.stack ?? ''].join('\n');
}

describe.skipIf(skipServerTests)(suite('server adapter: transport, DDL and introspection'), () => {
  let adapter: Adapter;
  let version: string;
  const db = testDatabase('tsdbt_server');

  beforeAll(async () => {
    adapter = await connect(serverTarget());
    version = await adapter.serverVersion();
    await adapter.execute(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(db)}`);
  });
  afterAll(async () => {
    await adapter?.execute(`DROP DATABASE IF EXISTS ${quoteIdentifier(db)}`).catch(() => undefined);
    await adapter?.close();
  });

  it('derives capabilities from the server version', () => {
    expect(adapter.type).toBe('clickhouse');
    expect(adapter.description).not.toContain(serverTarget().password);
    const expected = capabilitiesForVersion(version);
    expect(adapter.capabilities.queryParameters).toBe(expected.queryParameters);
    expect(adapter.capabilities.exchangeTables).toBe(expected.exchangeTables);
    expect(adapter.capabilities.createOrReplaceView).toBe(expected.createOrReplaceView);
    if (version.startsWith('18.')) {
      expect(adapter.capabilities).toEqual({
        exchangeTables: false,
        createOrReplaceView: false,
        queryParameters: false,
        jsonExtract: false,
        lightweightDelete: false,
        dateTime64: false,
        alterViewQuery: false,
        mutationsSync: false,
        // Kept so configs newer than the server (projections, grants…) are refused with the version they need.
        version,
      });
    }
  });

  it('creates, inserts JSONEachRow, queries and introspects (parameters inlined when the server lacks them)', async () => {
    const table = qualifiedName(db, 'people');
    await adapter.execute(`CREATE TABLE ${table} (name String, craft String, n UInt32) ENGINE = MergeTree ORDER BY name`);
    const inserted = await adapter.insert(db, 'people', [
      { name: "Ol' Buzz", craft: 'ISS', n: 1 },
      { name: 'Юрий {x:String}', craft: 'Vostok', n: 2 },
    ]);
    expect(inserted.rowsWritten).toBe(2);

    const rows = await adapter.query<{ name: string; n: number }>(
      `SELECT name, n FROM ${table} WHERE craft = {craft:String} OR name = '{craft:String}' ORDER BY n`,
      { params: { craft: 'Vostok' } },
    );
    expect(rows).toEqual([{ name: 'Юрий {x:String}', n: 2 }]);

    await adapter.execute(`CREATE VIEW ${qualifiedName(db, 'people_view')} AS SELECT name FROM ${table}`);
    const relations = await adapter.listRelations(db);
    expect(relations.map((r) => [r.name, r.kind]).sort()).toEqual([
      ['people', 'table'],
      ['people_view', 'view'],
    ]);
    expect(await adapter.listColumns(db, 'people')).toEqual([
      { name: 'name', type: 'String' },
      { name: 'craft', type: 'String' },
      { name: 'n', type: 'UInt32' },
    ]);
    expect(await adapter.listRelations(`${db}_missing`)).toEqual([]);
    expect(await adapter.databaseEngine?.(db)).toMatch(/^(Ordinary|Atomic)$/);
    expect(await adapter.databaseEngine?.(`${db}_missing`)).toBeUndefined();
  });

  it('renames several tables in one statement (the fallback for EXCHANGE TABLES)', async () => {
    await adapter.execute(`CREATE TABLE ${qualifiedName(db, 'a')} ENGINE = MergeTree ORDER BY tuple() AS SELECT 1 AS v`);
    await adapter.execute(`CREATE TABLE ${qualifiedName(db, 'a_new')} ENGINE = MergeTree ORDER BY tuple() AS SELECT 2 AS v`);
    await adapter.execute(
      `RENAME TABLE ${qualifiedName(db, 'a')} TO ${qualifiedName(db, 'a_old')}, ${qualifiedName(db, 'a_new')} TO ${qualifiedName(db, 'a')}`,
    );
    expect(await adapter.query(`SELECT v FROM ${qualifiedName(db, 'a')}`)).toEqual([{ v: 2 }]);
  });

  it('sends the target settings with every statement', async () => {
    const tuned = await connect(serverTarget({ settings: { max_threads: 3 } }));
    try {
      const rows = await tuned.query<{ value: string }>("SELECT value FROM system.settings WHERE name = 'max_threads'");
      expect(rows[0]?.value).toMatch(/^3$|'auto\(3\)'/);
    } finally {
      await tuned.close();
    }
  });

  it('works with gzip compression both ways', async () => {
    const gz = await connect(serverTarget({ compression: true }));
    try {
      await gz.insert(db, 'people', [{ name: 'gzip', craft: 'ISS', n: 3 }]);
      const rows = await gz.query<{ c: string }>(`SELECT count() AS c FROM ${qualifiedName(db, 'people')} WHERE craft = {c:String}`, {
        params: { c: 'ISS' },
      });
      expect(Number(rows[0]?.c)).toBe(2);
    } finally {
      await gz.close();
    }
  });

  it('reports a syntax error as SQL_ERROR with the server code and the line and column', async () => {
    const error = await failure(adapter.execute('SELECT 1\nFROM system.one\nWHER dummy = 0'));
    expect(error.code).toBe(ErrorCodes.SQL_ERROR);
    expect(error.message).toMatch(/^ClickHouse rejected the statement at line 3, column \d+ \(ClickHouse error 62\b/);
    expect(error.message).toContain('Syntax error');
  });

  it('reports a missing table and an unknown function with their codes', async () => {
    const missing = await failure(adapter.query(`SELECT * FROM ${qualifiedName(db, 'nope')}`));
    expect(missing.code).toBe(ErrorCodes.SQL_ERROR);
    expect(missing.message).toMatch(/ClickHouse error 60\b.*doesn't exist/);
    if (!adapter.capabilities.jsonExtract) {
      const fn = await failure(adapter.query(`SELECT JSONExtractString('{"a":"b"}', 'a') AS a`));
      expect(fn.message).toMatch(/ClickHouse error 46\b.*Unknown function JSONExtractString/);
    }
  });
});

describe.skipIf(skipServerTests)(suite('server adapter: failures'), () => {
  it('fails on a wrong password in well under 5 s, naming user and host but not the password', async () => {
    const target = serverTarget({ password: 'not-the-password-3f9a' });
    const started = Date.now();
    const error = await failure(connect(target));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe(ErrorCodes.AUTH_FAILED);
    expect(error.message).toContain(`user '${target.user}'`);
    expect(error.message).toContain(`${target.host}:${target.port}`);
    expect(error.message).toMatch(/password is wrong|password is incorrect|does not exist or the password is wrong/);
    expect(error.hint).toContain('password');
    expect(visible(error)).not.toContain('not-the-password-3f9a');
    expect(visible(error)).not.toContain(serverTarget().password);
  });

  it('fails on an unknown user with AUTH_FAILED', async () => {
    const error = await failure(connect(serverTarget({ user: 'ghost' })));
    expect(error.code).toBe(ErrorCodes.AUTH_FAILED);
    expect(error.message).toContain("user 'ghost'");
    expect(visible(error)).not.toContain(serverTarget().password);
  });

  it('fails fast with CONNECTION_FAILED on a refused connection, also after retries', async () => {
    for (const retries of [0, 2]) {
      const started = Date.now();
      const error = await failure(connect(serverTarget({ host: '127.0.0.1', port: CLOSED_PORT, retries })));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error.code).toBe(ErrorCodes.CONNECTION_FAILED);
      expect(error.message).toBe(
        `Could not connect to ClickHouse at 127.0.0.1:${CLOSED_PORT}: the connection was refused (nothing listens on that port) (ECONNREFUSED).`,
      );
      expect(error.hint).toContain('`tsdbt debug`');
    }
  });

  it('turns a query slower than requestTimeoutMs into TIMEOUT', async () => {
    const slow = await connect(serverTarget({ requestTimeoutMs: 1_000 }));
    try {
      const started = Date.now();
      const error = await failure(slow.query('SELECT sleep(3) AS s'));
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(error.code).toBe(ErrorCodes.TIMEOUT);
      expect(error.message).toContain('did not answer within 1000 ms');
      expect(error.hint).toContain('send_receive_timeout');
    } finally {
      await slow.close();
    }
  });

  it('lets a read-only user query but reports DDL clearly (code 164)', async () => {
    const reader = await connect(readonlyServerTarget());
    try {
      expect(await reader.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      const error = await failure(reader.execute('CREATE TABLE default.tsdbt_forbidden (a UInt8) ENGINE = Memory'));
      expect(error.code).toBe(ErrorCodes.SQL_ERROR);
      expect(error.message).toMatch(/^User 'reader' is read-only on 127\.0\.0\.1:\d+, so ClickHouse refused the statement \(ClickHouse error 164\b/);
      expect(error.hint).toContain('may create tables');
    } finally {
      await reader.close();
    }
  });

  it('explains that a read-only user cannot turn on response compression', async () => {
    const error = await failure(connect(readonlyServerTarget({ compression: true })));
    expect(error.message).toContain('ClickHouse error 164');
    expect(error.hint).toContain('`compression: false`');
  });
});

describe.skipIf(skipServerTests)(suite('server adapter: retries'), () => {
  it('retries a refused connection until the server shows up', async () => {
    const port = await freePort();
    const forwarder = forwardAfter(port, serverTarget(), 250);
    try {
      const adapter = await connect(serverTarget({ host: '127.0.0.1', port, retries: 4 }));
      expect(await adapter.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await adapter.close();
    } finally {
      await forwarder.close();
    }
  });

  it('retries a query whose connection is dropped, but not a statement that may have run', async () => {
    const port = await freePort();
    const forwarder = forwardAfter(port, serverTarget(), 0);
    try {
      const adapter = await connect(serverTarget({ host: '127.0.0.1', port, retries: 2 }));
      forwarder.dropNextRequest();
      expect(await adapter.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
      forwarder.dropNextRequest();
      const error = await failure(adapter.execute('SELECT 3'));
      expect(error.code).toBe(ErrorCodes.CONNECTION_FAILED);
      expect(error.message).toContain('closed by the other side');
      await adapter.close();
    } finally {
      await forwarder.close();
    }
  });
});

/** A TCP forwarder from 127.0.0.1:`port` to the server that starts listening after `delayMs`. */
function forwardAfter(port: number, to: { host: string; port: number }, delayMs: number) {
  let dropNext = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(to.port, to.host);
    sockets.add(upstream);
    client.on('data', (chunk) => {
      if (dropNext) {
        dropNext = false;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  const timer = setTimeout(() => server.listen(port, '127.0.0.1'), delayMs);
  return {
    dropNextRequest(): void {
      dropNext = true;
    },
    close(): Promise<void> {
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
