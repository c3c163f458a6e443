/** The snapshot executor's guard: a server too old for the snapshot plan is refused before any statement is sent. */
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter-types.js';
import { capabilitiesForVersion } from '../../src/adapter/capabilities.js';
import { snapshotExecutor } from '../../src/runner/snapshot-executor.js';
import { RelationCache } from '../../src/runner/relation-cache.js';
import { load } from '../support/project.js';

describe('snapshot executor', () => {
  it('refuses a server without DateTime64 (18.16) with TSDBT4302 at the snapshot, sending nothing', async () => {
    const project = load({
      'project.yml': 'name: shop\nprofile: shop\n',
      'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: chdb}\n',
      'snapshots/s.sql': "{% snapshot s %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect 1 as id\n{% endsnapshot %}\n",
    });
    const sent: string[] = [];
    const adapter = new Proxy({ capabilities: capabilitiesForVersion('18.16.1'), description: 'http://old:8123 as default' } as Adapter, {
      get: (target, key) => (key in target ? target[key as keyof Adapter] : (...args: unknown[]) => sent.push(`${String(key)} ${String(args[0])}`)),
    });
    const node = project.snapshots.get('snapshot.shop.s')!;
    const result = await snapshotExecutor.execute(node, {
      project,
      adapter,
      cache: new RelationCache(adapter),
      planContext: { cluster: undefined, databaseEngine: undefined, exchangeTables: false, createOrReplaceView: false },
      slot: 0,
      now: () => new Date(),
      fullRefresh: false,
      events: undefined,
      signal: undefined,
      onCompiled: undefined,
    });
    expect(result).toMatchObject({
      status: 'error',
      errorCode: 'TSDBT4302',
      message: "Snapshot 's' cannot be built on this server (http://old:8123 as default): snapshots need ClickHouse 20.1 or later, or chDB.",
    });
    expect(sent).toEqual([]);
  });
});
