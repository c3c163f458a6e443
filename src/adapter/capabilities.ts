import type { Capabilities } from './types.js';

/** What a current ClickHouse (and chDB, which embeds one) supports. */
export const modernCapabilities: Capabilities = {
  exchangeTables: true,
  createOrReplaceView: true,
  queryParameters: true,
  jsonExtract: true,
  lightweightDelete: true,
};

/**
 * Capabilities from a server version string like `18.16.1` or `24.3.2.23`.
 * Thresholds are the releases that introduced each feature.
 */
export function capabilitiesForVersion(version: string): Capabilities {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const atLeast = (wantMajor: number, wantMinor: number): boolean =>
    major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return {
    // EXCHANGE TABLES arrived with the Atomic database engine (20.4, default from 20.10).
    exchangeTables: atLeast(20, 10),
    createOrReplaceView: atLeast(20, 3),
    queryParameters: atLeast(19, 11),
    jsonExtract: atLeast(19, 1),
    lightweightDelete: atLeast(23, 3),
  };
}
