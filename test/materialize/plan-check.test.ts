/**
 * The statements of `tsdbt check`, compared with a golden file. After an intended change,
 * regenerate with `UPDATE_GOLDEN=1 npx vitest run test/materialize/plan-check.test.ts` and review the diff.
 */
import { describe, it } from 'vitest';
import {
  checkColumns,
  checkDatabase,
  checkModelView,
  checkQueryTree,
  checkQueryTrees,
  checkShadowTable,
  checkShadowTables,
} from '../../src/materialize/plan-check.js';
import { expectGolden } from './golden-plan.js';

describe('check statements', () => {
  it('shadow tables, the query tree of a model, its shadow table, several models analyzed and shadowed at once; the model as a view (its SQL verbatim, a trailing comment kept a comment) and its columns', () => {
    const statements = [
      checkDatabase('shop'),
      checkShadowTable('shop', 'orders', [
        { name: 'id', type: 'UInt64' },
        { name: 'amount', type: 'Nullable(Float64)' },
        { name: 'odd name', type: 'String' },
      ]),
      checkQueryTree('select id, amount\nfrom `shop`.`orders` -- the raw orders'),
      checkShadowTable('analytics', 'stg_orders', [
        { name: 'id', type: 'UInt64' },
        { name: 'amount', type: 'Nullable(Float64)' },
      ]),
      checkQueryTrees(['select id, amount\nfrom `shop`.`orders` -- the raw orders', 'select 1 as one']),
      checkShadowTables([
        { database: 'analytics', name: 'stg_orders', columns: [{ name: 'id', type: 'UInt64' }] },
        { database: 'analytics', name: 'one', columns: [{ name: 'one', type: 'UInt8' }] },
      ]),
      checkShadowTable('analytics', 'one', [{ name: 'one', type: 'UInt8' }], true),
      checkModelView('analytics', 'stg_orders', 'select id, amount\nfrom `shop`.`orders` -- the raw orders'),
      checkColumns('analytics', 'stg_orders'),
    ];
    expectGolden('check-shadow-and-model', { statements, cleanup: [] });
  });
});
