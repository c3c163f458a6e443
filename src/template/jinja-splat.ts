/**
 * Jinja2 call syntax nunjucks lacks, in the runtime half: `f(a, *args, **kwargs)` and dict literals
 * with computed keys (`{key.lower(): value}`). jinja-dialect.ts rewrites `*args` into
 * `tsdbt_splat(args)`, `**kwargs` into `tsdbt_splat_kw(kwargs)`, and a dict whose keys are not all
 * string literals into `tsdbt_dict([[k, v], …])`; the runtime's callWrap spreads the marks.
 */

/** An argument to spread into the call: positional items, or keyword arguments. */
class Splat {
  constructor(
    readonly value: unknown,
    readonly keywords: boolean,
  ) {}
}

type Keywords = Record<string, unknown> & { __keywords?: boolean };

function isKeywords(value: unknown): value is Keywords {
  return typeof value === 'object' && value !== null && (value as Keywords).__keywords === true;
}

/** The arguments with every Splat spread: positional items in place, keywords merged into the trailing keywords object. */
export function expandSplats(args: readonly unknown[]): unknown[] {
  if (!args.some((arg) => arg instanceof Splat)) return args as unknown[];
  const positional: unknown[] = [];
  let keywords: Keywords | undefined;
  for (const arg of args) {
    if (arg instanceof Splat && arg.keywords) {
      const given = (arg.value ?? {}) as Record<string, unknown>;
      keywords = { ...keywords, ...Object.fromEntries(Object.entries(given).filter(([key]) => key !== '__keywords')), __keywords: true };
    } else if (arg instanceof Splat) {
      const value = arg.value;
      if (value !== null && value !== undefined)
        positional.push(
          ...(typeof value === 'object' && !Array.isArray(value) && !(Symbol.iterator in value) ? Object.keys(value) : (value as Iterable<unknown>)),
        );
    } else if (isKeywords(arg)) keywords = { ...keywords, ...arg, __keywords: true };
    else positional.push(arg);
  }
  return keywords === undefined ? positional : [...positional, keywords];
}

/** Python's str() of a dict key: JavaScript objects key by strings. */
function keyText(key: unknown): string {
  if (key === null || key === undefined) return 'None';
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  return String(key);
}

export const SPLAT_GLOBALS: Readonly<Record<string, (...args: never[]) => unknown>> = {
  tsdbt_splat: (value: unknown) => new Splat(value, false),
  tsdbt_splat_kw: (value: unknown) => new Splat(value, true),
  tsdbt_dict: (pairs: readonly (readonly [unknown, unknown])[]) => Object.fromEntries(pairs.map(([key, value]) => [keyText(key), value])),
};
