import { printf } from './nunjucks-extensions.js';
import { pyStr } from './python-values.js';

/**
 * Jinja2's binary operators where Python's meaning is not JavaScript's. nunjucks prints `a + b`,
 * `a ~ b`, `a * b`, `a % b` as JavaScript; tsdbt prints them as calls to these (the compiler patch
 * in jinja-compiler-patches.ts, fast-codegen.ts and fast-closures.ts alike).
 */

/** `+`: two lists concatenate (`[field] + varargs`); anything else adds as JavaScript does. */
export function pyAdd(left: unknown, right: unknown): unknown {
  if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
  return (left as number) + (right as number);
}

/** `~`: both sides as Python's str() prints them (`None`, `True`, `['a']`); an undefined side is empty. */
export function pyConcat(left: unknown, right: unknown): string {
  return (left === undefined ? '' : pyStr(left)) + (right === undefined ? '' : pyStr(right));
}

/** `*`: a string or list times an integer repeats it (`'-' * 10`); numbers multiply. */
export function pyMul(left: unknown, right: unknown): unknown {
  const repeat = (value: unknown, times: unknown): unknown => {
    const count = Math.max(0, Number(times));
    if (typeof value === 'string') return value.repeat(count);
    return Array.from({ length: count }, () => value as unknown[]).flat();
  };
  if ((typeof left === 'string' || Array.isArray(left)) && Number.isInteger(right)) return repeat(left, right);
  if ((typeof right === 'string' || Array.isArray(right)) && Number.isInteger(left)) return repeat(right, left);
  return (left as number) * (right as number);
}

/**
 * `%`: on a string, printf-style formatting (`'%s_%s' % (a, b)`; a tuple, which is a list here,
 * gives the arguments when it has as many items as the format takes, other than one; too few or
 * too many arguments fail as in Python); on numbers,
 * Python's remainder, which takes the sign of the divisor (`-7 % 3` is 2).
 */
export function pyMod(left: unknown, right: unknown): unknown {
  if (typeof left === 'string' || left instanceof String) {
    const format = String(left);
    const wanted = (format.match(/%[-+ 0]*\d*(?:\.\d+)?[srdifx]/g) ?? []).length;
    const args = Array.isArray(right) && right.length === wanted && wanted !== 1 ? right : [right];
    // Python's TypeErrors: a template that formats wrongly fails, as it does in dbt.
    if (args.length < wanted) throw new Error('not enough arguments for format string');
    if (args.length > wanted && !(wanted === 0 && typeof right === 'object' && right !== null && !Array.isArray(right)))
      throw new Error('not all arguments converted during string formatting');
    return printf(format, args);
  }
  const a = left as number;
  const b = right as number;
  const remainder = a % b;
  return remainder !== 0 && remainder < 0 !== b < 0 ? remainder + b : remainder;
}

/** The result of `set(items)`: a list whose equality ignores order (`set(a) == set(b)`). */
export class PySet extends Array<unknown> {}

/**
 * `==` as Python compares: lists, dicts and sets by content (dbt-utils' test_equality compares two
 * column sets); other values as nunjucks always has (JavaScript's loose equality).
 */
export function pyEq(left: unknown, right: unknown): boolean {
  if (left instanceof PySet && right instanceof PySet) return left.length === right.length && left.every((item) => right.some((other) => pyEq(item, other)));
  if (Array.isArray(left) && Array.isArray(right)) return left.length === right.length && left.every((item, index) => pyEq(item, right[index]));
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left).filter((key) => key !== '__keywords');
    return (
      keys.length === Object.keys(right).filter((key) => key !== '__keywords').length &&
      keys.every((key) => Object.hasOwn(right, key) && pyEq(left[key], right[key]))
    );
  }
  // biome-ignore lint/suspicious/noDoubleEquals: nunjucks compiles Jinja's == to JavaScript's loose equality, kept for scalars
  return left == right;
}

export function pyNe(left: unknown, right: unknown): boolean {
  return !pyEq(left, right);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The runtime function each operator node is printed as. */
export const PYTHON_OPERATORS = { Add: 'pyAdd', Concat: 'pyConcat', Mul: 'pyMul', Mod: 'pyMod' } as const;

export const PYTHON_OPERATOR_FUNCTIONS = { pyAdd, pyConcat, pyMul, pyMod } as const;

/** A comparison of one `==` or `!=` is printed as a call to these (a chain of comparisons stays JavaScript's). */
export const PYTHON_EQUALITY = { '==': 'pyEq', '!=': 'pyNe' } as const;

export const PYTHON_EQUALITY_FUNCTIONS = { pyEq, pyNe } as const;

/** The comparison `node` prints as a call (one `==`/`!=`), or undefined. */
export function equalityCall(ops: readonly { type: string }[]): 'pyEq' | 'pyNe' | undefined {
  return ops.length === 1 ? PYTHON_EQUALITY[ops[0]!.type as keyof typeof PYTHON_EQUALITY] : undefined;
}
