import type nunjucks from 'nunjucks';
import { htmlSafeJson, pyStr } from './python-values.js';

/**
 * Jinja2's filters where nunjucks' differ or are missing: keyword arguments (`sort(attribute='x')`,
 * `sum(attribute='x')`, `join(attribute='x')`), tests with arguments in `selectattr('age', 'gt', 30)`,
 * Python's printing in `join`/`string`, and `trim(chars)`, `max`/`min`, `batch(n, fill)`, `tojson`.
 */
type Params = Record<string, unknown>;

/** A filter taking Jinja2's parameters by position or by keyword (nunjucks passes keywords as a trailing object). */
function withParams(names: readonly string[], defaults: Params, impl: (value: unknown, params: Params) => unknown) {
  return (value: unknown, ...args: unknown[]) => {
    const last = args[args.length - 1] as Params | undefined;
    const keywords = typeof last === 'object' && last !== null && Object.hasOwn(last, '__keywords') ? last : undefined;
    const positional = keywords === undefined ? args : args.slice(0, -1);
    const params: Params = { ...defaults };
    names.forEach((name, index) => {
      if (index < positional.length) params[name] = positional[index];
    });
    for (const [name, given] of Object.entries(keywords ?? {})) if (name !== '__keywords') params[name] = given;
    return impl(value, params);
  };
}

/** `attribute='a.b'` or an index, as Jinja2's make_attrgetter reads it. */
function getter(attribute: unknown): (item: unknown) => unknown {
  if (attribute === undefined || attribute === null) return (item) => item;
  const path =
    typeof attribute === 'number'
      ? [attribute]
      : String(attribute)
          .split('.')
          .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return (item) =>
    path.reduce<unknown>((current, key) => (current === null || current === undefined ? undefined : (current as Record<string | number, unknown>)[key]), item);
}

function items(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [...value];
  if (Array.isArray(value)) return value;
  if (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(value as Iterable<unknown>)];
  if (typeof value === 'object') return Object.keys(value);
  return [value];
}

