/**
 * A reply spooled to disk (spool.ts), turned into rows to land without holding it in memory:
 * the same checks and the same payloads as payload.ts gives for a reply in memory, in two reads
 * of the file.
 *   1. Validate the whole text as JSON, find the value `path` points at (the last one, when a key
 *      repeats, as JSON.parse keeps) and walk its elements (or the root, for `format: json`):
 *      check the required fields, hash each minified element, write each hash to a file beside
 *      the reply and keep its first 8 bytes in memory (8 bytes per element is all this keeps), so
 *      that repeats within the reply can be found.
 *   2. Write the rows as TabSeparated text to a third file, reading each element's hash back from
 *      the first read's file instead of hashing the element again, leaving out repeats, and sum
 *      the hashes kept (a fingerprint of the set, to compare with the latest batch in the database).
 * All or nothing, as in memory: a reply that fails a check in the first read is rejected whole
 * before anything is written.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { EncodedFile } from '../core/adapter-types.js';
import type { IngestConfig } from './ingest-config.js';
import { splitPath } from './ingest-config.js';
import { JsonScanner } from './json-scan.js';
import { StringRuns } from './string-run.js';
import { LANDING_COLUMNS, tsvField } from './landing-plan.js';
import { BufferedFile, readChunks, type Spool } from './spool.js';

type Shape = Pick<IngestConfig, 'format' | 'path' | 'required'>;

/** The sums of the first and second 8 bytes (little-endian) of each distinct hash, modulo 2^64, and how many. */
export interface SetFingerprint {
  count: number;
  low: bigint;
  high: bigint;
}

export type SpooledCheck =
  | {
      ok: true;
      at: number;
      elementDepth: 0 | 1;
      prefixes: BigUint64Array;
      elements: number;
      /** The file of the elements' sha256 digests, 32 bytes each, in order. */
      digests: string;
    }
  | { ok: false; reason: string };

/** Bytes of a sha256 digest. */
const DIGEST_BYTES = 32;

/**
 * The first read: whether the reply is landable, and where its payloads are. The
 * whole text is validated as it is read; the elements of each value met at `path` are hashed and
 * checked as they come, and a later value at the same path (a repeated key) replaces an earlier
 * one's results, as JSON.parse keeps the last. A reply that fails reports what a read that
 * validated first would: a syntax error anywhere, then a value at `path` that is not an array,
 * then the first element that lacks a required field.
 */
