/**
 * How a test's failing-rows query becomes a verdict, as in dbt: count the rows (`fail_calc`),
 * compare with `warn_if`/`error_if`, and let `severity` decide between fail and warn.
 */

export interface TestOutcomeConfig {
  severity?: unknown;
  warn_if?: unknown;
  error_if?: unknown;
  fail_calc?: unknown;
  limit?: unknown;
}

/** dbt's `get_test_sql`: one row with failures, should_warn, should_error. */
export function testQuery(mainSql: string, config: TestOutcomeConfig): string {
  const failCalc = String(config.fail_calc ?? 'count(*)');
  const limit = typeof config.limit === 'number' ? `\nlimit ${config.limit}` : '';
  // The newlines keep a trailing `-- comment` in the test from swallowing the closing parenthesis.
  return [
    'select',
    `    ${failCalc} as failures,`,
    `    (${failCalc}) ${String(config.warn_if ?? '!= 0')} as should_warn,`,
    `    (${failCalc}) ${String(config.error_if ?? '!= 0')} as should_error`,
    'from (',
    `${stripTrailingSemicolons(mainSql)}${limit}`,
    ') as dbt_internal_test',
  ].join('\n');
}

export interface TestVerdict {
  status: 'pass' | 'fail' | 'warn';
  failures: number;
  /** dbt's wording: `Got 3 results, configured to fail if != 0`. */
  message: string;
}

/** Reads the row `testQuery` returned. */
export function testVerdict(row: Record<string, unknown> | undefined, config: TestOutcomeConfig): TestVerdict {
  const failures = Number(row?.failures ?? 0) || 0;
  const shouldWarn = truthy(row?.should_warn);
  const shouldError = truthy(row?.should_error);
  const got = `Got ${failures} result${failures === 1 ? '' : 's'}`;
  const severity = String(config.severity ?? 'ERROR').toUpperCase();
  if (severity === 'ERROR' && shouldError) return { status: 'fail', failures, message: `${got}, configured to fail if ${String(config.error_if ?? '!= 0')}` };
  if (shouldWarn) return { status: 'warn', failures, message: `${got}, configured to warn if ${String(config.warn_if ?? '!= 0')}` };
  return { status: 'pass', failures, message: 'PASS' };
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

function stripTrailingSemicolons(sql: string): string {
  return sql.trim().replace(/(;\s*)+$/, '').trimEnd();
}
