import { describe, expect, it } from 'vitest';
import { compareManifests } from '../../src/state/compare.js';
import type { ManifestLike, ManifestNodeEntry } from '../../src/state/manifest-types.js';

function model(name: string, over: Partial<ManifestNodeEntry> = {}): ManifestNodeEntry {
  return {
    unique_id: `model.shop.${name}`,
    resource_type: 'model',
    name,
    fqn: ['shop', name],
    config: { materialized: 'view', enabled: true, tags: [] },
    checksum: { name: 'sha256', checksum: `sum-${name}` },
    depends_on: { nodes: [], macros: [] },
    schema: 'shop_prod',
    alias: name,
    ...over,
  };
}

function manifest(nodes: ManifestNodeEntry[], macros: Record<string, string> = {}, macroDeps: Record<string, string[]> = {}): ManifestLike {
  return {
    nodes: Object.fromEntries(nodes.filter((node) => node.resource_type !== 'source').map((node) => [node.unique_id!, node])),
    sources: Object.fromEntries(nodes.filter((node) => node.resource_type === 'source').map((node) => [node.unique_id!, node])),
    macros: Object.fromEntries(
      Object.entries(macros).map(([name, sql]) => [
        `macro.shop.${name}`,
        {
          unique_id: `macro.shop.${name}`,
          name,
          macro_sql: sql,
          checksum: { name: 'sha256', checksum: `sum:${sql}` },
          depends_on: { macros: macroDeps[name] ?? [] },
        },
      ]),
    ),
  };
}

const id = (name: string) => `model.shop.${name}`;

