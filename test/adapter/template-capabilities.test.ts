/** `adapter.supports(…)` in templates answers for the connected server once bound, and for a current one before. */
import { describe, expect, it } from 'vitest';
import { capabilitiesForVersion } from '../../src/adapter/capabilities.js';
import { adapterGlobal, bindAdapterCapabilities } from '../../src/template/base-globals.js';
import { TemplateEngine } from '../../src/template/template-engine.js';

const MACROS = `{% macro json_string(json, key) -%}
{%- if adapter.supports('json_extract') -%}JSONExtractString({{ json }}, '{{ key }}'){%- else -%}visitParamExtractString({{ json }}, '{{ key }}'){%- endif -%}
{%- endmacro %}
{% macro default__json_field(json, key) %}{{ json_string(json, key) }}{% endmacro %}`;

describe('adapter.supports in templates', () => {
  it('assumes a current server until bound, then answers for the connected one', () => {
    const engine: TemplateEngine = new TemplateEngine({ adapter: adapterGlobal((name) => engine.macro(name)?.fn) });
    expect(engine.addMacroFile('macros/json.sql', MACROS)).toEqual([]);
    const template = engine.compile('models/m.sql', "select {{ json_string('p', 'name') }}");
    expect(template.render({})).toBe("select JSONExtractString(p, 'name')");
    bindAdapterCapabilities(engine, capabilitiesForVersion('18.16.1'));
    expect(template.render({})).toBe("select visitParamExtractString(p, 'name')");
    // adapter.dispatch still finds macros after binding.
    expect(engine.compile('models/d.sql', "{{ adapter.dispatch('json_field')('p', 'craft') }}").render({})).toBe("visitParamExtractString(p, 'craft')");
  });

  it('names the known features when asked about an unknown one', () => {
    const engine = new TemplateEngine({ adapter: adapterGlobal(() => undefined) });
    expect(() => engine.compile('models/m.sql', "{{ adapter.supports('json') }}").render({})).toThrow(/adapter\.supports\('json'\): unknown feature[\s\S]*/);
  });
});
