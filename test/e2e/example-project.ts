/** The example project copied into a temp dir, the CLI run in it, and the data checked through a chDB adapter. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { formatDateTime64, hashPayload, type LandingRow } from '../../src/ingest/landing-plan.js';
import { REPO_ROOT, removeProject, runCli, type CliResult } from '../support/cli.js';

export const PAYLOAD = readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'astros-payload.json'), 'utf8').trim();

/** A temp copy of the repo's example project (project.yml, models/, macros/) and an empty HOME. */
export function copyExample(): { dir: string; home: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-example-'));
  for (const entry of ['project.yml', 'models', 'macros', 'samples']) cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
  const home = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-home-'));
  mkdirSync(path.join(home, '.tsdbt'));
  return {
    dir,
    home,
    remove: () => {
      removeProject(dir);
      removeProject(home);
    },
  };
}

/** Where the example's source would be fetched from if a test forgot --skip-ingest: a closed loopback port, never the internet. */
const NO_API = 'http://127.0.0.1:9/astros.json';

/** `tsdbt <args>` in `dir`, with HOME pointing away from the developer's own ~/.tsdbt. */
export function tsdbt(dir: string, home: string, args: string[], env: Record<string, string | undefined> = {}, timeoutMs?: number): Promise<CliResult> {
  return runCli(args, { cwd: dir, env: { HOME: home, ASTROS_URL: NO_API, ...env }, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}

/** Opens the project's embedded database (only while no tsdbt process holds it), runs `work`, closes it. */
export async function withChdb<T>(dir: string, work: (adapter: Adapter) => Promise<T>, chdbPath = path.join(dir, '.tsdbt', 'chdb')): Promise<T> {
  const adapter = await connect({ type: 'chdb', name: 'dev', schema: 'astro', threads: 1, settings: {}, path: chdbPath });
  try {
    return await work(adapter);
  } finally {
    await adapter.close();
  }
}

/** Lands a captured astros reply the way ingestion does (one row: payload, _hash, _source_url, _inserted_at). */
export async function landPayload(adapter: Adapter, payload: string, insertedAtMs: number): Promise<void> {
  const row: LandingRow = {
    payload,
    _hash: hashPayload(payload),
    _source_url: 'http://api.open-notify.org/astros.json',
    _inserted_at: formatDateTime64(insertedAtMs),
  };
  await adapter.insert('astro', 'raw_astros', [row]);
}

/** Relations of a database as `name:kind`, sorted. */
export async function relationsOf(adapter: Adapter, database: string): Promise<string[]> {
  return (await adapter.listRelations(database)).map((relation) => `${relation.name}:${relation.kind}`).sort();
}

/** Lines of stderr without the leading clock (`14:03:05  `). */
export function logLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.replace(/^\d\d:\d\d:\d\d {2}/, ''))
    .filter((line) => line !== '');
}

/** Relations a build leaves only when something went wrong: tsdbt's temporary and backup tables, the server's hidden CTAS tables. */
export function isLeftover(relation: string): boolean {
  return /__tsdbt_(tmp|backup)|^_tmp_replace_/.test(relation);
}
