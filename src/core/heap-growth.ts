import { type NodeFlagsContext, processFlagsContext, startedWith } from './node-flags.js';

/**
 * How far the old generation may grow past what a full collection left alive before the next
 * full collection starts, in percent, for a project of up to `SCALED_FROM_FILES` model files.
 * V8's own choice depends on how cheap its collections have been, and for a parse (mostly
 * short-lived objects, cheap collections) it lets the heap grow up to four times what is alive:
 * the peak memory of a large compile was set by that factor more than by what the compile keeps
 * (bench/notes.md, "Peak RSS of the 10,000-model compile").
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Above this many model files the percent grows with the project, more slowly than it: each full
 * collection marks the whole live heap, and at 50,000 models the fixed 50% made 13 of them where
 * V8 alone made 5, for about a fifth more CPU time; growing in proportion (250% there) cost no
 * less CPU than the 130% of this power, and kept the peak about 15% higher, above five times the
 * 10,000-model peak (bench/notes.md).
 */
export const SCALED_FROM_FILES = 10_000;
const SCALING_POWER = 0.6;

/**
 * From this many model files on, a parse bounds the heap's growth. Below it the heap stays within
 * V8's first limits anyway, and loading node:v8 (several milliseconds) would only slow a small
 * project's `tsdbt ls`.
 */
export const BOUNDED_FROM_FILES = 1000;

const FLAG = '--heap-growing-percent';

let limited = false;

/**
 * Before parsing `files` model files: bounds the heap's growth between full collections
 * (`growingPercent`) for the rest of the process, for a project of `BOUNDED_FROM_FILES` files
 * or more, unless Node was started with its own `--heap-growing-percent` (on the command line or
 * in NODE_OPTIONS). V8 reads the flag each time it sets the next collection's trigger, so setting
 * it after start takes effect at the next full collection; the young generation's size, by
 * contrast, is fixed when the isolate starts and cannot be changed here.
 */
export function limitHeapGrowth(files: number, context: NodeFlagsContext = processFlagsContext()): void {
  if (limited || files < BOUNDED_FROM_FILES || givenByUser(context.execArgv, context.nodeOptions)) return;
  limited = true;
  context.setFlags(`${FLAG}=${growingPercent(files)}`);
}

/** The growth allowed for a project of `files` model files (see `SCALED_FROM_FILES`). */
export function growingPercent(files: number): number {
  return Math.round(HEAP_GROWING_PERCENT * (Math.max(files, SCALED_FROM_FILES) / SCALED_FROM_FILES) ** SCALING_POWER);
}

/** Whether the user chose the growth factor when starting Node. */
export function givenByUser(execArgv: readonly string[], nodeOptions: string): boolean {
  const named = (arg: string) => arg === FLAG || arg.startsWith(`${FLAG}=`) || arg === '--heap_growing_percent' || arg.startsWith('--heap_growing_percent=');
  return startedWith(execArgv, nodeOptions, named);
}
