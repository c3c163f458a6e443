import { describe, expect, it } from 'vitest';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import { placeInModel, withTypeChangeHint } from '../../src/runner/model-error-place.js';

const RAW = ["{{ config(materialized='table') }}", '', '-- people', 'select', '    id,', '    name,', '    nme_typo as x', "from {{ ref('people') }}"].join(
  '\n',
);
const COMPILED = ['', '', '-- people', 'select', '    id,', '    name,', '    nme_typo as x', 'from `astro`.`people`'].join('\n').trim();
const MODEL = { file: 'models/x.sql', rawSql: RAW, compiledSql: COMPILED, compiledPath: 'target/compiled/astro/models/x.sql' };
const STATEMENT = `CREATE TABLE astro.x__tsdbt_tmp\nENGINE = MergeTree\nORDER BY tuple()\nAS\n${COMPILED}`;

function sqlError(message: string): TsdbtError {
  return new TsdbtError({ code: ErrorCodes.SQL_ERROR, message });
}

describe('placeInModel', () => {
  it('maps a statement position through the compiled SQL to the line and column of the model file', () => {
    // Line 9 of the statement is `    nme_typo as x`, line 5 of the compiled SQL, line 7 of the model.
    const error = sqlError(
      'ClickHouse rejected the statement at line 9, column 5 (ClickHouse error 62 SYNTAX_ERROR): Syntax error: failed at position 120 (line 9, col 5): nme_typo.',
    );
    const placed = placeInModel(error, STATEMENT, MODEL);
    expect([placed.file, placed.line, placed.column]).toEqual(['models/x.sql', 7, 5]);
    expect(placed.message).toBe(
      'ClickHouse rejected the model at models/x.sql:7:5, line 5 of target/compiled/astro/models/x.sql (ClickHouse error 62 SYNTAX_ERROR): Syntax error: failed: nme_typo.',
    );
  });

  it('finds the line of an identifier ClickHouse names without a position', () => {
    const error = sqlError(
      'ClickHouse rejected the statement (ClickHouse error 47 UNKNOWN_IDENTIFIER): Unknown expression identifier `nme_typo` in scope SELECT id, name, nme_typo AS x FROM astro.people.',
    );
    const placed = placeInModel(error, STATEMENT, MODEL);
    expect([placed.line, placed.column]).toEqual([7, 5]);
    expect(placed.message).toMatch(
      /^ClickHouse rejected the model at models\/x\.sql:7:5, line 5 of target\/compiled\/astro\/models\/x\.sql \(ClickHouse error 47/,
    );
  });

  it('finds an identifier used in an expression (ClickHouse says "expression or function identifier")', () => {
    const error = sqlError(
      'ClickHouse rejected the statement (ClickHouse error 47 UNKNOWN_IDENTIFIER): Unknown expression or function identifier `nme_typo` in scope SELECT nme_typo * 2 AS x FROM astro.people.',
    );
    expect(placeInModel(error, STATEMENT, MODEL).line).toBe(7);
  });

  it('finds an unknown table by the name the model refs it with', () => {
    const error = sqlError(
      "ClickHouse rejected the statement (ClickHouse error 60 UNKNOWN_TABLE): Unknown table expression identifier 'astro.people' in scope SELECT 1.",
    );
    expect(placeInModel(error, STATEMENT, MODEL).line).toBe(8);
  });

  it('leaves errors it cannot place, and errors that are not SQL errors, as they are', () => {
    const unplaceable = sqlError('ClickHouse rejected the statement (ClickHouse error 241 MEMORY_LIMIT_EXCEEDED): Memory limit exceeded.');
    expect(placeInModel(unplaceable, STATEMENT, MODEL)).toBe(unplaceable);
    const other = new TsdbtError({ code: ErrorCodes.TIMEOUT, message: 'Unknown expression identifier `nme_typo`' });
    expect(placeInModel(other, STATEMENT, MODEL)).toBe(other);
  });
});

describe('withTypeChangeHint', () => {
  it('tells how to rebuild when an incremental insert fails on changed column types', () => {
    const error = sqlError("ClickHouse rejected the statement (ClickHouse error 6 CANNOT_PARSE_TEXT): Cannot parse string 'abc' as UInt8.");
    const hinted = withTypeChangeHint(error, { name: 'events', onSchemaChange: undefined });
    expect(hinted.hint).toContain('`tsdbt run --full-refresh --select events`');
    expect(hinted.hint).toContain("on_schema_change is 'ignore'");
    expect(hinted.message).toContain('on_schema_change: sync_all_columns');
    const unrelated = sqlError('ClickHouse rejected the statement (ClickHouse error 241 MEMORY_LIMIT_EXCEEDED): Memory limit exceeded.');
    expect(withTypeChangeHint(unrelated, { name: 'events', onSchemaChange: 'ignore' })).toBe(unrelated);
  });
});
