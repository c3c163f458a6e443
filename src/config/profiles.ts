import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ChdbTarget, ClickhouseTarget, Target } from './target.js';
import { Problems, parseYaml, type YamlDocument } from './yaml-document.js';
import { describeType, didYouMean, isPlainObject, type Plain } from './value-checks.js';
import { readRegularProjectFile } from '../core/regular-file.js';

export interface ProfileLookup {
  projectDir: string;
  /** `profile:` from project.yml. */
  profileName: string;
  /** `name:` from project.yml: the database of the built-in embedded target (default: the profile name). */
  projectName?: string | undefined;
  /** `--profiles-dir` */
  profilesDir?: string | undefined;
  /** `--target` */
  targetName?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Renders `{{ env_var(...) }}` and friends inside a profile value. */
  renderValue: (text: string, where: { file: string; line: number | undefined }) => string;
}

export interface ResolvedProfile {
  target: Target;
  /** Where profiles.yml was found, or undefined when the built-in embedded target is used. */
  profilesFile: string | undefined;
  warnings: string[];
}

/**
 * The directories searched for profiles.yml, in order: `--profiles-dir`, `$TSDBT_PROFILES_DIR`,
 * `$DBT_PROFILES_DIR`, the project folder, `~/.tsdbt/`, `~/.dbt/` (where dbt users keep theirs).
 */
export function profileSearchPath(lookup: Pick<ProfileLookup, 'projectDir' | 'profilesDir' | 'env'>): string[] {
  const dirs: string[] = [];
  if (lookup.profilesDir) dirs.push(path.resolve(lookup.profilesDir));
  if (lookup.env.TSDBT_PROFILES_DIR) dirs.push(path.resolve(lookup.env.TSDBT_PROFILES_DIR));
  if (lookup.env.DBT_PROFILES_DIR) dirs.push(path.resolve(lookup.env.DBT_PROFILES_DIR));
  dirs.push(lookup.projectDir);
  // HOME from the env given (process.env by default), so the lookup is testable without touching the real home.
  const home = lookup.env.HOME || os.homedir();
  dirs.push(path.join(home, '.tsdbt'), path.join(home, '.dbt'));
  return [...new Set(dirs)];
}

/** The folder named by `--profiles-dir` or an environment variable, with what named it. */
function explicitProfilesDir(lookup: ProfileLookup): { dir: string; namedBy: string } | undefined {
  if (lookup.profilesDir) return { dir: path.resolve(lookup.profilesDir), namedBy: '--profiles-dir' };
  if (lookup.env.TSDBT_PROFILES_DIR) return { dir: path.resolve(lookup.env.TSDBT_PROFILES_DIR), namedBy: 'TSDBT_PROFILES_DIR' };
  if (lookup.env.DBT_PROFILES_DIR) return { dir: path.resolve(lookup.env.DBT_PROFILES_DIR), namedBy: 'DBT_PROFILES_DIR' };
  return undefined;
}

/** A profiles.yml a user can copy: shown in hints instead of pointing at files they may not have. */
export function profileExample(profileName: string): string {
  return [
    `A profiles.yml for this project looks like this (\`tsdbt init\` writes one too):`,
    `  ${profileName}:`,
    '    target: dev',
    '    outputs:',
    '      dev: {type: chdb}              # embedded ClickHouse under .tsdbt/',
    '      prod: {type: clickhouse, host: db.example.com, port: 8443, secure: true, user: tsdbt, password: "{{ env_var(\'CLICKHOUSE_PASSWORD\') }}"}',
  ].join('\n');
}

