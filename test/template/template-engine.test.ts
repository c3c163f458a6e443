import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/core/errors.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { baseGlobals } from '../../src/template/base-globals.js';
import { TEMPLATE_BACKENDS, TemplateEngine, type Scope, type TemplateBackend } from '../../src/template/template-engine.js';
import { catchError } from '../graph/select/catch-error.js';

/** An engine with dbt's globals (as loadProject builds it), the given macro files, on one template back end. */
function engineWith(macros: Record<string, string> = {}, options: { vars?: Record<string, unknown>; env?: NodeJS.ProcessEnv; backend?: TemplateBackend } = {}) {
  const logger = new MemoryLogger();
  let engine: TemplateEngine | undefined;
  engine = new TemplateEngine(
    baseGlobals({
      projectName: 'demo',
      vars: options.vars ?? {},
      env: options.env ?? {},
      logger,
      invocationId: 'inv-1',
      macro: (name) => engine?.macro(name)?.fn,
      doc: () => undefined,
    }),
    { backend: options.backend },
  );
  for (const [file, text] of Object.entries(macros)) expect(engine.addMacroFile(file, text)).toEqual([]);
  const render = (text: string, scope: Scope = {}) => engine!.compile('models/m.sql', text).render(scope);
  return { engine, logger, render };
}