export function checkSpooledReply(spool: Spool, shape: Shape): SpooledCheck {
  const each = shape.format === 'json_each';
  const path = shape.path;
  // Depths from the root: the value at `path`, and the values hashed (its elements, or itself).
  const pathDepth = path.length;
  const elementDepth = pathDepth + (each ? 1 : 0);
  const required = shape.required.map((dotted) => splitPath(dotted));
  const digestsFile = spool.sibling('digests.bin');
  let value: ValueAtPath | undefined;
  let collecting = false;
  let hash = createHash('sha256');
  const found = new Array<boolean>(required.length).fill(false);
  // Only the first problem is kept: the list of missing fields is made once there is one to report.
  const problemOf = (): string | undefined => {
    if (value!.problem !== undefined || !found.includes(false)) return undefined;
    const missing = shape.required.filter((_, index) => !found[index]);
    return `${each ? `element ${value!.count}` : 'the reply'} lacks the required ${missing.length === 1 ? 'field' : 'fields'} ${missing.join(', ')}`;
  };
  const elementDone = (digest: Buffer): void => {
    value!.add(digest, problemOf());
    collecting = false;
    found.fill(false);
  };
  const atPath = (): boolean => {
    for (let level = 0; level < pathDepth; level += 1) if (scanner.pathAt(level) !== path[level]) return false;
    return true;
  };
  const scanner: JsonScanner = new JsonScanner(
    {
      valueStart: (depth, offset, first) => {
        if (depth === pathDepth && atPath()) {
          value?.digests.close();
          value = new ValueAtPath(offset, first, digestsFile);
          collecting = !each;
        } else if (depth === elementDepth && each && value !== undefined && atPath()) collecting = true;
        const relative = depth - elementDepth;
        if (!collecting || required.length === 0 || relative < 1 || first === 0x6e) return;
        for (const [index, field] of required.entries()) {
          if (field.length === relative && field.every((key, level) => scanner.pathAt(elementDepth + level) === key)) found[index] = true;
        }
      },
      elementBytes: (chunk, start, end) => {
        if (collecting) hash.update(chunk.subarray(start, end));
      },
      elementEnd: () => {
        if (!collecting) return;
        elementDone(hash.digest());
        hash = createHash('sha256');
      },
      // Most elements: one call instead of a hash object, an update and a digest.
      elementWhole: (chunk, start, end) => {
        if (collecting) elementDone(oneShotHash('sha256', chunk.subarray(start, end), 'buffer'));
      },
    },
    elementDepth,
    false,
    Math.max(pathDepth, elementDepth + Math.max(0, ...required.map((field) => field.length))),
  );
  let end: ReturnType<JsonScanner['end']>;
  try {
    readChunks(spool.file, 0, (chunk) => scanner.write(chunk));
    end = scanner.end();
  } finally {
    value?.digests.close();
  }
  if (!end.ok) return end;
  if (each && value?.first !== 0x5b) {
    const where = pathDepth === 0 ? 'the reply' : `'${path.join('.')}' in the reply`;
    return { ok: false, reason: `${where} is not an array (format json_each needs one)` };
  }
  if (value === undefined) throw new Error('checkSpooledReply: a valid reply without a root value');
  if (value.problem !== undefined) return { ok: false, reason: value.problem };
  return { ok: true, at: value.at, elementDepth: each ? 1 : 0, prefixes: value.prefixes.subarray(0, value.count), elements: value.count, digests: digestsFile };
}

/**
 * The value met at the reply's `path` (where it starts and its first byte) and what the first
 * read keeps of its elements: each hash written to the digests file, its first 8 bytes in memory, and the
 * first element's problem.
 */
class ValueAtPath {
  prefixes = new BigUint64Array(1024);
  count = 0;
  problem: string | undefined;
  readonly digests: BufferedFile;

  constructor(
    readonly at: number,
    readonly first: number,
    file: string,
  ) {
    // Opened for writing, so a later value at the same path starts the file again.
    this.digests = new BufferedFile(file);
  }

  add(digest: Buffer, problem: string | undefined): void {
    if (this.count === this.prefixes.length) {
      const grown = new BigUint64Array(this.prefixes.length * 2);
      grown.set(this.prefixes);
      this.prefixes = grown;
    }
    this.digests.write(digest);
    this.prefixes[this.count] = digest.readBigUInt64LE(0);
    this.problem ??= problem;
    this.count += 1;
  }
}

/**
 * The second read: the rows (payload, hash, URL, stamp) in `spool.sibling('rows.tsv')`, each distinct
 * payload once, and the fingerprint of the set of hashes written.
 */
