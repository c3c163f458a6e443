/**
 * lineOfCall (src/compile/parse-models.ts) finds a call's line by hand; it must find what the
 * regular expression it replaced finds, on the cases that matter and on random texts built from
 * the characters the expression cares about.
 */
import { describe, expect, it } from 'vitest';
import { lineOfCall } from '../../src/compile/parse-models.js';

/** The expression lineOfCall replaced. */
function byExpression(text: string, fn: string, arg: string): number | undefined {
  const escaped = arg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`\\b${fn}\\s*\\((?:[^)]*?,\\s*)?['"]${escaped}['"]`).exec(text);
  return match ? text.slice(0, match.index).split('\n').length : undefined;
}

describe('lineOfCall', () => {
  it('finds the line of a quoted argument, first or after a comma, in either quotes', () => {
    const text = "select 1\nfrom {{ ref('a') }}\njoin {{ source('raw', \"b\") }}\n{{ ref('pkg',\n  'c') }}\n";
    expect(lineOfCall(text, 'ref', 'a')).toBe(2);
    expect(lineOfCall(text, 'source', 'b')).toBe(3);
    expect(lineOfCall(text, 'ref', 'c')).toBe(4);
    expect(lineOfCall(text, 'ref', 'b')).toBeUndefined();
    expect(lineOfCall("{{ xref('a') }} {{ refs('a') }}", 'ref', 'a')).toBeUndefined();
    expect(lineOfCall("{% for p in ['a', 'b'] %}{{ ref(p) }}{% endfor %}", 'ref', 'a')).toBeUndefined();
    expect(lineOfCall("{{ ref(x) }}, 'a'", 'ref', 'a')).toBeUndefined();
    expect(lineOfCall("{{ ref(x, 'a.b(c)') }}", 'ref', 'a.b(c)')).toBe(1);
  });

  it('agrees with the expression on random texts', () => {
    // Single characters the expression cares about, and whole pieces of calls so that many texts hold a match.
    const pieces = [
      'ref',
      'source',
      '(',
      ')',
      ',',
      ' ',
      '\n',
      "'",
      '"',
      'a',
      'b',
      'a.b',
      'x',
      '_',
      '\u00a0',
      '\t',
      'ref (',
      'ref(',
      'source(',
      "'a'",
      '"b"',
      "'a.b'",
      ', ',
      "'a)'",
      ')',
      "ref('a'",
      "source('x', 'b'",
      'ref( \'a.b"',
      ",\n 'a'",
    ];
    const args = ['a', 'b', 'a.b', 'a', 'b', 'a.b', '', ' a', 'a)', "a'"];
    let seed = 23;
    let found = 0;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 20000; i += 1) {
      let text = '';
      const length = 1 + random(24);
      for (let k = 0; k < length; k += 1) text += pieces[random(pieces.length)];
      const fn = random(2) === 0 ? 'ref' : 'source';
      const arg = args[random(args.length)]!;
      const expected = byExpression(text, fn, arg);
      if (expected !== undefined) found += 1;
      expect(lineOfCall(text, fn, arg), JSON.stringify([text, fn, arg])).toBe(expected);
    }
    // The texts exercised the matches, not only their absence.
    expect(found).toBeGreaterThan(1000);
  });
});
