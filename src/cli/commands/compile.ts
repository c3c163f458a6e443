import type { Command } from 'commander';
import type { CompileOptions } from '../../tasks/compile.js';
import { reuseCompile } from '../../tasks/compile-stamps.js';
import { deferOptions, projectOptions, selectOptions } from '../option-sets.js';
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
        const invocation = cliInvocation(terminal);
        // Nothing changed since the last compile: answered without loading the compiler.
        const { reused, changed } = reuseCompile(invocation, options);
        if (reused !== undefined) {
          renderCompile(terminal, options, { targetPath: reused.targetPath, compiled: reused.compiled });
          return 'ok';
        }
        // Only files' contents changed: model bodies alone are re-rendered into the last output.
        if (changed !== undefined) {
          const { patchCompile } = await import('../../tasks/compile-patch.js');
          const patched = await patchCompile(invocation, options, changed);
          if (patched !== undefined) {
            renderCompile(terminal, options, { targetPath: patched.targetPath, compiled: patched.compiled });
            return 'ok';
          }
        }
        const { compile } = await import('../../tasks/compile.js');
        const result = await compile(invocation, options);
        if (result.inlineSql !== undefined) terminal.data(result.inlineSql);
        else {
          const compiled = result.compiled.map(({ node, sql }) => ({ file: node.originalFilePath, sql }));
          renderCompile(terminal, options, { targetPath: result.project.config.targetPath, compiled });
        }
        return result.status;
      }),
    );
}

/** --select or --selector print the compiled models (headed by their paths when several). */
function renderCompile(
  terminal: Terminal,
  options: CompileOptions,
  result: { targetPath: string; compiled: { file: string; sql: string | undefined }[] },
): void {
  if (options.select !== undefined || options.selector !== undefined) {
    for (const { file, sql } of result.compiled) {
      if (result.compiled.length > 1) terminal.data(`-- ${file}`);
      terminal.data(sql ?? '');
    }
  }
  const count = result.compiled.length;
  terminal.info(`Compiled ${count} model${count === 1 ? '' : 's'} into ${result.targetPath}/compiled.`);
}
