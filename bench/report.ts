/**
 * Writes BENCHMARKS.md from bench/results/*.json (what `npm run bench` just measured) and
 * bench/notes.md (the analysis, kept by hand). `node bench/.build/report.js` rewrites it alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckSize } from './check.js';
import type { CompileSize } from './compile.js';
import type { DataformResult } from './dataform.js';
import type { IngestResult } from './ingest.js';
import { readResult, REPO, type Stats } from './lib.js';
import type { RunOverheadResult } from './run-overhead.js';
import type { StartupResult } from './startup.js';
import type { ThreadsResult } from './threads.js';

interface RunInfo {
  startedAt: string;
  finishedAt: string;
  machine: Record<string, unknown>;
  loadsAtStart: Record<string, number>;
  failures: string[];
  commit: string;
}

type Timed<T> = T & { finishedAt?: string; quick?: boolean };

const ms = (value: number): string => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`);
const seconds = (value: number): string => `${value.toFixed(2)} s`;
const triple = (value: Stats, format: (n: number) => string): string => `${format(value.min)} / **${format(value.median)}** / ${format(value.max)}`;
const thousands = (value: number): string => value.toLocaleString('en-US');
const verdict = (met: boolean | undefined): string => (met === undefined ? 'not measured' : met ? 'met' : '**not met**');

export function renderReport(): string {
  const run = readResult<RunInfo>('run');
  const startup = readResult<Timed<StartupResult>>('startup');
  const compile = readResult<Timed<{ sizes: CompileSize[] }>>('compile');
  const checked = readResult<Timed<{ sizes: CheckSize[] }>>('check');
  const checkAt = (models: number) => (checked?.quick === true ? undefined : checked?.sizes.find((entry) => entry.models === models));
  const dataform = readResult<Timed<DataformResult>>('dataform');
  const overhead = readResult<Timed<RunOverheadResult>>('run-overhead');
  const threads = readResult<Timed<ThreadsResult>>('threads');
  const ingest = readResult<Timed<IngestResult>>('ingest');
  const size = (models: number) => compile?.sizes.find((entry) => entry.models === models);
  const tenK = size(10000);
  const fiftyK = size(50000);
  const dataformAt = dataform?.sizes.at(-1);
  const server = threads?.engines.find((engine) => engine.engine === 'clickhouse-server');
  const chdb = threads?.engines.find((engine) => engine.engine === 'chdb');
  const machine = run?.machine ?? {};
  const lines: string[] = [];
  const out = (...text: string[]) => lines.push(...text);

  out(
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (bench/all.ts → bench/report.ts) from bench/results/*.json and bench/notes.md. Do not edit by hand: edit bench/notes.md. -->',
    '',
    "What tsdbt costs, measured on this repository's machine in one run of `npm run bench`. Each figure is",
    '**min / median / max** over repeated runs; a ratio compares medians with a baseline measured in the same run.',
    "Every process is timed from spawn to exit (Node's start included), from the command line, as a user runs it.",
    '',
    '```sh',
    "npm ci && npm ci --prefix bench   # the second installs Dataform's CLI, for the side-by-side compile only",
    'npm run bench                     # all of them (about an hour); BENCHMARKS.md is rewritten',
    'npm run bench -- --quick          # small sizes: checks that the scripts work, writes no BENCHMARKS.md',
    'npm run bench -- --only compile   # some of them (startup, compile, check, dataform, run-overhead, threads, ingest)',
    '```',
    '',
    'The projects are generated (bench/generate.ts, seeded, so every run compiles the same files): 10% staging',
    'views over landing tables, then intermediate and mart tables that each `ref()` 3–8 earlier models (mostly',
    'nearby ones, some far back), with Jinja loops over a `var()` list, four project macros (one through',
    '`adapter.dispatch`), `{{ config() }}` in a quarter of the models, refs computed in a `{% for %}` loop in 5%,',
    'incremental models, and one YAML property file per folder of 100 models with descriptions and 2–4 data tests',
    'per model (`unique`, `not_null`, `accepted_values`, `relationships`). test/bench checks what it compiles to.',
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${String(machine.cpu ?? '?')}, ${String(machine.cores ?? '?')} cores |`,
    `| memory | ${String(machine.memoryGiB ?? '?')} GiB |`,
    `| OS | ${String(machine.os ?? '?')} |`,
    `| Node | ${String(machine.node ?? '?')} |`,
    `| tsdbt | ${String(machine.tsdbt ?? '?')} (commit ${run?.commit ?? '?'}), chDB ${String(machine.chdb ?? '?')}, @clickhouse/client ${String(machine.clickhouseClient ?? '?')}, nunjucks ${String(machine.nunjucks ?? '?')} |`,
    `| Dataform | ${dataform?.available ? `@dataform/cli ${dataform.cliVersion}, @dataform/core ${dataform.coreVersion}` : 'not measured'} |`,
    `| ClickHouse server | ${server?.version === undefined ? 'not measured' : `Debian clickhouse-server ${server.version}`} |`,
    `| run | ${run?.startedAt ?? '?'} to ${run?.finishedAt ?? '?'} |`,
    `| load average (1 min) at the start of each benchmark | ${Object.entries(run?.loadsAtStart ?? {})
      .map(([name, load]) => `${name} ${load}`)
      .join(', ')} |`,
    '',
    'The machine is shared with other work (its load average is shown above and with each benchmark): timings',
    'on a quiet machine would be lower; the ratios, taken between alternating runs, move less.',
    '',
    '## Targets',
    '',
    '| target | goal | measured (median) | |',
    '|---|---|---|---|',
  );
  // Results left by an earlier `npm run bench` (this run did not measure them) are named so.
  const earlier = (result: { finishedAt?: string } | undefined): string =>
    result?.finishedAt !== undefined && run !== undefined && result.finishedAt < run.startedAt ? ` (earlier run, ${result.finishedAt.slice(0, 10)})` : '';
  const mb = (mib: number): number => mib * 1.048576;
  if (tenK) {
    out(
      `| compile 10,000 models, cold, from the CLI | < 2 s (≥ 5,000 models/s) | ${ms(tenK.cold.median)} (${thousands(tenK.modelsPerSecondCold)} models/s)${earlier(compile)} | ${verdict(tenK.cold.median < 2000)} |`,
      `| re-compile 10,000 models, nothing changed | < 300 ms | ${ms(tenK.warm.median)}${earlier(compile)} | ${verdict(tenK.warm.median < 300)} |`,
    );
    if (tenK.changed)
      out(`| re-compile 10,000 models, one model changed | < 500 ms | ${ms(tenK.changed.median)}${earlier(compile)} | ${verdict(tenK.changed.median < 500)} |`);
  }
  if (dataformAt) {
    const sameRun = earlier(dataform) === earlier(compile);
    out(
      `| compile vs Dataform's CLI (${thousands(dataformAt.models)} models) | ≥ 25× faster | ${dataformAt.ratio}×${earlier(dataform)} | ${sameRun ? verdict(dataformAt.ratio >= 25) : 'not measured in this run'} |`,
    );
  } else out(`| compile vs Dataform's CLI | ≥ 25× faster | ${dataform?.reason ?? 'not measured'} | not measured |`);
  if (tenK)
    out(
      `| peak RSS of the 10k compile (cold) | ≤ 250 MB | ${mb(tenK.coldRssMiB.median).toFixed(0)} MB${earlier(compile)} | ${verdict(mb(tenK.coldRssMiB.median) <= 250)} |`,
    );
  if (tenK && fiftyK) {
    const growth = fiftyK.coldRssMiB.median / tenK.coldRssMiB.median;
    out(`| peak RSS from 10k to 50k models | at most linear (≤ 5×) | ${growth.toFixed(2)}× | ${verdict(growth <= 5)} |`);
  }
  if (overhead) {
    const warm = Number((overhead.tsdbtThreads1Warm.median / overhead.baseline.median).toFixed(2));
    out(
      `| \`tsdbt run\` vs the same statements sent directly (${overhead.models} models) | ≤ 1.2× | ${overhead.ratio}× from a fresh copy, ${warm}× with target/ kept${earlier(overhead)} | ${verdict(overhead.ratio <= 1.2)} |`,
    );
  }
  if (server)
    out(`| \`--threads 8\` vs the critical path, ClickHouse server | ≤ 1.1× | ${server.ratio}×${earlier(threads)} | ${verdict(server.ratio <= 1.1)} |`);
  if (chdb) out(`| \`--threads 8\` vs the critical path, chDB | ≤ 1.1× | ${chdb.ratio}×${earlier(threads)} | ${verdict(chdb.ratio <= 1.1)} |`);
  if (ingest)
    out(
      `| \`tsdbt ingest\` vs a raw client insert (${thousands(ingest.payloads)} payloads) | ≥ 0.9× the throughput | ${ingest.ratio}×${earlier(ingest)} | ${verdict(ingest.ratio >= 0.9)} |`,
    );
  const check1k = checkAt(1000);
  if (check1k)
    out(
      `| \`tsdbt check\` of 1,000 models, from the CLI | ≥ 200 models/s | ${thousands(check1k.modelsPerSecond)} models/s (${ms(check1k.check.median)})${earlier(checked)} | ${verdict(check1k.modelsPerSecond >= 200)} |`,
    );
  if (startup) {
    const above = (value: Stats) => value.median - startup.node.median;
    out(
      `| \`tsdbt --version\`, above \`node -e 0\` | < 100 ms | ${ms(above(startup.version))} (${ms(startup.version.median)} against ${ms(startup.node.median)})${earlier(startup)} | ${verdict(above(startup.version) < 100)} |`,
    );
    if (startup.lsCompiled)
      out(
        `| \`tsdbt ls\` on the example project after a compile, above \`node -e 0\` | < 100 ms | ${ms(above(startup.lsCompiled))} (${ms(startup.lsCompiled.median)} against ${ms(startup.node.median)})${earlier(startup)} | ${verdict(above(startup.lsCompiled) < 100)} |`,
      );
    if (startup.ls)
      out(
        `| \`tsdbt ls\` on the example project${startup.lsCompiled ? ' never compiled (ls parses it)' : ''}, above \`node -e 0\` | < 100 ms | ${ms(above(startup.ls))} (${ms(startup.ls.median)} against ${ms(startup.node.median)})${earlier(startup)} | ${verdict(above(startup.ls) < 100)} |`,
      );
  }
  out('');

  if (compile) {
    out(
      '## Compile: how cost grows',
      '',
      '`tsdbt compile` (every model rendered into target/compiled, manifest.json written). **Cold**: a fresh process',
      'and no target/ folder. **Warm**: the same command again with nothing changed and the target/ the previous',
      'one left (answered from `target/compile_stamps.json`: every input and output checked, nothing written).',
      '**One model changed**: a comment appended to one model file, then the same command (partial parsing',
      're-parses that file and reuses every other one; manifest.json is written again whole, target/compiled only where it changed).',
      ...(earlier(compile) === '' ? [] : [`Measured${earlier(compile)}.`]),
      '',
      '| models | files | MB | cold | models/s (cold) | µs per model (cold) | peak RSS (cold) | warm (nothing changed) | one model changed | peak RSS (one changed) | load |',
      '|---:|---:|---:|---|---:|---:|---|---|---|---|---|',
    );
    for (const entry of compile.sizes) {
      out(
        `| ${thousands(entry.models)} | ${thousands(entry.files)} | ${entry.megabytes} | ${triple(entry.cold, ms)} | ${thousands(entry.modelsPerSecondCold)} | ${thousands(Math.round((entry.cold.median * 1000) / entry.models))} | ${entry.coldRssMiB.median.toFixed(0)} MiB | ${triple(entry.warm, ms)} | ${entry.changed ? triple(entry.changed, ms) : 'not measured'} | ${entry.changedRssMiB ? `${entry.changedRssMiB.median.toFixed(0)} MiB` : ''} | ${entry.load.join(' → ')} |`,
      );
    }
    out('');
    const phased = compile.sizes.filter((entry) => entry.coldPhases !== undefined && entry.coldPhases.length > 0);
    if (phased.length > 0) {
      out(
        "### Where a cold compile's time goes",
        '',
        'Median seconds of each phase of the cold compiles above, from the `target/perf_info.json` that',
        "`tsdbt compile --write-perf-info` writes (the first phase runs from the process's start to the command's",
        "first step: Node's start and loading tsdbt's modules). The rest of the wall time is the process's exit.",
        '',
        `| phase | ${phased.map((entry) => `${thousands(entry.models)} models`).join(' | ')} | µs per model at ${thousands(phased.at(-1)!.models)} |`,
        `|---|${phased.map(() => '---:').join('|')}|---:|`,
      );
      const last = phased.at(-1)!;
      for (const [i, phase] of phased[0]!.coldPhases!.entries()) {
        out(
          `| ${phase.name} | ${phased.map((entry) => (entry.coldPhases![i]?.seconds ?? 0).toFixed(3)).join(' | ')} | ${thousands(Math.round(((last.coldPhases![i]?.seconds ?? 0) * 1e6) / last.models))} |`,
        );
      }
      const total = (entry: CompileSize) => entry.coldPhases!.reduce((sum, phase) => sum + phase.seconds, 0);
      out(
        `| **sum of the medians** | ${phased.map((entry) => `**${total(entry).toFixed(3)}**`).join(' | ')} | **${thousands(Math.round((total(last) * 1e6) / last.models))}** |`,
      );
      out('');
    }
  }

  if (checked && checked.quick !== true) renderCheck(out, checked.sizes, checked.finishedAt);

  out(`## Compile side by side with Dataform${earlier(dataform)}`, '');
  if (dataform?.available) {
    out(
      'The same graph as SQLX for `dataform compile --json` (refs, the loops through JS includes, the tests as',
      '`uniqueKey`/`nonNull`/`rowConditions` assertions), Dataform first then tsdbt (cold), alternately.',
      '',
      '| models | Dataform actions | Dataform | tsdbt (cold) | ratio | load |',
      '|---:|---:|---|---|---:|---|',
    );
    for (const entry of dataform.sizes) {
      out(
        `| ${thousands(entry.models)} | ${thousands(entry.actions)} | ${triple(entry.dataform, ms)} | ${triple(entry.tsdbt, ms)} | ${entry.ratio}× | ${entry.load.join(' → ')} |`,
      );
    }
  } else {
    out(`Not measured: ${dataform?.reason ?? 'the benchmark did not run'}.`);
  }
  out('');

  if (overhead) {
    out(
      `## \`tsdbt run\` overhead${earlier(overhead)}`,
      '',
      `A ${overhead.models}-model generated project built on chDB from a copy of the same database (landing tables only):`,
      '`tsdbt run`, against the statements that run sent (read from its JSON debug log) sent by a script with',
      `@clickhouse/client, one at a time (bench/exec-statements.ts; ${thousands(overhead.statements)} statements). Both are whole processes.`,
      '',
      '| | wall | ratio |',
      '|---|---|---:|',
      `| statements sent directly (baseline) | ${triple(overhead.baseline, ms)} | 1 |`,
      `| \`tsdbt run --threads 1\` (fresh copy: no target/) | ${triple(overhead.tsdbtThreads1, ms)} | ${overhead.ratio}× |`,
      `| \`tsdbt run --threads 1\` (target/ of an earlier run kept: partial parsing) | ${triple(overhead.tsdbtThreads1Warm, ms)} | ${(overhead.tsdbtThreads1Warm.median / overhead.baseline.median).toFixed(2)}× |`,
      `| \`tsdbt run --threads 4\` | ${triple(overhead.tsdbtThreads4, ms)} | ${(overhead.tsdbtThreads4.median / overhead.baseline.median).toFixed(2)}× |`,
      '',
      `Load: ${overhead.load.join(' → ')}.`,
      '',
    );
  }

  if (threads) {
    out(
      `## Parallelism${earlier(threads)}`,
      '',
      `${threads.levels} levels of two heavy table models (a CPU-bound scan of \`numbers()\` with \`max_threads = 1\`, no`,
      'sleep) that each depend on both heavy models of the level before, and six light views per level',
      `(${threads.models} models). Costs are each model's build time in a \`--threads 1\` run; the critical path is the`,
      'longest path through the graph with those costs; the figure is the elapsed time of the `--threads 8` run',
      '(run_results.json, first node to last).',
      '',
      '| engine | rows per heavy model | heavy model | critical path | all the work | `--threads 8` | ratio | process |',
      '|---|---:|---|---:|---:|---|---:|---|',
    );
    for (const engine of threads.engines) {
      out(
        `| ${engine.engine}${engine.version ? ` ${engine.version}` : ''} | ${thousands(engine.rows)} | ${triple(engine.heavyModelSeconds, seconds)} | ${seconds(engine.criticalPathSeconds)} | ${seconds(engine.totalWorkSeconds)} | ${triple(engine.threads8, seconds)} | ${engine.ratio}× | ${triple(engine.threads8Process, seconds)} |`,
      );
    }
    for (const skipped of threads.skipped) out('', `Not measured: ${skipped}.`);
    out('', `Load: ${threads.load.join(' → ')}.`, '');
  }

  if (ingest) {
    out(
      `## Ingest${earlier(ingest)}`,
      '',
      `One reply of ${thousands(ingest.payloads)} elements (${ingest.replyMegabytes} MB of JSON, served on 127.0.0.1 by the benchmark),`,
      'landed by `tsdbt ingest` (`format: json_each`: validated, one row per element with its sha256, duplicates',
      'checked, one INSERT), against bench/raw-insert.ts: fetch, the same rows, the same table, one `client.insert`.',
      'Both on a fresh chDB folder, whole processes; the first round checks both tables hold the same hashes.',
      '',
      '| | wall | rows/s |',
      '|---|---|---:|',
      `| raw client insert | ${triple(ingest.raw, ms)} | ${thousands(ingest.rawRowsPerSecond)} |`,
      `| \`tsdbt ingest\` | ${triple(ingest.tsdbt, ms)} | ${thousands(ingest.tsdbtRowsPerSecond)} |`,
      '',
      `tsdbt's throughput is ${ingest.ratio}× the raw insert's. Load: ${ingest.load.join(' → ')}.`,
      '',
    );
  }

  if (startup) {
    out(
      '## CLI start',
      '',
      '| command | wall |',
      '|---|---|',
      `| \`node -e 0\` (Node alone) | ${triple(startup.node, ms)} |`,
      `| \`tsdbt --version\` | ${triple(startup.version, ms)} |`,
      `| \`tsdbt --help\` | ${triple(startup.help, ms)} |`,
      ...(startup.ls ? [`| \`tsdbt ls\` (example project${startup.lsCompiled ? ', never compiled' : ''}) | ${triple(startup.ls, ms)} |`] : []),
      ...(startup.lsCompiled ? [`| \`tsdbt ls\` (example project, after a compile) | ${triple(startup.lsCompiled, ms)} |`] : []),
      '',
      `Load: ${startup.load.join(' → ')}.`,
      '',
    );
  }

  const notes = path.join(REPO, 'bench', 'notes.md');
  if (existsSync(notes)) out(readFileSync(notes, 'utf8').trimEnd(), '');
  if (run?.failures.length) out(`**Failed in this run:** ${run.failures.join(', ')}.`, '');
  return `${lines.join('\n')}\n`;
}

export function writeReport(): string {
  const file = path.join(REPO, 'BENCHMARKS.md');
  writeFileSync(file, renderReport());
  return file;
}

if (process.argv[1]?.endsWith('report.js')) process.stdout.write(`wrote ${path.relative(process.cwd(), writeReport())}\n`);

/** `tsdbt check` at each size, with the compile of the same project timed in the same run. */
function renderCheck(out: (...text: string[]) => void, sizes: CheckSize[], finishedAt: string | undefined): void {
  out(
    '## Check: how cost grows',
    '',
    '`tsdbt check` from the CLI (bench/check.ts), with its default `--threads` (one per core): every model compiled,',
    'analyzed once in a scratch chDB session (`EXPLAIN QUERY TREE`: names, functions and types resolved against its',
    "parents' shadows, its columns and their lineage read off the tree) and shadowed by an empty Memory table with those",
    'columns. The generated sources are given their three typed columns so that every model can be checked.',
    '`tsdbt compile` of the same project is timed in the same run: **beyond compile** is',
    'models / (check − compile), the rate of the analysis itself.',
    '',
    '| models | check | models/s | beyond compile (models/s) | compile | peak RSS | columns with lineage | load |',
    '|---:|---|---:|---:|---|---|---:|---|',
  );
  for (const entry of sizes) {
    out(
      `| ${thousands(entry.models)} | ${triple(entry.check, ms)} | ${thousands(entry.modelsPerSecond)} | ${thousands(entry.modelsPerSecondBeyondCompile)} | ${triple(entry.compile, ms)} | ${entry.checkRssMiB.median.toFixed(0)} MiB | ${thousands(entry.columnsWithLineage)} | ${entry.load.join(' → ')} |`,
    );
  }
  out(
    '',
    `Measured in one run of \`node bench/.build/check.js\`${finishedAt === undefined ? '' : ` (finished ${finishedAt})`}, on the shared 2-core machine while`,
    'other work ran on it (the load column: a load of 12 on 2 cores leaves this process a fraction of one core). The',
    'figures are wall times, so they mostly measure the share of the CPU the check got; the ratio between sizes moves less.',
    '',
  );
}
