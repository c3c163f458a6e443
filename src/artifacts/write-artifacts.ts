import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../compile/load-project.js';
import type { GraphNode } from '../graph/node.js';
import type { RunSummary } from '../runner/results.js';
import { invocationArgs } from './invocation-args.js';
import { EntryMap, manifestSections } from './manifest.js';
import { buildRunResults } from './run-results.js';
import { writeFilesInBackground, type FileToWrite } from './write-files-in-background.js';

/** Where artifacts go: the project's target-path (default `target/`). */
export function targetDir(project: Project): string {
  return path.resolve(project.dir, project.config.targetPath);
}

/**
 * Writes a JSON artifact atomically (temp file + rename), so readers never see half a file.
 * The text is compact, as dbt writes its artifacts (`JSON.stringify(value)`), and written in
 * pieces: a 50,000-model manifest is never one string.
 */
export function writeJsonArtifact(project: Project, name: string, value: unknown): string {
  return writeArtifactPieces(project, name, (emit) => writeJsonPieces(value, 2, emit));
}

/** Where one entry of manifest.json's `nodes` was written: its value's first and past-the-end byte. */
export type EntryOffsets = (uniqueId: string, start: number, end: number) => void;

/**
 * manifest.json, exactly `writeJsonArtifact(project, 'manifest.json', buildManifest(project))`,
 * but made while it is written: node entries and their parent and child lists are made a group
 * at a time and dropped once written. In a large project the whole manifest is several entries of
 * dozens of objects per model, which the garbage collector otherwise copies and promotes.
 * With `modelOffsets`, told where each model's entry lies in the file (tasks/compile-patch.ts
 * replaces one entry without writing the others again).
 */
export function writeManifestArtifact(project: Project, generatedAt: Date = new Date(), modelOffsets?: EntryOffsets): string {
  return writeArtifactPieces(project, 'manifest.json', (emit, at) => {
    let first = true;
    for (const [key, value] of manifestSections(project, generatedAt)) {
      emit(`${first ? '{' : ','}${JSON.stringify(key)}:`);
      first = false;
      if (value instanceof EntryMap) {
        const own = key === 'nodes' && modelOffsets !== undefined ? { wanted: (id: string) => id.startsWith('model.'), at, note: modelOffsets } : undefined;
        writeGrouped(value.keys, value.entry, emit, own);
      } else writeJsonPieces(value, 1, emit);
    }
    emit(first ? '{}' : '}');
  });
}

/**
 * How much text is joined for one write. Strings above V8's largest ordinary object (128 KiB)
 * are made in the large-object space, which counts toward the old generation and is freed only by a
 * full collection: written a megabyte at a time, the 89 MB manifest of 10,000 models filled it
 * twice over (the joined pieces and the groups' JSON) and the heap grew to hold it. Smaller
 * pieces die young.
 */
export const PIECE_BYTES = 1 << 16;

/**
 * The temp file + rename around text handed over in pieces, written PIECE_BYTES at a time.
 * `at()` is the byte offset the next piece will start at (counted only once it is asked for:
 * measuring every piece's UTF-8 length costs a pass over the text).
 */
function writeArtifactPieces(project: Project, name: string, write: (emit: (piece: string) => void, at: () => number) => void): string {
  const file = path.join(targetDir(project), name);
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    let pending: string[] = [];
    let size = 0;
    let counting = false;
    let bytes = 0;
    const flush = () => {
      writeSync(fd, pending.join(''));
      pending = [];
      size = 0;
    };
    const at = (): number => {
      if (!counting) {
        counting = true;
        flush();
        bytes = fstatSync(fd).size;
      }
      return bytes;
    };
    write((piece) => {
      pending.push(piece);
      size += piece.length;
      if (counting) bytes += Buffer.byteLength(piece);
      if (size >= PIECE_BYTES) flush();
    }, at);
    pending.push('\n');
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  return file;
}

/**
 * Entries of a big map stringified per group, not one by one: JSON.stringify's cost per call
 * showed at 120,000 entries (a 10k-model manifest's nodes, parent_map and child_map), and a
 * generator yielding each entry cost more again. Groups keep every piece small: 32 test entries
 * are about 40 KB of JSON, 32 model entries about 130 KB (see PIECE_BYTES).
 */
