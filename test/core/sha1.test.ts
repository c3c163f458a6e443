import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1Hex } from '../../src/core/sha1.js';

describe('sha1Hex', () => {
  it("gives node:crypto's SHA-1 for empty, ASCII, multi-byte and block-boundary texts", () => {
    const texts = ['', 'abc', '/root', 'héllo wörld', '日本語テキスト', '🙂 emoji', 'a\u0000b'];
    // Lengths around the 55/56/64-byte padding edges, and several blocks.
    for (let length = 0; length <= 200; length += 1) texts.push('x'.repeat(length), 'é'.repeat(length));
    for (const text of texts) expect(sha1Hex(text), JSON.stringify(text)).toBe(hash('sha1', text));
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});
