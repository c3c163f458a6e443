/**
 * `tsdbt ls` answered from the last compile's record and manifest.json (src/tasks/ls-recorded.ts)
 * against `tsdbt ls` parsing the project (src/tasks/ls.ts), on a project with every kind of node
 * (models in folders, a disabled one, seeds, sources, generic, singular and package tests, a unit
 * test, a snapshot, an analysis, an exposure, an installed package whose analysis the parse warns
 * about) and selectors.yml:
 *
 * - every form of `ls` the record can answer prints byte for byte what the parse prints, and says
 *   the same lines (the parse's warnings, the default selector, criteria that match nothing), or
 *   throws the same error;
 * - the forms it cannot answer exactly (state:, column:, compile-dependent --output-keys, an
 *   invalid selection…) are left to the parse;
 * - anything that changes what a parse gives (a model, YAML, selectors.yml, a var, an environment
 *   variable, the profile, the target, a new file, the manifest itself) makes ls parse again.
 *
 * In-process: the forms are many, and the parse path is what `tsdbt ls` ran before (the CLI calls
 * lsFromRecord first and parses when it answers nothing); test/tasks/ls-recorded-cli.test.ts runs
 * the CLI both ways.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_KEYS, lineOf } from '../../src/cli/commands/ls.js';
import { isTsdbtError } from '../../src/core/errors.js';
import { compile, type CompileOptions } from '../../src/tasks/compile.js';
import { patchCompile } from '../../src/tasks/compile-patch.js';
import { reuseCompile } from '../../src/tasks/compile-stamps.js';
import { createInvocation, type TaskLog } from '../../src/tasks/invocation.js';
import { ls } from '../../src/tasks/ls.js';
import { lsFromRecord, PARSE_FIELDS, type RecordedLsOptions } from '../../src/tasks/ls-recorded.js';
import { ageProjectFiles } from '../support/age-files.js';
import { REPO_ROOT } from '../support/cli.js';
import { writeLsProject } from '../support/ls-project.js';

let dir: string;
let env: NodeJS.ProcessEnv;

/** What a run said (details, which differ by path, left out). */
function capture(): { log: TaskLog; said: string[] } {
  const said: string[] = [];
  return {
    said,
    log: {
      info: (text) => said.push(`info: ${text}`),
      warn: (text) => said.push(`warn: ${text}`),
      detail: () => undefined,
      event: () => undefined,
      error: (error) => said.push(`error: ${error.message}`),
    },
  };
}

interface Form {
  select?: string[];
  models?: string[];
  exclude?: string[];
  selector?: string;
  resourceType?: string[];
  failOnEmptySelection?: boolean;
  vars?: string;
  target?: string;
  state?: string;
  output?: 'selector' | 'name' | 'path' | 'json';
  outputKeys?: string[];
}

/** What one `ls` prints (stdout lines), says, or throws (code, message, hint). */
interface Outcome {
  out: string;
  said: string[];
  error?: string;
}

function failure(error: unknown): string {
  return isTsdbtError(error) ? `${error.code} ${error.message} | ${error.hint ?? ''} | ${error.file ?? ''}` : String(error);
}

function optionsOf(form: Form): RecordedLsOptions {
  const { output: _output, outputKeys: _keys, ...rest } = form;
  return { ...rest, projectDir: dir };
}

/** `ls` answered from the record; undefined when it left the answer to the parse. */
async function fromRecord(form: Form, runEnv: NodeJS.ProcessEnv = env): Promise<Outcome | undefined> {
  const { log, said } = capture();
  const output = form.output ?? 'selector';
  try {
    const result = await lsFromRecord(createInvocation({ log, env: runEnv }), {
      ...optionsOf(form),
      manifestKeys: output === 'json' ? (form.outputKeys ?? JSON_KEYS) : undefined,
    });
    if (result === undefined) return undefined;
    return { out: result.nodes.map((entry) => lineOf(entry, { output, outputKeys: form.outputKeys })).join('\n'), said };
  } catch (error) {
    return { out: '', said, error: failure(error) };
  }
}

/** `ls` parsing the project, as before. */
function parsed(form: Form, runEnv: NodeJS.ProcessEnv = env): Outcome {
  const { log, said } = capture();
  const output = form.output ?? 'selector';
  try {
    const result = ls(createInvocation({ log, env: runEnv }), { ...optionsOf(form), withManifestEntries: output === 'json' });
    return { out: result.nodes.map((entry) => lineOf(entry, { output, outputKeys: form.outputKeys })).join('\n'), said };
  } catch (error) {
    return { out: '', said, error: failure(error) };
  }
}

async function compileNow(options: CompileOptions = {}, runEnv: NodeJS.ProcessEnv = env): Promise<void> {
  ageProjectFiles(dir);
  await compile(createInvocation({ log: capture().log, env: runEnv }), { projectDir: dir, ...options });
}

