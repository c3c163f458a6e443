/** Quoting for identifiers and literals. Everything that builds SQL text goes through here. */

/** Quotes a ClickHouse identifier with backticks: `my table` → `` `my table` ``. */
export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

/** `db`.`name` */
export function qualifiedName(database: string, name: string): string {
  return `${quoteIdentifier(database)}.${quoteIdentifier(name)}`;
}

/** Quotes a string literal: it's → 'it\'s'. */
export function quoteString(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

/** Renders a JS value as a ClickHouse literal (used only where a server lacks query parameters). */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`Cannot render ${value} as a SQL literal.`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return quoteString(value.toISOString().replace('T', ' ').replace('Z', ''));
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  return quoteString(String(value));
}

/**
 * Replaces `{name:Type}` placeholders with literals, for servers that reject query parameters.
 * Placeholders inside string literals or comments are not touched because the scan skips them.
 */
export function inlineParams(sql: string, params: Record<string, unknown>): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = endOfQuoted(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (ch === '{') {
      const match = /^\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[^}]+\}/.exec(sql.slice(i));
      if (match && Object.prototype.hasOwnProperty.call(params, match[1]!)) {
        out += literal(params[match[1]!]);
        i += match[0].length;
        continue;
      }
    }
    out += ch;
    i += 1;
  }
  return out;
}

function endOfQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\') {
      i += 2;
      continue;
    }
    if (sql[i] === quote) return i + 1;
    i += 1;
  }
  return sql.length;
}