/** Every test below runs on each back end: the fast path's closures, its generated code, and nunjucks alone. */
describe.each(TEMPLATE_BACKENDS)('%s back end', (backend) => {
  const engineOn = (macros?: Record<string, string>, options: { vars?: Record<string, unknown>; env?: NodeJS.ProcessEnv } = {}) =>
    engineWith(macros, { ...options, backend });

  it('compiles what it handles itself, and leaves the rest to nunjucks', () => {
    const { engine } = engineOn();
    expect(engine.compile('models/a.sql', "select {{ 1 + 1 }} from {{ ref('x') }}").backend).toBe(backend);
    // Macros are generated code (closures do not make them); a block set is nunjucks' alone.
    expect(engine.compile('models/b.sql', '{% macro m() %}x{% endmacro %}{{ m() }}').backend).toBe(backend === 'nunjucks' ? 'nunjucks' : 'code');
    expect(engine.compile('models/c.sql', '{% set x %}y{% endset %}{{ x }}').backend).toBe('nunjucks');
  });

  it("has Jinja2's runtime behaviours (printing, slices, dict loops, varargs, return) on tsdbt's scoped runtime", () => {
    const { engine, render } = engineOn({
      'macros/m.sql': '{% macro twice(x) %}{{ return(x * 2) }}{% endmacro %}{% macro m(a) %}{{ a }}|{{ varargs }}|{{ kwargs }}|{{ twice(a) }}{% endmacro %}',
    });
    const text = "{{ None }} {{ [True, 'a', 1] }} {% for k in {'x': 1, 'y': 2} %}{{ k }}{% endfor %} {{ m(1, 2, z=3) }}";
    expect(engine.compile('models/m.sql', text).backend).toBe(backend);
    expect(render(text)).toBe("None [True, 'a', 1] xy 1|[2]|{'z': 3}|2");
    // Slices are left to nunjucks on every back end.
    expect(render("{{ 'abc'[1:] }}")).toBe('bc');
  });

  describe('Jinja statements and expressions', () => {
    const { render } = engineOn();

    it.each([
      { name: 'set', text: "{% set cols = ['a', 'b'] %}{{ cols | join(', ') }}", out: 'a, b' },
      { name: 'block set', text: '{% set body %}select {{ 1 + 1 }}{% endset %}[{{ body | trim }}]', out: '[select 2]' },
      { name: 'for with loop.last', text: "{% for c in ['a', 'b', 'c'] %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}", out: 'a, b, c' },
      { name: 'loop.index and loop.first', text: "{% for c in ['x', 'y'] %}{{ loop.index }}{{ 'F' if loop.first }}{% endfor %}", out: '1F2' },
      { name: 'for over dict items', text: "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}", out: 'a=1;b=2;' },
      { name: 'for else', text: '{% for x in [] %}{{ x }}{% else %}empty{% endfor %}', out: 'empty' },
      { name: 'if elif else', text: '{% set n = 2 %}{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %}', out: 'two' },
      { name: 'inline if', text: "{{ 'yes' if 3 > 2 else 'no' }}", out: 'yes' },
      { name: 'comments', text: 'a{# a comment with {{ ref("x") }} inside #}b', out: 'ab' },
      {
        name: 'whitespace control',
        text: 'select\n    {%- for c in ["a", "b"] %}\n    {{ c }}{{ "," if not loop.last }}\n    {%- endfor %}\nfrom t',
        out: 'select\n    a,\n    b\nfrom t',
      },
      { name: 'do append', text: '{% set xs = [] %}{% do xs.append(1) %}{% do xs.append(2) %}{{ xs | length }}:{{ xs | join("-") }}', out: '2:1-2' },
      { name: 'do dict update', text: "{% set d = {'a': 1} %}{% do d.update({'b': 2}) %}{{ d | tojson }}", out: '{"a": 1, "b": 2}' },
      {
        name: 'string methods',
        text: "{{ ' Ab '.strip().upper() }} {{ 'a,b'.split(',') | length }} {{ 'abc'.replace('b', 'X') }} {{ 'abc'.startswith('ab') }} {{ '-'.join(['x', 'y']) }} {{ '{}_{}'.format('a', 1) }} {{ 'A'.lower() }}",
        out: 'AB 2 aXc True x-y a_1 a',
      },
      {
        name: 'dict methods',
        text: "{% set d = {'a': 1, 'b': 2} %}{{ d.keys() | list | join(',') }} {{ d.values() | sum }} {{ d.get('c', 'none') }} {{ d.get('a') }} {{ 'a' in d }}",
        out: 'a,b 3 none 1 True',
      },
      {
        name: 'list methods',
        text: "{% set xs = [3, 1] %}{% do xs.extend([2]) %}{{ xs | sort | join(',') }} {{ xs.pop() }} {{ xs | length }}",
        out: '1,2,3 2 2',
      },
      {
        name: 'filters',
        text: "{{ undefined_name | default('d') }} {{ 'x' | upper }} {{ [1, 2] | length }} {{ ['b', 'a'] | sort | first }} {{ '%05d' | format(42) }}",
        out: 'd X 2 a 00042',
      },
      {
        name: 'is tests',
        text: '{{ none is none }} {{ 1 is number }} {{ "s" is string }} {{ [1] is iterable }} {{ x is defined }}',
        out: 'True True True True False',
      },
      { name: 'Python booleans and None', text: '{{ True and not False }} {{ None is none }}', out: 'True True' },
      {
        name: 'namespace-free counters via dict',
        text: "{% set state = {'n': 0} %}{% for i in range(3) %}{% do state.update({'n': state.n + i}) %}{% endfor %}{{ state.n }}",
        out: '3',
      },
    ])('$name', ({ text, out }) => {
      expect(render(text)).toBe(out);
    });

    it('keeps SQL as written (no HTML autoescape)', () => {
      expect(render(`select '<a & b>' as "x" {{ "'q'" }}`)).toBe(`select '<a & b>' as "x" 'q'`);
    });
  });

  describe('macros', () => {
    it('are global: a macro calls a macro of another file, with defaults and keyword arguments', () => {
      const { render } = engineOn({
        'macros/cols.sql':
          "{% macro cols(names, prefix='') -%}{% for n in names %}{{ quote_name(prefix ~ n) }}{{ ', ' if not loop.last }}{% endfor %}{%- endmacro %}",
        'macros/quote.sql': '{% macro quote_name(n) %}`{{ n }}`{% endmacro %}',
      });
      expect(render("select {{ cols(['a', 'b']) }}, {{ cols(['c'], prefix='p_') }}")).toBe('select `a`, `b`, `p_c`');
    });

    it('return a value with {{ return() }}: lists, dicts, strings', () => {
      const { render } = engineOn({
        'macros/values.sql': [
          "{% macro list_of() %}{% set xs = [] %}{% do xs.append('a') %}{% do xs.append('b') %}{{ return(xs) }}{% endmacro %}",
          "{% macro dict_of() %}{{ return({'k': 'v'}) }}{% endmacro %}",
          "{% macro early(x) %}{% if x %}{{ return('early') }}{% endif %}late{% endmacro %}",
        ].join('\n'),
      });
      expect(render('{% set xs = list_of() %}{{ xs | length }} {{ xs[1] }} {{ dict_of().k }} {{ early(true) }} {{ early(false) }}')).toBe('2 b v early late');
    });

    it('see the scope of the model that calls them (this, ref)', () => {
      const { render } = engineOn({ 'macros/m.sql': "{% macro self_name() %}{{ this }}/{{ ref('x') }}{% endmacro %}" });
      expect(render('{{ self_name() }}', { this: 'THIS', ref: (name: string) => `REF_${name}` })).toBe('THIS/REF_x');
    });

    it('dbt test blocks become test_<name> macros', () => {
      const { render } = engineOn({
        'macros/t.sql': '{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}',
      });
      expect(render("{{ test_positive('t', 'c') }}")).toBe('select * from t where c < 0');
    });

    it('a macro defined in two files is an error naming both', () => {
      const { engine } = engineOn({ 'macros/a.sql': '{% macro twice() %}a{% endmacro %}' });
      const [error, ...rest] = engine.addMacroFile('macros/b.sql', '\n\n{% macro twice() %}b{% endmacro %}');
      expect(rest).toEqual([]);
      expect({ code: error!.code, message: error!.message, location: error!.location }).toEqual({
        code: ErrorCodes.DUPLICATE_NODE,
        message: "Macro 'twice' is defined twice: in macros/a.sql and in macros/b.sql.",
        location: 'macros/b.sql:3',
      });
    });

    it('a macro file with a syntax error is reported with its line, and the other files still load', () => {
      const { engine, render } = engineOn({ 'macros/good.sql': '{% macro good() %}ok{% endmacro %}' });
      const [error] = engine.addMacroFile('macros/bad.sql', '{% macro bad() %}\n{% if %}\n{% endmacro %}');
      expect(error!.code).toBe(ErrorCodes.TEMPLATE_SYNTAX);
      expect(error!.file).toBe('macros/bad.sql');
      expect(error!.line).toBe(2);
      expect(render('{{ good() }}')).toBe('ok');
    });
  });

  describe('dbt globals', () => {
    it('var: project vars, --vars winning, project-scoped vars, defaults, and a clear error when missing', () => {
      const { render } = engineOn({}, { vars: { a: 1, b: 'from cli', demo: { scoped: 's' } } });
      expect(render("{{ var('a') }} {{ var('b') }} {{ var('scoped') }} {{ var('missing', 'dflt') }} {{ var('a', 5) }}")).toBe('1 from cli s dflt 1');
      const error = catchError(() => render("select\n{{ var('nope') }}"));
      expect({ code: error.code, message: error.message, location: error.location, hint: error.hint }).toEqual({
        code: ErrorCodes.TEMPLATE_RENDER,
        message: "Required variable 'nope' has no value.",
        location: 'models/m.sql:2',
        hint: "Set it under `vars:` in the project file, pass --vars '{nope: …}', or give a default: var('nope', 'default').",
      });
    });

    it('env_var: the value, a default, and TSDBT1006 when missing', () => {
      const { render } = engineOn({}, { env: { SET_ONE: 'here' } });
      expect(render("{{ env_var('SET_ONE') }} {{ env_var('UNSET_ONE', 'fallback') }} {{ env_var('SET_ONE', 'ignored') }}")).toBe('here fallback here');
      const error = catchError(() => render("\n\n{{ env_var('UNSET_ONE') }}"));
      expect(error.code).toBe(ErrorCodes.ENV_VAR_MISSING);
      expect(error.location).toBe('models/m.sql:3');
    });

    it('log writes to the logger (info=True at info level) and renders nothing', () => {
      const { render, logger } = engineOn();
      expect(render("a{{ log('quiet one') }}b{{ log('loud one', info=True) }}c")).toBe('abc');
      expect(logger.events.map(({ level, message }) => ({ level, message }))).toEqual([
        { level: 'debug', message: 'quiet one' },
        { level: 'info', message: 'loud one' },
      ]);
    });

    it('exceptions.raise_compiler_error fails the render with TSDBT2007 at the calling line', () => {
      const { render } = engineOn({
        'macros/check.sql':
          "{% macro must_be_positive(n) %}{% if n <= 0 %}{{ exceptions.raise_compiler_error('n must be positive, got ' ~ n) }}{% endif %}{{ n }}{% endmacro %}",
      });
      expect(render('{{ must_be_positive(2) }}')).toBe('2');
      const error = catchError(() => render('select\n  {{ must_be_positive(-1) }}'));
      expect({ code: error.code, message: error.message, file: error.file }).toEqual({
        code: ErrorCodes.COMPILER_ERROR_RAISED,
        message: 'n must be positive, got -1',
        file: 'models/m.sql',
      });
    });

    it('adapter.dispatch prefers clickhouse__, then default__, never the plain name (as dbt)', () => {
      const { render } = engineOn({
        'macros/dispatch.sql': [
          '{% macro default__greet(x) %}default {{ x }}{% endmacro %}',
          '{% macro clickhouse__greet(x) %}clickhouse {{ x }}{% endmacro %}',
          '{% macro default__only_default() %}only default{% endmacro %}',
          "{% macro greet(x) %}{{ return(adapter.dispatch('greet', 'demo')(x)) }}{% endmacro %}",
        ].join('\n'),
      });
      expect(render("{{ greet('a') }} | {{ adapter.dispatch('only_default')() }}")).toBe('clickhouse a | only default');
      const error = catchError(() => render("{{ adapter.dispatch('nothing_here')() }}"));
      expect(error.message).toBe("adapter.dispatch('nothing_here') found no macro: searched for clickhouse__nothing_here, default__nothing_here.");
      expect(error.code).toBe(ErrorCodes.DISPATCH_FAILED);
    });

    it('adapter.quote and other helpers', () => {
      const { render } = engineOn();
      expect(
        render(
          "{{ adapter.quote('my col') }} {{ string_literal(\"it's\") }} {{ local_md5('a') }} {{ invocation_id }} {{ tojson({'a': [1]}) }} {{ fromjson('[1,2]') | length }}",
        ),
      ).toBe("`my col` 'it\\'s' 0cc175b9c0f1b6a831c399e269772661 inv-1 {\"a\": [1]} 2");
    });
  });

  describe('template errors', () => {
    const { render } = engineOn();

    it.each([
      { name: 'an unclosed if (reported at the end of the file)', text: 'select 1\n{% if true %}\nfrom t\n', code: ErrorCodes.TEMPLATE_SYNTAX, line: 3 },
      { name: 'a broken expression', text: 'select\n  {{ 1 + }}', code: ErrorCodes.TEMPLATE_SYNTAX, line: 2 },
      { name: 'an unknown tag', text: 'a\n\n{% frobnicate %}', code: ErrorCodes.TEMPLATE_SYNTAX, line: 3 },
      { name: 'an unknown macro', text: 'a\n\n{{ nomacro(1) }}', code: ErrorCodes.TEMPLATE_RENDER, line: 3 },
    ])('$name: code and line', ({ text, code, line }) => {
      const error = catchError(() => render(text));
      expect(error.code).toBe(code);
      expect(error.location).toBe(`models/m.sql:${line}`);
      expect(error.message).toMatch(new RegExp(`^Jinja (syntax )?error in models/m\\.sql at line ${line}: `));
      expect(error.hint).toBeDefined();
    });

    it('says which block is never closed', () => {
      expect(catchError(() => render('{% for x in [1] %}\n{{ x }}')).message).toBe(
        'Jinja syntax error in models/m.sql at line 2: the file ends inside a block that is never closed (a {% for %}, {% macro %}… without its end tag).',
      );
      expect(catchError(() => render('{% if x %}\n{{ x }}')).message).toBe(
        'Jinja syntax error in models/m.sql at line 2: a {% if %} block is never closed (expected elif, else, or endif before the end of the file).',
      );
    });

    it('names an unknown function plainly', () => {
      expect(catchError(() => render('{{ nomacro(1) }}')).message).toBe(
        "Jinja error in models/m.sql at line 1: 'nomacro' is not defined (no macro or function has that name).",
      );
    });
  });
});

