/**
 * Parallelism: does `tsdbt run --threads 8` finish within 1.1× of the graph's critical path?
 *
 * The project has LEVELS levels; each has two heavy table models (a deterministic CPU-bound
 * scan, `max_threads = 1`, about a second each; no sleep) that both depend on both heavy models
 * of the level before, and six light views over them. Two heavy models at a time fit the two
 * cores, so the critical path (the sum over levels of the slower heavy model, plus the light
 * models on the way) is also what the machine can do.
 *
 * Each model's cost is its build time in a `--threads 1` run (run_results.json); the critical
 * path is the longest path through the graph with those costs. The figure is the run's elapsed
 * time (run_results.json, from the first node to the last) at `--threads 8`, over that path.
 *
 * On a ClickHouse server (a private Debian clickhouse-server started for the benchmark, when
 * installed) and on chDB. chDB runs one query at a time per session, so there the run is as long
 * as the sum of the queries whatever the thread count: reported, with that explanation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeFiles } from './generate.js';
import { check, load1, log, QUICK, REPO, script, stats, tempDir, tsdbt, type Stats } from './lib.js';

const LEVELS = QUICK ? 2 : 4;
const LIGHT_PER_LEVEL = 6;
const RUNS = QUICK ? 1 : 3;

interface Engine {
  name: 'clickhouse-server' | 'chdb';
  version?: string;
  profile: string;
  /** Rows each heavy model scans. */
  rows: number;
}

export interface ThreadsEngineResult {
  engine: string;
  version?: string;
  rows: number;
  heavyModelSeconds: Stats;
  criticalPathSeconds: number;
  totalWorkSeconds: number;
  /** run_results.json elapsed_time at --threads 8. */
  threads8: Stats;
  /** The process, from start to exit. */
  threads8Process: Stats;
  ratio: number;
}

export interface ThreadsResult {
  levels: number;
  models: number;
  engines: ThreadsEngineResult[];
  skipped: string[];
  load: number[];
}

function heavy(level: number, lane: number): string {
  return `heavy_${level}_${lane}`;
}

/** model name → its parents. */
function graph(): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (let level = 0; level < LEVELS; level += 1) {
    for (const lane of [0, 1]) parents.set(heavy(level, lane), level === 0 ? [] : [heavy(level - 1, 0), heavy(level - 1, 1)]);
    for (let light = 0; light < LIGHT_PER_LEVEL; light += 1) parents.set(`light_${level}_${light}`, [heavy(level, light % 2)]);
  }
  return parents;
}

function projectFiles(engine: Engine): Map<string, string> {
  const files = new Map<string, string>();
  files.set('project.yml', `name: par\nprofile: par\nvars:\n  rows: ${engine.rows}\nmodels:\n  par:\n    +materialized: table\n    +order_by: tuple()\n`);
  files.set('profiles.yml', engine.profile);
  for (const [name, parents] of graph()) {
    const depends = parents.map((parent) => `{{ ref('${parent}') }}`).join(' ');
    if (name.startsWith('heavy_')) {
      const seed = name.replace(/\D/g, '');
      files.set(
        `models/${name}.sql`,
        `{{ config(query_settings={'max_threads': 1}) }}\n-- depends on: ${depends}\nselect count() as n, sum(cityHash64(number, ${seed})) as h from numbers({{ var('rows') }})\n`,
      );
    } else {
      files.set(`models/${name}.sql`, `{{ config(materialized='view') }}\nselect n, h from ${depends}\n`);
    }
  }
  return files;
}

/** Longest path through the graph, weighting each model by its cost. */
export function criticalPath(parents: Map<string, string[]>, cost: Map<string, number>): number {
  const finish = new Map<string, number>();
  const visit = (name: string): number => {
    const known = finish.get(name);
    if (known !== undefined) return known;
    const start = Math.max(0, ...(parents.get(name) ?? []).map(visit));
    const end = start + (cost.get(name) ?? 0);
    finish.set(name, end);
    return end;
  };
  return Math.max(...[...parents.keys()].map(visit));
}

interface RunResults {
  elapsed_time: number;
  results: { unique_id: string; status: string; execution_time: number }[];
}

async function runOnce(dir: string, threads: number): Promise<{ results: RunResults; processMs: number }> {
  const run = check(await tsdbt(['run', '--threads', String(threads)], { cwd: dir }), `tsdbt run --threads ${threads}`);
  const results = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')) as RunResults;
  const failed = results.results.filter((result) => result.status !== 'success');
  if (failed.length > 0) throw new Error(`models failed: ${failed.map((result) => result.unique_id).join(', ')}`);
  return { results, processMs: run.wallMs };
}

