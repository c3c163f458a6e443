/**
 * Ingest: N payloads (elements of one JSON reply served on 127.0.0.1 by this script) landed by
 * `tsdbt ingest` (`format: json_each`), against a raw @clickhouse/client insert of the same rows
 * (bench/raw-insert.ts: fetch, hash, one insert). Both are whole processes on a fresh chDB
 * folder; the figure is rows per second, and the ratio tsdbt's throughput over the raw one's.
 * After the first round both tables are compared (same row count, same set of hashes).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { check, load1, log, QUICK, REPO, runNode, script, stats, tempDir, tsdbt, type Stats } from './lib.js';
import { writeFiles } from './generate.js';

const PAYLOADS = Number(process.env.BENCH_INGEST_PAYLOADS ?? (QUICK ? 2_000 : 100_000));
const RUNS = QUICK ? 2 : 5;
const RAW = path.join(REPO, 'bench', '.build', 'raw-insert.js');
const QUERY = path.join(REPO, 'bench', '.build', 'query.js');

export interface IngestResult {
  payloads: number;
  replyMegabytes: number;
  tsdbt: Stats;
  raw: Stats;
  tsdbtRowsPerSecond: number;
  rawRowsPerSecond: number;
  /** tsdbt's throughput over the raw insert's (the raw time over tsdbt's). */
  ratio: number;
  load: number[];
}

/** A reply of `count` elements like an API's: ids, names, nested objects, arrays, numbers. */
function reply(count: number): string {
  const items = Array.from({ length: count }, (_, id) => ({
    id,
    name: `item ${id}`,
    category: ['books', 'games', 'music', 'tools'][id % 4],
    price: Math.round(id * 137.5) / 100,
    tags: [`t${id % 7}`, `t${id % 11}`],
    seller: { id: id % 97, country: ['DE', 'FR', 'JP', 'US'][id % 4] },
    updated_at: new Date(Date.UTC(2026, 0, 1) + id * 1000).toISOString(),
  }));
  return JSON.stringify({ items });
}

export async function benchIngest(): Promise<IngestResult> {
  const body = reply(PAYLOADS);
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/items.json`;
  try {
    const dir = tempDir('ingest');
    writeFiles(
      dir,
      new Map([
        ['project.yml', 'name: land\nprofile: land\n'],
        ['profiles.yml', 'land:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      schema: land\n      path: .tsdbt/chdb\n'],
        [
          'models/sources.yml',
          `version: 2\nsources:\n  - name: shop\n    schema: raw\n    tables:\n      - name: items\n        ingest:\n          url: "${url}"\n          format: json_each\n          path: items\n          timeout: 60s\n          retries: {max_attempts: 1}\n`,
        ],
      ]),
    );
    const rawDir = tempDir('ingest-raw');
    const tsdbtMs: number[] = [];
    const rawMs: number[] = [];
    const load = [load1()];
    log(`ingest: ${PAYLOADS} payloads, ${(Buffer.byteLength(body) / 1e6).toFixed(1)} MB reply`);
    for (let run = 0; run < RUNS; run += 1) {
      rmSync(path.join(dir, '.tsdbt'), { recursive: true, force: true });
      const landed = check(await tsdbt(['ingest'], { cwd: dir }), 'tsdbt ingest');
      tsdbtMs.push(landed.wallMs);
      rmSync(rawDir, { recursive: true, force: true });
      mkdirSync(rawDir, { recursive: true });
      const raw = check(await runNode([RAW, path.join(rawDir, 'chdb'), url, 'raw', 'items']), 'raw insert');
      rawMs.push(raw.wallMs);
      if (run === 0) {
        const summary = 'SELECT count() AS rows, groupBitXor(cityHash64(_hash)) AS hashes FROM raw.items';
        const viaTsdbt = check(await runNode([QUERY, path.join(dir, '.tsdbt', 'chdb'), summary]), 'checking tsdbt rows').stdout;
        const viaRaw = check(await runNode([QUERY, path.join(rawDir, 'chdb'), summary]), 'checking raw rows').stdout;
        if (viaTsdbt !== viaRaw || (!viaTsdbt.includes(`"rows":${PAYLOADS}`) && !viaTsdbt.includes(`"rows":"${PAYLOADS}"`))) {
          throw new Error(`tsdbt and the raw insert landed different rows: ${viaTsdbt} vs ${viaRaw}`);
        }
      }
      log(`  run ${run + 1}: tsdbt ingest ${landed.wallMs.toFixed(0)} ms, raw insert ${raw.wallMs.toFixed(0)} ms`);
    }
    load.push(load1());
    const tsdbtStats = stats(tsdbtMs);
    const rawStats = stats(rawMs);
    return {
      payloads: PAYLOADS,
      replyMegabytes: Number((Buffer.byteLength(body) / 1e6).toFixed(1)),
      tsdbt: tsdbtStats,
      raw: rawStats,
      tsdbtRowsPerSecond: Math.round(PAYLOADS / (tsdbtStats.median / 1000)),
      rawRowsPerSecond: Math.round(PAYLOADS / (rawStats.median / 1000)),
      ratio: Number((rawStats.median / tsdbtStats.median).toFixed(2)),
      load,
    };
  } finally {
    server.close();
  }
}

if (process.argv[1]?.endsWith('ingest.js')) script('ingest', benchIngest);
