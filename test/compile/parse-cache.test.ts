/**
 * Partial parsing (target/partial_parse.json): a file whose text did not change in a project whose
 * shared inputs did not change is not parsed again; anything else is.
 */
import { compiledSqlOf } from '../../src/compile/run-state.js';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, type Project } from '../../src/compile/load-project.js';
import { compileModels } from '../../src/compile/render-model.js';
import { isTsdbtError } from '../../src/core/errors.js';
import { tempHome, tempProject } from '../support/project.js';

const FILES = {
  'project.yml': 'name: shop\nprofile: shop\nvars:\n  region: eu\n',
  'macros/m.sql': '{% macro upper_of(x) %}upper({{ x }}){% endmacro %}',
  'models/base.sql': "select 1 as id, '{{ var('region') }}' as region",
  'models/orders.sql': "{{ config(materialized='table', tags=['t']) }}\nselect {{ upper_of('region') }} from {{ ref('base') }}",
  'models/envy.sql': "select '{{ env_var('SHOP_REGION', 'none') }}' as region",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    description: "Orders."\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
};

function load(dir: string, options: { vars?: Record<string, unknown>; env?: Record<string, string> } = {}): Project {
  return loadProject({ projectDir: dir, vars: options.vars, env: { HOME: tempHome(), ...options.env } });
}

function compiled(project: Project): Record<string, string> {
  expect(compileModels(project)).toEqual([]);
  return Object.fromEntries([...project.models.values()].map((node) => [node.name, compiledSqlOf(project, node)!]));
}

const CACHE = 'target/partial_parse.json';

/** Rewrites the cached render of `model` (to prove the next load uses the cache rather than rendering). */
function tamper(dir: string, model: string, output: string): void {
  const file = path.join(dir, CACHE);
  const cache = JSON.parse(readFileSync(file, 'utf8')) as { models: Record<string, { entry: { render?: { output: string } } }> };
  cache.models[`models/${model}.sql`]!.entry.render!.output = output;
  writeFileSync(file, JSON.stringify(cache));
}

describe('partial parsing', () => {
  it('gives the same project on the second load, from the cache', () => {
    const dir = tempProject(FILES);
    const first = load(dir);
    const firstSql = compiled(first);
    const second = load(dir);
    expect(compiled(second)).toEqual(firstSql);
    for (const node of second.models.values()) {
      const before = first.models.get(node.uniqueId)!;
      expect({ refs: node.refs, sources: node.sourceCalls, config: node.config, parents: node.dependsOn.nodes }).toEqual({
        refs: before.refs.map((ref) => ({ ...ref, packageName: undefined })),
        sources: before.sourceCalls,
        config: before.config,
        parents: before.dependsOn.nodes,
      });
    }
    expect(second.models.get('model.shop.orders')!.description).toBe('Orders.');
    expect(second.tests.size).toBe(first.tests.size);
  });

  it('trusts the cache for unchanged text, and parses a changed file again', () => {
    const dir = tempProject(FILES);
    load(dir);
    tamper(dir, 'base', 'select 42 -- from the cache');
    expect(compiled(load(dir)).base).toBe('select 42 -- from the cache');
    writeFileSync(path.join(dir, 'models/base.sql'), "select 2 as id, '{{ var('region') }}' as region");
    expect(compiled(load(dir)).base).toBe("select 2 as id, 'eu' as region");
  });

  it('parses everything again when vars, macros or the project file change', () => {
    const dir = tempProject(FILES);
    load(dir);
    tamper(dir, 'base', 'stale');
    expect(compiled(load(dir, { vars: { region: 'us' } })).base).toBe("select 1 as id, 'us' as region");
    tamper(dir, 'orders', 'stale');
    writeFileSync(path.join(dir, 'macros/m.sql'), '{% macro upper_of(x) %}lower({{ x }}){% endmacro %}');
    expect(compiled(load(dir)).orders).toContain('lower(region)');
    tamper(dir, 'base', 'stale');
    writeFileSync(path.join(dir, 'project.yml'), `${FILES['project.yml']}# a comment\n`);
    expect(compiled(load(dir)).base).toBe("select 1 as id, 'eu' as region");
  });

  it('never keeps a model that reads the environment', () => {
    const dir = tempProject(FILES);
    expect(compiled(load(dir, { env: { SHOP_REGION: 'apac' } })).envy).toBe("select 'apac' as region");
    expect(compiled(load(dir, { env: { SHOP_REGION: 'emea' } })).envy).toBe("select 'emea' as region");
    const cache = JSON.parse(readFileSync(path.join(dir, CACHE), 'utf8')) as { models: Record<string, unknown> };
    expect(Object.keys(cache.models).sort()).toEqual(['models/base.sql', 'models/orders.sql']);
  });

  it('reports a YAML problem at the same line from the cache', () => {
    const dir = tempProject({ ...FILES, 'models/bad.yml': 'version: 2\nmodels:\n  - name: orders\n  - description: no name\n' });
    const problems = () => {
      try {
        load(dir);
      } catch (error) {
        if (isTsdbtError(error)) return error.all().map((one) => `${one.file}:${one.line} ${one.message}`);
      }
      return [];
    };
    const first = problems();
    expect(first.join('\n')).toContain('models/bad.yml:4');
    expect(problems()).toEqual(first);
  });

  it('reads changed YAML again, and never keeps a file that failed', () => {
    const dir = tempProject(FILES);
    load(dir);
    writeFileSync(path.join(dir, 'models/schema.yml'), FILES['models/schema.yml'].replace('Orders.', 'All orders.'));
    expect(load(dir).models.get('model.shop.orders')!.description).toBe('All orders.');
    writeFileSync(path.join(dir, 'models/base.sql'), 'select {{ nope( }}');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      let caught: unknown;
      try {
        load(dir);
      } catch (error) {
        caught = error;
      }
      expect(isTsdbtError(caught) && caught.file).toBe('models/base.sql');
    }
  });

  it('writes the cache as JSON.stringify would, in groups of entries (hundreds of models and property files)', () => {
    const files: Record<string, string> = { 'project.yml': FILES['project.yml'] };
    for (let i = 0; i < 600; i += 1) {
      files[`models/m_${i}.sql`] = i === 0 ? 'select 1 as id' : `select id from {{ ref('m_${i - 1}') }} -- é ✓ "${i}"`;
      if (i % 2 === 0) files[`models/m_${i}.yml`] = `version: 2\nmodels:\n  - name: m_${i}\n    description: "Model ${i}, \\"quoted\\"."\n`;
    }
    const dir = tempProject(files);
    load(dir);
    const text = readFileSync(path.join(dir, CACHE), 'utf8');
    const cache = JSON.parse(text) as { yaml: Record<string, unknown>; models: Record<string, unknown> };
    expect(Object.keys(cache.models)).toHaveLength(600);
    expect(Object.keys(cache.yaml)).toHaveLength(300);
    // Compact, in the order JSON.stringify writes the same value, with nothing after it.
    expect(text).toBe(JSON.stringify(cache));
  });
});
