/**
 * Check: `tsdbt check` from the CLI on the generated project at 1,000 and 10,000 models: every
 * model compiled, analyzed once in a scratch chDB session (EXPLAIN QUERY TREE against the empty
 * shadows of its parents: its columns, types and column lineage) and shadowed by an empty table.
 *
 * The generated sources declare only `id` without a type, so the checked copy declares the landing
 * tables' three columns with their types (as `landingTablesSql` creates them). `tsdbt compile` of the
 * same project is timed in the same run, so the cost of the check itself is `check − compile`.
 * Sizes: BENCH_CHECK_SIZES=1000 overrides; --quick runs 200 models once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateProject, writeFiles } from './generate.js';
import { check, load1, log, moveAside, QUICK, script, stats, tempDir, tsdbt, type Stats } from './lib.js';

export interface CheckSize {
  models: number;
  check: Stats;
  checkRssMiB: Stats;
  compile: Stats;
  modelsPerSecond: number;
  /** Models per second of the check's own work: models / (check − compile), medians. */
  modelsPerSecondBeyondCompile: number;
  /** Output columns with lineage in target/lineage.json after the check. */
  columnsWithLineage: number;
  load: number[];
}

const SIZES = process.env.BENCH_CHECK_SIZES?.split(',').map(Number) ?? (QUICK ? [200] : [1000, 10000]);

function repetitions(models: number): number {
  if (QUICK) return 1;
  return models <= 1000 ? 3 : 1;
}

/** The generated sources.yml, with each landing table's columns typed so that check can shadow them. */
function typedSources(text: string): string {
  return text.replace(
    /( {8}columns:\n {10}- name: id\n {12}data_tests: \[not_null\]\n)/g,
    '        columns:\n          - name: id\n            data_type: UInt64\n            data_tests: [not_null]\n          - { name: category, data_type: String }\n          - { name: amount, data_type: Float64 }\n',
  );
}

export async function benchCheck(): Promise<{ sizes: CheckSize[] }> {
  const sizes: CheckSize[] = [];
  for (const models of SIZES) {
    const dir = tempDir(`check-${models}`);
    const project = generateProject({ models });
    project.files.set('models/sources.yml', typedSources(project.files.get('models/sources.yml')!));
    writeFiles(dir, project.files);
    const load = [load1()];
    const checks: number[] = [];
    const rss: number[] = [];
    const compiles: number[] = [];
    for (let run = 0; run < repetitions(models); run += 1) {
      moveAside(path.join(dir, 'target'));
      const compiled = check(await tsdbt(['compile'], { cwd: dir }), `tsdbt compile (${models} models)`);
      compiles.push(compiled.wallMs);
      moveAside(path.join(dir, 'target'));
      const result = check(await tsdbt(['check'], { cwd: dir, rss: true, timeoutMs: 2 * 60 * 60_000 }), `tsdbt check (${models} models)`);
      if (!result.stderr.includes(`Checked ${models} models: ${models} ok`))
        throw new Error(`tsdbt check did not check ${models} models:\n${result.stderr.slice(-2000)}`);
      checks.push(result.wallMs);
      rss.push((result.maxRssKiB ?? 0) / 1024);
      log(`check ${models} models: ${(result.wallMs / 1000).toFixed(2)} s (compile ${(compiled.wallMs / 1000).toFixed(2)} s)`);
    }
    load.push(load1());
    const lineage = JSON.parse(readFileSync(path.join(dir, 'target', 'lineage.json'), 'utf8')) as {
      models: Record<string, { columns: { upstream: unknown[] }[] }>;
    };
    const columnsWithLineage = Object.values(lineage.models).reduce(
      (sum, model) => sum + model.columns.filter((column) => column.upstream.length > 0).length,
      0,
    );
    const checkStats = stats(checks);
    const compileStats = stats(compiles);
    sizes.push({
      models,
      check: checkStats,
      checkRssMiB: stats(rss),
      compile: compileStats,
      modelsPerSecond: Number((models / (checkStats.median / 1000)).toFixed(0)),
      modelsPerSecondBeyondCompile: Number((models / ((checkStats.median - compileStats.median) / 1000)).toFixed(0)),
      columnsWithLineage,
      load,
    });
  }
  return { sizes };
}

if (process.argv[1]?.endsWith('check.js')) script('check', benchCheck);
