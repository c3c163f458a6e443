/**
 * A re-compile with nothing changed, answered without parsing: `tsdbt compile` leaves in
 * `<target-path>/compile_stamps.json` the stamp (size, time, SHA-1) of everything it read and of
 * everything it wrote, the environment variables it read (hashed), and its options. The next
 * `tsdbt compile` with the same options checks those stamps first; when every input and every
 * output is as recorded, the outputs on disk are already what a compile would write, so it
 * writes nothing, says what the recorded one said, and stops (dbt's partial parsing, taken to
 * the whole command). Anything else, and the command compiles as usual.
 *
 * This module is loaded before the compiler, by the CLI, and must stay light: Node built-ins,
 * the project layer's file stamps, nothing that loads nunjucks, YAML or the compile stack.
 * compile-record.ts writes the file.
 */
import path from 'node:path';
import { logInvocationId } from '../core/log-invocation-id.js';
import { sha1Hex } from '../core/sha1.js';
import {
  checksumOfFile,
  listFilesUnder,
  matchesStamp,
  readTextFile,
  sameFolders,
  stampSum,
  statOf,
  type FileStamp,
  type FolderStamp,
} from '../project/file-stamps.js';
import { statEachUnder } from '../project/stat-from-inside.js';
import { buildStamp } from '../version.js';
import { RecordedSums, SUMS_FILE, type PatchedSums } from './compile-sums.js';
import { COLUMNS_FILE, columnsBytes, readColumns, type Columns } from './compile-columns.js';
import { writeJsonFile } from '../artifacts/json-file.js';
import { writeFileAtomically } from '../core/atomic-file.js';
import { PhaseTimer } from '../compile/perf-info.js';
import type { CompileOptions } from './compile.js';
import type { Invocation } from './invocation.js';

export const STAMPS_FILE = 'compile_stamps.json';
const FORMAT = 3;

/** The names of a project file, in the order findProject tries them (config/project-config.ts; a test checks they agree). */
export const PROJECT_FILES = ['project.yml', 'dbt_project.yml'] as const;

export interface CompileStamps {
  format: number;
  /** tsdbt's version and build: another tsdbt may compile differently. */
  build: string;
  /** The folder the command started from and its options (stableJson). */
  key: string;
  /** Every environment variable read, and every TSDBT_* / DBT_* one: name → SHA-1 of the value (never the value), null when unset, SECRET_DIGEST for a secret. */
  env: Record<string, string | null>;
  projectDir: string;
  projectName: string;
  targetPath: string;
  logPath: string;
  /** Files looked for outside the walked folders (project file, profiles.yml candidates, selectors.yml…), by absolute path. */
  files: Record<string, FileStamp>;
  /** The project's *-paths folders, walked whole: every file under them (`inputs`), by path relative to the project. */
  roots: string[];
  /**
   * The stamp of every folder walked under `roots` (file-stamps.ts' listFilesUnder): while they
   * hold, the files under the roots are `inputs.files`, and the check reads no folder. Absent when
   * a folder had changed less than a second before it was read.
   */
  folders?: Record<string, FolderStamp>;
  /** The files under `roots` (the columns are kept in compile_stamps.bin, compile-columns.ts). */
  inputs: Columns;
  /** What the compile wrote besides the compiled files (manifest.json…), relative to the target folder. */
  outputs: Columns;
  /**
   * The compiled nodes in selection order: their files (the output is `compiled/<project>/<file>`
   * in the target folder) and, by a `1` at their index in `newline`, those whose output got a
   * newline added at its end.
   */
  compiled: Columns & { newline: string };
  /**
   * The SHA-1 of each input (their bytes) and of each compiled file (the text written: a compile
   * does not write again a file that still holds what it would write), kept in compile_sums.json.
   */
  sums: RecordedSums;
  /** What the compile said (`invocation.log.info`/`warn`), in order, said again by the next. */
  said: ['info' | 'warn', string][];
  /**
   * How many of the first lines of `said` parsing the project said (its warnings), before
   * selection and rendering said theirs: what `tsdbt ls` answered from the record says again.
   */
  parseSaid?: number;
  /**
   * Whether the target has a secret (a server's password; never the secret itself): output read
   * back from the record cannot redact what it does not know, so `tsdbt ls` then parses.
   */
  targetSecret?: boolean;
}

