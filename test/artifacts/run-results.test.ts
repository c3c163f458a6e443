import { describe, expect, it } from 'vitest';
import { invocationArgs, optionsFromArgs } from '../../src/artifacts/invocation-args.js';
import { buildRunResults } from '../../src/artifacts/run-results.js';
import type { RunSummary } from '../../src/runner/results.js';

const summary: RunSummary = {
  elapsedSeconds: 1.5,
  interrupted: false,
  results: [
    {
      uniqueId: 'model.shop.a',
      status: 'success',
      message: 'OK',
      timing: [{ name: 'execute', started_at: '2024-05-01T00:00:00.000Z', completed_at: '2024-05-01T00:00:01.000Z' }],
      executionTime: 1,
      threadId: 'Thread-1',
      adapterResponse: { rows_affected: 10, statements: 2 },
      relationName: '`shop`.`a`',
      failures: undefined,
    },
    {
      uniqueId: 'model.shop.b',
      status: 'error',
      message: 'boom',
      timing: [],
      executionTime: 0.1,
      threadId: 'Thread-2',
      adapterResponse: {},
      relationName: '`shop`.`b`',
      failures: undefined,
      errorCode: 'TSDBT4002',
    },
    {
      uniqueId: 'model.shop.c',
      status: 'skipped',
      message: "Skipped because 'b' failed.",
      timing: [],
      executionTime: 0,
      threadId: 'main',
      adapterResponse: {},
      relationName: undefined,
      failures: undefined,
    },
  ],
};

describe('buildRunResults', () => {
  const compiled: Record<string, string> = { 'model.shop.a': 'select 1', 'model.shop.b': 'select x', 'model.shop.c': 'select 2' };
  const results = buildRunResults(summary, 'inv-1', { which: 'run' }, new Date('2024-05-01T00:00:02Z'), (id) => compiled[id]) as Record<string, any>;

  it("has dbt's v6 metadata, elapsed_time and args", () => {
    expect(results.metadata).toMatchObject({
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      generated_at: '2024-05-01T00:00:02.000Z',
      invocation_id: 'inv-1',
    });
    expect(results.elapsed_time).toBe(1.5);
    expect(results.args).toEqual({ which: 'run' });
  });

  it('writes one entry per node with the fields tools read', () => {
    expect(results.results[0]).toEqual({
      unique_id: 'model.shop.a',
      status: 'success',
      message: 'OK',
      timing: summary.results[0]!.timing,
      thread_id: 'Thread-1',
      execution_time: 1,
      adapter_response: { _message: 'OK', rows_affected: 10, statements: 2 },
      failures: null,
      relation_name: '`shop`.`a`',
      compiled: true,
      compiled_code: 'select 1',
      batch_results: null,
      error_code: null,
    });
    expect(results.results[1]).toMatchObject({ status: 'error', message: 'boom', adapter_response: {}, compiled_code: 'select x', error_code: 'TSDBT4002' });
    // A skipped node never ran, so it has no compiled code even if an earlier compile left some.
    expect(results.results[2]).toMatchObject({ status: 'skipped', compiled: false, compiled_code: null, relation_name: null });
  });
});

describe('invocation args', () => {
  it("records a command's options in dbt's snake_case, without output-only flags, and reads them back", () => {
    const options = {
      select: ['state:modified+'],
      state: 'prod',
      defer: true,
      favorState: undefined,
      fullRefresh: true,
      failFast: true,
      threads: '2',
      debug: true,
      color: false,
      ids: ['x'],
    };
    const args = invocationArgs('run', options);
    expect(args).toEqual({ which: 'run', select: ['state:modified+'], state: 'prod', defer: true, full_refresh: true, fail_fast: true, threads: '2' });
    expect(optionsFromArgs(args)).toEqual({ select: ['state:modified+'], state: 'prod', defer: true, fullRefresh: true, failFast: true, threads: '2' });
  });
});
