import { connect } from '../adapter/connect.js';
import type { Project } from '../compile/load-project.js';
import { renderModel } from '../compile/render-model.js';
import { forRun } from '../compile/run-state.js';
import type { Adapter } from '../core/adapter-types.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { previewQuery } from '../materialize/read-queries.js';
import { renderInline } from './inline-sql.js';
import type { Invocation, TaskLog, TaskResult } from './invocation.js';
import { openProject } from './open-project.js';
import type { DeferOptions, ProjectOptions } from './options.js';
import { applyDefer, resolveSelection } from './selection.js';

export interface ShowOptions extends ProjectOptions, DeferOptions {
  /** The model to preview (exactly one of `select` and `inline`). */
  select?: string[];
  /** A query (Jinja, ref, source) to run instead of a model. */
  inline?: string;
  state?: string;
  /** Rows to return, -1 for all (default 5); text from the command line, or a number. */
  limit?: string | number;
}

export interface ShowResult extends TaskResult {
  project: Project;
  /** The rendered SELECT, before the limit. */
  sql: string;
  /** The rows, numbers as JSON numbers. */
  rows: Record<string, unknown>[];
}

/** `tsdbt show`: run a model's SELECT (or an inline query) on the target and return the rows, building nothing. */
export async function show(invocation: Invocation, options: ShowOptions): Promise<ShowResult> {
  const limit = parseLimit(options.limit ?? 5);
  if ((options.inline === undefined) === (options.select === undefined)) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: 'tsdbt show needs exactly one of --select or --inline.',
      hint: 'For example: tsdbt show --select people, or tsdbt show --inline "select 1"',
    });
  }
  const parsed = openProject(options, invocation);
  const adapter = await connect(parsed.target, { projectDir: parsed.dir, logger: invocation.logger });
  try {
    const { project, sql } = await showSql(parsed, options, invocation.log, adapter);
    // Numbers as JSON numbers, not strings, so `--output json` is what a reader expects.
    const rows = await adapter.query(previewQuery(sql, limit), { settings: { output_format_json_quote_64bit_integers: 0 } });
    return { status: 'ok', project, sql, rows };
  } finally {
    await adapter.close();
  }
}

async function showSql(parsed: Project, options: ShowOptions, log: TaskLog, adapter: Adapter): Promise<{ project: Project; sql: string }> {
  // Macros render for the connected server (adapter.supports), as in `run`.
  if (options.inline !== undefined) {
    const project = forRun(parsed, { capabilities: adapter.capabilities });
    return { project, sql: renderInline(project, options.inline) };
  }
  const selection = resolveSelection(parsed, { select: options.select, state: options.state, defer: options.defer }, ['model'], log);
  const ids = selection.ids;
  if (ids.length !== 1) {
    throw new TsdbtError({
      code: ErrorCodes.NOTHING_SELECTED,
      message: ids.length === 0 ? `--select ${options.select!.join(' ')} matched no model.` : `--select matched ${ids.length} models; tsdbt show previews one.`,
      hint: 'Name a single model, e.g. --select people.',
    });
  }
  const deferTo = await applyDefer(parsed, selection, options, log, adapter);
  const project = forRun(parsed, { deferTo, capabilities: adapter.capabilities });
  return { project, sql: renderModel(project, project.models.get(ids[0]!)!) };
}

function parseLimit(given: string | number): number {
  const text = String(given);
  const limit = Number(text);
  // Digits only (no 1e99, 0x10, 1.0): a number ClickHouse's LIMIT takes as written.
  if (!/^\s*(-1|\d{1,15})\s*$/.test(text) || !Number.isSafeInteger(limit) || limit < -1) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: `--limit must be a whole number (or -1 for no limit), but it is '${text}'.`,
      hint: 'For example: --limit 100 (the default is 5).',
    });
  }
  return limit;
}
