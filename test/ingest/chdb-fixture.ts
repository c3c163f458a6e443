/** A real chDB session in a fresh temp directory, for one test file (chDB allows one per process). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import type { IngestConfig } from '../../src/ingest/ingest-config.js';
import { parseIngestConfig } from '../../src/ingest/ingest-config.js';
import type { IngestSource } from '../../src/ingest/ingest-source.js';
import type { FakeApi } from '../support/fake-api.js';
import { startFakeApi } from '../support/fake-api.js';

export interface ChdbFixture {
  adapter: Adapter;
  dir: string;
  count(sql: string): Promise<number>;
  close(): Promise<void>;
}

export async function openChdb(): Promise<ChdbFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-ingest-'));
  const adapter = await connect({ type: 'chdb', name: 'test', path: path.join(dir, 'chdb'), schema: 'astro', threads: 1, settings: {} });
  return {
    adapter,
    dir,
    count: async (sql) => Number((await adapter.query<{ n: string }>(sql))[0]?.n),
    close: async () => {
      await adapter.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A source as the config layer would hand it over, from a raw `ingest:` mapping. */
export function sourceFor(table: string, raw: Record<string, unknown>, projectDir = '.'): IngestSource {
  const { config, errors } = parseIngestConfig(raw, { file: 'models/sources.yml', source: 'astro', table });
  if (config === undefined) throw errors[0];
  return { name: `astro.${table}`, database: 'astro', table, config: config satisfies IngestConfig, projectDir };
}

/** Records backoff waits instead of sleeping through them. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; slept: number[] } {
  const slept: number[] = [];
  return { slept, sleep: async (ms) => void slept.push(ms) };
}

/** Opens chDB and the fake API before a test file's tests and closes both after them. */
export function useChdbAndFakeApi(): { readonly db: ChdbFixture; readonly api: FakeApi } {
  const env = {} as { db: ChdbFixture; api: FakeApi };
  beforeAll(async () => {
    [env.db, env.api] = await Promise.all([openChdb(), startFakeApi()]);
  });
  afterAll(async () => {
    await Promise.all([env.db?.close(), env.api?.close()]);
  });
  return env;
}
