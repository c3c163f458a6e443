import type { Command } from 'commander';
import { buildManifest } from '../../artifacts/manifest.js';
import type { GraphNode, ResourceType } from '../../graph/node.js';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import { openProject, projectOptions, selectOptions, type ProjectOptions, type SelectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { selectIds } from '../../tasks/selection.js';
import type { Terminal } from '../terminal.js';
import type { TaskStatus } from '../../tasks/invocation.js';
import { cliInvocation } from '../invocation.js';

interface LsOptions extends ProjectOptions, SelectOptions {
  output: string;
  outputKeys?: string[];
  resourceType?: string[];
}

const RESOURCE_TYPES: ResourceType[] = ['model', 'source', 'seed', 'test', 'unit_test', 'snapshot', 'analysis', 'exposure'];
const OUTPUTS = ['selector', 'name', 'path', 'json'];
/** dbt's keys for `ls --output json` (when --output-keys is not given). */
const JSON_KEYS = ['name', 'resource_type', 'package_name', 'original_file_path', 'unique_id', 'alias', 'source_name', 'config', 'tags', 'depends_on'];

export function registerLs(program: Command, terminal: Terminal): void {
  selectOptions(projectOptions(program.command('ls').alias('list')))
    .description('list the nodes of the project that a selection matches')
    .option('--output <format>', 'selector, name, path or json', 'selector')
    .option('--output-keys <key...>', `with --output json: the manifest fields to print (default: ${JSON_KEYS.join(', ')})`)
    .option('--resource-type <type...>', `only these kinds: ${RESOURCE_TYPES.join(', ')}, or all`)
    .action(
      commandAction(async (options: LsOptions): Promise<TaskStatus> => {
        if (!OUTPUTS.includes(options.output)) {
          throw new TsdbtError({
            code: ErrorCodes.USAGE,
            message: `--output must be selector, name, path or json, but it is '${options.output}'.`,
            hint: 'For example: tsdbt ls --output json',
          });
        }
        if (options.outputKeys !== undefined && options.output !== 'json') {
          throw new TsdbtError({
            code: ErrorCodes.USAGE,
            message: '--output-keys only applies to --output json.',
            hint: 'For example: tsdbt ls --output json --output-keys name unique_id',
          });
        }
        const types = resourceTypes(options.resourceType);
        const project = openProject(options, cliInvocation(terminal));
        const ids = selectIds(project, options, types, terminal);
        const manifest = options.output === 'json' ? buildManifest(project) : undefined;
        for (const id of ids) {
          const node = project.nodes.get(id)!;
          if (options.output === 'name') terminal.data(searchName(node));
          else if (options.output === 'path') terminal.data(node.originalFilePath);
          else if (options.output === 'json') terminal.data(JSON.stringify(pick(manifestEntry(manifest!, id), options.outputKeys ?? JSON_KEYS)));
          else if (node.resourceType === 'exposure') terminal.data(`exposure:${node.fqn.join('.')}`);
          else
            terminal.data(
              node.resourceType === 'source' || node.resourceType === 'unit_test' ? `${node.resourceType}:${node.fqn.join('.')}` : node.fqn.join('.'),
            );
        }
        return 'ok';
      }),
    );
}

function resourceTypes(given: string[] | undefined): ResourceType[] {
  if (given === undefined || given.includes('all')) return RESOURCE_TYPES;
  for (const type of given) {
    if (!RESOURCE_TYPES.includes(type as ResourceType)) {
      throw new TsdbtError({ code: ErrorCodes.USAGE, message: `'${type}' is not a resource type.`, hint: `Use one of: ${RESOURCE_TYPES.join(', ')}, all.` });
    }
  }
  return given as ResourceType[];
}

/** dbt's search name: `people`; for sources `astro.raw_astros`. */
function searchName(node: GraphNode): string {
  return node.resourceType === 'source' && node.sourceName !== undefined ? `${node.sourceName}.${node.name}` : node.name;
}

function manifestEntry(manifest: Record<string, unknown>, id: string): Record<string, unknown> {
  const nodes = manifest['nodes'] as Record<string, Record<string, unknown>>;
  const sources = manifest['sources'] as Record<string, Record<string, unknown>>;
  const exposures = manifest['exposures'] as Record<string, Record<string, unknown>>;
  const unitTests = manifest['unit_tests'] as Record<string, Record<string, unknown>>;
  return nodes[id] ?? sources[id] ?? exposures[id] ?? unitTests[id] ?? {};
}

/** The chosen keys in the order asked, skipping keys the entry lacks (dbt does the same). */
function pick(entry: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in entry).map((key) => [key, entry[key]]));
}
