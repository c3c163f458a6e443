import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** tsdbt's version, read from package.json next to src/ or dist/. */
export const TSDBT_VERSION: string = (() => {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

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
