/**
 * The CLI bundle carries the ClickHouse client and chDB's JavaScript (its connection for the client
 * included) inside dist/cli-bundle/main.cjs (scripts/build-cli-bundle.mjs), with their licences in
 * LICENSES.txt beside it: a command that opens the embedded engine loads none of them module by
 * module from node_modules. chDB's native engine is still loaded where it is installed, through
 * chDB's own loader, and a query and an engine error (translated) still work through the bundle.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectYml, REPO_ROOT, removeProject, runCli, writeProject } from '../support/cli.js';

/** The files Node's CommonJS loader loaded, from its NODE_DEBUG=module trace. */
function loadedFiles(stderr: string): string[] {
  return [...stderr.matchAll(/^MODULE \d+: load "([^"]+)"/gm)].map((match) => (match[1] ?? '').replaceAll('\\', '/'));
}

describe('the engine client in the CLI bundle', () => {
  it('opens chDB and queries it without loading the client or chDB’s JavaScript from node_modules', async () => {
    const licences = readFileSync(path.join(REPO_ROOT, 'dist', 'cli-bundle', 'LICENSES.txt'), 'utf8');
    for (const name of ['@clickhouse/client', '@clickhouse/client-common', 'chdb']) {
      expect(licences).toMatch(new RegExp(`^${name.replace('/', '\\/')} \\d+\\.\\d+\\.\\d+:`, 'm'));
    }
    const dir = writeProject({ 'project.yml': projectYml('demo'), 'models/a.sql': 'select 1 as x' });
    try {
      const env = { HOME: dir, NODE_DEBUG: 'module' };
      const shown = await runCli(['show', '--inline', 'select 41 + 1 as answer'], { cwd: dir, env });
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain('42');
      const loaded = loadedFiles(shown.stderr);
      expect(loaded.filter((file) => file.includes('/node_modules/@clickhouse/'))).toEqual([]);
      // chDB's own loader (and the error classes it throws) and the native engine, as installed: nothing else of chDB.
      const fromChdb = loaded.filter((file) => /\/node_modules\/(chdb|@chdb)\//.test(file)).map((file) => file.replace(/^.*\/node_modules\//, ''));
      expect(fromChdb.filter((file) => file.startsWith('chdb/'))).toEqual(['chdb/dist/loader.js', 'chdb/dist/errors.js']);
      expect(fromChdb.some((file) => /^@chdb\/lib-[^/]+\/.*\.node$/.test(file))).toBe(true);

      const failed = await runCli(['show', '--inline', 'select * from no_such_table'], { cwd: dir, env: { HOME: dir } });
      expect(failed.code).not.toBe(0);
      // The engine's error parsed by the bundled client (code and name), then translated by tsdbt.
      expect(failed.stderr).toContain('Error TSDBT4002: ClickHouse rejected the statement (ClickHouse error 60 UNKNOWN_TABLE)');
    } finally {
      removeProject(dir);
    }
  });
});
