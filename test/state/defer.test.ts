import { describe, expect, it } from 'vitest';
import { deferredRelations, type DeferCandidate } from '../../src/state/defer.js';
import type { ManifestLike } from '../../src/state/manifest-types.js';

const candidate = (name: string, materialized = 'table'): DeferCandidate => ({
  uniqueId: `model.shop.${name}`,
  relation: { schema: 'shop_dev', identifier: name },
  config: { materialized },
});

const state: ManifestLike = {
  nodes: {
    'model.shop.base': { unique_id: 'model.shop.base', name: 'base', schema: 'shop_prod', alias: 'base', config: { materialized: 'table' } },
    'model.shop.aliased': { unique_id: 'model.shop.aliased', name: 'aliased', schema: 'shop_prod', alias: 'aliased_v2', config: { materialized: 'view' } },
    'model.shop.inline': { unique_id: 'model.shop.inline', name: 'inline', schema: 'shop_prod', alias: 'inline', config: { materialized: 'ephemeral' } },
    'model.shop.selected': { unique_id: 'model.shop.selected', name: 'selected', schema: 'shop_prod', alias: 'selected', config: {} },
  },
  sources: {},
  macros: {},
};

describe('deferredRelations', () => {
  const all = [candidate('base'), candidate('aliased', 'view'), candidate('inline'), candidate('selected'), candidate('brand_new')];

  it('defers unselected parents missing here to the state relations (alias included); never selected, ephemeral or unknown nodes', () => {
    const deferred = deferredRelations(all, state, { selected: new Set(['model.shop.selected']), favorState: false, existsHere: () => false });
    expect(Object.fromEntries(deferred)).toEqual({
      'model.shop.base': { schema: 'shop_prod', identifier: 'base', materialized: 'table' },
      'model.shop.aliased': { schema: 'shop_prod', identifier: 'aliased_v2', materialized: 'view' },
    });
  });

  it('keeps a parent that exists here, unless favor-state', () => {
    const existsHere = (relation: { identifier: string }) => relation.identifier === 'base';
    expect([...deferredRelations(all, state, { selected: new Set(), favorState: false, existsHere }).keys()]).not.toContain('model.shop.base');
    expect([...deferredRelations(all, state, { selected: new Set(), favorState: true, existsHere }).keys()]).toContain('model.shop.base');
  });

  it('does not defer a parent that is ephemeral in this project', () => {
    const deferred = deferredRelations([candidate('base', 'ephemeral')], state, { selected: new Set(), favorState: true, existsHere: () => false });
    expect(deferred.size).toBe(0);
  });
});
