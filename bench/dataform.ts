/**
 * Side by side with Dataform's CLI: the same generated graph (same refs, loops through JS
 * includes, assertions in place of tests) compiled by `dataform compile --json` and by
 * `tsdbt compile`, alternately, in the same run. Dataform is installed only in bench/
 * (`npm ci --prefix bench`); without it the result says why and nothing is measured.
 *
 * Sizes: BENCH_DATAFORM_SIZES=1000 overrides (default 1,000 and 10,000; --quick: 200).
 */
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileOnce } from './compile.js';
import { DATAFORM_CORE_VERSION } from './dataform-version.js';
import { generateDataformProject, generateProject, writeFiles } from './generate.js';
import { BENCH_DIR, load1, log, QUICK, runNode, script, stats, tempDir, type Stats } from './lib.js';

const CLI = path.join(BENCH_DIR, 'node_modules', '@dataform', 'cli', 'bundle.js');
const CORE = path.join(BENCH_DIR, 'node_modules', '@dataform', 'core');
const SIZES = process.env.BENCH_DATAFORM_SIZES?.split(',').map(Number) ?? (QUICK ? [200] : [1000, 10000]);

export interface DataformSize {
  models: number;
  actions: number;
  dataform: Stats;
  tsdbt: Stats;
  /** Dataform's median over tsdbt's. */
  ratio: number;
  load: number[];
}

export interface DataformResult {
  available: boolean;
  reason?: string;
  cliVersion?: string;
  coreVersion?: string;
  sizes: DataformSize[];
}

function versionOf(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

async function dataformCompile(dir: string, models: number): Promise<{ ms: number; actions: number }> {
  // --timeout: the CLI stops compiling after 60 s by default.
  const result = await runNode([CLI, 'compile', dir, '--json', '--timeout', '60m'], { cwd: dir });
  if (result.code !== 0) throw new Error(`dataform compile (${models} models) exited with ${result.code}:\n${result.stderr.slice(-3000)}`);
  const graph = JSON.parse(result.stdout) as { tables?: unknown[]; assertions?: unknown[] };
  const tables = graph.tables?.length ?? 0;
  if (tables !== models) throw new Error(`dataform compiled ${tables} tables, expected ${models}`);
  return { ms: result.wallMs, actions: tables + (graph.assertions?.length ?? 0) };
}

export async function benchDataform(): Promise<DataformResult> {
  if (!existsSync(CLI) || !existsSync(CORE)) {
    return {
      available: false,
      reason: `@dataform/cli is not installed in bench/ (run \`npm ci --prefix bench\`); looked for ${path.relative(process.cwd(), CLI)}`,
      sizes: [],
    };
  }
  const sizes: DataformSize[] = [];
  for (const models of SIZES) {
    const dataformDir = tempDir(`dataform-${models}`);
    writeFiles(dataformDir, generateDataformProject({ models, coreVersion: DATAFORM_CORE_VERSION }));
    // The CLI loads @dataform/core from the project's node_modules (a copy: its sandbox refuses symlinks out of the project).
    mkdirSync(path.join(dataformDir, 'node_modules', '@dataform'), { recursive: true });
    cpSync(CORE, path.join(dataformDir, 'node_modules', '@dataform', 'core'), { recursive: true });
    const tsdbtDir = tempDir(`dataform-tsdbt-${models}`);
    writeFiles(tsdbtDir, generateProject({ models }).files);
    const runs = QUICK ? 1 : models <= 1000 ? 3 : 1;
    const load = [load1()];
    const dataformMs: number[] = [];
    const tsdbtMs: number[] = [];
    let actions = 0;
    log(`dataform: ${models} models, ${runs} run(s) each`);
    for (let run = 0; run < runs; run += 1) {
      const dataform = await dataformCompile(dataformDir, models);
      actions = dataform.actions;
      dataformMs.push(dataform.ms);
      tsdbtMs.push((await compileOnce(tsdbtDir, models, true)).ms);
      log(`  run ${run + 1}: dataform ${dataform.ms.toFixed(0)} ms (${actions} actions), tsdbt ${tsdbtMs[run]!.toFixed(0)} ms`);
    }
    load.push(load1());
    const dataform = stats(dataformMs);
    const tsdbt = stats(tsdbtMs);
    sizes.push({ models, actions, dataform, tsdbt, ratio: Number((dataform.median / tsdbt.median).toFixed(1)), load });
  }
  return { available: true, cliVersion: versionOf(path.dirname(CLI)), coreVersion: versionOf(CORE), sizes };
}

if (process.argv[1]?.endsWith('dataform.js')) script('dataform', benchDataform);
