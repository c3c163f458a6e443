/**
 * Same output, side by side: a cold `tsdbt compile` of the bench's generated project by another
 * checkout's build (BASE, a folder holding bin/tsdbt and dist/) and by this one, alternated on one
 * copy of the project (target/ moved aside before each), and every file of the two target/
 * folders compared. Only what differs from one run to the next is
 * left out: generated_at, invocation_id and created_at in manifest.json, the build stamps and
 * file times in compile_stamps.json and compile_index.json (and manifest.json's size and the
 * offsets of entries in it, which follow created_at's digits), partial_parse.json's fingerprint
 * (it includes the build's time), template_cache.json's compiler stamp (the same) and perf_info.json's timings. Also prints each run's wall time
 * and peak RSS.
 *
 *   node bench/.build/compare-compile.js /work/main [models=10000] [runs=1]
 *
 * Exits 1 when any file differs (the first difference of each is printed).
 */
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { generateProject, writeFiles } from './generate.js';
import { check, cleanup, load1, log, REPO, runNode, tempDir } from './lib.js';

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}

/** A column as a plain array (the columns file reads back float64 arrays). */
type Column = { files: (string | number)[]; sizes: ArrayLike<number>; mtimes: ArrayLike<number> };

/**
 * compile_stamps.json in one form whatever its format: the record with its columns (in the file
 * itself up to format 2, in compile_stamps.bin beside it since format 3, read with this build's
 * reader), compiled files by path, without its format, build, ids and output times.
 */
function comparableStamps(text: string, bin: ((id: string) => { inputs: Column; outputs: Column; compiled: Column } | undefined) | undefined): string {
  const record = JSON.parse(text) as Record<string, unknown> & { inputs?: Column; outputs?: Column; compiled?: Column & { newline?: string } };
  const { format: _format, build: _build, columnsId, newline, ...rest } = record;
  const columns = typeof columnsId === 'string' ? bin?.(columnsId) : { inputs: record.inputs!, outputs: record.outputs!, compiled: record.compiled! };
  if (columns === undefined) return `unreadable columns: ${text}`;
  const plain = (column: Column, times: boolean) => {
    const files = column.files.map((file) => (typeof file === 'number' ? columns.inputs.files[file] : file));
    // manifest.json's size follows its created_at values' digits, compared masked in the file itself.
    const sizes = Array.from(column.sizes, (size, index) => (files[index] === 'manifest.json' ? 0 : size));
    return { files, sizes, mtimes: Array.from(column.mtimes, (time) => (times ? time : 0)) };
  };
  const whole: Record<string, unknown> = {
    ...rest,
    // The sums file's id is a hash of the sums (the same for the same files); the columns' is not (output times).
    inputs: plain(columns.inputs, true),
    outputs: plain(columns.outputs, false),
    compiled: { ...plain(columns.compiled, false), newline: newline ?? record.compiled?.newline },
  };
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(whole)
        .sort()
        .map((key) => [key, whole[key]]),
    ),
  );
}

/** This build's reader of compile_stamps.bin (dist/tasks/compile-columns.js), for the columns of `dir`. */
async function columnsReader(dir: string): Promise<(id: string) => { inputs: Column; outputs: Column; compiled: Column } | undefined> {
  const reader = (await import(path.join(REPO, 'dist', 'tasks', 'compile-columns.js'))) as {
    readColumns: (file: string, id: string) => { inputs: Column; outputs: Column; compiled: Column } | undefined;
  };
  return (id) => reader.readColumns(path.join(dir, 'compile_stamps.bin'), id);
}

