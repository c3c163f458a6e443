/**
 * Writes planned rows to ClickHouse. A reply held in memory is one INSERT (one block), which
 * ClickHouse applies whole or not at all; a spooled one is staged and attached in one step on
 * chDB, so a process killed mid-landing never leaves half a reply.
 */
import type { Adapter, EncodedFile } from '../core/adapter-types.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { RejectedRow } from './landing-plan.js';
import {
  LANDING_STAGING_COMMENT,
  type LandingTables,
  landingStagingLookupSql,
  landingStagingName,
  latestBatchFingerprintSql,
  latestBatchSql,
  planLandingTables,
  planStagedLanding,
  rejectedTableName,
} from '../materialize/plan-landing.js';
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
 * batch's (compared by fingerprint). A reply of more than one insert block lands as several parts;
 * on chDB they are staged and attached together (stageAndAttach), so readers see the whole reply or
 * none of it, even when the process is killed mid-landing.
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
    if (adapter.type === 'chdb') await dropLeftoverStaging(adapter, target);
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
    if (written.rows.length > 0) {
      if (adapter.type === 'chdb') await stageAndAttach(adapter, target, written.rows);
      else await adapter.insert(target.database, target.table, written.rows);
    }
    return { landed: written.rows.length, duplicates: written.duplicates };
  });
}

/**
 * Inserts the rows into a staging table, then moves its parts into the landing table with one
 * ATTACH PARTITION (which leaves the staging table's own copy, dropped next).
 */
async function stageAndAttach(adapter: Adapter, target: LandingTarget, rows: EncodedFile): Promise<void> {
  const plan = planStagedLanding(target);
  await adapter.execute(plan.create.sql);
  try {
    await adapter.execute(plan.stopMerges.sql);
    await adapter.insert(target.database, landingStagingName(target.table), rows);
    await adapter.execute(plan.attach.sql);
  } finally {
    await adapter.execute(plan.drop.sql);
  }
}

/**
 * A staging table left by a process killed mid-landing holds a reply that was either never
 * attached (its next poll lands it again) or attached already: either way it is dropped, when it
 * carries tsdbt's mark. A table of that name without the mark is refused, never dropped.
 */
async function dropLeftoverStaging(adapter: Adapter, target: LandingTarget): Promise<void> {
  const [existing] = await adapter.query<{ comment: string }>(landingStagingLookupSql(target.database, target.table));
  if (existing === undefined) return;
  if (existing.comment !== LANDING_STAGING_COMMENT) {
    throw new TsdbtError({
      code: ErrorCodes.INGEST_LANDING_FAILED,
      message: `${target.database}.${landingStagingName(target.table)} exists and was not made by tsdbt, so a large reply for ${target.database}.${target.table} cannot be staged there.`,
      hint: 'Rename or drop that table: tsdbt stages replies of more than 8 MiB under that name, and never drops a table it did not make.',
    });
  }
  await adapter.execute(planStagedLanding(target).drop.sql);
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
