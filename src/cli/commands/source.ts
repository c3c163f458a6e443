import type { Command } from 'commander';
import { sourceFreshness, type SourceFreshnessOptions, type SourceFreshnessResult } from '../../tasks/source-freshness.js';
import { projectOptions, selectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';

/** `tsdbt source freshness`: dbt's check of how recently each source was loaded. */
export function registerSource(program: Command, terminal: Terminal): void {
  const source = program.command('source').description('commands about sources: `tsdbt source freshness`');
  selectOptions(projectOptions(source.command('freshness')))
    .description('check how recently each selected source was loaded (its `freshness:` and `loaded_at_field`), writing target/sources.json')
    .action(
      commandAction(async (options: SourceFreshnessOptions) => {
        const result = await sourceFreshness(cliInvocation(terminal), options);
        renderFreshness(terminal, result);
        return result.status;
      }),
    );
}

function renderFreshness(terminal: Terminal, result: SourceFreshnessResult): void {
  const count = (status: string) => result.results.filter((entry) => entry.status === status).length;
  if (result.artifact !== undefined) terminal.info(`Wrote ${result.project.config.targetPath}/sources.json.`);
  terminal.info(`Done. PASS=${count('pass')} WARN=${count('warn')} ERROR=${count('error') + count('runtime error')} TOTAL=${result.results.length}`);
}