/** Python's ordering for sort/min/max: numbers, strings (case-insensitive unless asked), booleans. */
function compare(caseSensitive: boolean) {
  const key = (value: unknown) => (typeof value === 'string' && !caseSensitive ? value.toLowerCase() : value);
  const kind = (value: unknown): string =>
    typeof value === 'string'
      ? 'str'
      : typeof value === 'number' || typeof value === 'boolean'
        ? 'int'
        : value === null || value === undefined
          ? 'NoneType'
          : 'other';
  return (a: unknown, b: unknown): number => {
    // Python cannot order a string against a number (or None): sorting such a list fails, as in Jinja2.
    const [kindA, kindB] = [kind(a), kind(b)];
    if (kindA !== kindB && kindA !== 'other' && kindB !== 'other') throw new Error(`'<' not supported between instances of '${kindA}' and '${kindB}'`);
    const x = key(a) as string | number;
    const y = key(b) as string | number;
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

export function addJinjaFilters(env: nunjucks.Environment): void {
  addSelectionFilters(env);
  addOrderingFilters(env);
  addTextFilters(env);
  addCollectionFilters(env);
  addConversionFilters(env);
}

/** Filters that pick or map items: selectattr, rejectattr, select, reject, map. */
function addSelectionFilters(env: nunjucks.Environment): void {
  const test = (name: unknown, args: unknown[]) => {
    if (name === undefined) return (item: unknown) => Boolean(item) && !(Array.isArray(item) && item.length === 0);
    const fn = (env as unknown as { getTest(name: string): (...args: unknown[]) => boolean }).getTest(String(name));
    return (item: unknown) => fn(item, ...args);
  };
  const byAttribute =
    (keep: boolean) =>
    (value: unknown, attribute: string, testName?: string, ...args: unknown[]) => {
      const read = getter(attribute);
      const check = test(testName, args);
      return items(value).filter((item) => check(read(item)) === keep);
    };
  const select =
    (keep: boolean) =>
    (value: unknown, testName?: string, ...args: unknown[]) => {
      const check = test(testName, args);
      return items(value).filter((item) => check(item) === keep);
    };
  env.addFilter('selectattr', byAttribute(true));
  env.addFilter('rejectattr', byAttribute(false));
  env.addFilter('select', select(true));
  env.addFilter('reject', select(false));
  env.addFilter('map', (value: unknown, ...args: unknown[]) => {
    const last = args[args.length - 1] as Params | undefined;
    const keywords = typeof last === 'object' && last !== null && Object.hasOwn(last, '__keywords') ? last : undefined;
    const positional = keywords === undefined ? args : args.slice(0, -1);
    if (keywords?.attribute !== undefined) {
      const read = getter(keywords.attribute);
      return items(value).map((item) => read(item) ?? keywords.default);
    }
    const filter = env.getFilter(String(positional[0])) as (item: unknown, ...rest: unknown[]) => unknown;
    return items(value).map((item) => filter(item, ...positional.slice(1)));
  });
}

/** Filters that order or compare items: sort, max, min, unique. */
function addOrderingFilters(env: nunjucks.Environment): void {
  env.addFilter(
    'sort',
    withParams(['reverse', 'case_sensitive', 'attribute'], { reverse: false, case_sensitive: false }, (value, { reverse, case_sensitive, attribute }) => {
      const read = getter(attribute);
      const order = compare(Boolean(case_sensitive));
      const sorted = [...items(value)].sort((a, b) => order(read(a), read(b)));
      return reverse ? sorted.reverse() : sorted;
    }),
  );
  const extreme = (sign: number) =>
    withParams(['case_sensitive', 'attribute'], { case_sensitive: false }, (value, { case_sensitive, attribute }) => {
      const read = getter(attribute);
      const order = compare(Boolean(case_sensitive));
      return items(value).reduce<unknown>((best, item) => (best === undefined || sign * order(read(item), read(best)) > 0 ? item : best), undefined);
    });
  env.addFilter('max', extreme(1));
  env.addFilter('min', extreme(-1));
  env.addFilter(
    'unique',
    withParams(['case_sensitive', 'attribute'], { case_sensitive: false }, (value, { case_sensitive, attribute }) => {
      const read = getter(attribute);
      const seen = new Set<unknown>();
      return items(value).filter((item) => {
        const raw = read(item);
        const key = typeof raw === 'string' && !case_sensitive ? raw.toLowerCase() : raw;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }),
  );
}

/** Filters that build or cut text: join, trim, truncate. */
function addTextFilters(env: nunjucks.Environment): void {
  env.addFilter(
    'join',
    withParams(['d', 'attribute'], { d: '' }, (value, { d, attribute }) => items(value).map(getter(attribute)).map(pyStr).join(pyStr(d))),
  );
  env.addFilter(
    'trim',
    withParams(['chars'], {}, (value, { chars }) => {
      const text = pyStr(value);
      if (chars === undefined || chars === null) return text.replace(/^\s+|\s+$/g, '');
      const set = String(chars);
      let start = 0;
      let end = text.length;
      while (start < end && set.includes(text[start]!)) start += 1;
      while (end > start && set.includes(text[end - 1]!)) end -= 1;
      return text.slice(start, end);
    }),
  );
  env.addFilter(
    'truncate',
    withParams(['length', 'killwords', 'end', 'leeway'], { length: 255, killwords: false, end: '...', leeway: 5 }, (value, params) => {
      const text = pyStr(value);
      const length = Number(params.length);
      const end = String(params.end);
      if (text.length <= length + Number(params.leeway ?? 5)) return text;
      if (params.killwords) return text.slice(0, length - end.length) + end;
      const head = text.slice(0, length - end.length);
      const space = head.lastIndexOf(' ');
      return (space === -1 ? head : head.slice(0, space)) + end;
    }),
  );
}

/** Filters that make a string or a list of a value, and filters over a whole sequence: string, list, sum, batch. */
function addCollectionFilters(env: nunjucks.Environment): void {
  env.addFilter('string', (value: unknown) => pyStr(value));
  env.addFilter('list', (value: unknown) => [...items(value)]);
  env.addFilter(
    'sum',
    withParams(['attribute', 'start'], { start: 0 }, (value, { attribute, start }) =>
      items(value)
        .map(getter(attribute))
        .reduce<number>((total, item) => total + Number(item), Number(start)),
    ),
  );
  env.addFilter(
    'batch',
    withParams(['linecount', 'fill_with'], {}, (value, { linecount, fill_with }) => {
      const size = Number(linecount);
      const out: unknown[][] = [];
      for (const item of items(value)) {
        if (out.length === 0 || out[out.length - 1]!.length === size) out.push([]);
        out[out.length - 1]!.push(item);
      }
      const last = out[out.length - 1];
      if (last !== undefined && fill_with !== undefined && fill_with !== null) while (last.length < size) last.push(fill_with);
      return out;
    }),
  );
}

/** Filters that convert or default a value: tojson, default (d), int, float. */
function addConversionFilters(env: nunjucks.Environment): void {
  env.addFilter(
    'tojson',
    withParams(['indent'], {}, (value) => htmlSafeJson(value)),
  );
  env.addFilter(
    'default',
    withParams(['default_value', 'boolean'], { default_value: '', boolean: false }, (value, { default_value, boolean }) =>
      value === undefined || (boolean && !value) ? default_value : value,
    ),
  );
  env.addFilter('d', (env as unknown as { getFilter(name: string): unknown }).getFilter('default') as (...args: unknown[]) => unknown);
  env.addFilter(
    'int',
    withParams(['default', 'base'], { default: 0, base: 10 }, (value, { default: fallback, base }) => {
      if (typeof value === 'number') return Math.trunc(value);
      if (typeof value === 'boolean') return value ? 1 : 0;
      const text = String(value).trim();
      if (Number(base) === 10 && /^[-+]?\d+(_\d+)*$/.test(text)) return Number(text.replace(/_/g, ''));
      if (Number(base) !== 10 && text !== '' && !Number.isNaN(Number.parseInt(text, Number(base)))) return Number.parseInt(text, Number(base));
      const float = Number(text);
      return text !== '' && Number.isFinite(float) ? Math.trunc(float) : fallback;
    }),
  );
  env.addFilter(
    'float',
    withParams(['default'], { default: 0 }, (value, { default: fallback }) => {
      const parsed = typeof value === 'number' ? value : Number(String(value).trim());
      return String(value).trim() === '' || Number.isNaN(parsed) ? fallback : parsed;
    }),
  );
}
