/**
 * Helpers for tests against a real ClickHouse server, started by `.ci/clickhouse-server.sh`.
 *
 *   describe.skipIf(!serverUrl)(`…`, …)          // or: describe.skipIf(skipServerTests)
 *   const target = serverTarget();               // a ClickhouseTarget for CLICKHOUSE_URL
 */
import { expect } from 'vitest';
import type { ClickhouseTarget } from '../../src/config/target.js';
import { TsdbtError } from '../../src/core/errors.js';

/** Why real-server tests are skipped, shown in the test name when they are. */
export const SERVER_SKIP_REASON = 'CLICKHOUSE_URL is not set; run `eval "$(bash .ci/clickhouse-server.sh start)"` to test against a real server';

/** `http://user:password@host:port` of a user that may write, or undefined. */
export const serverUrl: string | undefined = nonEmpty(process.env.CLICKHOUSE_URL);
/** The same server as a read-only user, or undefined. */
export const readonlyServerUrl: string | undefined = nonEmpty(process.env.CLICKHOUSE_READONLY_URL);
/** True when there is no server to test against. */
export const skipServerTests = serverUrl === undefined;

/** A port on 127.0.0.1 that refuses connections (port 1, tcpmux, is closed on any sane test machine). */
export const CLOSED_PORT = 1;

/**
 * A ClickhouseTarget for `url` (default CLICKHOUSE_URL), credentials taken from it.
 * `overrides` replace any field, e.g. `{ password: 'wrong' }` or `{ requestTimeoutMs: 1000 }`.
 */
export function serverTarget(overrides: Partial<ClickhouseTarget> = {}, url: string | undefined = serverUrl): ClickhouseTarget {
  if (url === undefined) throw new Error(SERVER_SKIP_REASON);
  const parsed = new URL(url);
  const secure = parsed.protocol === 'https:';
  const port = parsed.port === '' ? (secure ? 8443 : 8123) : Number(parsed.port);
  const target: ClickhouseTarget = {
    type: 'clickhouse',
    name: 'server',
    schema: 'tsdbt_test',
    threads: 1,
    settings: {},
    url: `${parsed.protocol}//${parsed.hostname}:${port}`,
    host: parsed.hostname,
    port,
    secure,
    user: decodeURIComponent(parsed.username) || 'default',
    password: decodeURIComponent(parsed.password),
    verify: true,
    caCert: undefined,
    connectTimeoutMs: 2_000,
    requestTimeoutMs: 10_000,
    retries: 0,
    compression: false,
    cluster: undefined,
    databaseEngine: undefined,
  };
  const merged = { ...target, ...overrides };
  // Keep url consistent with host/port when a test moves the target elsewhere.
  if (overrides.url === undefined && (overrides.host !== undefined || overrides.port !== undefined || overrides.secure !== undefined)) {
    merged.url = `${merged.secure ? 'https' : 'http'}://${merged.host}:${merged.port}`;
  }
  return merged;
}

/** A target for the read-only user of the same server. */
export function readonlyServerTarget(overrides: Partial<ClickhouseTarget> = {}): ClickhouseTarget {
  if (readonlyServerUrl === undefined) throw new Error('CLICKHOUSE_READONLY_URL is not set; `.ci/clickhouse-server.sh start` prints it.');
  return serverTarget(overrides, readonlyServerUrl);
}

/** A unique database name for one test file, so files can run in parallel against one server. */
export function testDatabase(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The TsdbtError `promise` rejects with (fails the test when it resolves or rejects with anything else). */
export async function failure(promise: Promise<unknown>): Promise<TsdbtError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TsdbtError);
    return error as TsdbtError;
  }
  throw new Error('expected a TsdbtError, but the call succeeded');
}
