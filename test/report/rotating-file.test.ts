import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingFile } from '../../src/report/rotating-file.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-log-'));
  dirs.push(dir);
  return path.join(dir, 'logs', 'tsdbt.log');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('RotatingFile', () => {
  it('creates the folder and appends to an existing file', () => {
    const file = tempFile();
    const first = new RotatingFile(file, 1000, 2);
    first.write('one\n');
    first.close();
    const second = new RotatingFile(file, 1000, 2);
    second.write('two\n');
    second.close();
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
  });

  it('rolls over before a write would pass maxBytes, keeping `backups` old files and dropping the oldest', () => {
    const file = tempFile();
    const log = new RotatingFile(file, 10, 2);
    for (const line of ['aaaa\n', 'bbbb\n', 'cccc\n', 'dddd\n', 'eeee\n', 'ffff\n', 'gggg\n']) log.write(line);
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('gggg\n');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('eeee\nffff\n');
    expect(readFileSync(`${file}.2`, 'utf8')).toBe('cccc\ndddd\n');
    expect(existsSync(`${file}.3`)).toBe(false);
  });

  it('counts the size of a file it did not write (a run before this one)', () => {
    const file = tempFile();
    const before = new RotatingFile(file, 0, 2);
    before.write('x'.repeat(20) + '\n');
    before.close();
    const log = new RotatingFile(file, 25, 2);
    log.write('next line\n');
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('next line\n');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('x'.repeat(20) + '\n');
  });

  it('never rotates with maxBytes 0, and a single line larger than maxBytes is still written whole', () => {
    const file = tempFile();
    const unlimited = new RotatingFile(file, 0, 2);
    for (let i = 0; i < 50; i += 1) unlimited.write('0123456789\n');
    unlimited.close();
    expect(existsSync(`${file}.1`)).toBe(false);

    const other = tempFile();
    const small = new RotatingFile(other, 5, 1);
    small.write('a line longer than five bytes\n');
    small.close();
    expect(readFileSync(other, 'utf8')).toBe('a line longer than five bytes\n');
  });

  it('with no backups, starts over in the same file', () => {
    const file = tempFile();
    const log = new RotatingFile(file, 8, 0);
    log.write('first\n');
    log.write('second\n');
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('second\n');
    expect(existsSync(`${file}.1`)).toBe(false);
  });
});
