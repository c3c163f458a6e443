import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { AHEAD_BYTES, CHUNK_BYTES, packed, startWritingFiles, writeFilesInBackground, writePacked } from '../../src/artifacts/write-files-in-background.js';
import { REPO_ROOT } from '../support/cli.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsdbt-bg-write-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function filesUnder(dir: string, count: number): [string, string][] {
  return Array.from({ length: count }, (_, i) => [path.join(dir, `group_${String(i % 7)}`, 'deeper', `m_${i}.sql`), `select ${i} -- é ✓\n`]);
}

describe('writeFilesInBackground', () => {
  it.each([3, 1200])('writes every one of %i files whole, making their folders (a thread from 500 files)', async (count) => {
    const dir = tempDir();
    const files = filesUnder(dir, count);
    await writeFilesInBackground(files);
    for (const [file, text] of files) expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(dir).sort()).toEqual(['group_0', 'group_1', 'group_2', 'group_3', 'group_4', 'group_5', 'group_6'].slice(0, Math.min(count, 7)));
  });

  it.each([3, 1200])("adds each file's tail after its text (%i files), as writing the two joined would", async (count) => {
    const dir = tempDir();
    const files = filesUnder(dir, count).map(([file, text], i) =>
      i % 3 === 0 ? ([file, text] as const) : ([file, text.trimEnd(), i % 3 === 1 ? '\n' : ' ✓\n'] as const),
    );
    await writeFilesInBackground(files);
    for (const [file, text, tail] of files) expect(readFileSync(file, 'utf8')).toBe(text + (tail ?? ''));
  });

  it.each([3, 1200])("settles with each file's size and time as the file system tells them (%i files)", async (count) => {
    const dir = tempDir();
    const files = filesUnder(dir, count);
    const stamps = await writeFilesInBackground(files);
    expect(stamps.length).toBe(2 * count);
    files.forEach(([file], i) => {
      const stats = statSync(file);
      expect([stamps[2 * i], stamps[2 * i + 1]]).toEqual([stats.size, stats.mtimeMs]);
    });
  });

  it.each([3, 1200])('rejects with the file system error when a file cannot be written (%i files)', async (count) => {
    const dir = tempDir();
    // A plain file where a folder must be: mkdir fails with ENOTDIR or EEXIST.
    writeFileSync(path.join(dir, 'group_0'), 'not a folder');
    // With Node's code, path and syscall, from the thread too: the CLI says which path and why (file-system-error.ts).
    await expect(writeFilesInBackground(filesUnder(dir, count))).rejects.toMatchObject({
      code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/),
      path: expect.stringContaining('group_0'),
      syscall: 'mkdir',
    });
  });
});

