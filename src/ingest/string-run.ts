/**
 * Where a run of plain string bytes ends in JSON text: the first quote, backslash or control byte
 * (below 0x20) at or after a position. Inside a spooled reply most bytes are string contents, so
 * json-scan.ts asks this once per string instead of testing each byte in its state machine.
 *
 * Four bytes are tested at a time, as one 32-bit word of an Int32Array view on the chunk, with
 * the classic "has a zero byte" and "has a byte less than n" word tricks; a word that may hold a
 * match is then searched byte by byte. The view depends only on where the chunk lies in its
 * ArrayBuffer, so the order of bytes within a word (the platform's endianness) does not matter.
 */

const QUOTES = 0x22222222;
const BACKSLASHES = 0x5c5c5c5c;
const ONES = 0x01010101;
const SPACES = 0x20202020;
const HIGH_BITS = 0x80808080 | 0;
/**
 * The first this many bytes of a run are searched byte by byte: most strings in API replies (keys,
 * names, codes) end within them, and for those a word view's set-up or a native search costs more
 * than it saves.
 */
const BYTES_FIRST = 24;

/** A chunk and its word view, made once per chunk. */
export class StringRuns {
  private words: Int32Array | undefined;
  /** The chunk index of the view's first byte. */
  private wordsAt = 0;
  /** The first quote and backslash at or after the last search for each (-1: none left), -2 before the first search. */
  private quote = -2;
  private backslash = -2;

  constructor(private readonly chunk: Buffer) {}

  /** The index of the first '"', '\\' or byte below 0x20 in `chunk[from, end)`, or `end`. */
  end(from: number, end: number): number {
    const chunk = this.chunk;
    const first = Math.min(end, from + BYTES_FIRST);
    let i = from;
    for (; i < first; i += 1) if (stops(chunk[i]!)) return i;
    if (end - i >= 8) {
      const words = this.wordView();
      // Bytes before the first whole word, then whole words, then what is left.
      const firstWord = Math.ceil((i - this.wordsAt) / 4);
      const lastWord = Math.floor((end - this.wordsAt) / 4);
      const wordStart = this.wordsAt + firstWord * 4;
      for (; i < wordStart; i += 1) if (stops(chunk[i]!)) return i;
      let w = firstWord;
      for (; w < lastWord; w += 1) {
        const word = words[w]!;
        const quote = word ^ QUOTES;
        const backslash = word ^ BACKSLASHES;
        if ((((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((word - SPACES) & ~word)) & HIGH_BITS) break;
      }
      i = this.wordsAt + w * 4;
    }
    for (; i < end; i += 1) if (stops(chunk[i]!)) return i;
    return end;
  }

  /**
   * The same, for text already known to be valid JSON (a spooled reply's second read): no
   * control byte can be inside a string, so only quotes and backslashes are looked for, with
   * indexOf (memchr), each found once per chunk as the strings come in order.
   */
  endInValid(from: number, end: number): number {
    const chunk = this.chunk;
    const first = Math.min(end, from + BYTES_FIRST);
    for (let i = from; i < first; i += 1) {
      const byte = chunk[i]!;
      if (byte === 0x22 || byte === 0x5c) return i;
    }
    if (first === end) return end;
    const quote = this.nextQuote(first);
    const backslash = this.nextBackslash(first);
    const stop = quote === -1 ? backslash : backslash === -1 ? quote : Math.min(quote, backslash);
    return stop === -1 || stop > end ? end : stop;
  }

  /**
   * The first backslash at or after `from` in the chunk, or -1. Asked with `from` never going
   * back (as a scan reaches the chunk's strings in order), each backslash is found once.
   */
  nextBackslash(from: number): number {
    if (this.backslash !== -1 && this.backslash < from) this.backslash = this.chunk.indexOf(0x5c, from);
    return this.backslash;
  }

  /** The same for quotes. */
  private nextQuote(from: number): number {
    if (this.quote !== -1 && this.quote < from) this.quote = this.chunk.indexOf(0x22, from);
    return this.quote;
  }

  private wordView(): Int32Array {
    if (this.words === undefined) {
      const chunk = this.chunk;
      const skip = (4 - (chunk.byteOffset % 4)) % 4;
      this.wordsAt = Math.min(skip, chunk.length);
      this.words = new Int32Array(chunk.buffer, chunk.byteOffset + this.wordsAt, Math.floor((chunk.length - this.wordsAt) / 4));
    }
    return this.words;
  }
}

function stops(byte: number): boolean {
  return byte === 0x22 || byte === 0x5c || byte < 0x20;
}
