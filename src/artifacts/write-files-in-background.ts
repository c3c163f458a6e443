import { closeSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { writeAllSync } from '../core/write-all.js';
import { threadStarting } from '../core/young-generation.js';

/**
 * Below this many files, a thread costs more to start than the writes it would hide.
 */
const THREAD_FROM = 500;

/**
 * The worker's body, as a CommonJS script run with `eval`: no separate file to find next to the
 * compiled one (the same code runs from dist/ and, under vitest, from src/). `writePacked` is
 * written into it as source, so it may use nothing but its parameters.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.started !== undefined) {
  Atomics.store(workerData.started, 0, 1);
  Atomics.notify(workerData.started, 0);
}
const fs = require('node:fs');
const { dirname } = require('node:path');
const writePacked = ${writePackedSource()};
const stamps = new Float64Array(workerData.count * 2);
parentPort.on('message', (chunk) => {
  if (chunk.names === undefined) {
    parentPort.postMessage(stamps, [stamps.buffer]);
    parentPort.close();
    return;
  }
  stamps.set(writePacked(chunk, fs, dirname), chunk.first * 2);
  Atomics.add(workerData.written, 0, chunk.names.length);
});
`;

/**
 * The packed texts go to the thread a chunk of about this many bytes at a time, and no more than
 * `AHEAD_BYTES` of them wait for it: all at once, the 10,000-model compile's 13 MiB of them sat in
 * memory through the manifest write, the command's memory peak.
 */
export const CHUNK_BYTES = 256 * 1024;
export const AHEAD_BYTES = 2 * 1024 * 1024;

/** File system calls `writePacked` makes. */
type WritingCalls = Pick<typeof import('node:fs'), 'closeSync' | 'fstatSync' | 'mkdirSync' | 'openSync' | 'writeSync'>;

/** ES2024's resizable ArrayBuffer (Node 20 has it; the TypeScript library this project builds with does not). */
type Resizable = ArrayBuffer & { resizable?: boolean; resize: (length: number) => void };

/**
 * Writes the packed files (see `packed`), in order, and returns their stamps. File `i` lies just
 * before file `i - 1`, the first at the buffer's end, so a resizable buffer can be shrunk as the
 * files are written: the text of 10,000 compiled files (13 MiB at 10k models) is given back
 * while the main thread writes the manifest, the command's memory peak, instead of at the end.
 */
export function writePacked(data: PackedFiles, fs: WritingCalls, dirname: (file: string) => string): Float64Array {
  const { names, ends, bytes } = data;
  // Past this many bytes written the buffer is shrunk (a shrink gives back whole pages). A literal: see WORKER_SOURCE.
  const shrinkEvery = 262_144;
  const size = ends.length === 0 ? 0 : ends[ends.length - 1]!;
  const made = new Set<string>();
  const stamps = new Float64Array(names.length * 2);
  let written = 0;
  for (let i = 0; i < names.length; i += 1) {
    const file = names[i]!;
    const folder = dirname(file);
    if (!made.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    const start = size - ends[i]!;
    const length = ends[i]! - (i === 0 ? 0 : ends[i - 1]!);
    const fd = fs.openSync(file, 'w');
    try {
      const text = new Uint8Array(bytes, start, length);
      for (let at = 0; at < length; ) at += fs.writeSync(fd, text, at, length - at);
      const stats = fs.fstatSync(fd);
      stamps[2 * i] = stats.size;
      stamps[2 * i + 1] = stats.mtimeMs;
    } finally {
      fs.closeSync(fd);
    }
    written += length;
    if ((bytes as Resizable).resizable === true && (written >= shrinkEvery || i === names.length - 1)) {
      (bytes as Resizable).resize(start);
      written = 0;
    }
  }
  return stamps;
}

function writePackedSource(): string {
  return writePacked.toString();
}

/** A file to write: its path and text, and text to add at its end (a newline the text lacks). */
export type FileToWrite = readonly [file: string, text: string, tail?: string];

/**
 * The size and modification time of each file written, in the order given: `[size0, mtimeMs0,
 * size1, …]`, from the open file after its last write (tasks/compile-record.ts records them
 * instead of asking for each file's status again).
 */
export type WrittenStamps = Float64Array;

/** Files being written on another thread (`startWritingFiles`). */
export interface BackgroundWrites {
  /**
   * Hands the thread more of the files, as long as fewer than `AHEAD_BYTES` of them wait for it:
   * called as the caller's own work goes on (the manifest write, a megabyte at a time).
   */
  feed(): void;
  /** Hands over the rest; settles with every file's stamps once written, or rejects with the first failure. */
  finish(): Promise<WrittenStamps>;
  /** Stops the thread, whatever it has written: for a caller that failed before `finish`. */
  abandon(): void;
  /** Bytes handed over that the thread has not written yet. */
  waiting(): number;
}

/**
 * Writes whole files (each to its final name, folders made as needed) on another thread, so
 * this one can go on: `tsdbt compile` builds and writes manifest.json meanwhile. Creating 10,000
 * small files takes the kernel a long time when the disk is busy; on the main thread all of it would
 * add to the command's time. Below `THREAD_FROM` files they are written here, at once.
 *
 * `meanwhile` runs once, after the thread was asked to start (which takes it a while) and before
 * any text is packed for it: the compile collects its garbage there, so that the packed texts and
 * the thread's heap never come on top of it.
 */
export function startWritingFiles(files: readonly FileToWrite[], meanwhile?: () => void): BackgroundWrites {
  if (files.length < THREAD_FROM) {
    let written: Promise<WrittenStamps>;
    try {
      meanwhile?.();
      written = Promise.resolve(writeFilesHere(files));
    } catch (error) {
      written = Promise.reject(error);
    }
    written.catch(() => undefined);
    return { feed: () => undefined, finish: () => written, abandon: () => undefined, waiting: () => 0 };
  }
  const count = files.length;
  // Set by the thread as it starts, for core/young-generation.ts (its start undoes a hold).
  const started = threadStarting();
  // How many files the thread has written.
  const written = new Int32Array(new SharedArrayBuffer(4));
  // node:worker_threads is loaded only here: every command that writes a few files (a parsing
  // `tsdbt ls` too) would pay for loading it.
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { count, written, ...(started === undefined ? {} : { started }) } });
  const settled = new Promise<WrittenStamps>((resolve, reject) => {
    let stamps: WrittenStamps | undefined;
    worker.once('message', (message: WrittenStamps) => {
      stamps = message;
    });
    // A failure in the thread ends it with code 1 after 'error': the promise keeps the error.
    worker.once('error', reject);
    worker.once('exit', (code) =>
      code === 0 && stamps !== undefined ? resolve(stamps) : reject(new Error(`The thread writing ${count} files stopped with exit code ${code}.`)),
    );
  });
  // Until `finish`, a caller that fails and never comes back leaves no thread keeping the process
  // alive (after the listeners above: adding a 'message' listener refs the thread again).
  worker.unref();
  const ends = byteEnds(files);
  const bytesBefore = (file: number) => (file === 0 ? 0 : ends[file - 1]!);
  let next = 0;
  const handOver = (until: number) => {
    // The chunk's own running totals, from those of all the files: no file measured twice.
    const base = bytesBefore(next);
    const chunk = packed(
      files.slice(next, until),
      ends.slice(next, until).map((end) => end - base),
    );
    worker.postMessage({ first: next, ...chunk }, [chunk.bytes]);
    next = until;
  };
  const chunkEnd = () => {
    let until = next + 1;
    while (until < count && ends[until - 1]! - bytesBefore(next) < CHUNK_BYTES) until += 1;
    return until;
  };
  // Bytes handed over that the thread has not written yet.
  const waiting = () => bytesBefore(next) - bytesBefore(Atomics.load(written, 0));
  const abandon = () => {
    settled.catch(() => undefined);
    void worker.terminate();
  };
  try {
    meanwhile?.();
  } catch (error) {
    abandon();
    return { feed: () => undefined, finish: () => Promise.reject(error), abandon: () => undefined, waiting: () => 0 };
  }
  return {
    abandon,
    waiting,
    feed() {
      while (next < count && waiting() < AHEAD_BYTES) handOver(chunkEnd());
    },
    finish() {
      while (next < count) handOver(chunkEnd());
      worker.postMessage({});
      worker.ref();
      return settled;
    },
  };
}

