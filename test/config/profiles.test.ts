import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClickhouseTarget } from '../../src/config/target.js';
import { ErrorCodes } from '../../src/core/errors.js';
import { load, loadErrors, summary, tempHome, tempProject } from '../support/project.js';

const PROJECT = { 'project.yml': 'name: demo\nprofile: demo\n', 'models/a.sql': 'select 1 as a\n' };

/** A profiles.yml whose only target builds into `schema`. */
function profiles(schema: string, profile = 'demo'): string {
  return `${profile}:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      schema: ${schema}\n`;
}

function dirWith(files: Record<string, string>): string {
  return tempProject(files);
}

describe('where profiles.yml is looked up', () => {
  it('uses --profiles-dir, then TSDBT_PROFILES_DIR, then DBT_PROFILES_DIR, then the project folder, then ~/.tsdbt, then ~/.dbt', () => {
    const flagDir = dirWith({ 'profiles.yml': profiles('from_flag') });
    const envDir = dirWith({ 'profiles.yml': profiles('from_env') });
    const dbtEnvDir = dirWith({ 'profiles.yml': profiles('from_dbt_env') });
    const home = tempHome();
    mkdirSync(path.join(home, '.dbt'));
    writeFileSync(path.join(home, '.tsdbt', 'profiles.yml'), profiles('from_home'));
    writeFileSync(path.join(home, '.dbt', 'profiles.yml'), profiles('from_dbt_home'));
    const files = { ...PROJECT, 'profiles.yml': profiles('from_project') };
    const schemaWith = (files: Record<string, string>, options: { profilesDir?: string; env: Record<string, string> }) => {
      const project = load(files, options);
      return { schema: project.target.schema, file: project.profilesFile };
    };
    const env = { TSDBT_PROFILES_DIR: envDir, DBT_PROFILES_DIR: dbtEnvDir, HOME: home };

    expect(schemaWith(files, { profilesDir: flagDir, env })).toEqual({ schema: 'from_flag', file: path.join(flagDir, 'profiles.yml') });
    expect(schemaWith(files, { env })).toEqual({ schema: 'from_env', file: path.join(envDir, 'profiles.yml') });
    expect(schemaWith(files, { env: { DBT_PROFILES_DIR: dbtEnvDir, HOME: home } })).toEqual({
      schema: 'from_dbt_env',
      file: path.join(dbtEnvDir, 'profiles.yml'),
    });
    expect(schemaWith(files, { env: { HOME: home } }).schema).toBe('from_project');
    expect(schemaWith(PROJECT, { env: { HOME: home } })).toEqual({ schema: 'from_home', file: path.join(home, '.tsdbt', 'profiles.yml') });
    rmSync(path.join(home, '.tsdbt', 'profiles.yml'));
    expect(schemaWith(PROJECT, { env: { HOME: home } })).toEqual({ schema: 'from_dbt_home', file: path.join(home, '.dbt', 'profiles.yml') });
  });

  it('fails when --profiles-dir, TSDBT_PROFILES_DIR or DBT_PROFILES_DIR points to a folder without profiles.yml', () => {
    const empty = dirWith({ 'README.md': 'nothing here' });
    const cases = [
      { options: { profilesDir: empty }, namedBy: '--profiles-dir' },
      { options: { env: { TSDBT_PROFILES_DIR: empty } }, namedBy: 'TSDBT_PROFILES_DIR' },
      { options: { env: { DBT_PROFILES_DIR: empty } }, namedBy: 'DBT_PROFILES_DIR' },
    ];
    for (const { options, namedBy } of cases) {
      const [error, ...rest] = loadErrors(PROJECT, options);
      expect(rest).toEqual([]);
      expect(error!.code).toBe(ErrorCodes.PROFILE_NOT_FOUND);
      expect(error!.message).toBe(`No profiles.yml in ${empty}, which ${namedBy} points to.`);
      expect(error!.hint).toMatch(
        new RegExp(`^Create profiles.yml there, or unset ${namedBy} to use the embedded engine\\. A profiles.yml for this project looks like this`),
      );
      expect(error!.hint).not.toMatch(/profiles\.example\.yml|README/);
    }
  });

  it('does not fall back to a later folder when the first profiles.yml lacks the profile, and names every file searched', () => {
    const home = tempHome();
    writeFileSync(path.join(home, '.tsdbt', 'profiles.yml'), profiles('from_home'));
    const [error] = loadErrors({ ...PROJECT, 'profiles.yml': profiles('x', 'someone_else') }, { env: { HOME: home } });
    expect(error!.code).toBe(ErrorCodes.PROFILE_NOT_FOUND);
    expect(error!.message).toContain('tsdbt reads the first profiles.yml found, looking in order at ');
    expect(error!.message).toContain(path.join(home, '.tsdbt', 'profiles.yml'));
    expect(error!.message).toContain(path.join(home, '.dbt', 'profiles.yml'));
  });
});

