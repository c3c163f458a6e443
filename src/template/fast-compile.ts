/**
 * A faster front end for nunjucks, for the templates models are made of.
 *
 * nunjucks compiles a template in four passes (a character-at-a-time lexer, a parser, a
 * transformer, a code generator) and then evaluates the generated JavaScript. For a typical
 * model the passes cost ten to twenty times what rendering does, and a large project compiles
 * every model once per command. This module does the same work in one quick pass for the part
 * of the language models use: text, comments, `{{ expression }}`, `{% if/elif/else %}`,
 * `{% for %}` (with `else`, and `k, v` pairs), `{% set x = … %}` and `{% do … %}`, and every
 * expression form (literals, lists, dicts, calls with keyword arguments, attribute and index
 * lookups, filters, tests, all operators, inline if), with whitespace control.
 *
 * It mirrors nunjucks 3.2.4 exactly: the same tokens (lexer.js), the same parse tree
 * (parser.js, including its operator precedence), and the same generated code (compiler.js),
 * so a template behaves the same whichever front end compiled it, errors and line numbers
 * included. Anything else (macros, `{% call %}`, blocks, includes, raw, slices, regex
 * literals, syntax errors) makes it give up, and nunjucks compiles the template itself.
 */

/** Thrown when the template needs something this front end leaves to nunjucks. */
export class GiveUp extends Error {}

export const giveUp = (): never => {
  throw new GiveUp();
};

type TokenType =
  | 'string' | 'data' | 'comment' | 'block-start' | 'block-end' | 'variable-start' | 'variable-end'
  | 'left-paren' | 'right-paren' | 'left-bracket' | 'right-bracket' | 'left-curly' | 'right-curly'
  | 'operator' | 'comma' | 'colon' | 'tilde' | 'pipe' | 'int' | 'float' | 'boolean' | 'none' | 'symbol';

