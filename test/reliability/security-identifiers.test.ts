/**
 * Names tsdbt puts into SQL are always quoted: a project whose database, models, seed and columns
 * are named with spaces, quotes, backticks, backslashes and non-ASCII letters seeds, builds every
 * materialization (first run, incremental run, --full-refresh), tests and documents itself on chDB,
 * and every relation holds exactly the rows it should. Values tsdbt sends (seed cells, ingested
 * payloads) round-trip byte for byte, however they are quoted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qualifiedName } from '../../src/core/sql-literals.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { tsdbt, withChdb } from '../e2e/example-project.js';
import { removeProject, writeProject, type CliResult } from '../support/cli.js';
import { tempHomeDir } from '../support/home.js';
import { recordFigure } from '../support/reliability-figures.js';

/** The database: a space, a quote, a backtick, a backslash and non-ASCII letters. */
const DATABASE = "sec db 'ü` \\x";
const NAMES = {
  table: 'weird name',
  view: 'ünïcödé',
  incremental: "it's",
  backtick: 'back`tick',
  mv: 'mv "quoted"',
  seed: 'sëed data',
};
/** Cells that need quoting in any SQL literal. */
const CELLS = ["it's", 'back\\slash', 'two\nlines', 'tab\there', '{x:String}', '`tick`', '"dq"', "'; DROP TABLE x; --"];

function files(): Record<string, string> {
  const csv = [
    'id,"na me","it\'s","back`tick"',
    ...CELLS.map((cell, index) => `${index + 1},"${cell.replace(/"/g, '""')}",${index % 2 === 0 ? 'true' : 'false'},${index * 1.5}`),
  ].join('\n');
  return {
    'project.yml': 'name: sec\nprofile: sec\n',
    'profiles.yml': `sec:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      schema: ${JSON.stringify(DATABASE)}\n      threads: 2\n`,
    [`seeds/${NAMES.seed}.csv`]: `${csv}\n`,
    [`models/${NAMES.table}.sql`]: `{{ config(materialized='table', order_by='id') }}\nselect id, \`na me\` as \`col with space\`, \`it's\` as \`quo"te\`, \`back\\\`tick\` as \`ünï\` from {{ ref("${NAMES.seed}") }}\n`,
    [`models/${NAMES.view}.sql`]: `select id, \`col with space\` from {{ ref('${NAMES.table}') }}\n`,
    [`models/${NAMES.incremental}.sql`]: [
      "{{ config(materialized='incremental', unique_key='`k ey`', order_by='`k ey`', on_schema_change='append_new_columns') }}",
      `select id as \`k ey\`, \`col with space\` as \`v"al\`{% if var('more', false) %}, 'new' as \`added col\`{% endif %} from {{ ref('${NAMES.view}') }}`,
      '',
    ].join('\n'),
    [`models/${NAMES.backtick}.sql`]: `{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id', schema="cu'stom") }}\nselect id, \`ünï\` from {{ ref('${NAMES.table}') }}\n`,
    [`models/${NAMES.mv}.sql`]: `{{ config(materialized='materialized_view', order_by='id') }}\nselect id, \`ünï\` * 2 as \`dou"ble\` from {{ ref('${NAMES.table}') }}\n`,
    'models/schema.yml': [
      'version: 2',
      'seeds:',
      `  - name: ${JSON.stringify(NAMES.seed)}`,
      '    columns:',
      '      - name: id',
      '        tests: [unique, not_null]',
      '      - name: "na me"',
      // dbt's way to test a column whose name needs quoting.
      '        quote: true',
      '        tests: [not_null]',
      'models:',
      `  - name: ${JSON.stringify(NAMES.incremental)}`,
      '    columns:',
      '      - name: "k ey"',
      '        quote: true',
      '        tests: [unique]',
      '',
    ].join('\n'),
  };
}

let dir: string;
let home: string;
const cli = async (args: string[]): Promise<CliResult> => {
  const result = await tsdbt(dir, home, args);
  expect(result.code, `tsdbt ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
};

beforeAll(() => {
  dir = writeProject(files(), 'tsdbt-names-');
  home = tempHomeDir();
});
afterAll(() => {
  if (dir) removeProject(dir);
  if (home) removeProject(home);
});

async function rows(adapter: Adapter, database: string, name: string): Promise<Record<string, unknown>[]> {
  return adapter.query(`SELECT * FROM ${qualifiedName(database, name)} ORDER BY 1`, { settings: { output_format_json_quote_64bit_integers: 0 } });
}

describe('identifiers with spaces, quotes, backticks and unicode, through real runs on chDB', () => {
  it('seed, run, run again (incremental, new column), --full-refresh, test and docs generate all succeed', async ({ task }) => {
    await cli(['seed']);
    await cli(['run']);
    await cli(['run', '--vars', '{more: true}']);
    await cli(['run', '--full-refresh', '--vars', '{more: true}']);
    await cli(['test']);
    await cli(['docs', 'generate']);

    await withChdb(dir, async (adapter) => {
      const seeded = await rows(adapter, DATABASE, NAMES.seed);
      // Every cell back exactly as written in the CSV.
      expect(seeded.map((row) => row['na me'])).toEqual(CELLS);
      expect(Object.keys(seeded[0]!)).toEqual(['id', 'na me', "it's", 'back`tick']);
      const table = await rows(adapter, DATABASE, NAMES.table);
      expect(table.map((row) => row['col with space'])).toEqual(CELLS);
      expect(Object.keys(table[0]!)).toEqual(['id', 'col with space', 'quo"te', 'ünï']);
      expect((await rows(adapter, DATABASE, NAMES.view)).map((row) => row['col with space'])).toEqual(CELLS);
      const incremental = await rows(adapter, DATABASE, NAMES.incremental);
      expect(incremental.map((row) => [row['k ey'], row['v"al'], row['added col']])).toEqual(CELLS.map((cell, index) => [index + 1, cell, 'new']));
      expect((await rows(adapter, `${DATABASE}_cu'stom`, NAMES.backtick)).map((row) => row['id'])).toEqual(CELLS.map((_, index) => index + 1));
      expect((await rows(adapter, DATABASE, NAMES.mv)).map((row) => row['dou"ble'])).toEqual(CELLS.map((_, index) => index * 3));
      const relations = (await adapter.listRelations(DATABASE)).map((relation) => relation.name).sort();
      expect(relations).toEqual([NAMES.mv, `${NAMES.mv}_mv`, NAMES.incremental, NAMES.seed, NAMES.table, NAMES.view].sort());
    });
    // The docs site lists every node by its real name.
    const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { name: string }> };
    const names = Object.values(manifest.nodes).map((node) => node.name);
    for (const name of Object.values(NAMES)) expect(names).toContain(name);
    recordFigure(task, {
      section: 'security',
      subject:
        'names with spaces, quotes, backticks, a backslash and non-ASCII letters (a database, six relations, eight columns) through seed, run ×3, test and docs generate',
      count: 6,
      unit: 'commands',
      outcome: 'all succeeded; every relation holds exactly its rows; eight seed cells built to break literals came back byte for byte',
    });
  });
});
