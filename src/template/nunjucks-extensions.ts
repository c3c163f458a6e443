import type nunjucks from 'nunjucks';
import { addMacroArgumentGlobals } from './macro-frames.js';
import { addJinjaFilters } from './jinja-filters.js';
import { SPLAT_GLOBALS } from './jinja-splat.js';
import { pyRepr, pyStr } from './python-values.js';

/** Minimal shape of nunjucks' parser API used by tag extensions (it ships no types for it). */
interface Parser {
  nextToken(): { value: string; lineno: number; colno: number };
  parseExpression(): unknown;
  advanceAfterBlockEnd(name: string): void;
}
interface Nodes {
  NodeList: new (lineno: number, colno: number, children: unknown[]) => unknown;
  CallExtension: new (extension: unknown, method: string, args: unknown, contentArgs: unknown[]) => unknown;
}

/** Jinja's `{% do expr %}`: evaluates an expression for its side effect (`{% do items.append(x) %}`). */
export class DoExtension {
  readonly tags = ['do'];
  parse(parser: Parser, nodes: Nodes): unknown {
    const token = parser.nextToken();
    const expression = parser.parseExpression();
    parser.advanceAfterBlockEnd(token.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(token.lineno, token.colno, [expression]), []);
  }
  run(): string {
    return '';
  }
}

/** Tests and filters dbt projects expect from Jinja2 that nunjucks lacks. */
export function addJinjaBuiltins(env: nunjucks.Environment): void {
  addMacroArgumentGlobals((env as unknown as { globals: Record<string, unknown> }).globals);
  for (const [name, fn] of Object.entries(SPLAT_GLOBALS)) env.addGlobal(name, fn);
  const tests = env as unknown as { addTest(name: string, test: (...args: never[]) => boolean): void };
  tests.addTest('none', (value: unknown) => value === null || value === undefined);
  tests.addTest('boolean', (value: unknown) => typeof value === 'boolean');
  tests.addTest('integer', (value: unknown) => Number.isInteger(value));
  tests.addTest('float', (value: unknown) => typeof value === 'number' && !Number.isInteger(value));
  tests.addTest('sequence', (value: unknown) => Array.isArray(value) || typeof value === 'string');
  tests.addTest('in', (value: unknown, container: unknown) => {
    if (Array.isArray(container)) return container.includes(value);
    if (typeof container === 'string') return container.includes(String(value));
    return typeof container === 'object' && container !== null && Object.hasOwn(container, String(value));
  });
  tests.addTest('true', (value: unknown) => value === true);
  tests.addTest('false', (value: unknown) => value === false);
  tests.addTest(
    'filter',
    (value: unknown) => typeof value === 'string' && (env as unknown as { filters: Record<string, unknown> }).filters[value] !== undefined,
  );
  tests.addTest('test', (value: unknown) => typeof value === 'string' && (env as unknown as { tests: Record<string, unknown> }).tests[value] !== undefined);
  // Python's truth: empty lists and dicts are false (see jinja-dialect.ts, which puts it in conditions).
  env.addFilter('tsdbt_truth', (value: unknown) => {
    if (Array.isArray(value)) return value.length > 0;
    if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)
      return Object.keys(value).some((key) => key !== '__keywords');
    return Boolean(value instanceof String ? String(value) : value);
  });
  env.addFilter('fromjson', (value: string) => JSON.parse(value) as unknown);
  env.addFilter('as_text', (value: unknown) => (value === null || value === undefined ? '' : String(value)));
  env.addFilter('as_bool', (value: unknown) => value === true || value === 'true' || value === 'True');
  env.addFilter('as_number', (value: unknown) => Number(value));
  env.addFilter('as_native', (value: unknown) => value);
  env.addFilter('format', (format: string, ...args: unknown[]) => printf(String(format), args));
  addJinjaFilters(env);
}

/** Python's `'%s: %05.2f' % (a, b)`, as Jinja's `format` filter applies it: %s %r %d %i %f %x %%, flags, width, precision. */
export function printf(format: string, args: readonly unknown[]): string {
  let next = 0;
  return format.replace(
    /%([-+ 0]*)(\d+)?(?:\.(\d+))?([srdifx%])/g,
    (_match, flags: string, width: string | undefined, precision: string | undefined, kind: string) => {
      if (kind === '%') return '%';
      const value = args[next++];
      let text: string;
      if (kind === 's') text = pyStr(value);
      else if (kind === 'r') text = pyRepr(value);
      else if (kind === 'f') text = Number(value).toFixed(precision === undefined ? 6 : Number(precision));
      else if (kind === 'x') text = Math.trunc(Number(value)).toString(16);
      else text = String(Math.trunc(Number(value)));
      if (kind !== 's' && kind !== 'r' && flags.includes('+') && Number(value) >= 0) text = `+${text}`;
      if (kind === 's' && precision !== undefined) text = text.slice(0, Number(precision));
      const size = width === undefined ? 0 : Number(width);
      if (text.length >= size) return text;
      if (flags.includes('-')) return text.padEnd(size);
      if (flags.includes('0') && kind !== 's' && kind !== 'r') {
        const sign = /^[+-]/.test(text) ? text[0]! : '';
        return sign + text.slice(sign.length).padStart(size - sign.length, '0');
      }
      return text.padStart(size);
    },
  );
}