/**
 * compile_stamps.json as written: the sums in a file of their own (compile-sums.ts), and the
 * columns (every path, size and time) in another, compile_stamps.bin (compile-columns.ts), each
 * named by its id.
 */
interface StampsFile extends Omit<CompileStamps, 'sums' | 'inputs' | 'outputs' | 'compiled'> {
  sumsId: string;
  patchedSums?: PatchedSums;
  columnsId: string;
  /** `compiled.newline`. */
  newline: string;
}

/** What an up-to-date compile answers instead of compiling. */
export interface UpToDateCompile {
  projectDir: string;
  targetPath: string;
  logPath: string;
  said: ['info' | 'warn', string][];
  /** Files checked under the project's folders. */
  inputCount: number;
  /** The compiled nodes in selection order; `sql` read back only when asked for (`--select`). */
  compiled: { file: string; sql: string | undefined }[];
}

/** False when the command's result may depend on more than files, environment and options. */
export function stampable(options: CompileOptions, env: NodeJS.ProcessEnv): boolean {
  if (env.TSDBT_PARTIAL_PARSE === '0') return false;
  return options.inline === undefined && options.state === undefined && options.defer !== true && options.favorState !== true && options.ids === undefined;
}

/** No selection: every model compiled (what a re-compile of one changed model can patch). Here, not in compile.ts, so that the patch loads no selection or state code. */
export function wholeProject(options: CompileOptions): boolean {
  return options.select === undefined && options.models === undefined && options.selector === undefined && options.exclude === undefined;
}

/** The key of a command: where it started and its options (without --write-perf-info, which changes no output). */
export function stampKey(options: CompileOptions, startDir: string): string {
  const { writePerfInfo: _ignored, ...rest } = options;
  return stableJson({ startDir, options: rest });
}

/** The names of the environment variables that set up tsdbt (and dbt's), which some modules read from process.env directly. */
export function ownEnvNames(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env).filter((name) => name.startsWith('TSDBT_') || name.startsWith('DBT_'));
}

/** Recorded for a variable holding a secret (its name says so, or it is the profile's password): compared by presence only. */
export const SECRET_DIGEST = 'secret';

export function envDigest(value: string | undefined): string | null {
  // sha1Hex: node:crypto's SHA-1, without loading node:crypto on the fast paths (a test checks they agree).
  return value === undefined ? null : sha1Hex(value);
}

export function stampFormat(): number {
  return FORMAT;
}

/** The record, and the files under the project's folders whose contents changed since (indexes in `stamps.inputs`). */
export interface StampCheck {
  stamps: CompileStamps;
  changed: number[];
  /** When the check had to read the folders (their stamps no longer held): their stamps then, for the next record, or null when too recent to vouch for. */
  folders?: Record<string, FolderStamp> | null;
}

/**
 * `tsdbt compile` answered from the record when nothing changed: says again what the recorded
 * compile said, writes only perf_info.json when asked for it. Otherwise `reused` is undefined,
 * and `changed` is the record when only the contents of files under the project's folders
 * changed (for compile-patch.ts, which may patch the last compile's output instead of compiling).
 */