interface Token {
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
function tokenize(text: string): Token[] {
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

// ---------------------------------------------------------------------------------------------
// The parse tree: nunjucks' node types, with the fields its compiler reads.

export type Expr =
  | { kind: 'Literal'; value: string | number | boolean | null }
  | { kind: 'Symbol'; value: string }
  | { kind: 'Group' | 'Array'; children: Expr[] }
  | { kind: 'Dict' | 'KeywordArgs'; children: Pair[] }
  | { kind: 'LookupVal'; target: Expr; val: Expr }
  | { kind: 'FunCall'; lineno: number; colno: number; name: Expr; args: Expr[] }
  | { kind: 'Filter'; name: string; args: Expr[] }
  | { kind: 'InlineIf'; cond: Expr; body: Expr; else_: Expr | null }
  | { kind: 'In'; left: Expr; right: Expr }
  | { kind: 'Is'; left: Expr; right: Expr }
  | { kind: 'Not' | 'Neg' | 'Pos'; target: Expr }
  | { kind: 'Or' | 'And' | 'Add' | 'Concat' | 'Sub' | 'Mul' | 'Div' | 'FloorDiv' | 'Mod' | 'Pow'; left: Expr; right: Expr }
  | { kind: 'Compare'; expr: Expr; ops: { type: string; expr: Expr }[] };

export interface Pair {
  key: Expr;
  value: Expr;
}

export type Stmt =
  | { kind: 'Data'; value: string }
  | { kind: 'Output'; expr: Expr }
  | { kind: 'If'; cond: Expr; body: Stmt[]; else_: Stmt[] | null }
  | { kind: 'For'; names: string[]; pair: boolean; arr: Expr; body: Stmt[]; else_: Stmt[] | null }
  | { kind: 'Set'; targets: string[]; value: Expr }
  | { kind: 'Extension'; extension: string; args: Expr[] };

const COMPARE_OPERATORS = ['==', '===', '!=', '!==', '<', '>', '<=', '>='];
const BINARY_LEVELS: { kind: 'Add' | 'Sub' | 'Mul' | 'Div' | 'FloorDiv' | 'Mod' | 'Pow'; op: string }[] = [
  { kind: 'Add', op: '+' }, { kind: 'Sub', op: '-' }, { kind: 'Mul', op: '*' }, { kind: 'Div', op: '/' },
  { kind: 'FloorDiv', op: '//' }, { kind: 'Mod', op: '%' }, { kind: 'Pow', op: '**' },
];

/** nunjucks' parser.js, for the supported statements; every other tag gives up. */
class Parser {
  private position = 0;
  private dropLeadingWhitespace = false;
  private breakOnBlocks: string[] | null = null;

  constructor(
    private readonly tokens: Token[],
    /** Tag name → extension name, for extensions whose parse this module mirrors (`do`). */
    private readonly extensionTags: ReadonlyMap<string, string>,
  ) {}

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }
  private peek(): Token | undefined {
    return this.tokens[this.position];
  }
  private back(): void {
    this.position -= 1;
  }
  private skip(type: TokenType): boolean {
    const token = this.next();
    if (token === undefined || token.type !== type) {
      this.back();
      return false;
    }
    return true;
  }
  private skipValue(type: TokenType, value: string): boolean {
    const token = this.next();
    if (token === undefined || token.type !== type || token.value !== value) {
      this.back();
      return false;
    }
    return true;
  }
  private skipSymbol(value: string): boolean {
    return this.skipValue('symbol', value);
  }

  private advanceAfterBlockEnd(name?: string): void {
    if (name === undefined) {
      const token = this.peek();
      if (token === undefined || token.type !== 'symbol') giveUp();
      this.next();
    }
    const token = this.next();
    if (token === undefined || token.type !== 'block-end') giveUp();
    if (token!.value.charAt(0) === '-') this.dropLeadingWhitespace = true;
  }

  private advanceAfterVariableEnd(): void {
    const token = this.next();
    if (token === undefined || token.type !== 'variable-end') giveUp();
    this.dropLeadingWhitespace = token!.value.charAt(token!.value.length - 3) === '-';
  }

  parseRoot(): Stmt[] {
    const nodes = this.parseNodes();
    if (this.position < this.tokens.length) giveUp();
    return nodes;
  }

  private parseUntilBlocks(...names: string[]): Stmt[] {
    const previous = this.breakOnBlocks;
    this.breakOnBlocks = names;
    const nodes = this.parseNodes();
    this.breakOnBlocks = previous;
    return nodes;
  }

  private parseNodes(): Stmt[] {
    const out: Stmt[] = [];
    for (let token = this.next(); token !== undefined; token = this.next()) {
      if (token.type === 'data') {
        let data = token.value;
        const following = this.peek();
        const value = following?.value ?? '';
        if (this.dropLeadingWhitespace) {
          data = data.replace(/^\s*/, '');
          this.dropLeadingWhitespace = false;
        }
        if (
          following !== undefined &&
          ((following.type === 'block-start' && value.charAt(value.length - 1) === '-') ||
            (following.type === 'variable-start' && value.charAt(2) === '-') ||
            (following.type === 'comment' && value.charAt(2) === '-'))
        ) {
          data = data.replace(/\s*$/, '');
        }
        out.push({ kind: 'Data', value: data });
      } else if (token.type === 'block-start') {
        this.dropLeadingWhitespace = false;
        const statement = this.parseStatement();
        if (statement === null) break;
        out.push(statement);
      } else if (token.type === 'variable-start') {
        const expr = this.parseExpression();
        this.dropLeadingWhitespace = false;
        this.advanceAfterVariableEnd();
        out.push({ kind: 'Output', expr });
      } else if (token.type === 'comment') {
        this.dropLeadingWhitespace = token.value.charAt(token.value.length - 3) === '-';
      } else giveUp();
    }
    return out;
  }

  private parseStatement(): Stmt | null {
    const token = this.peek();
    if (token === undefined || token.type !== 'symbol') return giveUp();
    if (this.breakOnBlocks?.includes(token.value)) return null;
    switch (token.value) {
      case 'if':
        return this.parseIf();
      case 'for':
        return this.parseFor();
      case 'set':
        return this.parseSet();
      default: {
        const extension = this.extensionTags.get(token.value);
        // The built-in tags nunjucks checks first, then an extension that is not `do`.
        if (extension === undefined || BUILTIN_TAGS.has(token.value)) return giveUp();
        this.next();
        const expr = this.parseExpression();
        this.advanceAfterBlockEnd(token.value);
        return { kind: 'Extension', extension, args: [expr] };
      }
    }
  }

  private parseIf(): Stmt {
    if (!(this.skipSymbol('if') || this.skipSymbol('elif') || this.skipSymbol('elseif'))) giveUp();
    const cond = this.parseExpression();
    this.advanceAfterBlockEnd('if');
    const body = this.parseUntilBlocks('elif', 'elseif', 'else', 'endif');
    const token = this.peek();
    switch (token?.value) {
      case 'elseif':
      case 'elif':
        return { kind: 'If', cond, body, else_: [this.parseIf()] };
      case 'else': {
        this.advanceAfterBlockEnd();
        const else_ = this.parseUntilBlocks('endif');
        this.advanceAfterBlockEnd();
        return { kind: 'If', cond, body, else_ };
      }
      case 'endif':
        this.advanceAfterBlockEnd();
        return { kind: 'If', cond, body, else_: null };
      default:
        return giveUp();
    }
  }

  private parseFor(): Stmt {
    this.next(); // `for`
    const first = this.parsePrimary();
    if (first.kind !== 'Symbol') giveUp();
    const names = [(first as { value: string }).value];
    let pair = false;
    if (this.peek()?.type === 'comma') {
      pair = true;
      while (this.skip('comma')) {
        const next = this.parsePrimary();
        if (next.kind !== 'Symbol') giveUp();
        names.push((next as { value: string }).value);
      }
      if (names.length !== 2) giveUp();
    }
    if (!this.skipSymbol('in')) giveUp();
    const arr = this.parseExpression();
    this.advanceAfterBlockEnd('for');
    const body = this.parseUntilBlocks('endfor', 'else');
    let else_: Stmt[] | null = null;
    if (this.skipSymbol('else')) {
      this.advanceAfterBlockEnd('else');
      else_ = this.parseUntilBlocks('endfor');
    }
    this.advanceAfterBlockEnd();
    return { kind: 'For', names, pair, arr, body, else_ };
  }

  private parseSet(): Stmt {
    this.next(); // `set`
    const targets: string[] = [];
    for (;;) {
      const target = this.parsePrimary();
      if (target.kind !== 'Symbol') giveUp();
      targets.push((target as { value: string }).value);
      if (!this.skip('comma')) break;
    }
    // `{% set x %}…{% endset %}` (a block set) is left to nunjucks.
    if (!this.skipValue('operator', '=')) giveUp();
    const value = this.parseExpression();
    this.advanceAfterBlockEnd('set');
    return { kind: 'Set', targets, value };
  }

  parseExpression(): Expr {
    return this.parseInlineIf();
  }

  private parseInlineIf(): Expr {
    let node = this.parseOr();
    if (this.skipSymbol('if')) {
      const cond = this.parseOr();
      const body = node;
      node = { kind: 'InlineIf', cond, body, else_: this.skipSymbol('else') ? this.parseOr() : null };
    }
    return node;
  }

  private parseOr(): Expr {
    let node = this.parseAnd();
    while (this.skipSymbol('or')) node = { kind: 'Or', left: node, right: this.parseAnd() };
    return node;
  }

  private parseAnd(): Expr {
    let node = this.parseNot();
    while (this.skipSymbol('and')) node = { kind: 'And', left: node, right: this.parseNot() };
    return node;
  }

  private parseNot(): Expr {
    if (this.skipSymbol('not')) return { kind: 'Not', target: this.parseNot() };
    return this.parseIn();
  }

  private parseIn(): Expr {
    let node = this.parseIs();
    for (;;) {
      const token = this.next();
      if (token === undefined) {
        // nunjucks' pushToken(null) leaves nothing to push back.
        this.back();
        break;
      }
      const invert = token.type === 'symbol' && token.value === 'not';
      if (!invert) this.back();
      if (this.skipSymbol('in')) {
        node = { kind: 'In', left: node, right: this.parseIs() };
        if (invert) node = { kind: 'Not', target: node };
      } else {
        if (invert) this.back();
        break;
      }
    }
    return node;
  }

  private parseIs(): Expr {
    let node = this.parseCompare();
    if (this.skipSymbol('is')) {
      const not = this.skipSymbol('not');
      node = { kind: 'Is', left: node, right: this.parseCompare() };
      if (not) node = { kind: 'Not', target: node };
    }
    return node;
  }

  private parseCompare(): Expr {
    const expr = this.parseConcat();
    const ops: { type: string; expr: Expr }[] = [];
    for (;;) {
      const token = this.next();
      if (token === undefined) {
        this.back();
        break;
      }
      if (COMPARE_OPERATORS.includes(token.value)) ops.push({ type: token.value, expr: this.parseConcat() });
      else {
        this.back();
        break;
      }
    }
    return ops.length > 0 ? { kind: 'Compare', expr, ops } : expr;
  }

  private parseConcat(): Expr {
    let node = this.parseBinary(0);
    while (this.skipValue('tilde', '~')) node = { kind: 'Concat', left: node, right: this.parseBinary(0) };
    return node;
  }

  /** parseAdd, parseSub, parseMul, parseDiv, parseFloorDiv, parseMod, parsePow: one level each. */
  private parseBinary(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.parseUnary(false);
    const { kind, op } = BINARY_LEVELS[level]!;
    let node = this.parseBinary(level + 1);
    while (this.skipValue('operator', op)) node = { kind, left: node, right: this.parseBinary(level + 1) };
    return node;
  }

  private parseUnary(noFilters: boolean): Expr {
    let node: Expr;
    if (this.skipValue('operator', '-')) node = { kind: 'Neg', target: this.parseUnary(true) };
    else if (this.skipValue('operator', '+')) node = { kind: 'Pos', target: this.parseUnary(true) };
    else node = this.parsePrimary();
    if (!noFilters) node = this.parseFilter(node);
    return node;
  }

  private parsePrimary(): Expr {
    const token = this.next();
    if (token === undefined) return giveUp();
    let node: Expr;
    switch (token.type) {
      case 'string':
        node = { kind: 'Literal', value: token.value };
        break;
      case 'int':
        node = { kind: 'Literal', value: parseInt(token.value, 10) };
        break;
      case 'float':
        node = { kind: 'Literal', value: parseFloat(token.value) };
        break;
      case 'boolean':
        node = { kind: 'Literal', value: token.value === 'true' };
        break;
      case 'none':
        node = { kind: 'Literal', value: null };
        break;
      case 'symbol':
        node = { kind: 'Symbol', value: token.value };
        break;
      default:
        this.back();
        node = this.parseAggregate();
    }
    return this.parsePostfix(node);
  }

  private parsePostfix(start: Expr): Expr {
    let node = start;
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (token.type === 'left-paren') {
        node = { kind: 'FunCall', lineno: token.lineno, colno: token.colno, name: node, args: this.parseSignature() };
      } else if (token.type === 'left-bracket') {
        const lookup = this.parseAggregate();
        if (lookup.kind !== 'Array' || lookup.children.length !== 1) giveUp();
        node = { kind: 'LookupVal', target: node, val: (lookup as { children: Expr[] }).children[0]! };
      } else if (token.type === 'operator' && token.value === '.') {
        this.next();
        const value = this.next();
        if (value === undefined || value.type !== 'symbol') giveUp();
        node = { kind: 'LookupVal', target: node, val: { kind: 'Literal', value: value!.value } };
      } else break;
    }
    return node;
  }

