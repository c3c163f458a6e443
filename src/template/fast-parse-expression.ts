/**
 * nunjucks 3.2.4's expression grammar (parser.js `parseExpression` and below, with its operator
 * precedence), over the token cursor the statement parser (fast-parser.ts) shares.
 */
import { giveUp, type Token, type TokenType } from './fast-lexer.js';
import type { Expr, Pair } from './fast-tree.js';

const COMPARE_OPERATORS = ['==', '===', '!=', '!==', '<', '>', '<=', '>='];
const BINARY_LEVELS: { kind: 'Add' | 'Sub' | 'Mul' | 'Div' | 'FloorDiv' | 'Mod' | 'Pow'; op: string }[] = [
  { kind: 'Add', op: '+' },
  { kind: 'Sub', op: '-' },
  { kind: 'Mul', op: '*' },
  { kind: 'Div', op: '/' },
  { kind: 'FloorDiv', op: '//' },
  { kind: 'Mod', op: '%' },
  { kind: 'Pow', op: '**' },
];

/** The token cursor and the expression grammar; fast-parser.ts adds the statements. */
export class ExpressionParser {
  protected position = 0;
  protected dropLeadingWhitespace = false;

  constructor(protected readonly tokens: Token[]) {}

  protected next(): Token | undefined {
    return this.tokens[this.position++];
  }
  protected peek(): Token | undefined {
    return this.tokens[this.position];
  }
  protected back(): void {
    this.position -= 1;
  }
  // skip and skipValue look before they move (nunjucks takes the token and puts it back): the same position either way.
  protected skip(type: TokenType): boolean {
    const token = this.tokens[this.position];
    if (token === undefined || token.type !== type) return false;
    this.position += 1;
    return true;
  }
  protected skipValue(type: TokenType, value: string): boolean {
    const token = this.tokens[this.position];
    if (token === undefined || token.type !== type || token.value !== value) return false;
    this.position += 1;
    return true;
  }
  protected skipSymbol(value: string): boolean {
    return this.skipValue('symbol', value);
  }

  protected advanceAfterBlockEnd(name?: string): void {
    if (name === undefined) {
      const token = this.peek();
      if (token === undefined || token.type !== 'symbol') giveUp();
      this.next();
    }
    const token = this.next();
    if (token === undefined || token.type !== 'block-end') giveUp();
    if (token!.value.charAt(0) === '-') this.dropLeadingWhitespace = true;
  }

  protected advanceAfterVariableEnd(): void {
    const token = this.next();
    if (token === undefined || token.type !== 'variable-end') giveUp();
    this.dropLeadingWhitespace = token!.value.charAt(token!.value.length - 3) === '-';
  }

  parseExpression(): Expr {
    return this.parseInlineIf();
  }

  protected parseInlineIf(): Expr {
    let node = this.parseOr();
    if (this.skipSymbol('if')) {
      const cond = this.parseOr();
      const body = node;
      node = { kind: 'InlineIf', cond, body, else_: this.skipSymbol('else') ? this.parseOr() : null };
    }
    return node;
  }

  protected parseOr(): Expr {
    let node = this.parseAnd();
    while (this.skipSymbol('or')) node = { kind: 'Or', left: node, right: this.parseAnd() };
    return node;
  }

  protected parseAnd(): Expr {
    let node = this.parseNot();
    while (this.skipSymbol('and')) node = { kind: 'And', left: node, right: this.parseNot() };
    return node;
  }

  protected parseNot(): Expr {
    if (this.skipSymbol('not')) return { kind: 'Not', target: this.parseNot() };
    return this.parseIn();
  }

  protected parseIn(): Expr {
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

  protected parseIs(): Expr {
    let node = this.parseCompare();
    if (this.skipSymbol('is')) {
      const not = this.skipSymbol('not');
      node = { kind: 'Is', left: node, right: this.parseCompare() };
      if (not) node = { kind: 'Not', target: node };
    }
    return node;
  }

  protected parseCompare(): Expr {
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

  protected parseConcat(): Expr {
    let node = this.parseArithmetic();
    while (this.skipValue('tilde', '~')) node = { kind: 'Concat', left: node, right: this.parseArithmetic() };
    return node;
  }

  /**
   * parseBinary(0). The seven levels all start with the unary operand, so it is parsed first, and
   * the levels are entered only when an operator follows it (most operands stand alone).
   */
  private parseArithmetic(): Expr {
    const first = this.parseUnary(false);
    return this.tokens[this.position]?.type === 'operator' ? this.parseBinary(0, first) : first;
  }

  /** parseAdd, parseSub, parseMul, parseDiv, parseFloorDiv, parseMod, parsePow: one level each; `first`, the leftmost operand when already parsed. */
  protected parseBinary(level: number, first?: Expr): Expr {
    if (level === BINARY_LEVELS.length) return first ?? this.parseUnary(false);
    const { kind, op } = BINARY_LEVELS[level]!;
    let node = this.parseBinary(level + 1, first);
    while (this.skipValue('operator', op)) node = { kind, left: node, right: this.parseBinary(level + 1) };
    return node;
  }

  protected parseUnary(noFilters: boolean): Expr {
    let node: Expr;
    if (this.skipValue('operator', '-')) node = { kind: 'Neg', target: this.parseUnary(true) };
    else if (this.skipValue('operator', '+')) node = { kind: 'Pos', target: this.parseUnary(true) };
    else node = this.parsePrimary();
    if (!noFilters) node = this.parseFilter(node);
    return node;
  }

  protected parsePrimary(): Expr {
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

  protected parsePostfix(start: Expr): Expr {
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

  protected parseFilter(start: Expr): Expr {
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
        if (after !== undefined && (after.type === 'left-paren' || after.type === 'left-bracket' || (after.type === 'operator' && after.value === '.')))
          giveUp();
      }
      node = { kind: 'Filter', name, args: [node, ...args] };
    }
    return node;
  }

  protected parseAggregate(): Expr {
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

  protected parseSignature(): Expr[] {
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
