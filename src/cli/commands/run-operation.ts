import type { Command } from 'commander';
import { connect } from '../../adapter/connect.js';
import type { Project } from '../../compile/load-project.js';
import type { QueryTable } from '../../compile/query-results.js';
import { runtimeScope } from '../../compile/render-model.js';
import { didYouMean } from '../../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import type { Scope } from '../../template/template-engine.js';
import { forRun } from '../../compile/run-state.js';
import { renderWithAdapter } from '../../runner/template-queries.js';
import { openProject, parseYamlMapping, projectOptions, type ProjectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import type { TaskStatus } from '../../tasks/invocation.js';
import type { Terminal } from '../terminal.js';
import { cliInvocation } from '../invocation.js';

interface RunOperationOptions extends ProjectOptions {
  args?: string;
}

export function registerRunOperation(program: Command, terminal: Terminal): void {
  projectOptions(program.command('run-operation').argument('<macro>', 'the macro to run (from macros/)'))
    .description('run a macro against the target: its run_query() and statement blocks run there, log() prints')
    .option('--args <yaml>', "the macro's arguments as a YAML mapping, e.g. '{model: people, days: 30}'")
    .action(commandAction((macro: string, options: RunOperationOptions) => runOperation(macro, options, terminal)));
}

/**
 * `tsdbt run-operation <macro> --args '{…}'`: calls the macro with the arguments as keyword
 * arguments. Queries it runs go to the target as they come (see replay-render.ts for how a
 * synchronous template gets their results); what it logs is printed when it has finished.
 */
async function runOperation(macro: string, options: RunOperationOptions, terminal: Terminal): Promise<TaskStatus> {
  const args = parseArgs(options.args);
  const parsed = openProject(options, cliInvocation(terminal));
  const definition = parsed.engine.macro(macro);
  if (definition === undefined) {
    throw new TsdbtError({
      code: ErrorCodes.MACRO_NOT_FOUND,
      message: `There is no macro named '${macro}'.${didYouMean(macro, parsed.engine.macroNames())}`,
      hint: `Define it in a .sql file under ${parsed.config.macroPaths.join(', ')}: {% macro ${macro}(…) %}…{% endmacro %}`,
    });
  }
  const adapter = await connect(parsed.target, { projectDir: parsed.dir, logger: terminal.logger });
  const started = Date.now();
  try {
    const project = forRun(parsed, { capabilities: adapter.capabilities });
    terminal.info(`Running operation ${macro}${Object.keys(args).length === 0 ? '' : ` with ${JSON.stringify(args)}`}`);
    await renderWithAdapter(adapter, (runQuery) => project.engine.callMacro(macro, operationScope(project, runQuery), [{ ...args, __keywords: true }]), {
      logger: project.logger,
      file: definition.file,
    });
  } finally {
    await adapter.close();
  }
  terminal.info(`Finished operation ${macro} in ${((Date.now() - started) / 1000).toFixed(2)}s`);
  return 'ok';
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