export function reuseCompile(invocation: Invocation, options: CompileOptions): { reused?: UpToDateCompile; changed?: StampCheck } {
  const timer = options.writePerfInfo === true ? new PhaseTimer() : undefined;
  const checked = checkStamps(options, invocation.env, process.cwd(), true);
  if (checked === undefined) return {};
  if (checked.changed.length > 0) return { changed: checked };
  const found = upToDate(checked.stamps, options);
  invocation.events.projectReused?.({ dir: found.projectDir, invocationId: logInvocationId(), config: { logPath: found.logPath } });
  for (const [level, text] of found.said) invocation.log[level](text);
  if (timer !== undefined) {
    timer.mark('nothing changed (file stamps checked)');
    timer.partialParse = true;
    timer.pathCount = found.inputCount;
    timer.reusedPathCount = found.inputCount;
    writeJsonFile(path.resolve(found.projectDir, found.targetPath, 'perf_info.json'), timer.info());
  }
  return { reused: found };
}

/**
 * The recorded compile, when nothing it read or wrote has changed since; undefined otherwise
 * (or when there is no record, or it is unreadable: then the command compiles).
 */
export function upToDateCompile(options: CompileOptions, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): UpToDateCompile | undefined {
  const checked = checkStamps(options, env, cwd, false);
  return checked === undefined ? undefined : upToDate(checked.stamps, options);
}

/** What the recorded compile answers (the compiled files read back when the command prints them). */
function upToDate(stamps: CompileStamps, options: CompileOptions): UpToDateCompile {
  return recordedAnswer(stamps, options.select !== undefined || options.models !== undefined || options.selector !== undefined);
}

/** The answer a compile record gives: where it wrote, what it said, and its compiled files (read back when `printing`). */
export function recordedAnswer(stamps: CompileStamps, printing: boolean): UpToDateCompile {
  const compiledPrefix = compiledPrefixOf(stamps);
  return {
    projectDir: stamps.projectDir,
    targetPath: stamps.targetPath,
    logPath: stamps.logPath,
    said: stamps.said,
    inputCount: stamps.inputs.files.length,
    compiled: stamps.compiled.files.map((file, index) => ({
      file,
      sql: printing ? readBack(compiledPrefix + file, stamps.compiled.newline[index] === '1') : undefined,
    })),
  };
}

/**
 * The record, when everything it vouches for still holds but the contents of some of the files
 * under the project's folders (`changed`: their indexes in `stamps.inputs`); with
 * `allowChanged` false, only when none changed. Undefined when anything else differs: another
 * build, options, environment, project or profile file, a file added or gone, an output touched.
 */
export function checkStamps(options: CompileOptions, env: NodeJS.ProcessEnv, cwd: string, allowChanged: boolean): StampCheck | undefined {
  if (!stampable(options, env)) return undefined;
  const startDir = path.resolve(cwd, options.projectDir ?? '.');
  return checkRecord(startDir, env, (key) => key === stampKey(options, startDir), allowChanged);
}

/** The options of a compile that decide what parsing the project gives (the rest only choose what is compiled and printed). */
const PARSE_OPTIONS = ['projectDir', 'profilesDir', 'target', 'vars'] as const;
/** Options a stamped compile may have besides those: its selection, which leaves the parse and the manifest's entries alone (but their compiled SQL). */
const SELECTION_OPTIONS = new Set(['select', 'models', 'exclude', 'selector', 'failOnEmptySelection']);

/**
 * The record of the last compile when it vouches that its target/manifest.json describes what
 * parsing the project now would: run from the same folder with the same `options` (--project-dir,
 * --profiles-dir, --target, --vars; its --select may have been any), and every file, environment
 * variable and output it recorded as it was, none changed. Undefined otherwise. For commands that
 * only read the project's nodes (`tsdbt ls`): the manifest's compiled SQL is the compile's own.
 */
