/**
 * The same templates as fast-compile.ts, run without generating JavaScript.
 *
 * Generated code costs V8 a parse when the function is made and a compilation when it first
 * runs, for every template: in a large project that is most of what templates cost (BENCHMARKS.md), since each is
 * rendered once or twice. Here the parse tree becomes a tree of closures (shared code, nothing
 * for V8 to compile per template) that does what the generated code does, step by step:
 *
 * - statements: the same runtime calls in the same order (`frame.set`, `context.setVariable`,
 *   `runtime.suppressValue`, `runtime.fromIterator`…), loop variables in slots where the code
 *   has `t_N` variables;
 * - expressions: nunjucks prints operators without parentheses (`a ~ b + c` becomes
 *   `a + "" + b + c`), so JavaScript's precedence decides what they mean. The operators are
 *   laid out as the code would be and parsed again with JavaScript's precedence, then evaluated
 *   with JavaScript's own operators; calls set `lineno`/`colno` as the code does, so errors
 *   carry the same line.
 *
 * Tests render every sample and thousands of random templates both ways and compare the text,
 * or the error, exactly. Anything odd (`- -x`, which the code would print as `--x`) gives up,
 * and the generated code (or nunjucks) takes over.
 */
import {
  type BinaryOp,
  type Context,
  type Item,
  type NunjucksEnv,
  type NunjucksFrame,
  type NunjucksRuntime,
  OPERATOR_OF,
  PRECEDENCE,
  parseItems,
  type Run,
  type Slots,
  type State,
  type Value,
} from './fast-closure-operators.js';
import { giveUp, GiveUp } from './fast-lexer.js';
import { equalityCall, PYTHON_EQUALITY_FUNCTIONS, PYTHON_OPERATOR_FUNCTIONS, PYTHON_OPERATORS } from './python-operators.js';
import { parseTemplate } from './fast-parser.js';
import { calledName, Scope, testOf, type Expr, type Pair, type Stmt } from './fast-tree.js';

/** The kinds layout() lays out as operators and values; it passes every other kind to operand() whole. */
const LAID_OUT = new Set<Expr['kind']>(['Is', 'Not', 'Neg', 'Pos', 'FloorDiv', 'Compare', 'Add', 'Concat', 'Mul', 'Mod', 'Or', 'And', 'Sub', 'Div']);

class ClosureCompiler {
  private slotCount = 0;

  private slot(): number {
    return this.slotCount++;
  }

  get slots(): number {
    return this.slotCount;
  }

  /** The expression as one value (its items parsed with JavaScript's precedence). */
  value(node: Expr, scope: Slots): Value {
    // An operand is laid out as that one value: made directly, without the list and item layout would make.
    if (!LAID_OUT.has(node.kind)) return this.operand(node, scope);
    const items: Item[] = [];
    this.layout(node, scope, items);
    return items.length === 1 && items[0]!.kind === 'value' ? items[0]!.value : parseItems(items);
  }

