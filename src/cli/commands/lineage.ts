import type { Command } from 'commander';
import type { Project } from '../../compile/load-project.js';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import { LogEvent } from '../../report/log-record.js';
import type { LineageStep } from '../../graph/lineage/column-graph.js';
import { lineageKindWords } from '../../graph/lineage/kind-words.js';
import { lineage, type LineageResult } from '../../tasks/lineage.js';
import type { ProjectOptions } from '../../tasks/options.js';
import { projectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';

interface LineageCliOptions extends ProjectOptions {
  upstream?: boolean;
  downstream?: boolean;
  depth?: string;
  output: string;
}

export function registerLineage(program: Command, terminal: Terminal): void {
  projectOptions(program.command('lineage <column>'))
    .description(
      "the lineage of <model>.<column> (or <source>.<table>.<column>), from ClickHouse's analyzer in a scratch check session: the columns it is computed from down to the sources (--upstream, the default), or the model columns computed from it (--downstream)",
    )
    .option('--upstream', 'walk to the columns it is computed from, down to sources and seeds (default)')
    .option('--downstream', 'walk to the model columns computed from it')
    .option('--depth <n>', 'hops to walk (default: to the end)')
    .option('--output <format>', 'text, or json (the chain as one JSON object on stdout)', 'text')
    .action(
      commandAction(async (column: string, options: LineageCliOptions) => {
        if (options.output !== 'text' && options.output !== 'json') throw usage(`--output must be text or json, but it is '${options.output}'.`);
        if (options.upstream === true && options.downstream === true) throw usage('--upstream and --downstream cannot be given together.');
        const depth = options.depth === undefined ? null : Number(options.depth);
        if (depth !== null && (!Number.isInteger(depth) || depth < 1))
          throw usage(`--depth must be a whole number of hops, 1 or more, but it is '${options.depth}'.`);
        const result = await lineage(cliInvocation(terminal), {
          ...options,
          column,
          depth,
          direction: options.downstream === true ? 'downstream' : 'upstream',
        });
        for (const problem of result.problems) {
          const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
          const text = `${problem.model} ${problem.status === 'error' ? `failed the check at ${where}` : 'was not checked'}: ${problem.message ?? ''} (lineage through it is unknown)`;
          if (problem.status === 'error') terminal.event('error', LogEvent.LOG, text, { model: problem.model, file: problem.file, line: problem.line });
          else terminal.warn(text);
        }
        if (result.tree !== undefined) {
          if (options.output === 'json') terminal.data(JSON.stringify(jsonStep(result.project, result.tree, result.direction)));
          else for (const line of treeLines(result, result.tree)) terminal.data(line);
        }
        return result.status;
      }),
    );
}

function usage(message: string): TsdbtError {
  return new TsdbtError({ code: ErrorCodes.USAGE, message, hint: 'For example: tsdbt lineage people_per_craft.people --upstream --depth 2' });
}

/** How a step's node reads: a model by name, `source x.y`, `seed z`, or a table outside the project. */
function nodeLabel(project: Project, id: string): string {
  const node = project.nodes.get(id);
  if (node === undefined) return `table ${id}`;
  if (node.resourceType === 'source') return `source ${(node as { sourceName?: string }).sourceName ?? ''}.${node.name}`;
  if (node.resourceType === 'model') return node.name;
  return `${node.resourceType} ${node.name}`;
}

function treeLines(result: LineageResult, root: LineageStep): string[] {
  const lines = [`${nodeLabel(result.project, root.node)}.${root.column}${notes(root)}`];
  const walk = (step: LineageStep, prefix: string): void => {
    step.next.forEach((next, index) => {
      const last = index === step.next.length - 1;
      const kind = next.kind === undefined ? '' : `  [${lineageKindWords(next.kind)}]`;
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${nodeLabel(result.project, next.node)}.${next.column}${kind}${notes(next)}`);
      walk(next, `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(root, '');
  if (root.next.length === 0 && root.unknown === undefined) {
    lines.push(result.direction === 'upstream' ? '(computed from no column: a constant, or a count of rows)' : '(no model column is computed from it)');
  }
  return lines;
}

function notes(step: LineageStep): string {
  const parts: string[] = [];
  if (step.unknown !== undefined) parts.push(`unknown: ${step.unknown.join('; ')}`);
  if (step.truncated === true) parts.push('more beyond --depth');
  return parts.length === 0 ? '' : `  (${parts.join('; ')})`;
}

function jsonStep(project: Project, step: LineageStep, direction: string): Record<string, unknown> {
  return {
    node: step.node,
    name: nodeLabel(project, step.node),
    column: step.column,
    kind: step.kind ?? null,
    unknown: step.unknown ?? [],
    truncated: step.truncated === true,
    [direction]: step.next.map((next) => jsonStep(project, next, direction)),
  };
}
