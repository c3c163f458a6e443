import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateProjectConfig } from '../../src/config/project-config.js';
import { parseYaml } from '../../src/config/yaml-document.js';
import { ErrorCodes, type TsdbtError } from '../../src/core/errors.js';
import { findProject } from '../../src/project/find-project.js';
import { catchError } from '../graph/select/catch-error.js';
import { load, loadErrors, summary, tempProject } from '../support/project.js';

const MODEL = { 'models/a.sql': 'select 1 as a\n' };

/** Validates project.yml text; returns the errors (as summaries) and warnings. */
function validate(text: string) {
  const result = validateProjectConfig(parseYaml(text, 'project.yml'));
  return { config: result.config, errors: result.errors.map(summary), warnings: result.warnings };
}

function yamlError(text: string): TsdbtError {
  return catchError(() => parseYaml(text, 'project.yml'));
}

describe('project.yml: YAML syntax errors carry file:line', () => {
  it.each([
    {
      name: 'an unclosed flow sequence',
      text: 'name: demo\nmodel-paths: [models\nmacro-paths: [macros]\n',
      line: 2,
      message: /^project\.yml is not valid YAML: the list opened with `\[` on line 2 is never closed with `\]`\.$/,
    },
    {
      name: 'a bad indentation',
      text: 'name: demo\nmodels:\n  demo:\n    +materialized: view\n   +tags: x\n',
      line: 5,
      message: /^project\.yml is not valid YAML: line 5 is indented by 3 spaces, out of step with the lines around it \(the line before is indented by 4\)\.$/,
    },
    {
      name: 'a duplicated key',
      text: 'name: demo\nprofile: demo\nname: other\n',
      line: 3,
      message: /^project\.yml is not valid YAML: line 3 repeats the key `name`, which this mapping already has\.$/,
    },
  ])('$name', ({ text, line, message }) => {
    const error = yamlError(text);
    expect(error.code).toBe(ErrorCodes.CONFIG_YAML_INVALID);
    expect(error.message).toMatch(message);
    expect(error.location).toBe(`project.yml:${line}`);
    // One mistake, one error: the parser's follow-on complaints are not passed on.
    expect(error.related).toEqual([]);
  });

  it('says that an unquoted {{ }} value must be quoted (YAML would read it as a mapping)', () => {
    const error = yamlError("name: demo\nvars:\n  ok: \"{{ env_var('Y') }}\"\n  x: {{ env_var('X') }}\n");
    expect(summary(error)).toEqual({
      code: ErrorCodes.CONFIG_YAML_INVALID,
      message: 'project.yml has an unquoted `{{ … }}` value, which YAML reads as a mapping rather than text.',
      location: 'project.yml:4',
      hint: 'Put the value in quotes: `key: "{{ … }}"`.',
    });
  });

  it('reports a broken project.yml through loadProject with the same code and line', () => {
    const [error, ...rest] = loadErrors({ 'project.yml': 'name: demo\nprofile: [demo\n', ...MODEL });
    expect(rest).toEqual([]);
    expect(error!.code).toBe(ErrorCodes.CONFIG_YAML_INVALID);
    expect(error!.file).toBe('project.yml');
    expect(error!.line).toBeGreaterThanOrEqual(2);
  });
});

describe('project.yml: wrong types, each error at its key, all collected', () => {
  it.each([
    {
      key: 'name',
      yaml: 'profile: demo',
      message: 'project.yml: `name` is required: the project name, used in unique ids and as the default profile name.',
      line: 1,
    },
    { key: 'name', yaml: 'name: 3', message: 'project.yml: `name` must be a string, but it is number 3.', line: 1 },
    {
      key: 'name',
      yaml: 'name: my-project',
      message: "project.yml: `name` must contain only letters, digits and underscores, and not start with a digit; got 'my-project'.",
      line: 1,
    },
    {
      key: 'profile',
      yaml: 'name: demo\nprofile: [a, b]',
      message: 'project.yml: `profile` must be the name of a profile in profiles.yml, but it is a list.',
      line: 2,
    },
    {
      key: 'model-paths',
      yaml: 'name: demo\nmodel-paths: 5',
      message: 'project.yml: `model-paths` must be a list of folder paths, but it is number 5.',
      line: 2,
    },
    {
      key: 'macro-paths',
      yaml: 'name: demo\nmacro-paths: [1, 2]',
      message: 'project.yml: `macro-paths` must be a list of folder paths, but it is a list.',
      line: 2,
    },
    { key: 'target-path', yaml: 'name: demo\ntarget-path: [a]', message: 'project.yml: `target-path` must be a folder path, but it is a list.', line: 2 },
    { key: 'vars', yaml: 'name: demo\nvars: [a]', message: 'project.yml: `vars` must be a mapping of variable names to values, but it is a list.', line: 2 },
    {
      key: 'models',
      yaml: 'name: demo\nmodels: table',
      message: 'project.yml: `models` must be a mapping of folders to configs (e.g. `models: {demo: {+materialized: table}}`), but it is string "table".',
      line: 2,
    },
    {
      key: 'on-run-start',
      yaml: 'name: demo\non-run-start: {a: 1}',
      message: 'project.yml: `on-run-start` must be a SQL statement or a list of them, but it is a mapping.',
      line: 2,
    },
    { key: '(root)', yaml: '- name: demo', message: 'project.yml: must be a mapping of settings (name, profile, model-paths, …), but it is a list.', line: 1 },
  ])('$key: $yaml', ({ yaml, message, line }) => {
    const { config, errors } = validate(yaml);
    expect(config).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: ErrorCodes.CONFIG_INVALID, message, location: `project.yml:${line}` });
  });

  it('collects every problem of the file, not only the first', () => {
    const { errors } = validate('name: 3\nprofile: demo\nmodel-paths: 5\nvars: []\n');
    expect(errors.map((error) => error.location)).toEqual(['project.yml:1', 'project.yml:3', 'project.yml:4']);
    const thrown = loadErrors({ 'project.yml': 'name: 3\nprofile: demo\nmodel-paths: 5\nvars: []\n', ...MODEL });
    expect(thrown.map((error) => error.location)).toEqual(['project.yml:1', 'project.yml:3', 'project.yml:4']);
  });
});

