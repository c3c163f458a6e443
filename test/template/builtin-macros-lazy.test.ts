/** tsdbt's built-in macros are compiled a file at a time, when one of the file's macros is first used. */
import { describe, expect, it } from 'vitest';
import { BUILTIN_MACRO_FILE_OF, BUILTIN_MACRO_FILES, BUILTIN_MACRO_NAMES, macroNamesIn } from '../../src/template/builtin-macros/registry.js';
import type { TemplateEngine } from '../../src/template/template-engine.js';
import { templateEngine } from '../support/engine.js';

/** The built-in files an engine has compiled so far. */
function compiledFiles(engine: TemplateEngine): string[] {
  return [...(engine as unknown as { builtinFilesCompiled: Set<string> }).builtinFilesCompiled];
}

function render(engine: TemplateEngine, text: string): string {
  return engine.compile('models/m.sql', text).render({}).trim();
}

/** A built-in file's macros as nunjucks compiles them (what the engine registers from it). */
function exportedNames(engine: TemplateEngine, file: string, text: string): string[] {
  const exported = (engine as unknown as { exportedMacros(file: string, text: string): Record<string, unknown> }).exportedMacros(file, text);
  return Object.keys(exported).filter((name) => typeof exported[name] === 'function');
}

describe('built-in macros, compiled a file at a time', () => {
  it("reads from each file's text exactly the macros nunjucks compiles from it", () => {
    const { engine } = templateEngine();
    for (const { file, text } of BUILTIN_MACRO_FILES) expect(exportedNames(engine, file, text).sort()).toEqual(macroNamesIn(text).sort());
  });

  it('finds every built-in macro, whichever file is compiled first', () => {
    for (const { file, text } of BUILTIN_MACRO_FILES) {
      const name = macroNamesIn(text).at(-1)!;
      const { engine } = templateEngine();
      expect(typeof engine.builtinMacro(name), name).toBe('function');
      expect(compiledFiles(engine)).toEqual([file]);
      expect(BUILTIN_MACRO_FILE_OF.get(name)!.file).toBe(file);
    }
    const { engine } = templateEngine();
    for (const name of BUILTIN_MACRO_NAMES) expect(typeof engine.builtinMacro(name), name).toBe('function');
    expect(compiledFiles(engine).sort()).toEqual(BUILTIN_MACRO_FILES.map(({ file }) => file).sort());
  });

  it('compiles none for a dispatch the project answers (clickhouse__money is not built in)', () => {
    const { engine } = templateEngine({
      'macros/money.sql': `{% macro money(c) %}{{ return(adapter.dispatch('money')(c)) }}{% endmacro %}{% macro default__money(c) %}round({{ c }}, 2){% endmacro %}`,
    });
    expect(render(engine, "{{ money('amount') }}")).toBe('round(amount, 2)');
    expect(engine.builtinMacro('clickhouse__money')).toBeUndefined();
    expect(compiledFiles(engine)).toEqual([]);
  });

  it('compiles only the files of the macros a render uses', () => {
    const { engine } = templateEngine();
    expect(render(engine, '{{ dbt.type_string() }}')).toBe('String');
    expect(compiledFiles(engine)).toEqual(['<tsdbt>/macros/data_types.sql']);
  });
});
