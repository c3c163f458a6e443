import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../compile/load-project.js';
import type { GraphNode } from '../graph/node.js';
import type { RunSummary } from '../runner/results.js';
import { invocationArgs } from './invocation-args.js';
import { buildManifest } from './manifest.js';
import { buildRunResults } from './run-results.js';
import { writeFilesInBackground } from './write-files-in-background.js';

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
  const file = path.join(targetDir(project), name);
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    let pending: string[] = [];
    let size = 0;
    for (const chunk of jsonChunks(value, 2)) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= 1 << 20) {
        writeSync(fd, pending.join(''));
        pending = [];
        size = 0;
      }
    }
    pending.push('\n');
    writeSync(fd, pending.join(''));
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  return file;
}

/** `JSON.stringify(value)` in pieces: plain objects down to `depth` are written entry by entry. */
export function* jsonChunks(value: unknown, depth: number): Generator<string> {
  const plain = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function' && [Object.prototype, null].includes(Object.getPrototypeOf(value));
  if (!plain || depth === 0) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  let first = true;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    yield `${first ? '{' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* jsonChunks(item, depth - 1);
  }
  yield first ? '{}' : '}';
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
  const files: [string, string][] = [];
  for (const { node, sql } of items) files.push([path.join(root, node.originalFilePath), sql.endsWith('\n') ? sql : `${sql}\n`]);
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
  writeJsonArtifact(project, 'manifest.json', buildManifest(project));
  const compiledCode = (id: string) => (project.nodes.get(id) as { compiledSql?: string } | undefined)?.compiledSql;
  writeJsonArtifact(project, 'run_results.json', buildRunResults(summary, project.invocationId, invocationArgs(which, options), new Date(), compiledCode));
}
