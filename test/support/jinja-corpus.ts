/**
 * Templates for the Jinja2 differential test (test/template/jinja2-differential.test.ts): hand-written
 * edge cases, and a seeded generator of random ones. Every template sees the context below, which
 * test/support/jinja2-oracle.py gives Jinja2 too.
 */
import { splitArgs } from '../../src/template/call-args.js';
import { pyStr } from '../../src/template/python-values.js';
import { seededRandom } from './seeded-random.js';

const echo =
  (name: string) =>
  (...args: unknown[]): string =>
    `${name}(${splitArgs(args).positional.map(pyStr).join(', ')})`;

/** The context of every corpus template (the same as jinja2-oracle.py's `context()`). */
export function corpusContext(): Record<string, unknown> {
  const config = Object.assign(() => '', { get: (_key: string, fallback: unknown = null) => fallback });
  return {
    n: 3,
    s: 'abc',
    xs: [1, 2, 3],
    names: ['b', 'a', 'c'],
    d: { k: 'v', n: 1 },
    people: [
      { name: 'ada', age: 36 },
      { name: 'bob', age: 25 },
      { name: 'cy', age: 41 },
    ],
    t: true,
    f: false,
    nothing: null,
    ref: echo('ref'),
    source: echo('source'),
    var: echo('var'),
    env_var: echo('env_var'),
    log: () => '',
    config,
    this: 'db.this_model',
    is_incremental: () => false,
    run_query: () => null,
    execute: false,
    target: { name: 'dev', schema: 'analytics', type: 'clickhouse' },
  };
}

/** Macros every corpus template may call (loaded first on both sides). */
export const CORPUS_MACROS = `
{%- macro twice(x) -%}{{ return(x * 2) }}{%- endmacro -%}
{%- macro greet(name, greeting='hello') -%}{{ greeting }} {{ name }}{%- endmacro -%}
{%- macro wrap(tag) -%}<{{ tag }}>{{ caller() }}</{{ tag }}>{%- endmacro -%}
{%- macro each(items) -%}{% for item in items %}[{{ caller(item) }}]{% endfor %}{%- endmacro -%}
{%- macro count_args() -%}{{ varargs | length }}:{{ kwargs | length }}{%- endmacro -%}
{%- macro nested(x) -%}{{ return(twice(x) + 1) }}{%- endmacro -%}
`;