const GROUP_SIZE = 32;

/**
 * `JSON.stringify(value)` handed to `emit` in pieces: plain objects down to `depth` are written
 * entry by entry, the entries of the deepest such level in groups of GROUP_SIZE.
 */
export function writeJsonPieces(value: unknown, depth: number, emit: (piece: string) => void): void {
  if (!isPlainRecord(value) || depth === 0) {
    emit(JSON.stringify(value) ?? 'null');
    return;
  }
  if (depth === 1) {
    writeGrouped(Object.keys(value), (key) => value[key], emit);
    return;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    emit(`${first ? '{' : ','}${JSON.stringify(key)}:`);
    first = false;
    writeJsonPieces(item, depth - 1, emit);
  }
  emit(first ? '{}' : '}');
}

/**
 * The JSON object of `keys` with their `entry` values, stringified GROUP_SIZE entries at a time;
 * `own.wanted` entries one by one, with their byte offsets told to `own.note`.
 */
function writeGrouped(
  keys: readonly string[],
  entry: (key: string) => unknown,
  emit: (piece: string) => void,
  own?: { wanted: (key: string) => boolean; at: () => number; note: EntryOffsets },
): void {
  let first = true;
  // A null-prototype group keeps a `__proto__` key an ordinary key. A group lists array-index
  // keys first: callers pass an object's own key order, where they come first too, or unique ids.
  let group: Record<string, unknown> = Object.create(null);
  let count = 0;
  const flushGroup = () => {
    const inner = JSON.stringify(group).slice(1, -1);
    if (inner !== '') {
      emit(first ? `{${inner}` : `,${inner}`);
      first = false;
    }
    group = Object.create(null);
    count = 0;
  };
  for (const key of keys) {
    if (own?.wanted(key) === true) {
      const json = JSON.stringify(entry(key));
      if (json === undefined) continue;
      if (count > 0) flushGroup();
      emit(`${first ? '{' : ','}${JSON.stringify(key)}:`);
      first = false;
      const start = own.at();
      emit(json);
      own.note(key, start, own.at());
      continue;
    }
    group[key] = entry(key);
    if (++count === GROUP_SIZE) flushGroup();
  }
  if (count > 0) flushGroup();
  emit(first ? '{}' : '}');
}

/** An object JSON.stringify writes key by key: no toJSON, a plain or null prototype. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** target/compiled/<project>/<path>: the SELECT a model compiles to. Returns the path relative to the project. */
export function writeCompiledSql(project: Project, node: Pick<GraphNode, 'originalFilePath'>, sql: string, kind: 'compiled' | 'run' = 'compiled'): string {
  const file = path.join(targetDir(project), kind, project.config.name, node.originalFilePath);
  writeAtomically(file, sql.endsWith('\n') ? sql : `${sql}\n`);
  return path.relative(project.dir, file).split(path.sep).join('/');
}

/**
 * `writeCompiledSql` for many nodes at once (`tsdbt compile`), each file written whole to its
 * final name, on another thread when there are many (see write-files-in-background.ts): await
 * the result after doing other work.
 */
export function writeCompiledSqlFiles(project: Project, items: Iterable<{ node: Pick<GraphNode, 'originalFilePath'>; sql: string }>): Promise<void> {
  const root = path.join(targetDir(project), 'compiled', project.config.name);
  // The newline goes as a tail, not `${sql}\n`: that would be a second copy of every file's text.
  const files: FileToWrite[] = [];
  for (const { node, sql } of items)
    files.push(sql.endsWith('\n') ? [path.join(root, node.originalFilePath), sql] : [path.join(root, node.originalFilePath), sql, '\n']);
  return writeFilesInBackground(files);
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** After nodes ran: manifest.json, and run_results.json with each node's compiled SQL and the command's args. */
export function writeRunArtifacts(project: Project, summary: RunSummary, which: string, options: object): void {
  writeManifestArtifact(project);
  const compiledCode = (id: string) => project.run.compiled.get(id);
  writeJsonArtifact(project, 'run_results.json', buildRunResults(summary, project.invocationId, invocationArgs(which, options), new Date(), compiledCode));
}
