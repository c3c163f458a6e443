import path from 'node:path';
import { connect } from '../adapter/connect.js';
import type { Project } from '../compile/load-project.js';
import { forRun } from '../compile/run-state.js';
import { projectKeyLine, validateProjectConfig } from '../config/project-config.js';
import { parseYaml } from '../config/yaml-document.js';
import { throwCollected } from '../core/errors.js';
import type { GenerateDocsResult } from '../docs/generate-docs.js';
import { findProject } from '../project/find-project.js';
import { checkTargetPath } from '../project/target-path.js';
import type { Invocation, TaskResult } from './invocation.js';
import { openProject } from './open-project.js';
import type { ProjectOptions } from './options.js';

export interface DocsGenerateOptions extends ProjectOptions {
  /** Do not query the database for column types (the site shows declared types only). */
  emptyCatalog?: boolean;
}

export interface DocsGenerateResult extends TaskResult, GenerateDocsResult {
  project: Project;
  /** True with `emptyCatalog`: the database was not read. */
  catalogSkipped: boolean;
  seconds: number;
}

/**
 * `tsdbt docs generate`: target/index.html, manifest.json and catalog.json. Models and tests
 * that do not compile are in `compileErrors` (their pages show the error); the site is written anyway.
 */
export async function docsGenerate(invocation: Invocation, options: DocsGenerateOptions = {}): Promise<DocsGenerateResult> {
  const started = invocation.now().getTime();
  const project = forRun(openProject(options, invocation));
  const { generateDocs } = await import('../docs/generate-docs.js');
  const adapter = options.emptyCatalog === true ? undefined : await connect(project.target, { projectDir: project.dir, logger: invocation.logger });
  let result: GenerateDocsResult;
  try {
    result = await generateDocs(project, { adapter });
  } finally {
    await adapter?.close();
  }
  const seconds = (invocation.now().getTime() - started) / 1000;
  return { status: 'ok', project, catalogSkipped: adapter === undefined, seconds, ...result };
}

export interface DocsServeOptions {
  projectDir?: string;
  /** Port to listen on (0 picks a free one); text from the command line, or a number. */
  port?: string | number;
}

export interface DocsServeResult extends TaskResult {
  /** Where the site was served. */
  url: string;
}

/**
 * `tsdbt docs serve`: serves target/ on 127.0.0.1 until the invocation's signal is aborted.
 * Only project.yml is read (for target-path): serving works even while a model is broken.
 */
export async function docsServe(invocation: Invocation, options: DocsServeOptions = {}): Promise<DocsServeResult> {
  const { parsePort, serveDocs } = await import('../docs/serve-docs.js');
  const port = parsePort(String(options.port ?? 8080));
  const { projectDir, projectFile } = findProject(options.projectDir ?? process.cwd());
  const validated = validateProjectConfig(parseYaml(projectFile.text, projectFile.path));
  if (validated.config === undefined) throwCollected(validated.errors);
  const config = validated.config!;
  checkTargetPath(projectDir, config, projectKeyLine(config, 'target-path'));
  const server = await serveDocs(path.resolve(projectDir, config.targetPath), port);
  invocation.log.info(`Serving the docs of ${config.name} at ${server.url} (127.0.0.1 only). Press Ctrl-C to stop.`);
  if (!invocation.signal.aborted) await new Promise<void>((resolve) => invocation.signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.close();
  invocation.log.info('Stopped serving the docs.');
  return { status: 'ok', url: server.url };
}
