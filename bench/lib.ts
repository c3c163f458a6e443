/** Helpers shared by the benchmark scripts: processes, timing, statistics, results. */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/.build/<script>.js → the repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(REPO, 'bin', 'tsdbt');
export const BENCH_DIR = path.join(REPO, 'bench');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
/** Preloaded into measured Node processes: writes the process's peak RSS (KiB) where BENCH_RSS_FILE says (not a TSDBT_* name: tsdbt compile keys its fast path on those). */
const RSS_PROBE = path.join(REPO, 'bench', '.build', 'rss-probe.js');

export interface ProcessResult {
  code: number | null;
  wallMs: number;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the process, KiB (only with `rss: true`, for Node processes). */
  maxRssKiB?: number;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Measure the peak RSS of a Node child (adds a tiny preload). */
  rss?: boolean;
  /** Kill after this long (default 30 minutes). */
  timeoutMs?: number;
}

/** Runs `node <args>` and times it from spawn to exit. */
export function runNode(args: string[], options: RunOptions = {}): Promise<ProcessResult> {
  const rssFile = options.rss ? path.join(os.tmpdir(), `tsdbt-bench-rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`) : undefined;
  const nodeArgs = rssFile === undefined ? args : ['--import', pathToFileUrl(RSS_PROBE), ...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, nodeArgs, {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env, ...(rssFile === undefined ? {} : { BENCH_RSS_FILE: rssFile }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30 * 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      let maxRssKiB: number | undefined;
      if (rssFile !== undefined && existsSync(rssFile)) {
        maxRssKiB = Number(readFileSync(rssFile, 'utf8'));
        rmSync(rssFile, { force: true });
      }
      resolve({ code, wallMs, stdout, stderr, ...(maxRssKiB === undefined ? {} : { maxRssKiB }) });
    });
  });
}

function pathToFileUrl(file: string): string {
  return new URL(`file://${file}`).href;
}

/** Runs the built CLI (`node bin/tsdbt …`). */
export function tsdbt(args: string[], options: RunOptions = {}): Promise<ProcessResult> {
  return runNode([BIN, ...args], options);
}

/** Throws with the process's output when it failed. */
export function check(result: ProcessResult, what: string): ProcessResult {
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}:\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-2000)}`);
  return result;
}

export interface Stats {
  n: number;
  min: number;
  median: number;
  max: number;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { n: sorted.length, min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/**
 * Set by `npm run bench` (all.ts) for the scripts it runs: their temporary folders go under it and
 * are left for all.ts to delete after the last benchmark. Deleting a script's hundreds of thousands
 * of files as it ends would slow the file creation of the next benchmark (see `moveAside`).
 */
export const TEMP_ROOT_ENV = 'BENCH_TEMP_ROOT';

/** A fresh temporary folder, removed by `cleanup()` (or, under all.ts, after the whole run). */
export function tempDir(prefix: string): string {
  const root = process.env[TEMP_ROOT_ENV];
  const dir = mkdtempSync(path.join(root ?? os.tmpdir(), `tsdbt-bench-${prefix}-`));
  if (root === undefined) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const cleanups: (() => void)[] = [];

let graveyard: string | undefined;

/**
 * Takes `dir` out of the way (a "cold" run must not find it) without deleting it: the files are
 * deleted when the benchmark ends. On ext4 without a journal (this machine's disk), creating a file
 * skips every inode freed in the last minutes (fs/ext4/ialloc.c, recently_deleted()), so deleting
 * 10,000 files just before a compile creates 10,000 made the compile's writes 10–30× slower: it
 * would time the benchmark's own `rm -rf`, not tsdbt.
 */
export function moveAside(dir: string): void {
  if (!existsSync(dir)) return;
  graveyard ??= tempDir('moved-aside');
  renameSync(dir, path.join(graveyard, `${path.basename(dir)}-${Date.now()}-${Math.random().toString(36).slice(2)}`));
}

export function cleanup(): void {
  for (const clean of cleanups.splice(0)) clean();
}

export function copyDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}

/** The machine, the versions, and how busy the machine was. */
export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  const version = (name: string): string => {
    try {
      return (JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    tsdbt: (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version,
    chdb: version('chdb'),
    clickhouseClient: version('@clickhouse/client'),
    nunjucks: version('nunjucks'),
    loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))),
  };
}

/** The 1-minute load average now. */
export function load1(): number {
  return Number(os.loadavg()[0]!.toFixed(2));
}

/** Writes bench/results/<name>.json. */
export function saveResult(name: string, value: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

export function readResult<T>(name: string): T | undefined {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** `--quick`: small sizes and few repetitions, to check the scripts work (not for BENCHMARKS.md). */
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Runs `main` as a script: prints its result, saves it, and exits non-zero on failure. */
export function script(name: string, main: () => Promise<unknown>): void {
  main()
    .then((result) => {
      const file = saveResult(name, { ...(result as object), quick: QUICK, finishedAt: new Date().toISOString() });
      log(`${name}: results in ${path.relative(REPO, file)}`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(cleanup);
}
