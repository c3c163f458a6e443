/**
 * A reply spooled to disk (spool.ts), turned into rows to land without holding it in memory:
 * the same checks and the same payloads as payload.ts gives for a reply in memory, in three
 * passes over the file.
 *   1. Validate the whole text as JSON and find the value `path` points at (the last one, when a
 *      key repeats, as JSON.parse keeps).
 *   2. Walk its elements (or the root, for `format: json`): check the required fields, hash each
 *      minified element, write each hash to a file beside the reply and keep its first 8 bytes in
 *      memory (8 bytes per element is all this keeps), so that repeats within the reply can be found.
 *   3. Write the rows as TabSeparated text to a third file, reading each element's hash back from
 *      pass 2's file instead of hashing the element again, leaving out repeats, and sum the hashes
 *      kept (a fingerprint of the set, to compare with the latest batch in the database).
 * All or nothing, as in memory: a reply that fails a check in pass 1 or 2 is rejected whole
 * before anything is written.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { EncodedFile } from '../core/adapter-types.js';
import type { IngestConfig } from './ingest-config.js';
import { splitPath } from './ingest-config.js';
import { JsonScanner } from './json-scan.js';
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

/** Passes 1 and 2: whether the reply is landable, and where its payloads are. */
export function checkSpooledReply(spool: Spool, shape: Shape): SpooledCheck {
  const located = locate(spool, shape.path);
  if (!located.ok) return located;
  const each = shape.format === 'json_each';
  if (each && located.first !== 0x5b) {
    const where = shape.path.length === 0 ? 'the reply' : `'${shape.path.join('.')}' in the reply`;
    return { ok: false, reason: `${where} is not an array (format json_each needs one)` };
  }
  const elementDepth = each ? 1 : 0;
  const required = shape.required.map((dotted) => splitPath(dotted));
  let prefixes = new BigUint64Array(1024);
  let count = 0;
  let hash = createHash('sha256');
  let found = new Array<boolean>(required.length).fill(false);
  let problem: string | undefined;
  const digestsFile = spool.sibling('digests.bin');
  const digests = new BufferedFile(digestsFile);
  const scanner: JsonScanner = new JsonScanner(
    {
      valueStart: (depth, _at, first) => {
        const relative = depth - elementDepth;
        if (required.length === 0 || relative < 1 || first === 0x6e) return;
        for (const [index, path] of required.entries()) {
          if (path.length === relative && path.every((key, level) => scanner.pathAt(elementDepth + level) === key)) found[index] = true;
        }
      },
      elementBytes: (chunk, start, end) => hash.update(chunk.subarray(start, end)),
      elementEnd: () => {
        if (count === prefixes.length) {
          const grown = new BigUint64Array(prefixes.length * 2);
          grown.set(prefixes);
          prefixes = grown;
        }
        const digest = hash.digest();
        digests.write(digest);
        prefixes[count] = digest.readBigUInt64LE(0);
        const missing = shape.required.filter((_, index) => !found[index]);
        if (missing.length > 0 && problem === undefined) {
          const what = each ? `element ${count}` : 'the reply';
          problem = `${what} lacks the required ${missing.length === 1 ? 'field' : 'fields'} ${missing.join(', ')}`;
        }
        count += 1;
        hash = createHash('sha256');
        found = found.fill(false);
      },
    },
    elementDepth,
    true,
    elementDepth + Math.max(0, ...required.map((path) => path.length)),
    true, // pass 1 found the text valid
  );
  try {
    readChunks(spool.file, located.at, (chunk) => scanner.write(chunk) && !scanner.done && problem === undefined);
    if (!scanner.done) scanner.end(); // a root that is a bare number ends only here
  } finally {
    digests.close();
  }
  if (problem !== undefined) return { ok: false, reason: problem };
  return { ok: true, at: located.at, elementDepth, prefixes: prefixes.subarray(0, count), elements: count, digests: digestsFile };
}

/**
 * Pass 3: the rows (payload, hash, URL, stamp) in `spool.sibling('rows.tsv')`, each distinct
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
  const backslashes = new Backslashes();
  let index = 0;
  let written = 0;
  // The element being written: its hash (from pass 2), and whether it repeats one written before.
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
        if (!repeat) writeEscaped(out, chunk, start, end, backslashes);
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
    true, // pass 1 found the text valid
  );
  try {
    if (checked.elements > 0) startElement();
    readChunks(spool.file, checked.at, (chunk) => {
      backslashes.reset(chunk);
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

/** Reads pass 2's digests back in order, a block at a time (the file is opened at the first read). */
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

/** Pass 1: the JSON is whole and valid, and where the value at `path` starts (with its first byte). */
function locate(spool: Spool, path: readonly string[]): { ok: true; at: number; first: number } | { ok: false; reason: string } {
  let at = -1;
  let first = 0;
  const scanner: JsonScanner = new JsonScanner(
    {
      valueStart: (depth, offset, byte) => {
        if (depth !== path.length) return;
        for (let level = 0; level < depth; level += 1) if (scanner.pathAt(level) !== path[level]) return;
        at = offset;
        first = byte;
      },
    },
    -1,
    false,
    path.length,
  );
  readChunks(spool.file, 0, (chunk) => scanner.write(chunk));
  const end = scanner.end();
  if (!end.ok) return end;
  if (at < 0) return { ok: true, at: 0, first: 0 };
  return { ok: true, at, first };
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
 * doubling (no raw tab or newline survives minifying).
 */
function writeEscaped(out: BufferedFile, chunk: Buffer, start: number, end: number, backslashes: Backslashes): void {
  let from = start;
  for (let slash = backslashes.next(from); slash !== -1 && slash < end; slash = backslashes.next(slash + 1)) {
    out.write(chunk, from, slash + 1);
    out.write(BACKSLASH);
    from = slash + 1;
  }
  out.write(chunk, from, end);
}

/**
 * The backslashes of the chunk being scanned, found with indexOf as the runs ask for them: a
 * search bounded by each run would need a copy or a view per run, and an unbounded one from each
 * run would read the rest of the chunk again for every run. Runs come in order, so the last one
 * found serves every run before it.
 */
class Backslashes {
  private chunk: Buffer = Buffer.alloc(0);
  /** The first backslash at or after the last search's start (-1: none), or -2 before a search. */
  private found = -2;

  reset(chunk: Buffer): void {
    this.chunk = chunk;
    this.found = -2;
  }

  /** The first backslash at or after `from`, or -1. */
  next(from: number): number {
    if (this.found === -2 || (this.found !== -1 && this.found < from)) this.found = this.chunk.indexOf(0x5c, from);
    return this.found;
  }
}

const BACKSLASH = Buffer.from('\\');
