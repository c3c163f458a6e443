/**
 * Turns a reply into the payloads to land, or into the reason it is rejected. All or nothing:
 * a reply with one bad element is rejected whole, so a table never holds half a reply.
 */
import type { IngestConfig } from './ingest-config.js';
import { splitPath } from './ingest-config.js';
import { minifiedArrayElements, minifyJson } from './json-text.js';

export type PayloadCheck = { ok: true; payloads: string[] } | { ok: false; reason: string };

type Shape = Pick<IngestConfig, 'format' | 'path' | 'required'>;

/** Payloads (minified JSON text, one per row to land) from an HTTP reply body. */
export function payloadsFromReply(body: string, shape: Shape): PayloadCheck {
  const parsed = parseJson(body);
  if (!parsed.ok) return parsed;
  if (shape.format === 'json') {
    const problem = missingFields(parsed.value, shape.required, 'the reply');
    return problem === undefined ? { ok: true, payloads: [minifyJson(body)] } : { ok: false, reason: problem };
  }
  const where = shape.path.length === 0 ? 'the reply' : `'${shape.path.join('.')}' in the reply`;
  const array = valueAt(parsed.value, shape.path);
  const raw = minifiedArrayElements(body, shape.path);
  if (!Array.isArray(array) || raw === undefined || raw.length !== array.length) {
    return { ok: false, reason: `${where} is not an array (format json_each needs one)` };
  }
  const problem = firstProblem(array, shape.required);
  return problem === undefined ? { ok: true, payloads: raw } : { ok: false, reason: problem };
}

/**
 * Payloads from what a custom fetcher returned: a list (or a single item) of rows (objects,
 * landed as JSON) or payloads (strings, which must be JSON text).
 */
export function payloadsFromFetcher(result: unknown, required: readonly string[]): PayloadCheck {
  const items = Array.isArray(result) ? result : [result];
  const values: unknown[] = [];
  const payloads: string[] = [];
  for (const [index, item] of items.entries()) {
    if (typeof item === 'string') {
      const parsed = parseJson(item);
      if (!parsed.ok) return { ok: false, reason: `item ${index} returned by the fetcher: ${parsed.reason}` };
      values.push(parsed.value);
      payloads.push(minifyJson(item));
    } else if (typeof item === 'object' && item !== null) {
      values.push(item);
      payloads.push(JSON.stringify(item));
    } else {
      return {
        ok: false,
        reason: `the fetcher returned ${item === undefined ? 'nothing' : typeof item} for item ${index}; return rows (objects) or payloads (JSON strings)`,
      };
    }
  }
  const problem = firstProblem(values, required);
  return problem === undefined ? { ok: true, payloads } : { ok: false, reason: problem };
}

/** Dotted `paths` that are absent or null in `value`, as a sentence; undefined when all are there. */
export function missingFields(value: unknown, paths: readonly string[], what: string): string | undefined {
  const missing = paths.filter((p) => {
    const found = valueAt(value, splitPath(p));
    return found === undefined || found === null;
  });
  if (missing.length === 0) return undefined;
  const noun = missing.length === 1 ? 'field' : 'fields';
  return `${what} lacks the required ${noun} ${missing.join(', ')}`;
}

function firstProblem(values: readonly unknown[], required: readonly string[]): string | undefined {
  // Nothing required (the common case): no per-element work at all for a 100,000-element reply.
  if (required.length === 0) return undefined;
  for (const [index, value] of values.entries()) {
    const problem = missingFields(value, required, `element ${index}`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (text.trim() === '') return { ok: false, reason: 'the reply is empty' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `the reply is ${looksTruncated(text, detail) ? 'truncated JSON' : 'not valid JSON'} (${detail})` };
  }
}

/**
 * A parse error at the very end of the text means the text stopped early (a cut-off reply)
 * rather than being wrong somewhere inside. V8 either says so ("Unexpected end of JSON input",
 * "Unterminated string") or gives a position at the end.
 */
function looksTruncated(text: string, detail: string): boolean {
  if (/end of JSON input|Unterminated/i.test(detail)) return true;
  const position = /at position (\d+)/.exec(detail);
  return position !== null && Number(position[1]) >= text.trimEnd().length;
}
