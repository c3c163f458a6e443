import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildManifest } from '../../src/artifacts/manifest.js';
import { writeJsonArtifact, writeManifestArtifact } from '../../src/artifacts/write-artifacts.js';
import { writeJsonPieces } from '../../src/core/json-pieces.js';
import { loadProject } from '../../src/compile/load-project.js';
import { projectYml, removeProject, writeProject } from '../support/cli.js';

const pieces = (value: unknown, depth: number): string => {
  const out: string[] = [];
  writeJsonPieces(value, depth, (piece) => out.push(piece), 32);
  return out.join('');
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeProject(dir);
});

describe('writeJsonPieces', () => {
  it('writes exactly what JSON.stringify(value) writes (compact, as dbt writes artifacts)', () => {
    const value = {
      metadata: { generated_at: new Date(0), env: {}, list: [1, 'two', { three: 3 }], nested: { deeper: { deepest: [] } } },
      nodes: {
        'model.a.b': { name: 'b', skipped: undefined, fn: () => 1, text: 'line\nbreak "quoted"', config: { tags: [] }, empty: {} },
        'model.a.c': null,
      },
      empty: {},
      list: [],
      text: 'x',
      number: 1.5,
      nothing: null,
    };
    for (const depth of [0, 1, 2, 3, 5]) expect(pieces(value, depth)).toBe(JSON.stringify(value));
    expect(pieces([1, { a: 2 }], 2)).toBe(JSON.stringify([1, { a: 2 }]));
    expect(pieces('text', 2)).toBe('"text"');
    expect(pieces(undefined, 2)).toBe('null');
  });

  it('maps larger than a group, with skipped values, index-like and __proto__ keys, toJSON and null prototypes', () => {
    const big: Record<string, unknown> = {};
    for (let i = 0; i < 1300; i++) big[`model.p.m_${i}`] = i % 7 === 0 ? undefined : { i, list: [i], text: `t"${i}` };
    // A whole group of skipped values, at a group boundary.
    for (let i = 0; i < 600; i++) big[`skip_${i}`] = () => i;
    big['10'] = 'ten';
    big['9'] = 'nine';
    Object.defineProperty(big, '__proto__', { value: { own: true }, enumerable: true, configurable: true, writable: true });
    big.when = new Date(5);
    big.custom = { toJSON: () => 'custom' };
    const bare = Object.assign(Object.create(null), { b: 1, a: { c: 2 } });
    const value = { big, bare, allSkipped: { a: undefined, b: () => 1 }, withJson: { toJSON: () => ({ replaced: true }) } };
    for (const depth of [1, 2, 3]) expect(pieces(value, depth)).toBe(JSON.stringify(value));
  });

  it("writeJsonArtifact and writeManifestArtifact write a real project's manifest exactly as JSON.stringify does", () => {
    const dir = writeProject({
      'project.yml': projectYml('demo', 'vars:\n  x: 1\n'),
      'seeds/countries.csv': 'code,name\nNL,Netherlands\n',
      'models/people.sql': "{{ config(materialized='table', order_by='id') }}select 1 as id, 'NL' as country from {{ ref('countries') }}",
      'models/staging/orders.sql': "select 1 as id, 'it''s \"quoted\"' as note from {{ source('shop', 'orders') }}",
      'models/schema.yml': `version: 2
sources:
  - name: shop
    tables:
      - name: orders
        columns:
          - name: id
            tests: [unique]
models:
  - name: people
    description: People, with "quotes" and ünïcode.
    columns:
      - name: id
        tests: [unique, not_null, {accepted_values: {values: [1, 2]}}]
      - name: country
        tests:
          - relationships: {to: ref('countries'), field: code}
`,
      'tests/no_negative_ids.sql': "select * from {{ ref('people') }} where id < 0",
    });
    dirs.push(dir);
    const project = loadProject({ projectDir: dir });
    const manifest = buildManifest(project, new Date(0));
    const file = writeJsonArtifact(project, 'manifest.json', manifest);
    expect(file).toBe(path.join(dir, 'target', 'manifest.json'));
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(manifest)}\n`);
    expect(Object.keys(manifest.nodes as object).length).toBeGreaterThan(6);
    // The manifest made while written is the same text.
    writeManifestArtifact(project, new Date(0));
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(manifest)}\n`);
  });
});
