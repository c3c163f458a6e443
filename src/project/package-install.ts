/**
 * The file and network side of `tsdbt deps`: fetching a package (a local folder, a git repository,
 * a tar.gz, a hub release) into a downloads folder, reading its project and packages files, and
 * installing the set into `packages-install-path` in one rename, so a failure leaves the previous
 * install as it was.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomically } from '../core/atomic-file.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { nodeFetch } from '../core/wasm-tier-up.js';
import { extractTarGz } from './tar-reader.js';

/** A package's folder on disk, ready to be installed (or linked, for `local:`). */
export interface FetchedFolder {
  dir: string;
  /** `local:` packages are linked, as dbt does, so edits show without running deps again. */
  link: boolean;
  /** The commit a git package resolved to. */
  revision?: string;
}

/** The texts a resolver needs from a fetched package: its project file and its own packages file. */
export interface PackageProjectFiles {
  projectFile: { path: string; text: string } | undefined;
  packagesFile: { path: string; text: string } | undefined;
}

export function readPackageProjectFiles(dir: string): PackageProjectFiles {
  const first = (names: string[]) => {
    for (const name of names) {
      const full = path.join(dir, name);
      if (existsSync(full) && statSync(full).isFile()) return { path: name, text: readFileSync(full, 'utf8') };
    }
    return undefined;
  };
  return { projectFile: first(['dbt_project.yml', 'project.yml']), packagesFile: first(['dependencies.yml', 'packages.yml']) };
}

/** A scratch folder for one `deps` run; removed by `dispose`. */
export class Downloads {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-deps-'));
  private count = 0;

