/**
 * stampOf with the text read earlier (src/project/file-stamps.ts): compile-record.ts passes each
 * model's raw SQL instead of reading the file again, so the checksum must be that of the file's
 * bytes, and the text must be passed over whenever it cannot be those bytes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOfFile, stampOf } from '../../src/project/file-stamps.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-stamp-text-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('stampOf with the text read before', () => {
  it("gives the checksum of the file's bytes, UTF-8 and a BOM included", () => {
    const file = path.join(dir, 'm.sql');
    writeFileSync(file, "\uFEFFselect 'é', '日本' -- 🙂\n");
    expect(stampOf(file, readFileSync(file, 'utf8'))).toEqual(stampOf(file));
  });

  it('reads the file when the text cannot be its bytes: not UTF-8, or another length', () => {
    const file = path.join(dir, 'latin1.sql');
    writeFileSync(file, Buffer.from([0x73, 0x65, 0x6c, 0xe9, 0x0a]));
    expect(stampOf(file, readFileSync(file, 'utf8'))?.[2]).toBe(checksumOfFile(file));
    const other = path.join(dir, 'm.sql');
    writeFileSync(other, 'select 2\n');
    expect(stampOf(other, 'select 10\n')?.[2]).toBe(checksumOfFile(other));
  });
});
