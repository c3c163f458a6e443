import type { Command } from 'commander';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import { LogEvent } from '../../report/log-record.js';
import { check, type CheckOptions, type CheckResult, type ModelCheck } from '../../tasks/check.js';
import { projectOptions, selectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { cliInvocation } from '../invocation.js';
import { withInterrupt } from '../interrupt.js';
import type { Terminal } from '../terminal.js';

interface CheckCliOptions extends CheckOptions {
  output: string;
}

export function registerCheck(program: Command, terminal: Terminal): void {
  selectOptions(projectOptions(program.command('check')))
    .description(
      'check the selected models against an empty shadow of the project in a scratch embedded session: names, types, functions; builds nothing, never connects to the target',
    )
    .option('--output <format>', 'text, or json (one record per model on stdout)', 'text')
    .option('--threads <n>', "models checked at the same time (default: this machine's CPU count)")
    .action(
      commandAction(async (options: CheckCliOptions) => {
        if (options.output !== 'text' && options.output !== 'json') {
          throw new TsdbtError({
            code: ErrorCodes.USAGE,
            message: `--output must be text or json, but it is '${options.output}'.`,
            hint: 'For example: tsdbt check --output json',
          });
        }
        // Ctrl-C: the models being checked finish, the rest are not started, and the scratch session is closed and deleted.
        const result = await withInterrupt(terminal, (signal) => check(cliInvocation(terminal, { signal }), options));
        if (options.output === 'json') renderJson(terminal, result);
        else renderText(terminal, result);
        return result.status;
      }),
    );
}

function renderJson(terminal: Terminal, result: CheckResult): void {
  for (const model of result.models) {
    terminal.data(
      JSON.stringify({
        model: model.model,
        unique_id: model.uniqueId,
        status: model.status,
        file: model.file,
        line: model.line ?? null,
        message: model.message ?? null,
        columns: model.columns,
      }),
    );
  }
}

function renderText(terminal: Terminal, result: CheckResult): void {
  for (const model of result.models) {
    const line = describe(model);
    // At error level, so `--quiet` still shows it; the line itself says ERROR.
    if (model.status === 'error') terminal.event('error', LogEvent.LOG, line, { model: model.model, file: model.file, line: model.line });
    else terminal.info(line);
  }
  const count = (status: ModelCheck['status']) => result.models.filter((model) => model.status === status).length;
  const skipped = result.models.filter((model) => model.status === 'skipped');
  // Not checked for a reason of its own (not a failed parent): said as a warning, so an exit 0 never hides it.
  for (const model of skipped.filter((entry) => entry.message?.startsWith('not checked: parent') !== true)) {
    const fix =
      model.message?.includes('source columns unknown') === true
        ? ": declare the source's columns with a data_type in its YAML (or give it an ingest: block) to check it"
        : '';
    terminal.warn(`${model.model} was not checked${fix}.`);
  }
  terminal.info(
    `Checked ${result.models.length} model${result.models.length === 1 ? '' : 's'}: ${count('ok')} ok, ${count('error')} failed, ${count('skipped')} not checked.`,
  );
}

function describe(model: ModelCheck): string {
  if (model.status === 'ok') return `OK       ${model.model} (${model.columns.map((column) => `${column.name} ${column.type}`).join(', ')})`;
  if (model.status === 'skipped') return `SKIP     ${model.model}: ${model.message ?? 'not checked'}`;
  const where = model.line === undefined ? model.file : `${model.file}:${model.line}`;
  return `ERROR    ${model.model} at ${where}: ${model.message ?? ''}`;
}
