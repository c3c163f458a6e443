/**
 * What the lock file of an embedded database says this process runs (see engine-lock.ts). Its own
 * module so the CLI names its command at start without loading the lock's code and what that
 * loads (node:net, node:crypto), which most commands never use.
 */
import path from 'node:path';

/** The CLI sets `tsdbt <command>`; a program using tsdbt as a library shows as its script. */
let ownerCommand = `node ${path.basename(process.argv[1] ?? '')}`.trim();

/** What the lock file says this process runs (`tsdbt run`); set once by the CLI. */
export function setLockOwnerCommand(command: string): void {
  ownerCommand = command;
}

/** What this process runs, as the lock file records it. */
export function lockOwnerCommand(): string {
  return ownerCommand;
}