/** Hand-written cases: the Jinja dbt projects write, and the corners where nunjucks and Jinja2 part. */
export const EDGE_CASES: Record<string, string> = {
  'print None/True/False': '{{ nothing }}|{{ t }}|{{ f }}|{{ none }}|{{ true }}',
  'print a list and a dict': "{{ xs }}|{{ names }}|{{ d }}|{{ [1, 'a', none, true, [2]] }}|{{ {'a': {'b': 1}} }}",
  'print strings with quotes': `{{ ["it's", 'say "hi"', 'back\\\\slash'] }}`,
  'trailing commas': "{{ greet('x', ) }}|{{ [1, 2, ] }}|{{ {'a': 1, } | length }}",
  tuples: "{% set fields = [('id', 'Int32'), ('name', 'String')] %}{% for n, t in fields %}{{ n }} {{ t }};{% endfor %}{{ fields[0][1] }}{{ (1, 2) | length }}",
  'for with tuple target': '{% for (k, v) in d.items() %}{{ k }}={{ v }};{% endfor %}',
  'is tests':
    '{{ nothing is none }} {{ 1 is number }} {{ s is string }} {{ xs is iterable }} {{ missing is defined }} {{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ d is mapping }} {{ t is boolean }} {{ n is integer }} {{ xs is sequence }} {{ 2 is in xs }} {{ s is lower }} {{ t is true }} {{ f is false }}',
  'is not': '{{ nothing is not none }} {{ s is not string }}',
  'is tests in statements':
    "{% if 9 is divisibleby 3 %}a{% endif %}{% for x in xs if x is odd %}{{ x }}{% endfor %}{% set q = 'y' if 2 is in xs else 'n' %}{{ q }}",
  'filters: list/join/map/select/reject':
    "{{ s | list }}|{{ xs | map('string') | join('-') }}|{{ xs | select('odd') | list }}|{{ xs | reject('odd') | list }}|{{ names | map('upper') | list }}",
  'filters: selectattr/rejectattr/map attribute':
    "{{ people | selectattr('age', 'gt', 30) | map(attribute='name') | join(',') }}|{{ people | rejectattr('age', 'gt', 30) | map(attribute='name') | list }}|{{ people | selectattr('name') | list | length }}|{{ people | selectattr('age', 'equalto', 25) | map(attribute='name') | first }}",
  'filters: default': "{{ missing | default('x') }}|{{ nothing | default('x') }}|{{ '' | default('x') }}|{{ '' | default('x', true) }}|{{ missing | d('y') }}",
  'filters: strings':
    "{{ '  a b  ' | trim }}|{{ 'AbC' | lower }}|{{ 'abc' | upper }}|{{ 'a-b-c' | replace('-', '+') }}|{{ 'a-b-c' | replace('-', '+', 1) }}|{{ 'hello world' | title }}|{{ 'hello' | capitalize }}|{{ 'abc' | length }}|{{ 'xxabcxx' | trim('x') }}",
  'filters: numbers':
    "{{ '42' | int + 1 }}|{{ '4.7' | int }}|{{ 'x' | int }}|{{ 'x' | int(7) }}|{{ -3 | abs }}|{{ xs | sum }}|{{ people | sum(attribute='age') }}|{{ xs | max }}|{{ names | min }}",
  'filters: tojson': "{{ {'b': 1, 'a': [1, 'x', none, true]} | tojson }}|{{ \"it's <b>\" | tojson }}",
  'filters: unique/sort/reverse':
    "{{ [3, 1, 3, 2] | unique | list }}|{{ names | sort | join }}|{{ names | sort(reverse=true) | join }}|{{ people | sort(attribute='age') | map(attribute='name') | join }}|{{ xs | reverse | list }}|{{ 'abc' | reverse }}",
  'filters: batch/slice/first/last':
    '{{ [1, 2, 3, 4, 5] | batch(2) | list }}|{{ [1, 2, 3, 4, 5] | batch(2, 0) | list }}|{{ xs | first }}|{{ xs | last }}|{{ s | first }}',
  'filters: dictsort/items': "{% for k, v in {'b': 2, 'a': 1} | dictsort %}{{ k }}{{ v }}{% endfor %}|{% for k, v in d.items() %}{{ k }}{{ v }}{% endfor %}",
  'filters: format/string/wordcount': "{{ '%s-%d-%05.1f' | format('a', 3, 2.5) }}|{{ 12 | string }}|{{ 'a b c' | wordcount }}|{{ xs | string }}",
  'filters: center/indent/truncate': "[{{ 'ab' | center(6) }}]|{{ 'a\\nb' | indent(2) }}|{{ 'hello world foo' | truncate(9, true, '...', 0) }}",
  'loop variables':
    '{% for x in names %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}',
  'loop over dict and else': '{% for k in d %}{{ k }}{% endfor %}|{% for x in [] %}{{ x }}{% else %}empty{% endfor %}',
  'loop filters':
    "{% for x in xs if x > 1 %}{{ x }}{{ loop.index }}{{ ',' if not loop.last }}{% endfor %}|{%- for k, v in d.items() if k != 'k' -%} {{ k }}={{ v }} {%- endfor %}|{% for p in people if p.age > 99 %}x{% else %}none{% endfor %}|{% for x in [1, 2] %}{% for y in xs if y > x %}{{ y }}{% endfor %};{% endfor %}",
  'nested loops': '{% for a in [1, 2] %}{% for b in [3, 4] %}{{ a * b }}{{ "," if not loop.last }}{% endfor %};{% endfor %}',
  'whitespace control': 'select\n  {%- for c in names %}\n  {{ c }}{{ "," if not loop.last }}\n  {%- endfor %}\nfrom t\n  {{- " x" -}}  \n y',
  'whitespace around if and set': 'a\n{% if t %}\n  b\n{% endif %}\n{%- set q = 1 -%}\n  c {{ q }}\n',
  'set blocks': '{% set body %}select {{ n }}{% endset %}[{{ body }}]|{% set x = 1 %}{% set y = x + 1 %}{{ y }}',
  namespace:
    '{% set ns = namespace(total=0, seen=[]) %}{% for x in xs %}{% set ns.total = ns.total + x %}{% do ns.seen.append(x) %}{% endfor %}{{ ns.total }} {{ ns.seen }}',
  'call blocks': "{% call wrap('b') %}in {{ n }}{% endcall %}|{% call(item) each(['x', 'y']) %}{{ item | upper }}{% endcall %}",
  'filter blocks': '{% filter upper %}hello {{ s }}{% endfilter %}|{% filter replace("a", "o") %}banana{% endfilter %}',
  'macro defaults, keywords, varargs, kwargs':
    "{{ greet('ada') }}|{{ greet('bob', greeting='hi') }}|{{ greet(greeting='yo', name='cy') }}|{{ count_args(1, 2, 3) }}|{{ count_args(a=1) }}",
  'return()': '{{ twice(21) }}|{{ nested(2) }}|{{ twice(n) }}',
  'do and list/dict methods':
    "{% set l = [] %}{% do l.append(1) %}{% do l.extend([2, 3]) %}{{ l }} {{ l.pop() }} {{ l }}|{% set m = {} %}{% do m.update({'a': 1}) %}{{ m }} {{ m.get('a') }} {{ m.get('z', 0) }} {{ m.keys() | list }}",
  'string methods':
    "{{ ' Ab '.strip() }}|{{ 'a,b'.split(',') }}|{{ 'abc'.upper() }}|{{ 'ab'.startswith('a') }}|{{ '-'.join(['x', 'y']) }}|{{ '{}_{}'.format('a', 1) }}|{{ 'aXa'.replace('a', 'b') }}|{{ 'a b'.split() }}|{{ 'Hello'.lower().endswith('lo') }}",
  slices: '{{ xs[1:] }}|{{ xs[:-1] }}|{{ xs[::-1] }}|{{ s[1:] }}|{{ s[::-1] }}',
  operators:
    "{{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 10 }} {{ 'a' ~ 1 ~ 'b' }} {{ 1 < 2 < 3 }} {{ 'b' in names }} {{ 'z' not in names }} {{ not t }} {{ t and 'y' }} {{ f or 'z' }} {{ 3 if t else 4 }} {{ 'x' if f }}",
  'comparisons and math': '{{ n == 3 }} {{ n != 3 }} {{ n >= 3 }} {{ -n }} {{ n * 2 + 1 }} {{ (n + 1) * 2 }} {{ 10 - 2 - 3 }}',
  'dbt-style model':
    "{{ config(materialized='table', order_by=['id'], ) }}\nselect\n  id,\n  {{ var('col') }} as v\nfrom {{ ref('orders') }}\n{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% endif %}\n",
  'dbt-style source and target': "select * from {{ source('raw', 'events') }} -- {{ target.name }} {{ target.schema }}",
  comments: 'a{# {{ ref("x") }} #}b{#- trimmed -#}  c',
  raw: '{% raw %}{{ not rendered }}{% endraw %}',
  range: '{{ range(3) | list }} {{ range(1, 7, 2) | list }}',
  'dict literal iteration order': "{% for k, v in {'z': 1, 'a': 2}.items() %}{{ k }}{{ v }}{% endfor %}",
  'escapes in strings': "{{ 'a\\tb' }}|{{ \"q'q\" }}|{{ 'x\\'y' }}",
  'truth of empty lists and dicts in if':
    '{% if [] %}a{% elif {} %}b{% elif not [] and (xs or []) %}c{% endif %}|{% if nothing or [] %}x{% else %}y{% endif %}|{% for x in xs if [] %}z{% endfor %}',
  'truth of empty lists in inline ifs':
    "{{ 'y' if [] else 'n' }}|{{ 'y' if {} }}|{% set v = 'a' if not [] and xs else 'b' %}{{ v }}|{{ 'y' if ({'k': [1]} | length) else 'n' }}",
  'if elif else': '{% if n == 1 %}one{% elif n == 3 %}three{% else %}other{% endif %}',
  'inline if chains':
    "{{ 'a' if n > 5 else ('b' if n > 2 else 'c') }}|{{ 'a' if f else 'b' if t else 'c' -}}  |{% set v = 'a' if f else 'b' if f else 'c' %}{{ v }}|{{ 'x' if f else 'y' if f }}|{{ 'a' if [] else 'b' if [] else 'c' }}",
  'attribute and item access': "{{ d.k }} {{ d['n'] }} {{ people[0].name }} {{ people[1]['age'] }} {{ d.missing }}",
  'undefined prints empty': '[{{ missing }}]',
  'join with attribute': "{{ people | join(', ', attribute='name') }}",
  'plus concatenates lists':
    "{{ [1] + [2, 3] }}|{{ xs + names }}|{{ (xs + [4]) | length }}|{{ 1 + 2 * 3 }}|{{ 'a' ~ (1 + 2) }}|{{ 'a' + 'b' }}|{% set cols = ['id'] %}{% set cols = cols + ['name'] %}{{ cols | join(',') }}",
  "Python's operators: ~ prints as str(), % formats, * repeats, % takes the divisor's sign":
    "{{ 'x' ~ none ~ true ~ [1] ~ missing ~ {'a': 1} }}|{{ '%s!' % 'a' }}|{{ '%s-%d' % ('a', 3) }}|{{ '%s' % none }}|{{ '%05.1f%%' % 2.5 }}|{{ 'ab' * 2 }}|{{ 2 * 'ab' }}|{{ [1, 2] * 2 }}|{{ -7 % 3 }}|{{ 7 % -3 }}|{{ 7 % 3 }}|{{ 2 * 3 + 1 }}|{{ '%r' | format('a') }}|{{ '%s' | format(true) }}",
  'equality of lists and dicts by content':
    "{{ [1, 2] == [1, 2] }} {{ [1, 2] == [2, 1] }} {{ {'a': [1]} == {'a': [1]} }} {{ [1] != [2] }} {{ xs == [1, 2, 3] }} {{ d != {'k': 'v', 'n': 1} }} {{ 1 == 1 }} {{ 'a' != 'b' }}",
  'splat arguments':
    "{{ count_args(*xs) }}|{{ count_args(**d) }}|{{ greet(*['x'], **{'greeting': 'yo'}) }}|{{ greet('a', *[], ) }}|{{ ref(*names) }}|{{ count_args(0, *xs, z=1, **d) }}",
  'splat of varargs and kwargs in a macro': '{% macro pass_on() %}{{ count_args(*varargs, **kwargs) }}{% endmacro %}{{ pass_on(1, 2, a=3) }}',
  'computed dict keys':
    "{% set k = 'Key' %}{{ {k.lower(): 1, 'x': {k: 2}} }}|{{ {1: 'a'}[1] }}|{{ {s: n, s ~ '2': [n, ]} }}|{% set m = {} %}{% for p in people %}{% do m.update({p.name: p.age}) %}{% endfor %}{{ m }}",
  'multi-line strings': "{%- set e = '\nline one \\\ncontinued {}\n'.format(s) -%}[{{ e }}]|{{ 'a\nb' | replace('\n', ' ') }}|{{ 'x\ny'.split('\n') }}",
};

