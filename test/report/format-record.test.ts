import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/adapter/translate-error.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import { fileLines, formatError, jsonLine } from '../../src/report/format-record.js';
import type { LogRecord } from '../../src/report/log-record.js';
import { schemaProblems } from './log-schema-validator.js';

const ts = new Date('2026-01-02T03:04:05.678Z');
const secrets = ['hunter2'];
const redactSecrets = (text: string) => redact(text, secrets);
const record = (over: Partial<LogRecord>): LogRecord => ({ level: 'info', ts, event: 'log', msg: 'hello', fields: {}, ...over });

describe('jsonLine', () => {
  it('puts level, ts, event, msg first, then the invocation id and snake_case fields', () => {
    const line = jsonLine(
      record({ event: 'node_finished', fields: { nodeId: 'model.a.b', duration_ms: 12, resourceType: 'model' } }),
      redactSecrets,
      '00000000-0000-4000-8000-000000000000',
    );
    expect(line).toBe(
      '{"level":"info","ts":"2026-01-02T03:04:05.678Z","event":"node_finished","msg":"hello","invocation_id":"00000000-0000-4000-8000-000000000000","node_id":"model.a.b","duration_ms":12,"resource_type":"model"}',
    );
  });

  it('redacts secrets and URL passwords everywhere, strips colours, and never lets a field replace a base key', () => {
    const color = new Chalk({ level: 1 });
    const line = jsonLine(
      record({
        msg: color.red('password hunter2 in http://me:pw@host:8123/x'),
        fields: {
          level: 'nope',
          msg: 'nope',
          nested: { deep: ['hunter2', 1n, new Error('boom hunter2')], when: ts },
          skipped: undefined,
          fn: () => 1,
          inf: Infinity,
        },
      }),
      redactSecrets,
    );
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain(':pw@');
    expect(line).not.toContain('\u001b');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({ level: 'info', msg: 'password **** in http://me:****@host:8123/x', inf: 'Infinity' });
    expect(parsed.nested).toEqual({ deep: ['****', '1', 'boom ****'], when: '2026-01-02T03:04:05.678Z' });
    expect(Object.keys(parsed)).not.toContain('skipped');
    expect(Object.keys(parsed)).not.toContain('fn');
  });

  it('gives errors their code, file, line and hint', () => {
    const error = new TsdbtError({
      code: ErrorCodes.UNKNOWN_REF,
      message: "Model 'a' refers to 'b'.",
      file: 'models/a.sql',
      line: 4,
      hint: 'Check the spelling.',
    });
    const line = jsonLine(record({ level: 'error', event: 'error', msg: error.message, error }), redactSecrets);
    expect(JSON.parse(line)).toMatchObject({ event: 'error', code: 'TSDBT2003', file: 'models/a.sql', line: 4, hint: 'Check the spelling.' });
    expect(schemaProblems(line)).toEqual([]);
  });
});

describe('docs/log-schema.json', () => {
  it('accepts the events tsdbt emits and refuses lines missing what their event promises', () => {
    const ok = (over: Partial<LogRecord>) => schemaProblems(jsonLine(record(over), redactSecrets));
    expect(ok({})).toEqual([]);
    expect(ok({ event: 'ingest.attempt', fields: { attempt: 1, url: 'http://x' } })).toEqual([]);
    expect(ok({ event: 'node_start', fields: { node_id: 'model.a.b', resource_type: 'model', index: 1, total: 3 } })).toEqual([]);
    expect(ok({ event: 'run_summary', fields: { pass: 1, warn: 0, error: 0, skip: 0, total: 1, duration_ms: 5, interrupted: false } })).toEqual([]);
    expect(ok({ level: 'debug', event: 'sql', fields: { sql: 'select 1' } })).toEqual([]);

    expect(ok({ event: 'node_start', fields: { node_id: 'model.a.b' } })).not.toEqual([]);
    expect(
      ok({ event: 'node_finished', fields: { node_id: 'model.a.b', resource_type: 'model', status: 'done', duration_ms: 1, index: 1, total: 1 } }),
    ).not.toEqual([]);
    expect(ok({ event: 'Bad Name' })).not.toEqual([]);
    expect(ok({ fields: { camelCase: 1 } })).toEqual([]); // keys are snake_cased on the way out
    expect(schemaProblems('{"level":"info","ts":"2026-01-02T03:04:05.678Z","event":"log","msg":"x","camelCase":1}')).not.toEqual([]);
    expect(schemaProblems('{"level":"loud","ts":"yesterday","event":"log","msg":"x"}')).toHaveLength(2);
    expect(schemaProblems('not json')).not.toEqual([]);
  });
});

describe('fileLines', () => {
  it('writes time, level and event, then the SQL and the error details indented, redacted', () => {
    const local = new Date(2026, 0, 2, 3, 4, 5, 6);
    expect(
      fileLines(record({ ts: local, level: 'debug', event: 'sql', msg: 'Sending statement', fields: { sql: "select 'hunter2'\nfrom t" } }), redactSecrets),
    ).toBe("03:04:05.006 [debug] sql: Sending statement\n    select '****'\n    from t\n");
    const error = new TsdbtError({ code: ErrorCodes.SQL_ERROR, message: 'Bad SQL.', file: 'models/a.sql', hint: 'Fix it.' });
    const text = fileLines(record({ ts: local, level: 'error', event: 'error', msg: error.message, error }), redactSecrets);
    expect(text.split('\n').slice(0, 3)).toEqual(['03:04:05.006 [error] error: Bad SQL.', '    TSDBT4002 at models/a.sql', '    hint: Fix it.']);
    expect(text).toContain('TsdbtError: Bad SQL.');
  });
});

describe('formatError', () => {
  it('prints code, message, location and hint; the stack only when asked', () => {
    const color = new Chalk({ level: 0 });
    const error = new TsdbtError({ code: ErrorCodes.UNKNOWN_REF, message: 'No such model.', file: 'models/a.sql', line: 2, hint: 'Check it.' });
    expect(formatError(error, color, false)).toBe('Error TSDBT2003: No such model.\n  --> models/a.sql:2\n  hint: Check it.');
    expect(formatError(error, color, true)).toContain('at ');
  });
});
