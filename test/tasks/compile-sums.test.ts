/**
 * The record's checksums (src/tasks/compile-sums.ts): read from compile_sums.json only when it is
 * the file the record names, with the sums a patched compile took over those of the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordedSums, sumsText } from '../../src/tasks/compile-sums.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-sums-'));
  file = path.join(dir, 'compile_sums.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RecordedSums', () => {
  it('reads the sums of the file the record names, under the sums a patch took', () => {
    writeFileSync(file, sumsText('id-1', { inputs: ['a', 'b'], compiled: ['c'] }));
    const sums = new RecordedSums(file, 'id-1', { inputs: { 1: 'patched-b' }, compiled: {} });
    expect([sums.input(0), sums.input(1), sums.compiled(0), sums.input(2)]).toEqual(['a', 'patched-b', 'c', undefined]);
  });

  it('uses no sums of another file: another id, no id, not there, not JSON', () => {
    const cases: [string | undefined, string][] = [
      ['id-2', sumsText('id-1', { inputs: ['a'], compiled: [] })],
      [undefined, JSON.stringify({ inputs: ['a'], compiled: [] })],
      ['id-1', '{"id":"id-1","inputs":['],
    ];
    for (const [id, text] of cases) {
      writeFileSync(file, text);
      expect(new RecordedSums(file, id as string).input(0)).toBeUndefined();
    }
    rmSync(file);
    expect(new RecordedSums(file, 'id-1').input(0)).toBeUndefined();
  });
});
