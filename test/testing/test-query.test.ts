import { describe, expect, test } from 'vitest';
import { testQuery, testVerdict } from '../../src/testing/test-query.js';

describe('test verdicts (dbt: severity, warn_if, error_if)', () => {
  const defaults = { severity: 'ERROR', warn_if: '!= 0', error_if: '!= 0' };
  test.each([
    [defaults, { failures: 0, should_warn: 0, should_error: 0 }, 'pass', 'PASS'],
    [defaults, { failures: '3', should_warn: 1, should_error: 1 }, 'fail', 'Got 3 results, configured to fail if != 0'],
    [{ ...defaults, severity: 'WARN' }, { failures: 1, should_warn: 1, should_error: 1 }, 'warn', 'Got 1 result, configured to warn if != 0'],
    [{ ...defaults, error_if: '> 10' }, { failures: 4, should_warn: 1, should_error: 0 }, 'warn', 'Got 4 results, configured to warn if != 0'],
    [{ ...defaults, warn_if: '> 5', error_if: '> 10' }, { failures: 4, should_warn: 0, should_error: 0 }, 'pass', 'PASS'],
  ])('%o with %o is %s', (config, row, status, message) => {
    const verdict = testVerdict(row, config);
    expect(verdict.status).toBe(status);
    expect(verdict.message).toBe(message);
  });

  test('the query counts failing rows under a limit; a trailing comment or semicolon cannot break it', () => {
    expect(testQuery('select * from t where x is null -- nulls\n;', { fail_calc: 'count(*)', warn_if: '!= 0', error_if: '> 5', limit: 10 })).toBe(
      [
        'select',
        '    count(*) as failures,',
        '    (count(*)) != 0 as should_warn,',
        '    (count(*)) > 5 as should_error',
        'from (',
        'select * from t where x is null -- nulls',
        'limit 10',
        ') as dbt_internal_test',
      ].join('\n'),
    );
  });
});
