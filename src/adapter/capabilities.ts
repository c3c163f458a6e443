import type { Capabilities } from '../core/adapter-types.js';

/** What a current ClickHouse (and chDB, which embeds one) supports. */
export const modernCapabilities: Capabilities = {
  exchangeTables: true,
  createOrReplaceView: true,
  queryParameters: true,
  jsonExtract: true,
  lightweightDelete: true,
  dateTime64: true,
  alterViewQuery: true,
  mutationsSync: true,
};

/**
 * Capabilities from a server version string like `18.16.1` or `24.3.2.23`.
 * Thresholds are the releases that introduced each feature.
 */
export function capabilitiesForVersion(version: string): Capabilities {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const atLeast = (wantMajor: number, wantMinor: number): boolean => major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return {
    // EXCHANGE TABLES arrived with the Atomic database engine (20.4, default from 20.10).
    exchangeTables: atLeast(20, 10),
    createOrReplaceView: atLeast(20, 3),
    queryParameters: atLeast(19, 11),
    jsonExtract: atLeast(19, 1),
    lightweightDelete: atLeast(23, 3),
    dateTime64: atLeast(20, 1),
    // ALTER TABLE mv MODIFY QUERY left "experimental" (no setting needed) in 23.11.
    alterViewQuery: atLeast(23, 11),
    mutationsSync: atLeast(20, 1),
  };
}

/**
 * One round trip at connect time: the version, and what can be probed directly rather than guessed
 * from it (JSONExtract* shipped in the 19.x series; whether a given build has it is in system.functions).
 * Plain SQL that 18.16 understands.
 */
export const SERVER_PROBE_SQL = [
  'SELECT version() AS version,',
  "(SELECT count() FROM system.functions WHERE name = 'JSONExtractString') AS json_extract,",
  "(SELECT count() FROM system.columns WHERE database = 'system' AND table = 'columns' AND name = 'position') AS columns_position",
].join(' ');

/** The probe's row. Counts are UInt64, which JSON output quotes, hence `number | string`. */
export interface ServerProbe {
  version: string;
  /** The server has JSONExtractString. */
  json_extract: number | string;
  /** system.columns has `position` (18.16 does not; its rows come in definition order anyway). */
  columns_position: number | string;
}

export function capabilitiesFromProbe(probe: ServerProbe): Capabilities {
  return { ...capabilitiesForVersion(probe.version), jsonExtract: Number(probe.json_extract) > 0, version: probe.version };
}
