import { createRequire } from 'node:module';
import { BOUNDED_FROM_FILES } from './heap-growth.js';
import { type NodeFlagsContext, processFlagsContext, startedWith } from './node-flags.js';

/**
 * The young generation (both semi-spaces) a large parse may grow to. V8 doubles it up to 32 MiB
 * whenever enough survives a scavenge, and a parse keeps most of what it makes, so it reaches the
 * maximum early; at 8 MiB the 10,000-model compile peaked about 30 MiB lower at no CPU cost the
 * benchmark could show (bench/notes.md, "Peak RSS of the 10,000-model compile").
 */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

/**
 * V8 reads `--semi-space-growth-factor` each time it grows the young generation, so 1 holds it at
 * its size; the young generation's maximum, by contrast, is fixed when the isolate starts. Making
 * an isolate (a worker thread) sets a factor below 2 back to 2, for the whole process: after a
 * thread starts, the factor must be set again (`holdYoungGeneration`). Both checked on V8 11
 * (Node 20); elsewhere nothing is set.
 */
const FACTOR_FLAG = '--semi-space-growth-factor';
const CHECKED_V8_MAJOR = '11';
/** A new isolate's starting semi-space size, in MiB (0: V8's own); V8 11's maximum is 16. */
const MIN_SIZE_FLAG = '--min-semi-space-size';
const MAX_SEMI_SPACE_MIB = 16;

/** How often, in files or models, a loop over a large project holds the young generation (`holdYoungGenerationAt`). */
const HOLD_EVERY = 64;

/** How long `holdYoungGeneration` waits for a thread said to be starting (see `threadStarting`). */
const THREAD_START_WAIT_MS = 2_000;

interface State {
  context: NodeFlagsContext | undefined;
  /** The young generation's size now, in bytes. */
  measure: () => number;
  /** Flags of threads started since the last hold, set to 1 by each thread once it runs. */
  starting: Int32Array[];
}

const state: State = { context: undefined, measure: newSpaceSize, starting: [] };

/**
 * Before reading `files` model files: from now on, `holdYoungGeneration` keeps the young
 * generation at `YOUNG_GENERATION_CAP_BYTES` once it gets there (it may be smaller now). Only for
 * a project of `BOUNDED_FROM_FILES` files or more, on a V8 where the flag was checked, and unless
 * Node was started with a young generation flag of the user's own.
 */
export function capYoungGeneration(
  files: number,
  context: NodeFlagsContext = processFlagsContext(),
  v8Version = process.versions.v8,
  measure: () => number = newSpaceSize,
): void {
  if (state.context !== undefined || files < BOUNDED_FROM_FILES || v8Version.split('.')[0] !== CHECKED_V8_MAJOR) return;
  if (givenByUser(context.execArgv, context.nodeOptions)) return;
  state.context = context;
  state.measure = measure;
  holdYoungGeneration();
}

/**
 * Keeps the capped young generation (see `capYoungGeneration`) from growing past its size: called
 * as a large parse goes, since a thread started meanwhile undoes the hold. Waits first, briefly,
 * for threads said to be starting (their start is what undoes it). Costs a heap statistics call.
 */
export function holdYoungGeneration(): void {
  const context = state.context;
  if (context === undefined) return;
  for (const flag of state.starting.splice(0)) Atomics.wait(flag, 0, 0, THREAD_START_WAIT_MS);
  if (state.measure() >= YOUNG_GENERATION_CAP_BYTES) context.setFlags(`${FACTOR_FLAG}=1`);
}

/** `holdYoungGeneration` at every `HOLD_EVERY`-th `index` of a loop over the project's files or models. */
export function holdYoungGenerationAt(index: number): void {
  if (index % HOLD_EVERY === 0) holdYoungGeneration();
}

/**
 * A flag for a thread about to start, which sets it to 1 (`Atomics.store`, then `notify`) as its
 * first statement: by then its isolate exists. The next `holdYoungGeneration` waits for it.
 * Undefined when nothing is held (no flag to pass).
 */
export function threadStarting(): Int32Array | undefined {
  if (state.context === undefined) return undefined;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  state.starting.push(flag);
  return flag;
}

/**
 * Starts a thread that parses alongside a large parse here (the YAML thread, with its own heap):
 * `start` runs with V8's starting size for a new young generation set to its maximum, read as
 * the thread's isolate is made. Held at V8's small starting size (the factor is process-wide),
 * that thread's parse took about a third longer. The thread sets the size back, as its first
 * statement, with the flag this returns (undefined: nothing was set, nothing to set back).
 */
export function withFullYoungGeneration<T>(
  start: (resetFlag: string | undefined) => T,
  context: NodeFlagsContext = processFlagsContext(),
  v8Version = process.versions.v8,
): T {
  if (v8Version.split('.')[0] !== CHECKED_V8_MAJOR || givenByUser(context.execArgv, context.nodeOptions)) return start(undefined);
  context.setFlags(`${MIN_SIZE_FLAG}=${MAX_SEMI_SPACE_MIB}`);
  try {
    return start(`${MIN_SIZE_FLAG}=0`);
  } catch (error) {
    context.setFlags(`${MIN_SIZE_FLAG}=0`);
    throw error;
  }
}

/** Whether the user chose the young generation's size or growth when starting Node. */
export function givenByUser(execArgv: readonly string[], nodeOptions: string): boolean {
  const named = (arg: string) => /^--(semi[-_]space[-_]growth[-_]factor|max[-_]semi[-_]space[-_]size|min[-_]semi[-_]space[-_]size)(=|$)/.test(arg);
  return startedWith(execArgv, nodeOptions, named);
}

let v8: typeof import('node:v8') | undefined;

function newSpaceSize(): number {
  v8 ??= createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
