/**
 * Works on JSON *text* rather than parsed values, for two reasons:
 * - `JSON.parse` turns big integers (ids above 2^53) into nearby doubles; slicing array
 *   elements out of the original text keeps every digit for ClickHouse to read.
 * - Minifying (whitespace outside strings removed) makes the content hash ignore mere
 *   re-formatting of the same reply.
 * Both functions expect text that `JSON.parse` has already accepted.
 */

/**
 * `text` without insignificant whitespace. Copies runs between whitespace rather than characters
 * one by one, and returns `text` itself when there is nothing to remove (elements sliced out of a
 * minified reply): a 100,000-element reply otherwise makes millions of one-character strings.
 */
export function minifyJson(text: string): string {
  const parts: string[] = [];
  let runStart = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = endOfString(text, i);
    } else if (isWhitespaceCode(code)) {
      if (i > runStart) parts.push(text.slice(runStart, i));
      i += 1;
      while (i < length && isWhitespaceCode(text.charCodeAt(i))) i += 1;
      runStart = i;
    } else {
      i += 1;
    }
  }
  if (runStart === 0) return text;
  if (runStart < length) parts.push(text.slice(runStart));
  return parts.join('');
}

/**
 * The raw text of each element of the array found by following `path` (object keys, or
 * array indexes as digits) from the root; undefined when there is no array there.
 */
export function rawArrayElements(text: string, path: readonly string[]): string[] | undefined {
  let start = skipWhitespace(text, 0);
  for (const key of path) {
    const child = childAt(text, start, key);
    if (child === undefined) return undefined;
    start = child;
  }
  if (text[start] !== '[') return undefined;
  const elements: string[] = [];
  let i = skipWhitespace(text, start + 1);
  if (text[i] === ']') return elements;
  for (;;) {
    const end = endOfValue(text, i);
    elements.push(text.slice(i, end));
    i = skipWhitespace(text, end);
    if (text[i] === ']') return elements;
    i = skipWhitespace(text, i + 1); // past the comma
  }
}

/**
 * Offset of the value under `key` in the object or array starting at `start`. For a key that
 * appears twice the last one wins, as in `JSON.parse`, so the text landed is the value validated.
 */
function childAt(text: string, start: number, key: string): number | undefined {
  const open = text[start];
  if (open !== '{' && open !== '[') return undefined;
  let i = skipWhitespace(text, start + 1);
  let index = 0;
  let found: number | undefined;
  while (i < text.length && text[i] !== '}' && text[i] !== ']') {
    if (open === '{') {
      const keyEnd = endOfString(text, i);
      const matches = (JSON.parse(text.slice(i, keyEnd)) as string) === key;
      i = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1); // past the colon
      if (matches) found = i;
    } else if (String(index) === key) {
      return i;
    }
    i = skipWhitespace(text, endOfValue(text, i));
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
    index += 1;
  }
  return found;
}

/** Offset just past the value starting at `start`. */
function endOfValue(text: string, start: number): number {
  const ch = text[start];
  if (ch === '"') return endOfString(text, start);
  if (ch !== '{' && ch !== '[') {
    let i = start;
    while (i < text.length && !',}]'.includes(text[i]!) && !isWhitespace(text[i]!)) i += 1;
    return i;
  }
  let depth = 0;
  let i = start;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = endOfString(text, i);
      continue;
    }
    if (code === 123 || code === 91) depth += 1; // { [
    else if (code === 125 || code === 93) { // } ]
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  return i;
}

/** Offset just past the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
  for (let from = start + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    // Escaped when an odd number of backslashes stands right before it.
    let backslashes = 0;
    for (let k = quote - 1; k > start && text.charCodeAt(k) === BACKSLASH; k -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function skipWhitespace(text: string, start: number): number {
  let i = start;
  while (i < text.length && isWhitespaceCode(text.charCodeAt(i))) i += 1;
  return i;
}

const QUOTE = 34;
const BACKSLASH = 92;

function isWhitespace(ch: string): boolean {
  return isWhitespaceCode(ch.charCodeAt(0));
}

function isWhitespaceCode(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}
