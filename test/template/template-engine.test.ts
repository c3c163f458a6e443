import { test, expect } from 'vitest';
import { TemplateEngine } from '../../src/template/template-engine.js';
test('engine', () => {
  const e = new TemplateEngine({ var: (n: string) => 'v_' + n });
  expect(e.addMacroFile('macros/a.sql', `{% macro hello(x, y=2) %}hi {{ x }} {{ y }} {{ this }}{% endmacro %}
{% macro ret() %}{% set l = [] %}{% do l.append(1) %}{% do l.append(2) %}{{ return(l) }}{% endmacro %}
{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}`)).toEqual([]);
  const t = e.compile('models/m.sql', `{#- c -#}
{%- set xs = ret() -%}
{{ hello('a') }} {{ xs | length }} {{ var('k') }} {% if none is none %}N{% endif %} {{ {'a':1}.items() | length }} {{ 'abc'.upper() }}
{{ test_positive('t', 'c') }} {% for k, v in {'a': 1}.items() %}{{k}}={{v}}{% endfor %} {{ ref('x') }}`);
  expect(t.render({ this: 'THIS', ref: (n: string) => 'REF_' + n })).toBe(`hi a 2 THIS 2 v_k N 1 ABC
select * from t where c < 0 a=1 REF_x`);
  expect(() => e.compile('models/bad.sql', 'select {{ 1 + }}').render({})).toThrow(/line 1/);
  expect(() => e.compile("models/bad2.sql", "a\n{% if x %}\nselect").render({})).toThrow(/parseIf/);
  expect(() => e.compile("models/bad3.sql", "a\n\n{{ nomacro(1) }}").render({})).toThrow(/bad3.sql at line 3: .nomacro. is not defined/);
});