describe("a macro's line and text in its file", () => {
  it('are found when read: each macro of a file, a test block, a package macro, and a built-in test', () => {
    const { engine } = engineWith({
      'macros/two.sql': '{# two #}\n{% macro first(x) %}\n{{ x }}\n{% endmacro %}\n\n{%- macro second() -%}2{%- endmacro %}\n',
      'macros/t.sql': '\n{% test positive(model, column_name) %}select 1{% endtest %}\n',
    });
    expect(engine.addMacroFile('dbt_packages/pkg/macros/p.sql', '{% macro pm() %}p{% endmacro %}', 'pkg')).toEqual([]);
    expect(engine.macro('first')).toMatchObject({
      name: 'first',
      file: 'macros/two.sql',
      line: 2,
      sql: '{% macro first(x) %}\n{{ x }}\n{% endmacro %}',
      packageName: undefined,
    });
    expect(engine.macro('second')).toMatchObject({ line: 6, sql: '{%- macro second() -%}2{%- endmacro %}' });
    expect(engine.macro('test_positive')).toMatchObject({ line: 2, sql: '{% test positive(model, column_name) %}select 1{% endtest %}' });
    expect(engine.macro('pm', 'pkg')).toMatchObject({ line: 1, sql: '{% macro pm() %}p{% endmacro %}', packageName: 'pkg' });
    // Read twice, the same values (found once).
    const first = engine.macro('first')!;
    expect([first.line, first.sql]).toEqual([first.line, first.sql]);
    // Copies (the manifest's) carry the values, not the getters' absence.
    expect({ ...engine.macro('second')! }).toMatchObject({ name: 'second', line: 6, sql: '{%- macro second() -%}2{%- endmacro %}' });
    expect(Object.keys(engine.macro('first')!)).toEqual(['name', 'file', 'line', 'fn', 'sql', 'packageName']);
  });
});
