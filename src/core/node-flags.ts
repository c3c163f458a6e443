import { createRequire } from 'node:module';

/** How Node was started, and how to set a V8 flag after the start (tests pass their own). */
export interface NodeFlagsContext {
  execArgv: readonly string[];
  nodeOptions: string;
  setFlags: (flags: string) => void;
}

/** This process's flags; node:v8 is loaded only when a flag is set, since every command that loads the CLI would pay for it. */
export function processFlagsContext(): NodeFlagsContext {
  return {
    execArgv: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS ?? '',
    setFlags: (flags) => (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(flags),
  };
}

/** Whether Node was started with a flag that `named` accepts, on its command line or in NODE_OPTIONS: the user's choice, left alone. */
export function startedWith(execArgv: readonly string[], nodeOptions: string, named: (arg: string) => boolean): boolean {
  return execArgv.some(named) || nodeOptions.split(/\s+/).some(named);
}