describe("writeFilesInBackground's meanwhile", () => {
  it.each([3, 1200])('runs once, before any of %i files is written (after the thread was asked to start)', async (count) => {
    const dir = tempDir();
    const files = filesUnder(dir, count);
    const seen: boolean[] = [];
    const writing = writeFilesInBackground(files, () => seen.push(fs.existsSync(files[0]![0])));
    await writing;
    expect(seen).toEqual([false]);
    for (const [file, text] of files) expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it.each([3, 1200])('rejects with its error, writes none of %i files and leaves no thread running', async (count) => {
    const dir = tempDir();
    const threads = () => readdirSync('/proc/self/task').length;
    const before = threads();
    const files = filesUnder(dir, count);
    await expect(
      writeFilesInBackground(files, () => {
        throw new Error('meanwhile failed');
      }),
    ).rejects.toThrow('meanwhile failed');
    expect(files.some(([file]) => fs.existsSync(file))).toBe(false);
    // The thread waited for its files: left running it would keep the process alive.
    for (let waited = 0; threads() > before && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(threads()).toBeLessThanOrEqual(before);
  });
});

describe('startWritingFiles', () => {
  it('hands the thread no more than it may hold ahead of its writes, and the rest on finish', async () => {
    const dir = tempDir();
    // 1,200 files of 8 KiB: 9.4 MiB, several times what may wait for the thread.
    const files = filesUnder(dir, 1200).map(([file, text]) => [file, text.padEnd(8192, '-')] as const);
    const writing = startWritingFiles(files);
    const fileBytes = Buffer.byteLength(files[0]![1]);
    // What waits for the thread after a feed: at most the bound, plus the chunk that crossed it.
    const bound = AHEAD_BYTES + CHUNK_BYTES + fileBytes;
    writing.feed();
    expect(writing.waiting()).toBeGreaterThan(0);
    expect(writing.waiting()).toBeLessThanOrEqual(bound);
    // Without another feed the thread gets nothing more: once it has written what it was handed, it stops.
    const written = () => files.filter(([file]) => fs.existsSync(file)).length;
    for (let waited = 0; writing.waiting() > 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writing.waiting()).toBe(0);
    const writtenEarly = written();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(written()).toBe(writtenEarly);
    for (let feeds = 0; feeds < 3; feeds += 1) {
      writing.feed();
      expect(writing.waiting()).toBeLessThanOrEqual(bound);
    }
    const stamps = await writing.finish();
    for (const [file, text] of files) expect(readFileSync(file, 'utf8')).toBe(text);
    files.forEach(([file], i) => expect([stamps[2 * i], stamps[2 * i + 1]]).toEqual([statSync(file).size, statSync(file).mtimeMs]));
  });

  it('stops the thread when abandoned, and a writer never finished keeps no process alive', async () => {
    const dir = tempDir();
    const threads = () => readdirSync('/proc/self/task').length;
    const before = threads();
    const writing = startWritingFiles(filesUnder(dir, 600));
    writing.feed();
    writing.abandon();
    for (let waited = 0; threads() > before && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(threads()).toBeLessThanOrEqual(before);
    // In a child: started, fed, never finished nor abandoned (its caller failed), the process still exits.
    const module = JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'dist', 'artifacts', 'write-files-in-background.js')).href);
    const child = path.join(dir, 'child.mjs');
    writeFileSync(
      child,
      `const { startWritingFiles } = await import(${module});\n` +
        `const writing = startWritingFiles(Array.from({ length: 600 }, (_, i) => [${JSON.stringify(dir)} + '/c/f' + i, 'x'.repeat(8192)]));\n` +
        'writing.feed();\n',
    );
    const started = Date.now();
    await promisify(execFile)(process.execPath, [child], { timeout: 30_000 });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('the packed files the thread writes', () => {
  it('lie from the end of one resizable buffer, the first file last, and the buffer shrinks to nothing as they are written', () => {
    const dir = tempDir();
    // Big enough to shrink on the way (every 256 KiB), not only at the end.
    const files = filesUnder(dir, 40).map(([file, text], i) => [file, text.repeat(i === 5 ? 40_000 : 1), '\n'] as const);
    const data = packed(files);
    const bytes = data.bytes as ArrayBuffer & { resizable: boolean };
    expect(bytes.resizable).toBe(true);
    const size = bytes.byteLength;
    expect(Buffer.from(bytes, size - Buffer.byteLength(files[0]![1]) - 1).toString()).toBe(`${files[0]![1]}\n`);
    const lengths: number[] = [];
    const watching = { ...fs, closeSync: (fd: number) => (lengths.push(bytes.byteLength), fs.closeSync(fd)) };
    const stamps = writePacked(data, watching, path.dirname);
    for (const [file, text, tail] of files) expect(readFileSync(file, 'utf8')).toBe(text + tail);
    expect(stamps.length).toBe(2 * files.length);
    expect(bytes.byteLength).toBe(0);
    expect(lengths[6]).toBeLessThan(size);
  });

  it('are written as well from a buffer that cannot shrink', () => {
    const dir = tempDir();
    const files = filesUnder(dir, 5);
    const data = packed(files);
    const fixed = new ArrayBuffer(data.bytes.byteLength);
    new Uint8Array(fixed).set(new Uint8Array(data.bytes));
    writePacked({ ...data, bytes: fixed }, fs, path.dirname);
    for (const [file, text] of files) expect(readFileSync(file, 'utf8')).toBe(text);
    expect(fixed.byteLength).toBeGreaterThan(0);
  });
});
