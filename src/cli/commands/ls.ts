import type { Command } from 'commander';
import type { ResourceType } from '../../graph/node.js';
import { ErrorCodes, TsdbtError } from '../../errors.js';
import { openProject, projectOptions, selectOptions, type ProjectOptions, type SelectOptions } from '../common-options.js';
import { ExitCode } from '../exit-codes.js';
import { selectIds } from '../selection.js';
import type { Terminal } from '../terminal.js';

interface LsOptions extends ProjectOptions, SelectOptions {
  output: string;
  resourceType?: string[];
}

const RESOURCE_TYPES: ResourceType[] = ['model', 'source', 'seed', 'test', 'snapshot', 'analysis'];

export function registerLs(program: Command, terminal: Terminal): void {
  selectOptions(projectOptions(program.command('ls').alias('list')))
    .description('list the nodes of the project that a selection matches')
    .option('--output <format>', 'selector, name, path or json', 'selector')
    .option('--resource-type <type...>', `only these kinds: ${RESOURCE_TYPES.join(', ')}`)
    .action(async (options: LsOptions) => {
      if (!['selector', 'name', 'path', 'json'].includes(options.output)) {
        throw new TsdbtError({ code: ErrorCodes.USAGE, message: `--output must be selector, name, path or json, but it is '${options.output}'.` });
      }
      const types = (options.resourceType ?? RESOURCE_TYPES) as ResourceType[];
      for (const type of types) {
        if (!RESOURCE_TYPES.includes(type)) {
          throw new TsdbtError({ code: ErrorCodes.USAGE, message: `'${type}' is not a resource type.`, hint: `Use one of: ${RESOURCE_TYPES.join(', ')}.` });
        }
      }
      const project = openProject(options, terminal);
      for (const id of selectIds(project, options, types, terminal)) {
        const node = project.nodes.get(id)!;
        if (options.output === 'name') terminal.data(node.name);
        else if (options.output === 'path') terminal.data(node.originalFilePath);
        else if (options.output === 'json') {
          terminal.data(JSON.stringify({ name: node.name, resource_type: node.resourceType, unique_id: node.uniqueId, original_file_path: node.originalFilePath, tags: node.tags, config: node.config }));
        } else terminal.data(node.resourceType === 'source' ? `source:${node.fqn.join('.')}` : node.fqn.join('.'));
      }
      process.exitCode = ExitCode.OK;
    });
}