export function resolveProfile(lookup: ProfileLookup): ResolvedProfile {
  const searched = profileSearchPath(lookup);
  const explicit = explicitProfilesDir(lookup);
  // A folder that is not there is a typo, not a reason to fall back to the next place in the search path.
  if (explicit !== undefined && !existsSync(explicit.dir)) {
    throw new TsdbtError({
      code: ErrorCodes.PROFILE_NOT_FOUND,
      message: `The folder ${explicit.dir}, given by ${explicit.namedBy}, does not exist.`,
      hint: `Check the path${explicit.namedBy === '--profiles-dir' ? ' (it is relative to the current folder)' : ''}, or unset it to look in the project folder, ~/.tsdbt/ and ~/.dbt/.`,
    });
  }
  const file = (explicit === undefined ? searched : [explicit.dir]).map((dir) => path.join(dir, 'profiles.yml')).find((candidate) => existsSync(candidate));
  if (file === undefined) {
    if (explicit !== undefined) {
      throw new TsdbtError({
        code: ErrorCodes.PROFILE_NOT_FOUND,
        message: `No profiles.yml in ${explicit.dir}, which ${explicit.namedBy} points to.`,
        hint: `Create profiles.yml there, or unset ${explicit.namedBy} to use the embedded engine. ${profileExample(lookup.profileName)}`,
      });
    }
    if (lookup.targetName !== undefined) {
      throw new TsdbtError({
        code: ErrorCodes.TARGET_NOT_FOUND,
        message: `Target '${lookup.targetName}' was asked for, but there is no profiles.yml (searched ${searched.join(', ')}).`,
        hint: `Without --target, tsdbt builds into the embedded engine under .tsdbt/. To define '${lookup.targetName}', create profiles.yml in one of those folders. ${profileExample(lookup.profileName)}`,
      });
    }
    return { target: defaultEmbeddedTarget(lookup.projectDir, lookup.projectName ?? lookup.profileName), profilesFile: undefined, warnings: [] };
  }
  const shown = displayPath(file, lookup.projectDir);
  const doc = parseYaml(readRegularProjectFile(file, shown), shown);
  return { ...targetFromProfiles(doc, lookup, explicit === undefined ? searched : [explicit.dir]), profilesFile: file };
}

/**
 * Said by `debug` and at the start of a run when no profiles.yml was found, so nobody believes they
 * built production when they built a local embedded database.
 */
export function embeddedFallbackNotice(projectDir: string, target: Target, env: NodeJS.ProcessEnv): string {
  const where = target.type === 'chdb' ? displayPath(target.path, projectDir) : target.name;
  return (
    `No profiles.yml found (looked in ${profileSearchPath({ projectDir, env }).join(', ')}), so tsdbt builds into the embedded engine: ` +
    `database '${target.schema}' in ${where}. To build on a server, add a profiles.yml with a \`type: clickhouse\` target (\`tsdbt debug\` checks it).`
  );
}

/** What `tsdbt run` uses when there is no profiles.yml: chDB under .tsdbt/ in the project. */
export function defaultEmbeddedTarget(projectDir: string, schema: string): ChdbTarget {
  return { type: 'chdb', name: 'dev', path: path.join(projectDir, '.tsdbt', 'chdb'), schema, threads: 4, settings: {} };
}

function targetFromProfiles(doc: YamlDocument, lookup: ProfileLookup, searched: string[]): { target: Target; warnings: string[] } {
  const root = doc.value;
  const problems = new Problems(doc, ErrorCodes.CONFIG_INVALID, profileExample(lookup.profileName));
  if (!isPlainObject(root)) {
    problems.add([], `must map profile names to profiles, but it is ${describeType(root)}.`);
    throwIfAny(problems);
  }
  const profiles = root as Plain;
  const profile = profiles[lookup.profileName];
  if (!isPlainObject(profile)) {
    const names = Object.keys(profiles).filter((key) => key !== 'config');
    throw new TsdbtError({
      code: ErrorCodes.PROFILE_NOT_FOUND,
      message: `Profile '${lookup.profileName}' (named by \`profile:\` in the project file) is not in ${doc.file}.${didYouMean(lookup.profileName, names)} tsdbt reads the first profiles.yml found, looking in order at ${searched.map((dir) => path.join(dir, 'profiles.yml')).join(', ')}.`,
      file: doc.file,
      line: 1,
      hint:
        names.length > 0
          ? `Profiles found: ${names.join(', ')}. Rename one, or change \`profile:\` in the project file.`
          : `Add a profile with that name. ${profileExample(lookup.profileName)}`,
    });
  }
  const outputs = profile.outputs;
  if (!isPlainObject(outputs) || Object.keys(outputs).length === 0) {
    problems.add([lookup.profileName, 'outputs'], 'must map target names to connection settings (e.g. `outputs: {dev: {type: chdb}}`).');
    throwIfAny(problems);
  }
  const outputMap = outputs as Plain;
  const named = typeof profile.target === 'number' ? String(profile.target) : profile.target;
  if (named !== undefined && named !== null && typeof named !== 'string') {
    problems.add(
      [lookup.profileName, 'target'],
      `must name one of the targets under \`outputs\` (${Object.keys(outputMap).join(', ')}), but it is ${describeType(profile.target)}.`,
      `For example: \`target: ${Object.keys(outputMap)[0]}\`.`,
    );
    throwIfAny(problems);
  }
  const defaultTarget = typeof named === 'string' ? named : Object.keys(outputMap)[0]!;
  const targetName = lookup.targetName ?? defaultTarget;
  const raw = outputMap[targetName];
  if (!isPlainObject(raw)) {
    throw new TsdbtError({
      code: ErrorCodes.TARGET_NOT_FOUND,
      message: `Target '${targetName}' is not defined under \`${lookup.profileName}.outputs\` in ${doc.file}.${didYouMean(targetName, Object.keys(outputMap))}`,
      file: doc.file,
      line: doc.lineOf([lookup.profileName, 'outputs']),
      hint: `Targets defined: ${Object.keys(outputMap).join(', ')}.`,
    });
  }
  const base = [lookup.profileName, 'outputs', targetName];
  const rendered = renderStrings(raw, (text, key) => lookup.renderValue(text, { file: doc.file, line: doc.lineOf([...base, key]) }));
  const target = validateTarget(rendered, targetName, lookup.projectDir, lookup.profileName, (key, message, hint) =>
    problems.add([...base, ...key], message, hint),
  );
  throwIfAny(problems);
  return { target: target!, warnings: unknownKeyWarnings(raw, targetName, doc, base) };
}