/** The text of a target file with what changes from run to run taken out. */
function comparable(file: string, text: string, bin?: (id: string) => { inputs: Column; outputs: Column; compiled: Column } | undefined): string {
  if (file === 'manifest.json') {
    return text
      .replace(/"generated_at":"[^"]*"/g, '"generated_at":""')
      .replace(/"invocation_id":"[^"]*"/g, '"invocation_id":""')
      .replace(/"created_at":[0-9.e+]+/g, '"created_at":0');
  }
  if (file === 'partial_parse.json') return text.replace(/"fingerprint":"[0-9a-f]+"/, '"fingerprint":""');
  if (file === 'compile_stamps.json') return comparableStamps(text, bin);
  if (file === 'compile_index.json') {
    const index = JSON.parse(text) as { build: string; manifest: { size: number; mtimeMs: number }; offsets?: unknown[] };
    index.build = '';
    // As in compile_stamps.json: the manifest's size, and the offsets of entries in it, follow created_at's digits.
    index.manifest.size = 0;
    index.manifest.mtimeMs = 0;
    if (Array.isArray(index.offsets)) index.offsets = [index.offsets.length];
    return JSON.stringify(index);
  }
  // The build's stamp (its version and build time), which two builds never share.
  if (file === 'template_cache.json') return text.replace(/"compiler":"(?:[^"\\]|\\.)*"/, '"compiler":""');
  if (file === 'perf_info.json') return JSON.stringify((JSON.parse(text) as { phases: { name: string }[] }).phases.map((phase) => phase.name));
  return text;
}

/**
 * The differences between two target folders (empty when they hold the same). compile_stamps.bin
 * is compared as part of compile_stamps.json (a build before it kept the columns in the record).
 */
export async function targetDifferences(a: string, b: string): Promise<string[]> {
  const columnsFile = (file: string) => file === 'compile_stamps.bin';
  const left = filesUnder(a).filter((file) => !columnsFile(file));
  const right = filesUnder(b).filter((file) => !columnsFile(file));
  const binOf = { [a]: await columnsReader(a), [b]: await columnsReader(b) };
  const out: string[] = [];
  const only = (xs: string[], ys: string[]) => xs.filter((file) => !ys.includes(file));
  if (left.join('\n') !== right.join('\n'))
    out.push(`files differ: only in ${a}: ${only(left, right).slice(0, 5)}; only in ${b}: ${only(right, left).slice(0, 5)}`);
  for (const file of left.filter((name) => right.includes(name))) {
    const x = readFileSync(path.join(a, file), 'utf8');
    const y = readFileSync(path.join(b, file), 'utf8');
    if (x === y) continue;
    const cx = comparable(file, x, binOf[a]);
    const cy = comparable(file, y, binOf[b]);
    if (cx === cy) continue;
    let at = 0;
    while (cx[at] === cy[at]) at += 1;
    out.push(
      `${file} differs at ${at}: ${JSON.stringify(cx.slice(Math.max(0, at - 60), at + 60))} against ${JSON.stringify(cy.slice(Math.max(0, at - 60), at + 60))}`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const base = path.resolve(process.argv[2] ?? '/work/main');
  const models = Number(process.argv[3] ?? 10000);
  const runs = Number(process.argv[4] ?? 1);
  const builds: [string, string][] = [
    ['base', base],
    ['this', REPO],
  ];
  // One project for both builds: compile_stamps.json names the project's folder.
  const dir = tempDir('compare');
  writeFiles(dir, generateProject({ models }).files);
  // A compile records no stamps for files changed less than a second before it started
  // (src/tasks/compile-record.ts): the first run would differ from the others by that file.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const target = path.join(dir, 'target');
  const aside = tempDir('compare-aside');
  let failed = false;
  for (let run = 1; run <= runs; run += 1) {
    const made = new Map<string, string>();
    for (const [name, root] of builds) {
      // Moved aside, not deleted (see moveAside in lib.ts): a cold compile, and the output kept.
      if (existsSync(target)) renameSync(target, path.join(aside, `${run}-${made.size}`));
      const load = load1();
      const result = check(await runNode([path.join(root, 'bin', 'tsdbt'), 'compile', '--write-perf-info'], { cwd: dir, rss: true }), `${name}: tsdbt compile`);
      log(
        `run ${run} ${name}: ${(result.wallMs / 1000).toFixed(2)} s, peak RSS ${((result.maxRssKiB ?? 0) / 1024).toFixed(0)} MiB (1-minute load ${load.toFixed(1)})`,
      );
      const kept = path.join(aside, `${run}-${name}`);
      renameSync(target, kept);
      made.set(name, kept);
    }
    const differences = await targetDifferences(made.get('base')!, made.get('this')!);
    for (const difference of differences) log(`  ${difference}`);
    log(differences.length === 0 ? `run ${run}: target/ identical` : `run ${run}: ${differences.length} files differ`);
    failed ||= differences.length > 0;
  }
  cleanup();
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1]?.endsWith('compare-compile.js')) await main();
