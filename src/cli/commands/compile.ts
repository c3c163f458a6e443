import type { Command } from 'commander';
import { compile, type CompileOptions, type CompileResult } from '../../tasks/compile.js';
import { deferOptions, projectOptions, selectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';

export function registerCompile(program: Command, terminal: Terminal): void {
  deferOptions(selectOptions(projectOptions(program.command('compile'))))
    .description('render models to SQL in target/compiled (with --select or --inline, also print it)')
    .option('--inline <sql>', 'compile this SQL (with Jinja, ref, source) instead of project models, and print it')
    .option('--write-perf-info', 'write the time of each phase to target/perf_info.json')
    .action(
      commandAction(async (options: CompileOptions) => {
        const result = await compile(cliInvocation(terminal), options);
        renderCompile(terminal, result, options);
        return result.status;
      }),
    );
}

/** --inline prints its SQL; --select or --selector print the compiled models (headed by their paths when several). */
function renderCompile(terminal: Terminal, result: CompileResult, options: CompileOptions): void {
  if (result.inlineSql !== undefined) {
    terminal.data(result.inlineSql);
    return;
  }
  if (options.select !== undefined || options.selector !== undefined) {
    for (const { node, sql } of result.compiled) {
      if (result.compiled.length > 1) terminal.data(`-- ${node.originalFilePath}`);
      terminal.data(sql);
    }
  }
  const count = result.compiled.length;
  terminal.info(`Compiled ${count} model${count === 1 ? '' : 's'} into ${result.project.config.targetPath}/compiled.`);
}
