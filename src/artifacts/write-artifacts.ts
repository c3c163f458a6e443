import { closeSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../compile/load-project.js';
import { PieceBuffer, writeGrouped, writeJsonPieces, type EntryOffsets } from '../core/json-pieces.js';
import { writeAllSync } from '../core/write-all.js';
import type { GraphNode } from '../graph/node.js';
import type { RunSummary } from '../runner/results.js';
import { invocationArgs } from './invocation-args.js';
import { EntryMap, manifestSections } from './manifest.js';
import { buildRunResults } from './run-results.js';
import { startWritingFiles, type BackgroundWrites, type FileToWrite } from './write-files-in-background.js';

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
  return writeArtifactPieces(project, name, undefined, (emit) => writeJsonPieces(value, 2, emit, GROUP_SIZE));
}

/** Where one entry of manifest.json's `nodes` was written: its value's first and past-the-end byte. */
export type { EntryOffsets };

/**
 * manifest.json, exactly `writeJsonArtifact(project, 'manifest.json', buildManifest(project))`,
 * but made while it is written: node entries and their parent and child lists are made a group
 * at a time and dropped once written. In a large project the whole manifest is several entries of
 * dozens of objects per model, which the garbage collector otherwise copies and promotes.
 * With `modelOffsets`, told where each model's entry lies in the file (tasks/compile-patch.ts
 * replaces one entry without writing the others again). `afterEachWrite` is called after each
 * write to the file, a megabyte at a time.
 */
export function writeManifestArtifact(project: Project, generatedAt: Date = new Date(), modelOffsets?: EntryOffsets, afterEachWrite?: () => void): string {
  return writeArtifactPieces(project, 'manifest.json', afterEachWrite, (emit, at) => {
    let first = true;
    for (const [key, value] of manifestSections(project, generatedAt)) {
      emit(`${first ? '{' : ','}${JSON.stringify(key)}:`);
      first = false;
      if (value instanceof EntryMap) {
        const own = key === 'nodes' && modelOffsets !== undefined ? { wanted: (id: string) => id.startsWith('model.'), at, note: modelOffsets } : undefined;
        writeGrouped(value.keys, value.entry, emit, GROUP_SIZE, own);
      } else writeJsonPieces(value, 1, emit, GROUP_SIZE);
    }
    emit(first ? '{}' : '}');
  });
}

/**
 * The temp file + rename around text handed over in pieces, written PIECE_BYTES at a time.
 * `at()` is the byte offset the next piece will start at.
 */
function writeArtifactPieces(
  project: Project,
  name: string,
  afterEachWrite: (() => void) | undefined,
  write: (emit: (piece: string) => void, at: () => number) => void,
): string {
  const file = path.join(targetDir(project), name);
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    const buffer = new PieceBuffer((bytes) => {
      writeAllSync(fd, bytes);
      afterEachWrite?.();
    });
    write(
      (piece) => buffer.push(piece),
      () => buffer.bytes,
    );
    buffer.push('\n');
    buffer.flush();
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
 * are about 40 KB of JSON, 32 model entries about 130 KB (see writeGrouped in core/json-pieces.ts).
 */
const GROUP_SIZE = 32;

/** target/compiled/<project>/<path>: the SELECT a model compiles to. Returns the path relative to the project. */
export function writeCompiledSql(project: Project, node: Pick<GraphNode, 'originalFilePath'>, sql: string, kind: 'compiled' | 'run' = 'compiled'): string {
  const file = path.join(targetDir(project), kind, project.config.name, node.originalFilePath);
  writeAtomically(file, sql.endsWith('\n') ? sql : `${sql}\n`);
  return path.relative(project.dir, file).split(path.sep).join('/');
}

/**
 * `writeCompiledSql` for many nodes at once (`tsdbt compile`), each file written whole to its
 * final name, on another thread when there are many (see write-files-in-background.ts): await
 * the result (each file's size and time, in the order of `items`) after doing other work.
 */
export function writeCompiledSqlFiles(
  project: Project,
  items: Iterable<{ node: Pick<GraphNode, 'originalFilePath'>; sql: string }>,
  meanwhile?: () => void,
): BackgroundWrites {
  const root = path.join(targetDir(project), 'compiled', project.config.name);
  // The newline goes as a tail, not `${sql}\n`: that would be a second copy of every file's text.
  const files: FileToWrite[] = [];
  for (const { node, sql } of items)
    files.push(sql.endsWith('\n') ? [path.join(root, node.originalFilePath), sql] : [path.join(root, node.originalFilePath), sql, '\n']);
  return startWritingFiles(files, meanwhile);
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
