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
