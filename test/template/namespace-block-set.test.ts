/** `{% set ns.attr %}…{% endset %}`, a block assigned to a namespace attribute (dbt-utils' integration tests use it). */
import { describe, expect, it } from 'vitest';
import { templateEngine } from '../support/engine.js';

const render = (text: string) => templateEngine().render(text);

describe('block set of a namespace attribute', () => {
  it('captures the block into the attribute, as Jinja2 does', () => {
    expect(render('{% set ns = namespace(msg="") %}{% set ns.msg %}a {{ 1 + 1 }} b{% endset %}[{{ ns.msg }}]')).toBe('[a 2 b]');
  });

  it('inside a loop and an if, keeping whitespace control', () => {
    const text = [
      '{% set ns = namespace(pass=True, err="") %}',
      '{% for i in [1, 2] %}{% if i == 2 %}{% set ns.pass = False %}{% set ns.err -%}',
      '  bad {{ i }}',
      '{%- endset %}{% endif %}{% endfor %}',
      '{{ ns.pass }}|{{ ns.err }}|',
    ].join('\n');
    expect(render(text).trim()).toBe('False|bad 2|');
  });
});
