import { writeCompiledSqlFiles, writeJsonArtifact, writeManifestArtifact } from '../artifacts/write-artifacts.js';
import type { Project } from '../compile/load-project.js';
import type { AnalysisNode, ModelNode, SnapshotNode } from '../compile/nodes.js';
import { PhaseTimer } from '../compile/perf-info.js';
import { compileModels } from '../compile/render-model.js';
import { compiledSqlOf, forRun } from '../compile/run-state.js';
import { throwCollected } from '../core/errors.js';
import { collectParseGarbage } from '../core/full-collection.js';
import { holdYoungGeneration } from '../core/young-generation.js';
import { renderInline } from './inline-sql.js';
import { IndexOffsets, writeCompileIndex } from './compile-index.js';
import { alreadyWritten, compiledText, recordCompile, WatchedEnv } from './compile-record.js';
import { wholeProject } from './compile-stamps.js';
import type { Invocation, TaskLog, TaskResult } from './invocation.js';
import { openProject } from './open-project.js';
import type { DeferOptions, ProjectOptions, SelectOptions } from './options.js';
import { applyDefer, resolveSelection } from './selection.js';

export interface CompileOptions extends ProjectOptions, SelectOptions, DeferOptions {
  /** Compile this SQL (Jinja, ref, source) instead of the project's models; nothing is written. */
  inline?: string;
  /** Write the time of each phase to target/perf_info.json. */
  writePerfInfo?: boolean;
}

export interface CompileResult extends TaskResult {
  project: Project;
  /** With `inline`: the rendered SQL. */
  inlineSql?: string;
  /** The selected models and snapshots with their compiled SQL, in selection order (empty with `inline`). */
  compiled: { node: ModelNode | SnapshotNode | AnalysisNode; sql: string }[];
}

/**
 * `tsdbt compile`: render the selected models, write target/compiled/… and manifest.json
 * (and perf_info.json with `writePerfInfo`). Rendering errors are collected and thrown together.
 */
export async function compile(given: Invocation, options: CompileOptions = {}): Promise<CompileResult> {
  const startedAt = Date.now();
  const timer = options.writePerfInfo === true ? new PhaseTimer() : undefined;
  // What the compile reads and says is noted for the next one (compile-record.ts).
  const env = new WatchedEnv(given.env);
  const said: ['info' | 'warn', string][] = [];
  const invocation = { ...given, env: env.env, log: notingLog(given.log, said) };
  const parsed = openProject(options, invocation, timer);
  // What the parse said (its warnings), apart from what selection and rendering say next.
  const parseSaid = said.length;
  if (options.inline !== undefined) {
    const project = forRun(parsed);
    return { status: 'ok', project, inlineSql: renderInline(project, options.inline), compiled: [] };
  }
  const selection = resolveSelection(parsed, options, ['model', 'snapshot', 'analysis'], invocation.log);
  const ids = selection.ids;
  const project = forRun(parsed, { deferTo: await applyDefer(parsed, selection, options, invocation.log) });
  timer?.mark('selection');
  throwCollected(compileModels(project, ids));
  timer?.mark('render');
  const compiled = ids.map((id) => {
    const node = project.models.get(id) ?? project.snapshots.get(id) ?? project.analyses.get(id)!;
    return { node, sql: compiledSqlOf(project, node) ?? '' };
  });
  // The compiled files are written on another thread while this one writes the manifest; those
  // that already hold what they would be written with are left alone.
  const written = alreadyWritten(project);
  const toWrite = compiled.filter(({ node, sql }) => !written(node.originalFilePath, compiledText(sql)));
  // The manifest's garbage would come on top of the parse's: a large parse's is collected first,
  // while the writing thread starts. Its start lets the young generation grow again.
  const writing = writeCompiledSqlFiles(project, toWrite, () => collectParseGarbage(project.models.size));
  holdYoungGeneration();
  // Made while written, a group of entries at a time: never the whole manifest in memory.
  // A compile of the whole project notes where each model's entry went, for the next
  // re-compile of one changed model (compile-patch.ts).
  const offsets = wholeProject(options) ? new IndexOffsets() : undefined;
  // The thread gets the compiled files as the manifest is written, never many more than it has written.
  try {
    writeManifestArtifact(project, new Date(), offsets?.note, writing.feed);
    if (offsets !== undefined) writeCompileIndex(project, offsets);
  } catch (error) {
    writing.abandon();
    throw error;
  }
  timer?.mark('manifest.json (build and write)');
  const stamps = await writing.finish();
  if (timer !== undefined) {
    timer.mark('target/compiled (rest of the writes)');
    writeJsonArtifact(project, 'perf_info.json', timer.info());
  }
  // The record takes the written files' sizes and times from the writes instead of asking again.
  const writtenStats = new Map(toWrite.map(({ node }, i) => [node.originalFilePath, { size: stamps[2 * i]!, mtimeMs: stamps[2 * i + 1]! }]));
  recordCompile({ project, options, env, startedAt, said, parseSaid, compiled, writtenStats });
  return { status: 'ok', project, compiled };
}

/** `log`, noting its info and warning lines in `said`. */
function notingLog(log: TaskLog, said: ['info' | 'warn', string][]): TaskLog {
  return {
    info: (text) => {
      said.push(['info', text]);
      log.info(text);
    },
    warn: (text) => {
      said.push(['warn', text]);
      log.warn(text);
    },
    detail: (text) => log.detail(text),
    event: (level, event, message, fields) => log.event(level, event, message, fields),
    error: (error) => log.error(error),
  };
}
