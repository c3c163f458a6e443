/**
 * Compile: `tsdbt compile` from the CLI on generated projects of 1,000, 10,000 and 50,000 models
 * (3–8 refs each, Jinja loops and macros, YAML properties with 2–4 tests per model).
 *
 * - cold: a fresh process and no target/ folder (nothing cached from an earlier run);
 * - warm: the same again with nothing changed, target/ kept (answered from target/compile_stamps.json);
 * - one model changed: a comment appended to one model file, then the same (partial parsing reuses
 *   every other file; test/bench/warm-compile.test.ts checks the output is a cold compile's).
 *
 * Each figure is min/median/max wall time over repeated runs, with the peak RSS of the process.
 * Sizes: BENCH_COMPILE_SIZES=1000,10000 overrides; --quick runs 200 and 1,000 models twice.
 */
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { generateProject, writeFiles } from './generate.js';
import { check, load1, log, moveAside, QUICK, script, stats, tempDir, tsdbt, type Stats } from './lib.js';

export interface CompileSize {
  models: number;
  files: number;
  megabytes: number;
  cold: Stats;
  coldRssMiB: Stats;
  warm: Stats;
  warmRssMiB: Stats;
  /** One model file changed since the previous compile. */
  changed?: Stats;
  changedRssMiB?: Stats;
  modelsPerSecondCold: number;
  load: number[];
  /** Median seconds of each phase of the cold compiles (target/perf_info.json), in order. */
  coldPhases?: { name: string; seconds: number }[];
}

const SIZES = process.env.BENCH_COMPILE_SIZES?.split(',').map(Number) ?? (QUICK ? [200, 1000] : [1000, 10000, 50000]);

function repetitions(models: number): number {
  if (QUICK) return 2;
  return models <= 1000 ? 5 : 3;
}

function sizeOf(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        files += 1;
        bytes += statSync(full).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

/** One `tsdbt compile` of `dir`; cold removes target/ first. */
export async function compileOnce(
  dir: string,
  models: number,
  cold: boolean,
): Promise<{ ms: number; rssMiB: number; phases: { name: string; elapsed: number }[] }> {
  if (cold) moveAside(path.join(dir, 'target'));
  const result = check(await tsdbt(['compile', '--write-perf-info'], { cwd: dir, rss: true }), `tsdbt compile (${models} models)`);
  if (!result.stderr.includes(`Compiled ${models} models`)) throw new Error(`tsdbt compile did not report ${models} models:\n${result.stderr.slice(-2000)}`);
  const { phases } = JSON.parse(readFileSync(path.join(dir, 'target', 'perf_info.json'), 'utf8')) as { phases: { name: string; elapsed: number }[] };
  return { ms: result.wallMs, rssMiB: (result.maxRssKiB ?? 0) / 1024, phases };
}

/** Median seconds of each phase over runs (every run names the same phases in the same order). */
function medianPhases(runs: { name: string; elapsed: number }[][]): { name: string; seconds: number }[] {
  return (runs[0] ?? []).map((phase, i) => ({
    name: phase.name,
    seconds: Number(stats(runs.map((run) => (run[i]?.elapsed ?? 0) * 1000)).median.toFixed(0)) / 1000,
  }));
}

export async function benchCompile(): Promise<{ sizes: CompileSize[] }> {
  const sizes: CompileSize[] = [];
  for (const models of SIZES) {
    const dir = tempDir(`compile-${models}`);
    const project = generateProject({ models });
    writeFiles(dir, project.files);
    const { files, bytes } = sizeOf(dir);
    const load = [load1()];
    log(`compile: ${models} models (${files} files, ${(bytes / 1e6).toFixed(1)} MB)`);
    const cold: number[] = [];
    const coldRss: number[] = [];
    const warm: number[] = [];
    const warmRss: number[] = [];
    const coldPhases: { name: string; elapsed: number }[][] = [];
    const changed: number[] = [];
    const changedRss: number[] = [];
    const last = project.models.at(-1)!;
    const changing = path.join(dir, `${last.folder}/${last.name}.sql`);
    // A user's files are older than the command run on them; a compile does not vouch for files
    // changed less than a second before it started (src/tasks/compile-record.ts).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (let run = 0; run < repetitions(models); run += 1) {
      // Cold, then warm on the target/ it left, then one model changed: alternating keeps all under the same load.
      const first = await compileOnce(dir, models, true);
      cold.push(first.ms);
      coldRss.push(first.rssMiB);
      coldPhases.push(first.phases);
      const second = await compileOnce(dir, models, false);
      warm.push(second.ms);
      warmRss.push(second.rssMiB);
      appendFileSync(changing, `\n-- changed in run ${run + 1}\n`);
      const third = await compileOnce(dir, models, false);
      changed.push(third.ms);
      changedRss.push(third.rssMiB);
      log(
        `  run ${run + 1}: cold ${first.ms.toFixed(0)} ms (${first.rssMiB.toFixed(0)} MiB), warm ${second.ms.toFixed(0)} ms, one model changed ${third.ms.toFixed(0)} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    load.push(load1());
    const coldStats = stats(cold);
    sizes.push({
      models,
      files,
      megabytes: Number((bytes / 1e6).toFixed(1)),
      cold: coldStats,
      coldRssMiB: stats(coldRss),
      warm: stats(warm),
      warmRssMiB: stats(warmRss),
      changed: stats(changed),
      changedRssMiB: stats(changedRss),
      modelsPerSecondCold: Math.round(models / (coldStats.median / 1000)),
      load,
      coldPhases: medianPhases(coldPhases),
    });
    // The project stays until the benchmark ends (deleting 50,000 files would slow the next size's writes: see moveAside).
  }
  return { sizes };
}

if (process.argv[1]?.endsWith('compile.js')) script('compile', benchCompile);
