/**
 * nunjucks 3.2.4's lexer (lexer.js) for the fast path: the same tokens, line and column numbers.
 * The fast path (fast-compile.ts) gives up on anything it does not mirror; see GiveUp.
 */
import { CLOSE_BRACE, DASH, DOUBLE_QUOTE, EQUALS, HASH, LETTER_R, OPEN_BRACE, PERCENT, SINGLE_QUOTE, SLASH, STAR } from '../core/char-codes.js';

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
/** What ends a word, by UTF-16 unit below 256 (1: whitespace, 2: a delimiter): a table instead of `includes` per character. */
const WORD_ENDS = new Uint8Array(256);
for (const char of WHITESPACE) WORD_ENDS[char.charCodeAt(0)] = 1;
for (const char of DELIMITERS) WORD_ENDS[char.charCodeAt(0)] = 2;
const wordEndAt = (code: number): number => (code < 256 ? WORD_ENDS[code]! : 0);
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

/** DELIMITER_TYPES by UTF-16 unit. */
const DELIMITER_TYPE_OF: (TokenType | undefined)[] = [];
for (const [char, type] of Object.entries(DELIMITER_TYPES)) DELIMITER_TYPE_OF[char.charCodeAt(0)] = type;

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
  private newline = -2;

  constructor(private readonly text: string) {
    while (this.index < text.length) {
      if (this.inCode) this.code();
      else this.data();
    }
  }

  private push(type: TokenType, value: string, start: number): void {
    // The line breaks since the last token, found with indexOf rather than a test per character.
    let lineStart = -1;
    for (let at = this.nextNewline(this.counted); at !== -1 && at < start; at = this.nextNewline(at + 1)) {
      this.lineno += 1;
      lineStart = at + 1;
    }
    this.colno = lineStart === -1 ? this.colno + (start - this.counted) : start - lineStart;
    this.counted = start;
    this.tokens.push({ type, value, lineno: this.lineno, colno: this.colno });
  }

  /** Outside a tag: a tag start, a comment, or text up to the next tag. */
  private data(): void {
    const { text } = this;
    const start = this.index;
    const second = text.charCodeAt(start) === OPEN_BRACE ? text.charCodeAt(start + 1) : 0;
    if (second === PERCENT) {
      const value = text.charCodeAt(start + 2) === DASH ? '{%-' : '{%';
      this.push('block-start', value, start);
      this.index += value.length;
      this.inCode = true;
    } else if (second === OPEN_BRACE) {
      const value = text.charCodeAt(start + 2) === DASH ? '{{-' : '{{';
      this.push('variable-start', value, start);
      this.index += value.length;
      this.inCode = true;
    } else if (second === HASH) {
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

  /** Where the next line break is at or after `from` (-1: nowhere), kept between calls: a long line is not searched again for each of its tokens. */
  private nextNewline(from: number): number {
    if (this.newline === -1 || this.newline >= from) return this.newline;
    this.newline = this.text.indexOf('\n', from);
    return this.newline;
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
    // Compared by UTF-16 unit: the one-character strings, `startsWith` and keyed lookups this replaces were most of the lexer's time.
    const code = text.charCodeAt(start);
    const next = text.charCodeAt(start + 1);
    const kind = wordEndAt(code);
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      this.string(text[start]!);
    } else if (kind === 1) {
      this.index += 1;
      while (this.index < text.length && wordEndAt(text.charCodeAt(this.index)) === 1) this.index += 1;
    } else if ((code === PERCENT && next === CLOSE_BRACE) || (code === DASH && next === PERCENT && text.charCodeAt(start + 2) === CLOSE_BRACE)) {
      const value = code === DASH ? '-%}' : '%}';
      this.push('block-end', value, start);
      this.index += value.length;
      this.inCode = false;
    } else if ((code === CLOSE_BRACE && next === CLOSE_BRACE) || (code === DASH && next === CLOSE_BRACE && text.charCodeAt(start + 2) === CLOSE_BRACE)) {
      const value = code === DASH ? '-}}' : '}}';
      this.push('variable-end', value, start);
      this.index += value.length;
      this.inCode = false;
    } else if (code === LETTER_R && next === SLASH) {
      giveUp(); // a regex literal
    } else if (kind === 2) {
      let value = text[start]!;
      // Every operator of two or three characters has `=`, `/` or `*` second: sliced only then.
      if (next === EQUALS || next === SLASH || next === STAR) {
        const two = text.slice(start, start + 2);
        if (COMPLEX_OPERATORS.includes(two)) {
          value = two;
          const three = text.slice(start, start + 3);
          if (COMPLEX_OPERATORS.includes(three)) value = three;
        }
      }
      this.index += value.length;
      this.push(value.length === 1 ? (DELIMITER_TYPE_OF[code] ?? 'operator') : 'operator', value, start);
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
    while (this.index < text.length && wordEndAt(text.charCodeAt(this.index)) === 0) this.index += 1;
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
