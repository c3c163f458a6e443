/**
 * How a test's failing-rows query becomes a verdict, as in dbt: count the rows (`fail_calc`),
 * compare with `warn_if`/`error_if`, and let `severity` decide between fail and warn.
 */

// The SQL that counts failing rows is built in materialize/test-query.ts; the verdict is read here.
import type { TestOutcomeConfig } from '../materialize/test-query.js';

export { testQuery, type TestOutcomeConfig } from '../materialize/test-query.js';

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
