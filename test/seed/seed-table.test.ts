import { describe, expect, test } from 'vitest';
import { TsdbtError } from '../../src/core/errors.js';
import { inferColumnType } from '../../src/seed/infer-types.js';
import { readSeedTable } from '../../src/seed/seed-table.js';

describe('seed column types (dbt: number, date, datetime, boolean, else text; empty cells are NULL)', () => {
  test.each([
    [['1', '-2', '+3'], 'Int32'],
    [['2147483647', '-2147483648'], 'Int32'],
    [['2147483648'], 'Int64'],
    [['-2147483649', '1'], 'Int64'],
    [['9223372036854775808'], 'Int128'],
    [['1'.padEnd(60, '0')], 'Int256'],
    [['1'.padEnd(80, '0')], 'String'],
    [['1', '2.5'], 'Decimal(2, 1)'],
    [['1.0'], 'Decimal(2, 1)'],
    [['10.50', '3000000000.25', '0.01'], 'Decimal(12, 2)'],
    [['-0.125', '.5'], 'Decimal(4, 3)'],
    [['1.5e3', '2'], 'Float64'],
    [['1,234.5', '5'], 'Decimal(5, 1)'],
    [['1,234', '5'], 'Int32'],
    [['007'], 'Int32'],
    [['2024-01-05', '2024-2-3'], 'Date'],
    [['1969-12-31'], 'Date32'],
    [['2024-02-30'], 'String'],
    [['2024-01-05 10:00:00', '2024-01-05T11:30:00'], 'DateTime'],
    [['2024-01-05 10:00:00.123'], 'DateTime64(3)'],
    [['2024-01-05T10:00:00Z'], "DateTime('UTC')"],
    [['2024-01-05', '2024-01-05 10:00:00'], 'String'],
    [['true', 'False', 'TRUE'], 'Bool'],
    [['yes', 'no'], 'String'],
    [['a', '1'], 'String'],
    [['1', ''], 'Nullable(Int32)'],
    [['x', 'null'], 'Nullable(String)'],
    [['', 'NULL'], 'Nullable(Int32)'],
    [[], 'Int32'],
  ])('%j → %s', (cells, type) => {
    expect(inferColumnType(cells).type).toBe(type);
  });
});

describe('readSeedTable', () => {
  const read = (text: string, columnTypes?: Record<string, string>) => readSeedTable(text, { name: 'people', file: 'seeds/people.csv', columnTypes });

  test('types the columns and converts the cells for a JSONEachRow insert', () => {
    const table = read(
      '\ufeffid,name,joined,at,active,score\n1,"Lee, Ann",2024-01-02,2024-01-02T03:04:05+02:00,true,1.5\n2,,2024-01-03,2024-01-03T00:00:00Z,false,\n',
    );
    expect(table.columns.map((column) => [column.name, column.type])).toEqual([
      ['id', 'Int32'],
      ['name', 'Nullable(String)'],
      ['joined', 'Date'],
      ['at', "DateTime('UTC')"],
      ['active', 'Bool'],
      ['score', 'Nullable(Decimal(2, 1))'],
    ]);
    expect(table.rows).toEqual([
      { id: '1', name: 'Lee, Ann', joined: '2024-01-02', at: '2024-01-02 01:04:05', active: true, score: 1.5 },
      { id: '2', name: null, joined: '2024-01-03', at: '2024-01-03 00:00:00', active: false, score: null },
    ]);
  });

  test('column_types override inference; values go as text for ClickHouse to parse (Bool as true/false)', () => {
    const table = read('zip,amount,flag\n00123,10.50,1\n,3,0\n', { zip: 'Nullable(String)', amount: 'Decimal(10, 2)', flag: 'Bool' });
    expect(table.columns.map((column) => column.type)).toEqual(['Nullable(String)', 'Decimal(10, 2)', 'Bool']);
    expect(table.rows).toEqual([
      { zip: '00123', amount: '10.50', flag: true },
      { zip: null, amount: '3', flag: false },
    ]);
  });

  test.each([
    ['', {}, /is empty: it needs a header row/],
    ['a,a\n1,2\n', {}, /has the column 'a' twice/],
    ['a,b\n1,2\n3\n', {}, /not valid CSV.*line 3/i],
    ['a,b\n"1,2\n', {}, /not valid CSV/],
    ['a,b\n1,2\n', { c: 'Int32' }, /column_types for 'c', but the CSV has no such column \(it has a, b\)/],
    ['a,b\n1,\n', { b: 'Int32' }, /column 'b' is set to Int32 in column_types, but row 2 has no value there/],
  ])('%j is refused with a clear message', (text, columnTypes, message) => {
    let error: unknown;
    try {
      read(text, columnTypes);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TsdbtError);
    expect((error as TsdbtError).code).toBe('TSDBT2008');
    expect((error as TsdbtError).message).toMatch(message);
    expect((error as TsdbtError).file).toBe('seeds/people.csv');
  });
});
