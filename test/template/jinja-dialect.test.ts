import { describe, expect, it } from 'vitest';
import { toNunjucksDialect } from '../../src/template/jinja-dialect.js';
import { templateEngine } from '../support/engine.js';

describe('Jinja2 syntax rewritten for nunjucks', () => {
  it.each([
    ['trailing comma in a call', '{{ config(a=1, ) }}', '{{ config(a=1  ) }}'],
    ['trailing comma in a list and a dict', "{{ [1, 2,] }}{{ {'a': 1,} }}", "{{ [1, 2 ] }}{{ {'a': 1 } }}"],
    ['tuples become lists', "{% set f = [('id', 'Int32'), ('n', 'String')] %}", "{% set f = [['id', 'Int32'], ['n', 'String']] %}"],
    ['a one-element tuple', '{{ (1,) }}', '{{ [1 ] }}'],
    ['an empty tuple', '{{ () }}', '{{ [] }}'],
    [
      'groups and calls stay',
      '{{ f(1, 2) }}{{ (a or b) }}{{ x.y(1)(2, 3) }}{{ 1 in (1, 2) }}',
      '{{ f(1, 2) }}{{ (a or b) }}{{ x.y(1)(2, 3) }}{{ 1 in [1, 2] }}',
    ],
    ['for with a parenthesised target', '{% for (k, v) in d.items() %}', '{% for  k, v  in d.items() %}'],
    ['namespace assignment', '{%- set ns.total = ns.total + 1 -%}', "{%- do ns.update({'total': ( ns.total + 1)}) -%}"],
    [
      'strings, comments and raw blocks are left alone',
      "{{ '(1, )' }}{# (a, ) #}{% raw %}{{ (1, ) }}{% endraw %}",
      "{{ '(1, )' }}{# (a, ) #}{% raw %}{{ (1, ) }}{% endraw %}",
    ],
    ['lines are kept', '{{ f(\n  a,\n  b,\n) }}', '{{ f(\n  a,\n  b \n) }}'],
  ])('%s', (_name, jinja, nunjucks) => {
    expect(toNunjucksDialect(jinja)).toBe(nunjucks);
  });

  it('renders what Jinja2 renders for them', () => {
    const { render } = templateEngine({
      'macros/m.sql': '{% macro cols(fields, ) %}{% for name, type in fields %}{{ name }} {{ type }}{{ ", " if not loop.last }}{% endfor %}{% endmacro %}',
    });
    expect(render("{{ cols([('id', 'Int32'), ('n', 'String'), ], ) }}")).toBe('id Int32, n String');
    expect(render("{% for x in [1, 2, 3] if x != 2 %}{{ x }}{{ ',' if not loop.last }}{% endfor %}")).toBe('1,3');
    expect(render('{% set ns = namespace(n=0) %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}')).toBe('6');
  });

  it('rewrites a text the same whatever it rewrote before: the list of a filtered loop is numbered within its template', () => {
    const text = '{% for x in xs if x %}{% for y in x if y %}{{ y }}{% endfor %}{% endfor %}';
    const first = toNunjucksDialect(text);
    toNunjucksDialect('{% for z in zs if z %}{% endfor %}');
    expect(toNunjucksDialect(text)).toBe(first);
    expect(first.match(/__tsdbt_loop_items_\d+/g)).toEqual([
      '__tsdbt_loop_items_1',
      '__tsdbt_loop_items_1',
      '__tsdbt_loop_items_1',
      '__tsdbt_loop_items_2',
      '__tsdbt_loop_items_2',
      '__tsdbt_loop_items_2',
    ]);
  });
});
