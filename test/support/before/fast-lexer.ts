/**
 * The fast lexer as it was before it compared UTF-16 units (commit c61781f), kept unchanged as the
 * reference test/template/char-code-scans.test.ts compares the current one with.
 */
/**
 * nunjucks 3.2.4's lexer (lexer.js) for the fast path: the same tokens, line and column numbers.
 * The fast path (fast-compile.ts) gives up on anything it does not mirror; see GiveUp.
 */

/** Thrown when the template needs something this front end leaves to nunjucks. */
export class GiveUp extends Error {}

export const giveUp = (): never => {
  throw new GiveUp();
};

export type TokenType =
  | 'string'
  | 'data'
  | 'comment'
  | 'block-start'
  | 'block-end'
  | 'variable-start'
  | 'variable-end'
  | 'left-paren'
  | 'right-paren'
  | 'left-bracket'
  | 'right-bracket'
  | 'left-curly'
  | 'right-curly'
  | 'operator'
  | 'comma'
  | 'colon'
  | 'tilde'
  | 'pipe'
  | 'int'
  | 'float'
  | 'boolean'
  | 'none'
  | 'symbol';

export interface Token {
  type: TokenType;
  value: string;
  lineno: number;
  colno: number;
}

const WHITESPACE = ' \n\t\r\xA0';
const DELIMITERS = '()[]{}%*-+~/#,:|.<>=!';
/** A whole word of digits (made once: a literal in word() would be a new object per word). */
const INTEGER = /^[-+]?[0-9]+$/;
const COMPLEX_OPERATORS = ['==', '===', '!=', '!==', '<=', '>=', '//', '**'];
/** What ends a piece of data: a tag or comment start, or a stray comment end. */
const DATA_ENDS = ['{%', '{{', '{#', '#}'];
const DELIMITER_TYPES: Record<string, TokenType> = {
  '(': 'left-paren',
  ')': 'right-paren',
  '[': 'left-bracket',
  ']': 'right-bracket',
  '{': 'left-curly',
  '}': 'right-curly',
  ',': 'comma',
  ':': 'colon',
  '~': 'tilde',
  '|': 'pipe',
};

/** nunjucks' lexer (whitespace tokens dropped: the parser skips them everywhere it is used here). */
export function tokenize(text: string): Token[] {
  return new Lexer(text).tokens;
}

class Lexer {
  readonly tokens: Token[] = [];
  private index = 0;
  private inCode = false;
  // Line and column of `counted`, advanced lazily.
  private lineno = 0;
  private colno = 0;
  private counted = 0;
  // nextMarker's last answers, one per DATA_ENDS entry (-2: not looked for yet).
  private readonly markers = DATA_ENDS.map(() => -2);
  private backslash = -2;

  constructor(private readonly text: string) {
    while (this.index < text.length) {
      if (this.inCode) this.code();
      else this.data();
    }
  }

  private push(type: TokenType, value: string, start: number): void {
    const text = this.text;
    for (let i = this.counted; i < start; i += 1) {
      if (text.charCodeAt(i) === 10) {
        this.lineno += 1;
        this.colno = 0;
      } else this.colno += 1;
    }
    this.counted = start;
    this.tokens.push({ type, value, lineno: this.lineno, colno: this.colno });
  }

  /** Outside a tag: a tag start, a comment, or text up to the next tag. */
  private data(): void {
    const { text } = this;
    const start = this.index;
    if (text.startsWith('{%', start)) {
      const value = text.startsWith('{%-', start) ? '{%-' : '{%';
      this.push('block-start', value, start);
      this.index += value.length;
      this.inCode = true;
    } else if (text.startsWith('{{', start)) {
      const value = text.startsWith('{{-', start) ? '{{-' : '{{';
      this.push('variable-start', value, start);
      this.index += value.length;
      this.inCode = true;
    } else if (text.startsWith('{#', start)) {
      const end = text.indexOf('#}', start + 2);
      if (end === -1) giveUp();
      this.push('comment', text.slice(start, end + 2), start);
      this.index = end + 2;
    } else {
      // Data runs to the next tag start; a `#}` outside a comment is an error nunjucks reports.
      let end = text.length;
      for (let marker = 0; marker < DATA_ENDS.length; marker += 1) {
        const at = this.nextMarker(marker, start);
        if (at !== -1 && at < end) end = at;
      }
      if (end < text.length && text.startsWith('#}', end)) giveUp();
      this.push('data', text.slice(start, end), start);
      this.index = end;
    }
  }

