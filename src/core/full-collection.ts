import { createRequire } from 'node:module';
import { BOUNDED_FROM_FILES } from './heap-growth.js';
import { processFlagsContext } from './node-flags.js';

/**
 * After the parse of `files` model files, before the artifacts are written: one full garbage
 * collection, for a project of `BOUNDED_FROM_FILES` files or more. The parse leaves its garbage
 * in the old generation until the next full collection, which the heap-growth bound lets wait;
 * writing manifest.json adds its own on top, and that sum was the command's memory peak. Collected
 * first, the 10,000-model compile peaked about 20 MiB lower, for one collection of what the
 * parse keeps (bench/notes.md, "Peak RSS of the 10,000-model compile").
 */
export function collectParseGarbage(files: number): void {
  if (files < BOUNDED_FROM_FILES) return;
  fullCollection()();
}

let collect: (() => void) | undefined;

/**
 * V8's `gc()`: the global one when Node was started with `--expose-gc`, else taken from a new
 * context made while the flag is set (as Jest's leak detector does), so bin/tsdbt need not start
 * Node with a flag. The flag goes back off at once: only that context sees it.
 */
function fullCollection(): () => void {
  if (collect !== undefined) return collect;
  const given = (globalThis as { gc?: unknown }).gc;
  if (typeof given === 'function') return (collect = given as () => void);
  const { setFlags } = processFlagsContext();
  const vm = createRequire(import.meta.url)('node:vm') as typeof import('node:vm');
  setFlags('--expose-gc');
  try {
    collect = vm.runInNewContext('gc') as () => void;
  } finally {
    setFlags('--no-expose-gc');
  }
  return collect;
}