export function parseRecord(
  options: Pick<CompileOptions, (typeof PARSE_OPTIONS)[number]>,
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): CompileStamps | undefined {
  if (env.TSDBT_PARTIAL_PARSE === '0') return undefined;
  const startDir = path.resolve(cwd, options.projectDir ?? '.');
  const sameParse = (key: string): boolean => {
    let recorded: { startDir?: unknown; options?: Record<string, unknown> };
    try {
      recorded = JSON.parse(key) as typeof recorded;
    } catch {
      return false;
    }
    const given = recorded.options;
    if (recorded.startDir !== startDir || typeof given !== 'object' || given === null) return false;
    if (Object.keys(given).some((name) => !SELECTION_OPTIONS.has(name) && !(PARSE_OPTIONS as readonly string[]).includes(name))) return false;
    return PARSE_OPTIONS.every((name) => stableJson(given[name]) === stableJson(options[name]));
  };
  return checkRecord(startDir, env, sameParse, false)?.stamps;
}

/** checkStamps for a record whose key `keyHolds`. */
function checkRecord(startDir: string, env: NodeJS.ProcessEnv, keyHolds: (key: string) => boolean, allowChanged: boolean): StampCheck | undefined {
  const located = locateStamps(startDir);
  if (located === undefined) return undefined;
  const stamps = readStamps(located);
  if (stamps === undefined || stamps.format !== FORMAT || stamps.build !== buildStamp() || !keyHolds(stamps.key)) return undefined;
  if (!sameEnv(stamps.env, env)) return undefined;
  for (const [file, stamp] of Object.entries(stamps.files)) if (!matchesStamp(file, stamp)) return undefined;
  const inputs = stamps.inputs;
  // Folders whose stamps hold list the same files (a file's contents are checked below): no folder is read.
  const listed =
    stamps.folders !== undefined && sameFolders(stamps.projectDir, stamps.folders)
      ? undefined
      : listFilesUnder(stamps.projectDir, stamps.roots, Date.now() - 1000);
  const now = listed?.files ?? inputs.files;
  if (now.length !== inputs.files.length) return undefined;
  for (let index = 0; index < now.length; index += 1) if (now[index] !== inputs.files[index]) return undefined;
  const projectPrefix = `${stamps.projectDir}${path.sep}`;
  const changed: number[] = [];
  const inputsHold = statEachUnder(stamps.projectDir, now, (index, stats) => {
    // Only a time that moved with the same size needs the checksum (a checkout, a `touch`).
    const same =
      stats !== undefined &&
      stats.size === inputs.sizes[index] &&
      (stats.mtimeMs === inputs.mtimes[index] || (stamps.sums.input(index) ?? '') === checksumOfFile(projectPrefix + now[index]));
    if (!same) changed.push(index);
    return same || allowChanged;
  });
  if (!inputsHold) return undefined;
  const targetDir = path.resolve(stamps.projectDir, stamps.targetPath);
  if (!sameStats(targetDir, stamps.outputs) || !sameStats(compiledFolderOf(stamps), stamps.compiled)) return undefined;
  return { stamps, changed, ...(listed === undefined ? {} : { folders: listed.folders ?? null }) };
}

/** Where the record's compiled files are: `<target>/compiled/<project>/` (followed by each node's file). */
export function compiledPrefixOf(stamps: Pick<CompileStamps, 'projectDir' | 'targetPath' | 'projectName'>): string {
  return `${compiledFolderOf(stamps)}${path.sep}`;
}

/** `<target>/compiled/<project>`: the folder of the record's compiled files. */
function compiledFolderOf(stamps: Pick<CompileStamps, 'projectDir' | 'targetPath' | 'projectName'>): string {
  return `${path.resolve(stamps.projectDir, stamps.targetPath)}${path.sep}compiled${path.sep}${stamps.projectName}`;
}

/**
 * The record's path: the project file is looked for as findProject does, and the target folder
 * read from a plain `target-path:` line of it (any other form: no fast path). The record itself
 * holds the stamp of the project file, so a wrong guess here is never trusted.
 */
