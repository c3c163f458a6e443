import type { Terminal } from './terminal.js';

/**
 * First SIGINT/SIGTERM: stop starting new work and let statements in flight finish, so no
 * table is left half-swapped. A second signal exits at once (data stays safe: every build
 * happens under a temporary name).
 */
export function interruptSignal(terminal: Terminal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      terminal.warn(`Second ${name}: exiting now.`);
      process.exit(130);
    }
    terminal.warn(`${name} received: finishing the statements in flight, then stopping. Press Ctrl-C again to exit at once.`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Runs `work` with Ctrl-C as its signal (see interruptSignal), the handlers removed after it, however it ends. */
export async function withInterrupt<T>(terminal: Terminal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = interruptSignal(terminal);
  try {
    return await work(interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}
