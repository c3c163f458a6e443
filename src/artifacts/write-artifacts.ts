import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../compile/load-project.js';
import type { GraphNode } from '../graph/node.js';
import type { RunSummary } from '../runner/results.js';
import { invocationArgs } from './invocation-args.js';
import { buildManifest } from './manifest.js';
import { buildRunResults } from './run-results.js';

/** Where artifacts go: the project's target-path (default `target/`). */
export function targetDir(project: Project): string {
  return path.resolve(project.dir, project.config.targetPath);
}

/** Writes a JSON artifact atomically (temp file + rename), so readers never see half a file. */
export function writeJsonArtifact(project: Project, name: string, value: unknown): string {
  const file = path.join(targetDir(project), name);
  writeAtomically(file, JSON.stringify(value, null, 2) + '\n');
  return file;
}

/** target/compiled/<project>/<path>: the SELECT a model compiles to. Returns the path relative to the project. */
export function writeCompiledSql(project: Project, node: Pick<GraphNode, 'originalFilePath'>, sql: string, kind: 'compiled' | 'run' = 'compiled'): string {
  const file = path.join(targetDir(project), kind, project.config.name, node.originalFilePath);
  writeAtomically(file, sql.endsWith('\n') ? sql : `${sql}\n`);
  return path.relative(project.dir, file).split(path.sep).join('/');
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
