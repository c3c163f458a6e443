/**
 * Writes planned rows to ClickHouse. Each batch is one INSERT (one block), which ClickHouse
 * applies whole or not at all, so a process killed mid-insert never leaves half a reply.
 */
import type { Adapter } from '../core/adapter-types.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { RejectedRow } from './landing-plan.js';
import { type LandingTables, latestBatchFingerprintSql, latestBatchSql, planLandingTables, rejectedTableName } from '../materialize/plan-landing.js';
import { encodeLandingRows, formatStamp, planBatch, stampPrecision } from './landing-plan.js';
import type { Spool } from './spool.js';
import { type SpooledCheck, writeSpooledRows } from './spooled-reply.js';

/** Where one source lands (database, table, quarantine, cluster). */
export type LandingTarget = LandingTables;

export interface LandResult {
  landed: number;
  duplicates: number;
}

/** Creates the database, the landing table and (if asked) the quarantine table when missing. */
export async function ensureLandingTables(adapter: Adapter, target: LandingTarget): Promise<void> {
  const precision = stampPrecision(adapter.capabilities);
  await guarded(target, 'create the landing table for', async () => {
    for (const statement of planLandingTables(target, precision).statements) await adapter.execute(statement.sql);
  });
}

/**
 * Lands one reply's payloads, skipping it when it repeats the latest batch. The check is a
 * read before the write; two writers racing past it both insert the same hashes, and
 * ReplacingMergeTree collapses those under FINAL.
 */
export async function landPayloads(
  adapter: Adapter,
  target: LandingTarget,
  payloads: readonly string[],
  options: { sourceUrl: string; nowMs: number },
): Promise<LandResult> {
  const precision = stampPrecision(adapter.capabilities);
  return guarded(target, 'land rows into', async () => {
    const latest = await adapter.query<{ _hash: string; inserted_at_ms: string }>(latestBatchSql(target.database, target.table, precision));
    const plan = planBatch(
      payloads,
      {
        hashes: new Set(latest.map((row) => row._hash)),
        insertedAtMs: latest[0] === undefined ? undefined : Number(latest[0].inserted_at_ms),
      },
      options.nowMs,
      options.sourceUrl,
      precision,
    );
    if (plan.rows.length > 0) await adapter.insert(target.database, target.table, encodeLandingRows(plan.rows));
    return { landed: plan.rows.length, duplicates: plan.duplicates };
  });
}

/**
 * Lands a reply spooled to disk (checked by checkSpooledReply): the rows are written to a file
 * and streamed to the database. Skipped, as in memory, when its set of payloads equals the latest
 * batch's (compared by fingerprint). A reply of more than one insert block (about 65,000 rows or
 * 16 MiB) lands as several parts: a process killed mid-insert can leave part of the batch, which
 * the next poll lands whole under a newer stamp (same hashes, so no row is doubled under FINAL).
 */
export async function landSpooled(
  adapter: Adapter,
  target: LandingTarget,
  spool: Spool,
  checked: Extract<SpooledCheck, { ok: true }>,
  options: { sourceUrl: string; nowMs: number },
): Promise<LandResult> {
  const precision = stampPrecision(adapter.capabilities);
  return guarded(target, 'land rows into', async () => {
    const [latest] = await adapter.query<{ count: string; low: string; high: string; inserted_at_ms: string }>(
      latestBatchFingerprintSql(target.database, target.table, precision),
    );
    const latestCount = Number(latest?.count ?? 0);
    const stampMs = planBatch(
      [],
      { hashes: new Set(), insertedAtMs: latestCount === 0 ? undefined : Number(latest!.inserted_at_ms) },
      options.nowMs,
      '',
      precision,
    ).insertedAtMs;
    const written = writeSpooledRows(spool, checked, { sourceUrl: options.sourceUrl, stamp: formatStamp(stampMs, precision) });
    const { fingerprint } = written;
    const same =
      fingerprint.count > 0 && fingerprint.count === latestCount && String(fingerprint.low) === latest?.low && String(fingerprint.high) === latest?.high;
    if (same) return { landed: 0, duplicates: checked.elements };
    if (written.rows.length > 0) await adapter.insert(target.database, target.table, written.rows);
    return { landed: written.rows.length, duplicates: written.duplicates };
  });
}

/** Keeps a rejected reply, with the reason, in `<table>__rejected`. */
export async function quarantinePayload(
  adapter: Adapter,
  target: LandingTarget,
  rejected: { payload: string; reason: string; sourceUrl: string; nowMs: number },
): Promise<void> {
  const row: RejectedRow = {
    payload: rejected.payload,
    reason: rejected.reason,
    _source_url: rejected.sourceUrl,
    _inserted_at: formatStamp(rejected.nowMs, stampPrecision(adapter.capabilities)),
  };
  await guarded(target, 'quarantine a rejected reply for', () => adapter.insert(target.database, rejectedTableName(target.table), [row]));
}

async function guarded<T>(target: LandingTarget, doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new TsdbtError({
      code: ErrorCodes.INGEST_LANDING_FAILED,
      message: `Could not ${doing} ${target.database}.${target.table}: ${detail}`,
      hint:
        error instanceof TsdbtError && error.hint !== undefined
          ? error.hint
          : 'Check that the target database is reachable and that the table was not created by hand with other columns.',
      cause: error,
    });
  }
}
