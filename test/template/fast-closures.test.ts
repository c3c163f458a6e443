/**
 * The closure backend renders exactly what the generated code renders (which fast-compile.test.ts
 * shows is nunjucks' own code): same text, or the same error with the same line, for hand-picked
 * templates, every template in the repository, and thousands of random ones over random values.
 */
import { readFileSync } from 'node:fs';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { fastTemplateRoot } from '../../src/template/fast-closures.js';
import { fastTemplateSource } from '../../src/template/fast-compile.js';
import { jinjaTemplate } from '../../src/template/jinja-runtime.js';
import { addJinjaBuiltins, DoExtension } from '../../src/template/nunjucks-extensions.js';
import { REPO_ROOT } from '../support/cli.js';
import { repoTemplates } from '../support/repo-templates.js';
import { seededRandom } from '../support/seeded-random.js';

const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false });
env.addExtension('DoExtension', new DoExtension());
addJinjaBuiltins(env);
const TAGS = new Map([['do', 'DoExtension']]);

type Outcome = { output: string } | { error: string };

function render(props: unknown, context: Record<string, unknown>): Outcome {
  try {
    return { output: jinjaTemplate({ type: 'code', obj: props }, env, 'x.sql').render(context) };
  } catch (error) {
    return { error: String((error as Error).message) };
  }
}

/** Both backends on `text` with a fresh copy of `context` each; undefined when the closures give up. */
function both(text: string, context: () => Record<string, unknown>): { closures: Outcome; code: Outcome } | undefined {
  const root = fastTemplateRoot(text, TAGS);
  if (root === undefined) return undefined;
  const source = fastTemplateSource(text, TAGS);
  if (source === undefined) throw new Error(`the closures took a template the code generator did not: ${text}`);
  let props: unknown;
  try {
    props = new Function(source)();
  } catch (error) {
    return { closures: render(root, context()), code: { error: `does not compile: ${(error as Error).message}` } };
  }
  return { closures: render(root, context()), code: render(props, context()) };
}

const SAMPLES = [
  'plain text, { braces } and # hashes',
  "{{ config(materialized='table', tags=['a']) }}select {{ x }} from {{ ref('a') }}",
  '{%- set cols = ["a", "b", "c"] -%}\nselect\n{%- for c in cols %}\n  {{ c }}{{ "," if not loop.last }}\n{%- endfor %}\nfrom t',
  '{% for k, v in {"a": 1, "b": 2}.items() %}{{ k }}={{ v }};{% endfor %}',
  '{% for k, v in pairs %}{{ k }}:{{ v }}|{% else %}empty{% endfor %}',
  '{% for k, v in obj %}{{ k }}={{ v }} {{ loop.index }}/{{ loop.length }};{% endfor %}',
  '{% for x in [] %}{{ x }}{% else %}nothing{% endfor %}',
  '{% for o in [[1], [], none, [2]] %}[{% for i in o %}{{ i }}{% else %}else:{{ i }}{% endfor %}]{% endfor %}',
  '{% if a %}A{% elif b %}B{% else %}D{% endif %}',
  '{{ 1 + 2 * 3 - 4 / 2 }} {{ 7 // 2 }} {{ 2 ** 10 }} {{ 7 % 3 }} {{ -x }} {{ +y }} {{ -x // 2 }}',
  "{{ 'a' ~ 1 + 2 }} {{ not a == b }} {{ a < b <= c }} {{ not x is defined }} {{ x is defined and y }}",
  '{{ x if x else "none" }} {{ x if y }}',
  '{{ "b" in ["a", "b"] }} {{ "z" not in "xyz" }} {{ x is none }} {{ 6 is divisibleby(3) }}',
  '{{ name | upper }} {{ items | join(", ") }} {{ value | default("d") | string }} {{ -1 | abs }}',
  '{{ obj.attr }} {{ obj["key"] }} {{ obj.method(1, 2, k=3) }} {{ list[0] }} {{ f(1)(2) }}',
  '{% do items.append(1) %}{{ items }} {% set a, b = 1 %}{{ a }}{{ b }} {% set _hidden = 2 %}{{ _hidden }}',
  '{% for x in xs %}{% set x = x * 2 %}{{ x }}{% endfor %}{{ x }}',
  'a  {{- x -}}  b  {%- if 1 -%}  c  {%- endif -%}  d {#- comment -#}  e',
  'line1\n{{ undefined_function() }}\nline3',
  'one\ntwo {{ obj.nope.deeper() }}',
  '{{ (1, 2) }} {{ [1, [2, 3], {"k": [4]}] }} {{ {a: 1, "b": 2} }} {{ 1.5 }} {{ 007 }} {{ True }} {{ None }}',
  '{{ exceptions.raise_compiler_error("boom") }}',
  '{% for i in items %}{% do items.append(i) if items | length < 5 %}{{ i }}{% endfor %}',
];

