/**
 * Macro files' generated code kept in target/template_cache.json (compiled-code-cache.ts): a hit
 * skips nunjucks' compiler and defines the same macros; an edited file, another tsdbt or nunjucks,
 * or TSDBT_PARTIAL_PARSE=0 compiles again.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { MemoryLogger } from '../../src/core/logger.js';
import { loadProject } from '../../src/compile/load-project.js';
import { baseGlobals } from '../../src/template/base-globals.js';
import { CompiledCodeCache } from '../../src/template/compiled-code-cache.js';
import { nunjucksLib } from '../../src/template/nunjucks-lib.js';
import { TemplateEngine, type TemplateBackend } from '../../src/template/template-engine.js';
import { tempHome, tempProject } from '../support/project.js';

const MACROS = "{% macro shout(x) %}{{ x | upper }}{% if x == 'a' %}!{% endif %}{% endmacro %}{% macro _hidden() %}h{% endmacro %}";

/**
 * An engine keeping macro files' code in `store`. The tests count nunjucks' compiles, so by default
 * it compiles with nunjucks alone; the fast path (fast-compile.ts) keeps the very same code (below).
 */
function engineWith(store: CompiledCodeCache | undefined, backend: TemplateBackend = 'nunjucks'): TemplateEngine {
  let engine: TemplateEngine | undefined;
  engine = new TemplateEngine(
    baseGlobals({
      projectName: 'demo',
      vars: {},
      env: {},
      logger: new MemoryLogger(),
      invocationId: 'i',
      macro: (name) => engine?.macro(name)?.fn,
      doc: () => undefined,
    }),
    { projectName: 'demo', codeStore: store, backend },
  );
  return engine;
}

function render(engine: TemplateEngine, text: string): string {
  return engine.compile('models/m.sql', text).render({});
}

/** Counts nunjucks compiles while `work` runs. */
function compilesDuring(work: () => void): number {
  const compiler = (nunjucksLib() as unknown as { compiler: { compile: (...args: unknown[]) => string } }).compiler;
  const spy = vi.spyOn(compiler, 'compile');
  try {
    work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

function cacheFile(dir: string): { compiler: string; code: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(dir, 'template_cache.json'), 'utf8')) as { compiler: string; code: Record<string, string> };
}

/** A target folder for the current test, removed after it. */
function targetDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-code-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

afterEach(() => vi.restoreAllMocks());

