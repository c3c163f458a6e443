/**
 * PieceBuffer (src/core/json-pieces.ts) encodes pieces straight into a buffer: what it writes must be
 * the UTF-8 of the pieces joined, whatever their sizes and characters, and `bytes` must say where
 * the next piece starts (compile_index.json's offsets of manifest entries come from it).
 */
import { describe, expect, it } from 'vitest';
import { PIECE_BYTES, PieceBuffer } from '../../src/core/json-pieces.js';

function written(pieces: string[]): { out: Buffer; starts: number[]; writes: number } {
  const chunks: Buffer[] = [];
  const buffer = new PieceBuffer((bytes) => chunks.push(Buffer.from(bytes)));
  const starts: number[] = [];
  for (const piece of pieces) {
    starts.push(buffer.bytes);
    buffer.push(piece);
  }
  buffer.flush();
  return { out: Buffer.concat(chunks), starts, writes: chunks.length };
}

describe('PieceBuffer', () => {
  it('writes the UTF-8 of the pieces joined, with every piece where `bytes` said it would start', () => {
    const pieces = [
      '{',
      '"a":"é日本🙂"',
      ',',
      'x'.repeat(PIECE_BYTES / 3 - 1),
      '"\u2028"',
      '🙂'.repeat(PIECE_BYTES / 4),
      'y'.repeat(PIECE_BYTES + 5),
      '}',
      '\n',
    ];
    const { out, starts } = written(pieces);
    expect(out.equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
    pieces.forEach((piece, i) => {
      expect(starts[i]).toBe(Buffer.byteLength(pieces.slice(0, i).join('')));
      expect(out.subarray(starts[i], starts[i]! + Buffer.byteLength(piece)).toString('utf8')).toBe(piece);
    });
  });

  it('fills the buffer before writing: many small pieces make few writes', () => {
    const pieces = Array.from({ length: 100_000 }, (_, i) => `"k${i}":${i},`);
    const { out, writes } = written(pieces);
    expect(out.toString('utf8')).toBe(pieces.join(''));
    expect(writes).toBeLessThanOrEqual(Math.ceil(out.length / (PIECE_BYTES / 2)));
  });

  it('writes nothing for nothing', () => {
    expect(written([]).writes).toBe(0);
    expect(written(['']).out.length).toBe(0);
  });
});
