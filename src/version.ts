import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of tsdbt's own package.json. Found by walking up from this module because the module
 * sits at different depths: src/ (tests), dist/ (the API) and dist/cli-bundle/chunks/ (the CLI).
 */
export const PACKAGE_ROOT: string | undefined = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (manifest.name === 'tsdbt') return dir;
    } catch {
      // no package.json here, or not JSON: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
})();

/** tsdbt's version, read from its package.json. */
export const TSDBT_VERSION: string = (() => {
  try {
    if (PACKAGE_ROOT === undefined) return '0.0.0';
    const text = readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

let built: string | undefined;

/**
 * This tsdbt: its version and when it was built (the time of this module's file, written again by
 * every build). A rebuilt tsdbt may parse, compile or generate code differently, so what an earlier
 * build left in target/ (partial_parse.json, the compile record and index, template_cache.json) is
 * not trusted under another stamp.
 */
export function buildStamp(): string {
  if (built === undefined) {
    let time = 'unknown';
    try {
      time = String(statSync(fileURLToPath(import.meta.url)).mtimeMs);
    } catch {
      // bundled into something without a file: the version alone
    }
    built = `${TSDBT_VERSION}\u0000${time}`;
  }
  return built;
}

/**
 * Versions of the engine packages, read from their package.json files: nothing is loaded, so
 * `tsdbt --version` stays instant (chDB alone is a large native library).
 */
export function packageVersions(): { client: string; chdb: string } {
  const require = createRequire(import.meta.url);
  const read = (name: string): string => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  return { client: read('@clickhouse/client'), chdb: read('chdb') };
}

/** What `tsdbt --version` prints. */
export function versionReport(): string {
  const { client, chdb } = packageVersions();
  return [`tsdbt ${TSDBT_VERSION}`, `  chdb ${chdb} (embedded ClickHouse)`, `  @clickhouse/client ${client}`, `  node ${process.versions.node}`].join('\n');
}
