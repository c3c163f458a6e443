/**
 * The fast path's lexer (src/template/fast-lexer.ts) against nunjucks' own: the same tokens, lines
 * and columns. It looks ahead for tag starts and backslashes once per text rather than once per
 * token, and slices strings without escapes whole; these cases put escapes, markers and strings
 * before and after one another.
 */
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/template/fast-lexer.js';

interface NunjucksToken {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

function nunjucksTokens(text: string): NunjucksToken[] {
  const lexer = (nunjucks as unknown as { lexer: { lex(src: string, opts: object): { nextToken(): NunjucksToken | null } } }).lexer;
  const tokens = lexer.lex(text, {});
  const out: NunjucksToken[] = [];
  for (let token = tokens.nextToken(); token !== null; token = tokens.nextToken()) {
    if (token.type !== 'whitespace') out.push({ type: token.type, value: token.value, lineno: token.lineno, colno: token.colno });
  }
  return out;
}

const CASES = [
  "select {{ ref('a') }} from {{ source('raw', 'b') }}",
  "{{ 'plain' }} then {{ 'it\\'s' }} then {{ 'plain again' }}",
  '{{ "a\\nb\\tc\\rd\\\\e" }}{{ "no escape" }}',
  "{{ 'first' }}\n{# a comment #}\n{{ 'after\\\\' }} {{ 'x' }}",
  "{{ 'unterminated",
  "{{ 'unterminated with \\' escape",
  "{% set xs = ['p0.amount', 'p1.amount'] %}\n{% for x in xs %}{{ x }}{{ ' + ' if not loop.last }}{% endfor %}",
  'text {with} braces # and hashes\n{{ x }} more text\n{%- if y -%} y {%- endif %}',
  '{{ 1 }} {{ 1.5 }} {{ -2 }} {{ true }} {{ none }} {{ a == b }} {{ a != b }} {{ 2 ** 3 // 2 }}',
];

describe('fast lexer', () => {
  it.each(CASES)('tokenizes %j as nunjucks does', (text) => {
    expect(tokenize(text)).toEqual(nunjucksTokens(text));
  });
});
