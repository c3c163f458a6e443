/**
 * `JSON.stringify` of a large value handed over in pieces, and the pieces joined into writes of
 * PIECE_BYTES: the artifacts (manifest.json is 89 MB at 10,000 models) and partial_parse.json
 * (26 MB) are never held as one string. Pure: the caller's `write` does the I/O.
 */

/**
 * How much text is joined for one write. Strings above V8's largest ordinary object (128 KiB)
 * are made in the large-object space, which counts toward the old generation and is freed only by a
 * full collection: written a megabyte at a time, the 89 MB manifest of 10,000 models filled it
 * twice over (the joined pieces and the groups' JSON) and the heap grew to hold it. Smaller
 * pieces die young.
 */
export const PIECE_BYTES = 1 << 16;

/** Pieces collected and handed to `write` joined, PIECE_BYTES or more at a time. */
export class PieceBuffer {
  private pending: string[] = [];
  private size = 0;

  constructor(private readonly write: (text: string) => void) {}

  push(piece: string): void {
    this.pending.push(piece);
    this.size += piece.length;
    if (this.size >= PIECE_BYTES) this.flush();
  }

  /** Writes what is pending (nothing when nothing is). */
  flush(): void {
    if (this.pending.length === 0) return;
    this.write(this.pending.join(''));
    this.pending = [];
    this.size = 0;
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
 * one, with their byte offsets told to `own.note`.
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
      emit(first ? `{${inner}` : `,${inner}`);
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
