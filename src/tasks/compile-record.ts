/**
 * Writes `<target-path>/compile_stamps.json` after a compile (see compile-stamps.ts for what it
 * is for). Nothing is recorded when the compile's outputs may depend on more than its files,
 * environment and options: a render read the clock, the invocation id, `log()`/`print()` or
 * `modules`; the whole environment was listed; a warning holds a secret; or a file it read was
 * changed less than a second before the compile started or while it ran (its stamp could then
 * vouch for text the compile never saw).
 */
import { hash } from 'node:crypto';
import path from 'node:path';
import { writeFileAtomically } from '../core/atomic-file.js';
import type { Project } from '../compile/load-project.js';
import { PROJECT_FILE_NAMES } from '../config/project-config.js';
import { profileSearchPath } from '../config/profiles.js';
import { secretsOf } from '../config/target.js';
import { isSecretEnvName, secretEnvValues } from '../template/secret-env.js';
import { listFilesUnder, statOf, stampOf, stampSum, type FileStamp } from '../project/file-stamps.js';
import { sourceFolders } from '../project/project-paths.js';
import { buildStamp } from '../version.js';
import type { CompileOptions } from './compile.js';
import {
  envDigest,
  ownEnvNames,
  readStamps,
  SECRET_DIGEST,
  STAMPS_FILE,
  stampable,
  stampFormat,
  stampKey,
  writeStamps,
  type CompileStamps,
} from './compile-stamps.js';
import { RecordedSums, SUMS_FILE, sumsText, type SumsColumns } from './compile-sums.js';

/** Watched globals whose reads the record covers: env_var through the environment it records, `adapter` answers the same without a server. */
const COVERED_GLOBALS = new Set(['env_var', 'adapter']);

/** An environment that notes which variables are read (a listing of all of them is noted too). */
export class WatchedEnv {
  readonly names = new Set<string>();
  listed = false;
  readonly env: NodeJS.ProcessEnv;