beforeAll(async () => {
  dir = writeLsProject();
  env = { HOME: dir, LS_FX_SUFFIX: 'a' };
  await compileNow();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FORMS: Form[] = [
  {},
  { output: 'name' },
  { output: 'path' },
  { output: 'json' },
  { output: 'json', resourceType: ['all'], outputKeys: [...PARSE_FIELDS] },
  { output: 'json', outputKeys: ['fqn', 'unique_id', 'test_metadata', 'column_name', 'attached_node'] },
  { resourceType: ['model'] },
  { resourceType: ['test', 'source', 'unit_test'], output: 'name' },
  { resourceType: ['exposure', 'analysis', 'snapshot', 'seed'], output: 'path' },
  { select: ['customers'] },
  { select: ['+orders'] },
  { select: ['orders+'] },
  { select: ['1+orders'] },
  { select: ['stg_orders+1'] },
  { select: ['@stg_orders'] },
  { select: ['customers', 'orders'] },
  { select: ['stg_orders stg_payments'] },
  { models: ['stg_*'] },
  { select: ['tag:mart'] },
  { select: ['tag:unit'] },
  { select: ['tag:landing', 'tag:hot'] },
  { select: ['tag:staging,config.materialized:view'] },
  { select: ['config.materialized:table'] },
  { select: ['config.meta.owner:ops'] },
  { select: ['config.order_by:event_id'] },
  { select: ['config.enabled:true'], output: 'name' },
  { select: ['path:models/staging'] },
  { select: ['path:snapshots'] },
  { select: ['file:orders.sql'] },
  { select: ['fqn:shop.marts.*'] },
  { select: ['shop.staging.*'] },
  { select: ['source:raw'] },
  { select: ['source:raw.events+'] },
  { select: ['source:*'], output: 'name' },
  { select: ['resource_type:test'], output: 'json' },
  { select: ['resource_type:unit_test'] },
  { select: ['package:fixture_pkg'] },
  { select: ['test_type:generic'] },
  { select: ['test_type:singular'] },
  { select: ['test_type:data'] },
  { select: ['test_type:unit'] },
  { select: ['test_name:not_null'] },
  { select: ['test_name:rel*'] },
  { select: ['exposure:*'] },
  { select: ['+exposure:weekly_dashboard'] },
  { select: ['unit_test:*'] },
  { select: ['unit_test:customers.test_ltv*'] },
  { select: ['tag:staging'], exclude: ['stg_payments'] },
  { exclude: ['resource_type:test'] },
  { select: ['tag:staging'], exclude: ['tag:staging'] },
  { selector: 'marts_only' },
  { selector: 'staging_cautious' },
  { selector: 'no_tests', resourceType: ['model'] },
  // Matching nothing: a warning with a guess, or (with --fail-on-empty-selection) an error.
  { select: ['custmers'] },
  { select: ['tag:mrt'] },
  { select: ['old_model'] },
  { select: ['custmers'], failOnEmptySelection: true },
  { select: ['customers', 'nothing_here'], failOnEmptySelection: true },
  // Errors raised by selection itself, after the parse's warnings.
  { selector: 'marts_only', select: ['customers'] },
];

describe('tsdbt ls from the compile record', () => {
  it('answers every form it can as the parse does: same lines out, same lines said, same errors', async () => {
    const differing: string[] = [];
    for (const form of FORMS) {
      const recorded = await fromRecord(form);
      const expected = parsed(form);
      if (recorded === undefined) differing.push(`${JSON.stringify(form)}: not answered from the record`);
      else if (JSON.stringify(recorded) !== JSON.stringify(expected))
        differing.push(`${JSON.stringify(form)}:\n  record ${JSON.stringify(recorded)}\n  parse  ${JSON.stringify(expected)}`);
    }
    expect(differing).toEqual([]);
    // The forms cover what this test is about: several kinds of node, the parse's warning, a guess.
    const all = parsed({ resourceType: ['all'] }).out.split('\n');
    expect(all.length).toBeGreaterThan(40);
    expect(parsed({}).said).toEqual([expect.stringContaining("package 'fixture_pkg' has an analysis")]);
    expect(parsed({ select: ['custmers'] }).said.join('\n')).toContain('Did you mean');
  }, 120_000);

  it('leaves to the parse what the manifest cannot answer exactly', async () => {
    const forms: Form[] = [
      { select: ['state:modified'] },
      { select: ['customers', 'result:error+'] },
      { exclude: ['column:customers.customer_id'] },
      { select: ['source_status:fresher'] },
      { selector: 'with_columns' },
      { selector: 'not_defined' },
      { select: ['tag:'] },
      { select: ['+'] },
      { state: path.join(dir, 'target') },
      { output: 'json', outputKeys: ['unique_id', 'created_at'] },
      { output: 'json', outputKeys: ['compiled_code'] },
      { output: 'json', outputKeys: ['compiled'] },
      { output: 'json', outputKeys: ['compiled_path'] },
      // A field this build does not know of: perhaps one a compile changes.
      { output: 'json', outputKeys: ['unique_id', 'nope'] },
      { vars: '{payment_methods: [card]}' },
      { target: 'prod' },
    ];
    for (const form of forms) expect(await fromRecord(form), JSON.stringify(form)).toBeUndefined();
    // What the parse says about those is its own business; the record still answers afterwards.
    expect(await fromRecord({})).toEqual(parsed({}));
  }, 60_000);

  it('checks --resource-type before anything else, as the parse does', async () => {
    const recorded = await fromRecord({ resourceType: ['modle'] });
    expect(recorded).toEqual(parsed({ resourceType: ['modle'] }));
    expect(recorded?.error).toContain("'modle' is not a resource type.");
  });
});

describe('tsdbt ls parses again when anything a parse reads has changed', () => {
  /** Changes something, checks ls parses, compiles again, checks the record answers as the parse does. */
  async function afterChange(change: () => void, form: Form = {}, runEnv: NodeJS.ProcessEnv = env, compileOptions: CompileOptions = {}): Promise<void> {
    change();
    expect(await fromRecord(form, runEnv)).toBeUndefined();
    await compileNow(compileOptions, runEnv);
    const recorded = await fromRecord(form, runEnv);
    expect(recorded).toBeDefined();
    expect(recorded).toEqual(parsed(form, runEnv));
  }

  const edit = (file: string, change: (text: string) => string) => () => {
    writeFileSync(path.join(dir, file), change(readFileSync(path.join(dir, file), 'utf8')));
    // Aged, as a checkout leaves files: the checksum still tells the change.
    ageProjectFiles(dir);
  };

  it('a model', async () => {
    await afterChange(
      edit('models/marts/orders.sql', (text) => text.replace('select', "{{ config(tags=['edited']) }}\nselect")),
      { select: ['tag:edited'] },
    );
  });

  it('a property file (YAML)', async () => {
    await afterChange(
      edit('models/sources.yml', (text) => text.replace('tags: ["hot"]', 'tags: ["hot", "warm"]')),
      { select: ['tag:warm'] },
    );
  });

  it('selectors.yml (a default selector now applies)', async () => {
    await afterChange(edit('selectors.yml', (text) => text.replace('  - name: marts_only\n', '  - name: marts_only\n    default: true\n')));
    expect(parsed({}).said).toContain("info: Using the default selector 'marts_only' from selectors.yml.");
    await afterChange(edit('selectors.yml', (text) => text.replace('    default: true\n', '')));
  });

  it('a macro', async () => {
    await afterChange(edit('macros/utils.sql', (text) => `${text}\n{% macro added_later() %}1{% endmacro %}\n`));
  });

  it('a new file, and a file removed', async () => {
    await afterChange(() => {
      writeFileSync(path.join(dir, 'models', 'marts', 'late.sql'), "select * from {{ ref('orders') }}\n");
      ageProjectFiles(dir);
    });
    await afterChange(() => rmSync(path.join(dir, 'models', 'marts', 'late.sql')));
  });

  it('an environment variable a model reads, and a TSDBT_ one nobody read', async () => {
    const changed = { ...env, LS_FX_SUFFIX: 'b' };
    expect(await fromRecord({}, changed)).toBeUndefined();
    expect(await fromRecord({}, { ...env, TSDBT_SOMETHING: '1' })).toBeUndefined();
    await afterChange(() => undefined, { select: ['stg_events'] }, changed);
    expect(await fromRecord({}, env)).toBeUndefined();
    await compileNow();
  });

  it('--vars: answered only for the vars the compile was given', async () => {
    const vars = '{payment_methods: [card, cash]}';
    await afterChange(() => undefined, { vars, output: 'json', resourceType: ['test'] }, env, { vars });
    expect(await fromRecord({})).toBeUndefined();
    await compileNow();
  });

  it('the profile, and --target', async () => {
    const profiles = `shop:
  target: dev
  outputs:
    dev: { type: chdb, path: .tsdbt/dev, schema: shop_dev }
    prod: { type: chdb, path: .tsdbt/prod, schema: shop_prod }
`;
    await afterChange(
      () => {
        writeFileSync(path.join(dir, 'profiles.yml'), profiles);
        ageProjectFiles(dir);
      },
      { output: 'json', outputKeys: ['unique_id', 'schema', 'relation_name'] },
    );
    await afterChange(() => undefined, { target: 'prod', output: 'json', outputKeys: ['unique_id', 'schema'] }, env, { target: 'prod' });
    expect(await fromRecord({})).toBeUndefined();
    await afterChange(
      edit('profiles.yml', (text) => text.replace('schema: shop_dev', 'schema: shop_dev2')),
      { output: 'json', outputKeys: ['alias', 'schema'] },
    );
  });

  it('a target with a password: parse (only the parse knows what to redact)', async () => {
    const profiles = path.join(dir, 'profiles.yml');
    const before = (() => {
      try {
        return readFileSync(profiles, 'utf8');
      } catch {
        return undefined;
      }
    })();
    writeFileSync(profiles, 'shop:\n  target: dev\n  outputs:\n    dev: { type: clickhouse, host: localhost, user: ana, password: hunter2, schema: shop }\n');
    await compileNow();
    expect(JSON.parse(readFileSync(path.join(dir, 'target', 'compile_stamps.json'), 'utf8'))).toMatchObject({ targetSecret: true });
    expect(await fromRecord({})).toBeUndefined();
    if (before === undefined) rmSync(profiles);
    else writeFileSync(profiles, before);
    await compileNow();
    expect(await fromRecord({})).toEqual(parsed({}));
  });

  it('manifest.json written by something else since', async () => {
    const manifest = path.join(dir, 'target', 'manifest.json');
    const text = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, text.replace('"tags":["mart"]', '"tags":["forged"]'));
    expect(await fromRecord({ select: ['tag:forged'] })).toBeUndefined();
    // The same bytes but a new time: not what the record saw either.
    writeFileSync(manifest, text);
    const later = new Date(Date.now() + 5_000);
    utimesSync(manifest, later, later);
    expect(await fromRecord({})).toBeUndefined();
    await compileNow();
    expect(await fromRecord({})).toEqual(parsed({}));
  });

  it('no record, or a record of a compile given another project folder: parse', async () => {
    const stamps = path.join(dir, 'target', 'compile_stamps.json');
    renameSync(stamps, `${stamps}.kept`);
    expect(await fromRecord({})).toBeUndefined();
    renameSync(`${stamps}.kept`, stamps);
    expect(statSync(stamps).size).toBeGreaterThan(0);
    expect(await fromRecord({})).toBeDefined();
  });
});

describe('tsdbt ls from the record of a patched compile', () => {
  it('answers as the parse does after `tsdbt compile` patched a changed model into the last manifest', async () => {
    // The example project: compile patches projects without packages only.
    const shop = dir;
    dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-ls-patched-'));
    try {
      for (const part of ['project.yml', 'models', 'macros']) cpSync(path.join(REPO_ROOT, part), path.join(dir, part), { recursive: true });
      await compileNow();
      expect(await fromRecord({})).toEqual(parsed({}));
      const model = path.join(dir, 'models', 'staging', 'people.sql');
      writeFileSync(model, `${readFileSync(model, 'utf8')}\n-- a body change\n`);
      ageProjectFiles(dir);
      expect(await fromRecord({})).toBeUndefined();
      // What the CLI's compile does: the record's check, then the patch (src/cli/commands/compile.ts).
      const invocation = createInvocation({ log: capture().log, env });
      const { reused, changed } = reuseCompile(invocation, { projectDir: dir });
      expect(reused).toBeUndefined();
      const patched = changed === undefined ? undefined : await patchCompile(invocation, { projectDir: dir }, changed);
      expect(patched).toBeDefined();
      const forms: Form[] = [{}, { output: 'json', resourceType: ['all'], outputKeys: [...PARSE_FIELDS] }, { select: ['people+'] }];
      const recorded = [];
      for (const form of forms) recorded.push(await fromRecord(form));
      expect(recorded.every((outcome) => outcome !== undefined)).toBe(true);
      // Parsed after: a parse rewrites partial_parse.json, which the patched compile left as it was,
      // and the record, which vouches for that file too, then no longer holds (ls parses, correctly).
      expect(recorded).toEqual(forms.map((form) => parsed(form)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      dir = shop;
    }
  }, 60_000);
});

describe('tsdbt ls from the record of a compile given a selection', () => {
  it('answers from it: the selection changed what was compiled, not the parse, and what it said is not the parse warnings', async () => {
    await compileNow({ select: ['nothing_matches_this'] });
    const form: Form = { output: 'json', resourceType: ['all'], outputKeys: [...PARSE_FIELDS] };
    const recorded = await fromRecord(form);
    expect(recorded).toEqual(parsed(form));
    expect(recorded?.said).toEqual([expect.stringContaining("package 'fixture_pkg' has an analysis")]);
    await compileNow({ select: ['customers'], exclude: ['tag:staging'] });
    for (const other of FORMS.slice(0, 12)) expect(await fromRecord(other)).toEqual(parsed(other));
    appendFileSync(path.join(dir, 'models', 'marts', 'customers.sql'), '\n-- edited\n');
    ageProjectFiles(dir);
    expect(await fromRecord({})).toBeUndefined();
  }, 60_000);
});
