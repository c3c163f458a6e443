/**
 * tsdbt's Jinja layer is scoped to its own templates: nunjucks' shared runtime, Frame prototype and
 * parser are left as shipped. And the fast path is tied to one nunjucks version.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_BACKENDS, TemplateEngine } from '../../src/template/template-engine.js';
import { REPO_ROOT } from '../support/cli.js';

type Shared = {
  runtime: {
    memberLookup: unknown;
    contextOrFrameLookup: unknown;
    suppressValue: unknown;
    fromIterator: unknown;
    isArray: unknown;
    makeMacro: unknown;
    Frame: { prototype: { set: unknown } };
  };
  parser: { Parser: { prototype: { parseAggregate: unknown } } };
  compiler: { Compiler: { prototype: { _compileMacro: unknown } } };
};

function sharedFunctions() {
  const shared = nunjucks as unknown as Shared;
  return {
    memberLookup: shared.runtime.memberLookup,
    contextOrFrameLookup: shared.runtime.contextOrFrameLookup,
    suppressValue: shared.runtime.suppressValue,
    fromIterator: shared.runtime.fromIterator,
    isArray: shared.runtime.isArray,
    makeMacro: shared.runtime.makeMacro,
    frameSet: shared.runtime.Frame.prototype.set,
    compileMacro: shared.compiler.Compiler.prototype._compileMacro,
    parseAggregate: shared.parser.Parser.prototype.parseAggregate,
  };
}

describe("nunjucks' shared state", () => {
  it.each(TEMPLATE_BACKENDS)('is untouched by an engine on the %s back end, and plain nunjucks still behaves as plain nunjucks', (backend) => {
    const before = sharedFunctions();
    const engine = new TemplateEngine({}, { backend });
    expect(engine.addMacroFile('macros/m.sql', '{% macro shout(x) %}{{ x.upper() }}{% endmacro %}')).toEqual([]);
    const text = "{% set xs = [] %}{% do xs.append('a') %}{% for x in xs %}{{ loop.index }}{{ shout(x) }}{{ ' b '.strip() }}{% endfor %}{{ None is none }}";
    expect(engine.compile('models/m.sql', text).render({})).toBe('1AbTrue');
    expect(sharedFunctions()).toEqual(before);
    // Jinja's Python string methods and `None` belong to tsdbt's templates only.
    const plain = new nunjucks.Environment([], { autoescape: false });
    expect(() => plain.renderString("{{ 'a'.upper() }}", {})).toThrow();
    expect(plain.renderString('{{ None }}', {})).toBe('');
    expect(plain.renderString('{{ x }}', { x: true })).toBe('true');
    expect(plain.renderString('{% for k in d %}{{ k }}{% endfor %}', { d: { a: 1 } })).toBe('');
  });
});

describe('the fast path and the nunjucks version it reproduces', () => {
  it('is nunjucks 3.2.4, pinned exactly in package.json and installed', () => {
    // fast-compile.ts and fast-closures.ts reproduce nunjucks 3.2.4's parser, generated code and runtime
    // calls. Another version may differ in any of them: re-check the fast path before moving the pin.
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.nunjucks).toBe('3.2.4');
    const installed = createRequire(import.meta.url)('nunjucks/package.json') as { version: string };
    expect(installed.version).toBe('3.2.4');
  });
});
