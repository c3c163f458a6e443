import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { resolveProfile } from '../config/profiles.js';
import { projectKeyLine, validateProjectConfig, type ProjectConfig } from '../config/project-config.js';
import type { Target } from '../config/target.js';
import { parseYaml } from '../config/yaml-document.js';
import { throwCollected, type TsdbtError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { findProject } from '../project/find-project.js';
import type { ProjectFile } from '../project/project-files.js';
import { checkTargetPath } from '../project/target-path.js';
import type { TemplateEngine } from '../template/template-engine.js';
import { CompiledCodeCache } from '../template/compiled-code-cache.js';
import { parseDocBlocks } from './doc-blocks.js';
import { addPackageMacros, readPackages, scopeVarsByPackage, type LoadedPackage } from './load-packages.js';
import { projectEngine, renderProfileValue, targetContext } from './load-project-parts.js';
import { addTestMacros } from './parse-tests.js';
import type { PhaseTimer } from './perf-info.js';

export interface LoadProjectOptions {
  /** A folder inside the project (default: the current directory). */
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  /** --vars, already parsed. */
  vars?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Notes the time of each parsing phase (`--write-perf-info`). */
  timer?: PhaseTimer;
}

/**
 * What every render of the project sees before any node is parsed: the project file, its
 * profile's target, the vars and the template engine with the `target` global. loadProject
 * starts from it; a re-compile of one changed model (tasks/compile-patch.ts) renders with it
 * without parsing the rest of the project.
 */
export interface RenderEnvironment {
  projectDir: string;
  projectFileText: string;
  config: ProjectConfig;
  /** The project file's warnings. */
  warnings: string[];
  target: Target;
  profilesFile: string | undefined;
  profileWarnings: string[];
  engine: TemplateEngine;
  docs: Map<string, string>;
  vars: Record<string, unknown>;
  /** --vars only: a package's var() puts them over its own layered vars (load-packages.ts). */
  cliVars: Record<string, unknown>;
  invocationId: string;
  logger: Logger;
  /** Macro files' generated code from the last parse; loadProject saves what this one used. */
  templateCode: CompiledCodeCache;
}

/** Finds and validates the project file, resolves the profile and makes the template engine. */
export function openRenderEnvironment(options: LoadProjectOptions = {}): RenderEnvironment {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const { projectDir, projectFile } = findProject(options.projectDir ?? process.cwd());
  const validated = validateProjectConfig(parseYaml(projectFile.text, projectFile.path));
  if (validated.config === undefined) throwCollected(validated.errors);
  const config = validated.config!;
  checkTargetPath(projectDir, config, projectKeyLine(config, 'target-path'));
  const vars = { ...config.vars, ...(options.vars ?? {}) };
  const invocationId = randomUUID();

  const docs = new Map<string, string>();
  const templateCode = CompiledCodeCache.open(path.resolve(projectDir, config.targetPath), env);
  const engine = projectEngine({ projectName: config.name, dispatch: config.dispatch, vars, env, logger, invocationId, docs, codeStore: templateCode });
  const profile = resolveProfile({
    projectDir,
    profileName: config.profile,
    projectName: config.name,
    profilesDir: options.profilesDir,
    targetName: options.target,
    env,
    renderValue: (text, where) => renderProfileValue(engine, text, where),
  });
  engine.addGlobalValue('target', targetContext(profile.target, config.profile));
  return {
    projectDir,
    projectFileText: projectFile.text,
    config,
    warnings: [...validated.warnings],
    target: profile.target,
    profilesFile: profile.profilesFile,
    profileWarnings: profile.warnings,
    engine,
    docs,
    vars,
    cliVars: options.vars ?? {},
    invocationId,
    logger,
    templateCode,
  };
}

/** The files any render may use: doc blocks, macros, generic tests (test-paths' `.sql` files). */
export interface DefinitionFiles {
  docs: readonly ProjectFile[];
  macros: readonly ProjectFile[];
  tests: readonly ProjectFile[];
}

/** Defines doc blocks, macros, generic tests and installed packages' macros in the environment's engine. */
export function defineTemplates(environment: RenderEnvironment, files: DefinitionFiles): { errors: TsdbtError[]; packages: LoadedPackage[] } {
  const { projectDir, config, engine, docs } = environment;
  const errors: TsdbtError[] = [];
  for (const doc of files.docs) {
    const parsed = parseDocBlocks(doc);
    errors.push(...parsed.errors);
    for (const [name, text] of parsed.blocks) docs.set(name, text);
  }
  for (const macroFile of files.macros) errors.push(...engine.addMacroFile(macroFile.path, macroFile.text));
  errors.push(...addTestMacros(engine, files.tests, config));
  const packages = readPackages(projectDir, config, projectKeyLine(config, 'require-dbt-version'));
  errors.push(...packages.errors, ...addPackageMacros(engine, packages.packages));
  scopeVarsByPackage(engine, packages.packages, environment.cliVars);
  return { errors, packages: packages.packages };
}