describe('compiled macro code cache', () => {
  it('compiles a macro file once, and defines the same macros from the kept code', () => {
    const dir = targetDir();
    const first = CompiledCodeCache.open(dir, {});
    const compiled = engineWith(first);
    expect(compilesDuring(() => expect(compiled.addMacroFile('macros/m.sql', MACROS)).toEqual([]))).toBe(1);
    first.save();
    expect(Object.keys(cacheFile(dir).code)).toHaveLength(1);

    const second = CompiledCodeCache.open(dir, {});
    const fromCache = engineWith(second);
    expect(compilesDuring(() => expect(fromCache.addMacroFile('macros/m.sql', MACROS)).toEqual([]))).toBe(0);
    expect(fromCache.macroNames().sort()).toEqual(compiled.macroNames().sort());
    for (const text of ["{{ shout('a') }}", "{{ shout('b') }}", '{{ _hidden() }}', '{{ demo.shout("c") }}']) {
      expect(render(fromCache, text)).toBe(render(compiled, text));
    }
    expect(render(fromCache, "{{ shout('a') }}")).toBe('A!');
  });

  it('compiles an edited file again, and keeps only the code the last parse used', () => {
    const dir = targetDir();
    const first = CompiledCodeCache.open(dir, {});
    engineWith(first).addMacroFile('macros/m.sql', MACROS);
    first.save();
    const before = Object.keys(cacheFile(dir).code);

    const edited = MACROS.replace('!', '?');
    const second = CompiledCodeCache.open(dir, {});
    const engine = engineWith(second);
    expect(compilesDuring(() => engine.addMacroFile('macros/m.sql', edited))).toBe(1);
    expect(render(engine, "{{ shout('a') }}")).toBe('A?');
    second.save();
    const after = Object.keys(cacheFile(dir).code);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);

    // The same text under another path is another entry (nunjucks writes the name into the code).
    const third = CompiledCodeCache.open(dir, {});
    expect(compilesDuring(() => engineWith(third).addMacroFile('macros/other.sql', edited))).toBe(1);
  });

  it('ignores code written by another tsdbt or nunjucks, and a file that does not parse', () => {
    const dir = targetDir();
    const first = CompiledCodeCache.open(dir, {});
    engineWith(first).addMacroFile('macros/m.sql', MACROS);
    first.save();
    const file = cacheFile(dir);
    writeFileSync(path.join(dir, 'template_cache.json'), JSON.stringify({ ...file, compiler: `${file.compiler}-older` }));
    expect(compilesDuring(() => engineWith(CompiledCodeCache.open(dir, {})).addMacroFile('macros/m.sql', MACROS))).toBe(1);
    writeFileSync(path.join(dir, 'template_cache.json'), '{"format": 1, "comp');
    expect(compilesDuring(() => engineWith(CompiledCodeCache.open(dir, {})).addMacroFile('macros/m.sql', MACROS))).toBe(1);
  });

  it('keeps the same code whether the fast path or nunjucks compiled the file, and either reads the other', () => {
    const files = {
      'macros/m.sql': MACROS,
      'macros/call.sql': "{% macro box(t) %}[{{ caller() }}]{% endmacro %}{% macro uses() %}{% call box('x') %}{{ shout('a') }}{% endcall %}{% endmacro %}",
    };
    const written = (['closures', 'nunjucks'] as const).map((backend) => {
      const dir = targetDir();
      const store = CompiledCodeCache.open(dir, {});
      const engine = engineWith(store, backend);
      for (const [file, text] of Object.entries(files)) expect(engine.addMacroFile(file, text)).toEqual([]);
      store.save();
      return { dir, text: readFileSync(path.join(dir, 'template_cache.json'), 'utf8') };
    });
    expect(written[0]!.text).toBe(written[1]!.text);
    const reader = engineWith(CompiledCodeCache.open(written[0]!.dir, {}), 'closures');
    for (const [file, text] of Object.entries(files)) expect(reader.addMacroFile(file, text)).toEqual([]);
    expect(render(reader, '{{ uses() }}')).toBe('[A!]');
  });

  it('reports a syntax error as without the cache, and keeps nothing for it', () => {
    const dir = targetDir();
    const broken = '{% macro m() %}\n{{ 1 + }}\n{% endmacro %}';
    const store = CompiledCodeCache.open(dir, {});
    const withStore = engineWith(store).addMacroFile('macros/bad.sql', broken);
    const without = engineWith(undefined).addMacroFile('macros/bad.sql', broken);
    expect(withStore.map((error) => error.message)).toEqual(without.map((error) => error.message));
    expect(withStore).toHaveLength(1);
    store.save();
    expect(existsSync(path.join(dir, 'template_cache.json'))).toBe(false);
  });

  it('is off with TSDBT_PARTIAL_PARSE=0', () => {
    const dir = targetDir();
    const store = CompiledCodeCache.open(dir, { TSDBT_PARTIAL_PARSE: '0' });
    engineWith(store).addMacroFile('macros/m.sql', MACROS);
    store.save();
    expect(existsSync(path.join(dir, 'template_cache.json'))).toBe(false);
  });

  it('is written by a parse and read by the next, which sees an edited macro', () => {
    const dir = tempProject({
      'project.yml': 'name: shop\nprofile: shop\n',
      'macros/m.sql': '{% macro pick() %}1{% endmacro %}',
      'models/a.sql': 'select {{ pick() }} as x',
    });
    const env = { HOME: tempHome() };
    const first = loadProject({ projectDir: dir, env });
    expect(first.engine.callMacro('pick', {}, [])).toBe('1');
    expect(Object.keys(cacheFile(path.join(dir, 'target')).code)).toHaveLength(1);
    expect(compilesDuring(() => expect(loadProject({ projectDir: dir, env }).engine.callMacro('pick', {}, [])).toBe('1'))).toBe(0);
    writeFileSync(path.join(dir, 'macros/m.sql'), '{% macro pick() %}2{% endmacro %}');
    const edited = loadProject({ projectDir: dir, env });
    expect(edited.engine.callMacro('pick', {}, [])).toBe('2');
    expect([...edited.models.values()][0]!.name).toBe('a');
  });
});