/** `startWritingFiles`, every file handed over at once. */
export function writeFilesInBackground(files: readonly FileToWrite[], meanwhile?: () => void): Promise<WrittenStamps> {
  return startWritingFiles(files, meanwhile).finish();
}

/** The running total of the files' sizes in UTF-8, tails included. */
function byteEnds(files: readonly FileToWrite[]): Float64Array {
  const ends = new Float64Array(files.length);
  let size = 0;
  for (let i = 0; i < files.length; i += 1) {
    const [, text, tail] = files[i]!;
    size += Buffer.byteLength(text) + (tail === undefined ? 0 : Buffer.byteLength(tail));
    ends[i] = size;
  }
  return ends;
}

/** The files for the thread: names, the running total of their sizes, and their bytes, the first file last. */
export interface PackedFiles {
  names: string[];
  ends: Float64Array;
  bytes: ArrayBuffer;
}

/**
 * The texts as one buffer of UTF-8 bytes, moved to the thread rather than copied: handed over as
 * strings, every compiled file was copied into a message and again into the thread's own heap
 * while this thread wrote the manifest. Resizable where Node allows, and laid out from its end
 * (see `writePacked`). Nothing here keeps `files` (the caller may drop them). `ends`: their
 * `byteEnds`, when the caller has them.
 */
export function packed(files: readonly FileToWrite[], ends: Float64Array = byteEnds(files)): PackedFiles {
  const names = files.map(([file]) => file);
  const size = ends.length === 0 ? 0 : ends[ends.length - 1]!;
  // (An ArrayBuffer constructor without resizable buffers ignores the option: a fixed buffer, freed with the thread.)
  const bytes = new (ArrayBuffer as new (length: number, options: { maxByteLength: number }) => ArrayBuffer)(size, { maxByteLength: size });
  const view = Buffer.from(bytes);
  files.forEach(([, text, tail], i) => {
    let at = size - ends[i]!;
    at += view.write(text, at);
    if (tail !== undefined) view.write(tail, at);
  });
  return { names, ends, bytes };
}

function writeFilesHere(files: readonly FileToWrite[]): WrittenStamps {
  const made = new Set<string>();
  const stamps = new Float64Array(files.length * 2);
  files.forEach(([file, text, tail], i) => {
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    const fd = openSync(file, 'w');
    try {
      writeAllSync(fd, Buffer.from(tail === undefined ? text : text + tail, 'utf8'));
      const stats = fstatSync(fd);
      stamps[2 * i] = stats.size;
      stamps[2 * i + 1] = stats.mtimeMs;
    } finally {
      closeSync(fd);
    }
  });
  return stamps;
}
