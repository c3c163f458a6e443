import { createHash } from 'node:crypto';
import { ErrorCodes, type TsdbtError } from '../core/errors.js';
import { parseRange, type Constraint } from './dbt-version.js';
import { describeType, didYouMean, isPlainObject, type Plain } from './value-checks.js';
import { Problems, type YamlDocument } from './yaml-document.js';

/** One entry of `packages:` in packages.yml / dependencies.yml / package-lock.yml. */
export type PackageSpec = LocalSpec | GitSpec | TarballSpec | HubSpec;

interface SpecBase {
  /** The entry as written (before env_var rendering): what the lock hash is made of, as in dbt. */
  raw: Plain;
  /** Where it is written, for messages: `packages.yml:3`. */
  where: string;
  /** `name:` when given (required for tarballs; lock files always carry it). */
  name?: string;
}

export interface LocalSpec extends SpecBase {
  kind: 'local';
  local: string;
}

export interface GitSpec extends SpecBase {
  kind: 'git';
  git: string;
  revision?: string;
  subdirectory?: string;
}

export interface TarballSpec extends SpecBase {
  kind: 'tarball';
  tarball: string;
}

export interface HubSpec extends SpecBase {
  kind: 'hub';
  /** `dbt-labs/dbt_utils`. */
  package: string;
  range: Constraint[];
  installPrerelease: boolean;
  /** The version exactly as written (lock files: the pinned one). */
  version: string;
}

const KEYS: Record<PackageSpec['kind'], string[]> = {
  local: ['local', 'name'],
  git: ['git', 'revision', 'subdirectory', 'warn-unpinned', 'name'],
  tarball: ['tarball', 'name'],
  hub: ['package', 'version', 'install-prerelease', 'name'],
};

export const PACKAGES_HINT =
  'Each entry is one of: `- local: <path>`, `- git: <url>` (with revision, subdirectory), `- tarball: <path or url>` (with name), `- package: <org>/<name>` (with version).';

export interface PackagesFile {
  specs: PackageSpec[];
  errors: TsdbtError[];
  warnings: string[];
  /** dbt's sha1 of the entries (see packagesHash). */
  hash: string;
}

/**
 * Reads the `packages:` list of packages.yml, dependencies.yml or package-lock.yml. `render`
 * renders `{{ env_var(…) }}` in string values, as dbt does for these files.
 */
export function parsePackagesFile(doc: YamlDocument, render: (text: string) => string = (text) => text): PackagesFile {
  const problems = new Problems(doc, ErrorCodes.PACKAGES_INVALID, PACKAGES_HINT);
  const warnings: string[] = [];
  const specs: PackageSpec[] = [];
  const raw = doc.value;
  const at = (path: (string | number)[]) => `${doc.file}${doc.lineOf(path) === undefined ? '' : `:${doc.lineOf(path)}`}`;
  if (raw === null || raw === undefined) return { specs, errors: [], warnings, hash: packagesHash([]) };
  if (!isPlainObject(raw)) {
    problems.add([], `must be a mapping with a \`packages:\` list, but it is ${describeType(raw)}.`);
    return { specs, errors: problems.errors, warnings, hash: packagesHash([]) };
  }
  for (const key of Object.keys(raw)) {
    if (key === 'packages' || key === 'sha1_hash') continue;
    warnings.push(`${at([key])}: \`${key}\` is not read by tsdbt (only \`packages:\` is).`);
  }
  const list = raw.packages ?? [];
  if (!Array.isArray(list)) {
    problems.add(['packages'], `must be a list of packages, but it is ${describeType(list)}.`);
    return { specs, errors: problems.errors, warnings, hash: packagesHash([]) };
  }
  list.forEach((entry, index) => {
    const path = ['packages', index];
    if (!isPlainObject(entry)) {
      problems.add(path, `must be a mapping (e.g. \`local: ../my_package\`), but it is ${describeType(entry)}.`);
      return;
    }
    const kind = (['local', 'git', 'tarball', 'package'] as const).find((key) => key in entry);
    if (kind === undefined) {
      problems.add(
        path,
        `is no kind of package tsdbt knows: it has none of local, git, tarball, package.${'private' in entry ? ' (`private:` packages are a dbt Cloud feature.)' : ''}`,
      );
      return;
    }
    const spec = readSpec(entry, kind === 'package' ? 'hub' : kind, {
      where: at(path),
      render,
      add: (key, message) => problems.add(key === undefined ? path : [...path, key], message),
    });
    if (spec === undefined) return;
    for (const key of Object.keys(entry)) {
      if (!KEYS[spec.kind].includes(key))
        warnings.push(`${at([...path, key])}: \`${key}\` is not a setting of a ${spec.kind} package and is ignored.${didYouMean(key, KEYS[spec.kind])}`);
    }
    specs.push(spec);
  });
  return { specs, errors: problems.errors, warnings, hash: packagesHash(specs) };
}

