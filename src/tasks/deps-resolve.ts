/**
 * Resolving a packages list into the set of projects to install: every entry fetched once, its own
 * packages.yml followed, hub packages given the highest version every requirer accepts. Two
 * requirements no single package can meet are an error naming both requirers.
 */
import path from 'node:path';
import { DBT_COMPATIBLE_VERSION, formatRange, highestSatisfying, parseRange, parseVersion, satisfies, type Constraint } from '../config/dbt-version.js';
import { describeSpec, parsePackagesFile, type PackageSpec } from '../config/packages-config.js';
import { parseYaml } from '../config/yaml-document.js';
import { ErrorCodes, throwCollected, TsdbtError } from '../core/errors.js';
import {
  fetchGit,
  fetchHubPackage,
  fetchLocal,
  readPackageProjectFiles,
  readTarball,
  unpackTarball,
  type Downloads,
  type FetchedFolder,
  type HubPackage,
} from '../project/package-install.js';

export interface ResolvedPackage {
  /** The package's project name (its folder under packages-install-path). */
  name: string;
  kind: PackageSpec['kind'];
  fetched: FetchedFolder;
  /** The entry package-lock.yml records: the hub version or git commit it resolved to. */
  lockEntry: Record<string, unknown>;
  /** Who asked for it: the root project's name or a package's. */
  requiredBy: string[];
  version?: string;
}

export interface ResolveContext {
  downloads: Downloads;
  hubUrl: string;
  render: (text: string, file: string) => string;
  warnings: string[];
}

interface Pending {
  spec: PackageSpec;
  requirer: string;
  baseDir: string;
  /** From package-lock.yml: pinned, and its dependencies are listed there too. */
  pinned: boolean;
}

interface HubRequirement {
  range: Constraint[];
  requirer: string;
  where: string;
  prerelease: boolean;
}

export class Resolver {
  private readonly byName = new Map<string, ResolvedPackage & { source: string }>();
  private readonly bySource = new Map<string, ResolvedPackage & { source: string }>();
  private readonly hubRequirements = new Map<string, HubRequirement[]>();
  private readonly hubChosen = new Map<string, string>();
  private readonly hubIndex = new Map<string, HubPackage>();

  constructor(private readonly context: ResolveContext) {}

  /** Resolves `specs` (and, unless pinned from a lock file, what they depend on). */
  async resolve(specs: readonly PackageSpec[], requirer: string, baseDir: string, pinned: boolean): Promise<ResolvedPackage[]> {
    const queue: Pending[] = specs.map((spec) => ({ spec, requirer, baseDir, pinned }));
    for (let round = 0; round < 50; round += 1) {
      while (queue.length > 0) queue.push(...(await this.take(queue.shift()!)));
      const next = await this.resolveHub(pinned);
      if (next.length === 0) break;
      queue.push(...next);
    }
    return [...this.byName.values()].map(({ source: _source, ...resolved }) => resolved);
  }

  private async take(item: Pending): Promise<Pending[]> {
    const { spec } = item;
    if (spec.kind === 'hub') {
      const list = this.hubRequirements.get(spec.package) ?? [];
      list.push({ range: spec.range, requirer: item.requirer, where: spec.where, prerelease: spec.installPrerelease });
      this.hubRequirements.set(spec.package, list);
      return [];
    }
    const source = sourceKey(spec, item.baseDir);
    const known = this.bySource.get(source.key);
    if (known !== undefined) {
      if (spec.kind === 'git' && known.lockEntry.requested !== source.revision) {
        throw conflict(
          `${describeSpec(spec)} is required at revision '${source.revision ?? 'HEAD'}' by '${item.requirer}' (${spec.where}) and at '${String(known.lockEntry.requested ?? 'HEAD')}' by '${known.requiredBy[0]}'.`,
        );
      }
      if (!known.requiredBy.includes(item.requirer)) known.requiredBy.push(item.requirer);
      return [];
    }
    const { downloads } = this.context;
    let fetched: FetchedFolder;
    if (spec.kind === 'local') fetched = fetchLocal(spec.local, item.baseDir, spec.where);
    else if (spec.kind === 'git') fetched = fetchGit(spec.git, spec.revision, spec.subdirectory, downloads, spec.where);
    else fetched = unpackTarball(await readTarball(spec.tarball, item.baseDir, spec.where), downloads, spec.where);
    const lockEntry: Record<string, unknown> =
      spec.kind === 'local'
        ? { local: spec.local }
        : spec.kind === 'git'
          ? { git: spec.git, revision: fetched.revision, ...(spec.subdirectory === undefined ? {} : { subdirectory: spec.subdirectory }) }
          : { tarball: spec.tarball };
    Object.defineProperty(lockEntry, 'requested', { value: source.revision, enumerable: false });
    return this.add(spec, item, fetched, lockEntry, source.key);
  }

