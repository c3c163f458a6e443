import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

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
const made = new Set();
for (const [file, text] of workerData) {
  const folder = dirname(file);
  if (!made.has(folder)) {
    mkdirSync(folder, { recursive: true });
    made.add(folder);
  }
  writeFileSync(file, text);
}
`;

/**
 * Writes whole files (each to its final name, folders made as needed) on another thread, so
 * this one can go on: `tsdbt compile` builds and writes manifest.json meanwhile. Creating 10,000
 * small files takes the kernel a long time when the disk is busy; on the main thread all of it would
 * add to the command's time.
 *
 * Settles when every file is written; rejects with the first failure (as writeFileSync throws it).
 */
export async function writeFilesInBackground(files: readonly (readonly [file: string, text: string])[]): Promise<void> {
  if (files.length < THREAD_FROM) {
    writeFilesHere(files);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: files });
    // A failure in the thread ends it with code 1 after 'error': the promise keeps the error.
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`The thread writing ${files.length} files stopped with exit code ${code}.`))));
  });
}

function writeFilesHere(files: readonly (readonly [string, string])[]): void {
  const made = new Set<string>();
  for (const [file, text] of files) {
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(file, text);
  }
}
