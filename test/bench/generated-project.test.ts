/**
 * The benchmarks' generated project, at a small size: what it compiles to is what the generator
 * meant (every ref, source, loop, macro, config and test), it is deterministic, and it builds on
 * chDB with every data test passing. Times are the benchmarks' business (bench/), not this test's.
 */
import { compiledSqlOf } from '../../src/compile/run-state.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, generateDataformProject, generateProject, landingTablesSql, writeFiles, type GeneratedProject } from '../../bench/generate.js';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { loadProject, type Project } from '../../src/compile/load-project.js';
import type { ModelNode } from '../../src/compile/nodes.js';
import { compileModels, renderModel } from '../../src/compile/render-model.js';
import { forgetRender } from '../../src/compile/speculation.js';
import { runNodes } from '../../src/runner/run-nodes.js';
import { testExecutor } from '../../src/runner/test-executor.js';

const MODELS = 60;
let dir: string;
let generated: GeneratedProject;
let project: Project;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-bench-guard-'));
  generated = generateProject({ models: MODELS, seed: 7 });
  writeFiles(dir, generated.files);
  project = loadProject({ projectDir: dir, env: { HOME: dir } });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const model = (name: string): ModelNode => project.models.get(`model.bench.${name}`)!;

describe('the generated project', () => {
  it('is the same for the same seed and size, and differs for another seed', () => {
    expect([...generateProject({ models: MODELS, seed: 7 }).files]).toEqual([...generated.files]);
    expect(generateProject({ models: MODELS, seed: 8 }).files.get('models/marts/group_000/_models.yml')).not.toEqual(
      generated.files.get('models/marts/group_000/_models.yml'),
    );
  });

  it('has what a real project has: 3–8 refs per model, loops, macros, configs, dynamic refs, YAML tests', () => {
    const { models } = generateProject({ models: 1000, seed: 7 });
    const derived = models.filter((spec) => spec.layer !== 'staging');
    expect(derived.every((spec) => spec.refs.length >= 3 && spec.refs.length <= 8)).toBe(true);
    expect(models.filter((spec) => spec.dynamicRefs).length).toBeGreaterThan(20);
    expect(models.filter((spec) => spec.materialized === 'incremental').length).toBeGreaterThan(20);
    expect(models.filter((spec) => spec.inFileConfig && spec.materialized === 'view').length).toBeGreaterThan(5);
    expect(models.flatMap((spec) => spec.tests)).toEqual(expect.arrayContaining(['unique', 'not_null', 'accepted_values', 'relationships']));
    expect(generated.files.get('macros/amounts.sql')).toContain("adapter.dispatch('money')");
  });

  it('parses into the graph the generator drew', () => {
    expect(project.models.size).toBe(MODELS);
    for (const spec of generated.models) {
      const node = model(spec.name);
      const expected = spec.source === undefined ? spec.refs.map((ref) => `model.bench.${ref}`) : [`source.bench.${spec.source[0]}.${spec.source[1]}`];
      expect({ model: spec.name, parents: node.dependsOn.nodes }).toEqual({ model: spec.name, parents: [...expected].sort() });
      expect({ model: spec.name, materialized: node.config.materialized }).toEqual({ model: spec.name, materialized: spec.materialized });
      expect(node.dependsOn.macros).toEqual(expect.arrayContaining(['macro.money', 'macro.pivot_amounts']));
    }
    const tests = [...project.tests.values()];
    const declared = generated.models.reduce((sum, spec) => sum + spec.tests.length, 0);
    // Model tests, one not_null per landing table, and the singular test.
    expect(tests).toHaveLength(declared + generated.sources.length + 1);
  });

  it('compiles every model to plain SQL naming every parent, with the loops and macros expanded', () => {
    expect(compileModels(project)).toEqual([]);
    for (const spec of generated.models) {
      const sql = compiledSqlOf(project, model(spec.name))!;
      expect(sql).not.toMatch(/\{\{|\{%|\}\}|%\}/);
      for (const ref of spec.refs) expect(sql).toContain(`\`bench\`.\`${ref}\``);
      if (spec.source) expect(sql).toContain(`\`${generated.sourceSchema}\`.\`${spec.source[1]}\``);
      for (const category of CATEGORIES) expect(sql).toContain(`as amount_${category}`);
      expect(sql).toContain('round(');
    }
  });

  it('prints the same SQL whether the parse-time render is reused or the model is rendered again', () => {
    for (const spec of generated.models) {
      const node = model(spec.name);
      const reused = renderModel(project, node);
      forgetRender(node);
      expect({ model: spec.name, sql: renderModel(project, node) }).toEqual({ model: spec.name, sql: reused });
    }
  });

  it('gives Dataform the same graph', () => {
    const files = generateDataformProject({ models: MODELS, seed: 7, coreVersion: '3.0.62' });
    for (const spec of generated.models.filter((entry) => entry.layer !== 'staging')) {
      const file = [...files].find(([name]) => name.endsWith(`/${spec.name}.sqlx`))![1];
      const refs = [...file.matchAll(/"(m_\d{5})"/g)].map((match) => match[1]);
      expect({ model: spec.name, refs: [...new Set(refs)].sort() }).toEqual({ model: spec.name, refs: [...spec.refs].sort() });
    }
  });
});

describe('the generated project on chDB', () => {
  let adapter: Adapter;
  beforeAll(async () => {
    adapter = await connect(project.target, { projectDir: dir });
    for (const statement of landingTablesSql(generated)) await adapter.execute(statement);
  });
  afterAll(async () => {
    await adapter?.close();
  });

  it('builds every model and passes every data test', async () => {
    const built = await runNodes(project, adapter, { ids: [...project.models.keys()], threads: 4 });
    expect(built.results.filter((result) => result.status !== 'success').map((result) => `${result.uniqueId}: ${result.message}`)).toEqual([]);
    const tested = await runNodes(project, adapter, { ids: [...project.tests.keys()], threads: 4, executors: { test: testExecutor() } });
    expect(tested.results.filter((result) => result.status !== 'pass').map((result) => `${result.uniqueId}: ${result.status} ${result.message}`)).toEqual([]);
    const counts = await adapter.query<{ n: string | number }>(`SELECT count() AS n FROM bench.${generated.models.at(-1)!.name}`);
    expect(Number(counts[0]!.n)).toBe(generated.rows);
  });
});