export function writeSpooledRows(
  spool: Spool,
  checked: Extract<SpooledCheck, { ok: true }>,
  row: { sourceUrl: string; stamp: string },
): { rows: EncodedFile; duplicates: number; fingerprint: SetFingerprint } {
  const repeated = repeatedPrefixes(checked.prefixes);
  const seen = new Set<string>();
  const file = spool.sibling('rows.tsv');
  const tail = Buffer.from(`\t${tsvField(row.sourceUrl)}\t${tsvField(row.stamp)}\n`);
  const fingerprint: SetFingerprint = { count: 0, low: 0n, high: 0n };
  const out = new BufferedFile(file);
  const digests = new DigestReader(checked.digests);
  // The chunk being read, where writeEscaped finds its backslashes.
  let runs = new StringRuns(Buffer.alloc(0));
  let index = 0;
  let written = 0;
  // The element being written: its hash (from the first read), and whether it repeats one written before.
  let hex = '';
  let low = 0n;
  let high = 0n;
  let repeat = false;
  const startElement = (): void => {
    const at = digests.next();
    hex = digests.buffer.toString('hex', at, at + DIGEST_BYTES);
    low = digests.buffer.readBigUInt64LE(at);
    high = digests.buffer.readBigUInt64LE(at + 8);
    // Only an element whose hash prefix repeats in the reply can be a repeat: only those hashes are kept.
    const mayRepeat = repeated.has(low);
    repeat = mayRepeat && seen.has(hex);
    if (mayRepeat) seen.add(hex);
  };
  const scanner = new JsonScanner(
    {
      elementBytes: (chunk, start, end) => {
        if (!repeat) writeEscaped(out, chunk, start, end, runs);
      },
      elementEnd: () => {
        if (!repeat) {
          out.writeLatin1(`\t${hex}`);
          out.write(tail);
          written += 1;
          fingerprint.count += 1;
          fingerprint.low = BigInt.asUintN(64, fingerprint.low + low);
          fingerprint.high = BigInt.asUintN(64, fingerprint.high + high);
        }
        index += 1;
        if (index < checked.elements) startElement();
      },
    },
    checked.elementDepth,
    true,
    0,
    true, // the first read found the text valid
  );
  try {
    if (checked.elements > 0) startElement();
    readChunks(spool.file, checked.at, (chunk) => {
      runs = new StringRuns(chunk);
      return scanner.write(chunk) && !scanner.done;
    });
    if (!scanner.done) scanner.end();
  } finally {
    out.close();
    digests.close();
  }
  return {
    rows: { format: 'TabSeparated', columns: LANDING_COLUMNS, file, length: written },
    duplicates: checked.elements - written,
    fingerprint,
  };
}

/** Reads the first read's digests back in order, a block at a time (the file is opened at the first read). */
class DigestReader {
  readonly buffer = Buffer.allocUnsafe(DIGEST_BYTES * 2048);
  private fd: number | undefined;
  private filled = 0;
  private at = 0;
  private position = 0;

  constructor(private readonly file: string) {}

  /** Where the next digest starts in `buffer` (valid until the next call). */
  next(): number {
    if (this.at === this.filled) this.refill();
    const at = this.at;
    this.at += DIGEST_BYTES;
    return at;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private refill(): void {
    this.fd ??= openSync(this.file, 'r');
    let filled = 0;
    for (let read = -1; read !== 0 && filled < this.buffer.length; filled += read) {
      read = readSync(this.fd, this.buffer, filled, this.buffer.length - filled, this.position + filled);
    }
    if (filled < DIGEST_BYTES || filled % DIGEST_BYTES !== 0)
      throw new Error(`the spooled reply's digests end at byte ${this.position + filled}, inside a digest or before one`);
    this.position += filled;
    this.filled = filled;
    this.at = 0;
  }
}

/** Prefixes that occur more than once (sorted copy, so 8 more bytes per element while it runs). */
function repeatedPrefixes(prefixes: BigUint64Array): Set<bigint> {
  const sorted = prefixes.slice().sort();
  const repeated = new Set<bigint>();
  for (let i = 1; i < sorted.length; i += 1) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]!);
  return repeated;
}

/**
 * A minified JSON run, `chunk[start, end)`, as part of a TabSeparated field: only backslashes need
 * doubling (no raw tab or newline survives minifying). `runs` is the chunk's: runs come in order,
 * so each backslash is found once per chunk, without a view or a search per run.
 */
function writeEscaped(out: BufferedFile, chunk: Buffer, start: number, end: number, runs: StringRuns): void {
  let from = start;
  for (let slash = runs.nextBackslash(from); slash !== -1 && slash < end; slash = runs.nextBackslash(slash + 1)) {
    out.write(chunk, from, slash + 1);
    out.write(BACKSLASH);
    from = slash + 1;
  }
  out.write(chunk, from, end);
}

const BACKSLASH = Buffer.from('\\');
