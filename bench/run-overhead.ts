/**
 * `tsdbt run` overhead: a 200-model generated project (staging views over landing tables of 100
 * rows, intermediate and mart tables joining 3–8 parents) built on chDB by `tsdbt run`, against
 * the same statements sent directly with @clickhouse/client (bench/exec-statements.ts).
 *
 * The statements are those tsdbt sent in a first run (read from its JSON debug log), so the
 * baseline does exactly the database work and nothing else: no parsing, planning, relation
 * listing, artifacts or log. Both start from a copy of the same database (landing tables only)
 * and are whole processes (Node start and chDB load included in both). Ratio: tsdbt's median
 * over the baseline's, with --threads 1 (statements one at a time, as the baseline sends them).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateProject, landingTablesSql, writeFiles } from './generate.js';
import { check, copyDir, load1, log, QUICK, REPO, runNode, script, stats, tempDir, tsdbt, type Stats } from './lib.js';

const MODELS = Number(process.env.BENCH_RUN_MODELS ?? (QUICK ? 50 : 200));
const RUNS = QUICK ? 2 : 5;
const EXEC = path.join(REPO, 'bench', '.build', 'exec-statements.js');

export interface RunOverheadResult {
  models: number;
  statements: number;
  tsdbtThreads1: Stats;
  /** --threads 1 with the target/ of an earlier run in place (partial parsing, as in a working copy). */
  tsdbtThreads1Warm: Stats;
  tsdbtThreads4: Stats;
  baseline: Stats;
  /** tsdbt --threads 1 median over the baseline's. */
  ratio: number;
  load: number[];
}

/** The statements of a JSON debug log, in the order they were sent. */
export function sentStatements(jsonLines: string): string[] {
  const statements: string[] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as { event?: string; sql?: string };
    if (record.event === 'sql' && typeof record.sql === 'string') statements.push(record.sql);
  }
  return statements;
}

export async function prepareProject(models: number, prefix: string): Promise<{ pristine: string; scratch: string }> {
  const project = generateProject({ models });
  const pristine = tempDir(`${prefix}-pristine`);
  writeFiles(pristine, project.files);
  const landing = path.join(pristine, 'landing.json');
  writeFileSync(landing, JSON.stringify(landingTablesSql(project)));
  check(await runNode([EXEC, path.join(pristine, '.tsdbt', 'chdb'), landing]), 'creating the landing tables');
  return { pristine, scratch: tempDir(`${prefix}-scratch`) };
}

export async function benchRunOverhead(): Promise<RunOverheadResult> {
  const { pristine, scratch } = await prepareProject(MODELS, 'run');
  const work = path.join(scratch, 'project');

  // The statements of a first build, as tsdbt sends them.
  copyDir(pristine, work);
  const captured = check(await tsdbt(['run', '--threads', '1', '--log-format', 'json', '--log-level', 'debug'], { cwd: work }), 'tsdbt run (capture)');
  const statements = sentStatements(captured.stderr + captured.stdout);
  if (statements.length < MODELS) throw new Error(`captured only ${statements.length} statements`);
  const statementsFile = path.join(scratch, 'statements.json');
  writeFileSync(statementsFile, JSON.stringify(statements));
  const keptTarget = path.join(scratch, 'target');
  copyDir(path.join(work, 'target'), keptTarget);
  log(`run overhead: ${MODELS} models, ${statements.length} statements`);

  const threads1: number[] = [];
  const threads1Warm: number[] = [];
  const threads4: number[] = [];
  const baseline: number[] = [];
  const load = [load1()];
  for (let run = 0; run < RUNS; run += 1) {
    copyDir(pristine, work);
    const one = check(await tsdbt(['run', '--threads', '1'], { cwd: work }), 'tsdbt run --threads 1');
    if (!one.stderr.includes(`PASS=${MODELS} `)) throw new Error(`tsdbt run did not pass ${MODELS} models:\n${one.stderr.slice(-2000)}`);
    threads1.push(one.wallMs);
    copyDir(pristine, work);
    copyDir(keptTarget, path.join(work, 'target'));
    threads1Warm.push(check(await tsdbt(['run', '--threads', '1'], { cwd: work }), 'tsdbt run --threads 1 (warm)').wallMs);
    copyDir(pristine, work);
    threads4.push(check(await tsdbt(['run', '--threads', '4'], { cwd: work }), 'tsdbt run --threads 4').wallMs);
    copyDir(pristine, work);
    baseline.push(check(await runNode([EXEC, path.join(work, '.tsdbt', 'chdb'), statementsFile]), 'baseline').wallMs);
    log(
      `  run ${run + 1}: tsdbt ${threads1[run]!.toFixed(0)} ms (warm ${threads1Warm[run]!.toFixed(0)} ms, threads 4: ${threads4[run]!.toFixed(0)} ms), baseline ${baseline[run]!.toFixed(0)} ms`,
    );
  }
  load.push(load1());
  const tsdbtStats = stats(threads1);
  const baselineStats = stats(baseline);
  return {
    models: MODELS,
    statements: statements.length,
    tsdbtThreads1: tsdbtStats,
    tsdbtThreads1Warm: stats(threads1Warm),
    tsdbtThreads4: stats(threads4),
    baseline: baselineStats,
    ratio: Number((tsdbtStats.median / baselineStats.median).toFixed(2)),
    load,
  };
}

if (process.argv[1]?.endsWith('run-overhead.js')) script('run-overhead', benchRunOverhead);
