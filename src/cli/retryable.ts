import type { Terminal } from './terminal.js';

/**
 * Commands `tsdbt retry` can re-run, by the `which` they record in run_results.json. Each
 * is loaded only when needed (commands are imported lazily); retry calls it with the
 * recorded options plus `ids`, the nodes to run again. To make a command retryable, export
 * its handler and add a line here.
 */
export type RetryableCommand = (options: Record<string, unknown>, terminal: Terminal) => Promise<number>;

const LOADERS: Record<string, () => Promise<RetryableCommand>> = {
  run: async () => {
    const { run } = await import('./commands/run.js');
    return (options, terminal) => run(options as Parameters<typeof run>[0], terminal);
  },
  build: () => selected('build'),
  seed: () => selected('seed'),
  test: () => selected('test'),
  snapshot: () => selected('snapshot'),
};

async function selected(which: 'build' | 'seed' | 'test' | 'snapshot'): Promise<RetryableCommand> {
  const { runSelected } = await import('./run-selected.js');
  return (options, terminal) => runSelected(which, options as Parameters<typeof runSelected>[1], terminal);
}

export function retryableCommand(which: string): Promise<RetryableCommand> | undefined {
  return LOADERS[which]?.();
}

export function retryableNames(): string[] {
  return Object.keys(LOADERS).sort();
}
