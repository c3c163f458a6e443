import { connect } from '../adapter/connect.js';
import type { Project } from '../compile/load-project.js';
import type { QueryTable } from '../compile/query-results.js';
import { runtimeScope } from '../compile/render-model.js';
import { forRun } from '../compile/run-state.js';
import { didYouMean } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { renderWithAdapter } from '../runner/template-queries.js';
import type { Scope } from '../template/template-engine.js';
import type { Invocation, TaskResult } from './invocation.js';
import { openProject } from './open-project.js';
import { parseYamlMapping, type ProjectOptions } from './options.js';

export interface RunOperationOptions extends ProjectOptions {
  /** The macro's keyword arguments: a YAML mapping (`--args`), or the mapping itself. */
  args?: string | Record<string, unknown>;
}

export interface RunOperationResult extends TaskResult {
  project: Project;
  macro: string;
  /** What the macro returned (rendered output, or its `return(…)` value). */
  returned: unknown;
  seconds: number;
}

/**
 * `tsdbt run-operation <macro> --args '{…}'`: calls the macro with the arguments as keyword
 * arguments. Queries it runs go to the target as they come (see replay-render.ts for how a
 * synchronous template gets their results); what it logs is said when it has finished.
 */
export async function runOperation(invocation: Invocation, macro: string, options: RunOperationOptions = {}): Promise<RunOperationResult> {
  const args = typeof options.args === 'object' ? options.args : parseArgs(options.args);
  const parsed = openProject(options, invocation);
  const definition = parsed.engine.macro(macro);
  if (definition === undefined) {
    throw new TsdbtError({
      code: ErrorCodes.MACRO_NOT_FOUND,
      message: `There is no macro named '${macro}'.${didYouMean(macro, parsed.engine.macroNames())}`,
      hint: `Define it in a .sql file under ${parsed.config.macroPaths.join(', ')}: {% macro ${macro}(…) %}…{% endmacro %}`,
    });
  }
  const adapter = await connect(parsed.target, { projectDir: parsed.dir, logger: invocation.logger });
  const started = invocation.now().getTime();
  let returned: unknown;
  const project = forRun(parsed, { capabilities: adapter.capabilities });
  try {
    invocation.log.info(`Running operation ${macro}${Object.keys(args).length === 0 ? '' : ` with ${JSON.stringify(args)}`}`);
    returned = await renderWithAdapter(
      adapter,
      (runQuery) => project.engine.callMacro(macro, operationScope(project, runQuery), [{ ...args, __keywords: true }]),
      {
        logger: project.logger,
        file: definition.file,
      },
    );
  } finally {
    await adapter.close();
  }
  const seconds = (invocation.now().getTime() - started) / 1000;
  invocation.log.info(`Finished operation ${macro} in ${seconds.toFixed(2)}s`);
  return { status: 'ok', project, macro, returned, seconds };
}

/**
 * What an operation's macro sees: run_query, statement/load_result, ref and source (as models
 * see them at run time), `target`, `execute` true. There is no `this` or `model`.
 */
function operationScope(project: Project, runQuery: (sql: string) => QueryTable): Scope {
  const operation = {
    uniqueId: 'operation',
    name: 'operation',
    resourceType: 'operation',
    packageName: project.config.name,
    originalFilePath: '',
    fqn: [],
    config: {},
    relation: { schema: project.target.schema, identifier: '' },
    description: '',
  };
  return { ...runtimeScope(project, operation, { runQuery }), this: undefined, model: undefined };
}

function parseArgs(text: string | undefined): Record<string, unknown> {
  return parseYamlMapping(text, {
    flag: '--args',
    code: ErrorCodes.USAGE,
    of: " of the macro's arguments",
    example: '{model: people, days: 30}',
    shortExample: '{model: people, days: 30}',
  });
}
