import type { Command } from 'commander';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import { show, type ShowOptions } from '../../tasks/show.js';
import { deferOptions, projectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { formatTable } from '../format-table.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';

interface ShowCliOptions extends ShowOptions {
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
    .action(
      commandAction(async (options: ShowCliOptions) => {
        if (options.output !== 'text' && options.output !== 'json') {
          throw new TsdbtError({
            code: ErrorCodes.USAGE,
            message: `--output must be 'text' or 'json', but it is '${options.output}'.`,
            hint: 'For example: tsdbt show --select people --output json',
          });
        }
        const result = await show(cliInvocation(terminal), options);
        terminal.data(options.output === 'json' ? JSON.stringify({ show: result.rows }) : formatTable(result.rows));
        return result.status;
      }),
    );
}
