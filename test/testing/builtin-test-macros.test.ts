/**
 * The built-in generic tests' macros are registered at parse time and compiled when first called
 * (TemplateEngine.addBuiltinMacro): registering them must give what compiling them at once gave.
 */
import { describe, expect, it } from 'vitest';
import { addBuiltinTestMacros, BUILTIN_MACRO_DIR, builtinTestMacroTexts } from '../../src/testing/builtin-tests.js';
import type { TemplateEngine } from '../../src/template/template-engine.js';
import { templateEngine } from '../support/engine.js';

/** A file's macros as nunjucks compiles them. */
function exportedNames(engine: TemplateEngine, file: string, text: string): string[] {
  const exported = (engine as unknown as { exportedMacros(file: string, text: string): Record<string, unknown> }).exportedMacros(file, text);
  return Object.keys(exported).filter((name) => typeof exported[name] === 'function');
}

describe('built-in test macros, compiled when first called', () => {
  it('each text compiles and defines exactly the macro it is registered as', () => {
    const { engine } = templateEngine();
    for (const [name, text] of Object.entries(builtinTestMacroTexts())) expect(exportedNames(engine, `${BUILTIN_MACRO_DIR}/${name}.sql`, text)).toEqual([name]);
  });

  it('registers the same definitions as compiling each file (file, line, macro_sql)', () => {
    const lazy = templateEngine().engine;
    addBuiltinTestMacros(lazy);
    const eager = templateEngine().engine;
    for (const [name, text] of Object.entries(builtinTestMacroTexts())) expect(eager.addMacroFile(`${BUILTIN_MACRO_DIR}/${name}.sql`, text)).toEqual([]);
    expect(lazy.macroNames().sort()).toEqual(eager.macroNames().sort());
    for (const name of eager.macroNames()) {
      const { fn: _lazyFn, ...lazyFields } = lazy.macro(name)!;
      const { fn: _eagerFn, ...eagerFields } = eager.macro(name)!;
      expect(lazyFields, name).toEqual(eagerFields);
    }
  });

  it('renders a test query as the compiled macros do, bare, as dbt.x and through dispatch', () => {
    const lazy = templateEngine();
    addBuiltinTestMacros(lazy.engine);
    const eager = templateEngine();
    for (const [name, text] of Object.entries(builtinTestMacroTexts())) eager.engine.addMacroFile(`${BUILTIN_MACRO_DIR}/${name}.sql`, text);
    const scope = { config: { get: () => false } };
    for (const call of [
      "{{ test_not_null('t', 'id') }}",
      "{{ test_unique('t', 'id') }}",
      "{{ test_accepted_values('t', 'kind', ['a', 'b']) }}",
      "{{ test_relationships('t', 'parent_id', 'p', 'id') }}",
      "{{ demo.default__test_unique('t', 'id') }}",
    ]) {
      expect(lazy.render(call, scope), call).toBe(eager.render(call, scope));
      expect(lazy.render(call, scope), call).toMatch(/select/);
    }
  });

  it("leaves a project's own test macro in place", () => {
    const { engine } = templateEngine({ 'macros/unique.sql': '{% test unique(model, column_name) %}select 1{% endtest %}' });
    addBuiltinTestMacros(engine);
    expect(engine.macro('test_unique')!.file).toBe('macros/unique.sql');
    expect(engine.macro('default__test_unique')!.file).toBe(`${BUILTIN_MACRO_DIR}/default__test_unique.sql`);
  });
});
