/**
 * nunjucks 3.2.4's code generator (compiler.js) for the fast path's parse tree: the same JavaScript
 * nunjucks would generate, so a template behaves the same whichever front end compiled it.
 */
import { giveUp } from './fast-lexer.js';
import { equalityCall, PYTHON_OPERATORS } from './python-operators.js';
import { calledName, Scope, testOf, type Expr, type Pair, type Signature, type Stmt } from './fast-tree.js';

/** compileLiteral's string escaping. */
function stringLiteral(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\u2028/g, '\\u2028')}"`;
}

/** Names that go into generated code inside double quotes as they are (nunjucks does not escape them). */
function plainName(name: string): string {
  if (/["\\\n\r\u2028\u2029]/.test(name)) giveUp();
  return name;
}

export class CodeGenerator {
  private readonly out: string[] = [];
  private lastId = 0;
  /** The variable output goes to: `output`, or a macro body's own (`_pushBuffer`). */
  private buffer = 'output';

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
    this.emit(
      'if(parentTemplate) {\nparentTemplate.rootRenderFunc(env, context, frame, runtime, cb);\n} else {\ncb(null, output);\n}\n;\n} catch (e) {\n  cb(runtime.handleError(e, lineno, colno));\n}\n}\nreturn {\nroot: root\n};\n',
    );
    return this.out.join('');
  }

  private statements(list: Stmt[], scope: Scope): void {
    for (const statement of list) this.statement(statement, scope);
  }

  private statement(node: Stmt, scope: Scope): void {
    switch (node.kind) {
      case 'Data':
        if (node.value) this.emit(`${this.buffer} += ${stringLiteral(node.value)};\n`);
        return;
      case 'Output':
        this.emit(`${this.buffer} += runtime.suppressValue(`);
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
        this.emit(`${this.buffer} += runtime.suppressValue(env.getExtension("${plainName(node.extension)}")["run"](context`);
        for (const arg of node.args) {
          this.emit(',');
          this.expr(arg, scope);
        }
        this.emit('), true && env.opts.autoescape);\n');
        return;
      case 'Macro':
        this.topMacro(node, scope);
        return;
    }
  }

  /** compileMacro, with tsdbt's patch (jinja-compiler-patches.ts: a top-level `_name` is exported too). */
  private topMacro(node: Extract<Stmt, { kind: 'Macro' }>, scope: Scope): void {
    const id = this.macro(node);
    const name = node.name;
    scope.set(name, id);
    if (!scope.isRoot) this.emit(`frame.set("${name}", ${id});\n`);
    else {
      if (name.charAt(0) !== '_') this.emit(`context.addExport("${name}");\n`);
      this.emit(`context.setVariable("${name}", ${id});\n`);
      if (name.charAt(0) === '_') this.emit(`context.addExport(${JSON.stringify(name)});\n`);
    }
  }

  /**
   * `_compileMacro`: the function `runtime.makeMacro` wraps. A macro's body compiles in a scope of
   * its own; a `{% call %}` body's (`outer` given) sees the scope around it. The body is wrapped
   * in `try … finally` to restore the caller's frame, as macro-frames.ts patches nunjucks' compiler.
   */
  private macro(node: Signature, outer?: Scope): string {
    const id = `macro_${this.id()}`;
    const scope = outer === undefined ? new Scope() : outer.push();
    const names = node.args.map((name) => `"${name}"`).join(', ');
    const keywordNames = node.kwargs.map(({ name }) => `"${name}"`).join(', ');
    const parameters = [...node.args.map((name) => `l_${name}`), 'kwargs'].join(', ');
    this.emit(
      `var ${id} = runtime.makeMacro(\n[${names}], \n[${keywordNames}], \nfunction (${parameters}) {\nvar callerFrame = frame;\ntry {\n` +
        `frame = ${outer === undefined ? 'new runtime.Frame();' : 'frame.push(true);'}\nkwargs = kwargs || {};\n` +
        'if (Object.prototype.hasOwnProperty.call(kwargs, "caller")) {\nframe.set("caller", kwargs.caller); }\n',
    );
    for (const name of node.args) {
      this.emit(`frame.set("${name}", l_${name});\n`);
      scope.set(name, `l_${name}`);
    }
    for (const { name, value } of node.kwargs) {
      this.emit(`frame.set("${name}", Object.prototype.hasOwnProperty.call(kwargs, "${name}") ? kwargs["${name}"] : `);
      this.expr(value, scope);
      this.emit(');');
    }
    const outerBuffer = this.buffer;
    this.buffer = this.id();
    this.emit(`var ${this.buffer} = "";`);
    this.statements(node.body, scope);
    this.emit(
      `;\nframe = ${outer === undefined ? 'callerFrame;' : 'frame.pop();'}\nreturn new runtime.SafeString(${this.buffer});\n} finally { frame = callerFrame; }\n});\n`,
    );
    this.buffer = outerBuffer;
    return id;
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
      this.emit(
        `${i} = -1;\nvar ${len} = runtime.keys(${arr}).length;\nfor(var ${k} in ${arr}) {\n${i}++;\nvar ${v} = ${arr}[${k}];\nframe.set("${key}", ${k});\nframe.set("${value}", ${v});\n`,
      );
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
        this.dict(node.children, node.kind === 'KeywordArgs', scope);
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
      case 'Caller':
        // compileCaller: an anonymous macro, made where the call is.
        this.emit('(function (){');
        this.emit(`return ${this.macro(node, scope)};})()`);
        return;
      case 'In':
        this.emit('runtime.inOperator(');
        this.expr(node.left, scope);
        this.emit(',');
        this.expr(node.right, scope);
        this.emit(')');
        return;
      default:
        this.operation(node, scope);
    }
  }

  /** Operators: `is` tests, unary and binary operators, comparisons. */
  private operation(node: Expr, scope: Scope): void {
    switch (node.kind) {
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
      case 'Compare': {
        const call = equalityCall(node.ops);
        if (call !== undefined) {
          this.emit(`runtime.${call}(`);
          this.expr(node.expr, scope);
          this.emit(', ');
          this.expr(node.ops[0]!.expr, scope);
          this.emit(')');
          return;
        }
        this.expr(node.expr, scope);
        for (const op of node.ops) {
          this.emit(` ${op.type} `);
          this.expr(op.expr, scope);
        }
        return;
      }
      case 'Add':
      case 'Concat':
      case 'Mul':
      case 'Mod':
        // As the compiler patched by withJinjaParser prints it: Python's operators (python-operators.ts).
        this.emit(`runtime.${PYTHON_OPERATORS[node.kind]}(`);
        this.expr(node.left, scope);
        this.emit(', ');
        this.expr(node.right, scope);
        this.emit(')');
        return;
      case 'Or':
      case 'And':
      case 'Sub':
      case 'Div':
        this.expr(node.left, scope);
        this.emit(BINARY_OPERATORS[node.kind]);
        this.expr(node.right, scope);
        return;
      default:
        giveUp();
    }
  }

  /** A dict literal, or a call's keyword arguments (`runtime.makeKeywordArgs({…})`). */
  private dict(children: readonly Pair[], keywords: boolean, scope: Scope): void {
    if (keywords) this.emit('runtime.makeKeywordArgs(');
    this.emit('{');
    children.forEach((pair, index) => {
      if (index > 0) this.emit(',');
      const key = pair.key;
      if (key.kind === 'Symbol') this.emit(stringLiteral(key.value));
      else if (key.kind === 'Literal' && typeof key.value === 'string') this.emit(stringLiteral(key.value));
      else giveUp(); // nunjucks: "Dict keys must be strings or names"
      this.emit(': ');
      this.expr(pair.value, scope);
    });
    this.emit('}');
    if (keywords) this.emit(')');
  }
}

const BINARY_OPERATORS: Record<'Or' | 'And' | 'Sub' | 'Div', string> = {
  Or: ' || ',
  And: ' && ',
  Sub: ' - ',
  Div: ' / ',
};
