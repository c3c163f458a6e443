/**
 * What fast-closures.ts runs on: the state a template's root function works in (nunjucks' env,
 * context, frame and runtime, plus the generated code's own variables), and the operators of an
 * expression laid out as the generated code prints them, parsed again with JavaScript's precedence.
 */
import { giveUp } from './fast-lexer.js';
import type { Scope } from './fast-tree.js';

/** What nunjucks passes a template's root function, and the function's own variables. */
export interface State {
  env: NunjucksEnv;
  context: unknown;
  frame: NunjucksFrame;
  runtime: NunjucksRuntime;
  lineno: number;
  colno: number;
  output: string;
  /** The `t_N` variables of the generated code. */
  slots: unknown[];
}

export interface NunjucksFrame {
  set(name: string, value: unknown, resolveUp?: boolean): void;
  push(): NunjucksFrame;
  pop(): NunjucksFrame;
  topLevel: boolean;
}

export interface NunjucksEnv {
  opts: { autoescape: boolean };
  getFilter(name: string): { call(context: unknown, ...args: unknown[]): unknown };
  getTest(name: string): { call(context: unknown, ...args: unknown[]): unknown };
  getExtension(name: string): Record<string, (...args: unknown[]) => unknown>;
}

export interface NunjucksRuntime {
  suppressValue(value: unknown, autoescape: boolean): unknown;
  contextOrFrameLookup(context: unknown, frame: NunjucksFrame, name: string): unknown;
  memberLookup(target: unknown, key: unknown): unknown;
  callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown;
  makeKeywordArgs(values: Record<string, unknown>): unknown;
  inOperator(key: unknown, container: unknown): unknown;
  fromIterator(value: unknown): unknown;
  isArray(value: unknown): boolean;
  keys(value: unknown): unknown[];
  handleError(error: unknown, lineno: number, colno: number): unknown;
}

export interface Context {
  setVariable(name: string, value: unknown): void;
  addExport(name: string, value: unknown): void;
}

export type Run = (state: State) => void;
export type Value = (state: State) => unknown;

/** Names → slots, as the generated code's compile-time frame maps names → `t_N`. */
export type Slots = Scope<number>;

// ---------------------------------------------------------------------------------------------
// Expressions: the operator layout of the generated code, parsed with JavaScript's precedence.

export type Item = { kind: 'value'; value: Value } | { kind: 'prefix'; op: '!' | '-' | '+' } | { kind: 'binary'; op: BinaryOp };
export type BinaryOp = '||' | '&&' | '==' | '!=' | '===' | '!==' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export const PRECEDENCE: Record<BinaryOp, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '===': 3,
  '!==': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

export const OPERATOR_OF: Record<string, BinaryOp> = { Or: '||', And: '&&', Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%' };

export function apply(op: BinaryOp, left: Value, right: Value): Value {
  switch (op) {
    case '||':
      return (s) => (left(s) as never) || right(s);
    case '&&':
      return (s) => (left(s) as never) && right(s);
    case '==':
      // biome-ignore lint/suspicious/noDoubleEquals: Jinja's == is JavaScript's loose equality in nunjucks, and the fast path must match it
      return (s) => left(s) == right(s);
    case '!=':
      // biome-ignore lint/suspicious/noDoubleEquals: as above, nunjucks compiles != to loose inequality
      return (s) => left(s) != right(s);
    case '===':
      return (s) => left(s) === right(s);
    case '!==':
      return (s) => left(s) !== right(s);
    case '<':
      return (s) => (left(s) as number) < (right(s) as number);
    case '>':
      return (s) => (left(s) as number) > (right(s) as number);
    case '<=':
      return (s) => (left(s) as number) <= (right(s) as number);
    case '>=':
      return (s) => (left(s) as number) >= (right(s) as number);
    case '+':
      return (s) => (left(s) as number) + (right(s) as number);
    case '-':
      return (s) => (left(s) as number) - (right(s) as number);
    case '*':
      return (s) => (left(s) as number) * (right(s) as number);
    case '/':
      return (s) => (left(s) as number) / (right(s) as number);
    case '%':
      return (s) => (left(s) as number) % (right(s) as number);
  }
}

/** Parses the laid-out items as JavaScript would parse the printed code. */
export function parseItems(items: readonly Item[]): Value {
  let at = 0;
  const unary = (): Value => {
    const item = items[at++];
    if (item === undefined) return giveUp();
    if (item.kind === 'value') return item.value;
    if (item.kind === 'binary') return giveUp();
    // `--x` and `++x` are what the code would print for nested signs: not what they mean here.
    const next = items[at];
    if (next?.kind === 'prefix' && next.op === item.op && item.op !== '!') return giveUp();
    const operand = unary();
    if (item.op === '!') return (s) => !operand(s);
    if (item.op === '-') return (s) => -(operand(s) as number);
    return (s) => +(operand(s) as number);
  };
  const binary = (minimum: number): Value => {
    let left = unary();
    for (;;) {
      const item = items[at];
      if (item === undefined || item.kind !== 'binary' || PRECEDENCE[item.op] < minimum) return left;
      at += 1;
      const right = binary(PRECEDENCE[item.op] + 1);
      left = apply(item.op, left, right);
    }
  };
  const value = binary(0);
  if (at !== items.length) giveUp();
  return value;
}
