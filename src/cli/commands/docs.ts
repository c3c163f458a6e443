import path from 'node:path';
import type { Command } from 'commander';
import { throwCollected } from '../../core/errors.js';
import { docsGenerate, docsServe, type DocsGenerateOptions, type DocsGenerateResult, type DocsServeOptions } from '../../tasks/docs.js';
import { projectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';
import { cliInvocation } from '../invocation.js';

export function registerDocs(program: Command, terminal: Terminal): void {
  const docs = program.command('docs').description('generate and serve a documentation site: every node, its columns and SQL, and a lineage graph');
  projectOptions(docs.command('generate'))
    .description('write target/index.html (a static site that works offline), manifest.json and catalog.json')
    .option('--empty-catalog', 'do not query the database for column types (the site shows declared types only)')
    .action(
      commandAction(async (options: DocsGenerateOptions) => {
        const result = await docsGenerate(cliInvocation(terminal), options);
        renderGenerated(terminal, result);
        return result.status;
      }),
    );
  docs
    .command('serve')
    .description('serve the generated site on 127.0.0.1 (run `tsdbt docs generate` first)')
    .option('--project-dir <dir>', 'folder of the project (default: the current folder or the nearest parent with a project.yml)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '8080')
    .action(commandAction(async (options: DocsServeOptions) => (await docsServe(cliInvocation(terminal, { signal: untilStopped() }), options)).status));
  for (const command of [docs, ...docs.commands]) command.exitOverride();
}

/** Aborted by the first SIGINT or SIGTERM: serving stops cleanly (exit 0), nothing else is said. */
function untilStopped(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

function renderGenerated(terminal: Terminal, result: DocsGenerateResult): void {
  for (const warning of result.warnings) terminal.warn(warning);
  const where = path.relative(process.cwd(), result.indexFile) || result.indexFile;
  terminal.info(
    result.catalogSkipped
      ? `Catalog skipped (--empty-catalog).`
      : `Catalog: ${result.relations} relation${result.relations === 1 ? '' : 's'} found in ${result.databases.length} database${result.databases.length === 1 ? '' : 's'} (${result.databases.join(', ') || 'none'}).`,
  );
  terminal.info(`Documentation of ${result.nodes} nodes written to ${where} in ${result.seconds.toFixed(2)}s. Open it, or run \`tsdbt docs serve\`.`);
  if (result.compileErrors.length > 0) {
    terminal.warn(
      `${result.compileErrors.length} node${result.compileErrors.length === 1 ? '' : 's'} did not compile; their pages show the error instead of compiled SQL.`,
    );
    throwCollected(result.compileErrors);
  }
}
