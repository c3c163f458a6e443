import type { RunEvents } from '../runner/run-events.js';
import type { Invocation } from '../tasks/invocation.js';
import type { Terminal } from './terminal.js';

/**
 * The invocation of a command run from the command line: the terminal says what tasks log
 * (with the opened project's secrets redacted and its log file open), node progress goes to
 * `events`, and `signal` is the interrupt (see interrupt.ts) when the command has one.
 */
export function cliInvocation(terminal: Terminal, parts: { signal?: AbortSignal; events?: RunEvents } = {}): Invocation {
  return {
    log: terminal,
    logger: terminal.logger,
    events: {
      ...parts.events,
      // Redacts the profile's secrets, tags log lines with the invocation id, opens logs/tsdbt.log.
      projectOpened: (project, secrets) => terminal.useProject(project, secrets),
      projectReused: (opened, secrets) => terminal.useProject(opened, secrets),
      progress: (total, label) => terminal.progress(total, label),
    },
    signal: parts.signal ?? new AbortController().signal,
    now: () => new Date(),
    env: process.env,
  };
}