  /**
   * What the generated code prints for `node`, as values and operators (see expr() in fast-codegen.ts):
   * operators stay flat here so parseItems can apply JavaScript's precedence as the printed code would.
   */
  private layout(node: Expr, scope: Slots, out: Item[]): void {
    const value = (v: Value) => out.push({ kind: 'value', value: v });
    switch (node.kind) {
      case 'Is': {
        const { test, args } = testOf(node.right);
        const left = this.value(node.left, scope);
        const arg = args.length === 1 ? this.value(args[0]!, scope) : undefined;
        // Printed as `env.getTest(…).call(context, x) === true`: the comparison is an operator like any other.
        value((s) => (arg === undefined ? s.env.getTest(test).call(s.context, left(s)) : s.env.getTest(test).call(s.context, left(s), arg(s))));
        out.push({ kind: 'binary', op: '===' });
        value(() => true);
        return;
      }
      case 'Not':
      case 'Neg':
      case 'Pos':
        out.push({ kind: 'prefix', op: node.kind === 'Not' ? '!' : node.kind === 'Neg' ? '-' : '+' });
        this.layout(node.target, scope, out);
        return;
      case 'FloorDiv': {
        // `Math.floor(L / R)`: inside the parentheses, L and R are printed flat around the `/`.
        const inner: Item[] = [];
        this.layout(node.left, scope, inner);
        inner.push({ kind: 'binary', op: '/' });
        this.layout(node.right, scope, inner);
        const quotient = parseItems(inner);
        value((s) => Math.floor(quotient(s) as number));
        return;
      }
      case 'Compare': {
        const call = equalityCall(node.ops);
        if (call !== undefined) {
          const equality = PYTHON_EQUALITY_FUNCTIONS[call];
          const left = this.value(node.expr, scope);
          const right = this.value(node.ops[0]!.expr, scope);
          value((s) => equality(left(s), right(s)));
          return;
        }
        this.layout(node.expr, scope, out);
        for (const op of node.ops) {
          if (!(op.type in PRECEDENCE)) giveUp();
          out.push({ kind: 'binary', op: op.type as BinaryOp });
          this.layout(op.expr, scope, out);
        }
        return;
      }
      case 'Add':
      case 'Concat':
      case 'Mul':
      case 'Mod': {
        // Printed as `runtime.pyAdd(L, R)`… (python-operators.ts): one operand, its arguments printed flat inside.
        const operator = PYTHON_OPERATOR_FUNCTIONS[PYTHON_OPERATORS[node.kind]];
        const left = this.value(node.left, scope);
        const right = this.value(node.right, scope);
        value((s) => operator(left(s), right(s)));
        return;
      }
      case 'Or':
      case 'And':
      case 'Sub':
      case 'Div':
        this.layout(node.left, scope, out);
        out.push({ kind: 'binary', op: OPERATOR_OF[node.kind]! });
        this.layout(node.right, scope, out);
        return;
      default:
        value(this.operand(node, scope));
    }
  }

