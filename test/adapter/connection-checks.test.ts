/** tsdbt debug's database checks on chDB (the server side is in test/e2e/server*.test.ts), and its version warnings. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capabilitiesForVersion, modernCapabilities } from '../../src/adapter/capabilities.js';
import { connect } from '../../src/adapter/connect.js';
import { missingFeatureWarnings, oldVersionWarning, runConnectionChecks } from '../../src/tasks/debug-checks.js';

describe('version warnings', () => {
  it('names every missing feature of an old server and what tsdbt does instead', () => {
    const warnings = missingFeatureWarnings(capabilitiesForVersion('18.16.1'));
    expect(warnings).toHaveLength(Object.keys(modernCapabilities).length);
    expect(warnings[0]).toBe('This server lacks EXCHANGE TABLES (ClickHouse 20.10+): tables are swapped in with one double RENAME instead.');
    expect(missingFeatureWarnings(modernCapabilities)).toEqual([]);
  });

  it('warns below the oldest tested version only', () => {
    expect(oldVersionWarning('18.16.1')).toBeUndefined();
    expect(oldVersionWarning('24.3.2.23')).toBeUndefined();
    expect(oldVersionWarning('1.1.54394')).toMatch(/^ClickHouse 1\.1\.54394 is older than 18\.16, the oldest version tsdbt is tested with/);
  });
});

describe('runConnectionChecks on chDB', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-checks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('connects, then creates and drops the missing target database, leaving nothing behind; then a table once it exists', async () => {
    const target = { type: 'chdb' as const, name: 'dev', path: path.join(dir, 'chdb'), schema: 'checks_db', threads: 1, settings: {} };
    const first = await runConnectionChecks(target, { projectDir: dir });
    expect(first.map((check) => [check.label, check.status])).toEqual([
      ['connection', 'ok'],
      ['can create', 'ok'],
    ]);
    expect(first[0]!.detail).toMatch(/^chdb at .*chdb, ClickHouse \d+\.\d+/);
    expect(first[1]!.detail).toBe("database 'checks_db' (created and dropped again; `run` creates it)");

    const adapter = await connect(target, { projectDir: dir });
    try {
      expect(await adapter.databaseEngine!('checks_db')).toBeUndefined();
      await adapter.execute('CREATE DATABASE checks_db');
    } finally {
      await adapter.close();
    }
    const second = await runConnectionChecks(target, { projectDir: dir, scratchSuffix: 'test' });
    expect(second[1]).toMatchObject({ label: 'can create', status: 'ok', detail: "tables in database 'checks_db' (Atomic)", warnings: [] });
    const after = await connect(target, { projectDir: dir });
    try {
      expect(await after.listRelations('checks_db')).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
