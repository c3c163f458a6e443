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
  | 'string' | 'data' | 'comment' | 'block-start' | 'block-end' | 'variable-start' | 'variable-end'
  | 'left-paren' | 'right-paren' | 'left-bracket' | 'right-bracket' | 'left-curly' | 'right-curly'
  | 'operator' | 'comma' | 'colon' | 'tilde' | 'pipe' | 'int' | 'float' | 'boolean' | 'none' | 'symbol';

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
  '(': 'left-paren', ')': 'right-paren', '[': 'left-bracket', ']': 'right-bracket', '{': 'left-curly', '}': 'right-curly',
  ',': 'comma', ':': 'colon', '~': 'tilde', '|': 'pipe',
};

/** nunjucks' lexer (whitespace tokens dropped: the parser skips them everywhere it is used here). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const length = text.length;
  let index = 0;
  let inCode = false;
  // Line and column of `index`, advanced lazily.
  let lineno = 0;
  let colno = 0;
  let counted = 0;
  const position = (at: number): void => {
    for (let i = counted; i < at; i += 1) {
      if (text.charCodeAt(i) === 10) {
        lineno += 1;
        colno = 0;
      } else colno += 1;
    }
    counted = at;
  };
  const push = (type: TokenType, value: string, start: number) => {
    position(start);
    tokens.push({ type, value, lineno, colno });
  };
  while (index < length) {
    const start = index;
    if (!inCode) {
      if (text.startsWith('{%', index)) {
        const value = text.startsWith('{%-', index) ? '{%-' : '{%';
        push('block-start', value, start);
        index += value.length;
        inCode = true;
      } else if (text.startsWith('{{', index)) {
        const value = text.startsWith('{{-', index) ? '{{-' : '{{';
        push('variable-start', value, start);
        index += value.length;
        inCode = true;
      } else if (text.startsWith('{#', index)) {
        const end = text.indexOf('#}', index + 2);
        if (end === -1) giveUp();
        push('comment', text.slice(index, end + 2), start);
        index = end + 2;
      } else {
        // Data runs to the next tag start; a `#}` outside a comment is an error nunjucks reports.
        let end = length;
        for (const marker of ['{%', '{{', '{#', '#}']) {
          const at = text.indexOf(marker, index);
          if (at !== -1 && at < end) end = at;
        }
        if (end < length && text.startsWith('#}', end)) giveUp();
        push('data', text.slice(index, end), start);
        index = end;
      }
      continue;
    }
    const current = text[index]!;
    if (current === '"' || current === "'") {
      let value = '';
      index += 1;
      while (index < length && text[index] !== current) {
        if (text[index] === '\\') {
          index += 1;
          const escaped = text[index] ?? '';
          value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped === 'r' ? '\r' : escaped;
        } else value += text[index];
        index += 1;
      }
      index += 1;
      push('string', value, start);
    } else if (WHITESPACE.includes(current)) {
      while (index < length && WHITESPACE.includes(text[index]!)) index += 1;
    } else if (text.startsWith('%}', index) || text.startsWith('-%}', index)) {
      const value = current === '-' ? '-%}' : '%}';
      push('block-end', value, start);
      index += value.length;
      inCode = false;
    } else if (text.startsWith('}}', index) || text.startsWith('-}}', index)) {
      const value = current === '-' ? '-}}' : '}}';
      push('variable-end', value, start);
      index += value.length;
      inCode = false;
    } else if (current === 'r' && text[index + 1] === '/') {
      giveUp(); // a regex literal
    } else if (DELIMITERS.includes(current)) {
      let value = current;
      const two = text.slice(index, index + 2);
      if (COMPLEX_OPERATORS.includes(two)) {
        value = two;
        const three = text.slice(index, index + 3);
        if (COMPLEX_OPERATORS.includes(three)) value = three;
      }
      index += value.length;
      push(DELIMITER_TYPES[value] ?? 'operator', value, start);
    } else {
      while (index < length && !WHITESPACE.includes(text[index]!) && !DELIMITERS.includes(text[index]!)) index += 1;
      const word = text.slice(start, index);
      if (/^[-+]?[0-9]+$/.test(word)) {
        if (text[index] === '.') {
          index += 1;
          const decimals = index;
          while (index < length && text.charCodeAt(index) >= 48 && text.charCodeAt(index) <= 57) index += 1;
          push('float', `${word}.${text.slice(decimals, index)}`, start);
        } else push('int', word, start);
      } else if (word === 'true' || word === 'false') push('boolean', word, start);
      else if (word === 'none' || word === 'null') push('none', word, start);
      else push('symbol', word, start);
    }
  }
  return tokens;
}
