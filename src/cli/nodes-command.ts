import type { Invocation, TaskStatus } from '../tasks/invocation.js';
import { runSelectedNodes, type NodesCommand, type RunNodesOptions, type RunNodesResult } from '../tasks/run-nodes.js';
import { cliInvocation } from './invocation.js';
import { withInterrupt } from './interrupt.js';
import { nodeProgressEvents, reportRunSummary } from './run-summary.js';
import type { Terminal } from './terminal.js';

/** `tsdbt run`, `build`, `seed`, `test`: the task with the terminal's progress lines and Ctrl-C handling, then dbt's end-of-run report. */
export async function runNodesCommand(command: NodesCommand, options: RunNodesOptions, terminal: Terminal): Promise<TaskStatus> {
  const result = await withRunTerminal(terminal, command === 'run' ? 'models' : 'nodes', (invocation) => runSelectedNodes(command, invocation, options));
  renderRunNodes(terminal, result);
  return result.status;
}

/**
 * Runs a task that runs nodes with an invocation whose `signal` is Ctrl-C (see interrupt.ts) and
 * whose node events print dbt's progress lines (`label`: what the live status line counts).
 */
export async function withRunTerminal<T>(terminal: Terminal, label: string, task: (invocation: Invocation) => Promise<T>): Promise<T> {
  return withInterrupt(terminal, async (signal) => {
    const progress = nodeProgressEvents(terminal, label);
    try {
      return await task(cliInvocation(terminal, { signal, events: progress }));
    } finally {
      progress.end();
    }
  });
}

/** The summary of a run that ran something (the "Nothing to do" warning was said by the task), then a failed on-run-end hook. */
export function renderRunNodes(terminal: Terminal, result: RunNodesResult): void {
  if (result.summary === undefined) return;
  reportRunSummary(terminal, {
    results: result.summary.results,
    interrupted: result.summary.interrupted,
    nodes: result.project.nodes,
    seconds: result.seconds,
  });
  if (result.endHookError !== undefined) terminal.error(result.endHookError);
}
