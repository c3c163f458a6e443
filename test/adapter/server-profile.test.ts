/**
 * The server keys of a profile as the adapter gets them (no server needed): typos warned about,
 * dbt-clickhouse keys accepted, compression spellings, ca_cert relative to the project, and the
 * password kept out of what templates and artifacts see.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../src/artifacts/manifest.js';
import type { ClickhouseTarget } from '../../src/config/target.js';
import { load } from '../support/project.js';

const PROJECT = { 'project.yml': 'name: demo\nprofile: demo\n', 'models/m.sql': "select '{{ target.password }}' as p, '{{ target.user }}' as u\n" };

function server(lines: string[]) {
  return {
    ...PROJECT,
    'profiles.yml': ['demo:', '  target: dev', '  outputs:', '    dev:', '      type: clickhouse', ...lines.map((line) => `      ${line}`), ''].join('\n'),
  };
}

describe('server profile keys', () => {
  it('warns about an unknown key with the likely one, and accepts dbt-clickhouse keys without a word', () => {
    const project = load(server(['clustr: main', 'pasword: x', 'driver: http', 'check_exchange: false', 'local_suffix: _shard']));
    expect(project.warnings).toEqual([
      "profiles.yml:6: unknown setting `clustr` in target 'dev' is ignored. Did you mean 'cluster'?",
      "profiles.yml:7: unknown setting `pasword` in target 'dev' is ignored. Did you mean 'password'?",
    ]);
    expect((project.target as ClickhouseTarget).cluster).toBeUndefined();
  });

  it.each([
    ['true', true],
    ['false', false],
    ['gzip', true],
    ['lz4', true],
    ['"none"', false],
    ['""', false],
  ])('compression: %s → %s', (value, expected) => {
    expect((load(server([`compression: ${value}`])).target as ClickhouseTarget).compression).toBe(expected);
  });

  it('resolves ca_cert against the project folder; an absolute path stays', () => {
    const project = load(server(['secure: true', 'ca_cert: certs/ca.pem']));
    expect((project.target as ClickhouseTarget).caCert).toBe(path.join(project.dir, 'certs', 'ca.pem'));
    expect((load(server(['ca_cert: /etc/ssl/ca.pem'])).target as ClickhouseTarget).caCert).toBe('/etc/ssl/ca.pem');
  });

  it('keeps the password out of `target` in templates and out of the manifest', () => {
    const project = load(server(['password: "{{ env_var(\'CH_PASS\') }}"', 'user: bob', 'cluster: main']), { env: { CH_PASS: 'hunter2-canary' } });
    expect((project.target as ClickhouseTarget).password).toBe('hunter2-canary');
    const model = [...project.models.values()][0]!;
    const rendered = project.engine.compile(model.originalFilePath, model.rawSql).render({});
    expect(rendered).toContain("'bob' as u");
    expect(rendered).not.toContain('hunter2-canary');
    expect(JSON.stringify(buildManifest(project))).not.toContain('hunter2-canary');
  });
});
