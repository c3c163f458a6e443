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

/**
 * Renders a JS value as a ClickHouse literal (used only where a server lacks query parameters).
 * `type` is the placeholder's type (`DateTime`, `Array(Date)`, `Identifier`…) when known: it decides
 * how a Date is written, since old servers parse neither milliseconds in a DateTime nor a time in a Date.
 */
export function literal(value: unknown, type?: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`Cannot render ${value} as a SQL literal.`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return quoteString(dateText(value, type));
  if (Array.isArray(value)) {
    const itemType = type === undefined ? undefined : /^Array\((.*)\)$/.exec(unwrapType(type))?.[1];
    return `[${value.map((item) => literal(item, itemType)).join(', ')}]`;
  }
  return quoteString(String(value));
}

/** `Nullable(LowCardinality(DateTime))` → `DateTime`. */
function unwrapType(type: string): string {
  let inner = type.trim();
  for (let match = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(inner); match; match = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(inner))
    inner = match[1]!.trim();
  return inner;
}

/** A Date as ClickHouse reads it for `type`, in UTC: `2024-01-02` (Date), with `.123` only for DateTime64. */
function dateText(value: Date, type: string | undefined): string {
  const iso = value.toISOString();
  const inner = type === undefined ? undefined : unwrapType(type);
  if (inner !== undefined && /^Date(32)?$/.test(inner)) return iso.slice(0, 10);
  const seconds = iso.slice(0, 19).replace('T', ' ');
  const withMilliseconds = inner === undefined ? value.getUTCMilliseconds() !== 0 : /^DateTime64\b/.test(inner);
  return withMilliseconds ? `${seconds}${iso.slice(19, 23)}` : seconds;
}

/**
 * Replaces `{name:Type}` placeholders with literals, for servers that reject query parameters.
 * Placeholders inside string literals, quoted identifiers and comments (line and block) are not
 * touched because the scan skips them. An `Identifier` placeholder becomes a quoted identifier.
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
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
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
      const match = /^\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^}]+)\}/.exec(sql.slice(i));
      if (match && Object.hasOwn(params, match[1]!)) {
        const type = match[2]!.trim();
        const value = params[match[1]!];
        out += type === 'Identifier' ? quoteIdentifier(String(value)) : literal(value, type);
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
