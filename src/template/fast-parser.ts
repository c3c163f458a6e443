/**
 * nunjucks 3.2.4's parser (parser.js) for the statements the fast path supports: text, output,
 * `if`, `for`, `set`, `macro`, `call` and mirrored extension tags; every other tag gives up.
 */
import { giveUp, type Token, tokenize } from './fast-lexer.js';
import { ExpressionParser } from './fast-parse-expression.js';
import type { Expr, Pair, Signature, Stmt } from './fast-tree.js';

/**
 * Names the generated code uses as they are (`l_<name>` parameters, `"<name>"` strings). nunjucks
 * takes any symbol (or, for a macro's name, any literal); anything else is left to it.
 */
const PLAIN_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Tags nunjucks handles itself before asking extensions. */
const BUILTIN_TAGS = new Set([
  'raw',
  'verbatim',
  'if',
  'ifAsync',
  'for',
  'asyncEach',
  'asyncAll',
  'block',
  'extends',
  'include',
  'set',
  'macro',
  'call',
  'import',
  'from',
  'filter',
  'switch',
]);

/** nunjucks' parser.js, for the supported statements (expressions: see ExpressionParser). */
class TemplateParser extends ExpressionParser {
  private breakOnBlocks: string[] | null = null;

  constructor(
    tokens: Token[],
    /** Tag name → extension name, for extensions whose parse this module mirrors (`do`). */
    private readonly extensionTags: ReadonlyMap<string, string>,
  ) {
    super(tokens);
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
      case 'macro':
        return this.parseMacro();
      case 'call':
        return this.parseCall();
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

  /** parseMacro: `{% macro name(a, b=1) %}…{% endmacro %}`. */
  private parseMacro(): Stmt {
    this.next(); // `macro`
    const name = this.next();
    // nunjucks reads the name with parsePrimary(noPostfix): a string or number would compile too, oddly.
    if (name === undefined || name.type !== 'symbol' || !PLAIN_NAME.test(name.value)) return giveUp();
    const parameters = parameterNames(this.parseSignature());
    this.advanceAfterBlockEnd('macro');
    const body = this.parseUntilBlocks('endmacro');
    this.advanceAfterBlockEnd();
    return { kind: 'Macro', name: name.value, ...parameters, body };
  }

  /**
   * parseCall: `{% call(args) macro(…) %}body{% endcall %}` is the output of the call, with the
   * body as an anonymous macro added to its keyword arguments as `caller`.
   */
  private parseCall(): Stmt {
    this.next(); // `call`
    const next = this.peek();
    if (next === undefined) return giveUp();
    const callerArgs = next.type === 'left-paren' ? this.parseSignature() : [];
    const call = this.parsePrimary();
    // nunjucks adds `caller` to `.args` of whatever was parsed: only a call has them.
    if (call.kind !== 'FunCall') return giveUp();
    this.advanceAfterBlockEnd('call');
    const body = this.parseUntilBlocks('endcall');
    this.advanceAfterBlockEnd();
    const caller: Expr = { kind: 'Caller', ...parameterNames(callerArgs), body };
    let keywords = call.args[call.args.length - 1];
    if (keywords?.kind !== 'KeywordArgs') {
      keywords = { kind: 'KeywordArgs', children: [] };
      call.args.push(keywords);
    }
    (keywords.children as Pair[]).push({ key: { kind: 'Symbol', value: 'caller' }, value: caller });
    return { kind: 'Output', expr: call };
  }
}

/**
 * A macro's parameters as nunjucks' `_compileMacro` reads its signature: names, then (the last
 * entry, when keyword arguments) names with defaults. Its compiler rejects a parameter that is not
 * a name (`assertType`), which is left to it to report.
 */
function parameterNames(signature: Expr[]): Omit<Signature, 'body'> {
  const args: string[] = [];
  const kwargs: Signature['kwargs'] = [];
  signature.forEach((arg, i) => {
    if (i === signature.length - 1 && arg.kind === 'KeywordArgs') {
      for (const pair of arg.children) {
        if (pair.key.kind !== 'Symbol' || !PLAIN_NAME.test(pair.key.value)) giveUp();
        kwargs.push({ name: (pair.key as { value: string }).value, value: pair.value });
      }
    } else if (arg.kind === 'Symbol' && PLAIN_NAME.test(arg.value)) args.push(arg.value);
    else giveUp();
  });
  return { args, kwargs };
}

/** nunjucks' parse tree of `text`; throws GiveUp for what this front end leaves to nunjucks. */
export function parseTemplate(text: string, extensionTags: ReadonlyMap<string, string>): Stmt[] {
  return new TemplateParser(tokenize(text), extensionTags).parseRoot();
}