const COMMON_KEYS = ['type', 'schema', 'database', 'threads', 'custom_settings', 'settings'];
const TARGET_KEYS: Record<Target['type'], string[]> = {
  chdb: [...COMMON_KEYS, 'path'],
  clickhouse: [
    ...COMMON_KEYS,
    'url',
    'host',
    'port',
    'secure',
    'verify',
    'ca_cert',
    'user',
    'password',
    'connect_timeout',
    'send_receive_timeout',
    'retries',
    'compression',
    'cluster',
    'database_engine',
  ],
};
/** dbt-clickhouse target keys tsdbt has no use for: accepted without a word, so a dbt profile works as it is. */
const DBT_CLICKHOUSE_KEYS = [
  'driver',
  'cluster_mode',
  'use_lw_deletes',
  'check_exchange',
  'local_suffix',
  'local_db_prefix',
  'allow_automatic_deduplication',
  'tcp_keepalive',
  'sync_request_timeout',
  'compress_block_size',
  'client_name',
  'http_headers',
  'use_default_schema',
  'connect_retries',
];

/** A typo (`clustr:`) would otherwise be ignored in silence: say so, with the likely key. */
function unknownKeyWarnings(raw: Plain, targetName: string, doc: YamlDocument, base: string[]): string[] {
  const known = TARGET_KEYS[raw.type as Target['type']];
  if (known === undefined) return [];
  return Object.keys(raw)
    .filter((key) => !known.includes(key) && !DBT_CLICKHOUSE_KEYS.includes(key))
    .map((key) => `${doc.file}:${doc.lineOf([...base, key]) ?? 1}: unknown setting \`${key}\` in target '${targetName}' is ignored.${didYouMean(key, known)}`);
}

type Report = (key: (string | number)[], message: string, hint?: string) => void;

function validateTarget(raw: Plain, name: string, projectDir: string, profileName: string, report: Report): Target | undefined {
  const type = raw.type;
  const threads = integer(raw, 'threads', 4, report, 1, 256);
  const settings = settingsOf(raw, report);
  const schema = optionalString(raw, 'schema', report) ?? optionalString(raw, 'database', report) ?? profileName;
  if (type === 'chdb') {
    const rawPath = optionalString(raw, 'path', report) ?? '.tsdbt/chdb';
    return { type: 'chdb', name, path: path.resolve(projectDir, rawPath), schema, threads, settings };
  }
  if (type === 'clickhouse') return serverTarget(raw, name, schema, threads, settings, projectDir, report);
  if (type === undefined || type === null) {
    report(['type'], "is required: 'chdb' (embedded) or 'clickhouse' (a server).", 'For example: `type: chdb`.');
    return undefined;
  }
  report(
    ['type'],
    `must be 'chdb' (embedded) or 'clickhouse' (a server), but it is ${describeType(type)}.${typeof type === 'string' ? didYouMean(type, ['chdb', 'clickhouse']) : ''}`,
  );
  return undefined;
}

