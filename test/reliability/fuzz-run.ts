/**
 * Runs a fuzz case in-process, the way `tsdbt compile` / `ls` / `seed` would get to it (load the
 * project, resolve the selection, render every model, read the seed's CSV), and checks what came
 * out: one TsdbtError, with a non-internal code, a location where one applies, and a hint.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Terminal } from '../../src/cli/terminal.js';
import { resolveSelection } from '../../src/tasks/selection.js';
import { loadProject } from '../../src/compile/load-project.js';
import { compileModels } from '../../src/compile/render-model.js';
import { ErrorCodes, isTsdbtError, throwCollected, type TsdbtError } from '../../src/core/errors.js';
import { readSeedTable } from '../../src/seed/seed-table.js';
import { FakeStream } from '../report/fake-stream.js';
import { writeProject } from '../support/cli.js';
import { BASE_PROJECT, type FuzzCase } from './fuzz-cases.js';

/** The case's project: the base with its files replaced or removed. */
export function caseFiles(c: FuzzCase): Record<string, string> {
  const files: Record<string, string> = { ...BASE_PROJECT };
  for (const [file, text] of Object.entries(c.files)) {
    if (text === null) delete files[file];
    else files[file] = text;
  }
  return files;
}

/** What the case threw: a TsdbtError, something else (a bug), or nothing. */
export function runCase(c: FuzzCase, home: string): unknown {
  const dir = writeProject(caseFiles(c), 'tsdbt-fuzz-');
  try {
    const project = loadProject({ projectDir: dir, env: { HOME: home } });
    const terminal = new Terminal({ stderr: new FakeStream(), stdout: new FakeStream() });
    resolveSelection(project, { select: c.select, exclude: c.exclude, selector: c.selector }, ['model', 'seed', 'test'], terminal);
    throwCollected(compileModels(project));
    if (c.seed !== undefined) {
      const seed = project.seeds.get(`seed.${project.config.name}.${c.seed}`)!;
      readSeedTable(readFileSync(path.join(dir, seed.originalFilePath), 'utf8'), {
        name: seed.name,
        file: seed.originalFilePath,
        delimiter: seed.config.delimiter as string | undefined,
        columnTypes: seed.config.column_types as Record<string, string> | undefined,
      });
    }
    return undefined;
  } catch (error) {
    return error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What is wrong with the outcome of `c`, or undefined when it is as it should be. */
export function judge(c: FuzzCase, outcome: unknown): string | undefined {
  if (outcome === undefined) return 'no error at all';
  if (!isTsdbtError(outcome)) return `not a TsdbtError: ${outcome instanceof Error ? outcome.stack : String(outcome)}`;
  return judgeError(c, outcome);
}

export function judgeError(c: FuzzCase, error: TsdbtError): string | undefined {
  const problems: string[] = [];
  if (error.code === ErrorCodes.INTERNAL) problems.push('an internal error (TSDBT9001)');
  if (!/^TSDBT[1-5]\d{3}$/.test(error.code)) problems.push(`code ${error.code}`);
  if (error.message.trim() === '' || /\bat \S+ \(/.test(error.message) || /\[object Object\]/.test(error.message))
    problems.push(`a message that reads badly: ${error.message}`);
  if (error.hint === undefined || error.hint.trim() === '') problems.push('no hint');
  if (c.at !== undefined) {
    const places = typeof c.at === 'string' ? [c.at] : c.at;
    const inFile = places.some((at) => (at.endsWith('/') ? error.file?.startsWith(at) : error.file === at));
    if (!inFile) problems.push(`located at ${error.location ?? 'nothing'}, not ${places.join(' or ')}`);
    else if ((c.line ?? true) && error.line === undefined) problems.push(`no line in ${error.file}`);
  }
  return problems.length === 0
    ? undefined
    : `${problems.join('; ')}\n      ${error.code}: ${error.message}${error.location === undefined ? '' : ` (${error.location})`}${error.hint === undefined ? '' : `\n      hint: ${error.hint}`}`;
}
