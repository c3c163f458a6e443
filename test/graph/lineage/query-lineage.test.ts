/**
 * Column lineage read off EXPLAIN QUERY TREE texts. The texts under trees/ were printed by chDB
 * (ClickHouse 26.7) for the queries named in each test, over d.a (id, x, tags, k), d.b (id, y)
 * and d.raw (payload, _inserted_at); the real-engine path is covered by test/e2e/lineage.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compose, queryLineage } from '../../../src/graph/lineage/query-lineage.js';
import { parseQueryTree, splitNameAndType } from '../../../src/graph/lineage/query-tree.js';

const tree = (name: string): string => readFileSync(new URL(`trees/${name}.txt`, import.meta.url), 'utf8');
const short = (text: string, cteTables?: Map<string, string>) =>
  Object.fromEntries(
    queryLineage(text, { cteTables }).map((column) => [
      column.name,
      [...column.upstream.map((entry) => `${entry.table}.${entry.column}:${entry.kind}`), ...column.unknown.map((reason) => `? ${reason}`)],
    ]),
  );

describe('parseQueryTree', () => {
  it('reads node lines into kind, id and attributes, with types holding commas', () => {
    const [root] = parseQueryTree("QUERY id: 0\n  PROJECTION\n    COLUMN id: 2, column_name: t, result_type: DateTime64(3, 'UTC'), source_id: 3\n");
    expect(root).toMatchObject({ kind: 'QUERY', id: 0 });
    const column = root!.children[0]!.children[0]!;
    expect(column.attrs).toEqual({ column_name: 't', result_type: "DateTime64(3, 'UTC')", source_id: '3' });
  });

  it('splits projection column lines into name and type', () => {
    expect(splitNameAndType("snapshot_at DateTime64(3, 'UTC')")).toEqual({ name: 'snapshot_at', type: "DateTime64(3, 'UTC')" });
    expect(splitNameAndType('max(_inserted_at) Nullable(String)')).toEqual({ name: 'max(_inserted_at)', type: 'Nullable(String)' });
    expect(splitNameAndType('odd (name) String')).toEqual({ name: 'odd (name)', type: 'String' });
    expect(splitNameAndType("e Enum8('a (b' = 1)")).toEqual({ name: 'e', type: "Enum8('a (b' = 1)" });
  });
});

describe('queryLineage', () => {
  it('follows a CTE with an aggregation, a USING join and a filter', () => {
    // with c as (select id, sum(x) as s from d.a group by id) select c.id, s * 2 as s2, b.y from c join d.b as b using (id) where b.y != ''
    expect(short(tree('cte-join-using'))).toEqual({
      id: ['d.a.id:identity', 'd.b.id:join', 'd.b.y:filter'],
      s2: ['d.a.id:group_by', 'd.a.x:aggregation', 'd.b.id:join', 'd.b.y:filter'],
      y: ['d.a.id:join', 'd.b.id:join', 'd.b.y:identity'],
    });
  });

  it('follows ARRAY JOIN elements and each branch of a UNION ALL', () => {
    // select id, tag from d.a array join tags as tag union all select id, y from d.b
    expect(short(tree('array-join-union'))).toEqual({
      id: ['d.a.id:identity', 'd.b.id:identity'],
      tag: ['d.a.tags:transformation', 'd.b.y:identity'],
    });
  });

  it('follows a subquery through a LEFT JOIN ... ON, keeping qualified output names', () => {
    // select * from (select id, count(x) as n from d.a group by id) t left join d.b on t.id = b.id
    expect(short(tree('subquery-join-on'))).toEqual({
      id: ['d.a.id:identity', 'd.b.id:join'],
      n: ['d.a.id:group_by', 'd.a.x:aggregation', 'd.b.id:join'],
      'b.id': ['d.a.id:join', 'd.b.id:identity'],
      y: ['d.a.id:join', 'd.b.id:join', 'd.b.y:identity'],
    });
  });

  it('traces a function of an ARRAY JOIN element and a scalar subquery in WHERE', () => {
    expect(short(tree('array-join-function'))).toEqual({
      craft: ['d.raw._inserted_at:filter', 'd.raw.payload:transformation'],
      snapshot_at: ['d.raw._inserted_at:identity'],
    });
  });

  it('says what it cannot trace: a table function', () => {
    expect(short(tree('table-function'))).toEqual({
      n: ["? column 'number' comes from the table function numbers()"],
      'odd (name)': [],
    });
  });

  it('says what it cannot trace: the columns a dictGet reads', () => {
    // select id, dictGet('d.country_dict', 'name', tuple(k)) as country from d.a
    expect(short(tree('dictionary'))).toEqual({
      id: ['d.a.id:identity'],
      country: ['d.a.k:transformation', "? dictGet() reads 'd.country_dict' at run time: its columns are not traced"],
    });
  });

  it('stops at a CTE that stands for an inlined ephemeral model', () => {
    const text = tree('ephemeral-cte');
    expect(short(text, new Map([['__dbt__cte__eph', 'model.p.eph']]))).toEqual({
      K: ['model.p.eph.k:transformation'],
      c: ['model.p.eph.k:group_by'],
    });
    expect(short(text)).toEqual({ K: ['d.a.k:transformation'], c: ['d.a.k:group_by'] });
  });

  it('composes kinds: indirect wins, else the stronger direct kind', () => {
    expect(compose('identity', 'aggregation')).toBe('aggregation');
    expect(compose('transformation', 'identity')).toBe('transformation');
    expect(compose('filter', 'identity')).toBe('filter');
    expect(compose('aggregation', 'join')).toBe('join');
  });

  it('rejects text that is not a query tree', () => {
    expect(() => queryLineage('Expression (Project names)')).toThrow(/no QUERY or UNION/);
  });
});
