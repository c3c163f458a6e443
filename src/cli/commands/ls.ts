import type { Command } from 'commander';
import type { GraphNode } from '../../graph/node.js';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import type { LsOptions } from '../../tasks/ls.js';
import { lsFromRecord, RESOURCE_TYPES } from '../../tasks/ls-recorded.js';
import { projectOptions, selectOptions } from '../option-sets.js';
import { commandAction } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';
import { cliInvocation } from '../invocation.js';

interface LsCliOptions extends LsOptions {
  output: string;
  outputKeys?: string[];
}

const OUTPUTS = ['selector', 'name', 'path', 'json'];
/** dbt's keys for `ls --output json` (when --output-keys is not given). */
export const JSON_KEYS = ['name', 'resource_type', 'package_name', 'original_file_path', 'unique_id', 'alias', 'source_name', 'config', 'tags', 'depends_on'];

export function registerLs(program: Command, terminal: Terminal): void {
  selectOptions(projectOptions(program.command('ls').alias('list')))
    .description('list the nodes of the project that a selection matches')
    .option('--output <format>', 'selector, name, path or json', 'selector')
    .option('--output-keys <key...>', `with --output json: the manifest fields to print (default: ${JSON_KEYS.join(', ')})`)
    .option('--resource-type <type...>', `only these kinds: ${RESOURCE_TYPES.join(', ')}, or all`)
    .action(
      commandAction(async (options: LsCliOptions) => {
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
        const invocation = cliInvocation(terminal);
        const json = options.output === 'json';
        // Nothing the last compile read has changed: listed from its manifest.json, without parsing.
        const recorded = await lsFromRecord(invocation, { ...options, manifestKeys: json ? (options.outputKeys ?? JSON_KEYS) : undefined });
        const { ls } = recorded === undefined ? await import('../../tasks/ls.js') : { ls: undefined };
        const result = recorded ?? ls!(invocation, { ...options, withManifestEntries: json });
        for (const entry of result.nodes) terminal.data(lineOf(entry, options));
        return result.status;
      }),
    );
}

/** One line of output for a node (and its manifest entry with --output json), the same from either path. */
export function lineOf(
  { node, manifest }: { node: GraphNode; manifest?: Record<string, unknown> },
  options: Pick<LsCliOptions, 'output' | 'outputKeys'>,
): string {
  if (options.output === 'name') return searchName(node);
  if (options.output === 'path') return node.originalFilePath;
  if (options.output === 'json') return JSON.stringify(pick(manifest ?? {}, options.outputKeys ?? JSON_KEYS));
  if (node.resourceType === 'exposure') return `exposure:${node.fqn.join('.')}`;
  return node.resourceType === 'source' || node.resourceType === 'unit_test' ? `${node.resourceType}:${node.fqn.join('.')}` : node.fqn.join('.');
}

/** dbt's search name: `people`; for sources `astro.raw_astros`. */
function searchName(node: GraphNode): string {
  return node.resourceType === 'source' && node.sourceName !== undefined ? `${node.sourceName}.${node.name}` : node.name;
}

/** The chosen keys in the order asked, skipping keys the entry lacks (dbt does the same). */
function pick(entry: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in entry).map((key) => [key, entry[key]]));
}