  private add(spec: PackageSpec, item: Pending, fetched: FetchedFolder, lockEntry: Record<string, unknown>, source: string, version?: string): Pending[] {
    const name = projectNameOf(fetched.dir, spec.where);
    const other = this.byName.get(name);
    if (other !== undefined) {
      throw conflict(
        `Package '${name}' is required twice from different places: ${describeSpec(spec)} by '${item.requirer}' (${spec.where}), and ${other.source} by '${other.requiredBy.join("', '")}'.`,
      );
    }
    const resolved = { name, kind: spec.kind, fetched, lockEntry, requiredBy: [item.requirer], version, source };
    this.byName.set(name, resolved);
    this.bySource.set(source, resolved);
    if (item.pinned) return [];
    return this.dependenciesOf(name, fetched.dir);
  }

  private dependenciesOf(name: string, dir: string): Pending[] {
    const { packagesFile } = readPackageProjectFiles(dir);
    if (packagesFile === undefined) return [];
    const shown = `${name}/${packagesFile.path}`;
    const parsed = parsePackagesFile(parseYaml(packagesFile.text, shown), (text) => this.context.render(text, shown));
    throwCollected(parsed.errors);
    this.context.warnings.push(...parsed.warnings);
    return parsed.specs.map((spec) => ({ spec, requirer: name, baseDir: dir, pinned: false }));
  }

  /** Picks (or re-picks) a version for every hub package whose requirements changed; returns their dependencies. */
  private async resolveHub(pinned: boolean): Promise<Pending[]> {
    const out: Pending[] = [];
    for (const [name, requirements] of this.hubRequirements) {
      const index = this.hubIndex.get(name) ?? (await fetchHubPackage(this.context.hubUrl, name, requirements[0]!.where));
      this.hubIndex.set(name, index);
      const ranges = requirements.map((requirement) => requirement.range);
      // As dbt resolves: only versions whose require_dbt_version admits the dbt version tsdbt is compatible with.
      const compatible = Object.keys(index.versions).filter((candidate) => {
        const required = parseRange(index.versions[candidate]!.requireDbtVersion ?? []);
        return required === undefined || satisfies(parseVersion(DBT_COMPATIBLE_VERSION)!, required);
      });
      const version = highestSatisfying(
        compatible,
        ranges,
        requirements.some((requirement) => requirement.prerelease),
      );
      if (version === undefined) throw hubConflict(name, requirements);
      const chosen = this.hubChosen.get(name);
      if (chosen === version) continue;
      if (chosen !== undefined) {
        // A later requirer narrowed the range: drop the earlier pick (its own dependencies stay required).
        for (const [key, resolved] of this.bySource) {
          if (key === `hub:${name}`) {
            this.bySource.delete(key);
            this.byName.delete(resolved.name);
          }
        }
      }
      this.hubChosen.set(name, version);
      const where = requirements[0]!.where;
      const fetched = unpackTarball(await readTarball(index.versions[version]!.tarball, '.', where), this.context.downloads, where);
      const spec = { kind: 'hub', package: name, where } as PackageSpec;
      out.push(
        ...this.add(spec, { spec, requirer: requirements[0]!.requirer, baseDir: '.', pinned }, fetched, { package: name, version }, `hub:${name}`, version),
      );
      const added = this.bySource.get(`hub:${name}`);
      if (added !== undefined) added.requiredBy = [...new Set(requirements.map((requirement) => requirement.requirer))];
    }
    return out;
  }
}

function sourceKey(spec: Exclude<PackageSpec, { kind: 'hub' }>, baseDir: string): { key: string; revision?: string } {
  if (spec.kind === 'local') return { key: `local:${path.resolve(baseDir, spec.local)}` };
  if (spec.kind === 'git') return { key: `git:${spec.git.replace(/\.git$/, '')}#${spec.subdirectory ?? ''}`, revision: spec.revision };
  return { key: `tarball:${/^https?:/i.test(spec.tarball) ? spec.tarball : path.resolve(baseDir, spec.tarball)}` };
}

function projectNameOf(dir: string, where: string): string {
  const { projectFile } = readPackageProjectFiles(dir);
  if (projectFile === undefined) {
    throw new TsdbtError({
      code: ErrorCodes.PACKAGE_FETCH_FAILED,
      message: `${where}: the package at ${dir} has no dbt_project.yml, so it is not a dbt project.`,
      hint: 'Point the entry at the folder holding the package’s dbt_project.yml (git: use `subdirectory:`).',
    });
  }
  const name = (parseYaml(projectFile.text, projectFile.path).value as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TsdbtError({
      code: ErrorCodes.PACKAGES_INVALID,
      message: `${where}: the package's ${projectFile.path} has no valid \`name:\`.`,
      hint: 'A package is a dbt project: its project file names it.',
    });
  }
  return name;
}

function conflict(message: string): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.PACKAGE_VERSION_CONFLICT,
    message,
    hint: 'Make the requirements agree: change the version, revision or source one of them asks for.',
  });
}

function hubConflict(name: string, requirements: HubRequirement[]): TsdbtError {
  const asks = requirements.map((requirement) => `'${requirement.requirer}' requires ${formatRange(requirement.range)} (${requirement.where})`);
  return conflict(`No version of ${name} satisfies every requirement: ${asks.join('; ')}.`);
}