describe('without any profiles.yml', () => {
  it('uses the embedded chDB target in .tsdbt/chdb, building into the database named after the project', () => {
    const project = load({ 'project.yml': 'name: demo\nprofile: other_profile\n', 'models/a.sql': 'select 1' });
    expect(project.profilesFile).toBeUndefined();
    expect(project.target).toEqual({ type: 'chdb', name: 'dev', path: path.join(project.dir, '.tsdbt', 'chdb'), schema: 'demo', threads: 4, settings: {} });
  });

  it('refuses any --target, even dev: a named target must be defined, never quietly the embedded engine', () => {
    for (const target of ['dev', 'prod']) {
      const [error] = loadErrors(PROJECT, { target });
      expect(error!.code).toBe(ErrorCodes.TARGET_NOT_FOUND);
      expect(error!.message).toMatch(new RegExp(`^Target '${target}' was asked for, but there is no profiles\\.yml \\(searched .*\\.dbt\\)\\.$`));
      expect(error!.hint).toMatch(/^Without --target, tsdbt builds into the embedded engine under \.tsdbt\/\./);
      expect(error!.hint).toContain('  demo:\n    target: dev\n    outputs:');
    }
  });
});

describe('choosing the profile and target', () => {
  const two = [
    'demo:',
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: chdb',
    '      path: data/dev',
    '    prod:',
    '      type: chdb',
    '      schema: analytics',
    '      threads: 8',
  ].join('\n');

  it("uses the profile's `target:` by default and --target when given", () => {
    const dev = load({ ...PROJECT, 'profiles.yml': two });
    expect(dev.target).toEqual({ type: 'chdb', name: 'dev', path: path.join(dev.dir, 'data', 'dev'), schema: 'demo', threads: 4, settings: {} });
    const prod = load({ ...PROJECT, 'profiles.yml': two }, { target: 'prod' });
    expect(prod.target).toMatchObject({ name: 'prod', schema: 'analytics', threads: 8, path: path.join(prod.dir, '.tsdbt', 'chdb') });
  });

  it('uses the first output when the profile names no target', () => {
    const project = load({ ...PROJECT, 'profiles.yml': 'demo:\n  outputs:\n    first: {type: chdb, schema: one}\n    second: {type: chdb, schema: two}\n' });
    expect(project.target).toMatchObject({ name: 'first', schema: 'one' });
  });

  it('names the missing profile, where it looked, and the closest one', () => {
    const [error] = loadErrors({ ...PROJECT, 'profiles.yml': `${profiles('x', 'dmeo')}${profiles('y', 'other')}` });
    expect(summary(error!)).toEqual({
      code: ErrorCodes.PROFILE_NOT_FOUND,
      message: expect.stringMatching(
        /^Profile 'demo' \(named by `profile:` in the project file\) is not in profiles\.yml\. Did you mean 'dmeo'\? tsdbt reads the first profiles\.yml found, looking in order at \/.*\/profiles\.yml, \/.*\/\.tsdbt\/profiles\.yml, \/.*\/\.dbt\/profiles\.yml\.$/,
      ),
      location: 'profiles.yml:1',
      hint: 'Profiles found: dmeo, other. Rename one, or change `profile:` in the project file.',
    });
  });

  it('names the missing target with a did-you-mean, at the outputs line', () => {
    const [error] = loadErrors({ ...PROJECT, 'profiles.yml': two }, { target: 'prd' });
    expect(summary(error!)).toEqual({
      code: ErrorCodes.TARGET_NOT_FOUND,
      message: "Target 'prd' is not defined under `demo.outputs` in profiles.yml. Did you mean 'prod'?",
      location: 'profiles.yml:3',
      hint: 'Targets defined: dev, prod.',
    });
  });

  it('reports a profile without outputs', () => {
    const [error] = loadErrors({ ...PROJECT, 'profiles.yml': 'demo:\n  target: dev\n' });
    expect(summary(error!)).toMatchObject({
      code: ErrorCodes.CONFIG_INVALID,
      message: 'profiles.yml: `demo.outputs` must map target names to connection settings (e.g. `outputs: {dev: {type: chdb}}`).',
      location: 'profiles.yml:1',
    });
  });

  it('reports bad YAML in profiles.yml with its line', () => {
    const [error] = loadErrors({ ...PROJECT, 'profiles.yml': 'demo:\n  outputs:\n    dev: {type: chdb\n' });
    expect(error!.code).toBe(ErrorCodes.CONFIG_YAML_INVALID);
    expect(error!.file).toBe('profiles.yml');
    expect(error!.message).toMatch(/^profiles\.yml is not valid YAML: /);
  });
});

