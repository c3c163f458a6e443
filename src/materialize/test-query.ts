/**
 * The query that turns a test's failing-rows SELECT into one row the verdict reads (testing/test-query.ts):
 * failures (`fail_calc`), should_warn (`warn_if`), should_error (`error_if`), as dbt's `get_test_sql`.
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

/** With store_failures, the verdict reads the table the failing rows were stored in. */
export function storedFailuresQuery(relationName: string): string {
  return `select * from ${relationName}`;
}

function stripTrailingSemicolons(sql: string): string {
  return sql
    .trim()
    .replace(/(;\s*)+$/, '')
    .trimEnd();
}
