/**
 * adapter.dispatch as dbt-core's BaseDatabaseWrapper.dispatch: the search order per macro
 * namespace (project `dispatch:` config, else root project then the package, else one unqualified
 * lookup), `clickhouse__` then `default__` within each package, and package macros as
 * `<package>.macro()` only.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/core/errors.js';
import { catchError } from '../graph/select/catch-error.js';
import { projectYml } from '../support/cli.js';
import { templateEngine, type TemplateEngineFixture } from '../support/engine.js';
import { load, loadErrors } from '../support/project.js';

/** A package `utils` whose `greet` dispatches in its own namespace, with both implementations. */
const UTILS = {
  'dbt_packages/utils/macros/greet.sql': [
    "{% macro greet(x) %}{{ return(adapter.dispatch('greet', 'utils')(x)) }}{% endmacro %}",
    '{% macro default__greet(x) %}utils default {{ x }}{% endmacro %}',
    '{% macro clickhouse__greet(x) %}utils clickhouse {{ x }}{% endmacro %}',
    '{% macro default__only_in_utils() %}utils only{% endmacro %}',
    "{% macro helper() %}{{ utils.greet('from helper') }}{% endmacro %}",
  ].join('\n'),
};
/** A second package that implements `greet` for the `utils` namespace (as spark_utils does for dbt_utils). */
const SHIM = { 'dbt_packages/shim/macros/greet.sql': '{% macro default__greet(x) %}shim {{ x }}{% endmacro %}' };

function engineWith(root: Record<string, string>, fixture: TemplateEngineFixture = {}) {
  return templateEngine(root, {}, { packages: { utils: UTILS, shim: SHIM }, ...fixture });
}

describe('package namespaces', () => {
  it('reaches package macros as <package>.macro(), and root macros also as <project>.macro()', () => {
    const { render } = engineWith({ 'macros/own.sql': '{% macro own() %}mine{% endmacro %}' });
    expect(render("{{ utils.greet('a') }} | {{ utils.helper() }} | {{ demo.own() }} | {{ own() }}")).toBe(
      'utils clickhouse a | utils clickhouse from helper | mine | mine',
    );
  });

  it('does not make package macros bare names, as dbt does not (outside the package)', () => {
    const { render } = engineWith({});
    expect(() => render('{{ helper() }}')).toThrow();
  });

  it("makes a package's macros bare names while rendering one of its nodes (inPackage)", () => {
    const { engine } = engineWith({});
    const template = engine.compile('dbt_packages/utils/models/m.sql', "{{ helper() }} | {{ adapter.dispatch('only_in_utils')() }}");
    expect(engine.inPackage('utils', () => template.render({}))).toBe('utils clickhouse from helper | utils only');
    expect(() => template.render({})).toThrow();
  });
});

describe("adapter.dispatch's search order", () => {
  it('searches the root project, then the package, for a package namespace: a root default__ beats the package clickhouse__', () => {
    const { render } = engineWith({ 'macros/o.sql': '{% macro default__greet(x) %}root default {{ x }}{% endmacro %}' });
    expect(render("{{ utils.greet('a') }}")).toBe('root default a');
  });

  it('tries clickhouse__ before default__ within one package', () => {
    const { render } = engineWith({});
    expect(render("{{ adapter.dispatch('greet', 'utils')('b') }}")).toBe('utils clickhouse b');
  });

  it("follows the project's dispatch: search_order, and only it", () => {
    const dispatch = [{ macro_namespace: 'utils', search_order: ['shim', 'utils'] }];
    const { render } = engineWith({ 'macros/o.sql': '{% macro default__greet(x) %}root {{ x }}{% endmacro %}' }, { dispatch });
    // The root project is not in the search order, so its default__greet is not used.
    expect(render("{{ utils.greet('c') }} | {{ adapter.dispatch('only_in_utils', 'utils')() }}")).toBe('shim c | utils only');
  });

  it("searches the root project then tsdbt's built-ins for the dbt namespace, never another package", () => {
    const shimDateadd = { 'dbt_packages/shim/macros/d.sql': '{% macro default__dateadd(a, b, c) %}shim{% endmacro %}' };
    const { render } = templateEngine({}, {}, { packages: { shim: shimDateadd } });
    expect(render("{{ dbt.dateadd('day', 1, 'd') }}")).toBe('dateAdd(day, 1, d)');
    const configured = templateEngine({}, {}, { packages: { shim: shimDateadd }, dispatch: [{ macro_namespace: 'dbt', search_order: ['shim', 'dbt'] }] });
    expect(configured.render("{{ dbt.dateadd('day', 1, 'd') }}")).toBe('shim');
  });

  it('does one unqualified lookup without a namespace, or for a namespace that is not a dependency: root, then built-ins', () => {
    const { render } = engineWith({ 'macros/o.sql': '{% macro default__mine() %}mine{% endmacro %}' });
    expect(render("{{ adapter.dispatch('mine')() }} {{ adapter.dispatch('mine', 'not_installed')() }} {{ adapter.dispatch('type_string')() }}")).toBe(
      'mine mine String',
    );
    // Package macros are not unqualified names.
    expect(() => render("{{ adapter.dispatch('only_in_utils')() }}")).toThrow(/only_in_utils/);
  });

  it('takes macro_name and macro_namespace as keywords', () => {
    const { render } = engineWith({});
    expect(render("{{ adapter.dispatch(macro_name='greet', macro_namespace='utils')('k') }}")).toBe('utils clickhouse k');
  });
});