function locateStamps(startDir: string): string | undefined {
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    for (const name of PROJECT_FILES) {
      const file = path.join(dir, name);
      if (statOf(file) === undefined) continue;
      const text = readTextFile(file);
      if (text === undefined) return undefined;
      const targetPath = targetPathOf(text);
      return targetPath === undefined ? undefined : path.resolve(dir, targetPath, STAMPS_FILE);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** `target-path` of a project file's text: `target` when absent, undefined when not a plain value. */
export function targetPathOf(text: string): string | undefined {
  const lines = text.split('\n').filter((line) => /^["']?target-path["']?\s*:/.test(line));
  if (lines.length === 0) return 'target';
  const plain = /^["']?target-path["']?\s*:\s*(["']?)([\w./-]+)\1\s*(#.*)?$/.exec(lines[0]!.trimEnd());
  return lines.length === 1 && plain !== null ? plain[2] : undefined;
}

function sameStats(folder: string, columns: Columns): boolean {
  return statEachUnder(
    folder,
    columns.files,
    (index, stats) => stats !== undefined && stats.size === columns.sizes[index] && stats.mtimeMs === columns.mtimes[index],
  );
}

function sameEnv(recorded: Record<string, string | null>, env: NodeJS.ProcessEnv): boolean {
  for (const name of ownEnvNames(env)) if (!(name in recorded)) return false;
  for (const [name, digest] of Object.entries(recorded)) {
    if (digest === SECRET_DIGEST ? env[name] === undefined : envDigest(env[name]) !== digest) return false;
  }
  return true;
}

function readBack(file: string, addedNewline: boolean): string | undefined {
  const text = readTextFile(file);
  return text !== undefined && addedNewline ? text.slice(0, -1) : text;
}

/** The record in `file`, or undefined when there is none or it is unreadable. */
export function readStamps(file: string): CompileStamps | undefined {
  const text = readTextFile(file);
  if (text === undefined) return undefined;
  try {
    const written = JSON.parse(text) as StampsFile;
    if (written.format !== FORMAT) return undefined;
    const { sumsId, patchedSums, columnsId, newline, ...rest } = written;
    // Without the sums a patch took, a file patched and then set back would match its old sum.
    if (patchedSums !== undefined && !isPatchedSums(patchedSums)) return undefined;
    const columns = readColumns(path.join(path.dirname(file), COLUMNS_FILE), columnsId);
    if (columns === undefined || typeof newline !== 'string' || newline.length !== columns.compiled.files.length) return undefined;
    return {
      ...rest,
      inputs: columns.inputs,
      outputs: columns.outputs,
      compiled: { ...columns.compiled, newline },
      sums: new RecordedSums(path.join(path.dirname(file), SUMS_FILE), sumsId, patchedSums),
    };
  } catch {
    return undefined; // not JSON, or not a record's shape (cut short, edited): the command compiles
  }
}

function isPatchedSums(value: unknown): value is PatchedSums {
  const sums = value as Partial<PatchedSums> | null;
  return (
    typeof sums === 'object' &&
    sums !== null &&
    typeof sums.inputs === 'object' &&
    sums.inputs !== null &&
    typeof sums.compiled === 'object' &&
    sums.compiled !== null
  );
}

/**
 * Writes the record to `<target>/compile_stamps.json`, its columns to compile_stamps.bin first
 * (a record is trusted only with the columns file it names; the sums file it names is written
 * apart, before it).
 */
export function writeStamps(targetDir: string, stamps: CompileStamps): void {
  const { sums, inputs, outputs, compiled, ...rest } = stamps;
  const columns = columnsBytes({ inputs, outputs, compiled }, stampSum);
  writeFileAtomically(path.join(targetDir, COLUMNS_FILE), columns.bytes);
  const written: StampsFile = {
    ...rest,
    sumsId: sums.id,
    ...(Object.keys(sums.patched.inputs).length + Object.keys(sums.patched.compiled).length > 0 ? { patchedSums: sums.patched } : {}),
    columnsId: columns.id,
    newline: compiled.newline,
  };
  writeJsonFile(path.join(targetDir, STAMPS_FILE), written);
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