  constructor(base: NodeJS.ProcessEnv) {
    const note = (key: string | symbol) => {
      if (typeof key === 'string') this.names.add(key);
    };
    this.env = new Proxy(base, {
      get: (target, key) => {
        note(key);
        return Reflect.get(target, key);
      },
      has: (target, key) => {
        note(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor: (target, key) => {
        note(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      ownKeys: (target) => {
        this.listed = true;
        return Reflect.ownKeys(target);
      },
    });
  }
}

export interface CompileRecord {
  project: Project;
  options: CompileOptions;
  /** The environment the compile saw (watched). */
  env: WatchedEnv;
  /** Date.now() when the command started. */
  startedAt: number;
  /** What the compile said (info and warning lines), in order. */
  said: readonly ['info' | 'warn', string][];
  /** How many of the first lines of `said` the parse said (its warnings). */
  parseSaid: number;
  compiled: readonly { node: { originalFilePath: string }; sql: string }[];
  /** Size and time of the compiled files this compile wrote, by `originalFilePath`, taken as they were written. */
  writtenStats?: ReadonlyMap<string, { size: number; mtimeMs: number }>;
  cwd?: string;
}

/** Records the compile's stamps, or leaves things as they are when it cannot vouch for them; never fails the command. */
export function recordCompile(record: CompileRecord): void {
  try {
    const taken = stampsOf(record);
    if (taken === undefined) return;
    const targetDir = path.resolve(taken.stamps.projectDir, taken.stamps.targetPath);
    // The sums first: a record is trusted only with the sums file it names.
    writeFileAtomically(path.join(targetDir, SUMS_FILE), sumsText(taken.stamps.sums.id, taken.sums));
    writeStamps(targetDir, taken.stamps);
  } catch {
    // A read-only target folder only costs the next compile its fast path.
  }
}

function stampsOf({
  project,
  options,
  env,
  startedAt,
  said,
  parseSaid,
  compiled,
  writtenStats,
  cwd = process.cwd(),
}: CompileRecord): { stamps: CompileStamps; sums: SumsColumns } | undefined {
  if (!stampable(options, env.env) || env.listed) return undefined;
  if ([...project.engine.watchedReads].some((name) => !COVERED_GLOBALS.has(name))) return undefined;
  const secrets = [...secretsOf(project.target), ...secretEnvValues(process.env)].filter((secret) => secret !== '');
  if (said.some(([, text]) => secrets.some((secret) => text.includes(secret)))) return undefined;
  const startDir = path.resolve(cwd, options.projectDir ?? '.');
  const config = project.config;
  const fresh = (stamp: FileStamp) => stamp === null || stamp[1] < startedAt - 1000;

  const files: Record<string, FileStamp> = {};
  const watched = [
    ...ancestors(startDir, project.dir).flatMap((dir) => PROJECT_FILE_NAMES.map((name) => path.join(dir, name))),
    ...profileSearchPath({ projectDir: project.dir, profilesDir: options.profilesDir, env: env.env }).map((dir) => path.join(dir, 'profiles.yml')),
    ...['selectors.yml', 'packages.yml', 'dependencies.yml', 'package-lock.yml'].map((name) => path.join(project.dir, name)),
  ];
  for (const file of watched) files[file] = stampOf(file);
  const roots = [
    ...new Set([
      ...sourceFolders(config),
      // Installed packages (`tsdbt deps`): their macros and models are compiled too.
      config.packagesInstallPath,
    ]),
  ];
  const listed = listFilesUnder(project.dir, roots, startedAt - 1000);
  const inputs = { files: listed.files, sizes: [] as number[], mtimes: [] as number[] };
  const sums: SumsColumns = { inputs: [], compiled: [] };
  // A model's file is not read again: its text is the node's raw SQL. Only a file older than the
  // compile gets a stamp (`fresh`), so that text is what the file holds now.
  const texts = new Map<string, string>();
  for (const model of project.models.values()) if (model.packageName === config.name) texts.set(model.originalFilePath, model.rawSql);
  for (const file of inputs.files) {
    const stamp = stampOf(path.join(project.dir, file), texts.get(file));
    if (stamp === null || !fresh(stamp)) return undefined;
    inputs.sizes.push(stamp[0]);
    inputs.mtimes.push(stamp[1]);
    sums.inputs.push(stamp[2]);
  }
  if (!Object.values(files).every(fresh)) return undefined;

  const names = new Set([...env.names, ...ownEnvNames(env.env)]);
  const digests: Record<string, string | null> = {};
  for (const name of [...names].sort()) {
    const value = env.env[name];
    // Not even a hash of a secret goes to target/ (a short password's SHA-1 is quickly guessed):
    // secrets never reach what compile writes, so a changed one has nothing to invalidate.
    digests[name] = value !== undefined && (isSecretEnvName(name) || secrets.includes(value)) ? SECRET_DIGEST : envDigest(value);
  }

  const targetDir = path.resolve(project.dir, config.targetPath);
  type BuiltColumns = { files: string[]; sizes: number[]; mtimes: number[] };
  const outputs: BuiltColumns = { files: [], sizes: [], mtimes: [] };
  const compiledFiles: BuiltColumns & { newline: string } = { files: [], sizes: [], mtimes: [], newline: '' };
  const noteOutput = (columns: BuiltColumns, file: string, at: string, known?: { size: number; mtimeMs: number }): boolean => {
    const stats = known ?? statOf(at);
    if (stats === undefined) return false;
    columns.files.push(file);
    columns.sizes.push(stats.size);
    columns.mtimes.push(stats.mtimeMs);
    return true;
  };
  if (!noteOutput(outputs, 'manifest.json', path.join(targetDir, 'manifest.json'))) return undefined;
  noteOutput(outputs, 'partial_parse.json', path.join(targetDir, 'partial_parse.json'));
  const newline: string[] = [];
  for (const { node, sql } of compiled) {
    const file = node.originalFilePath;
    if (!noteOutput(compiledFiles, file, path.join(targetDir, 'compiled', config.name, file), writtenStats?.get(file))) return undefined;
    newline.push(sql.endsWith('\n') ? '0' : '1');
    sums.compiled.push(stampSum(compiledText(sql)));
  }
  compiledFiles.newline = newline.join('');
  const sumsId = hash('sha1', JSON.stringify(sums), 'base64url');
  const stamps: CompileStamps = {
    format: stampFormat(),
    build: buildStamp(),
    key: stampKey(options, startDir),
    env: digests,
    projectDir: project.dir,
    projectName: config.name,
    targetPath: config.targetPath,
    logPath: config.logPath,
    files,
    roots,
    ...(listed.folders === undefined ? {} : { folders: listed.folders }),
    inputs,
    outputs,
    compiled: compiledFiles,
    sums: new RecordedSums(path.join(targetDir, SUMS_FILE), sumsId, undefined, sums),
    said: [...said],
    parseSaid,
    targetSecret: secretsOf(project.target).length > 0,
  };
  return { stamps, sums };
}

/** What target/compiled holds for a node's SQL (writeCompiledSqlFiles ends every file with a newline). */
export function compiledText(sql: string): string {
  return sql.endsWith('\n') ? sql : `${sql}\n`;
}

/**
 * Whether target/compiled already holds `text` for a node's file: the last record saw this text
 * there (same SHA-1), and the file is untouched since (same size and time). Such files are not
 * written again, so a compile after a small change writes only what changed (besides manifest.json).
 */
export function alreadyWritten(project: Project): (file: string, text: string) => boolean {
  const targetDir = path.resolve(project.dir, project.config.targetPath);
  const stamps = readStamps(path.join(targetDir, STAMPS_FILE));
  if (stamps === undefined || stamps.projectName !== project.config.name) return () => false;
  const { compiled, sums } = stamps;
  const index = new Map(compiled.files.map((file, at) => [file, at]));
  const prefix = path.join(targetDir, 'compiled', project.config.name) + path.sep;
  return (file, text) => {
    const at = index.get(file);
    if (at === undefined || sums.compiled(at) !== stampSum(text)) return false;
    const stats = statOf(prefix + file);
    return stats !== undefined && stats.size === compiled.sizes[at] && stats.mtimeMs === compiled.mtimes[at];
  };
}

/** `from` and each folder above it up to `to` (where the project file was found). */
function ancestors(from: string, to: string): string[] {
  const out: string[] = [];
  for (let dir = from; ; dir = path.dirname(dir)) {
    out.push(dir);
    if (dir === to || path.dirname(dir) === dir) return out;
  }
}