function serverTarget(
  raw: Plain,
  name: string,
  schema: string,
  threads: number,
  settings: ClickhouseTarget['settings'],
  projectDir: string,
  report: Report,
): ClickhouseTarget {
  const caCert = optionalString(raw, 'ca_cert', report);
  const secure = boolean(raw, 'secure', false, report);
  const url = optionalString(raw, 'url', report);
  let host = optionalString(raw, 'host', report) ?? 'localhost';
  let port = integer(raw, 'port', secure ? 8443 : 8123, report, 1, 65535);
  let user = optionalString(raw, 'user', report) ?? 'default';
  let password = raw.password === undefined || raw.password === null ? '' : String(raw.password);
  let protocol = secure ? 'https' : 'http';
  if (url !== undefined) {
    try {
      const parsed = new URL(url);
      protocol = parsed.protocol.replace(':', '');
      host = parsed.hostname;
      port = parsed.port === '' ? (protocol === 'https' ? 8443 : 8123) : Number(parsed.port);
      if (parsed.username) user = decodeURIComponent(parsed.username);
      if (parsed.password) password = decodeURIComponent(parsed.password);
    } catch {
      report(['url'], 'is not a valid URL.', 'Use e.g. http://localhost:8123 or https://host:8443.');
    }
  }
  return {
    type: 'clickhouse',
    name,
    schema,
    threads,
    settings,
    url: `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    secure: protocol === 'https',
    user,
    password,
    verify: boolean(raw, 'verify', true, report),
    // Relative to the project, like a chdb `path`.
    caCert: caCert === undefined ? undefined : path.resolve(projectDir, caCert),
    connectTimeoutMs: seconds(raw, 'connect_timeout', 10, report),
    requestTimeoutMs: seconds(raw, 'send_receive_timeout', 300, report),
    retries: integer(raw, 'retries', 1, report, 0, 20),
    compression: compression(raw, report),
    cluster: optionalString(raw, 'cluster', report),
    databaseEngine: optionalString(raw, 'database_engine', report),
  };
}

function optionalString(raw: Plain, key: string, report: Report): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  report([key], `must be a string, but it is ${describeType(value)}.`);
  return undefined;
}

function integer(raw: Plain, key: string, fallback: number, report: Report, min: number, max: number): number {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    report([key], `must be a whole number from ${min} to ${max}, but it is ${describeType(value)}.`, `For example: \`${key}: ${fallback}\` (the default).`);
    return fallback;
  }
  return number;
}

function seconds(raw: Plain, key: string, fallback: number, report: Report): number {
  const value = raw[key];
  if (value === undefined || value === null) return fallback * 1000;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) {
    report([key], `must be a number of seconds, but it is ${describeType(value)}.`, `For example: \`${key}: ${fallback}\` (the default).`);
    return fallback * 1000;
  }
  return Math.round(number * 1000);
}

function boolean(raw: Plain, key: string, fallback: boolean, report: Report): boolean {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  report([key], `must be true or false, but it is ${describeType(value)}.`, `Write \`${key}: true\` or \`${key}: false\` (default ${fallback}).`);
  return fallback;
}

/**
 * HTTP compresses with gzip: `true`, or any codec name dbt-clickhouse profiles use (`gzip`, `lz4`,
 * `zstd`), turns it on; `false`, `''` or `none` leave it off.
 */
function compression(raw: Plain, report: Report): boolean {
  const value = raw.compression;
  if (typeof value === 'string' && !['true', 'false'].includes(value)) return !['', 'none'].includes(value.trim().toLowerCase());
  return boolean(raw, 'compression', false, report);
}

function settingsOf(raw: Plain, report: Report): Record<string, string | number | boolean> {
  const value = raw.custom_settings ?? raw.settings;
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    report(['custom_settings'], `must be a mapping of ClickHouse settings, but it is ${describeType(value)}.`);
    return {};
  }
  const out: Record<string, string | number | boolean> = {};
  for (const [key, setting] of Object.entries(value)) {
    if (typeof setting === 'string' || typeof setting === 'number' || typeof setting === 'boolean') out[key] = setting;
    else report(['custom_settings', key], `must be a string, number or boolean, but it is ${describeType(setting)}.`);
  }
  return out;
}

/** Renders Jinja in every string value that contains it. */
function renderStrings(raw: Plain, render: (text: string, key: string) => string): Plain {
  const out: Plain = {};
  for (const [key, value] of Object.entries(raw)) {
    out[key] = typeof value === 'string' && /\{[{%]/.test(value) ? render(value, key) : value;
  }
  return out;
}

function throwIfAny(problems: Problems): void {
  const [first, ...rest] = problems.errors;
  if (first === undefined) return;
  throw new TsdbtError({ code: first.code, message: first.message, file: first.file, line: first.line, hint: first.hint, related: rest });
}

export function displayPath(file: string, projectDir: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}
