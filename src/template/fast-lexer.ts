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
const COMPLEX_OPERATORS = ['==', '===', '!=', '!==', '<=', '>=', '//', '**'];
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
      for (const marker of ['{%', '{{', '{#', '#}']) {
        const at = text.indexOf(marker, start);
        if (at !== -1 && at < end) end = at;
      }
      if (end < text.length && text.startsWith('#}', end)) giveUp();
      this.push('data', text.slice(start, end), start);
      this.index = end;
    }
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
    if (/^[-+]?[0-9]+$/.test(word)) {
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
