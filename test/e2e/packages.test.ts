/**
 * `tsdbt deps` and package loading through the CLI on chDB: the fixture package of
 * test/fixtures/packages/fixture_pkg (dispatched and unqualified macros, a model, a generic test,
 * vars) installed through local:, git: (a bare repository made here), tarball: (made here) and a
 * package hub (a local HTTP server: no test reaches the internet).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, removeProject, runCli, writeProject } from '../support/cli.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { showInProcess } from '../support/show-in-process.js';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'packages', 'fixture_pkg');

let work: string;
let root: string;
let hub: Server;
let hubUrl: string;
let tarball: string;

const ROOT_PROJECT = [
  'name: root_proj',
  'profile: root_proj',
  'clean-targets: ["target", "dbt_packages"]',
  'vars:',
  '  fixture_pkg:',
  '    greeting: hello_from_root',
  'models:',
  '  fixture_pkg:',
  '    +materialized: table',
  '',
].join('\n');

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-packages-'));
  root = writeProject({
    'dbt_project.yml': ROOT_PROJECT,
    'profiles.yml': 'root_proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: .tsdbt/data\n      schema: root_proj\n',
    'models/uses_pkg.sql': "select n, {{ fixture_pkg.quadruple('n') }} as quadrupled, loud from {{ ref('fixture_pkg', 'pkg_numbers') }}",
    'models/schema.yml':
      'models:\n  - name: uses_pkg\n    tests:\n      - fixture_pkg.has_columns: {expected: 3}\n    columns:\n      - name: n\n        tests:\n          - fixture_pkg.is_positive\n          - is_positive\n',
    // The root project overrides the package's dispatched macro for ClickHouse, as dbt lets it.
    'macros/overrides.sql': "{% macro clickhouse__shout(text) %}concat(upper({{ text }}), '!'){% endmacro %}",
  });
  // tarball: the fixture in a top folder, as GitHub archives have it.
  tarball = path.join(work, 'fixture_pkg-1.0.0.tar.gz');
  cpSync(FIXTURE, path.join(work, 'tar', 'fixture_pkg-1.0.0'), { recursive: true });
  execFileSync('tar', ['czf', tarball, '-C', path.join(work, 'tar'), 'fixture_pkg-1.0.0']);
  const tarBytes = readFileSync(tarball);
  hub = createServer((request, reply) => {
    const base = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    if (request.url === '/api/v1/fixture-org/fixture_pkg.json') {
      const version = (v: string) => ({ name: 'fixture_pkg', version: v, downloads: { tarball: `${base}/tarballs/fixture_pkg-${v}.tar.gz` } });
      reply.setHeader('content-type', 'application/json');
      // 1.2.0 requires a dbt tsdbt is not compatible with: skipped, as dbt skips it.
      const versions = {
        '1.0.0': version('1.0.0'),
        '1.1.0': version('1.1.0'),
        '1.2.0': { ...version('1.2.0'), require_dbt_version: ['>=2.0.0'] },
        '2.0.0': version('2.0.0'),
      };
      reply.end(JSON.stringify({ name: 'fixture_pkg', versions }));
    } else if (request.url?.startsWith('/tarballs/')) {
      reply.end(tarBytes);
    } else {
      reply.statusCode = 404;
      reply.end('{}');
    }
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => hub?.close(resolve));
  removeProject(root);
  rmSync(work, { recursive: true, force: true });
});

/**
 * `tsdbt <args>` run by the CLI's `main` in this process: these tests are about what deps installs
 * and locks and what the project then builds, not about the process, and each real one costs about
 * 1 s of CPU. The first install and the two refusals below stay real processes (`cliProcess`), so
 * the built CLI installs packages and exits non-zero on errors here too.
 */
const cli = (args: string[]) => runCliInProcess(args, { cwd: root, env: { TSDBT_PACKAGE_HUB_URL: hubUrl } });
const cliProcess = (args: string[]) => runCli(args, { cwd: root, env: { TSDBT_PACKAGE_HUB_URL: hubUrl }, timeoutMs: 120_000 });

function usePackages(yaml: string): void {
  writeFileSync(path.join(root, 'packages.yml'), yaml);
  rmSync(path.join(root, 'package-lock.yml'), { force: true });
  rmSync(path.join(root, 'dbt_packages'), { recursive: true, force: true });
}

/** What a model holds, by the show task in this process (test/support/show-in-process.ts): the build is the CLI's, the read need not be. */
async function rows(sql: string): Promise<unknown[]> {
  return showInProcess(root, { TSDBT_PACKAGE_HUB_URL: hubUrl }, sql);
}

