/**
 * Column types for seed CSVs, inferred the way dbt's agate type tester does (number, date,
 * datetime, boolean, else text; `''` and `null` are NULL), mapped to ClickHouse types. A
 * column with any NULL cell becomes Nullable, so `not_null` fails on it as it does in dbt.
 */

export type SeedKind = 'integer' | 'decimal' | 'float' | 'date' | 'datetime' | 'boolean' | 'string';

export interface InferredType {
  kind: SeedKind;
  /** The ClickHouse type, `Nullable(…)` when the column has empty cells. */
  type: string;
  nullable: boolean;
}

/** dbt reads '' and 'null' (any case, surrounding spaces ignored) as NULL. */
export function isNullCell(cell: string): boolean {
  const trimmed = cell.trim();
  return trimmed === '' || trimmed.toLowerCase() === 'null';
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DATETIME = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Signed integer types, narrowest first: a column gets the first that holds every value. */
const INTEGER_TYPES = [32, 64, 128, 256].map((bits) => ({ type: `Int${bits}`, min: -(2n ** BigInt(bits - 1)), max: 2n ** BigInt(bits - 1) - 1n }));
/** Decimal256's precision; a wider number is a Float64. */
const MAX_DECIMAL_PRECISION = 76;

/** Infers one column's type from its cells (all rows, as text). */
export function inferColumnType(cells: readonly string[]): InferredType {
  const values = cells.filter((cell) => !isNullCell(cell)).map((cell) => cell.trim());
  const nullable = values.length < cells.length;
  const kind = inferKind(values);
  const base = clickhouseType(kind, values);
  return { kind, type: nullable ? `Nullable(${base})` : base, nullable };
}

function inferKind(values: readonly string[]): SeedKind {
  // Like agate, a column of only NULLs (or no rows) counts as a number.
  if (values.every((value) => parseNumber(value) !== undefined)) {
    if (values.every((value) => isInteger(value))) return 'integer';
    if (decimalShape(values) !== undefined) return 'decimal';
    // Plain digits too many for Decimal256 would lose some as a Float64: keep them as text.
    return values.some((value) => /^-?\d*(\.\d*)?$/.test(normalizeNumber(value))) && values.every((value) => !/e/i.test(value)) ? 'string' : 'float';
  }
  if (values.every((value) => parseDate(value) !== undefined)) return 'date';
  if (values.every((value) => parseDateTime(value) !== undefined)) return 'datetime';
  if (values.every((value) => /^(true|false)$/i.test(value))) return 'boolean';
  return 'string';
}

function clickhouseType(kind: SeedKind, values: readonly string[]): string {
  switch (kind) {
    case 'integer': {
      // Int32 like dbt-clickhouse where every value fits; wider only where values need it (never overflow).
      const numbers = values.map((value) => BigInt(normalizeNumber(value)));
      return INTEGER_TYPES.find(({ min, max }) => numbers.every((n) => n >= min && n <= max))!.type;
    }
    case 'decimal': {
      // Lossless, unlike dbt-clickhouse's Float32: as many digits as the data has, on both sides of the point.
      const { precision, scale } = decimalShape(values)!;
      return `Decimal(${precision}, ${scale})`;
    }
    case 'float':
      return 'Float64';
    case 'boolean':
      return 'Bool';
    case 'string':
      return 'String';
    case 'date':
      // Date covers 1970-01-01 … 2149-06-06; Date32 goes from 1900 to 2299.
      return values.every((value) => inRange(parseDate(value)!, '1970-01-01', '2149-06-06')) ? 'Date' : 'Date32';
    case 'datetime': {
      const parsed = values.map((value) => parseDateTime(value)!);
      const digits = Math.max(0, ...parsed.map((value) => value.fraction.length));
      const zoned = parsed.some((value) => value.zoned);
      const fits = parsed.every((value) => inRange(value.text.slice(0, 10), '1970-01-01', '2106-02-06'));
      const zone = zoned ? `'UTC'` : undefined;
      if (digits === 0 && fits) return zone === undefined ? 'DateTime' : `DateTime(${zone})`;
      return `DateTime64(${Math.min(Math.max(digits, 0), 9)}${zone === undefined ? '' : `, ${zone}`})`;
    }
  }
}

/** The value to insert for one non-NULL cell of an inferred column. */
export function convertCell(kind: SeedKind, cell: string): unknown {
  const value = cell.trim();
  switch (kind) {
    case 'integer':
      // As text: JSON numbers lose precision past 2^53, and ClickHouse parses quoted integers.
      return normalizeNumber(value);
    case 'decimal': {
      // A JSON number where it is exact (up to 15 significant digits JavaScript prints the same digits back),
      // since servers before 19.x do not parse a quoted Decimal; as text beyond that.
      const text = normalizeNumber(value);
      return text.replace(/^-|\./g, '').replace(/^0+/, '').length <= 15 ? Number(text) : text;
    }
    case 'float':
      return Number(normalizeNumber(value));
    case 'boolean':
      return value.toLowerCase() === 'true';
    case 'date':
      return parseDate(value)!;
    case 'datetime':
      return parseDateTime(value)!.text;
    case 'string':
      return cell;
  }
}

function normalizeNumber(value: string): string {
  return value.replace(/,/g, '').replace(/^\+/, '');
}

function parseNumber(value: string): number | undefined {
  if (!NUMBER.test(value) && !GROUPED_NUMBER.test(value)) return undefined;
  const number = Number(normalizeNumber(value));
  return Number.isFinite(number) ? number : undefined;
}

function isInteger(value: string): boolean {
  const text = normalizeNumber(value);
  if (!/^-?\d+$/.test(text)) return false;
  const big = BigInt(text);
  const widest = INTEGER_TYPES[INTEGER_TYPES.length - 1]!;
  return big >= widest.min && big <= widest.max;
}

/**
 * Precision and scale holding every value exactly, when all are written in plain decimal notation
 * (no exponent) and fit Decimal256; undefined otherwise (the column is then a Float64).
 */
function decimalShape(values: readonly string[]): { precision: number; scale: number } | undefined {
  let whole = 1;
  let scale = 0;
  for (const value of values) {
    const match = /^-?(\d*)(?:\.(\d*))?$/.exec(normalizeNumber(value));
    if (match === null) return undefined;
    whole = Math.max(whole, match[1]!.replace(/^0+(?=\d)/, '').length);
    scale = Math.max(scale, (match[2] ?? '').length);
  }
  const precision = whole + scale;
  return precision > MAX_DECIMAL_PRECISION ? undefined : { precision, scale };
}

/** `2024-1-5` → `2024-01-05`, or undefined when it is not a real calendar date. */
function parseDate(value: string): string | undefined {
  const match = DATE.exec(value);
  if (!match) return undefined;
  return calendarDate(match[1]!, match[2]!, match[3]!);
}

function calendarDate(year: string, month: string, day: string): string | undefined {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

interface ParsedDateTime {
  /** `YYYY-MM-DD HH:MM:SS[.fraction]`, in UTC when the cell had an offset. */
  text: string;
  fraction: string;
  zoned: boolean;
}

function parseDateTime(value: string): ParsedDateTime | undefined {
  const match = DATETIME.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone] = match;
  const date = calendarDate(year!, month!, day!);
  if (date === undefined || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (zone === undefined) {
    return { text: `${date} ${hour!.padStart(2, '0')}:${minute}:${second}${fraction ? `.${fraction}` : ''}`, fraction, zoned: false };
  }
  // With an offset: the instant, written in UTC (the column is typed with 'UTC').
  const offset = zone.toUpperCase() === 'Z' ? 0 : offsetMinutes(zone);
  const utc = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute) - offset, Number(second)));
  const text = utc.toISOString().slice(0, 19).replace('T', ' ');
  return { text: `${text}${fraction ? `.${fraction}` : ''}`, fraction, zoned: true };
}

function offsetMinutes(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

function inRange(date: string, from: string, to: string): boolean {
  return date >= from && date <= to;
}
