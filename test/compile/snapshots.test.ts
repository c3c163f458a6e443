/** Parsing snapshots: blocks and YAML entries become nodes; every config dbt checks is checked; what tsdbt does not act on warns with file:line. */
import { describe, expect, it } from 'vitest';
import { load, loadErrors, summary } from '../support/project.js';

const BASE = {
  'project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: chdb}\n',
  'models/orders.sql': 'select 1 as id\n',
};
const block = (name: string, config: string, body = "select * from {{ ref('orders') }}") =>
  `{% snapshot ${name} %}\n{{ config(${config}) }}\n${body}\n{% endsnapshot %}\n`;

describe('snapshot parsing', () => {
  it('makes a node per block and per YAML relation:, with refs, schema rules and the normalized spec', () => {
    const project = load({
      ...BASE,
      'snapshots/a.sql': `-- two in one file\n${block('a_snap', "unique_key='id', strategy='timestamp', updated_at='u', target_schema='hist'")}\n${block('b_snap', "unique_key=['id', 'k'], strategy='check', check_cols='all', schema='x', invalidate_hard_deletes=True")}`,
      'snapshots/props.yml':
        "snapshots:\n  - name: c_snap\n    relation: ref('orders')\n    description: from YAML\n    config: {unique_key: id, strategy: check, check_cols: [id], hard_deletes: new_record}\n  - name: a_snap\n    description: described\n",
      'models/reads.sql': "select * from {{ ref('a_snap') }}\n",
    });
    const a = project.snapshots.get('snapshot.shop.a_snap')!;
    expect(a).toMatchObject({
      relation: { schema: 'hist', identifier: 'a_snap' },
      description: 'described',
      line: 2,
      dependsOn: { nodes: ['model.shop.orders'] },
    });
    expect(a.spec).toMatchObject({ strategy: 'timestamp', uniqueKey: ['id'], updatedAt: 'u', hardDeletes: 'ignore' });
    expect(project.snapshots.get('snapshot.shop.b_snap')).toMatchObject({
      relation: { schema: 'shop_x' },
      spec: { uniqueKey: ['id', 'k'], checkCols: 'all', hardDeletes: 'invalidate' },
    });
    expect(project.snapshots.get('snapshot.shop.c_snap')).toMatchObject({
      rawSql: "select * from {{ ref('orders') }}",
      description: 'from YAML',
      spec: { hardDeletes: 'new_record', checkCols: ['id'] },
    });
    expect(project.models.get('model.shop.reads')!.dependsOn.nodes).toEqual(['snapshot.shop.a_snap']);
    expect(project.warnings).toEqual([]);
  });

  it('reports what dbt refuses, each at its file:line, all at once', () => {
    const errors = loadErrors({
      ...BASE,
      'snapshots/bad.sql': [
        block('no_strategy', "unique_key='id'"),
        block('no_key', "strategy='timestamp', updated_at='u'"),
        block('no_updated_at', "strategy='timestamp', unique_key='id'"),
        block('bad_check', "strategy='check', unique_key='id', check_cols='some'"),
        block('both_deletes', "strategy='check', unique_key='id', check_cols='all', hard_deletes='invalidate', invalidate_hard_deletes=True"),
        block('bad_mode', "strategy='check', unique_key='id', check_cols='all', hard_deletes='soft'"),
        block('bad_names', "strategy='check', unique_key='id', check_cols='all', snapshot_meta_column_names={'dbt_valid_since': 'x'}"),
        block('custom', "strategy='my_strategy', unique_key='id'"),
      ].join(''),
      'snapshots/open.sql': '{% snapshot never_closed %}\nselect 1\n',
    }).map(summary);
    expect(errors.map((error) => [error.code, error.location, error.message])).toEqual([
      ['TSDBT2300', 'snapshots/bad.sql:2', "Snapshot 'no_strategy': no strategy is set."],
      ['TSDBT2300', 'snapshots/bad.sql:6', "Snapshot 'no_key': no unique_key is set."],
      ['TSDBT2300', 'snapshots/bad.sql:10', "Snapshot 'no_updated_at': the timestamp strategy needs updated_at: the column that says when a row last changed."],
      ['TSDBT2300', 'snapshots/bad.sql:14', "Snapshot 'bad_check': check_cols must be 'all' or a list of column names, but it is \"some\"."],
      ['TSDBT2300', 'snapshots/bad.sql:18', "Snapshot 'both_deletes': both invalidate_hard_deletes and hard_deletes are set."],
      ['TSDBT2300', 'snapshots/bad.sql:22', 'Snapshot \'bad_mode\': hard_deletes must be ignore, invalidate or new_record, but it is "soft".'],
      [
        'TSDBT2300',
        'snapshots/bad.sql:26',
        "Snapshot 'bad_names': snapshot_meta_column_names has an unknown key 'dbt_valid_since'. Did you mean 'dbt_valid_from'?",
      ],
      ['TSDBT2300', 'snapshots/bad.sql:30', 'Snapshot \'custom\': unknown strategy "my_strategy".'],
      ['TSDBT2300', 'snapshots/open.sql:1', 'A {% snapshot %} block is not closed (or its name is not a plain name).'],
    ]);
  });

  it('a snapshot and a model of the same name, and a ref to a missing snapshot, are errors', () => {
    const errors = loadErrors({
      ...BASE,
      'snapshots/s.sql': block('orders', "unique_key='id', strategy='check', check_cols='all'", "select * from {{ ref('nope') }}"),
    }).map(summary);
    expect(errors.map((error) => error.code)).toEqual(['TSDBT2005']);
    const missing = loadErrors({
      ...BASE,
      'snapshots/s.sql': block('s', "unique_key='id', strategy='check', check_cols='all'", "select * from {{ ref('nope') }}"),
    }).map(summary);
    expect(missing[0]).toMatchObject({ code: 'TSDBT2003', location: 'snapshots/s.sql:3', message: expect.stringMatching(/^Snapshot 's' refers to 'nope'/) });
  });

  it('warns, naming file:line, about every snapshot config and text it accepts but does not act on', () => {
    const project = load({
      ...BASE,
      'project.yml': 'name: shop\nprofile: shop\nsnapshots:\n  shop:\n    +grants: {select: [analyst]}\n',
      'snapshots/w.sql': `{# a comment is fine #}\nstray text\n${block('w', "unique_key='id', strategy='timestamp', updated_at='u', check_cols=['a'], target_database='db', strategy_typo=1")}`,
      'snapshots/empty.sql': 'select 1\n',
      'snapshots/props.yml':
        'snapshots:\n  - name: ghost\n    description: no such snapshot\n  - name: w\n    columns:\n      - name: id\n        tests: [unique]\n',
    });
    expect(project.warnings).toEqual([
      'snapshots/empty.sql: no {% snapshot %} block in this file under snapshot-paths; it is ignored.',
      'snapshots/w.sql: text outside {% snapshot %} … {% endsnapshot %} blocks is ignored.',
      "project.yml:5: snapshot 'w': config 'grants' is ignored: tsdbt does not manage grants.",
      "snapshots/w.sql:4: snapshot 'w': config 'target_database' is ignored: ClickHouse has no level above a database (a dbt schema); the snapshot goes to its schema.",
      "snapshots/w.sql:4: snapshot 'w': unknown config 'strategy_typo' is ignored.",
      "snapshots/w.sql:4: snapshot 'w': check_cols is ignored by the timestamp strategy.",
      "snapshots/props.yml:4: tests declared on snapshot 'w' are not run: tsdbt runs data tests on models, seeds and sources.",
      "snapshots/props.yml:2: snapshot 'ghost' is described but has neither a relation: nor a {% snapshot ghost %} block; it is ignored.",
    ]);
  });
});
