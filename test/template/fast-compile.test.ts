import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fastTemplateSource } from '../../src/template/fast-compile.js';
import { jinjaTemplate } from '../../src/template/jinja-runtime.js';
import { REPO_ROOT } from '../support/cli.js';
import { FAST_TAGS as TAGS, fastCompileEnv, nunjucksSource as sourceIn } from '../support/nunjucks-code.js';
import { repoTemplates } from '../support/repo-templates.js';
import { seededRandom } from '../support/seeded-random.js';

const env = fastCompileEnv();

/** nunjucks' own generated code for `text`. */
function nunjucksSource(text: string): string {
  return sourceIn(env, text);
}

/** Whitespace outside string literals removed: the two generators lay out lines differently. */
function normalize(code: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < code.length; i += 1) {
    const ch = code[i]!;
    if (quote !== undefined) {
      out += ch;
      if (ch === '\\') out += code[++i] ?? '';
      else if (ch === quote) quote = undefined;
    } else if (ch === '"') {
      quote = ch;
      out += ch;
    } else if (!/\s/.test(ch)) out += ch;
  }
  // The statement separators each generator puts after a block body.
  return out.replace(/;+/g, ';').replace(/\{;/g, '{').replace(/;\}/g, '}');
}

function render(source: { type: 'code'; obj: unknown } | string, context: Record<string, unknown>): { output?: string; error?: string } {
  try {
    const template = jinjaTemplate(source, env, 'x.sql');
    return { output: template.render(context) };
  } catch (error) {
    return { error: String((error as Error).message) };
  }
}

const SUPPORTED = [
  'plain text only, with { braces } and # hashes',
  'select {{ x }} from {{ ref("a") }}',
  // Operands alone and with operators after them at every arithmetic level (fast-parse-expression.ts parses the operand first).
  '{{ a }}{{ -a }}{{ a - b + c }}{{ a * -b ** 2 // c % d / e }}{{ a ~ b - c ~ -d }}{{ f(a + 1, k=-b) | string ~ x[1 * 2] }}',
  "{{ config(materialized='table', order_by='id', tags=['a', 'b']) }}\nselect 1",
  '{%- set cols = ["a", "b", "c"] -%}\nselect\n{%- for c in cols %}\n  {{ c }}{{ "," if not loop.last }}\n{%- endfor %}\nfrom t',
  '{% for k, v in {"a": 1, "b": 2}.items() %}{{ k }}={{ v }};{% endfor %}',
  '{% for k, v in pairs %}{{ k }}:{{ v }}|{% else %}empty{% endfor %}',
  '{% for x in [] %}{{ x }}{% else %}nothing{% endfor %}',
  '{% if a %}A{% elif b %}B{% elseif c %}C{% else %}D{% endif %}',
  '{% if a and not b or c %}yes{% endif %}',
  '{{ 1 + 2 * 3 - 4 / 2 }} {{ 7 // 2 }} {{ 2 ** 10 }} {{ 7 % 3 }} {{ -x }} {{ +y }}',
  "{{ 'a' ~ 1 + 2 }} {{ not a == b }} {{ a < b <= c }} {{ a != b }} {{ a === b }} {{ a !== b }}",
  '{{ x if x else "none" }} {{ x if y }}',
  '{{ "b" in ["a", "b"] }} {{ "z" not in "xyz" }} {{ x is defined }} {{ x is not none }} {{ 6 is divisibleby(3) }}',
  '{{ name | upper }} {{ items | join(", ") }} {{ value | default("d") | string }} {{ -1 | abs }}',
  '{{ obj.attr }} {{ obj["key"] }} {{ obj.method(1, 2, k=3) }} {{ list[0] }} {{ f(1)(2) }} {{ a.b.c() }}',
  '{{ "text".upper() }} {{ "a,b".split(",") }} {{ "x".replace("x", "y") }}',
  '{% do items.append(1) %}{{ items }}',
  '{% set a, b = 1 %}{{ a }}{{ b }}',
  '{% for x in xs %}{% set x = x * 2 %}{{ x }}{% endfor %}',
  '{% for x in xs %}{% for y in ys %}{{ x }}{{ y }}{{ loop.index }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{% endfor %}{% endfor %}',
  'a  {{- x -}}  b  {%- if 1 -%}  c  {%- endif -%}  d {#- comment -#}  e',
  '{# a comment with {{ braces }} and {% tags %} #}after',
  'line1\n{{ undefined_function() }}\nline3',
  '{{ "esc\\"aped" }} {{ \'single\' }} {{ "tab\\tnew\\nline\\\\" }} {{ "\u2028" }}',
  '{{ 1.5 }} {{ 1. }} {{ 007 }} {{ true }} {{ false }} {{ none }} {{ null }} {{ True }} {{ None }}',
  '{{ (1, 2) }} {{ (a) }} {{ [1, [2, 3], {"k": [4]}] }} {{ {a: 1, "b": 2} }}',
  '{{ x|d("y") }} {{ x|replace("a", "b")|trim }}',
  '{{ adapter.dispatch("m")(a, b) }} {{ exceptions.raise_compiler_error("boom") if fail }}',
  '{{ 1e3 }} {{ a.b[c].d(e)[f] }}',
  "{{ 'x' == 'x' and 1 }}",
  '{{ x is none }} {{ x is not true }} {{ 1 is "number" }}',
];

