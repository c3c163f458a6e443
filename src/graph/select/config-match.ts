/**
 * The `config.<key>` method: `config.materialized:table`, `config.meta.owner:ana`.
 *
 * Follows dbt: the dotted key descends into nested config; a list matches when it holds the
 * value; `true`/`false` match booleans whatever their case; `severity` compares without case.
 * Numbers compare by their text, so `config.threads:4` works although the value came from YAML.
 */

export function configMatches(config: Record<string, unknown>, keys: readonly string[], selector: string): boolean {
  let value: unknown = config;
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || !(key in value)) return false;
    value = (value as Record<string, unknown>)[key];
  }
  const ignoreCase = keys.length === 1 && keys[0] === 'severity';
  return Array.isArray(value) ? value.some((item) => scalarMatches(item, selector, ignoreCase)) : scalarMatches(value, selector, ignoreCase);
}

function scalarMatches(value: unknown, selector: string, ignoreCase: boolean): boolean {
  if (typeof value === 'boolean') return selector.toLowerCase() === String(value);
  if (typeof value === 'number' || typeof value === 'bigint') return selector === String(value);
  if (typeof value !== 'string') return false;
  return ignoreCase ? value.toLowerCase() === selector.toLowerCase() : value === selector;
}
