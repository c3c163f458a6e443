/**
 * The fast path's parse tree: nunjucks 3.2.4's node types with the fields its compiler reads, the
 * compile-time scope, and the helpers both back ends (generated code, closures) share.
 */
import { giveUp } from './fast-lexer.js';

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
  | { kind: 'Compare'; expr: Expr; ops: { type: string; expr: Expr }[] }
  /** A `{% call %}` block's body, passed as the called macro's `caller` keyword argument. */
  | ({ kind: 'Caller' } & Signature);

/** A macro's (or a `{% call %}` body's) parameters and body: names, names with defaults, statements. */
export interface Signature {
  args: string[];
  kwargs: { name: string; value: Expr }[];
  body: Stmt[];
}

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
  | { kind: 'Extension'; extension: string; args: Expr[] }
  | ({ kind: 'Macro'; name: string } & Signature);

/** The compile-time frame: where each loop variable is held (a JavaScript variable here, a slot in fast-closures.ts). */
export class Scope<T = string> {
  private readonly names = new Map<string, T>();
  constructor(private readonly parent?: Scope<T>) {}
  /** No enclosing frame: the template's top level, or a macro's body (nunjucks compiles each in a new Frame). */
  get isRoot(): boolean {
    return this.parent === undefined;
  }
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