interface ReadContext {
  where: string;
  render: (text: string) => string;
  add: (key: string | undefined, message: string) => void;
}

function readSpec(entry: Plain, kind: PackageSpec['kind'], context: ReadContext): PackageSpec | undefined {
  const text = (key: string, required: boolean): string | undefined => {
    const value = entry[key];
    if (value === undefined || value === null) {
      if (required) context.add(key, 'is required.');
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      context.add(key, `must be a string, but it is ${describeType(value)}.`);
      return undefined;
    }
    return context.render(String(value));
  };
  const base = { raw: entry, where: context.where, name: text('name', kind === 'tarball') };
  if (kind === 'local') {
    const local = text('local', true);
    return local === undefined ? undefined : { ...base, kind, local };
  }
  if (kind === 'git') {
    const git = text('git', true);
    return git === undefined ? undefined : { ...base, kind, git, revision: text('revision', false), subdirectory: text('subdirectory', false) };
  }
  if (kind === 'tarball') {
    const tarball = text('tarball', true);
    return tarball === undefined || base.name === undefined ? undefined : { ...base, kind, tarball };
  }
  const name = text('package', true);
  if (name !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(name)) {
    context.add('package', `must be '<organisation>/<package>' as on hub.getdbt.com (e.g. dbt-labs/dbt_utils), but it is '${name}'.`);
    return undefined;
  }
  if (entry.version === undefined || entry.version === null) {
    context.add('version', 'is required for a hub package (e.g. `version: [">=1.0.0", "<2.0.0"]`).');
    return undefined;
  }
  const version = Array.isArray(entry.version) ? entry.version.map((term) => context.render(String(term))) : context.render(String(entry.version));
  const range = parseRange(version);
  if (range === undefined) {
    context.add('version', `is not a version or range tsdbt reads: ${JSON.stringify(entry.version)}.`);
    return undefined;
  }
  if (name === undefined) return undefined;
  return {
    ...base,
    kind,
    package: name,
    range,
    installPrerelease: entry['install-prerelease'] === true,
    version: Array.isArray(version) ? version.join(', ') : version,
  };
}

/**
 * dbt 1.7+'s `sha1_hash` of a packages list: each entry as JSON with sorted keys (Python's
 * `json.dumps(…, sort_keys=True)` spacing), the lines sorted, joined with newlines. When it changes,
 * `deps` resolves again rather than installing what package-lock.yml says.
 */
export function packagesHash(specs: readonly PackageSpec[]): string {
  const lines = specs.map((spec) => pythonJson(spec.raw)).sort();
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}

function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${pythonJson(value[key])}`).join(', ')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** How an entry is named in messages: `dbt-labs/dbt_utils`, `local ../utils`, `git https://…`. */
export function describeSpec(spec: PackageSpec): string {
  if (spec.kind === 'hub') return spec.package;
  if (spec.kind === 'local') return `local: ${spec.local}`;
  if (spec.kind === 'git') return `git: ${spec.git}${spec.subdirectory ? ` (${spec.subdirectory})` : ''}`;
  return `tarball: ${spec.tarball}`;
}