const UNSUPPORTED = [
  '{% set x %}block{% endset %}',
  '{% raw %}{{ x }}{% endraw %}',
  '{{ xs[1:2] }}',
  '{{ r/abc/ }}',
  '{% include "x" %}',
  '{% if x %}unclosed',
  '{{ x ',
  'stray #} end',
  '{# unclosed comment',
  '{{ f(a.b=1) }}',
  '{% endif %}',
  'trailing {{',
];

describe('fastTemplateSource', () => {
  it.each(SUPPORTED)('generates the code nunjucks generates for %j', (text) => {
    const fast = fastTemplateSource(text, TAGS);
    expect(fast).toBeDefined();
    let reference: string;
    try {
      reference = nunjucksSource(text);
    } catch {
      return expect.unreachable('nunjucks compiles every supported sample');
    }
    expect(normalize(fast!)).toBe(normalize(reference));
  });

  it.each(UNSUPPORTED)('leaves %j to nunjucks', (text) => {
    expect(fastTemplateSource(text, TAGS)).toBeUndefined();
  });

  it('renders like nunjucks, errors and their line numbers included', () => {
    const context = {
      x: 'X',
      y: 2,
      a: 1,
      b: 0,
      c: 3,
      xs: [1, 2],
      ys: ['p'],
      pairs: [['k', 'v']],
      items: [1, 2],
      name: 'n',
      value: '',
      obj: { attr: 1, key: 2, method: (...args: unknown[]) => args.length },
      list: [9],
      f: (n: number) => (m: number) => n + m,
      ref: (n: string) => `db.${n}`,
      config: () => '',
      adapter: { dispatch: () => () => 'D' },
      exceptions: {
        raise_compiler_error: (m: string) => {
          throw new Error(m);
        },
      },
      fail: true,
    };
    for (const text of SUPPORTED) {
      const fast = fastTemplateSource(text, TAGS)!;
      const viaFast = render({ type: 'code', obj: new Function(fast)() }, structuredCloneSafe(context));
      const viaNunjucks = render(text, structuredCloneSafe(context));
      expect({ text, ...viaFast }).toEqual({ text, ...viaNunjucks });
    }
  });

  it("generates nunjucks' code for every template in this repository", () => {
    const files = repoTemplates(REPO_ROOT);
    let fastCount = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const fast = fastTemplateSource(text, TAGS);
      if (fast === undefined) continue;
      fastCount += 1;
      expect({ file, code: normalize(fast) }).toEqual({ file, code: normalize(nunjucksSource(text)) });
    }
    // Most files use only what the fast path covers.
    expect(fastCount).toBeGreaterThan(files.length / 2);
  });

  it("generates nunjucks' code for random expressions (seeded)", () => {
    const random = seeded(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const atoms = ['a', 'b', '1', '2.5', '"s"', "'t'", 'none', 'true', 'x.y', 'x["k"]', 'f(1, k=2)', '[1, 2]', '{"k": 1}', '(a)', 'loop.index', 'xs[0]'];
    const binary = ['+', '-', '*', '/', '//', '%', '**', '~', '==', '!=', '<', '>=', 'and', 'or', 'in', 'not in'];
    const expression = (depth: number): string => {
      const roll = random();
      if (depth === 0 || roll < 0.3) return pick(atoms);
      if (roll < 0.6) return `${expression(depth - 1)} ${pick(binary)} ${expression(depth - 1)}`;
      if (roll < 0.7) return `not ${expression(depth - 1)}`;
      if (roll < 0.75) return `-${expression(depth - 1)}`;
      if (roll < 0.8) return `${expression(depth - 1)} if ${expression(depth - 1)} else ${expression(depth - 1)}`;
      if (roll < 0.85) return `${expression(depth - 1)} | ${pick(['upper', 'default(1)', 'join(",")', 'string'])}`;
      if (roll < 0.9) return `${expression(depth - 1)} is ${pick(['defined', 'none', 'divisibleby(2)', 'not number'])}`;
      return `(${expression(depth - 1)})`;
    };
    let compiled = 0;
    let covered = 0;
    for (let i = 0; i < 1500; i += 1) {
      const text = random() < 0.5 ? `{{ ${expression(3)} }}` : `{% for v in xs %}{% if ${expression(2)} %}{{- ${expression(2)} -}}{% endif %}{% endfor %}`;
      let reference: string;
      try {
        reference = nunjucksSource(text);
      } catch {
        expect({ text, fast: fastTemplateSource(text, TAGS) }).toEqual({ text, fast: undefined });
        continue;
      }
      compiled += 1;
      const fast = fastTemplateSource(text, TAGS);
      if (fast === undefined) continue;
      covered += 1;
      expect({ text, code: normalize(fast) }).toEqual({ text, code: normalize(reference) });
    }
    // It gives up only on what it does not cover (here: `is` tests over a computed name, and the like).
    expect(covered / compiled).toBeGreaterThan(0.9);
  });
});

function structuredCloneSafe<T extends Record<string, unknown>>(value: T): T {
  // Functions cannot be cloned; arrays are copied so `do items.append()` starts from the same state.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, Array.isArray(item) ? [...item] : item])) as T;
}

const seeded = seededRandom;