/** deps, run and test, then what the root model and the package's model hold. */
async function buildAndCheck(): Promise<void> {
  const run = await cli(['run']);
  expect(run.code, run.stderr).toBe(0);
  expect(await rows("select n, quadrupled, loud from {{ ref('uses_pkg') }} order by n")).toEqual([
    { n: 1, quadrupled: 4, loud: 'ABC!' },
    { n: 2, quadrupled: 8, loud: 'ABC!' },
    { n: 3, quadrupled: 12, loud: 'ABC!' },
  ]);
  // The root project's `models: fixture_pkg: +materialized: table` and `vars: fixture_pkg:` apply to the package.
  expect(
    await rows(
      "select distinct greeting, (select engine from system.tables where database = 'root_proj' and name = 'pkg_numbers') as engine from {{ ref('fixture_pkg', 'pkg_numbers') }}",
    ),
  ).toEqual([{ greeting: 'hello_from_root', engine: 'MergeTree' }]);
  const test = await cli(['test']);
  expect(test.code, test.stderr).toBe(0);
  expect(test.stderr).toMatch(/PASS=6\b/);
}

describe('tsdbt deps', () => {
  it('installs a local: package as a link, writes package-lock.yml, and the project builds with it', async () => {
    usePackages(`packages:\n  - local: ${JSON.stringify(FIXTURE)}\n`);
    const deps = await cliProcess(['deps']);
    expect(deps.code, deps.stderr).toBe(0);
    expect(lstatSync(path.join(root, 'dbt_packages', 'fixture_pkg')).isSymbolicLink()).toBe(true);
    const lock = readFileSync(path.join(root, 'package-lock.yml'), 'utf8');
    expect(lock).toMatch(new RegExp(`^packages:\\n  - local: ${FIXTURE.replace(/[/.]/g, '\\$&')}\\n    name: fixture_pkg\\nsha1_hash: [0-9a-f]{40}\\n$`));
    const listed = await cli(['ls', '--output', 'json', '--output-keys', 'unique_id']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { unique_id: string }).unique_id),
    ).toEqual([
      'model.fixture_pkg.pkg_numbers',
      'model.fixture_pkg.pkg_one',
      'model.root_proj.uses_pkg',
      'source.fixture_pkg.pkg_src.one',
      'test.fixture_pkg.assert_three_numbers',
      'test.fixture_pkg.is_positive_pkg_numbers_doubled.688662aa80',
      'test.fixture_pkg.not_null_pkg_numbers_n.71e6b43a20',
      expect.stringMatching(/^test\.root_proj\.fixture_pkg_has_columns_uses_pkg_3\.[0-9a-f]{10}$/),
      expect.stringMatching(/^test\.root_proj\.fixture_pkg_is_positive_uses_pkg_n\.[0-9a-f]{10}$/),
      expect.stringMatching(/^test\.root_proj\.is_positive_uses_pkg_n\.[0-9a-f]{10}$/),
    ]);
    await buildAndCheck();
    // Again: the lock file is kept as it is, and the install is the same.
    const again = await cli(['deps']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'package-lock.yml'), 'utf8')).toBe(lock);
    expect(again.stderr).not.toContain('Updated package-lock.yml');
    expect(lstatSync(path.join(root, 'dbt_packages', 'fixture_pkg')).isSymbolicLink()).toBe(true);
    // clean deletes the install folder and the link in it, never the linked package's files.
    const clean = await cli(['clean']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(existsSync(path.join(root, 'dbt_packages'))).toBe(false);
    expect(existsSync(path.join(FIXTURE, 'models', 'pkg_numbers.sql'))).toBe(true);
  }, 180_000);

  it('installs a git: package from a subdirectory at a tag, pinning the commit in the lock file', async () => {
    const source = path.join(work, 'git-src');
    cpSync(FIXTURE, path.join(source, 'packages', 'fixture_pkg'), { recursive: true });
    const git = (args: string[], cwd: string) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    git(['init', '--quiet'], source);
    git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.'], source);
    git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'fixture'], source);
    git(['tag', 'v1.0.0'], source);
    const commit = git(['rev-parse', 'HEAD'], source);
    const bare = path.join(work, 'fixture.git');
    git(['clone', '--quiet', '--bare', source, bare], work);
    usePackages(`packages:\n  - git: ${JSON.stringify(bare)}\n    revision: v1.0.0\n    subdirectory: packages/fixture_pkg\n`);
    const deps = await cli(['deps']);
    expect(deps.code, deps.stderr).toBe(0);
    const lock = readFileSync(path.join(root, 'package-lock.yml'), 'utf8');
    expect(lock).toContain(`revision: ${commit}`);
    expect(lock).toContain('subdirectory: packages/fixture_pkg');
    expect(existsSync(path.join(root, 'dbt_packages', 'fixture_pkg', '.git'))).toBe(false);
    await buildAndCheck();
    const again = await cli(['deps']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'package-lock.yml'), 'utf8')).toBe(lock);
  }, 180_000);

  it('installs a tarball: package from a .tar.gz file', async () => {
    usePackages(`packages:\n  - tarball: ${JSON.stringify(tarball)}\n    name: fixture_pkg\n`);
    const deps = await cli(['deps']);
    expect(deps.code, deps.stderr).toBe(0);
    expect(lstatSync(path.join(root, 'dbt_packages', 'fixture_pkg')).isDirectory()).toBe(true);
    await buildAndCheck();
  }, 180_000);

  it('resolves a hub package to the highest version in range, and --upgrade / --lock behave as in dbt', async () => {
    usePackages('packages:\n  - package: fixture-org/fixture_pkg\n    version: [">=1.0.0", "<2.0.0"]\n');
    const lockOnly = await cli(['deps', '--lock']);
    expect(lockOnly.code, lockOnly.stderr).toBe(0);
    expect(existsSync(path.join(root, 'dbt_packages'))).toBe(false);
    const lock = readFileSync(path.join(root, 'package-lock.yml'), 'utf8');
    expect(lock).toMatch(/- package: fixture-org\/fixture_pkg\n {4}version: 1\.1\.0\n {4}name: fixture_pkg\n/);
    const deps = await cli(['deps']);
    expect(deps.code, deps.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'package-lock.yml'), 'utf8')).toBe(lock);
    const upgraded = await cli(['deps', '--upgrade']);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(upgraded.stderr).toContain('Updated package-lock.yml');
    await buildAndCheck();
  }, 180_000);

  it('an unreachable hub is one coded error, and nothing is installed or locked', async () => {
    usePackages(`packages:\n  - local: ${JSON.stringify(FIXTURE)}\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n`);
    const deps = await runCli(['deps'], { cwd: root, env: { TSDBT_PACKAGE_HUB_URL: 'http://127.0.0.1:1' } });
    expect(deps.code).not.toBe(0);
    expect(deps.stderr.match(/TSDBT\d{4}/g)).toEqual(['TSDBT1604']);
    expect(deps.stderr).toContain("cannot be reached to resolve 'dbt-labs/dbt_utils'");
    expect(deps.stderr).toContain('packages.yml:3');
    expect(existsSync(path.join(root, 'dbt_packages'))).toBe(false);
    expect(existsSync(path.join(root, 'package-lock.yml'))).toBe(false);
    // The project says what to do rather than failing on an unknown macro.
    const run = await cli(['run']);
    expect(run.code).not.toBe(0);
    expect(run.stderr.match(/TSDBT\d{4}/g)).toEqual(['TSDBT1601']);
    expect(run.stderr).toContain('packages.yml lists 2 packages, but none is installed in dbt_packages/.');
    expect(run.stderr).toContain('Run `tsdbt deps`');
  }, 60_000);

  it("refuses a packages-install-path that would replace the project's own files", async () => {
    const unsafe = writeProject({
      'dbt_project.yml': 'name: unsafe\npackages-install-path: models\n',
      'models/keep.sql': 'select 1',
      'packages.yml': `packages:\n  - local: ${JSON.stringify(FIXTURE)}\n`,
    });
    try {
      const deps = await runCli(['deps'], { cwd: unsafe });
      expect(deps.code).not.toBe(0);
      expect(deps.stderr).toContain("Error TSDBT1800: packages-install-path 'models' overlaps the project's own models");
      expect(readFileSync(path.join(unsafe, 'models', 'keep.sql'), 'utf8')).toBe('select 1');
    } finally {
      removeProject(unsafe);
    }
  });

  it('requirements no version meets are an error naming both requirers', async () => {
    const other = path.join(work, 'other_pkg');
    mkdirSync(other, { recursive: true });
    writeFileSync(path.join(other, 'dbt_project.yml'), 'name: other_pkg\nversion: "1.0.0"\n');
    writeFileSync(path.join(other, 'packages.yml'), 'packages:\n  - package: fixture-org/fixture_pkg\n    version: ">=2.0.0"\n');
    usePackages(`packages:\n  - package: fixture-org/fixture_pkg\n    version: [">=1.0.0", "<2.0.0"]\n  - local: ${JSON.stringify(other)}\n`);
    const deps = await cli(['deps']);
    expect(deps.code).not.toBe(0);
    expect(deps.stderr.match(/TSDBT\d{4}/g)).toEqual(['TSDBT1603']);
    expect(deps.stderr).toContain("'root_proj' requires >=1.0.0, <2.0.0");
    expect(deps.stderr).toContain("'other_pkg' requires >=2.0.0");
    expect(existsSync(path.join(root, 'dbt_packages'))).toBe(false);
  }, 60_000);
});