describe('compareManifests', () => {
  it('finds nothing when the manifests are the same, even with the target schema differing (dev vs prod)', () => {
    const previous = manifest([model('a'), model('b')]);
    const current = manifest([model('a', { schema: 'shop_dev' }), model('b', { schema: 'shop_dev' })]);
    const state = compareManifests(current, previous);
    expect(state.isModified(id('a'))).toBe(false);
    expect(state.isNew(id('a'))).toBe(false);
    expect(state.reasons(id('b'))).toEqual([]);
  });

  it('reports a new node as new and as modified (every aspect), as dbt does', () => {
    const state = compareManifests(manifest([model('a'), model('fresh')]), manifest([model('a')]));
    expect(state.isNew(id('fresh'))).toBe(true);
    expect(state.isModified(id('fresh'))).toBe(true);
    expect(state.isModified(id('fresh'), 'macros')).toBe(true);
    expect(state.reasons(id('fresh'))).toEqual(['new']);
  });

  it('tells the aspects apart: body, configs, relation', () => {
    const previous = manifest([model('body'), model('conf'), model('rel')]);
    const current = manifest([
      model('body', { checksum: { name: 'sha256', checksum: 'other' } }),
      model('conf', { config: { materialized: 'table', enabled: true, tags: [] } }),
      model('rel', { config: { materialized: 'view', enabled: true, tags: [], alias: 'renamed' } }),
    ]);
    const state = compareManifests(current, previous);
    expect(state.reasons(id('body'))).toEqual(['body']);
    expect(state.isModified(id('body'), 'body')).toBe(true);
    expect(state.isModified(id('body'), 'configs')).toBe(false);
    expect(state.reasons(id('conf'))).toEqual(['configs']);
    // An alias is a config too, so it is both a config and a relation change (as in dbt).
    expect(state.reasons(id('rel'))).toEqual(['configs', 'relation']);
    expect(state.isModified(id('rel'), 'relation')).toBe(true);
    expect(state.isModified(id('conf'), 'relation')).toBe(false);
  });

  it('ignores the order of config keys', () => {
    const previous = manifest([model('a', { config: { materialized: 'view', tags: ['x'], enabled: true } })]);
    const current = manifest([model('a', { config: { enabled: true, tags: ['x'], materialized: 'view' } })]);
    expect(compareManifests(current, previous).isModified(id('a'))).toBe(false);
  });

  it('marks the users of a changed macro, directly or through another macro, and only them', () => {
    const nodes = [
      model('direct', { depends_on: { nodes: [], macros: ['macro.shop.money'] } }),
      model('indirect', { depends_on: { nodes: [], macros: ['macro.shop.price'] } }),
      model('unrelated', { depends_on: { nodes: [], macros: ['macro.shop.other'] } }),
    ];
    const deps = { price: ['macro.shop.money'] };
    const previous = manifest(nodes, { money: 'a * 100', price: 'money(a)', other: 'x' }, deps);
    const current = manifest(nodes, { money: 'a * 1000', price: 'money(a)', other: 'x' }, deps);
    const state = compareManifests(current, previous);
    expect(state.reasons(id('direct'))).toEqual(['macros']);
    expect(state.isModified(id('indirect'), 'macros')).toBe(true);
    expect(state.isModified(id('indirect'), 'body')).toBe(false);
    expect(state.isModified(id('unrelated'))).toBe(false);
  });

  it('survives macros that call each other in a cycle', () => {
    const nodes = [model('a', { depends_on: { nodes: [], macros: ['macro.shop.ping'] } })];
    const deps = { ping: ['macro.shop.pong'], pong: ['macro.shop.ping', 'macro.shop.leaf'] };
    const previous = manifest(nodes, { ping: 'p', pong: 'q', leaf: 'old' }, deps);
    const current = manifest(nodes, { ping: 'p', pong: 'q', leaf: 'new' }, deps);
    expect(compareManifests(current, previous).isModified(id('a'), 'macros')).toBe(true);
    expect(compareManifests(previous, previous).isModified(id('a'))).toBe(false);
  });

  it('counts a macro missing from the previous manifest as changed', () => {
    const nodes = [model('a', { depends_on: { nodes: [], macros: ['macro.shop.added'] } })];
    const state = compareManifests(manifest(nodes, { added: 'x' }), manifest(nodes, {}));
    expect(state.isModified(id('a'), 'macros')).toBe(true);
  });

  it('is conservative with a previous manifest lacking fields (older tsdbt): the node counts as modified', () => {
    const bare: ManifestNodeEntry = { unique_id: id('a'), resource_type: 'model', name: 'a' };
    const state = compareManifests(manifest([model('a')]), manifest([bare]));
    expect(state.isModified(id('a'), 'body')).toBe(true);
  });

  it('notices a model moved to another folder (fqn) under plain state:modified only', () => {
    const state = compareManifests(manifest([model('a', { fqn: ['shop', 'marts', 'a'] })]), manifest([model('a')]));
    expect(state.isModified(id('a'))).toBe(true);
    expect(state.reasons(id('a'))).toEqual(['fqn']);
    expect(state.isModified(id('a'), 'body')).toBe(false);
  });

  it('compares sources by their YAML relation and config, never by body', () => {
    const source = (over: Partial<ManifestNodeEntry> = {}): ManifestNodeEntry => ({
      unique_id: 'source.shop.raw.orders',
      resource_type: 'source',
      name: 'orders',
      fqn: ['shop', 'raw', 'orders'],
      config: { enabled: true },
      schema: 'raw',
      identifier: 'orders',
      ...over,
    });
    expect(compareManifests(manifest([source()]), manifest([source()])).isModified('source.shop.raw.orders')).toBe(false);
    const moved = compareManifests(manifest([source({ identifier: 'orders_v2' })]), manifest([source()]));
    expect(moved.reasons('source.shop.raw.orders')).toEqual(['relation']);
  });

  it('knows nothing about ids that are not in the current project', () => {
    const state = compareManifests(manifest([]), manifest([model('gone')]));
    expect(state.isModified(id('gone'))).toBe(false);
    expect(state.isNew(id('gone'))).toBe(false);
  });
});
