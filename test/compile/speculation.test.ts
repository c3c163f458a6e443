import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, type Project } from '../../src/compile/load-project.js';
import { renderModel } from '../../src/compile/render-model.js';
import { forgetRender, reusableRender } from '../../src/compile/speculation.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { modernCapabilities } from '../../src/adapter/capabilities.js';
import { bindAdapterCapabilities } from '../../src/template/base-globals.js';
import { REPO_ROOT } from '../support/cli.js';
import { load, tempHome } from '../support/project.js';

/** Each model rendered with its parse-time render reused (when it may be) and rendered again: the same text. */
function compareRenders(project: Project): { reused: number; total: number } {
  let reused = 0;
  for (const node of project.models.values()) {
    if (node.config.materialized === 'ephemeral') continue;
    if (reusableRender(project, node) !== undefined) reused += 1;
    const first = renderModel(project, node);
    forgetRender(node);
    expect({ model: node.name, sql: renderModel(project, node) }).toEqual({ model: node.name, sql: first });
  }
  return { reused, total: project.models.size };
}

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub))) {
      const relative = path.join(sub, entry);
      if (['target', 'logs', '.tsdbt', 'node_modules'].includes(entry)) continue;
      if (statSync(path.join(dir, relative)).isDirectory()) walk(relative);
      else out[relative] = readFileSync(path.join(dir, relative), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('reusing the parse-time render', () => {
  it('gives the text a second render gives, for the shop fixture', () => {
    const result = compareRenders(load(filesOf(path.join(REPO_ROOT, 'test/fixtures/shop'))));
    expect(result.reused).toBeGreaterThan(0);
  });

  it('gives the text a second render gives, for the example project', () => {
    const project = loadProject({ projectDir: REPO_ROOT, env: { HOME: tempHome() } });
    compareRenders(project);
  });

  it('renders again whatever depends on compile time', () => {
    const logger = new MemoryLogger();
    const project = load(
      {
        'project.yml': 'name: shop\nprofile: shop\nmodels:\n  shop:\n    custom:\n      +schema: other\n',
        'macros/m.sql': '{% macro plain(x) %}{{ x }}{% endmacro %}{% macro reads(r) %}{{ r.identifier }}{% endmacro %}',
        'models/base.sql': 'select 1 as id',
        'models/custom/moved.sql': 'select 1 as id',
        'models/eph.sql': "{{ config(materialized='ephemeral') }}select 1 as id",
        'models/aliased.sql': "{{ config(alias='renamed') }}select 1 as id",
        'models/stable.sql': "select * from {{ ref('base') }} -- {{ plain(ref('base')) }} {{ this }}",
        'models/to_moved.sql': "select * from {{ ref('moved') }}",
        'models/to_eph.sql': "select * from {{ ref('eph') }}",
        'models/to_aliased.sql': "select * from {{ ref('aliased') }}",
        'models/reads_relation.sql': "select '{{ reads(ref('base')) }}'",
        'models/uses_execute.sql': 'select {{ 1 if execute else 0 }}',
        'models/uses_config_get.sql': "{{ config(tags=['x']) }}select '{{ config.get('tags') }}'",
        'models/logs.sql': "{{ log('hello') }}select 1",
        'models/this_custom.sql': "{{ config(schema='other') }}select * from {{ this }}",
      },
      { logger },
    );
    const reused = (name: string) => reusableRender(project, project.models.get(`model.shop.${name}`)!) !== undefined;
    expect(reused('stable')).toBe(true);
    for (const name of ['to_moved', 'to_eph', 'to_aliased', 'reads_relation', 'uses_execute', 'uses_config_get', 'logs', 'this_custom']) {
      expect({ name, reused: reused(name) }).toEqual({ name, reused: false });
    }
    compareRenders(project);
  });

  it('renders again a model that used adapter.supports() once connected to a server lacking features', () => {
    const project = load({
      'project.yml': 'name: shop\nprofile: shop\n',
      'models/json.sql': "select {{ 'JSONExtractString' if adapter.supports('json_extract') else 'visitParamExtractString' }}(payload, 'name')",
      'models/plain.sql': 'select 1',
    });
    const json = project.models.get('model.shop.json')!;
    expect(reusableRender(project, json)).toContain('JSONExtractString');
    bindAdapterCapabilities(project.engine, { ...modernCapabilities, jsonExtract: false });
    expect(reusableRender(project, json)).toBeUndefined();
    expect(renderModel(project, json)).toContain('visitParamExtractString');
    expect(reusableRender(project, project.models.get('model.shop.plain')!)).toBe('select 1');
  });
});