  /** A node the generated code prints as one operand: a literal, a name, a call, a lookup, a filter… */
  private operand(node: Expr, scope: Slots): Value {
    switch (node.kind) {
      case 'Literal': {
        const literal = node.value;
        return () => literal;
      }
      case 'Symbol': {
        const slot = scope.lookup(node.value);
        const name = node.value;
        return slot === undefined ? (s) => s.runtime.contextOrFrameLookup(s.context, s.frame, name) : (s) => s.slots[slot];
      }
      case 'Group': {
        if (node.children.length === 0) giveUp(); // `()` does not compile
        const children = node.children.map((child) => this.value(child, scope));
        return (s) => {
          let last: unknown;
          for (const child of children) last = child(s);
          return last;
        };
      }
      case 'Array': {
        const children = node.children.map((child) => this.value(child, scope));
        return (s) => children.map((child) => child(s));
      }
      case 'Dict':
      case 'KeywordArgs':
        return this.dict(node.children, node.kind === 'KeywordArgs', scope);
      case 'LookupVal': {
        const target = this.value(node.target, scope);
        const key = this.value(node.val, scope);
        return (s) => s.runtime.memberLookup(target(s), key(s));
      }
      case 'FunCall': {
        const { lineno, colno } = node;
        const name = calledName(node.name).replace(/\\"/g, '"');
        const callee = this.value(node.name, scope);
        const args = node.args.map((arg) => this.value(arg, scope));
        return (s) => {
          s.lineno = lineno;
          s.colno = colno;
          return s.runtime.callWrap(
            callee(s),
            name,
            s.context,
            args.map((arg) => arg(s)),
          );
        };
      }
      case 'Filter': {
        const name = node.name;
        const args = node.args.map((arg) => this.value(arg, scope));
        return (s) => s.env.getFilter(name).call(s.context, ...args.map((arg) => arg(s)));
      }
      case 'InlineIf': {
        const cond = this.value(node.cond, scope);
        const body = this.value(node.body, scope);
        const otherwise = node.else_ === null ? () => '' : this.value(node.else_, scope);
        return (s) => (cond(s) ? body(s) : otherwise(s));
      }
      case 'In': {
        const left = this.value(node.left, scope);
        const right = this.value(node.right, scope);
        return (s) => s.runtime.inOperator(left(s), right(s));
      }
      case 'Pow': {
        const base = this.value(node.left, scope);
        const exponent = this.value(node.right, scope);
        return (s) => (base(s) as number) ** (exponent(s) as number);
      }
      default:
        return giveUp();
    }
  }

  /** A dict literal, or the keyword arguments of a call (`makeKeywordArgs`); keys are names or strings. */
  private dict(children: readonly Pair[], keywords: boolean, scope: Slots): Value {
    const pairs = children.map((pair) => {
      const key = pair.key;
      if (key.kind !== 'Symbol' && !(key.kind === 'Literal' && typeof key.value === 'string')) return giveUp();
      return [String(key.value), this.value(pair.value, scope)] as const;
    });
    return (s) => {
      const dict: Record<string, unknown> = {};
      for (const [key, item] of pairs) dict[key] = item(s);
      return keywords ? s.runtime.makeKeywordArgs(dict) : dict;
    };
  }

  statements(list: readonly Stmt[], scope: Slots): Run {
    const runs = list.map((statement) => this.statement(statement, scope)).filter((run): run is Run => run !== undefined);
    if (runs.length === 1) return runs[0]!;
    return (s) => {
      for (const run of runs) run(s);
    };
  }

  private statement(node: Stmt, scope: Slots): Run | undefined {
    switch (node.kind) {
      case 'Data': {
        const text = node.value;
        if (!text) return undefined;
        return (s) => {
          s.output += text;
        };
      }
      case 'Output': {
        const expr = this.value(node.expr, scope);
        return (s) => {
          s.output += s.runtime.suppressValue(expr(s), s.env.opts.autoescape) as string;
        };
      }
      case 'If': {
        const cond = this.value(node.cond, scope);
        const body = this.statements(node.body, scope);
        const otherwise = node.else_ === null ? undefined : this.statements(node.else_, scope);
        return (s) => {
          if (cond(s)) body(s);
          else otherwise?.(s);
        };
      }
      case 'Set': {
        const slots = node.targets.map((name) => scope.lookup(name) ?? this.slot());
        const expr = this.value(node.value, scope);
        const targets = node.targets;
        return (s) => {
          const value = expr(s);
          for (const slot of slots) s.slots[slot] = value;
          targets.forEach((name, i) => {
            const held = s.slots[slots[i]!];
            s.frame.set(name, held, true);
            if (s.frame.topLevel) (s.context as Context).setVariable(name, held);
            if (name.charAt(0) !== '_' && s.frame.topLevel) (s.context as Context).addExport(name, held);
          });
        };
      }
      case 'Extension': {
        const extension = node.extension;
        const args = node.args.map((arg) => this.value(arg, scope));
        return (s) => {
          // `env.getExtension(…)["run"](context, …)`: the callee first, then the arguments.
          const target = s.env.getExtension(extension);
          const method = target['run']!;
          s.output += s.runtime.suppressValue(method.call(target, s.context, ...args.map((arg) => arg(s))), true && s.env.opts.autoescape) as string;
        };
      }
      case 'For':
        return this.forLoop(node, scope);
      case 'Macro':
        return giveUp(); // macros run as nunjucks' generated code (fast-codegen.ts)
    }
  }

  private forLoop(node: Extract<Stmt, { kind: 'For' }>, outer: Slots): Run {
    const scope = outer.push();
    // The slots in the order the generated code numbers its variables (i, len, arr).
    const iSlot = this.slot();
    // The length outlives the loop (a `var` in the code): an `else` after a later, empty pass reads the last one.
    const lenSlot = this.slot();
    const arr = this.value(node.arr, scope);
    const run = node.pair ? this.pairLoop(node, scope, iSlot) : this.singleLoop(node, scope, iSlot);
    const otherwise = node.else_ === null ? undefined : this.statements(node.else_, scope);
    return (s) => {
      s.frame = s.frame.push();
      let list = arr(s);
      if (list) {
        list = s.runtime.fromIterator(list);
        run(s, list, lenSlot);
      }
      if (otherwise !== undefined && !s.slots[lenSlot]) otherwise(s);
      s.frame = s.frame.pop();
    };
  }

  /** `{% for x in list %}`: one name per element. */
  private singleLoop(node: Extract<Stmt, { kind: 'For' }>, scope: Slots, iSlot: number): LoopRun {
    const slot = this.slot();
    const name = node.names[0]!;
    scope.set(name, slot);
    const body = this.statements(node.body, scope);
    return (s, list, lenSlot) => {
      const items = list as unknown[];
      const length = items.length;
      s.slots[lenSlot] = length;
      for (let i = 0; i < items.length; i += 1) {
        s.slots[iSlot] = i;
        const v = items[i];
        s.slots[slot] = v;
        s.frame.set(name, v);
        setLoopVariables(s, i, length);
        body(s);
      }
    };
  }

  /** `{% for k, v in pairs %}`: over a list of pairs, or over an object's keys and values (two bodies, as the code has). */
  private pairLoop(node: Extract<Stmt, { kind: 'For' }>, scope: Slots, iSlot: number): LoopRun {
    const [key, value] = node.names as [string, string];
    const elementSlots = node.names.map((name) => {
      const slot = this.slot();
      scope.set(name, slot);
      return slot;
    });
    const arrayBody = this.statements(node.body, scope);
    const keySlot = this.slot();
    const valueSlot = this.slot();
    scope.set(key, keySlot);
    scope.set(value, valueSlot);
    const objectBody = this.statements(node.body, scope);
    return (s, list, lenSlot) => {
      if (s.runtime.isArray(list)) {
        const items = list as unknown[][];
        const length = items.length;
        s.slots[lenSlot] = length;
        for (let i = 0; i < items.length; i += 1) {
          s.slots[iSlot] = i;
          elementSlots.forEach((slot, u) => {
            s.slots[slot] = items[i]![u];
            s.frame.set('[object Object]', items[i]![u]);
          });
          setLoopVariables(s, i, length);
          arrayBody(s);
        }
        return;
      }
      let i = -1;
      const length = s.runtime.keys(list).length;
      s.slots[lenSlot] = length;
      for (const k in list as Record<string, unknown>) {
        i += 1;
        s.slots[iSlot] = i;
        const v = (list as Record<string, unknown>)[k];
        s.slots[keySlot] = k;
        s.slots[valueSlot] = v;
        s.frame.set(key, k);
        s.frame.set(value, v);
        setLoopVariables(s, i, length);
        objectBody(s);
      }
    };
  }
}

/** One pass of a loop over `list`, the length kept in `lenSlot`. */
type LoopRun = (s: State, list: unknown, lenSlot: number) => void;

/** `loop.index`, `loop.first`… set for each pass, in the order the generated code sets them. */
function setLoopVariables(s: State, i: number, length: number): void {
  s.frame.set('loop.index', i + 1);
  s.frame.set('loop.index0', i);
  s.frame.set('loop.revindex', length - i);
  s.frame.set('loop.revindex0', length - i - 1);
  s.frame.set('loop.first', i === 0);
  s.frame.set('loop.last', i === length - 1);
  s.frame.set('loop.length', length);
}

/**
 * `{ root }` for nunjucks' `Template` (as `new Function(source)()` would give), built from closures;
 * undefined when the template uses something left to the generated code or to nunjucks.
 */
export function fastTemplateRoot(text: string, extensionTags: ReadonlyMap<string, string>): { root: (...args: unknown[]) => void } | undefined {
  let run: Run;
  let slots: number;
  try {
    const compiler = new ClosureCompiler();
    run = compiler.statements(parseTemplate(text, extensionTags), new Scope<number>());
    slots = compiler.slots;
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
  const root = (env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: unknown) => {
    const state: State = {
      env: env as NunjucksEnv,
      context,
      frame: frame as NunjucksFrame,
      runtime: runtime as NunjucksRuntime,
      lineno: 0,
      colno: 0,
      output: '',
      slots: new Array<unknown>(slots),
    };
    const done = cb as (error: unknown, output?: string) => void;
    try {
      run(state);
    } catch (error) {
      done(state.runtime.handleError(error, state.lineno, state.colno));
      return;
    }
    done(null, state.output);
  };
  return { root: root as (...args: unknown[]) => void };
}
