/**
 * `npm run bench`: every benchmark, each in its own process (chDB allows one session per
 * process), then BENCHMARKS.md from their results (bench/report.ts).
 *
 * The machine is shared: before each benchmark this waits (up to BENCH_MAX_WAIT_MIN minutes,
 * default 10) for the 1-minute load average to drop under BENCH_MAX_LOAD (default 2), and the
 * report shows the load each one saw. `--quick` runs small sizes to check the scripts (its
 * results are not written to BENCHMARKS.md). `--only compile,ingest` runs some of them.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load1, log, QUICK, REPO, runNode, saveResult, machine, TEMP_ROOT_ENV } from './lib.js';
import { writeReport } from './report.js';

const ALL = ['startup', 'compile', 'check', 'dataform', 'run-overhead', 'threads', 'ingest'] as const;
const MAX_LOAD = Number(process.env.BENCH_MAX_LOAD ?? 2);
const MAX_WAIT_MS = Number(process.env.BENCH_MAX_WAIT_MIN ?? 10) * 60_000;

async function quietEnough(name: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const load = load1();
    if (load < MAX_LOAD || QUICK) return load;
    if (Date.now() - started > MAX_WAIT_MS) {
      log(`${name}: the load average is still ${load} after ${Math.round(MAX_WAIT_MS / 60_000)} min; running anyway (the report says so)`);
      return load;
    }
    log(`${name}: load average ${load} (want < ${MAX_LOAD}); waiting`);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
}

async function main(): Promise<void> {
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt === -1 ? [...ALL] : process.argv[onlyAt + 1]!.split(',');
  const startedAt = new Date().toISOString();
  const loads: Record<string, number> = {};
  const failures: string[] = [];
  const tempRoot = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-bench-run-'));
  try {
    for (const name of ALL.filter((candidate) => only.includes(candidate))) {
      loads[name] = await quietEnough(name);
      log(`${name}: starting (load ${loads[name]})`);
      const result = await runNode([path.join(REPO, 'bench', '.build', `${name}.js`), ...(QUICK ? ['--quick'] : [])], {
        timeoutMs: 3 * 60 * 60_000,
        env: { [TEMP_ROOT_ENV]: tempRoot },
      });
      process.stderr.write(result.stderr);
      if (result.code !== 0) failures.push(name);
    }
  } finally {
    rmSync(tempRoot, { recursive: true, force: true });
  }
  saveResult('run', { startedAt, finishedAt: new Date().toISOString(), machine: machine(), loadsAtStart: loads, failures, quick: QUICK, commit: commit() });
  if (QUICK) log('quick run: BENCHMARKS.md left as it is');
  else log(`wrote ${path.relative(REPO, writeReport())}`);
  if (failures.length > 0) {
    log(`failed: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: REPO, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

void main();
