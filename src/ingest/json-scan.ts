/**
 * A JSON scanner over bytes fed chunk by chunk: it validates the text as it goes and reports
 * where values start and end, so a reply spooled to disk is checked and split into payloads
 * without ever being held whole (json-text.ts does the same on a string in memory).
 *
 * Works on UTF-8 bytes: every byte JSON's grammar cares about is ASCII, and no byte of a
 * multi-byte UTF-8 sequence is, so nothing needs decoding except object keys (to match paths).
 *
 * With `elementDepth` set, the bytes of every value at that depth (the elements of the array
 * scanned from, or the root value itself at depth 0) are handed over minified (whitespace outside
 * strings left out), in runs: `elementBytes`, then `elementEnd`; or, with `elementWhole` set, in one
 * call when they are one run of one chunk (no whitespace between its tokens, as most APIs send).
 */

import { StringRuns } from './string-run.js';

export interface ScanHandlers {
  /** A value starts at absolute byte `at`, inside `depth` containers; `first` is its first byte. */
  valueStart?(depth: number, at: number, first: number): void;
  /** Minified bytes of the current element: `chunk[start, end)`. */
  elementBytes?(chunk: Buffer, start: number, end: number): void;
  elementEnd?(): void;
  /** All the minified bytes of an element that came as one run of one chunk, instead of `elementBytes` then `elementEnd`. */
  elementWhole?(chunk: Buffer, start: number, end: number): void;
}

export type ScanEnd = { ok: true } | { ok: false; reason: string };

enum S {
  Value,
  ArrayFirst,
  ObjectFirst,
  ObjectKey,
  Colon,
  After,
  String,
  Escape,
  Unicode,
  Literal,
  Number,
  Done,
}

enum N {
  Minus,
  Zero,
  Int,
  Dot,
  Frac,
  E,
  ESign,
  Exp,
}

interface Level {
  array: boolean;
  /** The current key (objects), undefined when too long to keep; the current index (arrays). */
  key: string | undefined;
  index: number;
}

const MAX_KEY_BYTES = 4096;
const LITERALS: Record<number, Buffer> = { 116: Buffer.from('true'), 102: Buffer.from('false'), 110: Buffer.from('null') };

export class JsonScanner {
  private state = S.Value;
  private number = N.Int;
  private readonly stack: Level[] = [];
  private literal: Buffer = LITERALS[116]!;
  private literalAt = 0;
  private hexLeft = 0;
  private isKey = false;
  private keyBytes: Buffer[] | undefined;
  private keyLength = 0;
  /** Where, in the chunk being read, the current key's bytes began; -1 once they are kept in keyBytes (or not kept at all). */
  private keyFrom = -1;
  private offset = 0;
  private inElement = false;
  /** Whether a run of the current element was handed over before its last. */
  private runsEmitted = false;
  private failure: string | undefined;
  private sawValue = false;

  constructor(
    private readonly handlers: ScanHandlers,
    private readonly elementDepth = -1,
    /** Stop reading at the end of the first value (a scan started at an array inside a larger text). */
    private readonly stopWhenDone = false,
    /**
     * Keys are decoded (for pathAt) only in objects less than this many containers deep: decoding
     * every key of every element cost a spooled reply's scan more than the rest of it.
     */
    private readonly keyDepth = Number.POSITIVE_INFINITY,
    /**
     * The text was scanned before and found valid (a spooled reply's second read): string
     * contents are skipped to the next quote or backslash without looking for control bytes.
     */
    private readonly validated = false,
  ) {}

  /** The key or index (as text) of the container at `level` around the current position. */
  pathAt(level: number): string | undefined {
    const entry = this.stack[level];
    if (entry === undefined) return undefined;
    return entry.array ? String(entry.index) : entry.key;
  }

  /** Whether the root value is complete (the rest of the input may still hold whitespace, or garbage). */
  get done(): boolean {
    return this.state === S.Done;
  }

