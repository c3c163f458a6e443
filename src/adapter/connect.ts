import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ChdbTarget, ClickhouseTarget, Target } from '../config/target.js';
import { secretsOf } from '../config/target.js';
import { capabilitiesForVersion, modernCapabilities } from './capabilities.js';
import { ClickhouseAdapter } from './clickhouse-adapter.js';
import type { Adapter } from './types.js';

/**
 * Opens an adapter for a target. The client libraries (and chDB's ~250 MB engine) are
 * imported here, lazily, so commands that need no database never pay for them.
 */
export async function connect(target: Target, options: { projectDir?: string } = {}): Promise<Adapter> {
  return target.type === 'chdb' ? connectChdb(target, options.projectDir) : connectServer(target);
}

async function connectChdb(target: ChdbTarget, projectDir: string | undefined): Promise<Adapter> {
  mkdirSync(target.path, { recursive: true });
  const [{ createClient }, { createChdbConnection }] = await Promise.all([
    import('@clickhouse/client'),
    import('chdb/connection'),
  ]);
  // chdb/connection is typed against an older copy of the client's Connection interface; the shapes match at run time.
  const connection = createChdbConnection({ path: target.path }) as unknown as Parameters<typeof createClient>[0] extends infer O
    ? O extends { connection?: infer C } ? C : never
    : never;
  const client = createClient({ connection });
  const shown = projectDir === undefined ? target.path : path.relative(projectDir, target.path) || '.';
  const adapter = new ClickhouseAdapter({
    type: 'chdb',
    client,
    capabilities: modernCapabilities,
    description: `chdb at ${shown}`,
    secrets: [],
    settings: target.settings,
  });
  // chDB opens its session (and takes the path's lock) lazily; touch it now so a held lock is reported here.
  try {
    await adapter.query('SELECT 1');
  } catch (error) {
    await adapter.close().catch(() => undefined);
    throw error;
  }
  return adapter;
}

async function connectServer(target: ClickhouseTarget): Promise<Adapter> {
  const { createClient } = await import('@clickhouse/client');
  const client = createClient({
    url: target.url,
    username: target.user,
    password: target.password,
    request_timeout: target.requestTimeoutMs,
    compression: { request: target.compression, response: target.compression },
    keep_alive: { enabled: true },
    ...(target.caCert === undefined ? {} : { tls: { ca_cert: await readCa(target.caCert) } }),
  });
  const base = new ClickhouseAdapter({
    type: 'clickhouse',
    client,
    // Until the version is known, assume the least: no query parameters.
    capabilities: capabilitiesForVersion('0.0'),
    description: `${target.url} as ${target.user}`,
    secrets: secretsOf(target),
    settings: target.settings,
  });
  try {
    const version = await base.serverVersion();
    return base.withCapabilities(capabilitiesForVersion(version));
  } catch (error) {
    await base.close().catch(() => undefined);
    throw error;
  }
}

async function readCa(file: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file);
}