  private parseFilter(start: Expr): Expr {
    let node = start;
    while (this.skip('pipe')) {
      const first = this.next();
      if (first === undefined || first.type !== 'symbol') giveUp();
      let name = first!.value;
      while (this.skipValue('operator', '.')) {
        const part = this.next();
        if (part === undefined || part.type !== 'symbol') giveUp();
        name += `.${part!.value}`;
      }
      let args: Expr[] = [];
      if (this.peek()?.type === 'left-paren') {
        args = this.parseSignature();
        // nunjucks parses filter arguments as a postfix chain and reads `.args` off the result.
        const after = this.peek();
        if (after !== undefined && (after.type === 'left-paren' || after.type === 'left-bracket' || (after.type === 'operator' && after.value === '.'))) giveUp();
      }
      node = { kind: 'Filter', name, args: [node, ...args] };
    }
    return node;
  }

  private parseAggregate(): Expr {
    const open = this.next();
    let node: Expr;
    switch (open?.type) {
      case 'left-paren':
        node = { kind: 'Group', children: [] };
        break;
      case 'left-bracket':
        node = { kind: 'Array', children: [] };
        break;
      case 'left-curly':
        node = { kind: 'Dict', children: [] };
        break;
      default:
        return giveUp();
    }
    for (;;) {
      const type = this.peek()?.type;
      if (type === undefined) giveUp();
      if (type === 'right-paren' || type === 'right-bracket' || type === 'right-curly') {
        this.next();
        break;
      }
      if (node.children.length > 0 && !this.skip('comma')) giveUp();
      if (node.kind === 'Dict') {
        const key = this.parsePrimary();
        if (!this.skip('colon')) giveUp();
        node.children.push({ key, value: this.parseExpression() });
      } else {
        (node.children as Expr[]).push(this.parseExpression());
        // `x[a:b]` (a slice) goes through jinja-compat's parser: left to nunjucks.
        if (this.peek()?.type === 'colon') giveUp();
      }
    }
    return node;
  }

