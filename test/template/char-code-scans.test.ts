/**
 * The Jinja dialect rewrite (jinja-dialect.ts) and the fast lexer (fast-lexer.ts) compare UTF-16
 * units instead of one-character strings, regular expressions and `startsWith`, and the rewrite
 * copies a template only when a tag changes. Their output must not change: each is compared with
 * its copy from before (test/support/before/) on every template of the repository, the Jinja corpus
 * and random tag soup, and the lexer with nunjucks' own where it does not give up.
 */
import { readFileSync } from 'node:fs';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/template/fast-lexer.js';
import { isSpaceCode, toNunjucksDialect } from '../../src/template/jinja-dialect.js';
import { tokenize as tokenizeBefore } from '../support/before/fast-lexer.js';
import { toNunjucksDialect as toNunjucksDialectBefore } from '../support/before/jinja-dialect.js';
import { REPO_ROOT } from '../support/cli.js';
import { EDGE_CASES, randomTemplates } from '../support/jinja-corpus.js';
import { repoTemplates } from '../support/repo-templates.js';
import { tagSoup } from '../support/tag-soup.js';

/** What `scan` gives for `text`: its value, or the class and message of what it threw. */
function outcome(scan: (text: string) => unknown, text: string): unknown {
  try {
    return scan(text);
  } catch (error) {
    return { threw: (error as Error).constructor.name, message: (error as Error).message };
  }
}

/**
 * A filtered loop's list is named by a count (`__tsdbt_loop_items_N`): the rewrite counts from 1 in
 * each template, its frozen copy across the whole process (so a shared fork's earlier files have
 * advanced it). The lists are numbered again in the order they first appear.
 */
function loopListsRenumbered(rewritten: string): string {
  const order = new Map<string, number>();
  return rewritten.replace(/__tsdbt_loop_items_\d+/g, (name) => {
    if (!order.has(name)) order.set(name, order.size + 1);
    return `__tsdbt_loop_items_${order.get(name)}`;
  });
}

function nunjucksTokens(text: string): unknown[] {
  type Token = { type: string; value: string; lineno: number; colno: number };
  const lexer = (nunjucks as unknown as { lexer: { lex(src: string, opts: object): { nextToken(): Token | null } } }).lexer;
  const tokens = lexer.lex(text, {});
  const out: Token[] = [];
  for (let token = tokens.nextToken(); token !== null; token = tokens.nextToken()) {
    if (token.type !== 'whitespace') out.push({ type: token.type, value: token.value, lineno: token.lineno, colno: token.colno });
  }
  return out;
}

const LONG_LINE = `select ${Array.from({ length: 400 }, (_, i) => `{{ ref('m_${i}') }}`).join(', ')}\nfrom x {{ y }}`;
/** Templates as they are written (the soup is not: there the old lexer and nunjucks' already part on some). */
const TEMPLATES = [
  ...repoTemplates(REPO_ROOT).map((file) => readFileSync(file, 'utf8')),
  ...Object.values(EDGE_CASES),
  ...Object.values(randomTemplates(23, 2000)),
  LONG_LINE,
  '{{ a\u2028if b else c }}\r\n{{ f(x,\xa0) }}{{ (1,\u3000) }}',
];
const CORPUS = [...TEMPLATES, ...tagSoup(7, 20000)];

describe('scans by UTF-16 unit', () => {
  it('isSpaceCode is /\\s/ for every UTF-16 unit', () => {
    const differ: number[] = [];
    for (let code = 0; code < 0x10000; code += 1) if (isSpaceCode(code) !== /\s/.test(String.fromCharCode(code))) differ.push(code);
    expect(differ).toEqual([]);
  });

  it('the dialect rewrite gives what it gave before', () => {
    const rewrite = (dialect: (text: string) => string) => (text: string) => loopListsRenumbered(dialect(text));
    const differ = CORPUS.filter(
      (text) => JSON.stringify(outcome(rewrite(toNunjucksDialect), text)) !== JSON.stringify(outcome(rewrite(toNunjucksDialectBefore), text)),
    );
    expect(differ).toEqual([]);
  });

  it('returns the template itself when no tag changes', () => {
    const text = "select {{ ref('a') }}, {{ x }}\n{% for y in ys %}{{ f(1, 2) }}{% endfor %}";
    expect(toNunjucksDialect(text)).toBe(text);
  });

  it('the lexer gives the tokens it gave before, or gives up where it did', () => {
    const texts = [...CORPUS, ...CORPUS.map((text) => outcome(toNunjucksDialectBefore, text)).filter((out) => typeof out === 'string')];
    const differ = texts.filter((text) => JSON.stringify(outcome(tokenize, text)) !== JSON.stringify(outcome(tokenizeBefore, text)));
    expect(differ).toEqual([]);
  });

  it("the lexer gives nunjucks' tokens, lines and columns wherever it does not give up", () => {
    let compared = 0;
    const differ: string[] = [];
    for (const text of TEMPLATES) {
      const mine = outcome(tokenize, text);
      if (!Array.isArray(mine)) continue;
      const theirs = outcome(nunjucksTokens, text);
      if (!Array.isArray(theirs)) continue; // nunjucks' lexer throws on some soup: the parser reports it either way
      compared += 1;
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) differ.push(text);
    }
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(2000);
  });
});
