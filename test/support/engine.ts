import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { renderWithAdapter } from '../../src/runner/template-queries.js';
import { statementFunctions } from '../../src/compile/query-results.js';
import { baseGlobals } from '../../src/template/base-globals.js';
import { TemplateEngine, type Scope } from '../../src/template/template-engine.js';
import type { DispatchEntry } from '../../src/config/dispatch-config.js';

export interface TemplateEngineFixture {
  /** Installed packages: package name → its macro files (path → text). */
  packages?: Record<string, Record<string, string>>;
  /** The project's `dispatch:` config. */
  dispatch?: DispatchEntry[];
}

/** A template engine with dbt's globals, as loadProject builds it (root project `demo`), and the given macro files. */
export function templateEngine(macros: Record<string, string> = {}, vars: Record<string, unknown> = {}, fixture: TemplateEngineFixture = {}) {
  const logger = new MemoryLogger();
  let engine: TemplateEngine | undefined;
  engine = new TemplateEngine(
    baseGlobals({ projectName: 'demo', vars, env: {}, logger, invocationId: 'inv-1', macro: (name) => engine?.macro(name)?.fn, doc: () => undefined }),
    { projectName: 'demo', dispatch: fixture.dispatch ?? [] },
  );
  const add = (file: string, text: string, packageName?: string) => {
    const errors = engine!.addMacroFile(file, text, packageName);
    if (errors.length > 0) throw errors[0];
  };
  for (const [packageName, files] of Object.entries(fixture.packages ?? {})) {
    engine.addPackage(packageName);
    for (const [file, text] of Object.entries(files)) add(file, text, packageName);
  }
  for (const [file, text] of Object.entries(macros)) add(file, text);
  const render = (text: string, scope: Scope = {}) => engine!.compile('models/m.sql', text).render(scope);
  return { engine, logger, render };
}

/** A chDB session in its own temp directory; `close()` ends it and removes the directory. */
export async function chdbSession(): Promise<{ adapter: Adapter; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-template-chdb-'));
  const adapter = await connect({ type: 'chdb', name: 'dev', schema: 'default', threads: 1, settings: {}, path: path.join(dir, 'chdb') });
  return {
    adapter,
    async close() {
      await adapter.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Renders `text` at run time: run_query, statement and load_result run on `adapter` (as a model's render does). */
export function renderOnAdapter(engine: TemplateEngine, adapter: Adapter, text: string, scope: Scope = {}): Promise<string> {
  const template = engine.compile('models/m.sql', text);
  return renderWithAdapter(adapter, (runQuery) => {
    const statements = statementFunctions(runQuery);
    return template.render({
      ...scope,
      execute: true,
      run_query: (sql: unknown) => runQuery(String(sql)),
      statement: statements.statement,
      load_result: statements.load_result,
    });
  });
}