describe('dispatch errors (TSDBT2100)', () => {
  const { render } = engineWith({});
  it('lists every name searched, package by package', () => {
    const error = catchError(() => render("{{ adapter.dispatch('nothing', 'utils')() }}"));
    expect({ code: error.code, message: error.message }).toEqual({
      code: ErrorCodes.DISPATCH_FAILED,
      message:
        "adapter.dispatch('nothing') found no macro within namespace 'utils': searched for demo.clickhouse__nothing, demo.default__nothing, utils.clickhouse__nothing, utils.default__nothing.",
    });
  });

  it('rejects a dotted macro name, suggesting the namespace argument', () => {
    const error = catchError(() => render("{{ adapter.dispatch('utils.greet')('x') }}"));
    expect([error.code, error.hint]).toEqual([ErrorCodes.DISPATCH_FAILED, "Did you mean adapter.dispatch('greet', macro_namespace='utils')?"]);
  });

  it('rejects a namespace that is not a string', () => {
    expect(catchError(() => render("{{ adapter.dispatch('greet', ['utils'])('x') }}")).message).toMatch(/macro_namespace that is not a string/);
  });
});

describe('the dispatch: project setting', () => {
  const profiles = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: .tsdbt/data\n      schema: demo\n';

  it('is read from the project file and used by models', () => {
    const project = load({
      'project.yml': projectYml('demo', 'dispatch:\n  - macro_namespace: dbt\n    search_order: [demo, dbt]\n'),
      'profiles.yml': profiles,
      'macros/t.sql': "{% macro default__type_string() %}{{ return('LowCardinality(String)') }}{% endmacro %}",
      'models/m.sql': 'select cast(1 as {{ dbt.type_string() }}) as v',
    });
    expect(project.config.dispatch).toEqual([{ macro_namespace: 'dbt', search_order: ['demo', 'dbt'] }]);
    expect(project.engine.compile('models/m.sql', 'select {{ dbt.type_string() }}').render({})).toBe('select LowCardinality(String)');
  });

  it('rejects an entry without macro_namespace or search_order, naming the line', () => {
    const errors = loadErrors({
      'project.yml': projectYml('demo', 'dispatch:\n  - macro_namespace: dbt_utils\n  - search_order: [a]\n  - macro_namespace: x\n    search_order: a\n'),
      'profiles.yml': profiles,
    });
    expect(errors.map((error) => [error.code, error.line, error.message.replace(/^.*?: /, '')])).toEqual([
      [ErrorCodes.CONFIG_INVALID, 4, '`dispatch.0` needs `search_order`: a list of package names, searched in order.'],
      [ErrorCodes.CONFIG_INVALID, 5, '`dispatch.1` needs `macro_namespace`: the namespace packages pass to adapter.dispatch (e.g. dbt_utils).'],
      [ErrorCodes.CONFIG_INVALID, 7, '`dispatch.2.search_order` needs `search_order`: a list of package names, searched in order.'],
    ]);
  });
});
