import { parse } from 'csv-parse/sync';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';

/**
 * Rows of a unit test given in `format: csv` (inline or from a fixture file) as mappings. Values
 * stay text, cast to the column's type in SQL; an empty field is NULL.
 */
export function csvRows(text: string, where: { file: string; line: number | undefined; what: string }): Record<string, unknown>[] {
  try {
    const records = parse(text.trim(), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
    return records.map((record) => Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value === '' ? null : value])));
  } catch (error) {
    throw new TsdbtError({
      code: ErrorCodes.UNIT_TEST_INVALID,
      message: `The CSV rows of ${where.what} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      file: where.file,
      line: where.line,
      hint: 'A header line with the column names, then one line per row: `id,name` then `1,a`.',
    });
  }
}
