/** Regressions in how macros run: return(), scopes, varargs/kwargs, dict loops. */
import { describe, expect, it } from 'vitest';
import { queryTable, statementFunctions } from '../../src/compile/query-results.js';
import { renderWithQueries } from '../../src/compile/replay-render.js';
import { templateEngine } from '../support/engine.js';

describe('macros', () => {
  it('keeps its scope when a macro of the same file leaves through return() inside a call block', () => {
    // Before: the file's shared frame stayed on the returning macro's scope, and the caller block's
    // `frame.pop()` ran past the top: "Cannot read properties of undefined (reading 'lookup')".
    const { render } = templateEngine({
      'macros/m.sql': `
{% macro inner(x) %}{{ return(x ~ '!') }}{% endmacro %}
{% macro block() %}[{{ caller() }}]{% endmacro %}
{% macro outer(a) %}{% call block() %}{{ inner(a) }}{% endcall %}{% set after = inner('b') %}{{ after }}{% endmacro %}`,
    });
    expect(render("{{ outer('a') }}|{{ outer('c') }}")).toBe('[a!]b!|[c!]b!');
    // The returning macro's arguments must not replace the caller's: `a` is still outer's.
    const { render: again } = templateEngine({
      'macros/m.sql': "{% macro inner(a) %}{{ return(a ~ '!') }}{% endmacro %}{% macro outer(a) %}{{ inner('x') }}{{ a }}{% endmacro %}",
    });
    expect(again("{{ outer('a') }}")).toBe('x!a');
  });

  it('keeps its scope when a render stops at a query inside a call block and is replayed', async () => {
    // dbt.get_intervals_between's shape: a statement block whose SQL calls a returning macro of the same file.
    const { engine } = templateEngine({
      'macros/m.sql': `
{% macro helper(x) %}{{ return(x) }}{% endmacro %}
{% macro count_of(expression) %}{% call statement('q', fetch_result=True) %}select {{ helper(expression) }}{% endcall %}{{ return(load_result('q')['data'][0][0]) }}{% endmacro %}`,
    });
    const template = engine.compile('models/m.sql', "{{ count_of('1') }} {{ count_of('2') }}");
    const out = await renderWithQueries(
      (runQuery) => template.render({ execute: true, ...statementFunctions(runQuery) }),
      async (sql) => queryTable([{ n: sql.trim() }]),
    );
    expect(out).toBe('select 1 select 2');
  });

  it('gives return() values to callers in the same file', () => {
    const { render } = templateEngine({
      'macros/m.sql': '{% macro twice(x) %}{{ return(x * 2) }}{% endmacro %}{% macro plus_one(x) %}{{ return(twice(x) + 1) }}{% endmacro %}',
    });
    expect(render('{{ plus_one(2) }}')).toBe('5');
  });

  it('passes extra arguments as varargs and kwargs', () => {
    const { render } = templateEngine({ 'macros/m.sql': '{% macro m(a) %}{{ a }}|{{ varargs }}|{{ kwargs }}{% endmacro %}' });
    expect(render("{{ m(1, 2, 3, x='y') }}")).toBe("1|[2, 3]|{'x': 'y'}");
  });

  it('returns text that compares and tests as a string', () => {
    const { render } = templateEngine({ 'macros/m.sql': '{% macro m() %}x{% endmacro %}' });
    expect(render('{{ m() == m() }} {{ m() is string }} {{ m() ~ m() }}')).toBe('True True xx');
  });

  it('iterates the keys of a dict, and still its entries with two loop variables', () => {
    const { render } = templateEngine();
    expect(
      render(
        "{% set d = {'a': 1, 'b': 2} %}{% for k in d %}{{ k }}{{ loop.length }}{% endfor %}|{% for k, v in d %}{{ k }}={{ v }}{% endfor %}|{% for k in {} %}x{% else %}empty{% endfor %}",
      ),
    ).toBe('a2b2|a=1b=2|empty');
  });
});

describe('macro files written for dbt (shapes from dbt-utils)', () => {
  it('registers macros whose names start with an underscore, as dbt does (nunjucks exports none of them)', () => {
    const { render, engine } = templateEngine(
      {},
      {},
      {
        packages: {
          utils: {
            'macros/_is_relation.sql':
              "{% macro _is_relation(obj) %}{{ return(obj is mapping and obj.get('metadata', {}).get('type', '').endswith('Relation')) }}{% endmacro %}",
          },
        },
      },
    );
    expect(engine.packageMacro('utils', '_is_relation')).toBeDefined();
    expect(render("{{ utils._is_relation(api.Relation.create(schema='a', identifier='b')) }} {{ utils._is_relation('x') }}")).toBe('True False');
  });

  it('passes *varargs and **kwargs on through dispatch', () => {
    const { render } = templateEngine({
      'macros/k.sql': [
        "{%- macro surrogate(field_list) -%}{{ return(adapter.dispatch('surrogate', 'demo')(field_list, *varargs, **kwargs)) }}{%- endmacro -%}",
        "{%- macro default__surrogate(field_list) -%}{{ ([field_list] + varargs) | join('|') }}/{{ kwargs.get('sep', '-') }}{%- endmacro -%}",
      ].join('\n'),
    });
    expect(render("{{ surrogate('a', 'b', 'c', sep=';') }} {{ surrogate('a') }}")).toBe('a|b|c/; a/-');
  });

  it('reads a multi-line string with a backslash line continuation and a method call on it', () => {
    const { render } = templateEngine({
      'macros/w.sql':
        "{%- macro warning(name) -%}\n{%- set message = '\nWarning: the macro \\\nnow takes a list. The {} model. \\\n'.format(name) -%}\n[{{ message }}]{%- endmacro -%}",
    });
    expect(render("{{ warning('m') }}")).toBe('[\nWarning: the macro now takes a list. The m model. ]');
  });

  it('evaluates computed dict keys', () => {
    const { render } = templateEngine({
      'macros/r.sql':
        '{%- macro lower_keys(rename) -%}{%- set out = {} -%}{%- for key, val in rename.items() -%}{%- do out.update({key.lower(): val}) -%}{%- endfor -%}{{ return(out) }}{%- endmacro -%}',
    });
    expect(render("{{ lower_keys({'A': 1, 'bB': 2}) }}")).toBe("{'a': 1, 'bb': 2}");
  });
});
