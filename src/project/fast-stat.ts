/**
 * Size and modification time of a file, for the record checks that stat every file of a project
 * (tasks/compile-stamps.ts: 20,000 at 10,000 models). `fs.statSync` builds a `Stats` with four
 * `Date`s for each call on Node 20, which costs more than the system call itself and is most of
 * the garbage those checks make. Node's own file-system binding (what `statSync` calls) answers
 * with numbers in one shared array instead; it is used only when it provably gives what
 * `statSync` gives (checked on one file first), and `statSync` is used otherwise. The binding is
 * Node's internal interface: should a Node version change or withhold it, the check fails and
 * nothing but the speed changes.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

/** Size and modification time (as `Stats.mtimeMs`) of a regular file, links followed; undefined when there is none. */
export type StatOf = (file: string) => { size: number; mtimeMs: number } | undefined;

/** The part of Node's file-system binding used here: `stat(path, bigint, request, throwIfNoEntry)`. */
export interface StatBinding {
  stat(file: string, bigint: false, request: undefined, throwIfNoEntry: false): unknown;
}

// Where the binding's answer holds each field (Node's lib/internal/fs/utils.js reads the same places).
const MODE = 1;
const SIZE = 8;
const MTIME_SEC = 12;
const MTIME_NSEC = 13;
const FIELDS = 14;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** statOf through `statSync`: always right, slower. */
export function statThroughNode(file: string): { size: number; mtimeMs: number } | undefined {
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    return stats?.isFile() === true ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * statOf through `binding`, when it agrees with `statSync` on `probe` (an existing regular file);
 * undefined when it does not, or answers in another shape.
 */
export function statThroughBinding(binding: StatBinding, probe: string): StatOf | undefined {
  const read = (file: string): { size: number; mtimeMs: number } | undefined => {
    // statSync refuses these before the binding sees them; so does this.
    if (file.includes('\0')) return undefined;
    let values: unknown;
    try {
      values = binding.stat(path.toNamespacedPath(file), false, undefined, false);
    } catch {
      return undefined;
    }
    if (!(values instanceof Float64Array) || values.length < FIELDS) return undefined;
    if ((values[MODE]! & S_IFMT) !== S_IFREG) return undefined;
    // The same arithmetic as Node's (msFromTimeSpec), so the value compares equal to a recorded mtimeMs.
    return { size: values[SIZE]!, mtimeMs: values[MTIME_SEC]! * 1000 + values[MTIME_NSEC]! / 1_000_000 };
  };
  const expected = statThroughNode(probe);
  const got = read(probe);
  if (expected === undefined || got === undefined || got.size !== expected.size || got.mtimeMs !== expected.mtimeMs) return undefined;
  return read;
}

/** Whether Node was started to warn of pending deprecations (`process.binding` is one): by a flag, spelt either way, or NODE_PENDING_DEPRECATION. */
export function warnsOfPendingDeprecations(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return /--pending[-_]deprecation/.test(`${execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`) || env.NODE_PENDING_DEPRECATION === '1';
}

/**
 * Node's binding, unless asking for it would print a deprecation warning (`--pending-deprecation`)
 * or is refused (the permission model).
 */
function nodeBinding(): StatBinding | undefined {
  const legacy = (process as unknown as { binding?: (name: string) => unknown }).binding;
  if (warnsOfPendingDeprecations(process.execArgv, process.env) || typeof legacy !== 'function') return undefined;
  try {
    const binding = legacy.call(process, 'fs') as Partial<StatBinding> | undefined;
    return typeof binding?.stat === 'function' ? (binding as StatBinding) : undefined;
  } catch {
    return undefined;
  }
}

let chosen: StatOf | undefined;

/** The fastest statOf that gives what `statSync` gives, chosen at the first call. */
export function fastStatOf(file: string): { size: number; mtimeMs: number } | undefined {
  if (chosen === undefined) {
    const binding = nodeBinding();
    chosen = (binding === undefined ? undefined : statThroughBinding(binding, process.execPath)) ?? statThroughNode;
  }
  return chosen(file);
}