describe('validating a target', () => {
  const target = (lines: string[]) => ({ ...PROJECT, 'profiles.yml': ['demo:', '  outputs:', '    dev:', ...lines.map((line) => `      ${line}`)].join('\n') });

  it.each([
    {
      yaml: ['type: chdbb'],
      message: "profiles.yml: `demo.outputs.dev.type` must be 'chdb' (embedded) or 'clickhouse' (a server), but it is string \"chdbb\". Did you mean 'chdb'?",
      line: 4,
    },
    { yaml: ['path: /tmp/x'], message: "profiles.yml: `demo.outputs.dev.type` is required: 'chdb' (embedded) or 'clickhouse' (a server).", line: 3 },
    {
      yaml: ['type: chdb', 'threads: 0'],
      message: 'profiles.yml: `demo.outputs.dev.threads` must be a whole number from 1 to 256, but it is number 0.',
      line: 5,
    },
    {
      yaml: ['type: chdb', 'threads: many'],
      message: 'profiles.yml: `demo.outputs.dev.threads` must be a whole number from 1 to 256, but it is string "many".',
      line: 5,
    },
    {
      yaml: ['type: clickhouse', 'port: http'],
      message: 'profiles.yml: `demo.outputs.dev.port` must be a whole number from 1 to 65535, but it is string "http".',
      line: 5,
    },
    {
      yaml: ['type: clickhouse', 'secure: maybe'],
      message: 'profiles.yml: `demo.outputs.dev.secure` must be true or false, but it is string "maybe".',
      line: 5,
    },
    {
      yaml: ['type: clickhouse', 'connect_timeout: -1'],
      message: 'profiles.yml: `demo.outputs.dev.connect_timeout` must be a number of seconds, but it is number -1.',
      line: 5,
    },
    { yaml: ['type: clickhouse', 'url: "not a url"'], message: 'profiles.yml: `demo.outputs.dev.url` is not a valid URL.', line: 5 },
    {
      yaml: ['type: chdb', 'custom_settings: [a]'],
      message: 'profiles.yml: `demo.outputs.dev.custom_settings` must be a mapping of ClickHouse settings, but it is a list.',
      line: 5,
    },
  ])('$yaml', ({ yaml, message, line }) => {
    const errors = loadErrors(target(yaml));
    expect(errors.map(summary)).toMatchObject([{ code: ErrorCodes.CONFIG_INVALID, message, location: `profiles.yml:${line}` }]);
  });

  it('collects several problems of one target, in file order', () => {
    const errors = loadErrors(target(['type: clickhouse', 'threads: 0', 'port: x', 'secure: perhaps']));
    expect(errors.map((error) => error.location)).toEqual(['profiles.yml:5', 'profiles.yml:6', 'profiles.yml:7']);
  });

  it('fills in server defaults, and reads a url', () => {
    const plain = load(target(['type: clickhouse'])).target as ClickhouseTarget;
    expect(plain).toMatchObject({
      url: 'http://localhost:8123',
      host: 'localhost',
      port: 8123,
      secure: false,
      user: 'default',
      password: '',
      verify: true,
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 300_000,
      retries: 1,
      compression: false,
      schema: 'demo',
    });
    expect((load(target(['type: clickhouse', 'secure: true'])).target as ClickhouseTarget).url).toBe('https://localhost:8443');
    const fromUrl = load(
      target(['type: clickhouse', 'url: "https://bob:s%40cret@ch.example:9443"', 'database: analytics', 'cluster: main', 'custom_settings: {max_threads: 2}']),
    ).target as ClickhouseTarget;
    expect(fromUrl).toMatchObject({
      url: 'https://ch.example:9443',
      host: 'ch.example',
      port: 9443,
      secure: true,
      user: 'bob',
      password: 's@cret',
      schema: 'analytics',
      cluster: 'main',
      settings: { max_threads: 2 },
    });
  });
});

