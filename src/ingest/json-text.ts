/**
 * Works on JSON *text* rather than parsed values, for two reasons:
 * - `JSON.parse` turns big integers (ids above 2^53) into nearby doubles; slicing array
 *   elements out of the original text keeps every digit for ClickHouse to read.
 * - Minifying (whitespace outside strings removed) makes the content hash ignore mere
 *   re-formatting of the same reply.
 * Both functions expect text that `JSON.parse` has already accepted.
 */
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COMMA, DOUBLE_QUOTE, OPEN_BRACE, OPEN_BRACKET } from '../core/char-codes.js';

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
    if (code === DOUBLE_QUOTE) {
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
  return elementsAt(text, path, false);
}

/**
 * `rawArrayElements`, each minified. Finding an element's end already visits every character
 * outside its strings, so the same pass notes whether it saw whitespace, and only an element that
 * has some is minified (a compact reply is scanned once). This scan is faster than checking
 * `JSON.stringify` of each parsed element against the text in place, which allocates a string per
 * element (BENCHMARKS.md).
 */
export function minifiedArrayElements(text: string, path: readonly string[]): string[] | undefined {
  return elementsAt(text, path, true);
}

function elementsAt(text: string, path: readonly string[], minify: boolean): string[] | undefined {
  let start = skipWhitespace(text, 0);
  if (path.length === 0) return text[start] === '[' ? arrayElements(text, start, minify).elements : undefined;
  for (const [level, key] of path.entries()) {
    const last = level === path.length - 1;
    const child = childAt(text, start, key, last, minify);
    if (child === undefined) return undefined;
    if (last) return child.elements;
    start = child.at;
  }
  return undefined;
}

/** The elements of the array at `start`, and the offset past it. */
function arrayElements(text: string, start: number, minify: boolean): { elements: string[]; end: number } {
  const elements: string[] = [];
  const scan: Scan = { spaced: false };
  let i = skipWhitespace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return { elements, end: i + 1 };
  for (;;) {
    const end = endOfValue(text, i, scan);
    const element = text.slice(i, end);
    elements.push(minify && scan.spaced ? minifyJson(element) : element);
    i = skipWhitespace(text, end);
    if (i >= text.length || text.charCodeAt(i) === CLOSE_BRACKET) return { elements, end: i + 1 };
    i = skipWhitespace(text, i + 1); // past the comma
  }
}

/**
 * The value under `key` in the object or array starting at `start`: its offset, and (`last`) the
 * elements when it is an array. For a key that appears twice the last one wins, as in
 * `JSON.parse`, so the text landed is the value validated.
 */
function childAt(text: string, start: number, key: string, last: boolean, minify: boolean): { at: number; elements?: string[] } | undefined {
  const open = text[start];
  if (open !== '{' && open !== '[') return undefined;
  let i = skipWhitespace(text, start + 1);
  let index = 0;
  let found: { at: number; elements?: string[] } | undefined;
  while (i < text.length && text[i] !== '}' && text[i] !== ']') {
    let matches = false;
    if (open === '{') {
      const keyEnd = endOfString(text, i);
      matches = (JSON.parse(text.slice(i, keyEnd)) as string) === key;
      i = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1); // past the colon
    } else {
      matches = String(index) === key;
    }
    if (matches && last && text[i] === '[') {
      const array = arrayElements(text, i, minify);
      found = { at: i, elements: array.elements };
      i = skipWhitespace(text, array.end);
    } else {
      if (matches) found = { at: i };
      // Arrays have no repeated index: the first match is the one.
      if (matches && open === '[') return found;
      i = skipWhitespace(text, endOfValue(text, i));
    }
    if (matches && open === '[') return found;
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
    index += 1;
  }
  return found;
}

/** What `endOfValue` noticed on the way: whitespace outside strings (so the value needs minifying). */
interface Scan {
  spaced: boolean;
}

/** Offset just past the value starting at `start`; `scan` (reused, not allocated per value) says whether it holds whitespace. */
function endOfValue(text: string, start: number, scan: Scan = { spaced: false }): number {
  scan.spaced = false;
  const length = text.length;
  const first = text.charCodeAt(start);
  if (first === DOUBLE_QUOTE) return endOfString(text, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: it ends at a delimiter or whitespace, so it has none inside.
    let i = start;
    while (i < length) {
      const code = text.charCodeAt(i);
      if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isWhitespaceCode(code)) break;
      i += 1;
    }
    return i;
  }
  let depth = 0;
  let i = start;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === DOUBLE_QUOTE) {
      i = endOfString(text, i);
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) depth += 1;
    else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) return i + 1;
    } else if (isWhitespaceCode(code)) scan.spaced = true;
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

function isWhitespaceCode(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}
