/**
 * fast-compile.ts on macro files: `{% macro %}` and `{% call %}` give the very code nunjucks'
 * (patched) compiler gives, byte for byte (the code is kept in target/template_cache.json, which
 * must not depend on which front end made it), and whatever nunjucks' compiler rejects is left to
 * it, so its error (and line) is the one reported.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MACRO_FILES } from '../../src/template/builtin-macros/registry.js';
import { fastTemplateSource } from '../../src/template/fast-compile.js';
import { toNunjucksDialect } from '../../src/template/jinja-dialect.js';
import { baseGlobals } from '../../src/template/base-globals.js';
import { TemplateEngine, type TemplateBackend } from '../../src/template/template-engine.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { REPO_ROOT } from '../support/cli.js';
import { CORPUS_MACROS } from '../support/jinja-corpus.js';
import { FAST_TAGS, fastCompileEnv, nunjucksSource } from '../support/nunjucks-code.js';
import { repoTemplates } from '../support/repo-templates.js';
import { seededRandom } from '../support/seeded-random.js';

const env = fastCompileEnv();

/** nunjucks' code for `text`, or its error message. */
function reference(text: string): { code?: string; error?: string } {
  try {
    return { code: nunjucksSource(env, text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const MACROS = [
  '{% macro m() %}x{% endmacro %}',
  '{% macro m(a, b) %}{{ a }}{{ b }}{{ c }}{% endmacro %}',
  "{% macro m(a, b=1, c='x' ~ a, d=none) -%}\n  {{ a }} {{ b }} {{ c }} {{ d }}\n{%- endmacro %}",
  '{% macro _private(a) %}{{ a }}{% endmacro %}{% macro public() %}{{ _private(1) }}{% endmacro %}',
  '{% macro m(a) %}{% set a = a + 1 %}{% set b = a %}{{ a }}{{ b }}{% endmacro %}{{ m(1) }}',
  '{% macro m(xs) %}{% for x in xs %}{{ x }}{{ loop.index }}{% else %}none{% endfor %}{% endmacro %}',
  '{% macro m(d) %}{% for k, v in d %}{{ k }}={{ v }}{% endfor %}{% endmacro %}',
  '{% macro m(a) %}{% if a %}{{ return(a) }}{% elif b %}B{% else %}{% do log(a) %}{% endif %}{% endmacro %}',
  '{% macro outer(a) %}{% macro inner(b) %}{{ a }}{{ b }}{% endmacro %}{{ inner(2) }}{% endmacro %}',
  '{% for x in xs %}{% macro m() %}{{ x }}{% endmacro %}{{ m() }}{% endfor %}{{ m() }}',
  '{% macro m() %}1{% endmacro %}{% set m = 2 %}{{ m }}',
  '{% call statement("main", fetch_result=True) %}select {{ 1 + 1 }}{% endcall %}',
  '{% call wrap("p") %}inner {{ x }}{% endcall %}',
  '{% call(item) each([1, 2]) %}<{{ item }}>{% endcall %}',
  '{% call(a, b=2) f(1, k=3) %}{{ a }}{{ b }}{% endcall %}',
  '{% macro m(rel) %}{% call statement("s") %}select * from {{ rel }}{% endcall %}{{ load_result("s") }}{% endmacro %}',
  '{% macro m(a) %}{% for x in a %}{% call g(x) %}{{ x }}{{ a }}{% call h() %}{{ x }}{% endcall %}{% endcall %}{% endfor %}{% endmacro %}',
  '{%- macro m(a) -%}\n  {{- a -}}\n{%- endmacro -%}\n\n{# between #}\n{% macro n() %}{{ caller() }}{% endmacro %}',
  '{% macro m(a) %}{{ varargs }}{{ kwargs }}{{ caller() if caller }}{% endmacro %}',
  '{% macro m(a={"k": [1, 2]}, b=(1 if x else 2)) %}{{ a }}{{ b }}{% endmacro %}',
  '{% macro m(c=caller) %}{{ c }}{% endmacro %}',
  '{% call "m"() %}a string is called at run time, not compile time{% endcall %}',
];

/** Accepted by nunjucks' parser, rejected by its compiler or runtime code, or not nunjucks at all. */
const LEFT_TO_NUNJUCKS = [
  '{% macro m(a.b) %}{% endmacro %}',
  '{% macro m("a") %}{% endmacro %}',
  '{% macro m(1) %}{% endmacro %}',
  '{% macro m({}) %}{% endmacro %}',
  '{% macro m(a={1: 2}) %}{% endmacro %}',
  '{% macro m("k"=1) %}{% endmacro %}',
  '{% macro "m"() %}{% endmacro %}',
  '{% macro m %}{% endmacro %}',
  '{% macro m() %}unclosed',
  '{% macro m() %}{% endcall %}',
  '{% call m %}x{% endcall %}',
  '{% call m.n %}x{% endcall %}',
  '{% call(1) m() %}x{% endcall %}',
  '{% call m() %}x',
  '{% macro m() %}{% set x %}block{% endset %}{% endmacro %}',
  '{% macro m() %}{{ xs[1:] }}{% endmacro %}',
];

describe('fastTemplateSource on macros and call blocks', () => {
  it.each(MACROS)("generates nunjucks' code, byte for byte, for %j", (text) => {
    const fast = fastTemplateSource(text, FAST_TAGS);
    expect(fast).toBeDefined();
    expect(fast).toBe(reference(text).code);
  });

  it.each(LEFT_TO_NUNJUCKS)('leaves %j to nunjucks', (text) => {
    expect(fastTemplateSource(text, FAST_TAGS)).toBeUndefined();
  });

  it("generates nunjucks' code for every macro file of this repository, tsdbt's own and the test corpus's", () => {
    const files = repoTemplates(REPO_ROOT).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    const macroFiles = [...files, ...BUILTIN_MACRO_FILES, { file: 'corpus', text: CORPUS_MACROS }].filter(({ text }) => /\{%-?\s*(macro|call)\b/.test(text));
    expect(macroFiles.length).toBeGreaterThan(10);
    for (const { file, text } of macroFiles) {
      const source = toNunjucksDialect(text);
      expect({ file, code: fastTemplateSource(source, FAST_TAGS) }).toEqual({ file, code: reference(source).code });
    }
  });

  it("generates nunjucks' code for random macro files, or leaves those nunjucks rejects (seeded)", () => {
    const random = seededRandom(23);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const names = ['a', 'b', 'x', 'caller', 'loop', '_p', 'm'];
    const expressions = ['a', 'b ~ "s"', 'x.y', 'm(a)', 'caller()', 'f(a, k=b)', '[a, 1]', '{"k": a}', '{1: a}', 'a if b else 2', 'none', 'loop.index'];
    const statement = (depth: number): string => {
      const roll = random();
      if (depth === 0 || roll < 0.25)
        return pick(['text ', '{{ ' + pick(expressions) + ' }}', '{%- set ' + pick(names) + ' = ' + pick(expressions) + ' -%}', '{# c #}']);
      if (roll < 0.4) return `{% macro ${pick(names)}(${signature()}) %}${body(depth - 1)}{% endmacro %}`;
      if (roll < 0.55)
        return `{% call${random() < 0.4 ? `(${signature()})` : ''} ${pick(['m', 'f', 'x.y'])}(${pick(['', 'a', 'a, k=1'])}) %}${body(depth - 1)}{% endcall %}`;
      if (roll < 0.7) return `{% for ${pick(['v', 'k, v'])} in ${pick(expressions)} %}${body(depth - 1)}{% endfor %}`;
      if (roll < 0.8) return `{% if ${pick(expressions)} %}${body(depth - 1)}{% else %}${body(depth - 1)}{% endif %}`;
      return `{% do ${pick(expressions)} %}`;
    };
    const signature = (): string => {
      const parts: string[] = [];
      const count = Math.floor(random() * 4);
      for (let i = 0; i < count; i += 1) parts.push(random() < 0.3 ? `${pick(names)}=${pick(expressions)}` : pick([...names, '"s"', '1']));
      return parts.join(', ');
    };
    const body = (depth: number): string => Array.from({ length: 1 + Math.floor(random() * 3) }, () => statement(depth)).join('\n');
    let handled = 0;
    for (let i = 0; i < 600; i += 1) {
      const text = body(3);
      const fast = fastTemplateSource(text, FAST_TAGS);
      const expected = reference(text);
      if (fast === undefined) continue;
      handled += 1;
      // Whatever the fast path handles nunjucks compiles, to the same code.
      expect({ text, code: fast }).toEqual({ text, code: expected.code });
    }
    expect(handled).toBeGreaterThan(200);
  });
});

/** An engine on `backend` with `files` as macro files; what addMacroFile reported for each. */
function engineWith(backend: TemplateBackend, files: Record<string, string>) {
  const logger = new MemoryLogger();
  const engine: TemplateEngine = new TemplateEngine(
    baseGlobals({ projectName: 'demo', vars: {}, env: {}, logger, invocationId: 'inv-1', macro: (name) => engine.macro(name)?.fn, doc: () => undefined }),
    { projectName: 'demo', backend },
  );
  const errors = Object.entries(files).map(([file, text]) => engine.addMacroFile(file, text).map((error) => `${error.message} @${error.file}:${error.line}`));
  return { engine, errors };
}

describe('macro files through the engine, fast path against nunjucks', () => {
  const files = {
    'macros/corpus.sql': CORPUS_MACROS,
    'macros/more.sql': `{% macro _hidden(a) %}[{{ a }}]{% endmacro %}
{% macro uses_hidden(a, b=2) -%} {{ _hidden(a) }}{{ b }} {%- endmacro %}
{% macro calls_each(xs) %}{% call(item) each(xs) %}{{ item ~ '!' }}{% endcall %}{% endmacro %}
{% macro wraps(tag) %}{% call wrap(tag) %}{{ uses_hidden(1, b=tag) }}{% endcall %}{% endmacro %}
{% macro early(a) %}{% if a %}{{ return('early') }}{% endif %}late{% endmacro %}`,
  };
  const calls = [
    "{{ twice(2) }}|{{ greet('ada') }}|{{ greet('bob', greeting='hi') }}|{{ nested(3) }}|{{ count_args(1, 2, k=3) }}",
    "{% call wrap('b') %}bold{% endcall %}|{% call(x) each([1, 2]) %}{{ x * 10 }}{% endcall %}",
    "{{ uses_hidden('z') }}|{{ calls_each(['p', 'q']) }}|{{ wraps('t') }}|{{ early(1) }}|{{ early(0) }}|{{ demo._hidden(5) }}",
  ];

  it('renders the same on every back end', () => {
    const outputs = (['closures', 'code', 'nunjucks'] as const).map((backend) => {
      const { engine, errors } = engineWith(backend, files);
      return { errors, rendered: calls.map((text) => engine.compile('models/m.sql', text).render({})) };
    });
    expect(outputs[0]!.errors).toEqual([[], []]);
    expect(outputs[0]!.rendered[0]).toBe('4|hello ada|hi bob|7|2:1');
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });

  it('reports the errors nunjucks reports, with their lines, whatever the back end', () => {
    const broken = {
      'macros/ok.sql': '{% macro fine() %}ok{% endmacro %}',
      'macros/arg.sql': '\n\n{% macro bad(a.b) %}x{% endmacro %}',
      'macros/call.sql': '\n{% call nothing %}x{% endcall %}',
      'macros/open.sql': '{% macro open() %}\nnever closed\n',
      'macros/end.sql': '{% macro m() %}\n{% endcall %}',
      'macros/slice.sql': '{% macro s(x) %}{{ x[1:] }}{% endmacro %}',
    };
    const fast = engineWith('closures', broken).errors;
    expect(fast).toEqual(engineWith('nunjucks', broken).errors);
    expect(fast.map((errors) => errors.length)).toEqual([0, 1, 1, 1, 1, 0]);
    // A call block of something that is not a call: Jinja2's "expected call", at the tag's line (nunjucks' own parser threw a TypeError without one).
    expect(fast[2]![0]).toMatch(/expected call.* @macros\/call\.sql:2$/);
  });
});
