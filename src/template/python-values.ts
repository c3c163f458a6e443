/**
 * How Python prints values, since dbt renders templates with Jinja2: `{{ none }}` is `None`,
 * `{{ true }}` is `True`, `{{ ['a', 1] }}` is `['a', 1]`, `{{ {'k': 'v'} }}` is `{'k': 'v'}`.
 * JavaScript has one number type, so a float with no fraction prints as an integer (`1.0` → `1`):
 * see docs/jinja.md.
 */

/** Python's str(value). */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof String) return String(value);
  return pyRepr(value);
}

/** Python's repr(value), for the JavaScript values templates hold. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string' || value instanceof String) return quoteRepr(String(value));
  if (typeof value === 'number') return numberRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'function') return String(value);
  if (typeof value === 'object' && isPlainObject(value)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([key]) => key !== '__keywords');
    return `{${entries.map(([key, item]) => `${quoteRepr(key)}: ${pyRepr(item)}`).join(', ')}}`;
  }
  return String(value);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && (value as { toString?: unknown }).toString === Object.prototype.toString;
}

function numberRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

/** Python's string repr: single quotes unless the text has one and no double quote. */
function quoteRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/** Python's json.dumps(value, sort_keys=…): `, ` and `: ` separators, non-ASCII escaped. */
export function jsonDumps(value: unknown, sortKeys = false): string {
  const encode = (item: unknown): string => {
    if (item === null || item === undefined) return 'null';
    if (typeof item === 'string' || item instanceof String) return asciiJson(String(item));
    if (typeof item === 'number') return Number.isFinite(item) ? String(item) : item > 0 ? 'Infinity' : item < 0 ? '-Infinity' : 'NaN';
    if (typeof item === 'boolean') return String(item);
    if (Array.isArray(item)) return `[${item.map(encode).join(', ')}]`;
    if (item instanceof Date) throw new TypeError('Object of type datetime is not JSON serializable');
    if (typeof item === 'object') {
      let entries = Object.entries(item as Record<string, unknown>).filter(([key, entry]) => key !== '__keywords' && entry !== undefined);
      if (sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, entry]) => `${asciiJson(key)}: ${encode(entry)}`).join(', ')}}`;
    }
    return asciiJson(String(item));
  };
  return encode(value);
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Jinja2's `tojson` filter: sorted keys, and <, >, & and ' escaped so the text is safe inside HTML. */
export function htmlSafeJson(value: unknown): string {
  return jsonDumps(value, true).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');
}
