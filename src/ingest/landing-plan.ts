/**
 * What lands where, decided without touching the database (so it is tested as plain data).
 *
 * A landing table keeps one row per distinct payload content:
 *   ENGINE = ReplacingMergeTree(_inserted_at) ORDER BY _hash
 * `_hash` is the sha256 of the payload, so the same content landed twice (a replay, a retry
 * that raced, two watchers) collapses to one row under FINAL, and the version column makes the
 * surviving row the one stamped last.
 *
 * Every row of one reply (a "batch") carries the same `_inserted_at`, so the latest snapshot
 * is `WHERE _inserted_at = (SELECT max(_inserted_at) FROM t)`. That is why a reply is skipped
 * only when it equals the latest batch: content that comes back after a change (A, B, A) is
 * landed again with a new stamp, and the latest snapshot really is A. Skipping any hash ever
 * seen would leave A with its old stamp and make B look current.
 *
 * `_inserted_at` is `DateTime64(3, 'UTC')` where the server has that type. ClickHouse before
 * 20.1 (Debian's 18.16, say) has only `DateTime`, whole seconds: there the stamps step by a
 * second instead of a millisecond (two replies landed within one second get consecutive
 * seconds, so batches still never share a stamp).
 */
import { hash } from 'node:crypto';
import type { Capabilities, EncodedRows } from '../core/adapter-types.js';
import type { StampPrecision } from '../materialize/plan-landing.js';

// The landing tables' DDL and reads are SQL text, built in materialize/plan-landing.ts; re-exported for callers of this module.
export {
  landingDatabaseDdl,
  landingTableDdl,
  latestBatchSql,
  planLandingTables,
  rejectedTableDdl,
  rejectedTableName,
  type StampPrecision,
} from '../materialize/plan-landing.js';

export function stampPrecision(capabilities: Pick<Capabilities, 'dateTime64'>): StampPrecision {
  return capabilities.dateTime64 ? 'ms' : 's';
}

const STAMP_STEP_MS: Record<StampPrecision, number> = { ms: 1, s: 1_000 };

/** A type alias, not an interface, so it fits the adapter's `Record<string, unknown>` rows. */
export type LandingRow = {
  payload: string;
  _hash: string;
  _source_url: string;
  /** `YYYY-MM-DD hh:mm:ss.mmm` in UTC, as DateTime64(3, 'UTC') reads it (without `.mmm` for DateTime). */
  _inserted_at: string;
};

export type RejectedRow = {
  payload: string;
  reason: string;
  _source_url: string;
  _inserted_at: string;
};

/** The batch landed last: its hashes and its stamp (epoch ms). */
export interface LatestBatch {
  hashes: ReadonlySet<string>;
  insertedAtMs: number | undefined;
}

export interface LandingPlan {
  rows: LandingRow[];
  /** Payloads not written: repeats within this reply, or the whole reply when it equals the latest batch. */
  duplicates: number;
  insertedAtMs: number;
}

/** sha256 of the payload's UTF-8 bytes, in hex. The one-shot `crypto.hash` is cheaper than a `createHash` object per payload. */
export function hashPayload(payload: string): string {
  return hash('sha256', payload, 'hex');
}

/** The landing table's columns, in the order `encodeLandingRows` writes them. */
export const LANDING_COLUMNS = ['payload', '_hash', '_source_url', '_inserted_at'] as const;

/**
 * The rows as TabSeparated text for one INSERT. Written here rather than handed to the client as
 * objects: the client JSON-encodes each row, escaping every quote of the payload (which is JSON,
 * so full of them), which costs far more than this text (BENCHMARKS.md), and this text is also
 * smaller for the engine to parse. Columns are named, so they match by name as JSON does.
 */
export function encodeLandingRows(rows: readonly LandingRow[]): EncodedRows {
  let text = '';
  // A batch shares one URL and one stamp: their escaped text is made once, not per row.
  let tail = '';
  let tailOf: { url: string; stamp: string } | undefined;
  for (const row of rows) {
    if (tailOf === undefined || row._source_url !== tailOf.url || row._inserted_at !== tailOf.stamp) {
      tailOf = { url: row._source_url, stamp: row._inserted_at };
      tail = `\t${tsvField(tailOf.url)}\t${tsvField(tailOf.stamp)}\n`;
    }
    text += tsvField(row.payload) + '\t' + tsvField(row._hash) + tail;
  }
  return { format: 'TabSeparated', columns: LANDING_COLUMNS, text, length: rows.length };
}

/**
 * A String field of TabSeparated: backslash, tab, newline and carriage return escaped. A payload
 * is minified JSON, whose strings hold control characters only escaped, so it usually needs
 * nothing, or only its backslashes doubled: checked with `includes` first, which is much cheaper
 * than a replace on every field.
 */
export function tsvField(value: string): string {
  if (!value.includes('\\') && !value.includes('\t') && !value.includes('\n') && !value.includes('\r')) return value;
  return value.replace(TSV_SPECIAL, (ch) => TSV_ESCAPES[ch]!);
}

const TSV_SPECIAL = /[\\\t\n\r]/g;
const TSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Rows to insert for one reply. The stamp never goes backwards (a clock stepped back must not
 * make an old batch look like the latest one).
 */
export function planBatch(payloads: readonly string[], latest: LatestBatch, nowMs: number, sourceUrl: string, precision: StampPrecision = 'ms'): LandingPlan {
  const step = STAMP_STEP_MS[precision];
  const now = Math.floor(nowMs / step) * step;
  const insertedAtMs = latest.insertedAtMs === undefined ? now : Math.max(now, latest.insertedAtMs + step);
  const stamp = formatStamp(insertedAtMs, precision);
  const hashes = new Set<string>();
  const rows: LandingRow[] = [];
  for (const payload of payloads) {
    const hash = hashPayload(payload);
    // One lookup per payload: the set grows only for a hash not seen yet in this reply.
    const seen = hashes.size;
    hashes.add(hash);
    if (hashes.size !== seen) rows.push({ payload, _hash: hash, _source_url: sourceUrl, _inserted_at: stamp });
  }
  if (rows.length > 0 && sameSet(hashes, latest.hashes)) {
    return { rows: [], duplicates: payloads.length, insertedAtMs };
  }
  return { rows, duplicates: payloads.length - rows.length, insertedAtMs };
}

export function formatDateTime64(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** The stamp as the column type reads it: `2026-11-23 10:00:00.007`, or `2026-11-23 10:00:00` for DateTime. */
export function formatStamp(ms: number, precision: StampPrecision): string {
  const text = formatDateTime64(ms);
  return precision === 'ms' ? text : text.slice(0, -4);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const key of a) if (!b.has(key)) return false;
  return true;
}
