/**
 * The SHA-1 of every file a compile record stamps (compile-stamps.ts), kept in a file of their
 * own, `<target-path>/compile_sums.json`, beside the record. A check needs a file's checksum
 * only when its time moved but not its size (a checkout, a `touch`), so the record a re-compile
 * parses holds sizes and times alone; the sums are read the first time one is asked for.
 *
 * The record names the sums file it goes with (`sumsId`, a hash of the sums, written into both
 * files): sums of any other compile are never used, and a checksum that cannot be had counts as
 * a change. A patched compile (compile-patch.ts) keeps the sums of the files it changed in the
 * record itself (`patched`), so it does not write the whole sums file again for a few of them.
 *
 * Loaded on the fast paths: Node built-ins and the project layer's file reads only.
 */
import { readTextFile } from '../project/file-stamps.js';

export const SUMS_FILE = 'compile_sums.json';

/** What compile_sums.json holds: the SHA-1 (base64url) of each input and compiled file, by index in the record's columns. */
export interface SumsColumns {
  inputs: string[];
  compiled: string[];
}

/** Sums set by patched compiles since the sums file was written, by index in the record's columns. */
export interface PatchedSums {
  inputs: Record<string, string>;
  compiled: Record<string, string>;
}

/** A record's checksums: the sums file, read on first use, under the sums the record itself holds. */
export class RecordedSums {
  private columns: SumsColumns | null | undefined;

  /** `columns` when the sums are at hand (a compile that just took them); otherwise read from `file` when first asked for. */
  constructor(
    private readonly file: string,
    readonly id: string,
    readonly patched: PatchedSums = { inputs: {}, compiled: {} },
    columns?: SumsColumns,
  ) {
    this.columns = columns;
  }

  /** The recorded SHA-1 of input `at`, or undefined when it cannot be had (which no file's checksum equals). */
  input(at: number): string | undefined {
    return this.patched.inputs[at] ?? this.loaded()?.inputs[at];
  }

  /** The recorded SHA-1 of the text of compiled file `at`, or undefined. */
  compiled(at: number): string | undefined {
    return this.patched.compiled[at] ?? this.loaded()?.compiled[at];
  }

  /** Notes the new sum of input `at` (a patched compile's), kept in the record. */
  setInput(at: number, sum: string): void {
    this.patched.inputs[at] = sum;
  }

  /** Notes the new sum of compiled file `at`, kept in the record. */
  setCompiled(at: number, sum: string): void {
    this.patched.compiled[at] = sum;
  }

  private loaded(): SumsColumns | null {
    if (this.columns === undefined) this.columns = readSums(this.file, this.id);
    return this.columns;
  }
}

/** The text of the sums file for `columns`, named by `id` (the record's `sumsId`). */
export function sumsText(id: string, columns: SumsColumns): string {
  return JSON.stringify({ id, ...columns });
}

/** The sums in `file` when it is the one named `id`; null otherwise. */
function readSums(file: string, id: string): SumsColumns | null {
  const text = readTextFile(file);
  if (text === undefined) return null;
  try {
    const read = JSON.parse(text) as Partial<SumsColumns> & { id?: unknown };
    return typeof id === 'string' && read.id === id && Array.isArray(read.inputs) && Array.isArray(read.compiled)
      ? { inputs: read.inputs, compiled: read.compiled }
      : null;
  } catch {
    return null;
  }
}