  /** Feeds the next chunk; false (see `end`) once the text is known to be invalid. */
  write(chunk: Buffer): boolean {
    if (this.failure !== undefined) return false;
    let runStart = 0;
    const n = chunk.length;
    let i = 0;
    const runs = new StringRuns(chunk);
    while (i < n) {
      const c = chunk[i]!;
      switch (this.state) {
        case S.String: {
          const j = this.validated ? runs.endInValid(i, n) : runs.end(i, n);
          if (j === n) {
            if (this.isKey) this.keepKey(chunk, this.keyFrom < 0 ? i : this.keyFrom, j);
            i = j;
            continue;
          }
          const d = chunk[j]!;
          if (d < 0x20) return this.fail(`a control character (byte ${d}) inside a string`, j);
          if (this.isKey && d === 0x22 && this.keyFrom >= 0) {
            this.endKeyIn(chunk, j);
            i = j + 1;
            continue;
          }
          if (this.isKey) this.keepKey(chunk, this.keyFrom < 0 ? i : this.keyFrom, j + 1);
          if (d === 0x5c) this.state = S.Escape;
          else if (this.isKey) this.endKey();
          else {
            i = j + 1;
            runStart = this.valueEnd(chunk, runStart, i);
            continue;
          }
          i = j + 1;
          continue;
        }
        case S.Escape:
          if (this.isKey) this.keepKey(chunk, i, i + 1);
          if (c === 0x75) {
            this.state = S.Unicode;
            this.hexLeft = 4;
          } else if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) this.state = S.String;
          else return this.fail(`an invalid escape '\\${String.fromCharCode(c)}'`, i);
          i += 1;
          continue;
        case S.Unicode:
          if (!isHex(c)) return this.fail('an invalid \\u escape', i);
          if (this.isKey) this.keepKey(chunk, i, i + 1);
          this.hexLeft -= 1;
          if (this.hexLeft === 0) this.state = S.String;
          i += 1;
          continue;
        case S.Literal:
          if (c !== this.literal[this.literalAt]) return this.fail(`an unexpected ${show(c)}`, i);
          this.literalAt += 1;
          i += 1;
          if (this.literalAt === this.literal.length) runStart = this.valueEnd(chunk, runStart, i);
          continue;
        case S.Number: {
          const next = numberStep(this.number, c);
          if (next !== undefined) {
            this.number = next;
            i += 1;
            continue;
          }
          if (this.number === N.Minus || this.number === N.Dot || this.number === N.E || this.number === N.ESign)
            return this.fail(`an unexpected ${show(c)} in a number`, i);
          // The number ended just before this byte, which is read again in the state after it.
          runStart = this.valueEnd(chunk, runStart, i);
          continue;
        }
        default:
          break;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        if (this.inElement) {
          if (i > runStart) this.emitRun(chunk, runStart, i);
          runStart = i + 1;
        }
        i += 1;
        continue;
      }
      switch (this.state) {
        case S.Value:
        case S.ArrayFirst:
          if (c === 0x5d && this.state === S.ArrayFirst) {
            i += 1;
            runStart = this.close(chunk, runStart, i, true);
            if (this.failure !== undefined) return false;
            continue;
          }
          if (this.stack.length === this.elementDepth) runStart = i;
          if (!this.valueStart(c, i)) return this.fail(`an unexpected ${show(c)}`, i);
          i += 1;
          continue;
        case S.ObjectFirst:
        case S.ObjectKey:
          if (c === 0x22) {
            this.state = S.String;
            this.isKey = true;
            this.keyBytes = this.stack.length <= this.keyDepth ? [] : undefined;
            this.keyLength = 0;
            this.keyFrom = this.keyBytes === undefined ? -1 : i + 1;
          } else if (c === 0x7d && this.state === S.ObjectFirst) {
            i += 1;
            runStart = this.close(chunk, runStart, i, false);
            if (this.failure !== undefined) return false;
            continue;
          } else return this.fail(`an unexpected ${show(c)} where a key was expected`, i);
          i += 1;
          continue;
        case S.Colon:
          if (c !== 0x3a) return this.fail(`an unexpected ${show(c)} where ':' was expected`, i);
          this.state = S.Value;
          i += 1;
          continue;
        case S.After: {
          const top = this.stack[this.stack.length - 1]!;
          i += 1;
          if (c === 0x2c) this.state = top.array ? S.Value : S.ObjectKey;
          else if (c === (top.array ? 0x5d : 0x7d)) runStart = this.close(chunk, runStart, i, top.array);
          else if (c === 0x5d || c === 0x7d) return this.fail(`an unexpected ${show(c)}`, i - 1);
          else return this.fail(`an unexpected ${show(c)} after a value`, i - 1);
          continue;
        }
        case S.Done:
          if (this.stopWhenDone) {
            this.offset += i;
            return true;
          }
          return this.fail(`${show(c)} after the end of the JSON value`, i);
        default:
          return this.fail(`an unexpected ${show(c)}`, i);
      }
    }
    // A key whose opening quote ended the chunk: its (so far empty) bytes are kept the slow way.
    this.keyFrom = -1;
    if (this.inElement && n > runStart) this.emitRun(chunk, runStart, n);
    this.offset += n;
    return true;
  }

  /** After the last chunk: whether the text was one whole JSON value. */
  end(): ScanEnd {
    if (this.failure !== undefined) return { ok: false, reason: this.failure };
    if (
      this.state === S.Number &&
      this.stack.length === 0 &&
      (this.number === N.Zero || this.number === N.Int || this.number === N.Frac || this.number === N.Exp)
    ) {
      this.valueEnd(Buffer.alloc(0), 0, 0);
    }
    if (this.state === S.Done) return { ok: true };
    if (!this.sawValue) return { ok: false, reason: 'the reply is empty' };
    return { ok: false, reason: `the reply is truncated JSON (it ends inside a value, at byte ${this.offset.toLocaleString('en-US')})` };
  }

  private valueStart(c: number, i: number): boolean {
    const depth = this.stack.length;
    const parent = this.stack[depth - 1];
    if (parent?.array === true) parent.index += 1;
    if (c === 0x7b || c === 0x5b) {
      this.state = c === 0x7b ? S.ObjectFirst : S.ArrayFirst;
    } else if (c === 0x22) {
      this.state = S.String;
      this.isKey = false;
    } else if (LITERALS[c] !== undefined) {
      this.state = S.Literal;
      this.literal = LITERALS[c]!;
      this.literalAt = 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.state = S.Number;
      this.number = c === 0x2d ? N.Minus : c === 0x30 ? N.Zero : N.Int;
    } else return false;
    this.sawValue = true;
    this.handlers.valueStart?.(depth, this.offset + i, c);
    if (depth === this.elementDepth) {
      this.inElement = true;
      this.runsEmitted = false;
    }
    if (c === 0x7b || c === 0x5b) this.stack.push({ array: c === 0x5b, key: undefined, index: -1 });
    return true;
  }

  /** `]` or `}` just read (`i` is past it): the container ends. */
  private close(chunk: Buffer, runStart: number, i: number, array: boolean): number {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || top.array !== array) {
      this.fail(`an unexpected '${array ? ']' : '}'}'`, i - 1);
      return runStart;
    }
    this.stack.pop();
    return this.valueEnd(chunk, runStart, i);
  }

  /** A value ended just before `end`; returns where the next run of element bytes starts. */
  private valueEnd(chunk: Buffer, runStart: number, end: number): number {
    this.state = this.stack.length === 0 ? S.Done : S.After;
    if (!this.inElement || this.stack.length !== this.elementDepth) return runStart;
    this.inElement = false;
    if (!this.runsEmitted && this.handlers.elementWhole !== undefined) {
      this.handlers.elementWhole(chunk, runStart, end);
      return end;
    }
    if (end > runStart) this.handlers.elementBytes?.(chunk, runStart, end);
    this.handlers.elementEnd?.();
    return end;
  }

  /** A run of the current element that is not its last (whitespace or the chunk's end follows). */
  private emitRun(chunk: Buffer, start: number, end: number): void {
    this.runsEmitted = true;
    this.handlers.elementBytes?.(chunk, start, end);
  }

  /** Keeps a copy of key bytes that end a chunk or reach an escape; the key is then decoded by endKey. */
  private keepKey(chunk: Buffer, start: number, end: number): void {
    this.keyFrom = -1;
    if (this.keyBytes === undefined || end <= start) return;
    this.keyLength += end - start;
    if (this.keyLength > MAX_KEY_BYTES) this.keyBytes = undefined;
    else this.keyBytes.push(Buffer.from(chunk.subarray(start, end)));
  }

  /**
   * The closing quote, at `quote`, of a key that began in this chunk at `keyFrom` with no escape:
   * its bytes are the key's UTF-8 text as they are, decoded without a copy (most keys).
   */
  private endKeyIn(chunk: Buffer, quote: number): void {
    const top = this.stack[this.stack.length - 1]!;
    // Counted with the closing quote, as keepKey counts what it keeps.
    top.key = quote + 1 - this.keyFrom > MAX_KEY_BYTES ? undefined : chunk.toString('utf8', this.keyFrom, quote);
    this.keyFrom = -1;
    this.isKey = false;
    this.state = S.Colon;
  }

  /** The closing quote of a key (kept with it) was just read. */
  private endKey(): void {
    const top = this.stack[this.stack.length - 1]!;
    // The kept bytes end with the closing quote.
    top.key = this.keyBytes === undefined ? undefined : (JSON.parse(`"${Buffer.concat(this.keyBytes).toString('utf8')}`) as string);
    this.isKey = false;
    this.state = S.Colon;
  }

  private fail(what: string, i: number): false {
    this.failure = `the reply is not valid JSON (${what} at byte ${(this.offset + i).toLocaleString('en-US')})`;
    return false;
  }
}

function numberStep(state: N, c: number): N | undefined {
  const digit = c >= 0x30 && c <= 0x39;
  switch (state) {
    case N.Minus:
      return c === 0x30 ? N.Zero : digit ? N.Int : undefined;
    case N.Zero:
      return c === 0x2e ? N.Dot : c === 0x65 || c === 0x45 ? N.E : undefined;
    case N.Int:
      return digit ? N.Int : c === 0x2e ? N.Dot : c === 0x65 || c === 0x45 ? N.E : undefined;
    case N.Dot:
    case N.Frac:
      return digit ? N.Frac : state === N.Frac && (c === 0x65 || c === 0x45) ? N.E : undefined;
    case N.E:
      return c === 0x2b || c === 0x2d ? N.ESign : digit ? N.Exp : undefined;
    case N.ESign:
    case N.Exp:
      return digit ? N.Exp : undefined;
    default:
      return undefined;
  }
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function show(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte ${c}`;
}