async function benchEngine(engine: Engine): Promise<ThreadsEngineResult> {
  const dir = tempDir(`threads-${engine.name}`);
  writeFiles(dir, projectFiles(engine));
  const parents = graph();
  const sequential = await runOnce(dir, 1);
  const cost = new Map(sequential.results.results.map((result) => [result.unique_id.replace('model.par.', ''), result.execution_time]));
  const path_ = criticalPath(parents, cost);
  const total = [...cost.values()].reduce((sum, value) => sum + value, 0);
  const heavyCosts = [...cost].filter(([name]) => name.startsWith('heavy_')).map(([, seconds]) => seconds);
  const elapsed: number[] = [];
  const processMs: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const parallel = await runOnce(dir, 8);
    elapsed.push(parallel.results.elapsed_time);
    processMs.push(parallel.processMs / 1000);
    log(
      `  ${engine.name} run ${run + 1}: --threads 8 ${parallel.results.elapsed_time.toFixed(2)} s (critical path ${path_.toFixed(2)} s, all work ${total.toFixed(2)} s)`,
    );
  }
  const threads8 = stats(elapsed);
  return {
    engine: engine.name,
    ...(engine.version === undefined ? {} : { version: engine.version }),
    rows: engine.rows,
    heavyModelSeconds: stats(heavyCosts),
    criticalPathSeconds: Number(path_.toFixed(3)),
    totalWorkSeconds: Number(total.toFixed(3)),
    threads8,
    threads8Process: stats(processMs),
    ratio: Number((threads8.median / path_).toFixed(2)),
  };
}

/** A private clickhouse-server (the CI script, in its own state folder), or why there is none. */
function startServer(): { url: URL; stop(): void; version: string } | string {
  if (spawnSync('which', ['clickhouse-server']).status !== 0) return 'clickhouse-server is not installed (apt-get install clickhouse-server)';
  const stateDir = tempDir('threads-server');
  const env = { ...process.env, TSDBT_CLICKHOUSE_DIR: stateDir, TSDBT_CLICKHOUSE_CLUSTER: '0' };
  const started = spawnSync('bash', [path.join(REPO, '.ci', 'clickhouse-server.sh'), 'start'], { env, encoding: 'utf8' });
  const line = /export CLICKHOUSE_URL=(\S+)/.exec(started.stdout ?? '');
  if (started.status !== 0 || line === null) return `clickhouse-server did not start: ${(started.stderr ?? '').slice(-500)}`;
  const url = new URL(line[1]!.replace(/^['"]|['"]$/g, ''));
  const version = /version ([\d.]*\d)/.exec(spawnSync('clickhouse-client', ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 'unknown';
  return { url, version, stop: () => void spawnSync('bash', [path.join(REPO, '.ci', 'clickhouse-server.sh'), 'stop'], { env }) };
}

/** Rows for a heavy model to take about `seconds` with one thread: timed on the engine itself through a one-model project. */
async function calibrate(profile: string, name: Engine['name'], seconds: number): Promise<number> {
  const probeRows = 30_000_000;
  const engine: Engine = { name, profile, rows: probeRows };
  const dir = tempDir(`threads-calibrate-${name}`);
  writeFiles(dir, projectFiles(engine));
  const run = await runOnce(dir, 1);
  const heavyTimes = run.results.results.filter((result) => result.unique_id.includes('heavy_')).map((result) => result.execution_time);
  const perRow = stats(heavyTimes).median / probeRows;
  return Math.max(1_000_000, Math.round(seconds / perRow / 1_000_000) * 1_000_000);
}

export async function benchThreads(): Promise<ThreadsResult> {
  const engines: ThreadsEngineResult[] = [];
  const skipped: string[] = [];
  const load = [load1()];
  const target = QUICK ? 0.3 : 1;
  const server = startServer();
  if (typeof server === 'string') skipped.push(`clickhouse-server: ${server}`);
  else {
    try {
      const profile = `par:\n  target: server\n  outputs:\n    server:\n      type: clickhouse\n      host: ${server.url.hostname}\n      port: ${server.url.port}\n      user: ${decodeURIComponent(server.url.username)}\n      password: "${decodeURIComponent(server.url.password)}"\n      schema: par\n      threads: 8\n`;
      const rows = await calibrate(profile, 'clickhouse-server', target);
      log(`threads: clickhouse-server ${server.version}, ${rows} rows per heavy model`);
      engines.push(await benchEngine({ name: 'clickhouse-server', version: server.version, profile, rows }));
    } finally {
      server.stop();
    }
  }
  const chdbProfile = 'par:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      schema: par\n      path: .tsdbt/chdb\n      threads: 8\n';
  const rows = await calibrate(chdbProfile, 'chdb', target);
  log(`threads: chDB, ${rows} rows per heavy model`);
  engines.push(await benchEngine({ name: 'chdb', profile: chdbProfile, rows }));
  load.push(load1());
  return { levels: LEVELS, models: graph().size, engines, skipped, load };
}

if (process.argv[1]?.endsWith('threads.js')) script('threads', benchThreads);
