/**
 * Versions as dbt's package hub writes them (`1.3.0`, `1.1.0-b1`) and the ranges packages use
 * (`">=1.3.0"`, `[">=1.0.0", "<2.0.0"]`, `"1.1.1"`), and the dbt version tsdbt answers for.
 */

/**
 * The dbt-core version tsdbt declares compatibility with: what a package's (or the project's)
 * `require-dbt-version` is checked against. tsdbt follows dbt 1.8's project format, macros and
 * `package-lock.yml`; it reads no keys dbt added after 1.8.
 */
export const DBT_COMPATIBLE_VERSION = '1.8.0';

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

export function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-?([0-9A-Za-z.-]+))?$/.exec(text.trim());
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2] ?? 0), patch: Number(match[3] ?? 0), prerelease: match[4] ?? '' };
}

export function compareVersions(a: Version, b: Version): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  // A prerelease comes before its release (1.0.0-b1 < 1.0.0).
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

export interface Constraint {
  op: '>=' | '<=' | '>' | '<' | '=';
  version: Version;
  text: string;
}

/** One range term (`>=1.2.0`, `1.2`, `=1.0.0`), or undefined when it is not one. */
export function parseConstraint(text: string): Constraint | undefined {
  const match = /^\s*(>=|<=|>|<|==|=)?\s*(.+?)\s*$/.exec(text);
  if (match === null) return undefined;
  const version = parseVersion(match[2]!);
  if (version === undefined) return undefined;
  const op = (match[1] === '==' || match[1] === undefined ? '=' : match[1]) as Constraint['op'];
  return { op, version, text: text.trim() };
}

/** A `version:` or `require-dbt-version:` value as a list of terms; undefined when one term is unreadable. */
export function parseRange(value: unknown): Constraint[] | undefined {
  const terms = Array.isArray(value) ? value : [value];
  const out: Constraint[] = [];
  for (const term of terms) {
    if (typeof term !== 'string' && typeof term !== 'number') return undefined;
    const parsed = parseConstraint(String(term));
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}

export function satisfies(version: Version, range: readonly Constraint[]): boolean {
  return range.every(({ op, version: bound }) => {
    const order = compareVersions(version, bound);
    if (op === '=') return order === 0;
    if (op === '>=') return order >= 0;
    if (op === '<=') return order <= 0;
    if (op === '>') return order > 0;
    return order < 0;
  });
}

export function formatRange(range: readonly Constraint[]): string {
  return range.map((term) => term.text).join(', ');
}

/**
 * The highest of `available` satisfying every range, as the hub resolver picks it. Prereleases
 * only when asked (dbt's `install-prerelease`), or when a range names one exactly.
 */
export function highestSatisfying(available: readonly string[], ranges: readonly (readonly Constraint[])[], prerelease = false): string | undefined {
  let best: { text: string; version: Version } | undefined;
  for (const text of available) {
    const version = parseVersion(text);
    if (version === undefined) continue;
    const named = ranges.some((range) => range.some((term) => term.op === '=' && compareVersions(term.version, version) === 0));
    if (version.prerelease !== '' && !prerelease && !named) continue;
    if (!ranges.every((range) => satisfies(version, range))) continue;
    if (best === undefined || compareVersions(version, best.version) > 0) best = { text, version };
  }
  return best?.text;
}
