import { parse } from 'csv-parse/sync';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { convertCell, inferColumnType, isNullCell, type SeedKind } from './infer-types.js';

export interface SeedColumn {
  name: string;
  /** ClickHouse type of the column. */
  type: string;
  /** How cells are converted: an inferred kind, or 'override' (sent as text; ClickHouse parses it into `type`). */
  kind: SeedKind | 'override';
}

export interface SeedTable {
  columns: SeedColumn[];
  /** One object per CSV row, keyed by column name, ready for a JSONEachRow insert. */
  rows: Record<string, unknown>[];
}

export interface SeedTableOptions {
  /** Seed name and file, for messages. */
  name: string;
  file: string;
  delimiter?: string;
  /** `column_types` config: column name → ClickHouse type. */
  columnTypes?: Record<string, string>;
}

/** Reads a seed CSV into typed columns and rows. Pure: the text comes in, nothing touches the database. */
export function readSeedTable(text: string, options: SeedTableOptions): SeedTable {
  const records = parseCsv(text, options);
  const [header, ...body] = records;
  if (header === undefined || header.every((cell) => cell.trim() === '')) {
    throw seedError(options, `is empty: it needs a header row with the column names.`, 1, 'Add a first line such as `id,name`.');
  }
  const names = header.map((cell) => cell.trim());
  names.forEach((name, index) => {
    if (name === '')
      throw seedError(options, `has an empty column name (column ${index + 1} of the header).`, 1, 'Give every column a name in the first line.');
    const first = names.indexOf(name);
    if (first !== index) throw seedError(options, `has the column '${name}' twice in its header.`, 1, 'Column names must be unique.');
  });
  const overrides = options.columnTypes ?? {};
  for (const column of Object.keys(overrides)) {
    if (!names.includes(column)) {
      throw seedError(
        options,
        `has column_types for '${column}', but the CSV has no such column (it has ${names.join(', ')}).`,
        undefined,
        'Fix the column name under column_types.',
      );
    }
  }

  const columns: SeedColumn[] = names.map((name, index) => {
    const cells = body.map((row) => row[index] ?? '');
    const override = overrides[name];
    if (override !== undefined) {
      const nullRow = cells.findIndex(isNullCell);
      if (nullRow !== -1 && !/^\s*(Nullable|LowCardinality\s*\(\s*Nullable)\s*\(/i.test(override)) {
        throw seedError(
          options,
          `column '${name}' is set to ${override} in column_types, but row ${nullRow + 2} has no value there; ClickHouse would store a default instead of NULL.`,
          nullRow + 2,
          `Use 'Nullable(${override})' in column_types, or fill in the empty cells.`,
        );
      }
      return { name, type: override, kind: 'override' as const };
    }
    const inferred = inferColumnType(cells);
    return { name, type: inferred.type, kind: inferred.kind };
  });

  const rows = body.map((row) => {
    const out: Record<string, unknown> = {};
    columns.forEach((column, index) => {
      const cell = row[index] ?? '';
      if (isNullCell(cell)) out[column.name] = null;
      else if (column.kind === 'override') out[column.name] = overrideValue(column.type, cell);
      else out[column.name] = convertCell(column.kind, cell);
    });
    return out;
  });
  return { columns, rows };
}

/** Text for ClickHouse to parse, except Bool, which JSONEachRow wants as true/false. */
function overrideValue(type: string, cell: string): unknown {
  if (/^\s*(Nullable\s*\(\s*)?Bool(ean)?\b/i.test(type)) {
    const value = cell.trim().toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
  }
  return cell;
}

function parseCsv(text: string, options: SeedTableOptions): string[][] {
  try {
    const records = parse(text, { bom: true, delimiter: options.delimiter ?? ',', skip_empty_lines: true, relax_quotes: false }) as string[][];
    const width = records[0]?.length ?? 0;
    records.forEach((record, index) => {
      if (record.length !== width) {
        throw seedError(
          options,
          `row ${index + 1} has ${record.length} values, but the header has ${width} columns.`,
          index + 1,
          'Every row needs one value per column; quote values that contain the delimiter.',
        );
      }
    });
    return records;
  } catch (error) {
    if (error instanceof TsdbtError) throw error;
    const e = error as { message?: string; lines?: number };
    throw seedError(
      options,
      `is not valid CSV: ${String(e.message ?? error)}`,
      e.lines,
      'Check quoting near that line: a value containing the delimiter or a quote must be quoted, with quotes doubled.',
    );
  }
}

function seedError(options: SeedTableOptions, message: string, line: number | undefined, hint: string): TsdbtError {
  return new TsdbtError({ code: ErrorCodes.SEED_INVALID, message: `Seed '${options.name}' ${message}`, file: options.file, line, hint });
}
