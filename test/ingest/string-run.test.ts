/**
 * The word-at-a-time search for the end of a plain string run (src/ingest/string-run.ts) against
 * a byte-by-byte search, on seeded random bytes at every alignment of the chunk in its buffer.
 */
import { describe, expect, it } from 'vitest';
import { StringRuns } from '../../src/ingest/string-run.js';
import { seededRandom } from '../support/seeded-random.js';

function byteByByte(chunk: Uint8Array, from: number, end: number, controlStops = true): number {
  for (let i = from; i < end; i += 1) {
    const byte = chunk[i]!;
    if (byte === 0x22 || byte === 0x5c || (controlStops && byte < 0x20)) return i;
  }
  return end;
}

/** Mostly plain bytes (ASCII and UTF-8 continuation bytes alike), sometimes a byte that ends a run or one next to it. */
function randomByte(random: () => number, stopRate: number): number {
  if (random() < stopRate) return [0x22, 0x5c, 0x00, 0x1f, 0x0a, 0x09][Math.floor(random() * 6)]!;
  return [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x78, 0x7f, 0x80, 0xa0, 0xc3, 0xff][Math.floor(random() * 11)]!;
}

describe('StringRuns', () => {
  it('finds the first quote, backslash or control byte (in valid text: quote or backslash) as a byte-by-byte search does, at any alignment', () => {
    const random = seededRandom(20261207);
    let searches = 0;
    for (let n = 0; n < 3000; n += 1) {
      const offset = Math.floor(random() * 8);
      const length = Math.floor(random() * 400);
      const backing = new Uint8Array(offset + length + 8);
      const chunk = Buffer.from(backing.buffer, offset, length);
      const stopRate = [0, 0.001, 0.01, 0.1][Math.floor(random() * 4)]!;
      for (let i = 0; i < length; i += 1) chunk[i] = randomByte(random, stopRate);
      const runs = new StringRuns(chunk);
      // In valid text (endInValid) the runs of a chunk are asked for in order, as a scan reaches them.
      const valid = new StringRuns(chunk);
      const starts = Array.from({ length: 5 }, () => Math.floor(random() * (length + 1))).sort((a, b) => a - b);
      for (const from of starts) {
        const end = from + Math.floor(random() * (length - from + 1));
        const where = `offset ${offset}, [${from}, ${end}) of ${chunk.toString('hex')}`;
        expect(runs.end(from, end), where).toBe(byteByByte(chunk, from, end));
        expect(valid.endInValid(from, end), where).toBe(byteByByte(chunk, from, end, false));
        searches += 1;
      }
    }
    expect(searches).toBe(15000);
  });
});
