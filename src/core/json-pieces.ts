/**
 * `JSON.stringify` of a large value handed over in pieces, and the pieces joined into writes of
 * PIECE_BYTES: the artifacts (manifest.json is 89 MB at 10,000 models) and partial_parse.json
 * (26 MB) are never held as one string. Pure: the caller's `write` does the I/O.
 */

/**
 * How much is written at once. The pieces are encoded as UTF-8 straight into one buffer of this
 * size, outside V8's heap, and never joined into a string: joining them (in 64 KiB strings) and
 * then encoding each string for the write made two more copies of the whole artifact (89 MB for
 * the manifest of 10,000 models), and counting the bytes of a joined piece flattened it again.
 */
export const PIECE_BYTES = 1 << 20;

/** The most UTF-8 bytes one UTF-16 code unit takes (a pair of surrogates takes 4 for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/** Pieces encoded into a buffer handed to `write` when it is full (and by `flush`). */
export class PieceBuffer {
  private readonly buffer = Buffer.allocUnsafe(PIECE_BYTES);
  private used = 0;
  /** UTF-8 bytes of every piece pushed so far, written or pending: where the next piece starts. */
  bytes = 0;

  /** `write` must be done with the bytes when it returns (they are overwritten next). */
  constructor(private readonly write: (bytes: Uint8Array) => void) {}

  push(piece: string): void {
    if (piece.length * MAX_BYTES_PER_UNIT > PIECE_BYTES - this.used) {
      this.flush();
      if (piece.length * MAX_BYTES_PER_UNIT > PIECE_BYTES) {
        const encoded = Buffer.from(piece, 'utf8');
        this.bytes += encoded.length;
        this.write(encoded);
        return;
      }
    }
    const length = this.buffer.write(piece, this.used, 'utf8');
    this.used += length;
    this.bytes += length;
  }

  /** Writes what is pending (nothing when nothing is). */
  flush(): void {
    if (this.used === 0) return;
    this.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/** Where one entry of a grouped object was written, for a caller that asks (see `writeGrouped`'s `own`). */
export type EntryOffsets = (key: string, start: number, end: number) => void;

/**
 * `JSON.stringify(value)` handed to `emit` in pieces: plain objects down to `depth` are written
 * entry by entry, the entries of the deepest such level in groups of `groupSize`.
 */
export function writeJsonPieces(value: unknown, depth: number, emit: (piece: string) => void, groupSize: number): void {
  if (!isPlainRecord(value) || depth === 0) {
    emit(JSON.stringify(value) ?? 'null');
    return;
  }
  if (depth === 1) {
    writeGrouped(Object.keys(value), (key) => value[key], emit, groupSize);
    return;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    emit(`${first ? '{' : ','}${JSON.stringify(key)}:`);
    first = false;
    writeJsonPieces(item, depth - 1, emit, groupSize);
  }
  emit(first ? '{}' : '}');
}

/**
 * The JSON object of `keys` with their `entry` values, stringified `groupSize` entries at a time
 * (JSON.stringify's cost per call shows when it is called per entry); `own.wanted` entries one by
 * one, with their byte offsets told to `own.note`. Groups are kept small because a string above
 * V8's largest ordinary object (128 KiB) is made in the large-object space, which counts toward
 * the old generation and is freed only by a full collection; smaller pieces die young.
 */
export function writeGrouped(
  keys: readonly string[],
  entry: (key: string) => unknown,
  emit: (piece: string) => void,
  groupSize: number,
  own?: { wanted: (key: string) => boolean; at: () => number; note: EntryOffsets },
): void {
  let first = true;
  // A null-prototype group keeps a `__proto__` key an ordinary key. A group lists array-index
  // keys first: callers pass an object's own key order, where they come first too, or unique ids.
  let group: Record<string, unknown> = Object.create(null);
  let count = 0;
  const flushGroup = () => {
    const inner = JSON.stringify(group).slice(1, -1);
    if (inner !== '') {
      // Two pieces, not one made by concatenation, which would be copied once more to be encoded.
      emit(first ? '{' : ',');
      emit(inner);
      first = false;
    }
    group = Object.create(null);
    count = 0;
  };
  for (const key of keys) {
    if (own?.wanted(key) === true) {
      const json = JSON.stringify(entry(key));
      if (json === undefined) continue;
      if (count > 0) flushGroup();
      emit(`${first ? '{' : ','}${JSON.stringify(key)}:`);
      first = false;
      const start = own.at();
      emit(json);
      own.note(key, start, own.at());
      continue;
    }
    group[key] = entry(key);
    if (++count === groupSize) flushGroup();
  }
  if (count > 0) flushGroup();
  emit(first ? '{}' : '}');
}

/** An object JSON.stringify writes key by key: no toJSON, a plain or null prototype. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
