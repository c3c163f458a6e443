import { type NodeFlagsContext, processFlagsContext, startedWith } from './node-flags.js';

/**
 * Node's `fetch` parses HTTP with llhttp compiled to WebAssembly. V8 compiles it at once with its
 * baseline compiler (Liftoff) and then, on a background thread, again with its optimizing one
 * (TurboFan); a process that fetched a small reply and finished its command then waits at exit
 * for that second compile, which it never uses. A tsdbt command is short, the parser only frames
 * the reply (the body's bytes pass through it in spans), and the baseline code is fast enough
 * for replies of hundreds of megabytes (bench/notes.md, "The optimizing compile of fetch's
 * parser"), so fetches in tsdbt use the baseline code alone.
 */
export const BASELINE_ONLY_FLAG = '--liftoff-only';

/** Flags a user may start Node with to choose how WebAssembly is compiled; any of them is left alone. */
const USER_CHOICES = /^--(no-)?(liftoff|wasm[-_]tier|wasm[-_]dynamic[-_]tiering|wasm[-_]lazy)/;

let decided = false;

/**
 * Before the process's first `fetch`: WebAssembly compiled from now on (fetch's parser is compiled
 * at the first request; a source's fetcher module's own WebAssembly too) keeps its baseline code,
 * unless the user chose a WebAssembly compile flag when starting Node. Once per process.
 */
export function skipWasmTierUp(context: NodeFlagsContext = processFlagsContext()): void {
  if (decided) return;
  decided = true;
  if (chosenByUser(context.execArgv, context.nodeOptions)) return;
  context.setFlags(BASELINE_ONLY_FLAG);
}

/** Whether the user named a WebAssembly compile flag on Node's command line or in NODE_OPTIONS. */
export function chosenByUser(execArgv: readonly string[], nodeOptions: string): boolean {
  return startedWith(execArgv, nodeOptions, (arg) => USER_CHOICES.test(arg));
}

/** Node's own `fetch`, its parser kept to its baseline code: what every fetch of tsdbt's calls. */
export function nodeFetch(): typeof globalThis.fetch {
  skipWasmTierUp();
  return globalThis.fetch;
}
