/**
 * Every path to a value inside a parsed document, plus a missing key under each mapping: what the
 * YAML line-index tests ask the line of (a missing key is answered with its nearest parent's line).
 */
export function valuePaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => out.push(...valuePaths(item, [...prefix, index])));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) out.push(...valuePaths(item, [...prefix, key]));
    out.push([...prefix, 'no_such_key']);
  }
  return out;
}