describe('project.yml: unknown keys warn with a did-you-mean', () => {
  it.each([
    { key: 'modle-paths', warning: "project.yml:3: unknown setting `modle-paths` is ignored. Did you mean 'model-paths'?" },
    { key: 'prfile', warning: "project.yml:3: unknown setting `prfile` is ignored. Did you mean 'profile'?" },
    { key: 'something_else', warning: 'project.yml:3: unknown setting `something_else` is ignored.' },
  ])('$key', ({ key, warning }) => {
    const { config, errors, warnings } = validate(`name: demo\nprofile: demo\n${key}: [x]\n`);
    expect(errors).toEqual([]);
    expect(config?.name).toBe('demo');
    expect(warnings).toEqual([warning]);
  });

  it('are reported by loadProject as warnings, not errors', () => {
    const project = load({ 'project.yml': 'name: demo\nmacro-path: [m]\n', ...MODEL });
    expect(project.warnings).toEqual(["project.yml:2: unknown setting `macro-path` is ignored. Did you mean 'macro-paths'?"]);
  });
});

describe('project.yml: defaults and the dbt keys', () => {
  it('fills in dbt defaults', () => {
    const { config } = validate('name: demo\n');
    expect(config).toMatchObject({
      name: 'demo',
      profile: 'demo',
      modelPaths: ['models'],
      macroPaths: ['macros'],
      seedPaths: ['seeds'],
      testPaths: ['tests'],
      targetPath: 'target',
      cleanTargets: ['target', 'logs'],
      vars: {},
      models: {},
      onRunStart: [],
      onRunEnd: [],
      file: 'project.yml',
    });
  });

  it('reads every key of the example project', () => {
    const { config, errors, warnings } = validate(
      [
        'name: astro',
        'version: "1.0.0"',
        'config-version: 2',
        'profile: space',
        'model-paths: ["sql"]',
        'macro-paths: ["m1", "m2"]',
        'seed-paths: ["data"]',
        'test-paths: ["checks"]',
        'target-path: "out"',
        'clean-targets: ["out"]',
        'vars: {snapshots_to_keep: 1}',
        'on-run-start: "select 1"',
        'on-run-end: ["select 2", "select 3"]',
        'models: {astro: {+materialized: view}}',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      name: 'astro',
      version: '1.0.0',
      profile: 'space',
      modelPaths: ['sql'],
      macroPaths: ['m1', 'm2'],
      seedPaths: ['data'],
      testPaths: ['checks'],
      targetPath: 'out',
      cleanTargets: ['out'],
      vars: { snapshots_to_keep: 1 },
      onRunStart: ['select 1'],
      onRunEnd: ['select 2', 'select 3'],
      models: { astro: { '+materialized': 'view' } },
    });
  });

  it('accepts the legacy source-paths and data-paths', () => {
    const { config } = validate('name: demo\nsource-paths: ["src_models"]\ndata-paths: ["data"]\n');
    expect(config).toMatchObject({ modelPaths: ['src_models'], seedPaths: ['data'] });
  });
});

describe('finding the project file', () => {
  it('falls back to dbt_project.yml when there is no project.yml', () => {
    const project = load({ 'dbt_project.yml': 'name: legacy\nprofile: legacy\n', ...MODEL });
    expect(project.config).toMatchObject({ name: 'legacy', file: 'dbt_project.yml' });
    expect([...project.models.keys()]).toEqual(['model.legacy.a']);
  });

  it('prefers project.yml when both exist', () => {
    const project = load({ 'project.yml': 'name: mine\n', 'dbt_project.yml': 'name: theirs\n', ...MODEL });
    expect(project.config.name).toBe('mine');
  });

  it('reports errors in a dbt_project.yml under that name', () => {
    const [error] = loadErrors({ 'dbt_project.yml': 'name: demo\nmodel-paths: 5\n', ...MODEL });
    expect(summary(error!)).toMatchObject({
      message: 'dbt_project.yml: `model-paths` must be a list of folder paths, but it is number 5.',
      location: 'dbt_project.yml:2',
    });
  });

  it('walks up from a sub-folder to the project root', () => {
    const project = load({ 'project.yml': 'name: demo\n', 'models/deep/er/b.sql': 'select 2 as b\n', ...MODEL }, { sub: 'models/deep/er' });
    expect(project.config.name).toBe('demo');
    expect([...project.models.keys()].sort()).toEqual(['model.demo.a', 'model.demo.b']);
  });

  it('says where it looked when there is no project file', () => {
    const dir = tempProject({ 'models/a.sql': 'select 1' });
    const error = catchError(() => findProject(path.join(dir, 'models')));
    // A project file in some folder above the temp dir (there is none on a sane machine) would be found instead.
    expect(summary(error)).toEqual({
      code: ErrorCodes.CONFIG_FILE_MISSING,
      message: `No project.yml or dbt_project.yml found in ${path.join(dir, 'models')} or any folder above it.`,
      location: undefined,
      hint: 'Run tsdbt inside a project (a folder with a project.yml), or pass --project-dir <folder>.',
    });
  });
});
