/**
 * Strings of 13 characters or more that V8 builds by concatenation (`a + b`, template literals)
 * are trees of their pieces (cons strings), each node 32 bytes, and keep every piece alive: a
 * test's unique id built from five pieces took about 250 bytes where its characters need 70.
 * For strings kept for the whole command (node ids and names), that is paid tens of thousands of
 * times. Shorter strings are always copied whole by V8, so they are returned as they are.
 */
const SHORTEST_TREE = 13;

/** `text` as one sequential string (a copy), for strings kept as long as the project is. */
export function flattened(text: string): string {
  // A JSON round trip copies any string exactly (lone surrogates included) into one new string.
  return text.length < SHORTEST_TREE ? text : (JSON.parse(JSON.stringify(text)) as string);
}

/**
 * The copy of `text` already kept in `texts`, else `text` itself, flattened and now kept: one
 * string for a text many nodes repeat, instead of a copy (or a tree of pieces) each.
 */
export function keptOnce(texts: Map<string, string>, text: string): string {
  const known = texts.get(text);
  if (known !== undefined) return known;
  const flat = flattened(text);
  texts.set(flat, flat);
  return flat;
}
