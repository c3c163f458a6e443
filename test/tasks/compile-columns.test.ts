/**
 * The record's columns (src/tasks/compile-columns.ts): compile_stamps.bin gives back exactly the
 * paths, sizes and times written (times with their fractions, paths in any script), and only when
 * it is the whole file the record names: another id, a cut or damaged file, or none gives nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { columnsBytes, columnsOf, readColumns, type RecordColumns } from '../../src/tasks/compile-columns.js';

const idOf = (body: Uint8Array): string => createHash('sha1').update(body).digest('base64url');

const columns: RecordColumns = {
  inputs: {
    files: ['macros/money.sql', 'models/a.sql', 'models/ünïcode/b — c.sql', 'models/sources.yml'],
    sizes: [120, 0, 5_000_000_000, 77],
    mtimes: [1796648323436.1858, 1796648323703.2463, 1.5, 1796648323436],
  },
  outputs: { files: ['manifest.json', 'partial_parse.json'], sizes: [89219820, 26520394], mtimes: [1796648333436.4321, 1796648333437.25] },
  compiled: {
    // Compiled files are their inputs' paths, except those of installed packages and tests (extra names).
    files: ['models/ünïcode/b — c.sql', 'models/a.sql', 'dbt_packages/pkg/models/p.sql'],
    sizes: [130, 10, 44],
    mtimes: [1796648340000.125, 1796648340001.5, 1796648340002],
  },
};

/** Plain arrays, for comparing what was read (float64 columns) with what was written. */
function plain(read: RecordColumns | undefined): unknown {
  if (read === undefined) return undefined;
  const each = (c: RecordColumns['inputs']) => ({ files: c.files, sizes: [...c.sizes], mtimes: [...c.mtimes] });
  return { inputs: each(read.inputs), outputs: each(read.outputs), compiled: each(read.compiled) };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-columns-'));
  file = path.join(dir, 'compile_stamps.bin');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the columns file', () => {
  it('gives back exactly what was written, under the id it was written with', () => {
    const { id, bytes } = columnsBytes(columns, idOf);
    writeFileSync(file, bytes);
    expect(plain(readColumns(file, id))).toEqual(plain(columns));
    // The id is a hash of the contents: other columns, another id.
    const other = columnsBytes({ ...columns, outputs: { ...columns.outputs, mtimes: [1, 2] } }, idOf);
    expect(other.id).not.toBe(id);
  });

  it('reads the numbers wherever the bytes sit in their buffer', () => {
    const { id, bytes } = columnsBytes(columns, idOf);
    for (const shift of [1, 3, 4, 8]) {
      const holder = Buffer.alloc(bytes.length + shift);
      bytes.copy(holder, shift);
      expect(plain(columnsOf(holder.subarray(shift), id))).toEqual(plain(columns));
    }
  });

  it('holds an empty project', () => {
    const empty: RecordColumns = {
      inputs: { files: [], sizes: [], mtimes: [] },
      outputs: { files: ['manifest.json'], sizes: [2], mtimes: [3] },
      compiled: { files: [], sizes: [], mtimes: [] },
    };
    const { id, bytes } = columnsBytes(empty, idOf);
    expect(plain(columnsOf(bytes, id))).toEqual(plain(empty));
  });

  it('gives nothing for another id, a missing file, a cut, lengthened or damaged one', () => {
    const { id, bytes } = columnsBytes(columns, idOf);
    expect(columnsOf(bytes, 'another compile')).toBeUndefined();
    expect(columnsOf(bytes, '')).toBeUndefined();
    expect(readColumns(file, id)).toBeUndefined();
    expect(columnsOf(bytes.subarray(0, bytes.length - 8), id)).toBeUndefined();
    expect(columnsOf(Buffer.concat([bytes, Buffer.alloc(8)]), id)).toBeUndefined();
    expect(columnsOf(bytes.subarray(0, 20), id)).toBeUndefined();
    expect(columnsOf(Buffer.from('{"format":3}'), id)).toBeUndefined();
    const wrongMagic = Buffer.from(bytes);
    wrongMagic[0] = 0x58;
    expect(columnsOf(wrongMagic, id)).toBeUndefined();
    const headerLength = Buffer.from(bytes);
    headerLength.writeUInt32LE(1_000_000, 8);
    expect(columnsOf(headerLength, id)).toBeUndefined();
    // A compiled file's index past the inputs: not a file of this record.
    const numbersStart = bytes.length - 8 * (2 * 4 + 2 * 2 + 3 * 3);
    const badIndex = Buffer.from(bytes);
    badIndex.writeDoubleLE(99, numbersStart + 8 * (2 * 4 + 2 * 2));
    expect(columnsOf(badIndex, id)).toBeUndefined();
    // A NUL in the names: one name too many.
    const names = Buffer.from(bytes);
    names[names.indexOf('models/a.sql') + 6] = 0;
    expect(columnsOf(names, id)).toBeUndefined();
  });
});
