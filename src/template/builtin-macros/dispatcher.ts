/**
 * dbt's global macros are pairs: `x(...)`, which only calls `adapter.dispatch('x', 'dbt')(...)`,
 * and the implementations it finds (`clickhouse__x`, `default__x`). This writes the first half,
 * so each file below holds the implementations only.
 *
 * `signature` is the macro's parameter list as dbt declares it (defaults included); the call
 * passes the parameters on by name order.
 */
export function dispatcher(name: string, signature = ''): string {
  const args = topLevelParts(signature)
    .map((parameter) => parameter.split('=')[0]!.trim())
    .filter((parameter) => parameter !== '')
    .join(', ');
  return `{% macro ${name}(${signature}) -%}{{ return(adapter.dispatch('${name}', 'dbt')(${args})) }}{%- endmacro %}\n`;
}

/** `a, b="','", c=f(1, 2)` → the three parameters (commas inside quotes or brackets do not split). */
function topLevelParts(signature: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < signature.length; i += 1) {
    const char = signature[i]!;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(signature.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(signature.slice(start));
  return parts;
}
