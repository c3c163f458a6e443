#!/usr/bin/env node
/**
 * Runs dbt-utils' own integration_tests project with tsdbt on the embedded engine (chDB) and
 * prints the share of models built and data tests passed, then every failure.
 *
 *   npm run build && node scripts/dbt-utils-integration.mjs /path/to/dbt-utils [--keep] [--setting name=value ...]
 *
 * The checkout is only read: integration_tests is copied to a temporary folder, its packages.yml
 * (`local: ../`) is pointed at the checkout, and a profiles.yml for chDB is written next to it.
 * Nothing of dbt-utils is copied into this repository. `--setting name=value` adds a ClickHouse
 * setting to the profile (repeatable), to measure what a setting changes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const extraSettings = [];
const positional = [];
for (let index = 0; index < args.length; index += 1) {
  if (args[index] === '--setting') extraSettings.push(args[++index] ?? '');
  else if (!args[index].startsWith('--')) positional.push(args[index]);
}
const checkout = positional[0];
const keep = args.includes('--keep');
const badSetting = extraSettings.find((setting) => !/^[A-Za-z_][A-Za-z0-9_]*=[^\s]+$/.test(setting));
if (checkout === undefined || !existsSync(path.join(checkout, 'integration_tests', 'dbt_project.yml')) || badSetting !== undefined) {
  console.error('usage: node scripts/dbt-utils-integration.mjs <path to a dbt-utils checkout> [--keep] [--setting name=value ...]');
  process.exit(2);
}
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin', 'tsdbt');
const work = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-dbt-utils-'));
const project = path.join(work, 'integration_tests');
cpSync(path.join(checkout, 'integration_tests'), project, { recursive: true, filter: (source) => !/[/\\](target|dbt_packages|logs)$/.test(source) });
rmSync(path.join(project, 'package-lock.yml'), { force: true });
writeFileSync(path.join(project, 'packages.yml'), `packages:\n  - local: ${JSON.stringify(path.resolve(checkout))}\n`);
const settings = {
  // union_relations and unpivot cast NULL to the column's type: ClickHouse keeps it NULL only with this setting (docs/packages.md).
  cast_keep_nullable: 1,
  // --setting adds one, or replaces the one above.
  ...Object.fromEntries(extraSettings.map((setting) => setting.split(/=(.*)/s).slice(0, 2))),
};
writeFileSync(
  path.join(project, 'profiles.yml'),
  [
    'integration_tests:',
    '  target: chdb',
    '  outputs:',
    '    chdb:',
    '      type: chdb',
    '      path: .tsdbt/chdb',
    '      schema: dbt_utils_integration_tests',
    '      threads: 1',
    '      settings:',
    ...Object.entries(settings).map(([name, value]) => `        ${name}: ${value}`),
    '',
  ].join('\n'),
);

const env = { ...process.env, NO_COLOR: '1', TSDBT_PROFILES_DIR: project };
const results = {};
for (const command of ['deps', 'seed', 'run', 'test']) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [bin, command, '--project-dir', project], { cwd: project, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`tsdbt ${command}: exit ${run.status} in ${seconds}s`);
  if (command === 'deps' && run.status !== 0) {
    console.log(run.stderr || run.stdout);
    process.exit(1);
  }
  const file = path.join(project, 'target', 'run_results.json');
  if (command !== 'deps') {
    results[command] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).results : [];
    if (results[command].length === 0) console.log((run.stderr || run.stdout).split('\n').slice(0, 40).join('\n'));
    rmSync(file, { force: true });
  }
}

const summary = (list, ok) => {
  const passed = list.filter((result) => ok.includes(result.status)).length;
  return { passed, total: list.length, percent: list.length === 0 ? 0 : (100 * passed) / list.length };
};
const models = summary(results.run ?? [], ['success']);
const tests = summary(results.test ?? [], ['pass']);
const seeds = summary(results.seed ?? [], ['success']);
console.log(`\nseeds loaded: ${seeds.passed}/${seeds.total} (${seeds.percent.toFixed(1)}%)`);
console.log(`models built: ${models.passed}/${models.total} (${models.percent.toFixed(1)}%)`);
console.log(`data tests passed: ${tests.passed}/${tests.total} (${tests.percent.toFixed(1)}%)`);
for (const [command, ok] of [
  ['seed', ['success']],
  ['run', ['success']],
  ['test', ['pass']],
]) {
  const failed = (results[command] ?? []).filter((result) => !ok.includes(result.status));
  if (failed.length === 0) continue;
  console.log(`\nNot passing (${command}):`);
  for (const result of failed) {
    const message = String(result.message ?? '')
      .replace(/\s+/g, ' ')
      .slice(0, 300);
    console.log(`- ${result.unique_id}: ${result.status}${message === '' ? '' : `: ${message}`}`);
  }
}
if (keep) console.log(`\nproject kept in ${project}`);
else rmSync(work, { recursive: true, force: true });
