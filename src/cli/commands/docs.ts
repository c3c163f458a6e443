import path from 'node:path';
import type { Command } from 'commander';
import { connect } from '../../adapter/connect.js';
import { projectKeyLine, validateProjectConfig } from '../../config/project-config.js';
import { checkTargetPath } from '../../project/target-path.js';
import { parseYaml } from '../../config/yaml-document.js';
import { throwCollected } from '../../core/errors.js';
import { findProject } from '../../project/find-project.js';
import { openProject, projectOptions, type ProjectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import type { TaskStatus } from '../../tasks/invocation.js';
import type { Terminal } from '../terminal.js';
import { cliInvocation } from '../invocation.js';

interface GenerateOptions extends ProjectOptions {
  emptyCatalog?: boolean;
}

interface ServeOptions {
  projectDir?: string;
  port: string;
}

export function registerDocs(program: Command, terminal: Terminal): void {
  const docs = program.command('docs').description('generate and serve a documentation site: every node, its columns and SQL, and a lineage graph');
  projectOptions(docs.command('generate'))
    .description('write target/index.html (a static site that works offline), manifest.json and catalog.json')
    .option('--empty-catalog', 'do not query the database for column types (the site shows declared types only)')
    .action(commandAction((options: GenerateOptions) => generate(options, terminal)));
  docs
    .command('serve')
    .description('serve the generated site on 127.0.0.1 (run `tsdbt docs generate` first)')
    .option('--project-dir <dir>', 'folder of the project (default: the current folder or the nearest parent with a project.yml)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '8080')
    .action(commandAction((options: ServeOptions) => serve(options, terminal)));
  for (const command of [docs, ...docs.commands]) command.exitOverride();
}

async function generate(options: GenerateOptions, terminal: Terminal): Promise<TaskStatus> {
  const started = Date.now();
  const project = openProject(options, cliInvocation(terminal));
  const { generateDocs } = await import('../../docs/generate-docs.js');
  const adapter = options.emptyCatalog ? undefined : await connect(project.target, { projectDir: project.dir, logger: terminal.logger });
  let result;
  try {
    result = await generateDocs(project, { adapter });
  } finally {
    await adapter?.close();
  }
  for (const warning of result.warnings) terminal.warn(warning);
  const where = path.relative(process.cwd(), result.indexFile) || result.indexFile;
  terminal.info(
    adapter === undefined
      ? `Catalog skipped (--empty-catalog).`
      : `Catalog: ${result.relations} relation${result.relations === 1 ? '' : 's'} found in ${result.databases.length} database${result.databases.length === 1 ? '' : 's'} (${result.databases.join(', ') || 'none'}).`,
  );
  terminal.info(
    `Documentation of ${result.nodes} nodes written to ${where} in ${((Date.now() - started) / 1000).toFixed(2)}s. Open it, or run \`tsdbt docs serve\`.`,
  );
  if (result.compileErrors.length > 0) {
    terminal.warn(
      `${result.compileErrors.length} node${result.compileErrors.length === 1 ? '' : 's'} did not compile; their pages show the error instead of compiled SQL.`,
    );
    throwCollected(result.compileErrors);
  }
  return 'ok';
}

async function serve(options: ServeOptions, terminal: Terminal): Promise<TaskStatus> {
  const { parsePort, serveDocs } = await import('../../docs/serve-docs.js');
  const port = parsePort(options.port);
  // Only project.yml is read (for target-path): serving works even while a model is broken.
  const { projectDir, projectFile } = findProject(options.projectDir ?? process.cwd());
  const validated = validateProjectConfig(parseYaml(projectFile.text, projectFile.path));
  if (validated.config === undefined) throwCollected(validated.errors);
  const config = validated.config!;
  checkTargetPath(projectDir, config, projectKeyLine(config, 'target-path'));
  const server = await serveDocs(path.resolve(projectDir, config.targetPath), port);
  terminal.info(`Serving the docs of ${config.name} at ${server.url} (127.0.0.1 only). Press Ctrl-C to stop.`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  terminal.info('Stopped serving the docs.');
  return 'ok';
}