describe('{{ env_var() }} in profiles.yml', () => {
  const withPassword = (value: string) => ({
    ...PROJECT,
    'profiles.yml': [
      'demo:',
      '  target: dev',
      '  outputs:',
      '    dev:',
      '      type: clickhouse',
      '      host: 127.0.0.1',
      `      password: "${value}"`,
      "      user: \"{{ env_var('CH_USER', 'reader') }}\"",
    ].join('\n'),
  });

  it('reads the password from the environment, and a default when the variable is unset', () => {
    const target = load(withPassword("{{ env_var('CLICKHOUSE_PASSWORD') }}"), { env: { CLICKHOUSE_PASSWORD: 's3cret' } }).target as ClickhouseTarget;
    expect(target).toMatchObject({ password: 's3cret', user: 'reader' });
    const other = load(withPassword("{{ env_var('CLICKHOUSE_PASSWORD') }}"), { env: { CLICKHOUSE_PASSWORD: 'x', CH_USER: 'writer' } })
      .target as ClickhouseTarget;
    expect(other.user).toBe('writer');
  });

  it('fails with TSDBT1006 at the line of the value when the variable is missing', () => {
    const errors = loadErrors(withPassword("{{ env_var('CLICKHOUSE_PASSWORD') }}"));
    expect(errors.map(summary)).toEqual([
      {
        code: ErrorCodes.ENV_VAR_MISSING,
        message: "Environment variable 'CLICKHOUSE_PASSWORD' is not set, and env_var('CLICKHOUSE_PASSWORD') gives no default.",
        location: 'profiles.yml:7',
        hint: "Export CLICKHOUSE_PASSWORD before running tsdbt, or write env_var('CLICKHOUSE_PASSWORD', 'default').",
      },
    ]);
  });

  it('keeps the password out of what templates see as target', () => {
    const project = load(
      {
        ...withPassword("{{ env_var('CLICKHOUSE_PASSWORD') }}"),
        'models/a.sql': "select '{{ target.user }}' as u, '{{ target.password }}' as p, '{{ target.host }}' as h",
      },
      { env: { CLICKHOUSE_PASSWORD: 's3cret' } },
    );
    expect(project.engine.renderString('{{ target.password }}|{{ target.name }}|{{ target.type }}|{{ target.schema }}', {}, 'x')).toBe('|dev|clickhouse|demo');
  });
});
