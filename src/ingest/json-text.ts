/**
 * Works on JSON *text* rather than parsed values, for two reasons:
 * - `JSON.parse` turns big integers (ids above 2^53) into nearby doubles; slicing array
 *   elements out of the original text keeps every digit for ClickHouse to read.
 * - Minifying (whitespace outside strings removed) makes the content hash ignore mere
 *   re-formatting of the same reply.
 * Both functions expect text that `JSON.parse` has already accepted.
 */

/** `text` without insignificant whitespace. */
export function minifyJson(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
    } else {
      if (!isWhitespace(ch)) out += ch;
      i += 1;
    }
  }
  return out;
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
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i = endOfString(text, i);
      continue;
    }
    if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  return i;
}

/** Offset just past the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else i += 1;
  }
  return i;
}

function skipWhitespace(text: string, start: number): number {
  let i = start;
  while (i < text.length && isWhitespace(text[i]!)) i += 1;
  return i;
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';
}
