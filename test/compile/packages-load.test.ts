/**
 * Installed packages as loadProject reads them (no database): names, configs and vars laid over by
 * the root project, require-dbt-version, packages declared but not installed, and partial parsing
 * still reusing renders in a project with packages.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/compile/load-project.js';
import { compileModels } from '../../src/compile/render-model.js';
import { compiledSqlOf } from '../../src/compile/run-state.js';
import { isTsdbtError, type TsdbtError } from '../../src/core/errors.js';
import { REPO_ROOT } from '../support/cli.js';
import { tempHome, tempProject } from '../support/project.js';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'packages', 'fixture_pkg');

const ROOT = {
  'dbt_project.yml': 'name: root_proj\nvars:\n  fixture_pkg:\n    greeting: hello_from_root\nmodels:\n  fixture_pkg:\n    +materialized: table\n',
  'models/uses_pkg.sql': "select n from {{ ref('fixture_pkg', 'pkg_numbers') }}",
  'packages.yml': 'packages:\n  - local: ../fixture_pkg\n',
};

/** A root project with the fixture package installed as `deps` leaves it (a copy here). */
function project(files: Record<string, string> = ROOT): string {
  const dir = tempProject(files);
  cpSync(FIXTURE, path.join(dir, 'dbt_packages', 'fixture_pkg'), { recursive: true });
  return dir;
}

const load = (dir: string) => loadProject({ projectDir: dir, env: { HOME: tempHome() } });

function errorsOf(dir: string): TsdbtError[] {
  try {
    load(dir);
  } catch (error) {
    if (isTsdbtError(error)) return error.all();
    throw error;
  }
  throw new Error('expected loading the project to fail');
}

describe('installed packages', () => {
  it("load under the package's name, with the root project's configs and vars over the package's", () => {
    const loaded = load(project());
    const model = loaded.models.get('model.fixture_pkg.pkg_numbers')!;
    expect(model).toMatchObject({
      packageName: 'fixture_pkg',
      fqn: ['fixture_pkg', 'pkg_numbers'],
      originalFilePath: 'dbt_packages/fixture_pkg/models/pkg_numbers.sql',
    });
    expect(model.config.materialized).toBe('table');
    expect(loaded.models.get('model.root_proj.uses_pkg')!.dependsOn.nodes).toEqual(['model.fixture_pkg.pkg_numbers']);
    expect(compileModels(loaded)).toEqual([]);
    expect(compiledSqlOf(loaded, model)).toContain("'hello_from_root' as greeting");
    expect(compiledSqlOf(loaded, model)).toContain('upper(');
  });

  it('names each part of a package tsdbt does not load (snapshots, analyses, unit tests, doc blocks, hooks) in a warning', () => {
    const dir = project();
    const pkg = path.join(dir, 'dbt_packages', 'fixture_pkg');
    for (const folder of ['snapshots', 'analyses']) mkdirSync(path.join(pkg, folder), { recursive: true });
    writeFileSync(path.join(pkg, 'snapshots', 'snap.sql'), '{% snapshot snap %}select 1{% endsnapshot %}');
    writeFileSync(path.join(pkg, 'analyses', 'look.sql'), 'select 1');
    writeFileSync(path.join(pkg, 'models', 'unit.yml'), 'version: 2\nunit_tests:\n  - name: t\n    model: pkg_numbers\n');
    writeFileSync(path.join(pkg, 'models', 'docs.md'), '{% docs pkg_doc %}text{% enddocs %}');
    appendFileSync(path.join(pkg, 'dbt_project.yml'), '\non-run-start:\n  - select 1\n');
    const warnings = load(dir).warnings.filter((warning) => warning.includes("package 'fixture_pkg'"));
    const skipped = 'which tsdbt does not load from packages; it is skipped.';
    expect(warnings).toEqual(
      expect.arrayContaining([
        `dbt_packages/fixture_pkg/snapshots/snap.sql: package 'fixture_pkg' has a snapshot file, ${skipped}`,
        `dbt_packages/fixture_pkg/analyses/look.sql: package 'fixture_pkg' has an analysis, ${skipped}`,
        `dbt_packages/fixture_pkg/models/unit.yml:2: package 'fixture_pkg' has unit tests, ${skipped}`,
        `dbt_packages/fixture_pkg/models/docs.md: package 'fixture_pkg' has doc blocks, ${skipped}`,
      ]),
    );
    expect(warnings.some((warning) => /^dbt_packages\/fixture_pkg\/dbt_project\.yml:\d+: package 'fixture_pkg' has on-run-start hooks/.test(warning))).toBe(
      true,
    );
    expect(load(project()).warnings.filter((warning) => warning.includes("package 'fixture_pkg'"))).toEqual([]);
  });

  it('a ref to a package that is not installed, or to a model it does not have, says which', () => {
    const dir = project({ ...ROOT, 'models/uses_pkg.sql': "select 1 from {{ ref('fixture_pkgg', 'pkg_numbers') }} join {{ ref('fixture_pkg', 'nope') }}" });
    expect(errorsOf(dir).map((error) => error.message)).toEqual([
      "Model 'uses_pkg' refers to 'pkg_numbers' in package 'fixture_pkgg', which is not installed. Did you mean 'fixture_pkg'?",
      "Model 'uses_pkg' refers to 'nope' in 'fixture_pkg', which has no model or seed of that name.",
    ]);
  });

  it("checks require-dbt-version against dbt 1.8.0, the project's and each package's", () => {
    const dir = project({ ...ROOT, 'dbt_project.yml': `${ROOT['dbt_project.yml']}require-dbt-version: ">=1.9.0"\n` });
    expect(errorsOf(dir).map((error) => [error.code, error.message, error.file, error.line])).toEqual([
      ['TSDBT1602', "Project 'root_proj' requires dbt >=1.9.0, but tsdbt is compatible with dbt 1.8.0.", 'dbt_project.yml', 8],
    ]);
  });

  it('packages listed but not installed are one error saying to run deps', () => {
    const dir = tempProject(ROOT);
    expect(errorsOf(dir).map((error) => [error.code, error.message, error.hint])).toEqual([
      ['TSDBT1601', 'packages.yml lists 1 package, but none is installed in dbt_packages/.', 'Run `tsdbt deps` to install the packages.'],
    ]);
  });

  it('partial parsing keeps the renders of the root project and of the package', () => {
    const dir = project();
    load(dir);
    const cache = JSON.parse(readFileSync(path.join(dir, 'target', 'partial_parse.json'), 'utf8')) as { models: Record<string, unknown> };
    expect(Object.keys(cache.models).sort()).toEqual([
      'dbt_packages/fixture_pkg/models/pkg_numbers.sql',
      'dbt_packages/fixture_pkg/models/pkg_one.sql',
      'models/uses_pkg.sql',
    ]);
    expect(existsSync(path.join(dir, 'target', 'partial_parse.json'))).toBe(true);
  });
});
