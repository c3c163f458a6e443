import { nunjucksLib } from './nunjucks-lib.js';
import { equalityCall, PYTHON_OPERATORS } from './python-operators.js';

interface CompilerLike {
  _emitLine(code: string): void;
  _emit(code: string): void;
  compile(node: unknown, frame: unknown): void;
}

interface ParserLike {
  peekToken(): { lineno: number; colno: number } | null;
  fail(message: string, lineno: number, colno: number): never;
}

/**
 * Changes to nunjucks' compiler (and one to its parser) for Jinja2's semantics, installed while tsdbt compiles a template
 * (withJinjaParser) and removed after, so other nunjucks users see nunjucks as shipped.
 */
export function installCompilerPatches(): () => void {
  const compiler = (nunjucksLib() as unknown as { compiler: { Compiler: { prototype: Record<string, unknown> } } }).compiler.Compiler.prototype;
  // A string literal's name in a call (`'a\nb'.format()`) is printed into the generated code: a
  // line break or backslash there would break it, and the name only serves error messages.
  const getNodeName = compiler._getNodeName as (this: CompilerLike, node: { typename: string; value: unknown }) => string;
  compiler._getNodeName = function safeNodeName(this: CompilerLike, node: { typename: string; value: unknown }): string {
    const name = getNodeName.call(this, node);
    return node.typename === 'Literal' ? name.replace(/[\\\n\r\u2028\u2029]/g, ' ') : name;
  };
  // dbt collects every macro of a file, `_is_relation` too; nunjucks exports only names without a leading `_`
  // (fast-codegen.ts topMacro prints the same line).
  const topMacro = compiler.compileMacro as (this: CompilerLike, node: { name: { value: string } }, frame: { parent: unknown }) => void;
  compiler.compileMacro = function exportEveryMacro(this: CompilerLike, node: { name: { value: string } }, frame: { parent: unknown }): void {
    topMacro.call(this, node, frame);
    if (!frame.parent && node.name.value.startsWith('_')) this._emitLine(`context.addExport(${JSON.stringify(node.name.value)});`);
  };
  // Python's `+`, `~`, `*`, `%`: printed as calls to the runtime's functions (python-operators.ts), as fast-codegen.ts prints them.
  const saved = Object.entries(PYTHON_OPERATORS).map(([kind, fn]) => {
    const method = `compile${kind}`;
    const original = compiler[method];
    compiler[method] = function pythonOperator(this: CompilerLike, node: { left: unknown; right: unknown }, frame: unknown): void {
      this._emit(`runtime.${fn}(`);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit(')');
    };
    return [method, original] as const;
  });
  // One `==`/`!=`: Python's equality (lists, dicts and sets by content).
  const compileCompare = compiler.compileCompare as (
    this: CompilerLike,
    node: { expr: unknown; ops: { type: string; expr: unknown }[] },
    frame: unknown,
  ) => void;
  compiler.compileCompare = function pythonCompare(this: CompilerLike, node: { expr: unknown; ops: { type: string; expr: unknown }[] }, frame: unknown): void {
    const call = equalityCall(node.ops);
    if (call === undefined) {
      compileCompare.call(this, node, frame);
      return;
    }
    this._emit(`runtime.${call}(`);
    this.compile(node.expr, frame);
    this._emit(', ');
    this.compile(node.ops[0]!.expr, frame);
    this._emit(')');
  };
  // `{% call name %}` without a call: nunjucks' parser fails on it with a TypeError of its own
  // (`reading 'children'`), which names no line. Jinja2 reports "expected call" at the tag.
  const parser = (nunjucksLib() as unknown as { parser: { Parser: { prototype: Record<string, unknown> } } }).parser.Parser.prototype;
  const parseCall = parser.parseCall as (this: ParserLike) => unknown;
  parser.parseCall = function callOfACall(this: ParserLike): unknown {
    const callTag = this.peekToken();
    try {
      return parseCall.call(this);
    } catch (error) {
      if (error instanceof TypeError && callTag !== null) this.fail('expected call', callTag.lineno, callTag.colno);
      throw error;
    }
  };
  return () => {
    parser.parseCall = parseCall;
    compiler.compileCompare = compileCompare;
    for (const [method, original] of saved) compiler[method] = original;
    compiler._getNodeName = getNodeName;
    compiler.compileMacro = topMacro;
  };
}
