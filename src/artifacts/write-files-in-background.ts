import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Below this many files, a thread costs more to start than the writes it would hide.
 */
const THREAD_FROM = 500;

/**
 * The worker's body, as a CommonJS script run with `eval`: no separate file to find next to the
 * compiled one (the same code runs from dist/ and, under vitest, from src/).
 */
const WORKER_SOURCE = `
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { workerData } = require('node:worker_threads');
const { names, ends, bytes } = workerData;
const made = new Set();
let start = 0;
for (let i = 0; i < names.length; i += 1) {
  const file = names[i];
  const folder = dirname(file);
  if (!made.has(folder)) {
    mkdirSync(folder, { recursive: true });
    made.add(folder);
  }
  writeFileSync(file, new Uint8Array(bytes, start, ends[i] - start));
  start = ends[i];
}
`;
/** A file to write: its path and text, and text to add at its end (a newline the text lacks). */
export type FileToWrite = readonly [file: string, text: string, tail?: string];

/**
 * Writes whole files (each to its final name, folders made as needed) on another thread, so
 * this one can go on: `tsdbt compile` builds and writes manifest.json meanwhile. Creating 10,000
 * small files takes the kernel a long time when the disk is busy; on the main thread all of it would
 * add to the command's time.
 *
 * Settles when every file is written; rejects with the first failure (as writeFileSync throws it).
 */
export function writeFilesInBackground(files: readonly FileToWrite[]): Promise<void> {
  if (files.length < THREAD_FROM) {
    try {
      writeFilesHere(files);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }
  const count = files.length;
  const workerData = packed(files);
  return new Promise<void>((resolve, reject) => {
    // node:worker_threads is loaded only here: every command that writes a few files (a parsing
    // `tsdbt ls` too) would pay for loading it.
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData, transferList: [workerData.bytes] });
    // A failure in the thread ends it with code 1 after 'error': the promise keeps the error.
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`The thread writing ${count} files stopped with exit code ${code}.`))));
  });
}

/**
 * The texts as one buffer of UTF-8 bytes, moved to the thread rather than copied: handed over as
 * strings, every compiled file was copied into a message and again into the thread's own heap
 * while this thread wrote the manifest. Nothing here keeps `files` (the caller may drop them).
 */
function packed(files: readonly FileToWrite[]): { names: string[]; ends: Float64Array; bytes: ArrayBuffer } {
  const names = files.map(([file]) => file);
  const ends = new Float64Array(files.length);
  let size = 0;
  for (let i = 0; i < files.length; i += 1) {
    const [, text, tail] = files[i]!;
    size += Buffer.byteLength(text) + (tail === undefined ? 0 : Buffer.byteLength(tail));
    ends[i] = size;
  }
  const bytes = new ArrayBuffer(size);
  const view = Buffer.from(bytes);
  let at = 0;
  for (const [, text, tail] of files) {
    at += view.write(text, at);
    if (tail !== undefined) at += view.write(tail, at);
  }
  return { names, ends, bytes };
}

function writeFilesHere(files: readonly FileToWrite[]): void {
  const made = new Set<string>();
  for (const [file, text, tail] of files) {
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(file, tail === undefined ? text : text + tail);
  }
}