  next(label: string): string {
    this.count += 1;
    const dir = path.join(this.dir, `${this.count}-${label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 40)}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function fetchFailed(message: string, where: string, hint: string, cause?: unknown): TsdbtError {
  return new TsdbtError({ code: ErrorCodes.PACKAGE_FETCH_FAILED, message: `${where}: ${message}`, hint, cause });
}

export function fetchLocal(local: string, baseDir: string, where: string): FetchedFolder {
  const dir = path.resolve(baseDir, local);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw fetchFailed(`the local package folder ${dir} does not exist.`, where, '`local:` is a folder path, relative to the project that lists it.');
  }
  return { dir, link: true };
}

/** Credentials in a URL (`https://user:token@host/…`) never reach a message. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)[^/@]*@/i, '$1***@');
}

export function fetchGit(url: string, revision: string | undefined, subdirectory: string | undefined, downloads: Downloads, where: string): FetchedFolder {
  const dir = downloads.next('git');
  const git = (args: string[], cwd?: string) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).trim();
  try {
    git(['clone', '--quiet', url, dir]);
    if (revision !== undefined) git(['checkout', '--quiet', revision], dir);
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
    throw fetchFailed(
      `git could not ${revision === undefined ? 'clone' : `clone and check out '${revision}' of`} ${redactUrl(url)}: ${redactUrl(stderr.split('\n').pop() ?? '')}`,
      where,
      'Check the URL and the revision (a tag, branch or commit), and that git on PATH can reach the repository.',
      error,
    );
  }
  const head = git(['rev-parse', 'HEAD'], dir);
  const folder = subdirectory === undefined ? dir : path.join(dir, subdirectory);
  if (!existsSync(folder)) throw fetchFailed(`the repository has no folder '${subdirectory}'.`, where, 'Fix `subdirectory:`.');
  return { dir: folder, link: false, revision: head };
}

/** A tarball's bytes: a local file (relative to the project that lists it) or an http(s) URL. */
export async function readTarball(location: string, baseDir: string, where: string): Promise<Buffer> {
  if (/^https?:\/\//i.test(location)) {
    try {
      const reply = await nodeFetch()(location, { signal: AbortSignal.timeout(60_000) });
      if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
      return Buffer.from(await reply.arrayBuffer());
    } catch (error) {
      throw fetchFailed(`could not download ${redactUrl(location)}: ${(error as Error).message}.`, where, 'Check the URL and the network.', error);
    }
  }
  const file = path.resolve(baseDir, location.replace(/^file:\/\//, ''));
  if (!existsSync(file)) throw fetchFailed(`the tarball ${file} does not exist.`, where, '`tarball:` is a URL or a file path relative to the project.');
  return readFileSync(file);
}

/** Unpacks a package archive; the package is the folder holding its project file (GitHub archives have one top folder). */
export function unpackTarball(data: Buffer, downloads: Downloads, where: string): FetchedFolder {
  const dir = downloads.next('tarball');
  try {
    extractTarGz(data, dir);
  } catch (error) {
    throw fetchFailed(`the archive cannot be read: ${(error as Error).message}.`, where, 'A tarball package is a .tar.gz of a dbt project folder.', error);
  }
  if (hasProjectFile(dir)) return { dir, link: false };
  const entries = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const inner = entries.length === 1 ? path.join(dir, entries[0]!.name) : undefined;
  if (inner !== undefined && hasProjectFile(inner)) return { dir: inner, link: false };
  throw fetchFailed(
    'the archive holds no dbt_project.yml (at its top or in its one top folder).',
    where,
    'A tarball package is a .tar.gz of a dbt project folder.',
  );
}

function hasProjectFile(dir: string): boolean {
  return existsSync(path.join(dir, 'dbt_project.yml')) || existsSync(path.join(dir, 'project.yml'));
}

/** What hub.getdbt.com answers for one package: its versions and each version's download. */
export interface HubPackage {
  /** Each version's download, and its `require_dbt_version` as the hub lists it (to skip versions tsdbt cannot load, as dbt does). */
  versions: Record<string, { tarball: string; requireDbtVersion?: unknown }>;
}

export async function fetchHubPackage(hubUrl: string, name: string, where: string): Promise<HubPackage> {
  const url = `${hubUrl.replace(/\/+$/, '')}/api/v1/${name}.json`;
  let body: unknown;
  try {
    const reply = await nodeFetch()(url, { signal: AbortSignal.timeout(20_000) });
    if (reply.status === 404) {
      throw new TsdbtError({
        code: ErrorCodes.PACKAGE_FETCH_FAILED,
        message: `${where}: the package hub has no package '${name}'.`,
        hint: 'Check the spelling on hub.getdbt.com (e.g. dbt-labs/dbt_utils).',
      });
    }
    if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
    body = await reply.json();
  } catch (error) {
    if (error instanceof TsdbtError) throw error;
    throw hubUnreachable(hubUrl, name, where, (error as Error).message, error);
  }
  const versions = (body as { versions?: Record<string, { downloads?: { tarball?: string }; require_dbt_version?: unknown }> }).versions;
  if (typeof versions !== 'object' || versions === null) throw hubUnreachable(hubUrl, name, where, 'the reply has no `versions`');
  const out: HubPackage = { versions: {} };
  for (const [version, info] of Object.entries(versions)) {
    if (typeof info?.downloads?.tarball === 'string') out.versions[version] = { tarball: info.downloads.tarball, requireDbtVersion: info.require_dbt_version };
  }
  return out;
}

function hubUnreachable(hubUrl: string, name: string, where: string, why: string, cause?: unknown): TsdbtError {
  const causeText = cause instanceof Error && cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
  return new TsdbtError({
    code: ErrorCodes.PACKAGE_HUB_UNREACHABLE,
    message: `${where}: the package hub at ${redactUrl(hubUrl)} cannot be reached to resolve '${name}': ${why}${causeText}. Nothing was installed.`,
    hint: 'Check the network (or set TSDBT_PACKAGE_HUB_URL to a reachable mirror), or list the package as `git:` or `tarball:` instead.',
    cause,
  });
}

/**
 * Installs `packages` (project name → fetched folder) into `installPath` all at once: everything is
 * staged in a sibling folder, then swapped in with renames. The previous install is removed only
 * after the new one is in place; a failure leaves it untouched.
 */
export function installPackages(projectDir: string, installPath: string, packages: ReadonlyMap<string, FetchedFolder>): void {
  const final = path.resolve(projectDir, installPath);
  const parent = path.dirname(final);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(path.join(parent, `.${path.basename(final)}.staging-`));
  try {
    for (const [name, fetched] of packages) {
      const into = path.join(staging, name);
      if (fetched.link) symlinkSync(fetched.dir, into, 'dir');
      else cpSync(fetched.dir, into, { recursive: true, filter: (source) => path.basename(source) !== '.git' });
    }
    writeFileSync(path.join(staging, '.tsdbt-installed'), 'Installed by tsdbt deps: replaced as a whole by the next tsdbt deps.\n');
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const previous = existsSync(final) ? `${staging}.previous` : undefined;
  if (previous !== undefined) renameSync(final, previous);
  try {
    renameSync(staging, final);
  } catch (error) {
    if (previous !== undefined) renameSync(previous, final);
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  // Links (local packages) are removed as links: rmSync never follows them into the linked folder.
  if (previous !== undefined) rmSync(previous, { recursive: true, force: true });
}

export function readTextIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export function writeText(file: string, text: string): void {
  writeFileAtomically(file, text);
}
