import type { Command } from 'commander';
import { installShutdownHandlers } from '../../ingest/shutdown-signals.js';
import { ingest, type IngestOptions } from '../../tasks/ingest.js';
import { projectOptions, selectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';

export function registerIngest(program: Command, terminal: Terminal): void {
  selectOptions(projectOptions(program.command('ingest')))
    .description('fetch the selected sources that have an `ingest:` block and land their replies')
    .option('--watch', 'keep polling each source on its `schedule` until SIGINT/SIGTERM')
    .option('--sample', "land each source's captured `sample` reply instead of fetching (offline demos and tests)")
    .option('--metrics-port <port>', 'serve Prometheus metrics at http://127.0.0.1:<port>/metrics (0 picks a free port)')
    .action(
      commandAction(async (options: IngestOptions) => {
        // First signal: stop fetching and waiting, finish an insert under way. Second: exit at once.
        const shutdown = new AbortController();
        const removeHandlers = installShutdownHandlers(shutdown, {
          onFirstSignal: (signal) => terminal.warn(`${signal} received: finishing the insert in flight, then stopping. Send it again to exit at once.`),
        });
        try {
          return (await ingest(cliInvocation(terminal, { signal: shutdown.signal }), options)).status;
        } finally {
          removeHandlers();
        }
      }),
    );
}
