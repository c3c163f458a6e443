import { DIFF_COLUMN } from '../../materialize/plan-unit-test.js';

/** At most this many differing rows are shown; the count covers all of them. */
const SHOWN = 20;

export interface UnitTestFailure {
  /** `1 expected row not returned, 2 rows returned but not expected`. */
  summary: string;
  /** The differing rows, one line each, `expected`-only first: `| - expected | 2 | b |`. */
  table: string;
  /** Rows that differ, counting repeats. */
  rowCount: number;
}

/**
 * Reads the comparison's rows (each distinct row with `__tsdbt_diff`: +n expected n more times
 * than returned, -n returned n more times than expected). Undefined when nothing differs.
 */
export function unitTestFailure(rows: readonly Record<string, unknown>[], columns: readonly string[]): UnitTestFailure | undefined {
  if (rows.length === 0) return undefined;
  let missing = 0;
  let extra = 0;
  const lines: string[][] = [];
  for (const row of rows) {
    const diff = Number(row[DIFF_COLUMN]);
    if (diff > 0) missing += diff;
    else extra -= diff;
    const times = Math.abs(diff) > 1 ? ` x${Math.abs(diff)}` : '';
    lines.push([diff > 0 ? `- expected${times}` : `+ actual${times}`, ...columns.map((column) => show(row[column]))]);
  }
  const header = ['', ...columns];
  const shown = lines.slice(0, SHOWN);
  const widths = header.map((_, index) => Math.max(...[header, ...shown].map((line) => line[index]!.length)));
  const format = (line: string[]) => `  | ${line.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
  const table = [format(header), ...shown.map(format), ...(lines.length > SHOWN ? [`  … and ${lines.length - SHOWN} more differing rows`] : [])].join('\n');
  const parts = [
    ...(missing > 0 ? [`${missing} expected row${missing === 1 ? '' : 's'} not returned`] : []),
    ...(extra > 0 ? [`${extra} row${extra === 1 ? '' : 's'} returned but not expected`] : []),
  ];
  return { summary: parts.join(', '), table, rowCount: missing + extra };
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
