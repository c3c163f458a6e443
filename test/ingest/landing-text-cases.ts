/** Strings that TabSeparated must escape (or must not mistake for something else), landed and read back on any adapter. */
import { qualifiedName } from '../../src/core/sql-literals.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { ensureLandingTables } from '../../src/ingest/landing.js';
import { encodeLandingRows, formatStamp, stampPrecision, type LandingRow } from '../../src/ingest/landing-plan.js';

export const ANY_STRINGS = [
  'plain',
  'tab\there',
  'new\nline',
  'cr\rlf\r\n',
  'back\\slash\\',
  '\\N',
  '\\t not a tab',
  '',
  'nul\u0000byte',
  'é😀',
  '{"q":"\\"x\\""}',
];

/** Lands one row per string (as payload and as URL) through `adapter.insert` and reads them back in order. */
export async function roundTrip(adapter: Adapter, database: string, table: string): Promise<{ written: LandingRow[]; read: LandingRow[] }> {
  await ensureLandingTables(adapter, { database, table, quarantine: false });
  const stamp = formatStamp(Date.UTC(2026, 0, 2, 3, 4, 5, 6), stampPrecision(adapter.capabilities));
  const written: LandingRow[] = ANY_STRINGS.map((text, i) => ({ payload: text, _hash: String(i).padStart(2, '0'), _source_url: text, _inserted_at: stamp }));
  await adapter.insert(database, table, encodeLandingRows(written));
  const read = await adapter.query<LandingRow>(
    `SELECT payload, _hash, _source_url, toString(_inserted_at) AS _inserted_at FROM ${qualifiedName(database, table)} ORDER BY _hash`,
  );
  return { written, read };
}
