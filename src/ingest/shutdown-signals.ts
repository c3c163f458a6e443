/**
 * Graceful shutdown for long-running ingestion: the first SIGINT/SIGTERM aborts the given
 * controller (the watch loop then finishes its in-flight insert and returns); a second one
 * exits at once, for when the user really means it.
 *
 * Imports nothing of tsdbt, so a test can load it into a bare child process and signal that.
 */
import { constants } from 'node:os';

export type ProcessLike = Pick<NodeJS.Process, 'on' | 'off' | 'exit'>;

export interface ShutdownOptions {
  signals?: readonly NodeJS.Signals[];
  process?: ProcessLike;
  /** Told about the first signal, e.g. to log "finishing the current insert". */
  onFirstSignal?: (signal: NodeJS.Signals) => void;
}

/** Installs the handlers; returns a function that removes them. */
export function installShutdownHandlers(controller: AbortController, options: ShutdownOptions = {}): () => void {
  const proc = options.process ?? process;
  const signals = options.signals ?? (['SIGINT', 'SIGTERM'] as const);
  const handler = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      options.onFirstSignal?.(signal);
      controller.abort(new Error(`Received ${signal}; finishing the work in flight (send it again to exit at once).`));
      return;
    }
    // The shell convention for "killed by signal N".
    proc.exit(128 + (constants.signals[signal] ?? 0));
  };
  for (const signal of signals) proc.on(signal, handler);
  return () => {
    for (const signal of signals) proc.off(signal, handler);
  };
}