const WORDS = ['a', 'b', 'x', 'id', 'name', 'ab'];

/** A seeded generator of templates in the part of Jinja2 where tsdbt and Jinja2 must agree. */
export function randomTemplates(seed: number, count: number): Record<string, string> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  // Each kind lists its leaves first; past depth 3 only leaves are drawn, so expressions stay small.
  let level = 0;
  const grow = (leaves: number, options: (() => string)[]): string => {
    level += 1;
    const index = Math.floor(random() * (level > 3 ? leaves : options.length));
    const out = options[index]!();
    level -= 1;
    // Composite expressions are parenthesised, so each means the same under either precedence table.
    return index < leaves ? out : `(${out})`;
  };
  const int = (): string =>
    grow(3, [
      () => String(Math.floor(random() * 10)),
      () => 'n',
      () => "d['n']",
      () => 'xs | length',
      () => `(${int()} + ${int()})`,
      () => `${int()} * ${Math.floor(random() * 4)}`,
      () => `${int()} // ${1 + Math.floor(random() * 3)}`,
      () => `${int()} % ${1 + Math.floor(random() * 3)}`,
      () => `${str()} | length`,
    ]);
  const str = (): string =>
    grow(2, [
      () => `'${pick(WORDS)}'`,
      () => 's',
      () => `${str()} ~ ${pick([str, int, bool, list, () => 'nothing'])()}`,
      () => (chance(0.5) ? `'${pick(['%s', 'a%s'])}' % ${pick([str, int, list])()}` : `'%s-%s' % (${str()}, ${int()})`),
      () => `${str()} * ${Math.floor(random() * 3)}`,
      () => `${str()} | upper`,
      () => `${str()} | replace('a', 'z')`,
      () => `${list()} | join('${pick([',', '-', ''])}')`,
      () => `${int()} | string`,
      () => `'${pick(WORDS)}' if ${bool()} else '${pick(WORDS)}'`,
      () => `${str()} | trim`,
      () => `greet(${str()})`,
    ]);
  const list = (): string =>
    grow(4, [
      () => 'xs',
      () => 'names',
      () => `range(${Math.floor(random() * 5)}) | list`,
      () => "people | map(attribute='name') | list",
      () => `[${int()}, ${int()}]`,
      () => `['${pick(WORDS)}', ${str()}]`,
      () => `${list()} | sort | list`,
      () => `${list()} | unique | list`,
      () => "xs | select('odd') | list",
      () => "names | map('upper') | list",
      () => `people | selectattr('age', 'gt', ${int()}) | map(attribute='name') | list`,
      () => `${list()} | reverse | list`,
      () => `${list()} + ${list()}`,
    ]);
  const bool = (): string =>
    grow(3, [
      () => 't',
      () => 'f',
      () => '(nothing is none)',
      () => `${int()} > ${int()}`,
      () => `${int()} == ${int()}`,
      () => `${str()} == ${str()}`,
      () => `${list()} == ${list()}`,
      () => `not ${bool()}`,
      () => `(${bool()} and ${bool()})`,
      () => `(${bool()} or ${bool()})`,
      () => `${int()} in ${list()}`,
      () => `${int()} is odd`,
      () => `${str()} is string`,
      () => `${str()}.startswith('a')`,
    ]);
  const value = (): string =>
    pick([int, str, list, bool, () => 'nothing', () => `{'k': ${int()}}`, () => 'd', () => `{${str()}: ${int()}}`, () => `count_args(*${list()})`])();
  const depth = { now: 0 };
  const stmt = (): string => {
    depth.now += 1;
    const deeper = depth.now < 2;
    const ws = () => (chance(0.2) ? '-' : '');
    const options = [
      () => `{{${ws()} ${value()} ${ws()}}}`,
      () => pick([' ', '\n', 'x', '  y\n', ', ']),
      ...(deeper
        ? [
            () => `{%${ws()} if ${bool()} ${ws()}%}${body()}{%${ws()} else ${ws()}%}${body()}{%${ws()} endif ${ws()}%}`,
            () => `{%${ws()} for v in ${list()} ${ws()}%}{{ v }}{{ loop.index }}{{ ',' if not loop.last }}${body()}{%${ws()} endfor ${ws()}%}`,
            () => `{% set q = ${value()} %}{{ q }}`,
            () => `{% set b %}${body()}{% endset %}[{{ b | trim }}]`,
            () => `{% filter upper %}${body()}{% endfilter %}`,
            () => `{% call wrap('${pick(WORDS)}') %}${body()}{% endcall %}`,
          ]
        : []),
    ];
    const out = pick(options)();
    depth.now -= 1;
    return out;
  };
  const body = (): string => Array.from({ length: 1 + Math.floor(random() * 2) }, stmt).join('');
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i += 1) out[`random ${seed}/${i}`] = body();
  return out;
}