  private parseSignature(): Expr[] {
    const open = this.next();
    if (open === undefined || open.type !== 'left-paren') giveUp();
    const args: Expr[] = [];
    const kwargs: Pair[] = [];
    let checkComma = false;
    for (;;) {
      const token = this.peek();
      if (token === undefined) return giveUp();
      if (token.type === 'right-paren') {
        this.next();
        break;
      }
      if (checkComma && !this.skip('comma')) giveUp();
      const arg = this.parseExpression();
      if (this.skipValue('operator', '=')) kwargs.push({ key: arg, value: this.parseExpression() });
      else args.push(arg);
      checkComma = true;
    }
    if (kwargs.length > 0) args.push({ kind: 'KeywordArgs', children: kwargs });
    return args;
  }
}

/** Tags nunjucks handles itself before asking extensions. */
const BUILTIN_TAGS = new Set(['raw', 'verbatim', 'if', 'ifAsync', 'for', 'asyncEach', 'asyncAll', 'block', 'extends', 'include', 'set', 'macro', 'call', 'import', 'from', 'filter', 'switch']);

// ---------------------------------------------------------------------------------------------
// Code generation: compiler.js's output for these nodes.

/** compileLiteral's string escaping. */
function stringLiteral(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\u2028/g, '\\u2028')}"`;
}

