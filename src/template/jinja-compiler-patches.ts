import { nunjucksLib } from './nunjucks-lib.js';

interface CompilerLike {
  _emitLine(code: string): void;
  _emit(code: string): void;
  compile(node: unknown, frame: unknown): void;
}

/**
 * Changes to nunjucks' compiler for Jinja2's semantics, installed while tsdbt compiles a template
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
  // dbt collects every macro of a file, `_is_relation` too; nunjucks exports only names without a leading `_`.
  const topMacro = compiler.compileMacro as (this: CompilerLike, node: { name: { value: string } }, frame: { parent: unknown }) => void;
  compiler.compileMacro = function exportEveryMacro(this: CompilerLike, node: { name: { value: string } }, frame: { parent: unknown }): void {
    topMacro.call(this, node, frame);
    if (!frame.parent && node.name.value.startsWith('_')) this._emitLine(`context.addExport(${JSON.stringify(node.name.value)});`);
  };
  // Python's `+`: printed as a call to the runtime's pyAdd (python-values.ts), as fast-codegen.ts prints it.
  const compileAdd = compiler.compileAdd;
  compiler.compileAdd = function pythonAdd(this: CompilerLike, node: { left: unknown; right: unknown }, frame: unknown): void {
    this._emit('runtime.pyAdd(');
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
  return () => {
    compiler.compileAdd = compileAdd;
    compiler._getNodeName = getNodeName;
    compiler.compileMacro = topMacro;
  };
}
