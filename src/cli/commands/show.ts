import type { Command } from 'commander';
import { connect } from '../../adapter/connect.js';
import type { Adapter } from '../../core/adapter-types.js';
import type { Project } from '../../compile/load-project.js';
import { forRun } from '../../compile/run-state.js';
import { renderModel } from '../../compile/render-model.js';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import { deferOptions, openProject, projectOptions, type DeferOptions, type ProjectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import type { TaskStatus } from '../../tasks/invocation.js';
import { renderInline } from '../../tasks/inline-sql.js';
import { applyDefer, resolveSelection } from '../../tasks/selection.js';
import type { Terminal } from '../terminal.js';
import { cliInvocation } from '../invocation.js';
import { formatTable } from '../format-table.js';
import { previewQuery } from '../../materialize/read-queries.js';

interface ShowOptions extends ProjectOptions, DeferOptions {
  select?: string[];
  state?: string;
  inline?: string;
  limit: string;
  output: string;
}

export function registerShow(program: Command, terminal: Terminal): void {
  deferOptions(projectOptions(program.command('show')))
    .description("run a model's SELECT (or an inline query) and print the rows, without building anything")
    .option('-s, --select <model...>', 'the model to preview')
    .option('--inline <sql>', 'a query to run, e.g. "select * from {{ ref(\'people\') }}"')
    .option('--limit <n>', 'rows to show (-1 for all)', '5')
    .option('--state <dir>', 'artifacts of an earlier run, for --defer')
    .option('--output <format>', 'text or json (json prints {"show": [rows]} on stdout)', 'text')
    .action(commandAction((options: ShowOptions) => show(options, terminal)));
}

async function show(options: ShowOptions, terminal: Terminal): Promise<TaskStatus> {
  if (options.output !== 'text' && options.output !== 'json') {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: `--output must be 'text' or 'json', but it is '${options.output}'.`,
      hint: 'For example: tsdbt show --select people --output json',
    });
  }
  const limit = Number(options.limit);
  // Digits only (no 1e99, 0x10, 1.0): a number ClickHouse's LIMIT takes as written.
  if (!/^\s*(-1|\d{1,15})\s*$/.test(options.limit) || !Number.isSafeInteger(limit) || limit < -1) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: `--limit must be a whole number (or -1 for no limit), but it is '${options.limit}'.`,
      hint: 'For example: --limit 100 (the default is 5).',
    });
  }
  if ((options.inline === undefined) === (options.select === undefined)) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: 'tsdbt show needs exactly one of --select or --inline.',
      hint: 'For example: tsdbt show --select people, or tsdbt show --inline "select 1"',
    });
  }
  const project = openProject(options, cliInvocation(terminal));
  const adapter = await connect(project.target, { projectDir: project.dir, logger: terminal.logger });
  let rows: Record<string, unknown>[];
  try {
    const sql = await showSql(project, options, terminal, adapter);
    const query = previewQuery(sql, limit);
    // Numbers as JSON numbers, not strings, so `--output json` is what a reader expects.
    rows = await adapter.query(query, { settings: { output_format_json_quote_64bit_integers: 0 } });
  } finally {
    await adapter.close();
  }
  if (options.output === 'json') terminal.data(JSON.stringify({ show: rows }));
  else terminal.data(formatTable(rows));
  return 'ok';
}

async function showSql(parsed: Project, options: ShowOptions, terminal: Terminal, adapter: Adapter): Promise<string> {
  // Macros render for the connected server (adapter.supports), as in `run`.
  if (options.inline !== undefined) return renderInline(forRun(parsed, { capabilities: adapter.capabilities }), options.inline);
  const project = parsed;
  const selection = resolveSelection(project, { select: options.select, state: options.state, defer: options.defer }, ['model'], terminal);
  const ids = selection.ids;
  if (ids.length !== 1) {
    throw new TsdbtError({
      code: ErrorCodes.NOTHING_SELECTED,
      message: ids.length === 0 ? `--select ${options.select!.join(' ')} matched no model.` : `--select matched ${ids.length} models; tsdbt show previews one.`,
      hint: 'Name a single model, e.g. --select people.',
    });
  }
  const deferTo = await applyDefer(project, selection, options, terminal, adapter);
  return renderModel(forRun(project, { deferTo, capabilities: adapter.capabilities }), project.models.get(ids[0]!)!);
}
