import { hash } from 'node:crypto';

/**
 * dbt's names for generic tests, reproduced exactly so unique ids, selectors and stored
 * failure tables match what the same project gets in dbt:
 * `not_null_orders_order_id`, `relationships_orders_customer_id__customer_id__ref_customers_`,
 * and past 63 characters the first 30 plus an md5 (the short name, used as the alias).
 */
export function synthesizeTestNames(testType: string, targetName: string, args: Record<string, unknown>): { shortName: string; fullName: string } {
  // Every argument's values as str, cleaned to identifier characters, joined by `__`; built in
  // one string rather than three arrays (30,000 tests at 10k models).
  let unique = '';
  let first = true;
  for (const key of Object.keys(args).sort()) {
    // (Python's order: see hashableRepr)
    if (key === 'model') continue;
    const value = args[key];
    const parts = Array.isArray(value) ? value : isDict(value) ? Object.values(value) : [value];
    for (const part of parts) {
      unique += `${first ? '' : '__'}${pythonStr(part).replace(/[^0-9a-zA-Z_]+/g, '_')}`;
      first = false;
    }
  }
  const identifier = `${testType}_${targetName}`;
  const fullName = `${identifier}_${unique}`;
  const shortName = fullName.length >= 64 ? `${identifier.slice(0, 30)}_${md5(fullName)}` : fullName;
  return { shortName, fullName };
}

/** dbt's test hash: the last 10 hex digits of md5(name + repr(metadata with every leaf as str)). */
export function testHash(name: string, metadata: { name: string; namespace: string | null; kwargs: Record<string, unknown> }): string {
  // The metadata's own keys, sorted, are always these three: written out, not sorted per test.
  const repr = `{'kwargs': ${hashableRepr(metadata.kwargs)}, 'name': ${hashableRepr(metadata.name)}, 'namespace': ${hashableRepr(metadata.namespace)}}`;
  return md5(name + repr).slice(-10);
}

/**
 * `pythonRepr` of the metadata with its keys sorted and every leaf turned into a str, written in
 * one pass: building the sorted copy first and then its repr cost twice the allocations, 30,000
 * times per 10,000-model project. The key order is the one that copy had, as a JS object:
 * integer-like keys first (ascending), then the rest sorted, so unique ids stay the same.
 */
function hashableRepr(value: unknown): string {
  if (isDict(value)) {
    const parts: string[] = [];
    // Python sorts str keys by code point, as JS's default sort() does for the BMP.
    for (const key of jsObjectOrder(Object.keys(value).sort())) parts.push(`${reprString(key)}: ${hashableRepr(value[key])}`);
    return `{${parts.join(', ')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(hashableRepr).join(', ')}]`;
  return reprString(pythonStr(value));
}

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  // Almost no key starts with a digit: that is checked before the pattern.
  return first >= 48 && first <= 57 && ARRAY_INDEX.test(key) && Number(key) < 4294967295;
}

/** The order a JS object built from `sorted` keys lists them in: array-index keys first, ascending. */
function jsObjectOrder(sorted: string[]): string[] {
  if (!sorted.some(isArrayIndex)) return sorted;
  const indexes = sorted.filter(isArrayIndex);
  const set = new Set(indexes);
  return [...indexes.sort((a, b) => Number(a) - Number(b)), ...sorted.filter((key) => !set.has(key))];
}

/** Python's `str()` of a YAML scalar (None, True, 1.5, …). */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (Array.isArray(value)) return pythonRepr(value);
  if (isDict(value)) return pythonRepr(value);
  return String(value);
}

/** Python's `repr()` for str, list and dict (all that the hash feeds it). */
export function pythonRepr(value: unknown): string {
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (isDict(value))
    return `{${Object.entries(value)
      .map(([key, item]) => `${reprString(key)}: ${pythonRepr(item)}`)
      .join(', ')}}`;
  return pythonStr(value);
}

/** Characters Python's repr escapes whatever the quote. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the control characters repr escapes
const ESCAPED = /[\\\x00-\x1f\x7f]/;

function reprString(text: string): string {
  // Most names and arguments (`{{ get_where_subquery(ref('orders')) }}` in every test) need no
  // escape but the quote: no scan character by character for those.
  if (!ESCAPED.test(text)) {
    if (!text.includes("'")) return `'${text}'`;
    if (!text.includes('"')) return `"${text}"`;
    return `'${text.replaceAll("'", "\\'")}'`;
  }
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

function pythonFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  const text = String(value);
  return /e/.test(text) ? text.replace(/e([+-])(\d)$/, 'e$10$2') : text;
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One-shot `hash()` (Node 20.12+) skips the Hash object createHash() builds, 30,000+ times per project. */
function md5(text: string): string {
  return hash('md5', text, 'hex');
}