function context(): Record<string, unknown> {
  return {
    x: 'X',
    y: 2,
    a: 1,
    b: 0,
    c: 3,
    xs: [1, 2],
    pairs: [['k', 'v']],
    obj: { attr: 1, key: 2, method: (...args: unknown[]) => args.length },
    items: [1, 2],
    name: 'n',
    value: '',
    list: [9],
    f: (n: number) => (m: number) => n + m,
    ref: (n: string) => `db.${n}`,
    config: () => '',
    exceptions: {
      raise_compiler_error: (message: string) => {
        throw new Error(message);
      },
    },
  };
}

describe('fastTemplateRoot', () => {
  it.each(SAMPLES)('renders %j as the generated code does', (text) => {
    const result = both(text, context);
    expect(result).toBeDefined();
    expect(result!.closures).toEqual(result!.code);
  });

  it('gives up where the code would not compile, and on what the parser leaves to nunjucks', () => {
    for (const text of ['{{ - -x }}', '{{ + +x }}', '{{ () }}', '{% macro m() %}{% endmacro %}', '{{ xs[1:2] }}']) {
      expect({ text, root: fastTemplateRoot(text, TAGS) }).toEqual({ text, root: undefined });
    }
  });

  it('renders every template in this repository as the generated code does', () => {
    let covered = 0;
    for (const file of repoTemplates(REPO_ROOT)) {
      const result = both(readFileSync(file, 'utf8'), () => ({
        ...context(),
        ref: (n: string) => `db.${n}`,
        source: (a: string, b: string) => `${a}.${b}`,
        var: () => ['x', 'y'],
      }));
      if (result === undefined) continue;
      covered += 1;
      expect({ file, ...result.closures }).toEqual({ file, ...result.code });
    }
    expect(covered).toBeGreaterThan(10);
  });

  it('renders random templates over random values as the generated code does (seeded)', () => {
    const random = seededRandom(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const values: unknown[] = [0, 1, -3, 2.5, '', 'str', '10', null, undefined, [], [1, 2], ['a'], { k: 1, y: 'yy' }, true, false];
    const atoms = [
      'a',
      'b',
      '1',
      '2.5',
      '"s"',
      "'t'",
      'none',
      'true',
      'x.y',
      'x["k"]',
      'f(1, k=2)',
      '[1, 2]',
      '{"k": 1}',
      '(a)',
      'loop.index',
      'xs[0]',
      'a.b.c',
      'v',
    ];
    const binary = ['+', '-', '*', '/', '//', '%', '**', '~', '==', '!=', '<', '>=', 'and', 'or', 'in', 'not in', '==='];
    const expression = (depth: number): string => {
      const roll = random();
      if (depth === 0 || roll < 0.3) return pick(atoms);
      if (roll < 0.6) return `${expression(depth - 1)} ${pick(binary)} ${expression(depth - 1)}`;
      if (roll < 0.68) return `not ${expression(depth - 1)}`;
      if (roll < 0.74) return `-${expression(depth - 1)}`;
      if (roll < 0.8) return `${expression(depth - 1)} if ${expression(depth - 1)} else ${expression(depth - 1)}`;
      if (roll < 0.85) return `${expression(depth - 1)} | ${pick(['upper', 'default(1)', 'join(",")', 'string', 'length'])}`;
      if (roll < 0.9) return `${expression(depth - 1)} is ${pick(['defined', 'none', 'divisibleby(2)', 'not number', 'string'])}`;
      return `(${expression(depth - 1)})`;
    };
    const statement = (depth: number): string => {
      const roll = random();
      if (depth === 0 || roll < 0.4) return `{{ ${expression(2)} }}`;
      if (roll < 0.55)
        return `{% if ${expression(2)} %}${statement(depth - 1)}{% elif ${expression(1)} %}${statement(depth - 1)}{% else %}${statement(depth - 1)}{% endif %}`;
      if (roll < 0.7) return `{% for v in ${pick(['xs', 'a', '[1, 2, 3]', 'x', 'none'])} %}${statement(depth - 1)}{% else %}E{% endfor %}`;
      if (roll < 0.8) return `{% for k, v in ${pick(['x', '[[1, 2], [3, 4]]', 'xs'])} %}{{ k }}{{ v }}${statement(depth - 1)}{% endfor %}`;
      if (roll < 0.9) return `{% set ${pick(['a', 'v', '_p'])} = ${expression(2)} %}${statement(depth - 1)}`;
      return `{%- do ys.append(${expression(1)}) -%}{{ ys | length }} ${statement(depth - 1)}`;
    };
    let compared = 0;
    for (let i = 0; i < 3000; i += 1) {
      const text = `${statement(3)}\n${statement(2)}`;
      const seed = Math.floor(random() * 1e9);
      const contextFor = () => {
        const local = seededRandom(seed);
        const choose = <T>(items: readonly T[]): T => items[Math.floor(local() * items.length)]!;
        return {
          a: choose(values),
          b: choose(values),
          v: choose(values),
          xs: [choose(values), choose(values)],
          ys: [],
          x: local() < 0.5 ? { y: choose(values), k: choose(values), items: () => [['p', 1]] } : choose(values),
          f: (...args: unknown[]) => args.length,
        };
      };
      const result = both(text, contextFor);
      if (result === undefined) continue;
      compared += 1;
      expect({ text, ...result.closures }).toEqual({ text, ...result.code });
    }
    expect(compared).toBeGreaterThan(2000);
  });
});
