/** Breaking changes to an enforced contract compared with --state, and state:modified.contract. */
import { describe, expect, it } from 'vitest';
import { compareManifests } from '../../src/state/compare.js';
import type { ManifestLike, ManifestNodeEntry } from '../../src/state/manifest-types.js';

const BEFORE: ManifestNodeEntry = {
  unique_id: 'model.shop.orders',
  resource_type: 'model',
  name: 'orders',
  original_file_path: 'models/orders.sql',
  checksum: { name: 'sha256', checksum: 'a' },
  config: { materialized: 'table', contract: { enforced: true } },
  contract: { enforced: true, alias_types: true, checksum: 'c1' },
  columns: { id: { name: 'id', data_type: 'int', constraints: [{ type: 'not_null' }] }, amount: { name: 'amount', data_type: 'bigint', constraints: [] } },
  constraints: [{ type: 'check', expression: 'amount >= 0' }],
};

function manifest(entry: ManifestNodeEntry): ManifestLike {
  return { nodes: { [entry.unique_id!]: entry }, sources: {}, macros: {} };
}

function compare(now: ManifestNodeEntry) {
  return compareManifests(manifest(now), manifest(BEFORE));
}

describe('contract changes against --state', () => {
  it('an added column changes the contract without breaking it', () => {
    const state = compare({
      ...BEFORE,
      contract: { ...BEFORE.contract, checksum: 'c2' },
      columns: { ...BEFORE.columns, note: { name: 'note', data_type: 'string' } },
    });
    expect(state.isModified('model.shop.orders', 'contract')).toBe(true);
    expect(state.isModified('model.shop.orders', 'body')).toBe(false);
  });

  it('an unchanged contract is not modified.contract', () => {
    expect(compare(BEFORE).isModified('model.shop.orders', 'contract')).toBe(false);
  });

  it.each([
    ['disabling the contract', { ...BEFORE, contract: { enforced: false, alias_types: true, checksum: null } }, 'The contract was disabled'],
    [
      'dropping not_null from a column',
      { ...BEFORE, columns: { ...BEFORE.columns, id: { name: 'id', data_type: 'int', constraints: [] } } },
      'Enforced constraints were removed: not_null on id.',
    ],
    ['dropping the model-level check', { ...BEFORE, constraints: [] }, 'Enforced constraints were removed: model-level check.'],
  ])('%s is a breaking change (TSDBT3400)', (_name, now, reason) => {
    expect(() => compare(now).isModified('model.shop.orders')).toThrow(
      expect.objectContaining({ code: 'TSDBT3400', message: expect.stringContaining(reason) }),
    );
  });
});