  /**
   * Where DATA_ENDS[marker] next occurs at or after `from` (-1: nowhere). Kept between calls: a
   * marker absent from the rest of the text (`#}`, most often) was otherwise looked for up to the
   * end of the text again for every piece of data.
   */
  private nextMarker(marker: number, from: number): number {
    const known = this.markers[marker]!;
    if (known === -1 || known >= from) return known;
    const at = this.text.indexOf(DATA_ENDS[marker]!, from);
    this.markers[marker] = at;
    return at;
  }

  /** Where the next backslash is at or after `from` (-1: nowhere), kept between calls as nextMarker's answers are. */
  private nextBackslash(from: number): number {
    if (this.backslash === -1 || this.backslash >= from) return this.backslash;
    this.backslash = this.text.indexOf('\\', from);
    return this.backslash;
  }

  /** Inside `{{ }}` or `{% %}`: one token (or a run of whitespace, dropped). */
  private code(): void {
    const { text } = this;
    const start = this.index;
    const current = text[start]!;
    if (current === '"' || current === "'") {
      this.string(current);
    } else if (WHITESPACE.includes(current)) {
      while (this.index < text.length && WHITESPACE.includes(text[this.index]!)) this.index += 1;
    } else if (text.startsWith('%}', start) || text.startsWith('-%}', start)) {
      const value = current === '-' ? '-%}' : '%}';
      this.push('block-end', value, start);
      this.index += value.length;
      this.inCode = false;
    } else if (text.startsWith('}}', start) || text.startsWith('-}}', start)) {
      const value = current === '-' ? '-}}' : '}}';
      this.push('variable-end', value, start);
      this.index += value.length;
      this.inCode = false;
    } else if (current === 'r' && text[start + 1] === '/') {
      giveUp(); // a regex literal
    } else if (DELIMITERS.includes(current)) {
      let value = current;
      const two = text.slice(start, start + 2);
      if (COMPLEX_OPERATORS.includes(two)) {
        value = two;
        const three = text.slice(start, start + 3);
        if (COMPLEX_OPERATORS.includes(three)) value = three;
      }
      this.index += value.length;
      this.push(DELIMITER_TYPES[value] ?? 'operator', value, start);
    } else {
      this.word();
    }
  }

  /** A quoted string, with nunjucks' escapes (`\n`, `\t`, `\r`, anything else as itself). */
  private string(quote: string): void {
    const { text } = this;
    const start = this.index;
    // Most strings hold no escape: sliced whole instead of built a character at a time.
    const close = text.indexOf(quote, start + 1);
    const backslashAt = this.nextBackslash(start + 1);
    if (backslashAt === -1 || (close !== -1 && backslashAt > close)) {
      const end = close === -1 ? text.length : close;
      this.index = end + 1;
      this.push('string', text.slice(start + 1, end), start);
      return;
    }
    let value = '';
    this.index += 1;
    while (this.index < text.length && text[this.index] !== quote) {
      if (text[this.index] === '\\') {
        this.index += 1;
        const escaped = text[this.index] ?? '';
        value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped === 'r' ? '\r' : escaped;
      } else value += text[this.index];
      this.index += 1;
    }
    this.index += 1;
    this.push('string', value, start);
  }

  /** A number, a boolean, none, or a name: everything up to whitespace or a delimiter. */
  private word(): void {
    const { text } = this;
    const start = this.index;
    while (this.index < text.length && !WHITESPACE.includes(text[this.index]!) && !DELIMITERS.includes(text[this.index]!)) this.index += 1;
    const word = text.slice(start, this.index);
    if (INTEGER.test(word)) {
      if (text[this.index] === '.') {
        this.index += 1;
        const decimals = this.index;
        while (this.index < text.length && text.charCodeAt(this.index) >= 48 && text.charCodeAt(this.index) <= 57) this.index += 1;
        this.push('float', `${word}.${text.slice(decimals, this.index)}`, start);
      } else this.push('int', word, start);
    } else if (word === 'true' || word === 'false') this.push('boolean', word, start);
    else if (word === 'none' || word === 'null') this.push('none', word, start);
    else this.push('symbol', word, start);
  }
}