/** Names that go into generated code inside double quotes as they are (nunjucks does not escape them). */
function plainName(name: string): string {
  if (/["\\\n\r\u2028\u2029]/.test(name)) giveUp();
  return name;
}

/** The compile-time frame: where each loop variable is held (a JavaScript variable here, a slot in fast-closures.ts). */
export class Scope<T = string> {
  private readonly names = new Map<string, T>();
  constructor(private readonly parent?: Scope<T>) {}
  lookup(name: string): T | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }
  set(name: string, id: T): void {
    this.names.set(name, id);
  }
  push(): Scope<T> {
    return new Scope<T>(this);
  }
}

class CodeGenerator {
  private readonly out: string[] = [];
  private lastId = 0;

  private id(): string {
    this.lastId += 1;
    return `t_${this.lastId}`;
  }

  private emit(code: string): void {
    this.out.push(code);
  }

  root(body: Stmt[]): string {
    this.emit('function root(env, context, frame, runtime, cb) {\nvar lineno = 0;\nvar colno = 0;\nvar output = "";\ntry {\nvar parentTemplate = null;\n');
    this.statements(body, new Scope());
    this.emit('if(parentTemplate) {\nparentTemplate.rootRenderFunc(env, context, frame, runtime, cb);\n} else {\ncb(null, output);\n}\n;\n} catch (e) {\n  cb(runtime.handleError(e, lineno, colno));\n}\n}\nreturn {\nroot: root\n};\n');
    return this.out.join('');
  }

  private statements(list: Stmt[], scope: Scope): void {
    for (const statement of list) this.statement(statement, scope);
  }

  private statement(node: Stmt, scope: Scope): void {
    switch (node.kind) {
      case 'Data':
        if (node.value) this.emit(`output += ${stringLiteral(node.value)};\n`);
        return;
      case 'Output':
        this.emit('output += runtime.suppressValue(');
        this.expr(node.expr, scope);
        this.emit(', env.opts.autoescape);\n');
        return;
      case 'If':
        this.emit('if(');
        this.expr(node.cond, scope);
        this.emit(') {\n');
        this.statements(node.body, scope);
        this.emit(';\n');
        if (node.else_) {
          this.emit('}\nelse {\n');
          this.statements(node.else_, scope);
          this.emit(';\n');
        }
        this.emit('}\n');
        return;
      case 'For':
        this.forLoop(node, scope);
        return;
      case 'Set': {
        const ids = node.targets.map((name) => {
          let id = scope.lookup(name);
          if (id === undefined) {
            id = this.id();
            this.emit(`var ${id};\n`);
          }
          return id;
        });
        this.emit(`${ids.join(' = ')} = `);
        this.expr(node.value, scope);
        this.emit(';\n');
        node.targets.forEach((name, i) => {
          const target = plainName(name);
          this.emit(`frame.set("${target}", ${ids[i]}, true);\nif(frame.topLevel) {\ncontext.setVariable("${target}", ${ids[i]});\n}\n`);
          if (target.charAt(0) !== '_') this.emit(`if(frame.topLevel) {\ncontext.addExport("${target}", ${ids[i]});\n}\n`);
        });
        return;
      }
      case 'Extension':
        this.emit(`output += runtime.suppressValue(env.getExtension("${plainName(node.extension)}")["run"](context`);
        for (const arg of node.args) {
          this.emit(',');
          this.expr(arg, scope);
        }
        this.emit('), true && env.opts.autoescape);\n');
        return;
    }
  }

  private forLoop(node: Extract<Stmt, { kind: 'For' }>, outer: Scope): void {
    const i = this.id();
    const len = this.id();
    const arr = this.id();
    const scope = outer.push();
    this.emit(`frame = frame.push();\nvar ${arr} = `);
    this.expr(node.arr, scope);
    this.emit(`;\nif(${arr}) {${arr} = runtime.fromIterator(${arr});\n`);
    const bindings = () =>
      this.emit(
        `frame.set("loop.index", ${i} + 1);\nframe.set("loop.index0", ${i});\nframe.set("loop.revindex", ${len} - ${i});\n` +
          `frame.set("loop.revindex0", ${len} - ${i} - 1);\nframe.set("loop.first", ${i} === 0);\nframe.set("loop.last", ${i} === ${len} - 1);\nframe.set("loop.length", ${len});\n`,
      );
    if (node.pair) {
      const [key, value] = node.names.map(plainName) as [string, string];
      this.emit(`var ${i};\nif(runtime.isArray(${arr})) {\nvar ${len} = ${arr}.length;\nfor(${i}=0; ${i} < ${arr}.length; ${i}++) {\n`);
      node.names.forEach((name, u) => {
        const tid = this.id();
        // nunjucks writes the name node itself here, which prints as "[object Object]".
        this.emit(`var ${tid} = ${arr}[${i}][${u}];\nframe.set("[object Object]", ${arr}[${i}][${u}]);\n`);
        scope.set(name, tid);
      });
      bindings();
      this.statements(node.body, scope);
      this.emit(';\n}\n} else {\n');
      const k = this.id();
      const v = this.id();
      scope.set(key, k);
      scope.set(value, v);
      this.emit(`${i} = -1;\nvar ${len} = runtime.keys(${arr}).length;\nfor(var ${k} in ${arr}) {\n${i}++;\nvar ${v} = ${arr}[${k}];\nframe.set("${key}", ${k});\nframe.set("${value}", ${v});\n`);
      bindings();
      this.statements(node.body, scope);
      this.emit(';\n}\n}\n');
    } else {
      const v = this.id();
      const name = plainName(node.names[0]!);
      scope.set(name, v);
      this.emit(`var ${len} = ${arr}.length;\nfor(var ${i}=0; ${i} < ${arr}.length; ${i}++) {\nvar ${v} = ${arr}[${i}];\nframe.set("${name}", ${v});\n`);
      bindings();
      this.statements(node.body, scope);
      this.emit(';\n}\n');
    }
    this.emit('}\n');
    if (node.else_) {
      this.emit(`if (!${len}) {\n`);
      this.statements(node.else_, scope);
      this.emit('}\n');
    }
    this.emit('frame = frame.pop();\n');
  }

  private list(items: Expr[], scope: Scope): void {
    items.forEach((item, index) => {
      if (index > 0) this.emit(',');
      this.expr(item, scope);
    });
  }

  private expr(node: Expr, scope: Scope): void {
    switch (node.kind) {
      case 'Literal':
        if (typeof node.value === 'string') this.emit(stringLiteral(node.value));
        else this.emit(node.value === null ? 'null' : node.value.toString());
        return;
      case 'Symbol': {
        const id = scope.lookup(node.value);
        this.emit(id ?? `runtime.contextOrFrameLookup(context, frame, "${plainName(node.value)}")`);
        return;
      }
      case 'Group':
        this.emit('(');
        this.list(node.children, scope);
        this.emit(')');
        return;
      case 'Array':
        this.emit('[');
        this.list(node.children, scope);
        this.emit(']');
        return;
      case 'Dict':
      case 'KeywordArgs':
        if (node.kind === 'KeywordArgs') this.emit('runtime.makeKeywordArgs(');
        this.emit('{');
        node.children.forEach((pair, index) => {
          if (index > 0) this.emit(',');
          const key = pair.key;
          if (key.kind === 'Symbol') this.emit(stringLiteral(key.value));
          else if (key.kind === 'Literal' && typeof key.value === 'string') this.emit(stringLiteral(key.value));
          else giveUp(); // nunjucks: "Dict keys must be strings or names"
          this.emit(': ');
          this.expr(pair.value, scope);
        });
        this.emit('}');
        if (node.kind === 'KeywordArgs') this.emit(')');
        return;
      case 'LookupVal':
        this.emit('runtime.memberLookup((');
        this.expr(node.target, scope);
        this.emit('),');
        this.expr(node.val, scope);
        this.emit(')');
        return;
      case 'FunCall':
        this.emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.callWrap(`);
        this.expr(node.name, scope);
        this.emit(`, "${calledName(node.name)}", context, [`);
        this.list(node.args, scope);
        this.emit(']))');
        return;
      case 'Filter':
        this.emit(`env.getFilter("${plainName(node.name)}").call(context, `);
        this.list(node.args, scope);
        this.emit(')');
        return;
      case 'InlineIf':
        this.emit('(');
        this.expr(node.cond, scope);
        this.emit('?');
        this.expr(node.body, scope);
        this.emit(':');
        if (node.else_ !== null) this.expr(node.else_, scope);
        else this.emit('""');
        this.emit(')');
        return;
      case 'In':
        this.emit('runtime.inOperator(');
        this.expr(node.left, scope);
        this.emit(',');
        this.expr(node.right, scope);
        this.emit(')');
        return;
      case 'Is': {
        const right = node.right;
        const { test, args } = testOf(right);
        this.emit(`env.getTest("${plainName(test)}").call(context, `);
        this.expr(node.left, scope);
        if (right.kind === 'FunCall') {
          this.emit(',');
          if (args.length === 1) this.expr(args[0]!, scope);
        }
        this.emit(') === true');
        return;
      }
      case 'Not':
      case 'Neg':
      case 'Pos':
        this.emit(node.kind === 'Not' ? '!' : node.kind === 'Neg' ? '-' : '+');
        this.expr(node.target, scope);
        return;
      case 'FloorDiv':
      case 'Pow':
        this.emit(node.kind === 'FloorDiv' ? 'Math.floor(' : 'Math.pow(');
        this.expr(node.left, scope);
        this.emit(node.kind === 'FloorDiv' ? ' / ' : ', ');
        this.expr(node.right, scope);
        this.emit(')');
        return;
      case 'Compare':
        this.expr(node.expr, scope);
        for (const op of node.ops) {
          this.emit(` ${op.type} `);
          this.expr(op.expr, scope);
        }
        return;
      default:
        this.expr(node.left, scope);
        this.emit(BINARY_OPERATORS[node.kind]);
        this.expr(node.right, scope);
    }
  }
}

const BINARY_OPERATORS: Record<'Or' | 'And' | 'Add' | 'Concat' | 'Sub' | 'Mul' | 'Div' | 'Mod', string> = {
  Or: ' || ', And: ' && ', Add: ' + ', Concat: ' + "" + ', Sub: ' - ', Mul: ' * ', Div: ' / ', Mod: ' % ',
};

/**
 * The test an `is` applies (`x is defined`, `x is divisibleby(3)`, `x is none`: the test "null")
 * and its argument. nunjucks compiles a test's arguments one after the other without commas, so
 * more than one (or keyword arguments) does not compile: left to it.
 */
export function testOf(right: Expr): { test: string; args: Expr[] } {
  let test: string;
  let args: Expr[] = [];
  if (right.kind === 'Symbol') test = right.value;
  else if (right.kind === 'Literal') test = String(right.value);
  else if (right.kind === 'FunCall' && right.name.kind === 'Symbol') {
    test = right.name.value;
    args = right.args;
  } else return giveUp();
  if (args.length > 1 || args.some((arg) => arg.kind === 'KeywordArgs')) giveUp();
  return { test, args };
}

/** The name callWrap reports, quoted as nunjucks quotes it (double quotes escaped, nothing else). */
export function calledName(node: Expr): string {
  const name = nodeName(node);
  if (/[\\\n\r\u2028\u2029]/.test(name)) giveUp();
  return name.replace(/"/g, '\\"');
}

/** compiler.js `_getNodeName`: how an error names what was called. */
export function nodeName(node: Expr): string {
  switch (node.kind) {
    case 'Symbol':
      return node.value;
    case 'FunCall':
      return `the return value of (${nodeName(node.name)})`;
    case 'LookupVal':
      return `${nodeName(node.target)}["${nodeName(node.val)}"]`;
    case 'Literal':
      if (node.value === null) return giveUp(); // nunjucks fails on null.toString()
      return node.value.toString();
    default:
      return '--expression--';
  }
}

/** nunjucks' parse tree of `text`; throws GiveUp for what this front end leaves to nunjucks. */
export function parseTemplate(text: string, extensionTags: ReadonlyMap<string, string>): Stmt[] {
  return new Parser(tokenize(text), extensionTags).parseRoot();
}

/**
 * The JavaScript source nunjucks would generate for `text` (the body of a function returning
 * `{ root }`), or undefined when the template uses something left to nunjucks.
 * `extensionTags` maps the tag of each mirrored extension (`do`) to its registered name.
 */
export function fastTemplateSource(text: string, extensionTags: ReadonlyMap<string, string>): string | undefined {
  try {
    return new CodeGenerator().root(parseTemplate(text, extensionTags));
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}
